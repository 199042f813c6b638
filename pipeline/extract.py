"""The library API that `saidwhen extract` wraps: raw/ -> outputs/.

Streams the stored articles through the model (`nlp.pipe`), runs the
entities, dates and claims stages on each `Doc`, and hands the rows to the
table stage. An article that cannot be read or crashes a stage is reported and
skipped; the run completes for the others.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import table
from pipeline.claims import Statement, date_statements, extract_statements
from pipeline.config import RULES_VERSION, Settings
from pipeline.dates import Timex, find_timexes
from pipeline.entities import find_mentions
from pipeline.ingest import Article, IngestError, iter_articles
from pipeline.nlp import ModelInfo, load_model

PACKAGES = ["saidwhen", "spacy", "dateparser", "pandas", "typer", "trafilatura", "rapidfuzz", "anyascii", "nameparser"]


@dataclass
class ExtractResult:
    statements: list[dict] = field(default_factory=list)
    timexes: list[dict] = field(default_factory=list)
    actors: list[dict] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    articles: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def ok(self) -> bool:
        return not self.failures


def analyse(doc: Doc, article: Article) -> tuple[list[Statement], list[Timex]]:
    """Run the entities, dates and claims stages on one parsed article.

    Results are left on the `Doc` extensions as well as returned.
    """
    published = dt.date.fromisoformat(article.published) if article.published else None
    doc._.article = article
    doc._.mentions = find_mentions(doc)
    # Boilerplate (captions, headings, See-also lists) is not the article's content.
    doc._.timexes = [t for t in find_timexes(doc, published) if not article.is_excluded(t.start, t.end)]
    statements = extract_statements(doc, article.id, doc._.mentions, article.excluded, timexes=doc._.timexes)
    doc._.statements = date_statements(doc, statements, doc._.timexes, article.published)
    return doc._.statements, doc._.timexes


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def extract_corpus(settings: Settings, nlp: Language | None = None, progress=None) -> ExtractResult:
    """Extract every article of `settings.raw_dir` into tables (not yet written)."""
    result = ExtractResult()
    started = time.perf_counter()
    nlp = nlp or load_model(settings.model)
    result.seconds["load_model"] = time.perf_counter() - started

    articles = []
    for item in iter_articles(settings.raw_dir):
        if isinstance(item, IngestError):
            result.failures.append((str(item.path), item.reason))
        else:
            articles.append(item)

    t0 = time.perf_counter()
    docs = nlp.pipe((a.text for a in articles), batch_size=settings.batch_size, n_process=settings.n_process)
    for article, doc in zip(articles, docs):
        t1 = time.perf_counter()
        result.seconds["nlp"] += t1 - t0
        try:
            statements, timexes = analyse(doc, article)
        except Exception as exc:  # an article that crashes a stage is skipped, not fatal
            result.failures.append((article.id, f"{type(exc).__name__}: {exc}"))
        else:
            result.statements += table.statement_rows(article.id, article.text, article.published, statements)
            result.timexes += table.timex_rows(article.id, timexes)
            result.articles += 1
        if progress:
            progress(article)
        t0 = time.perf_counter()
        result.seconds["stages"] += t0 - t1
    table.merge_person_ids(result.statements)
    result.actors = table.actor_rows(result.statements)
    result.seconds["total"] = time.perf_counter() - started
    result.model = ModelInfo.of(nlp)
    return result


def run_info(result: ExtractResult, settings: Settings) -> dict:
    """What `run.json` records: model, versions, counts, failures, timings."""
    return {
        "model": {"requested": settings.model, "name": result.model.name, "version": result.model.version},
        "rules_version": RULES_VERSION,
        "packages": package_versions(),
        "counts": {
            "articles": result.articles,
            "failed": len(result.failures),
            "statements": len(result.statements),
            "timexes": len(result.timexes),
            "actors": len(result.actors),
        },
        "failures": [{"article": a, "reason": r} for a, r in result.failures],
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    }


def write_outputs(result: ExtractResult, settings: Settings) -> list[Path]:
    out = settings.out_dir
    paths = [out / "statements.csv", out / "timexes.csv", out / "actors.csv", out / "run.json"]
    table.write_csv(table.frame(result.statements, table.STATEMENT_COLUMNS), paths[0])
    table.write_csv(table.frame(result.timexes, table.TIMEX_COLUMNS), paths[1])
    table.write_csv(table.frame(result.actors, table.ACTOR_COLUMNS), paths[2])
    table.write_json(run_info(result, settings), paths[3])
    return paths
