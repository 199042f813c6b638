"""audit stage: the tables in outputs/ checked against the stored text in raw/.

Input: `statements.csv` and `timexes.csv` and the stored articles. Output: an
`AuditReport` listing every row whose spans do not slice back to its text
(actor, cue, content, date), whose article is missing or whose stored text no
longer matches its sha256, and every statement drawn from an excluded
(boilerplate) region; and the precision estimated from the reviewed rows of
`reviews.csv` (`pipeline.review`). The HTML audit page is built by
`pipeline.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.ingest import Article, IngestError, load_article
from pipeline.review import Precision, estimate_precision, load_reviews
from pipeline.table import STATEMENT_COLUMNS, TIMEX_COLUMNS, read_statements

SPAN_CHECKS = [("actor_text", "actor_start", "actor_end"), ("cue", "cue_start", "cue_end"), ("date_text", "date_start", "date_end")]


@dataclass(frozen=True)
class Problem:
    table: str
    row: str  # statement_id, or article_id:start for timexes
    article_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} {self.row} ({self.article_id}): {self.reason}"


@dataclass
class AuditReport:
    statements: int = 0
    timexes: int = 0
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    precision: Precision | None = None  # from reviews.csv; None when the table could not be read

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        return (f"audit: {self.statements} statements, {self.timexes} timexes, "
                f"{self.articles} articles checked: {verdict}")


def _spans(value: str) -> list[tuple[int, int]]:
    out = []
    for part in str(value).split(";"):
        s, e = part.split("-")
        out.append((int(s), int(e)))
    return out


def _cell(value) -> str | None:
    return None if pd.isna(value) else value


def check_statement(row: dict, article: Article) -> list[str]:
    """Reasons why one statements.csv row does not match its article (empty: it matches)."""
    text = article.text
    reasons = []
    for text_col, start_col, end_col in SPAN_CHECKS:
        expected, start, end = _cell(row[text_col]), _cell(row[start_col]), _cell(row[end_col])
        if start is None and end is None:
            if expected is not None:
                reasons.append(f"{text_col} is set but {start_col}/{end_col} are empty")
            continue
        if start is None or end is None or not 0 <= start < end <= len(text):
            reasons.append(f"{start_col}/{end_col} = {start}/{end} is not a span of the text ({len(text)} chars)")
        elif text[start:end] != expected:
            reasons.append(f"{text_col} {expected!r} != text[{start}:{end}] {text[start:end]!r}")
    try:
        spans = _spans(row["content_spans"])
    except (ValueError, AttributeError):
        return reasons + [f"content_spans {row['content_spans']!r} is not s-e;s-e"]
    if any(not 0 <= s < e <= len(text) for s, e in spans):
        return reasons + [f"content_spans {row['content_spans']} out of the text"]
    joined = " ".join(text[s:e] for s, e in spans)
    if joined != row["content"]:
        reasons.append(f"content does not equal the text at {row['content_spans']}")
    if (spans[0][0], spans[-1][1]) != (row["content_start"], row["content_end"]):
        reasons.append("content_start/content_end disagree with content_spans")
    for s, e in spans:
        if article.is_boilerplate(s, e):
            reasons.append(f"content {s}-{e} overlaps an excluded (boilerplate) region")
    if row["published"] != article.published and not (pd.isna(row["published"]) and article.published is None):
        reasons.append(f"published {row['published']!r} != article's {article.published!r}")
    return reasons


def audit(raw_dir: Path, out_dir: Path) -> AuditReport:
    """Check every row of out_dir's tables against the articles in raw_dir."""
    report = AuditReport()
    path = out_dir / "statements.csv"
    if not path.exists():
        report.problems.append(Problem("statements.csv", "-", "-", f"{path} does not exist; run 'saidwhen extract'"))
        return report
    statements = read_statements(path)
    missing = [c for c in STATEMENT_COLUMNS if c not in statements.columns]
    if missing:
        report.problems.append(Problem("statements.csv", "-", "-", f"missing columns {missing}"))
        return report
    try:
        report.precision = estimate_precision(statements, load_reviews(out_dir / "reviews.csv"))
    except (ValueError, KeyError) as exc:
        report.problems.append(Problem("reviews.csv", "-", "-", f"cannot be read: {exc}"))
    timex_path = out_dir / "timexes.csv"
    timexes = pd.read_csv(timex_path, dtype={"value": str, "text": str}, keep_default_na=False) if timex_path.exists() else pd.DataFrame(columns=TIMEX_COLUMNS)

    articles: dict[str, Article | None] = {}
    for article_id in sorted(set(statements["article_id"]) | set(timexes["article_id"])):
        try:
            articles[article_id] = load_article(raw_dir, article_id)
        except IngestError as exc:
            articles[article_id] = None
            report.problems.append(Problem("raw", article_id, article_id, exc.reason))
    report.articles = len(articles)

    for row in statements.to_dict("records"):
        report.statements += 1
        article = articles.get(row["article_id"])
        if article is None:
            continue
        for reason in check_statement(row, article):
            report.problems.append(Problem("statements.csv", row["statement_id"], row["article_id"], reason))
    for row in timexes.to_dict("records"):
        report.timexes += 1
        article = articles.get(row["article_id"])
        if article is None:
            continue
        s, e = int(row["start"]), int(row["end"])
        if article.text[s:e] != row["text"]:
            report.problems.append(Problem("timexes.csv", f"{row['article_id']}:{s}", row["article_id"],
                                           f"text {row['text']!r} != text[{s}:{e}] {article.text[s:e]!r}"))
    return report
