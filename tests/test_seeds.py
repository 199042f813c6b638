"""The seed articles end to end: golden rows, the behaviour issue #2 pins, and outputs/ in sync.

The golden files in tests/test_seeds/ were read row by row against the article
text before they were committed: update them only after the same review
(`pytest tests/test_seeds.py --force-regen`, then read the diff).
"""

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.audit import audit
from pipeline.config import Settings
from pipeline.extract import extract_corpus, write_outputs
from pipeline.ingest import article_ids

ROOT = Path(__file__).resolve().parents[1]
NEWS = "news-2025-10-21-budapest-summit-in-jeopardy"
WIKI = "wiki-2025-russia-us-summit-in-hungary"


@pytest.fixture(scope="module")
def extraction(nlp, tmp_path_factory):
    settings = Settings(raw_dir=ROOT / "raw", out_dir=tmp_path_factory.mktemp("outputs"))
    result = extract_corpus(settings, nlp=nlp)
    assert result.ok, result.failures
    write_outputs(result, settings)
    return result, settings


def rows_of(extraction, article_id):
    result, _ = extraction
    return [r for r in result.statements if r["article_id"] == article_id]


@pytest.mark.parametrize("article_id", [NEWS, WIKI])
def test_seed_statements_match_the_reviewed_golden_rows(extraction, data_regression, article_id):
    data_regression.check(rows_of(extraction, article_id), basename=article_id)


def find(rows, **where):
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert found, f"no row with {where}"
    return found


@pytest.mark.parametrize(
    "article_id, where, expected",
    [
        # "on Tuesday" in an article published on Tuesday 2025-10-21 is that day.
        (NEWS, {"actor": "Sergei Ryabkov"}, {"date": "2025-10-21", "date_source": "text", "date_text": "Tuesday"}),
        # "last Friday" is 2025-10-17, and "he" is Mr Trump.
        (NEWS, {"cue": "endorsed"}, {"actor": "Donald Trump", "actor_text": "he", "date": "2025-10-17"}),
        # A colon quote behind a pronoun, dated through the relative clause.
        (NEWS, {"cue": "posted"}, {"actor": "Peter Szijjarto", "actor_text": "he", "quote_type": "direct", "date_text": "Tuesday"}),
        # "..., but Bulgaria said" shares the date of the coordinated "Poland said on Tuesday".
        (NEWS, {"actor": "Bulgaria"}, {"date": "2025-10-21", "date_attachment": "coordinated"}),
        # Nothing in the text dates it: the publication date.
        (NEWS, {"actor": "Donald Trump", "cue": "said"}, {"date": "2025-10-21", "date_source": "published"}),
        # Narrative: "On October 17" after "October 16, 2025" is 2025-10-17.
        (WIKI, {"cue": "indicated"}, {"actor": "Donald Trump", "date": "2025-10-17", "date_precision": "day"}),
        # "In March" keeps its month precision.
        (WIKI, {"actor_text": "he", "cue": "said"}, {"date": "2025-03", "date_precision": "month"}),
        # A partial name resolves to the full name mentioned earlier.
        (WIKI, {"actor_text": "Orban"}, {"actor": "Viktor Orban", "actor_type": "PERSON"}),
        # No publication date and no dating expression: the date stays empty.
        (WIKI, {"actor": "Latvia"}, {"date": None, "date_source": "none"}),
    ],
)
def test_seed_behaviour(extraction, article_id, where, expected):
    for row in find(rows_of(extraction, article_id), **where):
        assert {k: row[k] for k in expected} == expected


def test_reported_speech_forms_in_the_news_seed(extraction):
    rows = rows_of(extraction, NEWS)
    rules = {r["rule"].split(":")[0] for r in rows}
    assert {"ccomp", "xcomp", "dobj", "colon"} <= rules
    # The second diplomat's quote goes on in the next sentence: one statement, two spans.
    continued = find(rows, actor="the second diplomat")
    assert len(continued) == 1 and continued[0]["rule"].endswith("+continuation")
    assert continued[0]["content_spans"].count(";") == 1
    assert {r["quote_type"] for r in rows} == {"direct", "indirect", "mixed"}
    assert find(rows, cue="called on")
    # Two actors of one statement get one row each.
    reported = find(rows, cue="reported")
    assert sorted(r["actor"] for r in reported) == ["Reuters", "other news organisations"]


def test_one_actor_id_for_spelling_variants_across_articles(extraction):
    result, _ = extraction
    lavrov = {r["actor"]: r["actor_id"] for r in result.statements if "Lavrov" in r["actor"]}
    assert set(lavrov) == {"Sergey Lavrov"} or len(set(lavrov.values())) == 1


def test_boilerplate_never_yields_a_row(extraction):
    from pipeline.ingest import load_article

    result, settings = extraction
    for article_id in (NEWS, WIKI):
        article = load_article(settings.raw_dir, article_id)
        for row in rows_of(extraction, article_id):
            for part in row["content_spans"].split(";"):
                s, e = map(int, part.split("-"))
                assert not article.is_excluded(s, e), row


def test_raw_holds_exactly_the_seeds():
    assert article_ids(ROOT / "raw") == sorted([NEWS, WIKI])


def test_committed_outputs_equal_a_fresh_regeneration(extraction):
    _, settings = extraction
    for name in ("statements.csv", "timexes.csv", "actors.csv"):
        committed = (ROOT / "outputs" / name).read_text(encoding="utf-8")
        fresh = (settings.out_dir / name).read_text(encoding="utf-8")
        assert committed == fresh, f"outputs/{name} is stale: run 'make run' and review the diff"
    committed = json.loads((ROOT / "outputs" / "run.json").read_text(encoding="utf-8"))
    fresh = json.loads((settings.out_dir / "run.json").read_text(encoding="utf-8"))
    for key in ("model", "rules_version", "counts"):
        assert committed[key] == fresh[key]


def test_committed_outputs_pass_the_audit():
    report = audit(ROOT / "raw", ROOT / "outputs")
    assert report.ok, [str(p) for p in report.problems]
    assert report.statements == len(pd.read_csv(ROOT / "outputs" / "statements.csv"))
