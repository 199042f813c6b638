"""The per-article step and the corpus run around it: batches, failures, memory zones, progress."""

from __future__ import annotations

import io
import json
import shutil
import weakref
from pathlib import Path

import pytest
import spacy
from rich.console import Console
from typer.testing import CliRunner

from pipeline import extract, table
from pipeline.cli import app, progress_bar
from pipeline.config import Settings, available_cores
from pipeline.extract import _parsed, extract_article, extract_batch, extract_corpus, run_info
from pipeline.ingest import Article, article_ids, load_article

ROOT = Path(__file__).resolve().parents[1]


def made_up(article_id: str, text: str) -> Article:
    import hashlib

    return Article(article_id, text, None, "2025-01-02", None, None, f"{article_id}.txt",
                   hashlib.sha256(text.encode()).hexdigest(), "txt")


def test_rows_of_a_batch_equal_rows_of_a_plain_parse(nlp, monkeypatch):
    """The memory zone around a batch frees nothing that the rows still need."""
    monkeypatch.setattr(extract, "WARM_CHARACTERS", 0)
    articles = [load_article(ROOT / "raw", i) for i in article_ids(ROOT / "raw")]
    outcomes = extract_batch(list(enumerate(articles)), nlp, batch_size=2)
    for outcome, article in zip(outcomes, articles):
        assert outcome.error is None and outcome.article_id == article.id
        statements, timexes = extract_article(nlp(article.text), article)
        assert (outcome.statements, outcome.timexes) == (statements, timexes)
        assert set(outcome.seconds) == {"nlp", "entities", "dates", "claims", "table"}


def test_batches_go_into_memory_zones_once_the_model_is_warm(nlp, monkeypatch):
    """The first characters a model parses fill the tokenizer's cache (outside a zone); then zones bound memory."""
    articles = [made_up(f"a{i}", f"Article {i} says that the talks went well on Monday.") for i in range(4)]
    monkeypatch.setattr(extract, "_WARMED", weakref.WeakKeyDictionary())
    monkeypatch.setattr(extract, "WARM_CHARACTERS", len(articles[0].text) * 2)
    zoned = []
    real = extract.extract_article

    def spy(doc, article, seconds=None):
        zoned.append(doc.vocab.in_memory_zone)
        return real(doc, article, seconds)

    monkeypatch.setattr(extract, "extract_article", spy)
    for i, article in enumerate(articles):
        extract_batch([(i, article)], nlp, batch_size=1)
    assert zoned == [False, False, True, True]
    assert not nlp.vocab.in_memory_zone


def test_a_text_the_model_refuses_fails_alone():
    nlp = spacy.blank("en")
    nlp.max_length = 40
    articles = [made_up("short", "A short one."), made_up("long", "word " * 20), made_up("after", "Fine too.")]
    parsed = list(_parsed(nlp, articles, batch_size=8))
    assert [a.id for a, _, _ in parsed] == ["short", "long", "after"]
    assert [isinstance(doc, Exception) for _, doc, _ in parsed] == [False, True, False]


def test_a_crash_in_a_stage_fails_only_its_article(monkeypatch):
    from pipeline import extract

    def find_mentions(doc):
        if "crash" in doc.text:
            raise KeyError("no such mention")
        return []

    monkeypatch.setattr(extract, "find_mentions", find_mentions)
    batch = [(7, made_up("one", "It will crash.")), (9, made_up("two", "She said so."))]
    outcomes = extract_batch(batch, spacy.blank("en"), 2)
    assert [(o.index, o.article_id, o.error) for o in outcomes] == [
        (7, "one", "KeyError: 'no such mention'"), (9, "two", None)]
    assert outcomes[0].statements == outcomes[0].timexes == []


def test_results_are_in_article_order_and_progress_is_told_once_per_article(nlp, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "zz-broken.json").write_text("{", encoding="utf-8")
    told = []
    settings = Settings(raw_dir=raw, out_dir=tmp_path / "out", n_process=1, batch_size=1)
    result = extract_corpus(settings, nlp=nlp, progress=lambda article_id, how: told.append((article_id, how)))
    ids = article_ids(raw)
    assert sorted(told) == sorted([(i, "failed" if i == "zz-broken" else "parsed") for i in ids])
    assert [f[0] for f in result.failures] == [str(raw / "zz-broken.json")]
    assert [r["article_id"] for r in result.statements] == sorted(r["article_id"] for r in result.statements)
    info = run_info(result, settings)
    assert info["counts"]["failed"] == 1 and info["run"] == {
        "engine": "local", "processes": 1, "parsed": 2, "from_cache": 0, "cache": "on"}


def test_settings_defaults_and_checks(tmp_path):
    settings = Settings(out_dir=tmp_path)
    assert settings.n_process == available_cores() >= 1
    assert settings.cache_folder == tmp_path / ".cache"
    assert Settings(cache_dir=tmp_path / "c").cache_folder == tmp_path / "c"
    with pytest.raises(ValueError, match="engine"):
        Settings(engine="spark")


@pytest.mark.parametrize(
    "options, message",
    [(["--engine", "spark"], "--engine"), (["--scheduler", "tcp://127.0.0.1:8786"], "--engine dask")],
)
def test_bad_engine_options_are_clear_errors(tmp_path, options, message):
    result = CliRunner().invoke(app, ["extract", "--raw", str(ROOT / "raw"), "--out", str(tmp_path / "o"), *options])
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / "o").exists()


def test_the_progress_bar_shows_rate_and_time_left_on_a_terminal_only():
    screen = io.StringIO()
    with progress_bar(20, console=Console(file=screen, force_terminal=True, width=100)) as advance:
        for _ in range(20):
            advance("id", "parsed")
    assert "articles/s" in screen.getvalue() and "ETA" in screen.getvalue()
    for total, terminal in ((20, False), (3, True)):
        quiet = io.StringIO()
        with progress_bar(total, console=Console(file=quiet, force_terminal=terminal)) as advance:
            advance("id", "parsed")
        assert quiet.getvalue() == ""


def test_run_json_keeps_its_counts_apart_from_what_the_run_did(nlp, tmp_path):
    settings = Settings(raw_dir=ROOT / "raw", out_dir=tmp_path, n_process=1)
    from pipeline.extract import write_outputs

    write_outputs(extract_corpus(settings, nlp=nlp), settings)
    first = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    write_outputs(extract_corpus(settings, nlp=nlp), settings)
    second = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert first["counts"] == second["counts"]
    assert (first["run"]["parsed"], second["run"]["from_cache"]) == (2, 2)
    assert len(second["rules_fingerprint"]) == 64
    assert table.read_statements(tmp_path / "statements.csv").shape[0] == first["counts"]["statements"]


def test_a_headline_carries_statements_but_no_dates_and_a_caption_neither(nlp):
    from pipeline.ingest import Region

    text = ("Minister Anna Kowalska says talks will resume on Friday.\n\n"
            "Photo: Anna Kowalska says nothing in this caption about the talks on Monday.\n\n"
            "Anna Kowalska said on Tuesday that the talks had stalled.\n")
    title_end = text.index("\n")
    caption = text.index("Photo:"), text.index("\n", text.index("Photo:"))
    article = made_up("a1", text)
    article = Article(**{**article.__dict__, "excluded": (Region(0, title_end, "title"),
                                                         Region(*caption, "caption"))})
    assert article.is_excluded(0, 5) and not article.is_boilerplate(0, 5) and article.is_boilerplate(*caption)
    statements, timexes = extract_article(nlp(text), article)
    contents = [row["content"] for row in statements]
    assert "talks will resume on Friday" in contents  # the headline's statement
    assert "that the talks had stalled" in contents
    assert not any(caption[0] <= row["content_start"] < caption[1] for row in statements)
    assert [t["text"] for t in timexes] == ["Tuesday"]  # neither the headline's Friday nor the caption's Monday


@pytest.mark.parametrize(
    "text, dateline, actors",
    [
        # the model runs the dateline into the name: the actor is the name alone
        ("AUSTIN - Dana Brooks attacked the plan on Monday, saying it would fail.\n", "AUSTIN -",
         [("Dana Brooks", "Dana Brooks")]),
        # the parser hangs the speaker on the dateline's place: the speaker is found after it
        ("MADRID, Oct. 20 (UPI) — Former judge Paul Meyer told reporters that the ruling was wrong.\n",
         "MADRID, Oct. 20 (UPI) —", [("Former judge Paul Meyer", "Paul Meyer")]),
        # ... or gives the verb a second subject
        ("BOSTON (AP) — Paul Meyer and Dana Brooks pledged to work together.\n", "BOSTON (AP) —",
         [("Paul Meyer", "Paul Meyer"), ("Dana Brooks", "Dana Brooks")]),
        # ... and where there is none, no speaker rather than the place
        ("LONDON (Reuters) - Said on Monday it would appeal the ruling.\n", "LONDON (Reuters) -", []),
    ],
)
def test_a_dateline_is_never_part_of_a_speaker(nlp, text, dateline, actors):
    from pipeline.ingest import Region

    article = made_up("a1", text)
    article = Article(**{**article.__dict__, "excluded": (Region(0, len(dateline), "wire_credit"),)})
    statements, _ = extract_article(nlp(text), article)
    assert [(row["actor_text"], row["actor"]) for row in statements] == actors
