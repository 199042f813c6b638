"""The library API that `saidwhen extract` wraps: raw/ -> outputs/.

Per article, `extract_article` takes the parsed `Doc` through the entities,
dates and claims stages and turns the result into rows (`table.statement_rows`,
`table.timex_rows`). `extract_batch` parses a batch of articles with
`nlp.pipe` and runs `extract_article` on each: it is the one unit of work of
every engine.

* ``local``, 1 process: batches run in the calling process.
* ``local``, N processes: a pool of N worker processes runs the batches.
  Articles go in and rows come out, never `Doc`s, so nothing is serialised but
  text and rows; each worker holds one model (forked from the caller, which
  loads it once, where the platform forks).
* ``dask``: batches run as tasks on a Dask cluster, a `LocalCluster` or the
  scheduler at `Settings.scheduler`; each worker loads the model once
  (`worker_model`).

An article whose rows are in the cache (`pipeline.cache`) for the same text,
metadata, rules and model is not parsed. The corpus-level steps
(`table.merge_person_ids`, `table.actor_rows`) then run over all rows in
article id order, so the tables are the same whatever the engine, the number
of processes or what came from the cache. Only the rows of a batch in flight
and the rows of the corpus are held in memory, never the corpus' texts or Docs.

An article that cannot be read or crashes a stage is reported, skipped and not
cached; the run completes for the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import math
import multiprocessing
import platform
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import table
from pipeline.cache import ExtractionCache, article_key, corpus_digest, fingerprint, peek_model, rules_fingerprint
from pipeline.claims import Statement, date_statements, extract_statements
from pipeline.config import RULES_VERSION, Settings
from pipeline.dates import Timex, find_timexes
from pipeline.entities import find_mentions
from pipeline.ingest import Article, IngestError, article_ids, load_article
from pipeline.nlp import ModelInfo, load_model

PACKAGES = ["saidwhen", "spacy", "dateparser", "pandas", "typer", "trafilatura", "rapidfuzz", "anyascii", "nameparser", "names"]
# Where the time of one article goes, in pipeline order ("table": its rows).
STAGES = ("nlp", "entities", "dates", "claims", "table")
# Batches submitted ahead of the workers: enough to keep them busy, few
# enough that the texts in flight stay a small, fixed amount of memory.
BATCHES_IN_FLIGHT_PER_WORKER = 2
# Characters a model parses outside a memory zone before its batches go into
# one. spaCy's tokenizer caches nothing inside a zone, so a process that always
# parses in zones tokenizes every word the slow way (0.8 s instead of 0.2 s on
# PolNeAR dev). The words of its first two million characters (about 300,000
# words: the frequent ones) are cached for good, at a cost of some tens of MB
# of strings; after them, memory stops growing.
WARM_CHARACTERS = 2_000_000

Rows = tuple[list[dict], list[dict]]
Progress = Callable[[str, str], None]


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (its optional extra is not installed)."""


@dataclass
class ArticleOutcome:
    """What the per-article step gave for one article: its rows, or why it failed."""

    index: int
    article_id: str
    statements: list[dict] = field(default_factory=list)
    timexes: list[dict] = field(default_factory=list)
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class ExtractResult:
    statements: list[dict] = field(default_factory=list)
    timexes: list[dict] = field(default_factory=list)
    actors: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    articles: int = 0  # articles extracted, parsed or from the cache
    parsed: int = 0
    cached: int = 0
    engine: str = "local"
    processes: int = 0  # processes (or Dask workers) that parsed
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    model: ModelInfo | None = None
    fingerprint: str = ""
    corpus: str | None = None  # `cache.corpus_digest` of the articles extracted; None after a failure

    @property
    def ok(self) -> bool:
        return not self.failures


# --------------------------------------------------------------------------- one article

def analyse(doc: Doc, article: Article, seconds: dict[str, float] | None = None) -> tuple[list[Statement], list[Timex]]:
    """Run the entities, dates and claims stages on one parsed article.

    Results are left on the `Doc` extensions as well as returned; the time of
    each stage is added to `seconds` when it is given.
    """
    t0 = time.perf_counter()
    published = dt.date.fromisoformat(article.published) if article.published else None
    doc._.article = article
    doc._.mentions = find_mentions(doc)
    t1 = time.perf_counter()
    # Boilerplate (captions, headings, See-also lists) is not the article's content; a headline's
    # statements are (Article.boilerplate), its dates are not.
    doc._.timexes = [t for t in find_timexes(doc, published) if not article.is_excluded(t.start, t.end)]
    t2 = time.perf_counter()
    statements = extract_statements(doc, article.id, doc._.mentions, article.boilerplate, timexes=doc._.timexes)
    doc._.statements = date_statements(doc, statements, doc._.timexes, article.published, doc._.mentions)
    if seconds is not None:
        seconds["entities"] = seconds.get("entities", 0.0) + t1 - t0
        seconds["dates"] = seconds.get("dates", 0.0) + t2 - t1
        seconds["claims"] = seconds.get("claims", 0.0) + time.perf_counter() - t2
    return doc._.statements, doc._.timexes


def extract_article(doc: Doc, article: Article, seconds: dict[str, float] | None = None) -> Rows:
    """The per-article step: one parsed article -> its statement rows and timex rows.

    The rows are those of the table before the corpus-level steps; they are
    what the cache keeps.
    """
    statements, timexes = analyse(doc, article, seconds)
    t0 = time.perf_counter()
    rows = (table.statement_rows(article.id, article.text, article.published, statements),
            table.timex_rows(article.id, timexes))
    if seconds is not None:
        seconds["table"] = seconds.get("table", 0.0) + time.perf_counter() - t0
    return rows


def _parsed(nlp: Language, articles: list[Article], batch_size: int) -> Iterator[tuple[Article, Doc | Exception, float]]:
    """(article, Doc or the exception that parsing it raised, seconds), in order.

    When `nlp.pipe` fails on a batch (a text past `nlp.max_length`), the
    articles not yet yielded are parsed one at a time, so only the bad one fails.
    """
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    done = 0
    try:
        for article in articles:
            t0 = time.perf_counter()
            doc = next(docs)
            done += 1
            yield article, doc, time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - isolate the article at fault below
        for article in articles[done:]:
            t0 = time.perf_counter()
            try:
                doc = nlp(article.text)
            except Exception as exc:  # noqa: BLE001
                doc = exc
            yield article, doc, time.perf_counter() - t0


# Characters parsed so far per loaded model, in this process.
_WARMED: weakref.WeakKeyDictionary[Language, int] = weakref.WeakKeyDictionary()


def extract_batch(batch: list[tuple[int, Article]], nlp: Language, batch_size: int) -> list[ArticleOutcome]:
    """Parse a batch of (index, article) and run `extract_article` on each: what every engine runs.

    Once the model has parsed `WARM_CHARACTERS`, the batch runs in a spaCy
    memory zone: the strings its Docs added to the vocabulary are freed after
    it, so a worker's memory does not grow with the corpus. Nothing of a Doc
    outlives the batch; the rows are plain data.
    """
    outcomes = []
    index_of = {id(article): index for index, article in batch}
    warm = _WARMED.get(nlp, 0) >= WARM_CHARACTERS
    _WARMED[nlp] = _WARMED.get(nlp, 0) + sum(len(article.text) for _, article in batch)
    with nlp.memory_zone() if warm else contextlib.nullcontext():
        for article, doc, nlp_seconds in _parsed(nlp, [a for _, a in batch], batch_size):
            outcome = ArticleOutcome(index_of[id(article)], article.id, seconds={"nlp": nlp_seconds})
            try:
                if isinstance(doc, Exception):
                    raise doc
                outcome.statements, outcome.timexes = extract_article(doc, article, outcome.seconds)
            except Exception as exc:  # an article that crashes a stage is skipped, not fatal
                outcome.statements, outcome.timexes = [], []
                outcome.error = f"{type(exc).__name__}: {exc}"
            outcomes.append(outcome)
    return outcomes


# --------------------------------------------------------------------------- models in workers

_MODELS: dict[str, Language] = {}
_MODELS_LOCK = threading.Lock()
_RUN_LOCKS: dict[str, threading.Lock] = defaultdict(threading.Lock)


def worker_model(name: str) -> Language:
    """The model `name`, loaded once per process (a pool worker or a Dask worker)."""
    with _MODELS_LOCK:
        if name not in _MODELS:
            _MODELS[name] = load_model(name)
        return _MODELS[name]


def extract_batch_with(model: str, batch: list[tuple[int, Article]], batch_size: int) -> list[ArticleOutcome]:
    """`extract_batch` with this process's copy of the model `model`: a worker's task."""
    nlp = worker_model(model)
    # A Dask worker may run tasks in several threads; one model is not shared by two batches at once.
    with _RUN_LOCKS[model]:
        return extract_batch(batch, nlp, batch_size)


# --------------------------------------------------------------------------- engines

Batches = Iterable[list[tuple[int, Article]]]


def _windowed(submit: Callable, batches: Batches, window: int, done: Callable) -> Iterator[list[ArticleOutcome]]:
    """Keep `window` batches in flight through `submit`; yield each batch's outcomes as it finishes."""
    pending = set()
    for batch in batches:
        pending.add(submit(batch))
        if len(pending) >= window:
            finished, pending = done(pending)
            for future in finished:
                yield future.result()
    while pending:
        finished, pending = done(pending)
        for future in finished:
            yield future.result()


def _in_process(batches: Batches, nlp: Language, settings: Settings) -> Iterator[list[ArticleOutcome]]:
    for batch in batches:
        yield extract_batch(batch, nlp, settings.batch_size)


def _process_pool(batches: Batches, nlp: Language, settings: Settings, workers: int) -> Iterator[list[ArticleOutcome]]:
    methods = multiprocessing.get_all_start_methods()
    # Forked workers share the caller's loaded model instead of loading their own.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    previous = _MODELS.get(settings.model)
    _MODELS[settings.model] = nlp

    def done(pending):
        return wait(pending, return_when=FIRST_COMPLETED)

    def submit(batch):
        return pool.submit(extract_batch_with, settings.model, batch, settings.batch_size)

    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield from _windowed(submit, batches, workers * BATCHES_IN_FLIGHT_PER_WORKER, done)
    finally:
        if previous is None:
            _MODELS.pop(settings.model, None)
        else:
            _MODELS[settings.model] = previous


def _dask(batches: Batches, settings: Settings, result: ExtractResult) -> Iterator[list[ArticleOutcome]]:
    from distributed import Client, LocalCluster, wait as dask_wait

    cluster = None
    if settings.scheduler:
        try:
            client = Client(settings.scheduler)
        except OSError as exc:  # refused, unreachable or timed out
            raise EngineUnavailable(f"cannot reach the Dask scheduler at {settings.scheduler}: {exc}") from None
    else:
        # Workers are processes (the model is not thread-safe across batches);
        # no dashboard, so nothing listens beyond the loopback scheduler.
        cluster = LocalCluster(n_workers=settings.n_process, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    try:
        slots = max(sum(client.nthreads().values()), 1)
        result.processes = len(client.nthreads())

        def submit(batch):
            return client.submit(extract_batch_with, settings.model, batch, settings.batch_size, pure=False)

        def done(pending):
            waited = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return waited.done, set(waited.not_done)

        yield from _windowed(submit, batches, slots * BATCHES_IN_FLIGHT_PER_WORKER, done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- the corpus

def _model_of(settings: Settings, nlp: Language | None) -> ModelInfo | None:
    if nlp is not None:
        return ModelInfo.of(nlp)
    peeked = peek_model(settings.model)
    return ModelInfo(peeked[0], peeked[1], spacy.__version__) if peeked else None


def _batches(items: Iterable[tuple[int, Article]], size: int) -> Iterator[list[tuple[int, Article]]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_corpus(settings: Settings, nlp: Language | None = None, progress: Progress | None = None) -> ExtractResult:
    """Extract every article of `settings.raw_dir` into tables (not yet written).

    Args:
        settings: Folders, model, engine, processes, cache.
        nlp: A loaded model to parse with in this process (and in forked
            workers); by default `settings.model` is loaded, and only when
            some article is not in the cache.
        progress: Called as ``progress(article_id, how)`` once per article,
            `how` being "cached", "parsed" or "failed".

    Returns:
        The rows of the three tables, the failures, counts and timings.
    """
    started = time.perf_counter()
    if settings.engine == "dask" and importlib.util.find_spec("distributed") is None:
        raise EngineUnavailable("the dask engine needs the optional extra: pip install 'saidwhen[dask]'")
    tick = progress or (lambda article_id, how: None)
    result = ExtractResult(engine=settings.engine)
    seconds = result.seconds
    model = _model_of(settings, nlp)
    if model is None:  # no meta.json to read: the loaded model tells
        t0 = time.perf_counter()
        nlp = load_model(settings.model)
        seconds["load_model"] += time.perf_counter() - t0
        model = ModelInfo.of(nlp)
    result.model = model
    result.fingerprint = fingerprint(model.name, model.version)
    cache = ExtractionCache(settings.cache_folder, result.fingerprint)

    # Pass 1: read every article and take what the cache has; remember only the ids of the rest.
    t0 = time.perf_counter()
    ids = article_ids(settings.raw_dir)
    slots: list[Rows | None] = [None] * len(ids)
    keys: list[tuple[str, str]] = [(article_id, "") for article_id in ids]
    failures: list[tuple[int, str, str]] = []
    to_parse: list[int] = []
    for index, article_id in enumerate(ids):
        try:
            article = load_article(settings.raw_dir, article_id)
        except IngestError as err:
            failures.append((index, err.path, err.reason))
            tick(article_id, "failed")
            continue
        keys[index] = (article_id, article_key(article))
        rows = cache.get(article) if settings.use_cache else None
        if rows is None:
            to_parse.append(index)
        else:
            slots[index] = rows
            result.cached += 1
            tick(article_id, "cached")
    seconds["read"] += time.perf_counter() - t0

    # Pass 2: parse the rest, streaming the texts in batches.
    def unread() -> Iterator[tuple[int, Article]]:
        for index in to_parse:
            try:
                article = load_article(settings.raw_dir, ids[index])
            except IngestError as err:  # removed or damaged since pass 1
                failures.append((index, err.path, err.reason))
                tick(ids[index], "failed")
                continue
            keys[index] = (article.id, article_key(article))  # it may have been replaced since
            yield index, article

    # More processes than batches would only load models for nothing.
    workers = max(1, min(settings.n_process, math.ceil(len(to_parse) / settings.batch_size)))
    articles_in_flight: dict[int, Article] = {}

    def remembered(batches: Batches) -> Iterator[list[tuple[int, Article]]]:
        for batch in batches:
            articles_in_flight.update(batch)
            yield batch

    if to_parse:
        batches = remembered(_batches(unread(), settings.batch_size))
        if settings.engine == "dask":
            engine = _dask(batches, settings, result)
        else:
            result.processes = workers
            if nlp is None:
                t0 = time.perf_counter()
                nlp = load_model(settings.model)
                seconds["load_model"] += time.perf_counter() - t0
            engine = _in_process(batches, nlp, settings) if workers == 1 else _process_pool(batches, nlp, settings, workers)
        t0 = time.perf_counter()
        for outcomes in engine:
            for outcome in outcomes:
                article = articles_in_flight.pop(outcome.index)
                for stage, spent in outcome.seconds.items():
                    seconds[stage] += spent
                if outcome.error is not None:
                    failures.append((outcome.index, article.id, outcome.error))
                    tick(article.id, "failed")
                    continue
                cache.put(article, outcome.statements, outcome.timexes)
                slots[outcome.index] = (outcome.statements, outcome.timexes)
                result.parsed += 1
                tick(article.id, "parsed")
        seconds["parse_wall"] += time.perf_counter() - t0
    cache.prune()

    # The corpus-level steps, over every article's rows in id order.
    t0 = time.perf_counter()
    for rows in slots:
        if rows is not None:
            result.statements += rows[0]
            result.timexes += rows[1]
            result.articles += 1
    result.failures = [(where, reason) for _, where, reason in sorted(failures, key=lambda f: f[0])]
    result.corpus = None if failures else corpus_digest(keys)
    table.merge_person_ids(result.statements)
    result.actors = table.actor_rows(result.statements)
    seconds["corpus"] += time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------- outputs

def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def run_info(result: ExtractResult, settings: Settings) -> dict:
    """What `run.json` records: model, versions, counts, failures, how the run went, timings."""
    return {
        "model": {"requested": settings.model, "name": result.model.name, "version": result.model.version},
        "rules_version": RULES_VERSION,
        "rules_fingerprint": rules_fingerprint(),
        "packages": package_versions(),
        "counts": {
            "articles": result.articles,
            "failed": len(result.failures),
            "statements": len(result.statements),
            "timexes": len(result.timexes),
            "actors": len(result.actors),
        },
        # What this run did (it differs between runs of the same corpus).
        "run": {
            "engine": result.engine,
            "processes": result.processes,
            "parsed": result.parsed,
            "from_cache": result.cached,
            "cache": "off" if not settings.use_cache else "on",
        },
        "failures": [{"article": a, "reason": r} for a, r in result.failures],
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    }


def write_outputs(result: ExtractResult, settings: Settings) -> list[Path]:
    """Write the three tables and run.json, each atomically.

    After a run without failures, the cache records what was written, so that
    the next run over the same articles can tell the tables are up to date
    (`pipeline.cache.unchanged_tables`).
    """
    out = settings.out_dir
    paths = [out / "statements.csv", out / "timexes.csv", out / "actors.csv", out / "run.json"]
    t0 = time.perf_counter()
    table.write_csv(table.frame(result.statements, table.STATEMENT_COLUMNS), paths[0])
    table.write_csv(table.frame(result.timexes, table.TIMEX_COLUMNS), paths[1])
    table.write_csv(table.frame(result.actors, table.ACTOR_COLUMNS), paths[2])
    result.seconds["write"] = time.perf_counter() - t0
    info = run_info(result, settings)
    table.write_json(info, paths[3])
    if result.corpus is not None and result.fingerprint:
        cache = ExtractionCache(settings.cache_folder, result.fingerprint)
        cache.record_tables(out, result.corpus, settings.model, paths, info["counts"])
    return paths
