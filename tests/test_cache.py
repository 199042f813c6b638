"""Incremental regeneration: what the cache keys on, and that tables from it equal a full regeneration.

Every article here is made up for the test; two of them share a surname across
articles, so the corpus-level step that merges person ids is exercised when
one of them comes from the cache and the other is parsed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import cache as cache_module
from pipeline import extract
from pipeline.cache import (
    ExtractionCache,
    article_key,
    lexicon_files,
    peek_model,
    rules_fingerprint,
    stage_sources,
    unchanged_tables,
)
from pipeline.cli import app
from pipeline.config import DEFAULT_MODEL, Settings
from pipeline.extract import extract_corpus, write_outputs
from pipeline.ingest import ingest_paths, load_article
from pipeline.nlp import ModelInfo

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("statements.csv", "timexes.csv", "actors.csv")

ARTICLES = {
    "bridge": "date 2025-03-03\nMaria Lopez, the mayor, said on Monday that the bridge would reopen in May.\n"
              "\u201cWe are ready,\u201d she said.\n",
    "budget": "date 2025-03-04\nLopez told reporters on Tuesday that the budget was balanced.\n"
              "The council said it would vote on Friday.\n",
    "trains": "date 2025-03-05\nThe transport minister, Tom Reed, said the trains would run on time.\n",
    "harbour": "date 2025-03-06\nPort officials said last week that the harbour would close for repairs.\n",
}
NEW_ARTICLE = "date 2025-03-07\nLopez said on Thursday that the new line would open next year.\n"


def write_sources(folder: Path, articles: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in articles.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    report = ingest_paths(write_sources(tmp_path / "sources", ARTICLES), raw)
    assert report.ok, report.failures
    return raw


def regenerate(nlp, raw: Path, out: Path, **options) -> tuple[extract.ExtractResult, dict[str, bytes]]:
    settings = Settings(raw_dir=raw, out_dir=out, n_process=1, **options)
    result = extract_corpus(settings, nlp=nlp)
    write_outputs(result, settings)
    return result, {name: (out / name).read_bytes() for name in TABLES}


def test_a_second_run_parses_nothing_and_writes_the_same_bytes(nlp, raw, tmp_path):
    first, tables = regenerate(nlp, raw, tmp_path / "out")
    assert (first.parsed, first.cached) == (len(ARTICLES), 0)
    second, again = regenerate(nlp, raw, tmp_path / "out")
    assert (second.parsed, second.cached) == (0, len(ARTICLES))
    assert again == tables
    assert second.statements == first.statements and second.timexes == first.timexes


def test_adding_one_article_parses_only_it_and_equals_a_full_regeneration(nlp, raw, tmp_path):
    regenerate(nlp, raw, tmp_path / "out")
    ingest_paths(write_sources(tmp_path / "more", {"line": NEW_ARTICLE}), raw)
    incremental, tables = regenerate(nlp, raw, tmp_path / "out")
    assert (incremental.parsed, incremental.cached) == (1, len(ARTICLES))
    full, full_tables = regenerate(nlp, raw, tmp_path / "full", use_cache=False)
    assert full.parsed == len(ARTICLES) + 1
    # Equal bytes include the actor ids that the corpus-level merge gives a surname
    # in the new article from a full name in a cached one.
    assert tables == full_tables


def test_full_ignores_the_cache_but_refreshes_it(nlp, raw, tmp_path):
    regenerate(nlp, raw, tmp_path / "out")
    full, _ = regenerate(nlp, raw, tmp_path / "out", use_cache=False)
    assert (full.parsed, full.cached) == (len(ARTICLES), 0)
    after, _ = regenerate(nlp, raw, tmp_path / "out")
    assert after.parsed == 0


def test_a_changed_text_or_publication_date_is_parsed_again(nlp, raw, tmp_path):
    regenerate(nlp, raw, tmp_path / "out")
    changed = dict(ARTICLES)
    changed["bridge"] = changed["bridge"].replace("May", "June")
    changed["harbour"] = changed["harbour"].replace("2025-03-06", "2025-03-09")  # same words, another day
    report = ingest_paths(write_sources(tmp_path / "changed", changed), raw, replace=True)
    assert sorted(report.replaced) == ["bridge", "harbour"]
    result, tables = regenerate(nlp, raw, tmp_path / "out")
    assert (result.parsed, result.cached) == (2, 2)
    assert tables == regenerate(nlp, raw, tmp_path / "full", use_cache=False)[1]


def test_another_extractor_fingerprint_parses_everything(nlp, raw, tmp_path, monkeypatch):
    regenerate(nlp, raw, tmp_path / "out")
    monkeypatch.setattr(extract, "fingerprint", lambda name, version: "f" * 64)
    result, _ = regenerate(nlp, raw, tmp_path / "out")
    assert (result.parsed, result.cached) == (len(ARTICLES), 0)


@pytest.mark.parametrize("damage", [b"", b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'{"key": "other"}'])
def test_a_corrupt_entry_is_a_miss_not_a_crash(nlp, raw, tmp_path, damage):
    first, tables = regenerate(nlp, raw, tmp_path / "out")
    entry = ExtractionCache(tmp_path / "out" / ".cache", first.fingerprint).path("budget")
    assert entry.is_file()
    entry.write_bytes(damage)
    result, again = regenerate(nlp, raw, tmp_path / "out")
    assert (result.parsed, result.cached) == (1, len(ARTICLES) - 1)
    assert again == tables
    assert json.loads(entry.read_text(encoding="utf-8"))["article_id"] == "budget"  # rewritten


def test_an_article_that_crashes_a_stage_is_reported_skipped_and_not_cached(nlp, raw, tmp_path, monkeypatch):
    real = extract.find_timexes

    def crash_on_trains(doc, published):
        if "trains" in doc.text:
            raise RuntimeError("boom")
        return real(doc, published)

    monkeypatch.setattr(extract, "find_timexes", crash_on_trains)
    seen = []
    settings = Settings(raw_dir=raw, out_dir=tmp_path / "out", n_process=1)
    result = extract_corpus(settings, nlp=nlp, progress=lambda article_id, how: seen.append((article_id, how)))
    assert result.failures == [("trains", "RuntimeError: boom")]
    assert result.parsed == len(ARTICLES) - 1 and "trains" not in {r["article_id"] for r in result.statements}
    assert sorted(seen) == sorted([(a, "failed" if a == "trains" else "parsed") for a in ARTICLES])
    write_outputs(result, settings)
    assert unchanged_tables(settings) is None  # a run with a failure never counts as complete

    monkeypatch.setattr(extract, "find_timexes", real)
    again = extract_corpus(settings, nlp=nlp)
    assert (again.parsed, again.cached, again.failures) == (1, len(ARTICLES) - 1, [])


def test_unchanged_tables_knows_when_there_is_nothing_to_do(nlp, raw, tmp_path):
    out = tmp_path / "out"
    settings = Settings(raw_dir=raw, out_dir=out)
    assert unchanged_tables(settings) is None
    result, _ = regenerate(nlp, raw, out)
    if ModelInfo.of(nlp) != extract._model_of(settings, None):
        pytest.skip("the session model is not the default model")
    counts = unchanged_tables(settings)
    assert counts == {"articles": len(ARTICLES), "failed": 0, "statements": len(result.statements),
                      "timexes": len(result.timexes), "actors": len(result.actors)}
    assert unchanged_tables(Settings(raw_dir=raw, out_dir=out, use_cache=False)) is None
    # A table edited by hand, or a new article: regenerate.
    (out / "actors.csv").write_bytes((out / "actors.csv").read_bytes() + b"\n")
    assert unchanged_tables(settings) is None
    regenerate(nlp, raw, out)
    assert unchanged_tables(settings) is not None
    ingest_paths(write_sources(tmp_path / "more", {"line": NEW_ARTICLE}), raw)
    assert unchanged_tables(settings) is None


def test_the_cli_says_what_it_parsed_and_what_came_from_the_cache(raw, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    command = ["extract", "--raw", str(raw), "--out", str(out), "--processes", "1"]
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    assert f"{len(ARTICLES)} parsed, 0 from cache, 0 failed" in first.output
    second = runner.invoke(app, command)
    assert second.exit_code == 0, second.output
    assert f"0 parsed, {len(ARTICLES)} from cache, 0 failed" in second.output
    full = runner.invoke(app, command + ["--full"])
    assert f"{len(ARTICLES)} parsed, 0 from cache" in full.output
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["run"]["parsed"] == len(ARTICLES)
    elsewhere = tmp_path / "cache"
    moved = runner.invoke(app, command + ["--cache-dir", str(elsewhere)])
    assert f"{len(ARTICLES)} parsed" in moved.output and any(elsewhere.iterdir())


# --------------------------------------------------------------------------- keys and the fingerprint

def test_the_stage_sources_are_the_import_closure_of_the_extraction():
    names = {p.name for p in stage_sources()}
    assert {"extract.py", "nlp.py", "entities.py", "dates.py", "claims.py", "table.py", "ingest.py",
            "lexicon.py", "config.py"} <= names
    assert not names & {"cli.py", "audit.py", "evaluate.py", "bench.py", "__main__.py"}


@pytest.fixture
def package_copy(tmp_path) -> Path:
    copy = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_an_edited_lexicon_or_rule_changes_the_fingerprint_and_the_cli_does_not(package_copy):
    before = rules_fingerprint(package_copy)
    (package_copy / "cli.py").write_text("# the command line changes no row\n", encoding="utf-8")
    assert rules_fingerprint.__wrapped__(package_copy) == before
    lexicon = next(p for p in lexicon_files(package_copy) if p.suffix == ".tsv")
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_lexicon = rules_fingerprint.__wrapped__(package_copy)
    assert after_lexicon != before
    claims = package_copy / "claims.py"
    claims.write_text(claims.read_text(encoding="utf-8") + "\n# a new rule\n", encoding="utf-8")
    assert rules_fingerprint.__wrapped__(package_copy) not in (before, after_lexicon)


def test_a_module_imported_by_a_stage_is_part_of_the_fingerprint(package_copy):
    (package_copy / "quotes.py").write_text("OPENING = '\u201c'\n", encoding="utf-8")
    assert "quotes.py" not in {p.name for p in stage_sources(package_dir=package_copy)}
    dates = package_copy / "dates.py"
    dates.write_text(dates.read_text(encoding="utf-8") + "\nfrom pipeline.quotes import OPENING  # noqa\n",
                     encoding="utf-8")
    assert "quotes.py" in {p.name for p in stage_sources(package_dir=package_copy)}


def test_the_fingerprint_names_the_model():
    assert cache_module.fingerprint("en_core_web_sm", "3.8.0") != cache_module.fingerprint("en_core_web_sm", "3.8.1")
    assert cache_module.fingerprint("en_core_web_sm", "3.8.0") != cache_module.fingerprint("en_core_web_md", "3.8.0")


def test_peeking_at_the_model_agrees_with_loading_it(nlp):
    info = ModelInfo.of(nlp)
    assert peek_model(DEFAULT_MODEL) == (info.name, info.version)
    assert peek_model("xx_no_such_model") is None


def test_the_article_key_covers_text_and_metadata(raw):
    article = load_article(raw, "bridge")
    from dataclasses import replace

    assert article_key(article) == article_key(load_article(raw, "bridge"))
    assert article_key(replace(article, published="2025-03-04")) != article_key(article)
    assert article_key(replace(article, sha256="0" * 64)) != article_key(article)
    assert article_key(replace(article, excluded=())) != article_key(article)


def test_entries_round_trip_and_leave_no_temporary_files(raw, tmp_path):
    store = ExtractionCache(tmp_path / "cache", "a" * 64)
    article = load_article(raw, "bridge")
    rows = ([{"statement_id": "x", "actor_start": 0, "date": None, "content": "caf\u00e9 \u201cquoted\u201d"}],
            [{"start": 1, "end": 2, "text": "May"}])
    assert store.get(article) is None
    assert store.put(article, *rows)
    assert store.get(article) == rows
    assert ExtractionCache(tmp_path / "cache", "b" * 64).get(article) is None
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".tmp")]
    assert not store.put(article, [{"spans": (1, 2)}], [])  # would not read back equal: not stored
    assert store.get(article) == rows


def test_prune_keeps_the_most_recent_fingerprints(tmp_path, raw):
    article = load_article(raw, "bridge")
    stores = [ExtractionCache(tmp_path / "cache", f"{n:x}" * 64) for n in range(5)]
    for store in stores:
        store.put(article, [], [])
    (tmp_path / "cache" / "notes").mkdir()  # not ours: left alone
    removed = stores[0].prune(keep=2)
    assert len(removed) == 3 and stores[0].folder.is_dir() and (tmp_path / "cache" / "notes").is_dir()
