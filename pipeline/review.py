"""review: a person's verdicts on statement rows, kept across regenerations.

Input: a statements table, the stored articles (for the sentence each row came
from) and a reviewer's answers, typed one row at a time (`review_rows`) or
filled into a worksheet CSV (`write_sheet` / `import_sheet`). Output:
`outputs/reviews.csv`, one verdict per `statement_id` with the hash of the row
as it was judged (`row_hash`), and the precision estimated from the verdicts
(`estimate_precision`, `precision_by`).

A verdict survives regeneration because `statement_id` does; when the row it
judged has changed since (another actor, date or content), its hash no longer
matches and the verdict is *stale*: shown, never counted, and offered for
review again. A verdict whose row is gone is *orphaned*.

Notes:
    Precision is estimated from current verdicts only, with a Wilson score
    interval. It estimates the precision of the whole table only when the
    reviewed rows are a random sample of it: the review queue is therefore a
    fixed pseudo-random order of the rows (`queue_order`), so reviewing "the
    next N" is sampling, and adding rows to the table leaves the order of the
    others unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.ingest import Article, load_article
from pipeline.table import read_statements, write_csv

# Answer letter -> verdict. A row can be wrong in several ways ("ad").
VERDICTS = {
    "c": "correct",
    "a": "wrong_actor",
    "d": "wrong_date",
    "w": "wrong_content",
    "n": "not_statement",
}
EXCLUSIVE_VERDICTS = {"correct", "not_statement"}
REVIEW_COLUMNS = ["statement_id", "row_hash", "verdict", "note", "reviewer", "reviewed_at"]
SHEET_COLUMNS = ["statement_id", "row_hash", "verdict", "note", "article_id", "actor", "cue", "content",
                 "date", "date_source", "sentence"]
# What a reviewer judges: who, what, when and where in the text. The rule name
# and the extension columns are provenance: renaming a rule leaves verdicts current.
HASHED_COLUMNS = ["article_id", "actor", "actor_id", "actor_type", "actor_text", "actor_start", "actor_end",
                  "cue", "cue_start", "cue_end", "content", "content_spans", "quote_type",
                  "date", "date_precision", "date_source", "date_text", "date_start", "date_end"]
Z_95 = 1.959963984540054
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")


def row_hash(row: Mapping) -> str:
    """Hash of the judged cells of a statements row (empty cells hash as empty)."""
    cells = ["" if pd.isna(row[c]) else str(row[c]) for c in HASHED_COLUMNS]
    return hashlib.sha1("\x1f".join(cells).encode("utf-8")).hexdigest()[:16]


def parse_verdict(answer: str) -> str:
    """Canonical verdict from letters ("ad") or names ("wrong_actor;wrong_date").

    Raises:
        ValueError: an unknown letter or name, or "correct" / "not_statement"
            combined with another verdict.
    """
    answer = answer.strip().lower()
    names = [p.strip() for p in re.split(r"[;,+ ]+", answer) if p.strip()]
    if len(names) == 1 and names[0] not in VERDICTS.values():
        names = [VERDICTS.get(letter, letter) for letter in names[0]]
    unknown = [n for n in names if n not in VERDICTS.values()]
    if not names or unknown:
        raise ValueError(f"unknown verdict {answer!r}: use {', '.join(f'{k}={v}' for k, v in VERDICTS.items())}")
    names = sorted(set(names), key=list(VERDICTS.values()).index)
    if len(names) > 1 and EXCLUSIVE_VERDICTS & set(names):
        raise ValueError(f"{' and '.join(EXCLUSIVE_VERDICTS & set(names))} cannot be combined with another verdict")
    return ";".join(names)


# --------------------------------------------------------------------------
# reviews.csv
# --------------------------------------------------------------------------

def load_reviews(path: Path) -> pd.DataFrame:
    """The stored verdicts (an empty table when there are none yet)."""
    if not Path(path).exists():
        return pd.DataFrame(columns=REVIEW_COLUMNS, dtype=str)
    reviews = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REVIEW_COLUMNS if c not in reviews.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    # One verdict per row: of lines repeated by hand, the last one stands.
    return reviews[REVIEW_COLUMNS].drop_duplicates("statement_id", keep="last").reset_index(drop=True)


def save_reviews(reviews: pd.DataFrame, path: Path) -> None:
    write_csv(reviews[REVIEW_COLUMNS].sort_values("statement_id").reset_index(drop=True), Path(path))


def record(reviews: pd.DataFrame, statement_id: str, hash_: str, verdict: str, *, note: str = "",
           reviewer: str = "", now: dt.datetime | None = None) -> pd.DataFrame:
    """`reviews` with the verdict on `statement_id` set (replacing an earlier one)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    entry = {"statement_id": statement_id, "row_hash": hash_, "verdict": parse_verdict(verdict),
             "note": note.strip(), "reviewer": reviewer, "reviewed_at": now.isoformat(timespec="seconds")}
    kept = reviews[reviews["statement_id"] != statement_id]
    return pd.concat([kept, pd.DataFrame([entry], columns=REVIEW_COLUMNS)], ignore_index=True)


def review_status(statements: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Every verdict with its status: current (row unchanged), stale (row changed) or orphaned (row gone)."""
    hashes = {row["statement_id"]: row_hash(row) for row in statements.to_dict("records")}
    status = [
        "orphaned" if sid not in hashes else "current" if hashes[sid] == h else "stale"
        for sid, h in zip(reviews["statement_id"], reviews["row_hash"])
    ]
    return reviews.assign(status=pd.Series(status, index=reviews.index, dtype=object))


# --------------------------------------------------------------------------
# Precision
# --------------------------------------------------------------------------

def wilson(correct: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion correct/n ((0, 1) when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Precision:
    """Precision estimated from the current verdicts (stale and orphaned ones are not counted)."""

    reviewed: int
    correct: int
    rows: int
    stale: int = 0
    orphaned: int = 0
    verdicts: Counter = field(default_factory=Counter)  # each verdict name, over current verdicts

    @property
    def value(self) -> float | None:
        return self.correct / self.reviewed if self.reviewed else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.correct, self.reviewed)

    def summary(self) -> str:
        if not self.reviewed:
            text = f"precision: no reviewed rows yet among {self.rows} (saidwhen review)"
        else:
            low, high = self.interval
            wrong = ", ".join(f"{n} {name}" for name, n in sorted(self.verdicts.items()) if name != "correct")
            text = (f"precision: {self.value:.2f} (95% CI {low:.2f}-{high:.2f}, Wilson) from "
                    f"{self.reviewed} of {self.rows} rows reviewed; {self.correct} correct"
                    + (f"; {wrong}" if wrong else ""))
        if self.stale or self.orphaned:
            text += f"; {self.stale} stale and {self.orphaned} orphaned verdicts not counted"
        return text


def estimate_precision(statements: pd.DataFrame, reviews: pd.DataFrame) -> Precision:
    status = review_status(statements, reviews)
    current = status[status["status"] == "current"]
    verdicts = Counter(name for v in current["verdict"] for name in v.split(";"))
    return Precision(reviewed=len(current), correct=int((current["verdict"] == "correct").sum()), rows=len(statements),
                     stale=int((status["status"] == "stale").sum()), orphaned=int((status["status"] == "orphaned").sum()),
                     verdicts=verdicts)


def precision_by(statements: pd.DataFrame, reviews: pd.DataFrame, column: str = "rule") -> pd.DataFrame:
    """Precision per value of `column` (rule, cue_kind, date_source ...), over the reviewed rows."""
    status = review_status(statements, reviews)
    current = status[status["status"] == "current"][["statement_id", "verdict"]]
    joined = statements[["statement_id", column]].merge(current, on="statement_id")
    out = []
    for value, group in joined.groupby(column, dropna=False, sort=True):
        n, k = len(group), int((group["verdict"] == "correct").sum())
        low, high = wilson(k, n)
        out.append({column: "" if pd.isna(value) else value, "reviewed": n, "correct": k,
                    "precision": k / n, "low": low, "high": high})
    return pd.DataFrame(out, columns=[column, "reviewed", "correct", "precision", "low", "high"])


# --------------------------------------------------------------------------
# What to review, and how a row is shown
# --------------------------------------------------------------------------

def queue_order(statement_id: str, seed: int = 0) -> str:
    """Sort key of a row in the review queue: pseudo-random, fixed per row and seed."""
    return hashlib.sha1(f"{seed}:{statement_id}".encode()).hexdigest()


def review_queue(statements: pd.DataFrame, reviews: pd.DataFrame, *, seed: int = 0,
                 article: str | None = None, limit: int | None = None) -> list[dict]:
    """Rows that need a verdict (never reviewed, or stale), in the queue's random order."""
    status = review_status(statements, reviews)
    done = set(status.loc[status["status"] == "current", "statement_id"])
    rows = [r for r in statements.to_dict("records")
            if r["statement_id"] not in done and (article is None or r["article_id"] == article)]
    rows.sort(key=lambda r: queue_order(r["statement_id"], seed))
    return rows[:limit] if limit is not None else rows


def statement_spans(row: Mapping) -> list[tuple[int, int, str]]:
    """(start, end, part) of the actor, cue, content pieces and date expression of a row.

    Raises:
        ValueError: content_spans is not "s-e" or "s-e;s-e".
    """
    marks = [(int(s), int(e), "content") for s, e in (piece.split("-") for piece in str(row["content_spans"]).split(";"))]
    for part, start, end in (("actor", "actor_start", "actor_end"), ("cue", "cue_start", "cue_end"),
                             ("date", "date_start", "date_end")):
        if not pd.isna(row[start]) and not pd.isna(row[end]):
            marks.append((int(row[start]), int(row[end]), part))
    return marks


def sentence_bounds(text: str, start: int, end: int, reach: int = 400) -> tuple[int, int]:
    """The sentence(s) around text[start:end]: from the last sentence end before `start`
    to the first one after `end`, looking at most `reach` characters either way."""
    lo = max(0, start - reach)
    before = [m.end() for m in SENTENCE_END.finditer(text, lo, start)]
    s = before[-1] if before else lo
    after = SENTENCE_END.search(text, end, min(len(text), end + reach))
    e = after.start() + 1 if after else min(len(text), end + reach)
    return s, max(e, end)


MARKERS = {"actor": ("[", "]"), "cue": ("<", ">"), "content": ("«", "»"), "date": ("{", "}")}
MARKER_LEGEND = "[actor] <cue> «content» {date}"


def marked_sentence(row: Mapping, text: str, style: Callable[[str, str], str] | None = None) -> str:
    """The sentence a row came from, its parts bracketed as in `MARKER_LEGEND`.

    `style(piece, part)` may colour each marked piece (e.g. typer.style).
    """
    marks = statement_spans(row)
    s, e = sentence_bounds(text, min(m[0] for m in marks), max(m[1] for m in marks))
    events = sorted({s, e, *(max(s, min(e, x)) for m in marks for x in m[:2])})
    priority = ["date", "cue", "actor", "content"]  # the innermost part colours a piece
    out = []
    for a, b in zip(events, events[1:]):
        for m_s, m_e, part in sorted(marks, key=lambda m: priority.index(m[2])):
            if m_s == a:
                out.append(MARKERS[part][0])
        active = [m[2] for m in marks if m[0] <= a and b <= m[1]]
        piece = text[a:b]
        if active and style:
            piece = style(piece, min(active, key=priority.index))
        out.append(piece)
        for m_s, m_e, part in sorted(marks, key=lambda m: -priority.index(m[2])):
            if m_e == b:
                out.append(MARKERS[part][1])
    cut = s > 0 and not text[s - 1].isspace()  # sentence_bounds stopped at its reach
    return ("…" if cut else "") + "".join(out).strip()


def describe_row(row: Mapping, text: str, style: Callable[[str, str], str] | None = None) -> str:
    """A row as a reviewer sees it: the marked sentence, then what the table says."""
    def cell(name: str) -> str:
        return "" if pd.isna(row[name]) else str(row[name])

    date = f"{cell('date')} ({cell('date_precision')}, {cell('date_source')}" + (
        f': "{cell("date_text")}")' if cell("date_text") else ")") if cell("date") else "none"
    return "\n".join([
        marked_sentence(row, text, style),
        f"  actor:   {cell('actor')} ({cell('actor_type')}, {cell('actor_id')})",
        f"  cue:     {cell('cue')}    quote: {cell('quote_type')}    rule: {cell('rule')}",
        f"  content: {cell('content')}",
        f"  date:    {date}",
    ])


# --------------------------------------------------------------------------
# Reviewing: one row at a time, or a worksheet
# --------------------------------------------------------------------------

ANSWERS = ("Answer c correct, a wrong actor, d wrong date, w wrong content, n not a statement "
           "(letters combine: 'ad'; a note may follow: 'a the speaker is Lavrov'), s skip, q quit.")
PROMPT = "verdict (c/a/d/w/n, s, q)"


@dataclass
class Session:
    recorded: int = 0
    skipped: int = 0
    quit: bool = False


def review_rows(rows: Iterable[dict], reviews: pd.DataFrame, raw_dir: Path, *, ask: Callable[[str], str],
                tell: Callable[[str], None], save: Callable[[pd.DataFrame], None], reviewer: str = "",
                style: Callable[[str, str], str] | None = None) -> tuple[pd.DataFrame, Session]:
    """Ask for a verdict on each row in turn, saving after every one (so quitting loses nothing).

    `ask(prompt)` returns the answer: verdict letters or names, optionally
    followed by a note ("a the speaker is Lavrov"), "s" to skip, "q" to quit.
    """
    session = Session()
    rows = list(rows)
    previous = reviews.set_index("statement_id")["verdict"].to_dict()
    articles: dict[str, Article] = {}
    tell(f"{len(rows)} rows to review. Marks: {MARKER_LEGEND}\n{ANSWERS}")
    for i, row in enumerate(rows, 1):
        article = articles.setdefault(row["article_id"], load_article(raw_dir, row["article_id"]))
        tell(f"\n[{i}/{len(rows)}] {row['article_id']} · {row['statement_id']}"
             + (f" · earlier verdict {previous[row['statement_id']]!r} is stale (the row changed)"
                if row["statement_id"] in previous else ""))
        tell(describe_row(row, article.text, style))
        while True:
            answer = ask(PROMPT).strip()
            word, _, note = answer.partition(" ")
            if word.lower() in ("q", "quit"):
                session.quit = True
                return reviews, session
            if word.lower() in ("s", "skip", ""):
                session.skipped += 1
                break
            try:
                reviews = record(reviews, row["statement_id"], row_hash(row), word, note=note, reviewer=reviewer)
            except ValueError as exc:
                tell(str(exc))
                continue
            save(reviews)
            session.recorded += 1
            break
    return reviews, session


def write_sheet(rows: Iterable[dict], raw_dir: Path, path: Path) -> int:
    """Write a worksheet of `rows` to fill in: one line per row with its sentence and an empty verdict."""
    lines = []
    articles: dict[str, Article] = {}
    for row in rows:
        article = articles.setdefault(row["article_id"], load_article(raw_dir, row["article_id"]))
        sheet_row = {c: row.get(c) for c in SHEET_COLUMNS}
        sheet_row.update(row_hash=row_hash(row), verdict="", note="", sentence=marked_sentence(row, article.text))
        lines.append(sheet_row)
    write_csv(pd.DataFrame(lines, columns=SHEET_COLUMNS), Path(path))
    return len(lines)


@dataclass
class SheetImport:
    recorded: int = 0
    stale: int = 0  # recorded, but the row changed since the sheet was written
    blank: int = 0
    errors: list[str] = field(default_factory=list)


def import_sheet(path: Path, statements: pd.DataFrame, reviews: pd.DataFrame, *, reviewer: str = "",
                 now: dt.datetime | None = None) -> tuple[pd.DataFrame, SheetImport]:
    """Record the verdicts filled into a worksheet (rows with an empty verdict are left alone).

    A verdict is recorded against the row hash written in the sheet (the row
    the reviewer saw), so a row regenerated since then shows as stale.
    """
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    result = SheetImport()
    if "statement_id" not in sheet.columns or "verdict" not in sheet.columns:
        result.errors.append(f"{path}: needs the columns statement_id and verdict")
        return reviews, result
    hashes = {row["statement_id"]: row_hash(row) for row in statements.to_dict("records")}
    for number, line in enumerate(sheet.to_dict("records"), 2):
        sid, verdict = line["statement_id"].strip(), line["verdict"].strip()
        if not verdict:
            result.blank += 1
            continue
        if sid not in hashes:
            result.errors.append(f"{path}:{number}: statement {sid!r} is not in the table")
            continue
        judged = line.get("row_hash", "").strip() or hashes[sid]
        try:
            reviews = record(reviews, sid, judged, verdict, note=line.get("note", ""), reviewer=reviewer, now=now)
        except ValueError as exc:
            result.errors.append(f"{path}:{number}: {exc}")
            continue
        result.recorded += 1
        result.stale += judged != hashes[sid]
    return reviews, result


def load_table(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The statements table of `out_dir` and its reviews (`out_dir/reviews.csv`)."""
    return read_statements(Path(out_dir) / "statements.csv"), load_reviews(Path(out_dir) / "reviews.csv")
