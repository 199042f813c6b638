"""The shipped cue lexicon (pipeline/lexicon/cues.tsv) and the code that mines it."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import pytest

from pipeline.lexicon import COLUMNS, KINDS, Cue, _parse, load_cues, mine_cues, write_cues

TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "train.jsonl"


def _raw_lines() -> list[str]:
    text = importlib.resources.files("pipeline").joinpath("lexicon", "cues.tsv").read_text("utf-8")
    return text.splitlines()


def test_file_has_header_and_expected_columns():
    lines = _raw_lines()
    comments = [ln for ln in lines if ln.startswith("#")]
    assert comments and lines[0].startswith("#"), "the file starts with a comment header"
    header = " ".join(comments)
    for word in ("PolNeAR", "train", "spaCy", "Mined", "Kinds"):
        assert word in header
    table = [ln for ln in lines if not ln.startswith("#")]
    assert table[0].split("\t") == list(COLUMNS)
    assert all(len(row.split("\t")) == len(COLUMNS) for row in table[1:])


def test_loads_with_valid_values():
    cues = load_cues()
    assert len(cues) > 200
    for key, cue in cues.items():
        assert key == cue.cue and key == key.strip() and key
        assert cue.kind in KINDS
        assert cue.pos in {"VERB", "NOUN", "ADJ", "ADV", "ADP", "PUNCT", "MULTI"}
        assert (" " in key) == (cue.pos == "MULTI")
        assert 0.0 < cue.train_rate <= 1.0
        assert cue.train_count >= 3 or (cue.train_count >= 2 and cue.train_rate >= 0.3)
        assert all(role and "|" not in role for role in cue.content)


def test_no_duplicate_keys_and_sorted_by_kind_then_count():
    table = [ln.split("\t") for ln in _raw_lines() if not ln.startswith("#")][1:]
    keys = [row[0] for row in table]
    assert len(keys) == len(set(keys))
    order = [(KINDS.index(row[2]), -int(row[3])) for row in table]
    assert order == sorted(order)


def test_duplicate_key_is_rejected():
    text = "\t".join(COLUMNS) + "\nsay\tVERB\tspeech\t3\t0.5\tccomp\nsay\tVERB\tspeech\t3\t0.5\t\n"
    with pytest.raises(ValueError, match="duplicate"):
        _parse(text)


def test_load_is_cached():
    assert load_cues() is load_cues()


@pytest.mark.parametrize("key,kind", [
    ("say", "speech"), ("tell", "speech"), ("according to", "speech"), ("point out", "speech"),
    ("call for", "speech"), ("announce", "speech"), ("deny", "speech"), ("tweet", "speech"),
    ("statement", "speech"), ("interview", "speech"), (":", "speech"),
    ("believe", "stance"), ("want", "stance"), ("think", "stance"), ("expect", "stance"),
    ("plan", "stance"), ("hope", "stance"), ("fear", "stance"),
    ("show", "evidence"), ("find", "evidence"), ("poll", "evidence"),
])
def test_core_cues_of_each_kind(key, kind):
    cue = load_cues()[key]
    assert cue.kind == kind


def test_core_content_roles():
    cues = load_cues()
    assert cues["say"].content[0] == "ccomp"
    assert "xcomp" in cues["want"].content
    assert cues["according to"].content[0] == "gov"
    assert cues[":"].content == ("colon",)


def test_write_then_parse_round_trip(tmp_path):
    cues = [
        Cue("think", "VERB", "stance", 5, 0.25, ("ccomp",)),
        Cue("say", "VERB", "speech", 9, 0.9, ("ccomp", "colon")),
        Cue("point out", "MULTI", "speech", 5, 0.7, ()),
    ]
    path = tmp_path / "cues.tsv"
    write_cues(cues, path, "made by a test\non one line each")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# made by a test\n# on one line each\n")
    loaded = _parse(text)
    assert list(loaded) == ["say", "point out", "think"]  # speech first, then by count
    assert loaded["say"] == cues[1]
    assert loaded["point out"].content == ()


def _attribution(text: str, source: str | None, cue: str, content: str) -> dict:
    def span(part: str) -> list[list[int]]:
        start = text.index(part)
        return [[start, start + len(part)]]

    return {"source": span(source) if source else None, "cue": span(cue),
            "content": span(content), "source_text": source, "cue_text": cue,
            "content_text": content}


@pytest.fixture(scope="module")
def nlp():
    from pipeline.nlp import load_model

    return load_model()


def test_mine_cues_on_two_small_articles(tmp_path, nlp):
    one = ("The mayor said that the old bridge would reopen in May. "
           "According to the city council, the repairs cost more than planned. "
           "The mayor believes the budget is safe.")
    two = ("The senator told reporters that taxes would fall next year. "
           "A new poll shows that voters are divided. "
           "The senator wants to run again, and the governor said the plan was fair.")
    articles = [
        {"id": "a1", "text": one, "attributions": [
            _attribution(one, "The mayor", "said", "the old bridge would reopen in May"),
            _attribution(one, "the city council", "According to",
                         "the repairs cost more than planned"),
            _attribution(one, "The mayor", "believes", "the budget is safe"),
        ]},
        {"id": "a2", "text": two, "attributions": [
            _attribution(two, "The senator", "told", "taxes would fall next year"),
            _attribution(two, "A new poll", "shows", "voters are divided"),
            _attribution(two, "The senator", "wants", "to run again"),
            _attribution(two, "the governor", "said", "the plan was fair"),
        ]},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")

    cues = {c.cue: c for c in mine_cues(path, nlp, min_count=1)}

    assert set(cues) == {"say", "tell", "according to", "believe", "show", "want"}
    assert cues["say"].train_count == 2 and cues["say"].train_rate == 1.0
    assert cues["say"].content == ("ccomp",)
    assert cues["according to"].pos == "MULTI" and cues["according to"].content == ("gov",)
    assert cues["want"].content == ("xcomp",)
    assert {k: c.kind for k, c in cues.items()} == {
        "say": "speech", "tell": "speech", "according to": "speech",
        "believe": "stance", "want": "stance", "show": "evidence"}
    # with min_count=3 only a key used twice and a cue at >= 30% of its occurrences stays
    kept = {c.cue for c in mine_cues(path, nlp, min_count=3)}
    assert kept == {"say"}


@pytest.mark.corpus
@pytest.mark.skipif(not TRAIN.exists(), reason="PolNeAR train split not present (../shared/data)")
def test_header_counts_match_the_train_split():
    articles = [json.loads(line) for line in TRAIN.open(encoding="utf-8") if line.strip()]
    n_att = sum(len(a["attributions"]) for a in articles)
    header = " ".join(ln for ln in _raw_lines() if ln.startswith("#"))
    assert f"({len(articles)} articles, {n_att} gold attributions)" in header
    # the lexicon's top cue is the gold's most frequent cue word
    said = sum(1 for a in articles for att in a["attributions"]
               if att["cue_text"].lower() in ("said", "says", "say", "saying"))
    assert load_cues()["say"].train_count >= said


@pytest.mark.parametrize(
    "word, cue",
    [("Slams", "slam"), ("Says", "say"), ("Praises", "praise"), ("Tells", "tell"), ("Announced", "announce"),
     ("Post", None), ("Judge", None), ("Carrot", None)],
)
def test_cue_of_form_reads_inflected_headline_verbs_only(word, cue):
    from pipeline.lexicon import cue_of_form

    entry = cue_of_form(word, load_cues())
    assert (entry.cue if entry else None) == cue
