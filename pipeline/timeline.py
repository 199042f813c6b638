"""timeline: statements.csv -> statements per actor over time, one lane per actor.

Input: a statements table (`pipeline.table.read_statements`). Output: a
`Timeline` (the dated rows placed on the calendar, their lanes, and how many
rows were left out and why), drawn with matplotlib as PNG or SVG
(`write_timeline`, behind `saidwhen timeline`) or as inline SVG whose points
link to the statements (`timeline_svg`, used by the HTML report).

A date is drawn at its own precision: a day is a point; a week, month,
quarter, season, year or decade is a bar over the whole period, so a
statement dated "in October" is never pinned to a day it was not said on.
Statements dated only by the publication date are drawn hollow. Undated rows
are left out and counted, never guessed.

Notes:
    matplotlib is imported inside the drawing functions: building a
    `Timeline` (and the audit that uses it) does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.dates import period_of

DEFAULT_LANES = 30
FORMATS = ("png", "svg")

@dataclass(frozen=True)
class Lane:
    actor_id: str
    label: str  # the actor's most frequent display name
    statements: int  # dated statements in the lane


@dataclass
class Timeline:
    """Dated statements placed on the calendar, one lane per actor.

    Attributes:
        points: One row per plotted statement: statement_id, article_id,
            actor_id, date, date_precision, date_source, start, end, lane
            (index into `lanes`, 0 at the top).
        lanes: The actors drawn, most dated statements first.
        total: Rows in the table.
        undated: Rows without a date (left out).
        unplaceable: Rows whose date is not a calendar period (left out).
        hidden_rows: Dated rows of actors beyond the lane limit (left out).
        hidden_actors: Actors beyond the lane limit.
        outside: Dated rows whose period lies outside the window asked for (left out).
    """

    points: pd.DataFrame
    lanes: list[Lane]
    total: int
    undated: int
    unplaceable: int
    hidden_rows: int
    hidden_actors: int
    outside: int = 0

    def note(self) -> str:
        """What is drawn and what was left out, in one sentence."""
        parts = [f"{len(self.points)} of {self.total} statements drawn in {len(self.lanes)} actor lanes",
                 f"{self.undated} undated left out"]
        if self.unplaceable:
            parts.append(f"{self.unplaceable} with a date that is not a calendar period left out")
        if self.outside:
            parts.append(f"{self.outside} outside the chosen dates left out")
        if self.hidden_actors:
            parts.append(f"{self.hidden_rows} by {self.hidden_actors} less frequent actors left out")
        return "; ".join(parts)


def build_timeline(statements: pd.DataFrame, max_lanes: int = DEFAULT_LANES,
                   since: dt.date | None = None, until: dt.date | None = None) -> Timeline:
    """Place the dated rows of `statements` on the calendar, keeping the `max_lanes` busiest actors.

    Args:
        statements: A statements table.
        max_lanes: Most actors to draw; the others are counted in `hidden_*`.
        since, until: Keep only statements whose period meets this window
            (inclusive); the others are counted in `outside`.
    """
    dated = statements[statements["date"].notna()]
    periods = [period_of(v) for v in dated["date"]]
    placed = dated.assign(start=[p[0] if p else None for p in periods], end=[p[1] if p else None for p in periods])
    placed = placed[placed["start"].notna()]
    unplaceable = len(dated) - len(placed)
    in_window = pd.Series(True, index=placed.index)
    if since is not None:
        in_window &= placed["end"] >= since
    if until is not None:
        in_window &= placed["start"] <= until
    outside = int((~in_window).sum())
    placed = placed[in_window]
    counts = placed.groupby("actor_id").size()
    names = placed.groupby("actor_id")["actor"].agg(lambda s: sorted(s.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    ranked = sorted(counts.index, key=lambda key: (-counts[key], names[key].casefold(), key))
    lanes = [Lane(key, names[key], int(counts[key])) for key in ranked[:max_lanes]]
    lane_of = {lane.actor_id: i for i, lane in enumerate(lanes)}
    points = placed[placed["actor_id"].isin(lane_of)]
    points = points.assign(lane=points["actor_id"].map(lane_of))
    columns = ["statement_id", "article_id", "actor_id", "date", "date_precision", "date_source", "start", "end", "lane"]
    return Timeline(
        points=points[columns].sort_values(["lane", "start", "statement_id"]).reset_index(drop=True),
        lanes=lanes,
        total=len(statements),
        undated=len(statements) - len(dated),
        unplaceable=unplaceable,
        hidden_rows=len(placed) - len(points),
        hidden_actors=max(0, len(ranked) - max_lanes),
        outside=outside,
    )


def plot_timeline(timeline: Timeline, link: Callable[[str], str] | None = None, title: str = "Statements per actor over time"):
    """A matplotlib `Figure` of the timeline; `link(statement_id)` makes each mark a link in SVG output."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    height = 1.6 + 0.32 * max(1, len(timeline.lanes))
    fig = Figure(figsize=(11, height), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(timeline.note(), fontsize=8, color="#555", loc="left")
    if timeline.points.empty:
        ax.text(0.5, 0.5, "no dated statements", ha="center", va="center", transform=ax.transAxes, color="#777")
        ax.set_yticks([])
        ax.set_xticks([])
        return fig

    points = timeline.points
    day = points["start"] == points["end"]
    by_text = points["date_source"] != "published"
    colour = "#1f5fa8"
    for bar_rows, alpha in ((points[~day & by_text], 0.55), (points[~day & ~by_text], 0.25)):
        if bar_rows.empty:
            continue
        bars = ax.hlines(bar_rows["lane"], _num(bar_rows["start"]), _num(bar_rows["end"]) + 1,
                         colors=colour, alpha=alpha, linewidth=7)
        if link:
            bars.set_urls([link(sid) for sid in bar_rows["statement_id"]])
    for dot_rows, face in ((points[day & by_text], colour), (points[day & ~by_text], "white")):
        if dot_rows.empty:
            continue
        dots = ax.scatter(_num(dot_rows["start"]) + 0.5, dot_rows["lane"], s=36, facecolors=face,
                          edgecolors=colour, linewidths=1.2, zorder=3)
        if link:
            dots.set_urls([link(sid) for sid in dot_rows["statement_id"]])

    ax.set_yticks(range(len(timeline.lanes)), [_lane_label(lane) for lane in timeline.lanes], fontsize=8)
    ax.set_ylim(len(timeline.lanes) - 0.5, -0.5)
    ax.grid(axis="y", color="#eee", linewidth=0.8)
    ax.grid(axis="x", color="#f3f3f3", linewidth=0.6)
    ax.set_axisbelow(True)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    lo, hi = _num(points["start"]).min(), _num(points["end"]).max() + 1
    pad = max(1.0, (hi - lo) * 0.03)
    ax.set_xlim(lo - pad, hi + pad)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(handles=[
        Line2D([], [], marker="o", linestyle="", color=colour, label="dated in the text (day)"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white", color=colour, label="dated by publication"),
        Line2D([], [], linewidth=6, color=colour, alpha=0.55, label="week / month / year ..."),
    ], fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False)
    return fig


def _lane_label(lane: Lane, width: int = 34) -> str:
    name = lane.label if len(lane.label) <= width else lane.label[:width - 1].rstrip() + "…"
    return f"{name} ({lane.statements})"


def _num(dates: pd.Series):
    import matplotlib.dates as mdates

    return mdates.date2num(pd.to_datetime(dates)).astype(float)


# Deterministic SVG: no timestamps, stable ids, text as <text> (small, searchable).
_SVG_RC = {"svg.hashsalt": "saidwhen", "svg.fonttype": "none"}


def render(timeline: Timeline, fmt: str, link: Callable[[str], str] | None = None) -> bytes:
    """The timeline as PNG or SVG bytes."""
    import matplotlib

    if fmt not in FORMATS:
        raise ValueError(f"unsupported timeline format {fmt!r}: use one of {', '.join(FORMATS)}")
    fig = plot_timeline(timeline, link=link)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_SVG_RC):
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=120, metadata=metadata)
    return buffer.getvalue()


def write_timeline(timeline: Timeline, path: Path) -> None:
    """Write the timeline to `path`, as PNG or SVG after its suffix."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{path}: the file name must end in .png or .svg")
    image = render(timeline, fmt)  # rendered first: a failed drawing leaves no empty file
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(image)


def timeline_svg(timeline: Timeline, link: Callable[[str], str] | None = None) -> str:
    """The timeline as an inline <svg> element (no XML prolog), for embedding in HTML."""
    svg = render(timeline, "svg", link=link).decode("utf-8")
    return svg[svg.index("<svg"):]
