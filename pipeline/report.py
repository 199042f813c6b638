"""report: outputs/ + raw/ -> one self-contained HTML page to audit the statements by eye.

Input: the statements table (and `reviews.csv` when there is one) in an
outputs folder, the stored articles of raw/, and optionally the `AuditReport`
of the same folders. Output: one HTML file with inline CSS, JavaScript, data
and SVG (it loads nothing from the network), with four views:

* Overview: the audit verdict, the precision estimated from the reviewed rows,
  and an index of the articles and of the actors with their counts.
* Statements: every row in a sortable, filterable, paginated table, each row
  linking to its place in its article.
* Article: one article at a time, its text with each statement's actor, cue,
  content and date expression highlighted in four colours and excluded
  boilerplate greyed; hovering a mark shows its rows, clicking one shows them
  in full (actor id, date, date source, rule, verdict).
* Timeline: statements per actor over time (`pipeline.timeline`), each mark
  linking to its statement.

It stays usable at 1,000 articles: each article's marked-up text sits in an
inert <template> and only the article on screen is put into the page, and the
tables render one page of rows at a time from the embedded data.
"""

from __future__ import annotations

import html
import json
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from pipeline.audit import AuditReport, audit
from pipeline.ingest import Article, IngestError, article_ids, load_article
from pipeline.review import estimate_precision, load_reviews, precision_by, review_status, statement_spans
from pipeline.table import actor_rows, atomic_write_text, read_statements
from pipeline.timeline import DEFAULT_LANES, build_timeline, timeline_svg

PARTS = ("actor", "cue", "content", "date")
# The statement columns the page carries (the data of the table and of the details panel).
ROW_COLUMNS = ["statement_id", "article_id", "actor", "actor_id", "actor_type", "actor_text", "cue", "cue_kind",
               "content", "quote_type", "date", "date_precision", "date_source", "date_text", "date_attachment", "rule"]
MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Mark:
    """A stretch of article text to colour: a part of statement `row` (a row index), or excluded boilerplate."""

    start: int
    end: int
    part: str  # actor, cue, content, date or excluded
    row: int | None = None
    label: str = ""


def statement_marks(row: dict, index: int, text_length: int) -> list[Mark]:
    """The marks of one statements row; spans that do not fit the text are left out (the audit names them)."""
    label = (f"{row['actor']} [{row['actor_id']}] · {'' if pd.isna(row['date']) else row['date']} "
             f"({row['date_source']}) · {row['rule']}")
    try:
        spans = statement_spans(row)
    except ValueError:
        return []
    return [Mark(s, e, part, index, label) for s, e, part in spans if 0 <= s < e <= text_length]


def highlight(text: str, marks: list[Mark]) -> str:
    """`text` as HTML, each stretch covered by marks in a <span> with their parts as classes.

    A span carries `data-s` (the row indices it belongs to) and a `title`
    (one line per row) so that overlapping statements stay distinguishable.
    """
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starts = sorted(marks, key=lambda m: m.start)
    out, open_marks, i = [], [], 0
    for a, b in zip(bounds, bounds[1:]):
        while i < len(starts) and starts[i].start <= a:
            open_marks.append(starts[i])
            i += 1
        active = open_marks = [m for m in open_marks if m.end > a]  # every end is a bound: these reach b
        piece = html.escape(text[a:b])
        if active:
            classes = " ".join(p for p in (*PARTS, "excluded") if any(m.part == p for m in active))
            rows = sorted({m.row for m in active if m.row is not None})
            titles = dict.fromkeys(("excluded: " + m.label) if m.part == "excluded" else m.label for m in active)
            attrs = f' data-s="{" ".join(map(str, rows))}"' if rows else ""
            piece = f'<span class="{classes}"{attrs} title="{html.escape(chr(10).join(titles))}">{piece}</span>'
        out.append(piece)
    return "".join(out)


def _asset(name: str) -> str:
    return resources.files("pipeline").joinpath("assets", name).read_text(encoding="utf-8")


def _json_script(element_id: str, value) -> str:
    # Escaped so that no "</script>" or "<!--" in an article can end the element early.
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{element_id}">{payload}</script>'


def _cell(value):
    if pd.isna(value):
        return ""
    return value.item() if hasattr(value, "item") else value


def _load_articles(raw_dir: Path, ids: list[str]) -> dict[str, Article | IngestError]:
    loaded: dict[str, Article | IngestError] = {}
    for article_id in ids:
        try:
            loaded[article_id] = load_article(raw_dir, article_id)
        except IngestError as exc:
            loaded[article_id] = exc
    return loaded


def build_report(raw_dir: Path, out_dir: Path, audit_report: AuditReport | None = None,
                 title: str = "saidwhen audit", max_lanes: int = DEFAULT_LANES) -> str:
    """The HTML audit page of the tables in `out_dir` over the articles in `raw_dir`.

    Args:
        raw_dir: The stored articles.
        out_dir: The folder with statements.csv (and reviews.csv, if any).
        audit_report: The audit of the same folders; computed when not given.
        title: The page title.
        max_lanes: Actors drawn in the timeline.
    """
    return _page(raw_dir, out_dir, audit_report, title, max_lanes)[0]


def _page(raw_dir: Path, out_dir: Path, audit_report: AuditReport | None, title: str,
          max_lanes: int) -> tuple[str, int, int]:
    """The page, its article count and its row count (see `build_report`)."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    statements = read_statements(out_dir / "statements.csv")
    statements = statements.sort_values(["article_id", "content_start", "statement_id"], kind="stable").reset_index(drop=True)
    reviews = load_reviews(out_dir / "reviews.csv")
    audit_report = audit_report if audit_report is not None else audit(raw_dir, out_dir)

    ids = sorted(set(article_ids(raw_dir)) | set(statements["article_id"]))
    articles = _load_articles(raw_dir, ids)
    position = {article_id: i for i, article_id in enumerate(ids)}

    status = review_status(statements, reviews).set_index("statement_id")
    verdicts = [
        "" if sid not in status.index else status.at[sid, "verdict"] + (" (stale)" if status.at[sid, "status"] == "stale" else "")
        for sid in statements["statement_id"]
    ]

    marks: dict[str, list[Mark]] = {article_id: [] for article_id in ids}
    for index, row in enumerate(statements.to_dict("records")):
        article = articles[row["article_id"]]
        if isinstance(article, Article):
            marks[row["article_id"]].extend(statement_marks(row, index, len(article.text)))

    templates, article_index = [], []
    counts = statements.groupby("article_id").size()
    for i, article_id in enumerate(ids):
        article = articles[article_id]
        if isinstance(article, Article):
            excluded = [Mark(r.start, r.end, "excluded", label=r.kind) for r in article.excluded]
            body = highlight(article.text, marks[article_id] + excluded)
            meta = [article.title or "", article.published or "", article.source or "", len(article.excluded), ""]
        else:
            body, meta = "", ["", "", "", 0, article.reason]
        templates.append(f'<template id="art-{i}">{body}</template>')
        article_index.append([article_id, *meta, int(counts.get(article_id, 0))])

    rows = [[_cell(row[c]) for c in ROW_COLUMNS] + [position[row["article_id"]], verdict]
            for row, verdict in zip(statements.to_dict("records"), verdicts)]
    actors = [[a["actor_id"], a["actor"], a["actor_type"], a["statements"], a["articles"]]
              for a in actor_rows(statements.to_dict("records"))]

    precision = estimate_precision(statements, reviews)
    by_rule = precision_by(statements, reviews, "rule")
    timeline = build_timeline(statements, max_lanes=max_lanes)
    article_of = dict(zip(statements["statement_id"], statements["article_id"]))
    svg = timeline_svg(timeline, link=lambda sid: f"#article/{article_of[sid]}/{sid}")
    page_data = {
        "title": title,
        "columns": ROW_COLUMNS + ["article", "verdict"],
        "rows": rows,
        "articles": article_index,
        "actors": actors,
        "audit": {
            "summary": audit_report.summary(),
            "ok": audit_report.ok,
            "problems": [[p.table, p.row, p.article_id, p.reason] for p in audit_report.problems[:MAX_PROBLEMS_SHOWN]],
            "more": max(0, len(audit_report.problems) - MAX_PROBLEMS_SHOWN),
        },
        "precision": {
            "summary": precision.summary(),
            "reviewed": precision.reviewed,
            "by_rule": by_rule.round(3).to_dict("records"),
        },
        "timeline": timeline.note(),
    }
    page = "".join([
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{_asset('report.css')}</style></head><body>\n",
        _asset("report.html"),
        f"<div id='timeline-svg' hidden>{svg}</div>\n",
        "\n".join(templates), "\n",
        _json_script("report-data", page_data), "\n",
        f"<script>{_asset('report.js')}</script>\n</body></html>\n",
    ])
    return page, len(ids), len(rows)


@dataclass(frozen=True)
class ReportFile:
    path: Path
    articles: int
    statements: int
    bytes: int
    seconds: float


def write_report(raw_dir: Path, out_dir: Path, path: Path, audit_report: AuditReport | None = None,
                 **options) -> ReportFile:
    """Build the report (see `build_report`) and write it atomically to `path`."""
    started = time.perf_counter()
    options = {"title": "saidwhen audit", "max_lanes": DEFAULT_LANES, **options}
    page, articles, rows = _page(raw_dir, out_dir, audit_report, **options)
    atomic_write_text(Path(path), page)
    return ReportFile(Path(path), articles, rows, len(page.encode("utf-8")), time.perf_counter() - started)
