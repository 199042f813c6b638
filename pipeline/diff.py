"""diff: two statements tables -> the rows added, removed and changed, by article.

Input: an old and a new `statements.csv` (or the outputs folders holding them),
for example the committed table and a regeneration after a rule change.
Output: a `TableDiff` whose `format()` lists, per article, every added (+),
removed (-) and changed (~) row, and for a changed row each column that
changed with its old and new value.

Rows are paired by `statement_id` first. Because the id is derived from the
actor, cue and content spans, a rule change that moves a span gives the row a
new id; such rows are still paired, as *changed*, when they share their
article and their cue span, or failing that their actor span and overlapping
content. Only rows left unpaired are added or removed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.table import read_statements

VALUE_WIDTH = 70


def statements_path(path: Path) -> Path:
    """`path` itself, or the statements.csv inside it when it is a folder."""
    path = Path(path)
    return path / "statements.csv" if path.is_dir() else path


@dataclass(frozen=True)
class Change:
    old: dict
    new: dict
    columns: tuple[str, ...]  # the columns whose cells differ


@dataclass
class TableDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.columns_added or self.columns_removed)

    def summary(self) -> str:
        text = (f"diff: {len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed, "
                f"{self.unchanged} unchanged rows")
        if self.columns_added or self.columns_removed:
            text += f"; columns added {self.columns_added}, removed {self.columns_removed}"
        return text

    def by_article(self) -> dict[str, tuple[list[dict], list[dict], list[Change]]]:
        groups: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
        for row in self.added:
            groups[row["article_id"]][0].append(row)
        for row in self.removed:
            groups[row["article_id"]][1].append(row)
        for change in self.changed:
            groups[change.new["article_id"]][2].append(change)
        return dict(sorted(groups.items()))

    def format(self) -> str:
        """The differences grouped by article, then the summary line."""
        lines = []
        for article_id, (added, removed, changed) in self.by_article().items():
            lines.append(f"== {article_id}: {len(added)} added, {len(removed)} removed, {len(changed)} changed")
            for row in sorted(removed, key=_position):
                lines.append(f"  - {_describe(row)}")
            for row in sorted(added, key=_position):
                lines.append(f"  + {_describe(row)}")
            for change in sorted(changed, key=lambda c: _position(c.new)):
                lines.append(f"  ~ {_describe(change.new)}")
                for column in change.columns:
                    lines.append(f"      {column}: {_show(change.old[column])} -> {_show(change.new[column])}")
        lines.append(self.summary())
        return "\n".join(lines)


def _position(row: dict) -> tuple:
    return (int(row["content_start"]) if not pd.isna(row["content_start"]) else -1, str(row["statement_id"]))


def _show(value) -> str:
    if pd.isna(value):
        return "(empty)"
    text = repr(str(value)) if isinstance(value, str) else str(value)
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 2] + "…" + text[-1]


def _describe(row: dict) -> str:
    content = str(row["content"])
    content = content if len(content) <= 60 else content[:59] + "…"
    return f"{row['statement_id']} {row['actor']} {row['cue']}: \"{content}\""


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and str(a) == str(b))


def _overlap(a: dict, b: dict) -> bool:
    return max(int(a["content_start"]), int(b["content_start"])) < min(int(a["content_end"]), int(b["content_end"]))


def _span(row: dict, part: str) -> tuple | None:
    start, end = row[f"{part}_start"], row[f"{part}_end"]
    return None if pd.isna(start) else (int(start), int(end))


def _pair_moved(old_rows: list[dict], new_rows: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of one article's unmatched rows that are the same statement with moved spans."""
    pairs = []
    free = list(old_rows)
    for match in (lambda o, n: _span(o, "cue") is not None and _span(o, "cue") == _span(n, "cue") and _same(o["actor_id"], n["actor_id"]),
                  lambda o, n: _span(o, "cue") is not None and _span(o, "cue") == _span(n, "cue"),
                  lambda o, n: _span(o, "actor") is not None and _span(o, "actor") == _span(n, "actor") and _overlap(o, n)):
        for new in [n for n in new_rows if not any(n is p[1] for p in pairs)]:
            old = next((o for o in free if match(o, new)), None)
            if old is not None:
                free.remove(old)
                pairs.append((old, new))
    return pairs


def diff_tables(old: pd.DataFrame, new: pd.DataFrame, ignore: tuple[str, ...] = ()) -> TableDiff:
    """Rows added, removed and changed from `old` to `new`, comparing the columns both have."""
    result = TableDiff(columns_added=[c for c in new.columns if c not in old.columns],
                       columns_removed=[c for c in old.columns if c not in new.columns])
    columns = [c for c in old.columns if c in new.columns and c not in ignore]
    old_rows = {r["statement_id"]: r for r in old.to_dict("records")}
    new_rows = {r["statement_id"]: r for r in new.to_dict("records")}
    pairs = [(old_rows[sid], new_rows[sid]) for sid in old_rows if sid in new_rows]
    unmatched_old, unmatched_new = defaultdict(list), defaultdict(list)
    for sid, row in old_rows.items():
        if sid not in new_rows:
            unmatched_old[row["article_id"]].append(row)
    for sid, row in new_rows.items():
        if sid not in old_rows:
            unmatched_new[row["article_id"]].append(row)
    for article_id in sorted(set(unmatched_old) & set(unmatched_new)):
        moved = _pair_moved(unmatched_old[article_id], unmatched_new[article_id])
        pairs.extend(moved)
        paired_old = {id(o) for o, _ in moved}
        paired_new = {id(n) for _, n in moved}
        unmatched_old[article_id] = [r for r in unmatched_old[article_id] if id(r) not in paired_old]
        unmatched_new[article_id] = [r for r in unmatched_new[article_id] if id(r) not in paired_new]
    result.removed = [r for rows in unmatched_old.values() for r in rows]
    result.added = [r for rows in unmatched_new.values() for r in rows]
    for old_row, new_row in pairs:
        changed = tuple(c for c in columns if not _same(old_row[c], new_row[c]))
        if changed:
            result.changed.append(Change(old_row, new_row, changed))
        else:
            result.unchanged += 1
    return result


def diff_files(old: Path, new: Path, ignore: tuple[str, ...] = ()) -> TableDiff:
    """`diff_tables` of two statements.csv files (or outputs folders)."""
    return diff_tables(read_statements(statements_path(old)), read_statements(statements_path(new)), ignore)
