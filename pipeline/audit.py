"""audit stage: the tables in outputs/ checked against the stored text in raw/.

Input: `statements.csv` and `timexes.csv` and the stored articles. Output: an
`AuditReport` listing every row whose spans do not slice back to its text
(actor, cue, content, date), whose article is missing or whose stored text no
longer matches its sha256, and every statement drawn from an excluded
(boilerplate) region. Optionally an HTML page per corpus with each statement's
parts highlighted in its article.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.ingest import Article, IngestError, load_article
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
        if article.is_excluded(s, e):
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


# --------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------

_STYLE = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.article{white-space:pre-wrap;border-top:1px solid #ccc;padding-top:1rem}
.actor{background:#cfe3ff}.cue{background:#ffd7a8;font-weight:bold}.content{background:#d9f2d0}
.date{background:#f7c6e0;outline:1px solid #c0508a}.excluded{color:#999;background:#f2f2f2}
table{border-collapse:collapse;font:0.8rem sans-serif}td,th{border:1px solid #ddd;padding:2px 4px;vertical-align:top}
.legend span{padding:0 .4rem;margin-right:.3rem}
"""


def _highlight(text: str, marks: list[tuple[int, int, str, str]]) -> str:
    """Text with every (start, end, class, title) mark as nested-safe <span>s."""
    bounds = sorted({0, len(text), *[m[0] for m in marks], *[m[1] for m in marks]})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        active = [m for m in marks if m[0] <= a and b <= m[1]]
        piece = html.escape(text[a:b])
        if active:
            classes = " ".join(sorted({m[2] for m in active}))
            title = html.escape(" | ".join(dict.fromkeys(m[3] for m in active if m[3])))
            piece = f'<span class="{classes}" title="{title}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def html_report(raw_dir: Path, out_dir: Path) -> str:
    """One self-contained page: every article with its statements highlighted."""
    statements = read_statements(out_dir / "statements.csv")
    parts = [f"<!doctype html><meta charset='utf-8'><title>saidwhen audit</title><style>{_STYLE}</style>",
             "<h1>saidwhen audit</h1><p class='legend'><span class='actor'>actor</span><span class='cue'>cue</span>"
             "<span class='content'>content</span><span class='date'>date</span><span class='excluded'>excluded</span></p>"]
    for article_id, rows in statements.groupby("article_id", sort=True):
        article = load_article(raw_dir, article_id)
        marks = [(r.start, r.end, "excluded", r.kind) for r in article.excluded]
        for row in rows.itertuples():
            label = f"{row.actor} [{row.actor_id}] {row.date if pd.notna(row.date) else ''} ({row.date_source}) {row.rule}"
            if pd.notna(row.actor_start):
                marks.append((int(row.actor_start), int(row.actor_end), "actor", label))
            if pd.notna(row.cue_start):
                marks.append((int(row.cue_start), int(row.cue_end), "cue", label))
            for s, e in _spans(row.content_spans):
                marks.append((s, e, "content", label))
            if pd.notna(row.date_start):
                marks.append((int(row.date_start), int(row.date_end), "date", label))
        parts.append(f"<h2 id='{html.escape(article_id)}'>{html.escape(article.title or article_id)}</h2>")
        parts.append(f"<p>{len(rows)} statements; published {article.published or 'unknown'}</p>")
        parts.append(f"<div class='article'>{_highlight(article.text, marks)}</div>")
        cells = ["actor", "actor_type", "cue", "content", "date", "date_source", "rule"]
        parts.append("<table><tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>")
        for row in rows.to_dict("records"):
            parts.append("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(row[c]) else str(row[c]))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n"
