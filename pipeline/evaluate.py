"""The library behind `saidwhen evaluate`: statements scored against annotated attributions.

Input: gold attributions (`load_gold`), either JSON Lines in the PolNeAR shape
(``id``, ``text``, ``publication_date``, ``title``, ``discard_spans``,
``attributions[{source, cue, content, cue_text, ...}]``, spans as lists of
``[start, end]``) or BRAT standoff (a ``.ann`` file or a folder of them, with
their texts), and a spaCy pipeline. Output: one prediction record per gold
article in the reference scorer's ``--pred`` format (`predict`,
`write_predictions`), the counts and figures (`score`), the report
(`format_report`) and the error buckets (`error_buckets`).

The scoring is that of the project's reference scorer
(../shared/tools/attribution_score.py), re-implemented from its documented
rules so that our figures equal its figures for the same gold and predictions
(tests/test_evaluate.py checks that they do):

* Tokens are maximal runs of non-whitespace characters (``str.isspace``).
  A span, one or several ``[start, end)`` ranges, covers the tokens it shares
  at least one character with.
* Content: gold and predicted content token sets G, P are candidates when
  their token F1 (p = |G&P|/|P|, r = |G&P|/|G|, 2pr/(p+r)) is at least the
  threshold (0.5); candidates are matched one to one within an article,
  greedily by decreasing F1, ties to the lower gold index, then the lower
  prediction index. The exact variant needs G == P. The token variant is a
  micro P/R/F1 over the (article, token) pairs of the content tokens.
* Actor of a matched pair: correct when gold source and predicted actor are
  both null, or both present and share a token; "strict", when their token F1
  is at least 0.5. End to end, a prediction counts when it is matched and its
  actor is correct.
* Speech subset: a gold attribution is in it when its cue text passes
  `is_speech_cue` (the word list of pipeline/lexicon/speech_subset.txt).
  Matching is done against all gold attributions, then restricted: a
  prediction matched to an out-of-subset attribution is dropped; an unmatched
  prediction is a false positive of the subset when the text at its cue span
  is speech, or when it has no cue span.
* Predictions whose content tokens all lie in the gold ``discard_spans``
  are ignored; offsets past the text are clipped (and counted); an empty
  content is a prediction that can never match.

Notes:
    The extractor writes one statement per actor ("Mr X and Ms Y said"), and
    the scorer sees exactly those records, as the reference scorer would.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import importlib.resources
import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SUBSETS = ("all", "speech")
# Keys of a prediction record that hold Python objects, not JSON.
_IN_MEMORY_KEYS = ("extracted", "doc", "error")
# Error buckets: how far a matched content may stray from gold before it is
# called too long (more tokens than this times gold) or too short (covering
# less than this share of the gold tokens).
TOO_LONG_RATIO = 1.5
TOO_SHORT_COVER = 0.67
TOP_CUE_WORDS = 15
CONTEXT_CHARS = 300


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file (and line)."""


# --------------------------------------------------------------------------
# The speech subset (an evaluation convention shared with the reference scorer)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeechSubset:
    phrases: tuple[re.Pattern, ...]
    words: frozenset[str]


def parse_speech_subset(text: str) -> SpeechSubset:
    """Read the ``[phrases]`` and ``[words]`` sections of speech_subset.txt."""
    phrases: list[re.Pattern] = []
    words: set[str] = set()
    section = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in ("[phrases]", "[words]"):
            section = line
        elif section == "[phrases]":
            phrases.append(re.compile(line))
        elif section == "[words]":
            words.update(line.split())
        else:
            raise ValueError(f"speech_subset.txt:{number}: text outside a [phrases] or [words] section")
    return SpeechSubset(tuple(phrases), frozenset(words))


@functools.cache
def speech_subset() -> SpeechSubset:
    """The shipped speech-subset definition (read once)."""
    resource = importlib.resources.files("pipeline").joinpath("lexicon", "speech_subset.txt")
    return parse_speech_subset(resource.read_text(encoding="utf-8"))


_CUE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def is_speech_cue(cue_text: str | None) -> bool:
    """True when a cue text is speech or communication (the subset rule)."""
    if not cue_text:
        return False
    lowered = cue_text.lower().replace("\u2019", "'")
    lexicon = speech_subset()
    if any(p.search(lowered) for p in lexicon.phrases):
        return True
    return any(w in lexicon.words for w in _CUE_WORD.findall(lowered))


# --------------------------------------------------------------------------
# Gold: JSON Lines and BRAT standoff, read into one shape
# --------------------------------------------------------------------------


def load_gold(path: Path) -> list[dict]:
    """Read gold attributions from JSON Lines, a ``.ann`` file or a folder of them.

    Args:
        path: A ``.jsonl`` file in the PolNeAR shape, a BRAT ``.ann`` file, or
            a folder searched recursively for ``.ann`` files.

    Returns:
        One record per article: ``id``, ``text``, ``title``, publication date
        (``publication_date`` or ``published``, as given), ``discard_spans``
        and ``attributions`` (``source`` or None, ``cue``, ``content`` as
        lists of ``[start, end]``, ``source_text``, ``cue_text``,
        ``content_text``). JSON Lines records keep all their fields.

    Raises:
        GoldError: unreadable JSON, a record without ``id``/``text``, a
            ``.ann`` file without its text, or spans that do not fit the text.
    """
    path = Path(path)
    if path.is_dir():
        anns = sorted(path.rglob("*.ann"))
        if not anns:
            raise GoldError(f"{path}: no .ann files in this folder")
        return [_read_ann(a) for a in anns]
    if not path.exists():
        raise GoldError(f"{path}: no such file or folder")
    if path.suffix.lower() == ".ann":
        return [_read_ann(path)]
    return _read_gold_jsonl(path)


def _gold_record_problem(record) -> str | None:
    """What makes a JSON Lines gold record unusable, or None."""
    if not isinstance(record, dict):
        return "expected a JSON object"
    for key in ("id", "text"):
        if not isinstance(record.get(key), str):
            return f"{key!r} is missing or not a string"
    attributions = record.get("attributions", [])
    if not isinstance(attributions, list) or not all(isinstance(a, dict) and "content" in a for a in attributions):
        return "'attributions' must be a list of objects with a 'content'"
    return None


def _read_gold_jsonl(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise GoldError(f"{path}:{number}: invalid JSON ({err.msg})") from None
            problem = _gold_record_problem(record)
            if problem:
                raise GoldError(f"{path}:{number}: {problem}")
            record.setdefault("attributions", [])
            record.setdefault("discard_spans", [])
            records.append(record)
    return records


_BRAT_SPAN = re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)$")
_FILE_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_ANNOTATOR_SUFFIX = re.compile(r"_[^_]+$")


def _text_of_ann(ann: Path) -> tuple[Path, str]:
    """The text a ``.ann`` file annotates: ``<stem>.txt`` beside it, or, in
    the PolNeAR layout, ``../text/<stem>.txt`` with or without the trailing
    ``_<annotator>`` of the stem."""
    candidates = [ann.with_suffix(".txt"), ann.parent.parent / "text" / f"{ann.stem}.txt"]
    bare = _ANNOTATOR_SUFFIX.sub("", ann.stem)
    if bare != ann.stem:
        candidates.append(ann.parent.parent / "text" / f"{bare}.txt")
    for candidate in candidates:
        if candidate.is_file():
            # newline="" keeps \r\n as two characters: BRAT offsets count both.
            with candidate.open(encoding="utf-8", newline="") as fh:
                return candidate, fh.read()
    raise GoldError(f"{ann}: no text file; looked for " + ", ".join(str(c) for c in candidates))


def _headline(text: str) -> str | None:
    """The first line as the title when it stands alone above a blank line
    (the news layout of PolNeAR), so the extractor treats it as the JSON
    Lines gold's title line; otherwise no title."""
    match = re.match(r"[ \t]*([^\n]{1,200}?)[ \t]*\r?\n[ \t]*\r?\n", text)
    return match.group(1) if match else None


def _read_ann(ann: Path) -> dict:
    """One BRAT ``.ann`` file (and its text) as a gold record."""
    _, text = _text_of_ann(ann)
    spans: dict[str, tuple[str, list[list[int]]]] = {}
    events: list[tuple[str, dict[str, list[str]]]] = []
    with ann.open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{ann}:{number}"
        fields = line.split("\t")
        if line.startswith("T"):
            match = _BRAT_SPAN.match(fields[1]) if len(fields) >= 2 else None
            if not match:
                raise GoldError(f"{where}: expected 'T<n><TAB>Type start end[;start end]<TAB>text'")
            frags = [[int(n) for n in part.split()] for part in match.group(2).split(";")]
            if any(not 0 <= s <= e <= len(text) for s, e in frags):
                raise GoldError(f"{where}: offsets outside the text ({len(text)} characters)")
            if len(fields) >= 3 and " ".join(fields[2].split()) != " ".join(
                    " ".join(text[s:e] for s, e in frags).split()):
                raise GoldError(f"{where}: the span text differs from the text at its offsets")
            spans[fields[0]] = (match.group(1), frags)
        elif line.startswith("E") and len(fields) >= 2:
            args: dict[str, list[str]] = {}
            for arg in fields[1].split():
                role, _, target = arg.partition(":")
                # BRAT numbers repeated roles: Content, Content2, ...
                args.setdefault(role.rstrip("0123456789"), []).append(target)
            events.append((fields[0], args))
        # A (attributes), R (relations), # (notes) and * lines carry nothing we score.

    def frags_of(role: str, args: dict[str, list[str]], event: str) -> list[list[int]] | None:
        if role not in args:
            return None
        out = []
        for target in args[role]:
            if target not in spans:
                raise GoldError(f"{ann}: event {event} refers to {target}, which is not a span")
            out += spans[target][1]
        return out

    def joined(frags: list[list[int]] | None) -> str | None:
        return None if frags is None else " ".join(text[s:e] for s, e in frags)

    attributions = []
    for event, args in events:
        if "Attribution" not in args:
            continue
        source = frags_of("Source", args, event)
        cue = frags_of("Cue", args, event) or []
        content = frags_of("Content", args, event) or []
        attributions.append({
            "event_id": event,
            "source": source, "cue": cue, "content": content,
            "source_text": joined(source), "cue_text": joined(cue), "content_text": joined(content),
        })
    attributions.sort(key=lambda a: a["content"][0][0] if a["content"] else len(text))
    discard = [frag for kind, frags in spans.values() if kind == "Discard" for frag in frags]
    date = _FILE_DATE.search(ann.stem)
    return {
        "id": ann.stem,
        "publication_date": _valid_date(date.group(1)) if date else None,
        "title": _headline(text),
        "text": text,
        "discard_spans": sorted(discard),
        "attributions": attributions,
    }


def _valid_date(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def write_gold(gold: Iterable[dict], path: Path) -> None:
    """Write gold records as JSON Lines, the reference scorer's ``--gold`` input
    (so BRAT gold can be scored by the tool too)."""
    _write_jsonl(gold, path)


def _write_jsonl(records: Iterable[dict], path: Path) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        for record in records:
            clean = {k: v for k, v in record.items() if k not in _IN_MEMORY_KEYS}
            fh.write(json.dumps(clean, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------
# Predictions: the extractor run on every gold text
# --------------------------------------------------------------------------


def _articles(gold: Sequence[dict]) -> list:
    """An `Article` (or the reason there is none) per gold record, built by
    the ingest stage exactly as ``saidwhen ingest`` builds one from a JSON
    Lines line, with its boilerplate regions and publication date."""
    from pipeline.ingest import IngestError, read_articles

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gold.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in gold:
                fields = {k: v for k, v in record.items() if k not in ("attributions", "discard_spans")}
                # ASCII escapes keep every record on one physical line.
                fh.write(json.dumps(fields, ensure_ascii=True) + "\n")
        items = list(read_articles(path))
    out = []
    for record, item in zip(gold, items, strict=True):
        if isinstance(item, IngestError):
            out.append(f"cannot read as an article: {item.reason}")
        elif item.text != record["text"]:
            out.append("the stored text differs from the gold text")
        else:
            out.append(item)
    return out


def statement_record(st) -> dict:
    """A `Statement` as the reference scorer reads it, plus what it ignores
    but a reader of the file wants (rule, cue lemma and kind, actor)."""
    return {
        "actor_span": list(st.actor_span) if st.actor_span else None,
        "cue_span": list(st.cue_span) if st.cue_span else None,
        "content_span": [list(frag) for frag in st.content_spans],
        "rule": st.rule,
        "cue_lemma": st.cue_lemma,
        "cue_kind": st.cue_kind,
        "actor": st.actor.name,
        "quote_type": st.quote_type,
    }


def predict(
    gold: Sequence[dict],
    nlp,
    batch_size: int = 16,
    n_process: int = 1,
    progress: Callable | None = None,
    keep_docs: bool = True,
) -> list[dict]:
    """Run the extractor on every gold text.

    Args:
        gold: Records from `load_gold`.
        nlp: A pipeline from `pipeline.nlp.load_model`.
        batch_size, n_process: Passed to ``nlp.pipe``.
        progress: Called with each `Article` once it is analysed.
        keep_docs: Keep each parsed `Doc` (``"doc"``) for `error_buckets`.

    Returns:
        Per gold record, in order: ``{"id", "statements": [records of
        `statement_record`], "extracted": [Statement], "doc": Doc | None,
        "error": str | None}``. An article that cannot be built or crashes a
        stage has no statements and says why in ``error``.
    """
    from pipeline.extract import analyse

    preds = [{"id": g["id"], "statements": [], "extracted": [], "doc": None, "error": None} for g in gold]
    articles = _articles(gold)
    ready = []
    for pred, article in zip(preds, articles):
        if isinstance(article, str):
            pred["error"] = article
        else:
            ready.append((pred, article))
    docs = nlp.pipe((a.text for _, a in ready), batch_size=batch_size, n_process=n_process)
    for (pred, article), doc in zip(ready, docs):
        try:
            statements, _ = analyse(doc, article)
        except Exception as exc:  # one broken article must not end the evaluation
            pred["error"] = f"{type(exc).__name__}: {exc}"
        else:
            pred["extracted"] = list(statements)
            pred["statements"] = [statement_record(st) for st in statements]
        if keep_docs:
            pred["doc"] = doc
        if progress:
            progress(article)
    return preds


def write_predictions(preds: Iterable[dict], path: Path) -> None:
    """Write predictions as JSON Lines in the reference scorer's ``--pred``
    format (``id``, ``statements``), so anyone can re-score them with the tool."""
    _write_jsonl(({"id": p["id"], "statements": p["statements"]} for p in preds), path)


# --------------------------------------------------------------------------
# Tokens and spans
# --------------------------------------------------------------------------


class _Tokens:
    """The whitespace tokens of one text, for turning spans into token sets."""

    def __init__(self, text: str) -> None:
        bounds = [m.span() for m in re.finditer(r"\S+", text)]  # \S is exactly not str.isspace
        self.starts = [s for s, _ in bounds]
        self.ends = [e for _, e in bounds]

    def covered(self, frags: Iterable[tuple[int, int]] | None) -> frozenset[int]:
        """Indices of the tokens sharing a character with any fragment."""
        out: set[int] = set()
        for s, e in frags or ():
            if e > s:
                first = bisect.bisect_right(self.ends, s)
                last = bisect.bisect_left(self.starts, e)
                out.update(range(first, last))
        return frozenset(out)


def _frags(span) -> list[tuple[int, int]] | None:
    """``[s, e]``, ``[[s, e], ...]`` or None as a list of ranges (or None).

    Raises ValueError / TypeError for anything else, as a malformed record.
    """
    if span is None:
        return None
    if not isinstance(span, (list, tuple)):
        raise ValueError(f"not a span: {span!r}")
    if not span:
        return []
    pairs = span if isinstance(span[0], (list, tuple)) else [span]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"not a span: {span!r}")
    return [(int(s), int(e)) for s, e in pairs]


def token_f1(gold: frozenset, pred: frozenset) -> float:
    """Token F1 of two token sets, 0.0 when either is empty or they are disjoint.

    Computed as 2pr/(p+r) from p and r, the documented formula, so that
    floating-point ties and the threshold test come out as in the reference
    scorer.
    """
    overlap = len(gold & pred)
    if not overlap:
        return 0.0
    p, r = overlap / len(pred), overlap / len(gold)
    return 2 * p * r / (p + r)


def match_contents(gold: Sequence[frozenset], pred: Sequence[frozenset], threshold: float = 0.5,
                   exact: bool = False) -> dict[int, int]:
    """Greedy one-to-one matching of content token sets: prediction -> gold index."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if not g or not p:
                continue
            f1 = (1.0 if g == p else None) if exact else token_f1(g, p)
            if f1 is not None and f1 >= threshold:
                pairs.append((-f1, gi, pi))
    pairs.sort()
    taken_gold: set[int] = set()
    matched: dict[int, int] = {}
    for _, gi, pi in pairs:
        if gi not in taken_gold and pi not in matched:
            taken_gold.add(gi)
            matched[pi] = gi
    return matched


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class _ArticleMatch:
    """One article's gold and scored predictions as token sets, and their matchings."""

    gold_content: list[frozenset]
    gold_source: list[frozenset | None]
    in_subset: list[bool]
    statement_index: list[int] = field(default_factory=list)  # scored prediction -> statement
    pred_content: list[frozenset] = field(default_factory=list)
    pred_actor: list[frozenset | None] = field(default_factory=list)
    pred_cue_speech: list[bool] = field(default_factory=list)
    overlap: dict[int, int] = field(default_factory=dict)
    exact: dict[int, int] = field(default_factory=dict)
    ignored_discard: int = 0
    clipped: int = 0
    bad: int = 0
    empty_pred: int = 0

    def actor_ok(self, pi: int, gi: int, strict: bool = False) -> bool:
        gold, pred = self.gold_source[gi], self.pred_actor[pi]
        if gold is None or pred is None:
            return gold is None and pred is None
        return token_f1(gold, pred) >= 0.5 if strict else bool(gold & pred)


def _match_article(gold: dict, statements: Sequence[dict], subset: str, threshold: float,
                   ignore_discard: bool) -> _ArticleMatch:
    text = gold["text"]
    tokens = _Tokens(text)
    golds = gold.get("attributions") or []
    m = _ArticleMatch(
        gold_content=[tokens.covered(_frags(a["content"])) for a in golds],
        gold_source=[None if a.get("source") is None else tokens.covered(_frags(a["source"])) for a in golds],
        in_subset=[subset == "all" or is_speech_cue(a.get("cue_text", "")) for a in golds],
    )
    discard = tokens.covered(tuple(s) for s in gold.get("discard_spans") or ()) if ignore_discard else frozenset()

    def clip(frags):
        if frags is None:
            return None
        out = []
        for s, e in frags:
            fitted = (min(max(s, 0), len(text)), min(max(e, 0), len(text)))
            m.clipped += fitted != (s, e)
            out.append(fitted)
        return out

    for index, st in enumerate(statements):
        try:
            content, actor, cue = (_frags(st.get(k)) for k in ("content_span", "actor_span", "cue_span"))
        except (ValueError, TypeError):
            m.bad += 1
            continue
        content, actor, cue = clip(content), clip(actor), clip(cue)
        content_tokens = tokens.covered(content)
        if not content_tokens:
            m.empty_pred += 1  # still a prediction: one that cannot match
        elif discard and content_tokens <= discard:
            m.ignored_discard += 1
            continue
        m.statement_index.append(index)
        m.pred_content.append(content_tokens)
        m.pred_actor.append(None if actor is None else tokens.covered(actor))
        # a prediction without a cue might be speech: it counts against the subset
        m.pred_cue_speech.append(cue is None or is_speech_cue(" ".join(text[s:e] for s, e in cue)))
    m.overlap = match_contents(m.gold_content, m.pred_content, threshold)
    m.exact = match_contents(m.gold_content, m.pred_content, threshold, exact=True)
    return m


@dataclass
class Scores:
    """Every count the reference scorer keeps, and the figures made of them.

    ``tp``/``e2e``/``e2e_strict``: overlap-matched predictions of the subset,
    those with the right actor, and with the right actor under the strict
    rule; ``*_exact``: the same under exact matching; ``fp_subset``: unmatched
    predictions counted against the subset, ``fp_all``: all unmatched ones.
    """

    subset: str = "all"
    threshold: float = 0.5
    articles: int = 0
    n_gold: int = 0
    tp: int = 0
    e2e: int = 0
    e2e_strict: int = 0
    tp_exact: int = 0
    e2e_exact: int = 0
    fp_subset: int = 0
    fp_all: int = 0
    fp_subset_exact: int = 0
    fp_all_exact: int = 0
    matched_src_nonnull: int = 0
    actor_ok_nonnull: int = 0
    tok_gold: int = 0
    tok_pred: int = 0
    tok_tp: int = 0
    ignored_discard: int = 0
    clipped: int = 0
    bad: int = 0
    empty_pred: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def n_pred(self) -> int:
        """Predictions counted: matched in the subset plus the subset's false positives."""
        return self.tp + self.fp_subset

    @property
    def n_pred_exact(self) -> int:
        return self.tp_exact + self.fp_subset_exact

    def figures(self) -> dict[str, tuple[float, float, float]]:
        """(P, R, F1) of each measure, keyed as in `format_report`."""
        return {
            "content": prf(self.tp, self.n_pred, self.n_gold),
            "content_exact": prf(self.tp_exact, self.n_pred_exact, self.n_gold),
            "content_tokens": prf(self.tok_tp, self.tok_pred, self.tok_gold),
            "e2e": prf(self.e2e, self.n_pred, self.n_gold),
            "e2e_strict": prf(self.e2e_strict, self.n_pred, self.n_gold),
            "e2e_exact": prf(self.e2e_exact, self.n_pred_exact, self.n_gold),
        }

    @property
    def f1(self) -> float:
        """End-to-end F1 (overlap content match and actor overlap): the headline figure."""
        return self.figures()["e2e"][2]

    @property
    def actor_accuracy(self) -> float:
        return self.e2e / self.tp if self.tp else 0.0


def _index_predictions(preds: Iterable[dict], gold_ids: set[str], warnings: list[str]) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for pred in preds:
        if "id" not in pred:
            warnings.append("warning: prediction line without id ignored")
        elif pred["id"] in by_id:
            warnings.append("warning: duplicate prediction id %r; using the first" % pred["id"])
        else:
            by_id[pred["id"]] = pred
    unknown = [i for i in by_id if i not in gold_ids]
    if unknown:
        warnings.append("warning: %d prediction ids not in gold ignored (e.g. %r)" % (len(unknown), unknown[0]))
    absent = gold_ids - set(by_id)
    if absent:
        warnings.append("warning: %d gold articles have no prediction line "
                        "(counted as no predictions)" % len(absent))
    return by_id


def _matches(gold: Sequence[dict], preds: Iterable[dict], subset: str, threshold: float,
             ignore_discard: bool, warnings: list[str]) -> list[tuple[dict, dict, _ArticleMatch]]:
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {SUBSETS}, not {subset!r}")
    by_id = _index_predictions(preds, {g["id"] for g in gold}, warnings)
    out = []
    for g in gold:
        pred = by_id.get(g["id"], {})
        out.append((g, pred, _match_article(g, pred.get("statements", []), subset, threshold, ignore_discard)))
    return out


def score(gold: Sequence[dict], preds: Iterable[dict], subset: str = "all", threshold: float = 0.5,
          ignore_discard: bool = True) -> Scores:
    """Score predictions (records of `predict`, or read from a ``--pred`` file) against gold.

    Args:
        gold: Records from `load_gold`.
        preds: ``{"id", "statements": [{"actor_span", "cue_span", "content_span"}]}``
            per article; gold articles without one count as predicting nothing.
        subset: ``all`` or ``speech``.
        threshold: Token-F1 threshold of content matching.
        ignore_discard: Ignore predictions inside the gold Discard regions.
    """
    s = Scores(subset=subset, threshold=threshold)
    for _g, _pred, m in _matches(gold, preds, subset, threshold, ignore_discard, s.warnings):
        s.articles += 1
        s.n_gold += sum(m.in_subset)
        for key in ("ignored_discard", "clipped", "bad", "empty_pred"):
            setattr(s, key, getattr(s, key) + getattr(m, key))
        for pi in range(len(m.pred_content)):
            for exact, matching in ((False, m.overlap), (True, m.exact)):
                suffix = "_exact" if exact else ""
                gi = matching.get(pi)
                if gi is None:
                    setattr(s, "fp_all" + suffix, getattr(s, "fp_all" + suffix) + 1)
                    if subset == "all" or m.pred_cue_speech[pi]:
                        setattr(s, "fp_subset" + suffix, getattr(s, "fp_subset" + suffix) + 1)
                    continue
                if not m.in_subset[gi]:
                    continue  # matched to an attribution outside the subset: neither TP nor FP
                actor_ok = m.actor_ok(pi, gi)
                if exact:
                    s.tp_exact += 1
                    s.e2e_exact += actor_ok
                    continue
                s.tp += 1
                s.e2e += actor_ok
                s.e2e_strict += m.actor_ok(pi, gi, strict=True)
                if m.gold_source[gi] is not None:
                    s.matched_src_nonnull += 1
                    s.actor_ok_nonnull += actor_ok
        # Token micro scores: predicted tokens on out-of-subset gold content
        # are dropped, like predictions matched outside the subset.
        in_sub = frozenset().union(*(t for t, keep in zip(m.gold_content, m.in_subset) if keep))
        outside = frozenset().union(*(t for t, keep in zip(m.gold_content, m.in_subset) if not keep)) - in_sub
        predicted = frozenset().union(*m.pred_content) - outside
        s.tok_gold += len(in_sub)
        s.tok_pred += len(predicted)
        s.tok_tp += len(in_sub & predicted)
    return s


def format_report(scores: Scores) -> str:
    """The P/R/F1 block, line for line and figure for figure as the reference
    scorer prints it, so that the two can be compared."""
    s = scores
    figures = s.figures()
    all_fp = s.subset != "all"
    lines = ["subset=%s  gold attributions=%d  predictions counted=%d" % (s.subset, s.n_gold, s.n_pred)]
    if all_fp:
        lines.append("  (predictions counted = TP + unmatched predictions whose cue is speech or missing; "
                     "P_allFP counts all %d unmatched predictions)" % s.fp_all)
    if s.ignored_discard or s.clipped or s.bad or s.empty_pred:
        lines.append("  notes: ignored in Discard regions=%d, clipped offsets=%d, unparseable statements=%d, "
                     "empty content spans=%d" % (s.ignored_discard, s.clipped, s.bad, s.empty_pred))

    def measure(label: str, key: str, tp: int, n_all_fp: int) -> str:
        p, r, f1 = figures[key]
        line = "%-34s P=%.3f R=%.3f F1=%.3f  (tp=%d)" % (label, p, r, f1, tp)
        if all_fp:
            p2, _, f2 = prf(tp, n_all_fp, s.n_gold)
            line += "  [P_allFP=%.3f F1_allFP=%.3f]" % (p2, f2)
        return line

    n_all, n_all_exact = s.tp + s.fp_all, s.tp_exact + s.fp_all_exact
    lines.append(measure("(a) content, overlap tokF1>=0.5", "content", s.tp, n_all))
    lines.append(measure("(a) content, exact token match", "content_exact", s.tp_exact, n_all_exact))
    lines.append("%-34s P=%.3f R=%.3f F1=%.3f" % (("(a) content tokens (micro)",) + figures["content_tokens"]))
    nonnull = s.actor_ok_nonnull / s.matched_src_nonnull if s.matched_src_nonnull else 0.0
    lines.append("(b) actor accuracy on matched pairs: %.3f (%d/%d); gold source non-null only: %.3f (%d/%d)"
                 % (s.actor_accuracy, s.e2e, s.tp, nonnull, s.actor_ok_nonnull, s.matched_src_nonnull))
    lines.append(measure("(b) end-to-end content+actor", "e2e", s.e2e, n_all))
    lines.append(measure("(b) end-to-end, strict actor", "e2e_strict", s.e2e_strict, n_all))
    lines.append(measure("(b) end-to-end, exact content", "e2e_exact", s.e2e_exact, n_all_exact))
    lines.append("F1=%.3f" % s.f1)
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Error buckets
# --------------------------------------------------------------------------

# Sources that name nobody by themselves: the extractor must resolve them.
PRONOUNS = frozenset("""
i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs who whom whose which that this these those one someone somebody anyone everyone
nobody each both all
""".split())
_DETERMINERS = frozenset("""
the a an this that these those his her its their our my your some many several few most
one two three four five six seven eight nine ten other another any each both such
""".split())
# Words before a cue's head that are not the cue ("has not yet said"); used
# only when no parse is at hand.
_CUE_FILLERS = frozenset("""
has have had having is are was were be been being am 's do does did will would could
should can may might must shall not n't never also yet already still just then later again
even further once first repeatedly publicly privately recently previously earlier
""".split())
_IRREGULAR_PAST = {"said": "say", "says": "say", "told": "tell", "tells": "tell", "wrote": "write",
                   "written": "write", "spoke": "speak", "spoken": "speak", "thought": "think",
                   "knew": "know", "saw": "see", "found": "find", "felt": "feel", "sought": "seek",
                   "according": "according to"}
_APPOSITIVE = re.compile(r"\w[^,]*,\s*\w")
SPEAKER_CATEGORIES = {
    "pronoun": "gold source is a pronoun",
    "nominal": "gold source is a common-noun phrase",
    "appositive": "gold or predicted source has a comma-separated appositive",
    "no actor": "gold names a source, the statement has no actor span",
    "null gold": "gold has no source, the statement names one",
    "other": "a different name or phrase",
}


@dataclass(frozen=True)
class Case:
    """One error: an article (index into gold) and the gold attribution and/or
    statement (index into the prediction's statements) involved."""

    article: int
    gold: int | None
    statement: int | None
    label: str = ""


@dataclass
class ErrorBuckets:
    subset: str
    n_gold: int = 0
    n_matched: int = 0
    n_fp: int = 0
    missed: list[Case] = field(default_factory=list)  # label: "word\tkind"
    speaker: dict[str, list[Case]] = field(default_factory=lambda: {k: [] for k in SPEAKER_CATEGORIES})
    speaker_partial: list[Case] = field(default_factory=list)
    too_long: list[Case] = field(default_factory=list)
    too_short: list[Case] = field(default_factory=list)
    false_positives: list[Case] = field(default_factory=list)  # label: the rule

    def sizes(self) -> dict[str, int]:
        """Each bucket and its size, largest first."""
        sizes = {"missed": len(self.missed), "speaker partial": len(self.speaker_partial),
                 "content too long": len(self.too_long), "content too short": len(self.too_short)}
        sizes.update({f"speaker {k}": len(v) for k, v in self.speaker.items()})
        sizes.update({f"false positive {rule}": n for rule, n in
                      Counter(c.label.split(":")[0] for c in self.false_positives).items()})
        return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _joined(text: str, span) -> str:
    frags = _frags(span) or []
    return " ".join(" ".join(text[s:e].split()) for s, e in frags)


def _doc_lookup(gold: Sequence[dict], preds: Sequence[dict], docs_or_texts) -> list:
    """A parsed `Doc` (or None) per gold article."""
    if docs_or_texts is None:
        by_id = {p["id"]: p.get("doc") for p in preds if "id" in p}
        found = [by_id.get(g["id"]) for g in gold]
    elif isinstance(docs_or_texts, Mapping):
        found = [docs_or_texts.get(g["id"]) for g in gold]
    else:
        found = list(docs_or_texts)
    # a Doc only helps when it is of the gold text
    return [d if getattr(d, "text", None) == g["text"] else None for g, d in zip(gold, found)]


def _cue_word(doc, text: str, cue) -> tuple[str, str | None]:
    """(the cue's head word lowercased, its cue-lexicon key or None)."""
    frags = _frags(cue) or []
    if doc is not None:
        from pipeline.lexicon import cue_key

        tokens = {}
        for s, e in frags:
            span = doc.char_span(s, e, alignment_mode="expand")
            for tok in span or ():
                if not tok.is_space:
                    tokens[tok.i] = tok
        keyed = cue_key([tokens[i] for i in sorted(tokens)])
        if keyed:
            return keyed[2].lower_, keyed[0]
    words = re.findall(r"[\w'’-]+|[^\w\s]", _joined(text, frags).lower())
    head = next((w for w in words if w not in _CUE_FILLERS), words[0] if words else "")
    return head, None


def _key_candidates(word: str) -> list[str]:
    """Lexicon keys a word may be a form of, when no parse gives its lemma."""
    out = [word, _IRREGULAR_PAST.get(word, word)]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"),
                         ("d", ""), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            out.append(word[: -len(suffix)] + repl)
    return out


def _cue_kind(word: str, key: str | None, cues: Mapping) -> str:
    for candidate in [key] if key else _key_candidates(word):
        if candidate in cues:
            return cues[candidate].kind
    return "unknown"


def _speaker_category(doc, text: str, gold_source, pred_actor) -> str:
    if pred_actor is None:
        return "no actor"
    if gold_source is None:
        return "null gold"
    gold_text, pred_text = _joined(text, gold_source), _joined(text, pred_actor)
    words = re.findall(r"[a-z’']+", gold_text.lower())
    if words and all(w in PRONOUNS for w in words):
        return "pronoun"
    if _APPOSITIVE.search(gold_text) or _APPOSITIVE.search(pred_text):
        return "appositive"
    frags = _frags(gold_source)
    span = doc.char_span(frags[0][0], frags[-1][1], alignment_mode="expand") if doc is not None and frags else None
    if span is not None and len(span):
        return "nominal" if span.root.pos_ == "NOUN" else "other"
    # no parse: a phrase whose first word after any determiner is lowercase
    rest = [w for w in gold_text.split() if w.lower() not in _DETERMINERS]
    return "nominal" if rest and rest[0][:1].islower() else "other"


def collect_errors(gold: Sequence[dict], preds: Sequence[dict], docs_or_texts=None, subset: str = "all",
                   threshold: float = 0.5, ignore_discard: bool = True) -> ErrorBuckets:
    """Sort the errors of the overlap matching (the end-to-end measure) into buckets.

    Args:
        gold: Records from `load_gold`.
        preds: Records from `predict` (or read from a ``--pred`` file; the
            ``rule`` of a statement comes from its record when there is no
            `Statement`).
        docs_or_texts: Parsed `Doc`s to find cue heads and source heads with
            (a mapping id -> Doc, or a sequence in gold order); texts or None
            fall back to the ``doc`` kept by `predict`, then to word heuristics.
        subset: ``all`` or ``speech``, as in `score`.
    """
    try:
        from pipeline.lexicon import load_cues

        cues = load_cues()
    except (OSError, ValueError):
        cues = {}
    preds = list(preds)
    docs = _doc_lookup(gold, preds, docs_or_texts)
    out = ErrorBuckets(subset=subset)
    for a, (g, pred, m) in enumerate(_matches(gold, preds, subset, threshold, ignore_discard, [])):
        text, attributions, doc = g["text"], g.get("attributions") or [], docs[a]
        records = pred.get("statements", [])
        extracted = pred.get("extracted") or []
        matched_gold = set(m.overlap.values())
        out.n_gold += sum(m.in_subset)
        for gi, att in enumerate(attributions):
            if m.in_subset[gi] and gi not in matched_gold:
                word, key = _cue_word(doc, text, att.get("cue"))
                out.missed.append(Case(a, gi, None, f"{word}\t{_cue_kind(word, key, cues)}"))
        for pi, index in enumerate(m.statement_index):
            gi = m.overlap.get(pi)
            if gi is None:
                if subset == "all" or m.pred_cue_speech[pi]:
                    rule = extracted[index].rule if index < len(extracted) else records[index].get("rule")
                    out.false_positives.append(Case(a, None, index, rule or "unknown"))
                continue
            if not m.in_subset[gi]:
                continue
            out.n_matched += 1
            case = Case(a, gi, index)
            if not m.actor_ok(pi, gi):
                category = _speaker_category(doc, text, attributions[gi].get("source"),
                                             records[index].get("actor_span"))
                out.speaker[category].append(case)
            elif not m.actor_ok(pi, gi, strict=True):
                out.speaker_partial.append(case)
            g_tokens, p_tokens = m.gold_content[gi], m.pred_content[pi]
            if len(p_tokens) > TOO_LONG_RATIO * len(g_tokens):
                out.too_long.append(case)
            if len(g_tokens & p_tokens) < TOO_SHORT_COVER * len(g_tokens):
                out.too_short.append(case)
    out.n_fp = len(out.false_positives)
    return out


def _context(text: str, at: int) -> str:
    """The line of the text around offset `at`, trimmed to about CONTEXT_CHARS."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    if end - start > CONTEXT_CHARS:
        lo = max(start, at - CONTEXT_CHARS // 3)
        hi = min(end, lo + CONTEXT_CHARS)
        return ("…" if lo > start else "") + " ".join(text[lo:hi].split()) + ("…" if hi < end else "")
    return " ".join(text[start:end].split())


def _short(value: str, limit: int = 160) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _example(case: Case, gold: Sequence[dict], preds_by_id: Mapping[str, dict]) -> list[str]:
    g = gold[case.article]
    text = g["text"]
    lines = []
    att = g["attributions"][case.gold] if case.gold is not None else None
    st = preds_by_id[g["id"]]["statements"][case.statement] if case.statement is not None else None
    first = (_frags(att["content"]) if att else _frags(st["content_span"])) or [(0, 0)]
    lines.append(f"    [{g['id']}] {_context(text, first[0][0])}")
    if att is not None:
        source = _joined(text, att["source"]) if att.get("source") is not None else "(none)"
        lines.append(f"      gold: source «{_short(source)}» cue «{_joined(text, att.get('cue'))}» "
                     f"content «{_short(_joined(text, att['content']))}»")
    if st is not None:
        actor = _joined(text, st["actor_span"]) if st.get("actor_span") is not None else "(none)"
        cue = _joined(text, st["cue_span"]) if st.get("cue_span") is not None else "(none)"
        lines.append(f"      pred: actor «{_short(actor)}» cue «{cue}» "
                     f"content «{_short(_joined(text, st['content_span']))}» ({st.get('rule', '?')})")
    return lines


def format_errors(buckets: ErrorBuckets, gold: Sequence[dict], preds: Sequence[dict], explain: int = 0) -> str:
    """The error buckets as text; `explain` examples per bucket."""
    preds_by_id = {p["id"]: p for p in preds if "id" in p}
    lines: list[str] = [f"Error buckets (subset={buckets.subset}, content overlap matching):"]

    def examples(cases: list[Case]) -> None:
        for case in cases[:explain]:
            lines.extend(_example(case, gold, preds_by_id))

    kinds = Counter(c.label.split("\t")[1] for c in buckets.missed)
    lines.append(f"missed gold statements: {len(buckets.missed)} of {buckets.n_gold} ("
                 + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + ")")
    for label, n in Counter(c.label for c in buckets.missed).most_common(TOP_CUE_WORDS):
        word, kind = label.split("\t")
        lines.append(f"  {n:5d}  {word} ({kind})")
    for kind, _ in kinds.most_common():
        if explain:
            lines.append(f"  {kind}:")
            examples([c for c in buckets.missed if c.label.split("\t")[1] == kind])

    n_wrong = sum(len(v) for v in buckets.speaker.values())
    lines.append(f"wrong speaker on matched pairs: {n_wrong} of {buckets.n_matched}")
    for category, cases in buckets.speaker.items():
        lines.append(f"  {len(cases):5d}  {category}: {SPEAKER_CATEGORIES[category]}")
        examples(cases)
    lines.append(f"speaker overlaps gold but strict token F1 < 0.5: {len(buckets.speaker_partial)} "
                 f"of {buckets.n_matched}")
    examples(buckets.speaker_partial)

    lines.append(f"content too long (predicted tokens > {TOO_LONG_RATIO:g} x gold): {len(buckets.too_long)} "
                 f"of {buckets.n_matched}")
    examples(buckets.too_long)
    lines.append(f"content too short (covers < {TOO_SHORT_COVER:.0%} of gold tokens): {len(buckets.too_short)} "
                 f"of {buckets.n_matched}")
    examples(buckets.too_short)

    lines.append(f"false positives by rule: {buckets.n_fp}")
    prefixes = Counter(c.label.split(":")[0] for c in buckets.false_positives)
    for prefix, n in prefixes.most_common():
        lines.append(f"  {n:5d}  {prefix}")
        examples([c for c in buckets.false_positives if c.label.split(":")[0] == prefix])
    full = Counter(c.label for c in buckets.false_positives).most_common(TOP_CUE_WORDS)
    if full:
        lines.append("  by full rule: " + ", ".join(f"{rule} {n}" for rule, n in full))
    return "\n".join(lines)


def error_buckets(gold: Sequence[dict], preds: Sequence[dict], docs_or_texts=None, explain: int = 0,
                  subset: str = "all", threshold: float = 0.5, ignore_discard: bool = True) -> str:
    """Missed statements by cue, wrong speakers by kind, content length errors
    and false positives by rule, as text to print after `format_report`.

    With ``explain=N``, N examples per bucket: the line of the article
    around the content, and the gold and predicted spans.
    """
    preds = list(preds)
    buckets = collect_errors(gold, preds, docs_or_texts, subset, threshold, ignore_discard)
    return format_errors(buckets, gold, preds, explain)
