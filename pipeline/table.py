"""table stage: statements and timexes of each article -> tidy rows -> CSV files.

Input: per article, the stored `Article`, its `Statement`s and `Timex`es.
Output: `statements.csv`, `timexes.csv`, `actors.csv` and `run.json`, each
written to a temporary file beside its target and renamed over it, so a failed
or interrupted run leaves the previous table whole.

`STATEMENT_COLUMNS` is the public table contract (issue #2): columns are only
ever added at the end, never renamed or reordered.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import pandas as pd

from pipeline import atomic

from pipeline.claims import Statement
from pipeline.dates import Timex

STATEMENT_COLUMNS = [
    "statement_id", "article_id", "published",
    "actor", "actor_id", "actor_type", "actor_text", "actor_start", "actor_end",
    "cue", "cue_lemma", "cue_start", "cue_end",
    "content", "content_start", "content_end", "content_spans", "quote_type",
    "date", "date_precision", "date_source", "date_text", "date_start", "date_end",
    "rule",
    # Extensions (added after the contract of issue #2):
    "cue_kind",  # speech, stance or evidence: filter speech from stance
    "date_attachment",  # modifier, fronted, relative, coordinated, context, frame, published
]
TIMEX_COLUMNS = ["article_id", "start", "end", "text", "type", "value", "anchor"]
ACTOR_COLUMNS = ["actor_id", "actor", "actor_type", "aliases", "statements", "articles"]
INT_COLUMNS = ["actor_start", "actor_end", "cue_start", "cue_end", "content_start", "content_end", "date_start", "date_end"]


def statement_id(article_id: str, st: Statement) -> str:
    """Stable while the extraction of this statement and actor is unchanged."""
    key = f"{article_id}|{st.actor_span}|{st.content_spans}|{st.cue_span}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def statement_rows(article_id: str, text: str, published: str | None, statements: Iterable[Statement]) -> list[dict]:
    rows = []
    for st in statements:
        actor_s, actor_e = st.actor_span or (None, None)
        cue_s, cue_e = st.cue_span or (None, None)
        date = st.date
        timex = date.timex if date else None
        rows.append({
            "statement_id": statement_id(article_id, st),
            "article_id": article_id,
            "published": published,
            "actor": st.actor.name,
            "actor_id": st.actor.key,
            "actor_type": st.actor.type,
            "actor_text": text[actor_s:actor_e] if st.actor_span else None,
            "actor_start": actor_s,
            "actor_end": actor_e,
            "cue": text[cue_s:cue_e] if st.cue_span else None,
            "cue_lemma": st.cue_lemma or None,
            "cue_start": cue_s,
            "cue_end": cue_e,
            "content": " ".join(text[s:e] for s, e in st.content_spans),
            "content_start": st.content_start,
            "content_end": st.content_end,
            "content_spans": ";".join(f"{s}-{e}" for s, e in st.content_spans),
            "quote_type": st.quote_type,
            "date": date.value if date else None,
            "date_precision": date.precision if date else None,
            "date_source": date.source if date else "none",
            "date_text": timex.text if timex else None,
            "date_start": timex.start if timex else None,
            "date_end": timex.end if timex else None,
            "rule": st.rule,
            "cue_kind": st.cue_kind or None,
            "date_attachment": date.attachment if date else None,
        })
    return rows


def timex_rows(article_id: str, timexes: Iterable[Timex]) -> list[dict]:
    return [
        {"article_id": article_id, "start": t.start, "end": t.end, "text": t.text,
         "type": t.type, "value": t.value, "anchor": t.anchor}
        for t in timexes
    ]


def merge_person_ids(rows: list[dict]) -> None:
    """Give a surname-only person ('person:orban') the id of the one full name that shares it.

    Within an article a surname already joins its full name; this does the same
    across articles, and only when the surname is unambiguous in the corpus.
    """
    full: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        key = row["actor_id"]
        if key.startswith("person:") and "-" in key[7:]:
            full[key.split("-", 1)[1]].add(key)
    for row in rows:
        key = row["actor_id"]
        if key.startswith("person:") and "-" not in key[7:]:
            candidates = full.get(key[7:], set())
            if len(candidates) == 1:
                row["actor_id"] = next(iter(candidates))


def actor_rows(rows: list[dict]) -> list[dict]:
    """One row per actor id: the most frequent display name, its variants and counts."""
    names: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    articles: dict[str, set] = defaultdict(set)
    for row in rows:
        key = row["actor_id"]
        names[key][row["actor"]] += 1
        types[key][row["actor_type"]] += 1
        articles[key].add(row["article_id"])
    out = []
    for key in sorted(names):
        ranked = sorted(names[key].items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
        out.append({
            "actor_id": key,
            "actor": ranked[0][0],
            "actor_type": types[key].most_common(1)[0][0],
            "aliases": "; ".join(sorted(n for n, _ in ranked[1:])),
            "statements": sum(names[key].values()),
            "articles": len(articles[key]),
        })
    return out


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in INT_COLUMNS:
        if col in df:
            df[col] = df[col].astype("Int64")
    return df


def atomic_write_text(path: Path, content: str) -> None:
    """Write a table or report whole or not at all (see pipeline.atomic)."""
    atomic.write_text(path, content)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))


def write_json(obj: dict, path: Path) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_statements(path: Path) -> pd.DataFrame:
    """Read a statements table back with the contract's types (empty cells -> NA)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for col in INT_COLUMNS:
        if col in df:
            df[col] = df[col].astype("Int64")
    return df
