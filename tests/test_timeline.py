"""The timeline: TIMEX3 values as calendar periods, lanes per actor, what is left out, PNG/SVG output."""

import datetime as dt

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.table import STATEMENT_COLUMNS, frame, write_csv
from pipeline.timeline import build_timeline, period_of, render, timeline_svg, write_timeline

D = dt.date


@pytest.mark.parametrize("value, expected", [
    ("2025-10-21", (D(2025, 10, 21), D(2025, 10, 21))),
    ("2025-W43", (D(2025, 10, 20), D(2025, 10, 26))),
    ("2016-W38-WE", (D(2016, 9, 24), D(2016, 9, 25))),
    ("2025-02", (D(2025, 2, 1), D(2025, 2, 28))),
    ("2025-Q4", (D(2025, 10, 1), D(2025, 12, 31))),
    ("2025-SU", (D(2025, 6, 1), D(2025, 8, 31))),
    ("2025-WI", (D(2025, 12, 1), D(2026, 2, 28))),  # winter starts in December of its year
    ("2025", (D(2025, 1, 1), D(2025, 12, 31))),
    ("201", (D(2010, 1, 1), D(2019, 12, 31))),
    ("201X", (D(2010, 1, 1), D(2019, 12, 31))),
    ("2016-07-XX", (D(2016, 7, 1), D(2016, 7, 31))),
    ("2016-WXX", (D(2016, 1, 1), D(2016, 12, 31))),
    ("2016-13", None),
    ("XXXX-SU", None),
    ("PRESENT_REF", None),
])
def test_period_of_a_timex_value(value, expected):
    assert period_of(value) == expected


def statements(*dated):
    """A statements table: one row per (actor, date or None, date_source)."""
    rows = [{"statement_id": f"s{i}", "article_id": "a", "actor": actor, "actor_id": f"person:{actor.lower()}",
             "actor_type": "PERSON", "date": date, "date_source": source if date else "none"}
            for i, (actor, date, source) in enumerate(dated)]
    return frame(rows, STATEMENT_COLUMNS)


TABLE = statements(("Lavrov", "2025-10-21", "text"), ("Lavrov", "2025-10", "text"), ("Lavrov", "2025-10-22", "published"),
                   ("Trump", "2025-10-17", "text"), ("Trump", None, None), ("Orban", "2025-11-07", "text"),
                   ("Orban", "PRESENT_REF", "text"))


def test_lanes_are_actors_busiest_first_and_everything_left_out_is_counted():
    timeline = build_timeline(TABLE, max_lanes=2)
    assert [lane.label for lane in timeline.lanes] == ["Lavrov", "Orban"]
    assert (timeline.total, timeline.undated, timeline.unplaceable) == (7, 1, 1)
    assert (timeline.hidden_actors, timeline.hidden_rows) == (1, 1)
    assert len(timeline.points) == 4
    assert "1 undated left out" in timeline.note() and "4 of 7 statements" in timeline.note()
    month = timeline.points[timeline.points["date"] == "2025-10"].iloc[0]
    assert (month["start"], month["end"]) == (D(2025, 10, 1), D(2025, 10, 31))


def test_a_date_window_leaves_out_statements_outside_it():
    timeline = build_timeline(TABLE, since=D(2025, 10, 20), until=D(2025, 10, 31))
    assert set(timeline.points["statement_id"]) == {"s0", "s1", "s2"}
    assert timeline.outside == 2 and "2 outside the chosen dates" in timeline.note()


def test_png_and_svg_are_written_and_the_svg_is_deterministic(tmp_path):
    timeline = build_timeline(TABLE)
    write_timeline(timeline, tmp_path / "t.png")
    write_timeline(timeline, tmp_path / "t.svg")
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "t.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Lavrov (3)" in svg and "1 undated left out" in svg
    assert render(timeline, "svg") == render(timeline, "svg")
    with pytest.raises(ValueError, match=".png or .svg"):
        write_timeline(timeline, tmp_path / "t.pdf")


def test_inline_svg_links_each_mark_to_its_statement():
    svg = timeline_svg(build_timeline(TABLE), link=lambda sid: f"#statement/{sid}")
    assert svg.startswith("<svg")
    assert all(f"#statement/s{i}" in svg for i in (0, 1, 2, 3, 5))


def test_no_dated_statements_still_draws_and_says_so():
    timeline = build_timeline(statements(("Trump", None, None)))
    assert timeline.lanes == [] and timeline.undated == 1
    assert "no dated statements" in timeline_svg(timeline)


def test_cli_timeline(tmp_path):
    write_csv(TABLE, tmp_path / "statements.csv")
    result = CliRunner().invoke(app, ["timeline", "--table", str(tmp_path), "--out", str(tmp_path / "t.svg"),
                                      "--since", "2025-10-01"])
    assert result.exit_code == 0, result.output
    assert "1 undated left out" in result.output and (tmp_path / "t.svg").exists()
    bad = CliRunner().invoke(app, ["timeline", "--table", str(tmp_path), "--out", str(tmp_path / "t.gif")])
    assert bad.exit_code == 1 and ".png or .svg" in bad.output
    missing = CliRunner().invoke(app, ["timeline", "--table", str(tmp_path / "nope"), "--out", str(tmp_path / "t.png")])
    assert missing.exit_code == 1 and "saidwhen extract" in missing.output
