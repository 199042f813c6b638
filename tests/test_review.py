"""Review verdicts: parsing, the row hash, stale and orphaned verdicts, precision, the CLI both ways."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Settings
from pipeline.extract import extract_corpus, write_outputs
from pipeline.review import (
    estimate_precision, load_reviews, marked_sentence, parse_verdict, precision_by, record, review_queue,
    review_status, row_hash, sentence_bounds, wilson,
)
from pipeline.table import read_statements, write_csv

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def out(tmp_path):
    """A scratch copy of the committed statements table (reviews are written beside it)."""
    folder = tmp_path / "outputs"
    folder.mkdir()
    shutil.copy(ROOT / "outputs" / "statements.csv", folder)
    return folder


@pytest.mark.parametrize("answer, verdict", [
    ("c", "correct"), ("C", "correct"), ("correct", "correct"), ("n", "not_statement"),
    ("ad", "wrong_actor;wrong_date"), ("da", "wrong_actor;wrong_date"), ("wrong_date;wrong_actor", "wrong_actor;wrong_date"),
    ("w", "wrong_content"),
])
def test_parse_verdict(answer, verdict):
    assert parse_verdict(answer) == verdict


@pytest.mark.parametrize("answer", ["", "x", "cx", "ca", "correct;wrong_date", "maybe"])
def test_parse_verdict_refuses_unknown_and_contradictory_answers(answer):
    with pytest.raises(ValueError):
        parse_verdict(answer)


def test_wilson_interval():
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.49, 0.943)
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(10, 10)[1] == pytest.approx(1.0) and wilson(0, 10)[0] == 0.0
    assert wilson(80, 100)[1] - wilson(80, 100)[0] < high - low  # more reviews, narrower interval


def test_row_hash_follows_what_a_reviewer_judges():
    row = read_statements(ROOT / "outputs" / "statements.csv").iloc[0].to_dict()
    assert row_hash(row) == row_hash(dict(row))
    assert row_hash({**row, "rule": "renamed:rule", "cue_kind": "stance"}) == row_hash(row)
    for column, value in [("date", "1999-01-01"), ("actor", "Someone Else"), ("content_spans", "0-1"), ("quote_type", "direct")]:
        assert row_hash({**row, column: value}) != row_hash(row), column


def test_verdicts_are_current_stale_or_orphaned_and_only_current_ones_count(out):
    statements = read_statements(out / "statements.csv")
    first, second, third = statements.iloc[:3].to_dict("records")
    reviews = load_reviews(out / "reviews.csv")
    for row, verdict in ((first, "c"), (second, "a"), (third, "c")):
        reviews = record(reviews, row["statement_id"], row_hash(row), verdict)
    reviews = record(reviews, "gone0000gone0000", "0" * 16, "c")
    reviews = record(reviews, first["statement_id"], row_hash(first), "correct", note="looked twice")
    assert len(reviews) == 4 and reviews.set_index("statement_id").at[first["statement_id"], "note"] == "looked twice"

    changed = statements.copy()
    changed.loc[changed["statement_id"] == third["statement_id"], "date"] = "1999-01-01"
    status = review_status(changed, reviews).set_index("statement_id")["status"]
    assert status.to_dict() == {first["statement_id"]: "current", second["statement_id"]: "current",
                                third["statement_id"]: "stale", "gone0000gone0000": "orphaned"}
    precision = estimate_precision(changed, reviews)
    assert (precision.reviewed, precision.correct, precision.stale, precision.orphaned) == (2, 1, 1, 1)
    assert precision.value == 0.5 and precision.verdicts == {"correct": 1, "wrong_actor": 1}
    assert "0.50 (95% CI 0.09-0.91, Wilson)" in precision.summary() and "1 stale" in precision.summary()
    by_rule = precision_by(changed, reviews, "rule")
    assert by_rule["reviewed"].sum() == 2


def test_review_queue_is_a_fixed_random_order_that_new_rows_do_not_reshuffle(out):
    statements = read_statements(out / "statements.csv")
    empty = load_reviews(out / "reviews.csv")
    full = [r["statement_id"] for r in review_queue(statements, empty)]
    part = [r["statement_id"] for r in review_queue(statements.iloc[::2], empty)]
    assert sorted(full) == sorted(statements["statement_id"]) and full != list(statements["statement_id"])
    assert part == [sid for sid in full if sid in set(part)]
    assert [r["statement_id"] for r in review_queue(statements, empty, seed=1)] != full
    reviewed = record(empty, full[0], row_hash(review_queue(statements, empty)[0]), "c")
    assert [r["statement_id"] for r in review_queue(statements, reviewed, limit=3)] == full[1:4]


def test_the_sentence_is_shown_with_its_parts_marked():
    text = "Intro line.\nThe mayor said on Monday that the bridge would reopen. Then it rained."
    row = {"actor_start": 12, "actor_end": 21, "cue_start": 22, "cue_end": 26, "date_start": 30, "date_end": 36,
           "content_spans": "37-65"}
    assert sentence_bounds(text, 12, 65) == (12, 66)
    assert marked_sentence(row, text) == "[The mayor] <said> on {Monday} «that the bridge would reopen»."
    styled = marked_sentence(row, text, style=lambda piece, part: f"{part.upper()}({piece})")
    assert "ACTOR(The mayor)" in styled and "CONTENT(that the bridge would reopen)" in styled


def test_interactive_review_saves_each_verdict_and_quitting_keeps_them(out):
    statements = read_statements(out / "statements.csv")
    queue = review_queue(statements, load_reviews(out / "reviews.csv"))
    answers = "c\nad the speaker is someone else\nzz\nw\ns\nq\n"
    result = runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out), "--reviewer", "ana"], input=answers)
    assert result.exit_code == 0, result.output
    assert "unknown verdict 'zz'" in result.output and "«" in result.output and "3 verdicts recorded, 1 skipped" in result.output
    reviews = load_reviews(out / "reviews.csv").set_index("statement_id")
    assert reviews.loc[[r["statement_id"] for r in queue[:3]], "verdict"].tolist() == ["correct", "wrong_actor;wrong_date", "wrong_content"]
    assert reviews.at[queue[1]["statement_id"], "note"] == "the speaker is someone else"
    assert set(reviews["reviewer"]) == {"ana"}
    assert "precision: 0.33" in result.output

    again = runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out)], input="")
    assert again.exit_code == 0 and f"{len(statements) - 3} rows to review" in again.output


def test_worksheet_round_trip_records_filled_verdicts_and_refuses_bad_lines(out, tmp_path):
    sheet = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out), "--sheet", str(sheet), "--sample", "4"])
    assert result.exit_code == 0, result.output
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert len(filled) == 4 and filled["sentence"].str.contains("«").all()
    filled["verdict"] = ["correct", "d", "bogus", ""]
    filled.loc[len(filled)] = {**filled.iloc[0].to_dict(), "statement_id": "nosuchrow", "verdict": "c"}
    write_csv(filled, sheet)
    result = runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out), "--from", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "2 verdicts recorded" in result.output and "1 rows left blank" in result.output and "2 refused" in result.output
    assert "unknown verdict 'bogus'" in result.output and "nosuchrow" in result.output
    reviews = load_reviews(out / "reviews.csv")
    assert sorted(reviews["verdict"]) == ["correct", "wrong_date"]


def test_a_sheet_filled_after_the_table_changed_records_stale_verdicts(out, tmp_path):
    sheet = tmp_path / "sheet.csv"
    runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out), "--sheet", str(sheet), "--sample", "1"])
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False).assign(verdict="c")
    write_csv(filled, sheet)
    statements = read_statements(out / "statements.csv")
    statements.loc[statements["statement_id"] == filled.at[0, "statement_id"], "actor"] = "Someone Else"
    write_csv(statements, out / "statements.csv")
    result = runner.invoke(app, ["review", "--raw", str(ROOT / "raw"), "--out", str(out), "--from", str(sheet)])
    assert "1 verdicts recorded (1 already stale" in result.output


def test_verdicts_survive_regeneration_and_audit_reports_precision(nlp, tmp_path):
    settings = Settings(raw_dir=ROOT / "raw", out_dir=tmp_path / "outputs")
    write_outputs(extract_corpus(settings, nlp=nlp), settings)
    statements = read_statements(settings.out_dir / "statements.csv")
    reviews = load_reviews(settings.out_dir / "reviews.csv")
    for row in statements.iloc[:5].to_dict("records"):
        reviews = record(reviews, row["statement_id"], row_hash(row), "c")
    write_csv(reviews, settings.out_dir / "reviews.csv")

    write_outputs(extract_corpus(settings, nlp=nlp), settings)  # regenerate: same rules, same rows
    audit = runner.invoke(app, ["audit", "--raw", str(ROOT / "raw"), "--out", str(settings.out_dir)])
    assert audit.exit_code == 0, audit.output
    assert f"precision: 1.00 (95% CI 0.57-1.00, Wilson) from 5 of {len(statements)} rows reviewed" in audit.output

    changed = read_statements(settings.out_dir / "statements.csv")
    changed.loc[changed["statement_id"] == statements.at[0, "statement_id"], "date"] = "1999-01-01"
    write_csv(changed, settings.out_dir / "statements.csv")
    audit = runner.invoke(app, ["audit", "--raw", str(ROOT / "raw"), "--out", str(settings.out_dir)])
    assert "from 4 of" in audit.output and "1 stale and 0 orphaned verdicts not counted" in audit.output


def test_audit_without_reviews_says_how_to_get_them(out):
    result = runner.invoke(app, ["audit", "--raw", str(ROOT / "raw"), "--out", str(out)])
    assert "no reviewed rows yet" in result.output and "saidwhen review" in result.output


def test_a_corrupt_reviews_file_is_an_audit_problem(out):
    (out / "reviews.csv").write_text("statement_id,verdict\nabc,correct\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--raw", str(ROOT / "raw"), "--out", str(out)])
    assert result.exit_code == 1 and "reviews.csv" in result.output and "missing columns" in result.output
