"""Incremental regeneration: each article's rows, kept between runs.

Input: a stored `Article` and the extractor it goes through. Output: the rows
`table.statement_rows` and `table.timex_rows` gave for it the last time, or a
miss. Only the per-article step is cached; the corpus-level steps
(`table.merge_person_ids`, `table.actor_rows`) always run over all rows.

An entry is used only for the same article and the same extractor:

* the article: a hash of its metadata (`Article.to_meta`), which holds the
  sha256 of its text, its id, publication date and excluded regions;
* the extractor (`fingerprint`): `config.RULES_VERSION`, every file under
  ``pipeline/lexicon/``, the source of every pipeline module the extraction
  imports (followed from ``pipeline/extract.py`` through its ``import``
  statements, so a module added later is covered too), the model's name and
  version, and the versions of Python, spaCy and the libraries the stages call.
  An edited rule or lexicon therefore invalidates every entry without anyone
  remembering to bump a version.

Layout: ``CACHE/<fingerprint>/<xx>/<article id>.json``, one file per article,
written to a temporary file and renamed over the old one. A file that cannot be
read or parsed, or whose key is not the expected one, is a miss, never an
error. The folders of older fingerprints are removed, bar the most recently
used few, so switching between two models does not re-parse everything.

Beside the entries, ``CACHE/<fingerprint>/tables-<xx>.json`` records what the
last complete run wrote to an outputs folder: the digest of the corpus (every
article id and key) and of each file written. When the corpus, the extractor
and the files are all unchanged, `unchanged_tables` says so without loading
spaCy, pandas or any entry, and `saidwhen extract` has nothing to do.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import time
from functools import cache
from pathlib import Path

from pipeline import atomic
from pipeline.config import DEFAULT_MODEL, FALLBACK_MODEL, RULES_VERSION, Settings
from pipeline.ingest import IngestError, article_ids, load_article

PACKAGE_DIR = Path(__file__).resolve().parent
ENTRY_FORMAT = 1
# Where the import closure of the extraction starts: the per-article function.
ROOT_MODULE = "extract"
# Libraries whose behaviour shapes the rows (parses, dates, names).
ROW_LIBRARIES = ("spacy", "thinc", "dateparser", "nameparser", "names", "anyascii", "rapidfuzz")
KEEP_FINGERPRINTS = 3
_FINGERPRINT_NAME_LENGTH = 16

Rows = tuple[list[dict], list[dict]]


def _imported_pipeline_modules(path: Path) -> set[str]:
    """Names of the `pipeline` modules that the module at `path` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from .x import y
                parts = (node.module or "").split(".")
                found.update([parts[0]] if node.module else [alias.name for alias in node.names])
            elif node.module == "pipeline":
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("pipeline."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("pipeline."))
    return found


def stage_sources(root: str = ROOT_MODULE, package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Source files of `root` and of every pipeline module it imports, directly or not."""
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = package_dir / f"{name}.py"
        if not path.is_file():  # a sub-package or a name imported from a module
            continue
        seen.add(name)
        todo.extend(_imported_pipeline_modules(path) - seen)
    return sorted(package_dir / f"{name}.py" for name in seen)


def lexicon_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    folder = package_dir / "lexicon"
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


@cache
def rules_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of everything but the model that decides an article's rows (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(f"rules {RULES_VERSION}\nentry {ENTRY_FORMAT}\npython {platform.python_version()}\n".encode())
    for package in ROW_LIBRARIES:
        digest.update(f"{package} {_version(package)}\n".encode())
    for path in stage_sources(package_dir=package_dir) + lexicon_files(package_dir):
        digest.update(f"{path.relative_to(package_dir).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(model_name: str, model_version: str) -> str:
    """The extractor's key: the rules, and the model that parses."""
    key = f"{rules_fingerprint()}\nmodel {model_name} {model_version}\n"
    return hashlib.sha256(key.encode()).hexdigest()


def peek_model(name: str = DEFAULT_MODEL) -> tuple[str, str] | None:
    """(name, version) of the model `pipeline.nlp.load_model(name)` would load, from its meta.json.

    Reading the meta costs milliseconds where loading the weights costs a
    second or more, and a run that finds everything in the cache loads nothing.
    None when the meta cannot be found (the caller then loads the model).
    """
    candidates = [name] + ([FALLBACK_MODEL] if name == DEFAULT_MODEL else [])
    for candidate in candidates:
        folder = Path(candidate)
        if not folder.is_dir():
            try:
                spec = importlib.util.find_spec(candidate)
            except (ImportError, ValueError):
                spec = None
            if spec is None or not spec.origin:
                continue
            folder = Path(spec.origin).parent
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        # The same naming as `pipeline.nlp.ModelInfo.of`.
        return f"{meta.get('lang', '')}_{meta.get('name', '')}".strip("_"), str(meta.get("version", ""))
    return None


def article_key(article) -> str:
    """Hash of the stored article: its text's sha256 and every metadata field."""
    meta = json.dumps(article.to_meta(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(meta.encode("utf-8")).hexdigest()


def corpus_digest(keys: list[tuple[str, str]]) -> str:
    """Digest of a corpus as (article id, `article_key`) pairs, in id order."""
    digest = hashlib.sha256()
    for article_id, key in keys:
        digest.update(f"{article_id}\t{key}\n".encode("utf-8"))
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class ExtractionCache:
    """The rows of each article, kept in `folder` for one extractor `fingerprint`.

    Attributes:
        hits, misses, corrupt, stored: counts of this run.
    """

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.root = Path(folder)
        self.fingerprint = fingerprint
        self.folder = self.root / fingerprint[:_FINGERPRINT_NAME_LENGTH]
        self.hits = self.misses = self.corrupt = self.stored = 0

    def path(self, article_id: str) -> Path:
        shard = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:2]
        return self.folder / shard / f"{article_id}.json"

    def _key(self, article) -> str:
        return f"{self.fingerprint}:{article_key(article)}"

    def get(self, article) -> Rows | None:
        """The rows stored for `article` by this extractor, or None."""
        try:
            entry = json.loads(self.path(article.id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError):
            self.corrupt += 1
            self.misses += 1
            return None
        if not (isinstance(entry, dict) and entry.get("key") == self._key(article)
                and isinstance(entry.get("statements"), list) and isinstance(entry.get("timexes"), list)
                and all(isinstance(row, dict) for row in entry["statements"] + entry["timexes"])):
            self.misses += 1
            return None
        self.hits += 1
        return entry["statements"], entry["timexes"]

    def put(self, article, statements: list[dict], timexes: list[dict]) -> bool:
        """Store the rows of `article`; False when they would not read back equal (not stored)."""
        entry = {"key": self._key(article), "article_id": article.id, "statements": statements, "timexes": timexes}
        try:
            content = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return False
        # A tuple or a float NaN would come back as something else: better a miss.
        if json.loads(content) != entry:
            return False
        path = self.path(article.id)
        atomic.write_text(path, content, durable=False)  # a lost entry is only a miss
        self.stored += 1
        return True

    def prune(self, keep: int = KEEP_FINGERPRINTS) -> list[Path]:
        """Remove the folders of all but the `keep` most recently used fingerprints (this one included)."""
        if not self.root.is_dir():
            return []
        if self.folder.is_dir():
            now = time.time()
            os.utime(self.folder, (now, now))
        folders = [
            p for p in self.root.iterdir()
            if p.is_dir() and len(p.name) == _FINGERPRINT_NAME_LENGTH and all(c in "0123456789abcdef" for c in p.name)
        ]
        folders.sort(key=lambda p: (p == self.folder, p.stat().st_mtime), reverse=True)
        removed = folders[keep:]
        for folder in removed:
            shutil.rmtree(folder, ignore_errors=True)
        return removed

    def _tables_record(self, out_dir: Path) -> Path:
        where = hashlib.sha1(str(Path(out_dir).resolve()).encode("utf-8")).hexdigest()[:8]
        return self.folder / f"tables-{where}.json"

    def record_tables(self, out_dir: Path, corpus: str, model: str, files: list[Path], counts: dict) -> None:
        """Remember that `files` in `out_dir` are the complete tables of `corpus` by this extractor."""
        record = {
            "corpus": corpus,
            "model": model,
            "files": {Path(f).name: _file_digest(Path(f)) for f in files},
            "counts": counts,
        }
        path = self._tables_record(out_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, json.dumps(record, sort_keys=True), durable=False)

    def recorded_tables(self, out_dir: Path) -> dict | None:
        try:
            record = json.loads(self._tables_record(out_dir).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None


def unchanged_tables(settings: Settings) -> dict | None:
    """The counts of the tables in `settings.out_dir` when regenerating them would change nothing.

    That is: the last complete run with this extractor (rules, lexicons,
    model) wrote them for exactly the articles now stored, and the files are
    untouched since. Otherwise (or when unsure) None.
    """
    model = peek_model(settings.model)
    if model is None or not settings.use_cache:
        return None
    cache = ExtractionCache(settings.cache_folder, fingerprint(*model))
    record = cache.recorded_tables(settings.out_dir)
    if not record or record.get("model") != settings.model or not isinstance(record.get("files"), dict):
        return None
    for name, digest in record["files"].items():
        if digest is None or _file_digest(Path(settings.out_dir) / name) != digest:
            return None
    keys = []
    for article_id in article_ids(settings.raw_dir):
        try:
            keys.append((article_id, article_key(load_article(settings.raw_dir, article_id))))
        except IngestError:
            return None
    return record.get("counts") if corpus_digest(keys) == record.get("corpus") else None
