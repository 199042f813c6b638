"""Diff of two statements tables: added, removed and changed rows (with their columns), by article."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.diff import diff_files, diff_tables
from pipeline.table import read_statements, write_csv

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def table():
    return read_statements(ROOT / "outputs" / "statements.csv")


def edited(table, index, **changes):
    """A copy of `table` with the cells of row `index` changed."""
    new = table.copy()
    for column, value in changes.items():
        new.at[index, column] = value
    return new


def test_identical_tables_have_no_differences(table):
    result = diff_tables(table, table.copy())
    assert not result.has_changes and result.unchanged == len(table)
    assert result.format().endswith(f"0 added, 0 removed, 0 changed, {len(table)} unchanged rows")


def test_a_changed_cell_is_reported_with_its_column_and_values(table):
    new = edited(table, 0, date="1999-01-01", date_source="text")
    result = diff_tables(table, new)
    assert [c.new["statement_id"] for c in result.changed] == [table.at[0, "statement_id"]]
    assert set(result.changed[0].columns) <= {"date", "date_source"} and "date" in result.changed[0].columns
    text = result.format()
    assert f"== {table.at[0, 'article_id']}: 0 added, 0 removed, 1 changed" in text
    assert "'1999-01-01'" in text


def test_a_row_whose_content_span_moved_is_changed_not_removed_and_added(table):
    row = table.iloc[0]
    moved = edited(table, 0, statement_id="moved0000000000", content_end=row["content_end"] - 1,
                   content_spans=f"{row['content_start']}-{row['content_end'] - 1}", content=row["content"][:-1])
    result = diff_tables(table, moved)
    assert not result.added and not result.removed
    assert {"statement_id", "content_end", "content_spans", "content"} <= set(result.changed[0].columns)


def test_added_and_removed_rows_are_grouped_by_article(table):
    articles = sorted(table["article_id"].unique())
    first = table[table["article_id"] == articles[0]].index[0]
    last = table[table["article_id"] == articles[-1]].index[-1]
    new_row = table.loc[[first]].assign(statement_id="new0000000000000", cue_start=pd.NA, cue_end=pd.NA,
                                        actor_start=pd.NA, actor_end=pd.NA, content_start=0, content_end=1)
    new = pd.concat([table.drop(index=last), new_row], ignore_index=True)
    result = diff_tables(table, new)
    assert [r["statement_id"] for r in result.added] == ["new0000000000000"]
    assert [r["statement_id"] for r in result.removed] == [table.at[last, "statement_id"]]
    groups = result.by_article()
    assert len(groups[articles[0]][0]) == 1 and len(groups[articles[-1]][1]) == 1
    assert "  + new0000000000000" in result.format() and f"  - {table.at[last, 'statement_id']}" in result.format()


def test_new_columns_are_reported_and_ignored_columns_are_not_compared(table):
    new = edited(table, 1, rule="renamed").assign(extra="x")
    result = diff_tables(table, new, ignore=("rule",))
    assert result.columns_added == ["extra"] and not result.changed and result.has_changes


def test_cli_diff_check_exits_non_zero_only_when_tables_differ(table, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    write_csv(table, old / "statements.csv")
    write_csv(table, new / "statements.csv")
    same = runner.invoke(app, ["diff", str(old), str(new / "statements.csv"), "--check"])
    assert same.exit_code == 0, same.output
    write_csv(edited(table, 2, actor="Someone Else"), new / "statements.csv")
    differ = runner.invoke(app, ["diff", str(old), str(new), "--check"])
    assert differ.exit_code == 1 and "actor: " in differ.output and "'Someone Else'" in differ.output
    assert runner.invoke(app, ["diff", str(old), str(new)]).exit_code == 0
    missing = runner.invoke(app, ["diff", str(old), str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "nope" in missing.output
    assert diff_files(old, new).changed
