"""The HTML audit report without a browser: marks, escaping, embedded data, self-containment."""

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest import article_ids, load_article
from pipeline.report import Mark, _json_script, build_report, highlight, write_report
from pipeline.review import load_reviews, record, row_hash
from pipeline.table import read_statements, write_csv

ROOT = Path(__file__).resolve().parents[1]


def page_data(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1))


@pytest.fixture(scope="module")
def page():
    return build_report(ROOT / "raw", ROOT / "outputs")


def test_highlight_marks_overlapping_parts_and_escapes_the_text():
    text = "A <b> said: it & that."
    marks = [Mark(0, 5, "actor", 0, "row 0"), Mark(6, 10, "cue", 0, "row 0"), Mark(12, 21, "content", 0, "row 0"),
             Mark(17, 21, "content", 1, "row 1"), Mark(19, 21, "date", 1, "row 1")]
    out = highlight(text, marks)
    assert re.sub(r"<[^>]+>", "", out) == "A &lt;b&gt; said: it &amp; that."
    assert '<span class="actor" data-s="0" title="row 0">A &lt;b&gt;</span>' in out
    assert '<span class="content date" data-s="0 1" title="row 0\nrow 1">at</span>' in out
    assert highlight("grey", [Mark(0, 4, "excluded", label="caption")]) == '<span class="excluded" title="excluded: caption">grey</span>'


def test_embedded_data_cannot_end_its_script_element():
    html = _json_script("x", {"text": "</script><script>alert(1)</script> <!-- & "})
    assert html.count("</script>") == 1 and "<!--" not in html
    assert json.loads(html[html.index(">") + 1:-len("</script>")]) == {"text": "</script><script>alert(1)</script> <!-- & "}


def test_every_article_and_row_is_in_the_page_with_its_highlights(page):
    statements = read_statements(ROOT / "outputs" / "statements.csv")
    data = page_data(page)
    assert [a[0] for a in data["articles"]] == article_ids(ROOT / "raw")
    assert len(data["rows"]) == len(statements)
    assert sorted(r[data["columns"].index("statement_id")] for r in data["rows"]) == sorted(statements["statement_id"])
    assert page.count("<template id=\"art-") == len(data["articles"])
    for part in ("actor", "cue", "content", "date", "excluded"):
        assert f'class="{part}' in page, part
    assert data["audit"]["ok"] and "OK" in data["audit"]["summary"]
    assert "undated left out" in data["timeline"] and "<svg" in page


def test_the_marked_up_text_is_exactly_the_stored_text(page):
    for i, article_id in enumerate(article_ids(ROOT / "raw")):
        body = re.search(rf'<template id="art-{i}">(.*?)</template>', page, re.S).group(1)
        plain = re.sub(r"<[^>]+>", "", body).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
            .replace("&#x27;", "'").replace("&amp;", "&")
        assert plain == load_article(ROOT / "raw", article_id).text


def test_the_page_loads_nothing_from_elsewhere(page):
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(https?:)?//", page)


def test_verdicts_and_precision_appear_once_rows_are_reviewed(tmp_path):
    out = tmp_path / "outputs"
    shutil.copytree(ROOT / "outputs", out)
    statements = read_statements(out / "statements.csv")
    reviews = load_reviews(out / "reviews.csv")
    first, second = statements.iloc[:2].to_dict("records")
    reviews = record(reviews, first["statement_id"], row_hash(first), "c")
    reviews = record(reviews, second["statement_id"], "0" * 16, "d")  # judged on another version of the row
    write_csv(reviews, out / "reviews.csv")
    data = page_data(build_report(ROOT / "raw", out))
    verdict = {r[data["columns"].index("statement_id")]: r[data["columns"].index("verdict")] for r in data["rows"]}
    assert verdict[first["statement_id"]] == "correct" and verdict[second["statement_id"]] == "wrong_date (stale)"
    assert data["precision"]["reviewed"] == 1 and "1 stale" in data["precision"]["summary"]
    assert data["precision"]["by_rule"][0]["reviewed"] == 1


def test_audit_problems_are_listed_in_the_page(tmp_path):
    out = tmp_path / "outputs"
    shutil.copytree(ROOT / "outputs", out)
    statements = read_statements(out / "statements.csv")
    statements.at[0, "cue"] = "xyzzy"
    write_csv(statements, out / "statements.csv")
    data = page_data(build_report(ROOT / "raw", out))
    assert not data["audit"]["ok"]
    assert [p[1] for p in data["audit"]["problems"]] == [statements.at[0, "statement_id"]]


def test_cli_audit_html_writes_the_report_and_says_what_is_in_it(tmp_path):
    html = tmp_path / "report" / "audit.html"
    result = CliRunner().invoke(app, ["audit", "--raw", str(ROOT / "raw"), "--out", str(ROOT / "outputs"), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert f"{len(article_ids(ROOT / 'raw'))} articles" in result.output and str(html) in result.output
    written = write_report(ROOT / "raw", ROOT / "outputs", tmp_path / "again.html")
    assert written.bytes == len(html.read_bytes()) and written.articles == len(article_ids(ROOT / "raw"))
