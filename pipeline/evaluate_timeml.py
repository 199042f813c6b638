"""Evaluate the dates stage on TimeML (TempEval-3 style) gold data.

Input: a JSON-lines gold file, one document a line,
``{"id", "dct", "text", "timexes": [{"start", "end", "text", "type", "value"}]}``,
and a spaCy pipeline.  Output: per-document predictions in the same shape
(``predict_timeml``), the scores the TempEval-3 entity evaluation defines
(``score_timeml``) and a plain-text report (``format_report``).

The scoring re-implements the project's reference scorer rule for rule (the
tool itself is not part of the product, so it is not imported):

* gold and system timexes are aligned one-to-one within a document: first
  identical spans, then, going through the gold timexes left to right, each
  takes the earliest still-unused system timex that overlaps it;
* strict match = aligned pair with identical offsets, relaxed = any aligned
  pair; P = matches / #system, R = matches / #gold;
* type / value: among aligned pairs, those whose attribute string is equal,
  with the same P / R denominators (TempEval-3's "accuracy times relaxed F1").

A gold document without a prediction record counts as predicting nothing;
prediction records for unknown ids are ignored.
"""

from __future__ import annotations

import collections
import datetime
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.dates import find_timexes

# One timex as the scorer sees it: (start, end, type, value).
_Span = tuple[int, int, str, str]


def load_gold(gold_path: Path) -> list[dict[str, Any]]:
    """Read a TimeML JSON-lines file (blank lines are skipped)."""
    with Path(gold_path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _parse_dct(value: str | None) -> datetime.date | None:
    """The document creation time as a date (``None`` when absent or unreadable)."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def predict_timeml(
    gold_path: Path,
    nlp,
    *,
    limit: int | None = None,
    ids: Iterable[str] | None = None,
    batch_size: int = 16,
) -> list[dict[str, Any]]:
    """Run the pipeline and the dates stage over every gold document.

    Args:
        gold_path: JSON-lines gold file (see the module docstring).
        nlp: a loaded spaCy pipeline (``pipeline.nlp.load_model()``).
        limit: only the first ``limit`` documents (after ``ids`` filtering).
        ids: only the documents with these ids.
        batch_size: passed to ``nlp.pipe``.

    Returns:
        One ``{"id", "timexes": [{"start", "end", "type", "value"}]}`` per
        document, in file order.  Each document is anchored on its ``dct``.
    """
    docs = load_gold(gold_path)
    if ids is not None:
        wanted = set(ids)
        docs = [d for d in docs if d["id"] in wanted]
    if limit is not None:
        docs = docs[:limit]
    out = []
    texts = (d["text"] for d in docs)
    for gold, doc in zip(docs, nlp.pipe(texts, batch_size=batch_size)):
        timexes = find_timexes(doc, _parse_dct(gold.get("dct")))
        out.append({
            "id": gold["id"],
            "timexes": [
                {"start": t.start, "end": t.end, "type": t.type, "value": t.value}
                for t in timexes
            ],
        })
    return out


def _spans(rec: dict[str, Any]) -> list[_Span]:
    """A record's timexes, empty spans dropped, sorted by offsets."""
    out = []
    for t in rec.get("timexes") or []:
        start, end = int(t["start"]), int(t["end"])
        if end <= start:
            continue
        out.append((start, end, str(t.get("type", "")), str(t.get("value", ""))))
    out.sort(key=lambda s: (s[0], s[1]))
    return out


def align(gold: Sequence[_Span], pred: Sequence[_Span]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs: exact spans, then overlaps.

    Both lists must be sorted by (start, end), as ``_spans`` returns them;
    the tie-breaking (earliest unused overlapping system span, gold taken
    left to right) is the TempEval-3 scorer's.
    """
    pairs = []
    g_used: set[int] = set()
    p_used: set[int] = set()
    exact: dict[tuple[int, int], list[int]] = {}
    for j, p in enumerate(pred):
        exact.setdefault((p[0], p[1]), []).append(j)
    for i, g in enumerate(gold):
        cands = exact.get((g[0], g[1]))
        if cands:
            j = cands.pop(0)
            pairs.append((i, j))
            g_used.add(i)
            p_used.add(j)
    for i, g in enumerate(gold):
        if i in g_used:
            continue
        overlapping = [j for j, p in enumerate(pred)
                       if j not in p_used and min(g[1], p[1]) > max(g[0], p[0])]
        if overlapping:
            j = min(overlapping, key=lambda k: (pred[k][0], pred[k][1]))
            pairs.append((i, j))
            g_used.add(i)
            p_used.add(j)
    return pairs


def _prf(match: int, n_sys: int, n_gold: int) -> dict[str, float]:
    p = match / n_sys if n_sys else 0.0
    r = match / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "count": match}


def score_timeml(
    gold_docs: Iterable[dict[str, Any]], pred_docs: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """Score predictions against gold, TempEval-3 style.

    Args:
        gold_docs: gold records (``id``, ``text``, ``timexes``).
        pred_docs: prediction records (``id``, ``timexes``).

    Returns:
        ``{"docs", "gold", "system", "strict", "relaxed", "type", "value",
        "per_type", "errors"}``: the four measures are
        ``{"p", "r", "f1", "count"}``; ``per_type`` maps each gold type to
        ``{"gold", "relaxed_recall", "value_recall"}``; ``errors`` lists value
        errors, misses and false positives for study.
    """
    gold = {g["id"]: g for g in gold_docs}
    pred = {p["id"]: p for p in pred_docs if p["id"] in gold}
    n_gold = n_sys = strict = relaxed = type_ok = value_ok = 0
    by_type: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    errors: list[dict[str, Any]] = []
    for doc_id in sorted(gold):
        g = _spans(gold[doc_id])
        p = _spans(pred.get(doc_id, {}))
        text = gold[doc_id].get("text", "")
        n_gold += len(g)
        n_sys += len(p)
        for t in g:
            by_type[t[2]][0] += 1
        pairs = align(g, p)
        relaxed += len(pairs)
        for i, j in pairs:
            gs, ps = g[i], p[j]
            by_type[gs[2]][1] += 1
            strict += (gs[0], gs[1]) == (ps[0], ps[1])
            type_ok += gs[2] == ps[2]
            if gs[3] == ps[3]:
                value_ok += 1
                by_type[gs[2]][2] += 1
            else:
                errors.append({"kind": "VALUE", "id": doc_id, "gold_text": text[gs[0]:gs[1]],
                               "gold": gs[3], "sys_text": text[ps[0]:ps[1]], "sys": ps[3]})
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        errors += [{"kind": "MISS", "id": doc_id, "gold_text": text[t[0]:t[1]],
                    "type": t[2], "gold": t[3]}
                   for i, t in enumerate(g) if i not in matched_g]
        errors += [{"kind": "FP", "id": doc_id, "sys_text": text[t[0]:t[1]],
                    "type": t[2], "sys": t[3]}
                   for j, t in enumerate(p) if j not in matched_p]
    per_type = {
        ty: {"gold": ng,
             "relaxed_recall": nm / ng if ng else 0.0,
             "value_recall": nv / ng if ng else 0.0}
        for ty, (ng, nm, nv) in sorted(by_type.items())
    }
    return {
        "docs": len(gold), "gold": n_gold, "system": n_sys,
        "strict": _prf(strict, n_sys, n_gold),
        "relaxed": _prf(relaxed, n_sys, n_gold),
        "type": _prf(type_ok, n_sys, n_gold),
        "value": _prf(value_ok, n_sys, n_gold),
        "per_type": per_type,
        "errors": errors,
    }


def format_report(scores: dict[str, Any]) -> str:
    """The reference scorer's report, line for line, from ``score_timeml`` output."""
    relaxed = scores["relaxed"]["count"]
    lines = [
        "docs=%d gold_timexes=%d system_timexes=%d"
        % (scores["docs"], scores["gold"], scores["system"]),
        "%-8s %7s %7s %7s  %s" % ("", "P", "R", "F1", "count"),
    ]
    for name in ("strict", "relaxed", "type", "value"):
        m = scores[name]
        line = "%-8s %7.4f %7.4f %7.4f  %d" % (name, m["p"], m["r"], m["f1"], m["count"])
        if name in ("type", "value"):
            acc = m["count"] / relaxed if relaxed else 0.0
            line += "  (accuracy on relaxed matches %.4f)" % acc
        lines.append(line)
    lines.append("per gold type: gold / relaxed-recall / value-recall")
    for ty, row in scores["per_type"].items():
        lines.append("  %-9s %4d  %.4f  %.4f"
                     % (ty or "?", row["gold"], row["relaxed_recall"], row["value_recall"]))
    lines.append("strictF1=%.3f relaxedF1=%.3f typeF1=%.3f"
                 % (scores["strict"]["f1"], scores["relaxed"]["f1"], scores["type"]["f1"]))
    lines.append("valueF1=%.3f" % scores["value"]["f1"])
    return "\n".join(lines)


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    """Write prediction records as JSON lines (the reference scorer's input)."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
