"""nlp stage: the model as loaded for saidwhen annotates exactly as the stock model does, plus line-break sentences."""

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from pipeline.ingest import article_ids, load_article
from pipeline.nlp import line_breaks, load_model, load_stock_model
from pipeline.speedups import IndexedRulerMatch, MemoLemmatizer, token_tests

from conftest import ROOT

# Written to hit the tag map and every kind of exception pattern of en_core_web_sm's ruler:
# contractions, "gonna"/"gotta"/"let's"/"c'mon"/"y'all", "ain't", "nothin'", expletive "there",
# auxiliaries, determiners with and without the det relation, and whitespace tokens.
SENTENCES = [
    "We're gonna win, and they ain't gonna stop us, y'all.",
    "Let's go. C'mon, you gotta see this; there's nothin' to fear.",
    "There are  two reasons.\n\nThat is why all those people who can vote should.",
    "The minister said on Tuesday that the 3 bills, which were passed in 2024, wouldn't be repealed!",
    "  Whatever happens,\tsuch a plan won't be signed by either side -- or by both.  ",
    "\"Half of it,\" she told reporters at 5 p.m., \"is already gone.\"",
    "",
]


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


@pytest.fixture(scope="module")
def stock():
    return load_stock_model()


def test_stock_model_is_untouched(stock):
    assert "saidwhen_line_breaks" not in stock.pipe_names
    ruler = stock.get_pipe("attribute_ruler")
    assert not isinstance(ruler.match, IndexedRulerMatch)
    assert not isinstance(stock.get_pipe("lemmatizer"), MemoLemmatizer)


def test_memo_lemmatizer_is_installed_and_lemmatizes_like_spacy(nlp, stock):
    assert isinstance(nlp.get_pipe("lemmatizer"), MemoLemmatizer)
    text = "The ministers were meeting; she has sworn she'd never run, and the mice ran faster than ever."
    for _ in range(2):  # the second time from the memo
        ours = nlp(text)
        assert [t.lemma_ for t in ours] == [t.lemma_ for t in stock(text)]
    assert [t.lemma_ for t in ours][:5] == ["the", "minister", "be", "meet", ";"]


def test_indexed_ruler_is_installed(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, IndexedRulerMatch)
    # Nearly every pattern of the stock model is answered from arrays.
    assert len(ruler.match.by_class) + sum(map(len, ruler.match.by_word.values())) > 150 and len(ruler.match.matchers) <= 5


@pytest.mark.parametrize("text", SENTENCES)
def test_ruler_matches_like_the_stock_matcher(nlp, text):
    ruler = nlp.get_pipe("attribute_ruler")
    before = list(nlp.pipe([text], disable=["attribute_ruler", "lemmatizer", "ner"]))[0]
    assert ruler.match(before) == AttributeRuler.match(ruler, before)


def test_annotations_equal_the_plain_matcher_on_the_seed_articles(nlp):
    raw = ROOT / "raw"
    texts = [load_article(raw, i).text for i in article_ids(raw)] + SENTENCES
    assert len(texts) > len(SENTENCES)
    plain = load_model()
    del plain.get_pipe("attribute_ruler").match  # back to AttributeRuler.match
    lemmatizer = plain.get_pipe("lemmatizer")
    lemmatizer.__class__ = type(lemmatizer).__bases__[1]  # back to spaCy's own class
    assert not isinstance(plain.get_pipe("attribute_ruler").match, IndexedRulerMatch)
    assert not isinstance(lemmatizer, MemoLemmatizer)
    for ours, theirs in zip(nlp.pipe(texts), plain.pipe(texts)):
        assert _annotations(ours) == _annotations(theirs)
        assert [t.ent_type_ for t in ours] == [t.ent_type_ for t in theirs]


def test_only_line_breaks_tell_the_loaded_model_from_the_stock_one(nlp, stock):
    # Without a line break the two pipelines annotate alike; with one, saidwhen
    # starts a sentence there, and the parse (and the ruler's DEP-based rules) may follow.
    texts = [text for text in SENTENCES if "\n" not in text]
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts)):
        assert _annotations(ours) == _annotations(theirs)


def _custom_ruler(patterns):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp, ruler


CUSTOM = [
    {"patterns": [[{"LOWER": "the"}]], "attrs": {"POS": "DET"}},
    {"patterns": [[{"ORTH": {"IN": ["Big", "Small"]}}, {"LOWER": "deal"}]], "attrs": {"LEMMA": "matter"}, "index": -1},
    {"patterns": [[{"LOWER": {"NOT_IN": ["the", "a"]}, "IS_ALPHA": True}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"LOWER": {"REGEX": "^d[a-z]+l$"}}]], "attrs": {"POS": "NOUN"}},  # later rule wins over "X"
    {"patterns": [[{"LOWER": "very", "OP": "+"}, {"LOWER": "big"}]], "attrs": {"LEMMA": "huge"}, "index": -1},
    {"patterns": [[{"LENGTH": 1}]], "attrs": {"POS": "SYM"}},
    {"patterns": [[{}]], "attrs": {"MORPH": "Foo=Bar"}},
]


@pytest.mark.parametrize("text", ["The Big deal is a very very big deal .", "Small deal", "", "x", "deal deal the"])
def test_indexed_match_equals_matcher_on_every_predicate(text):
    nlp, ruler = _custom_ruler(CUSTOM)
    indexed = IndexedRulerMatch(ruler)
    # Operators and LENGTH go to a Matcher; the rest is indexed.
    assert (len(indexed.by_class), len(indexed.by_word), len(indexed.indexed), len(indexed.matchers)) == (1, 1, 3, 2)
    doc = nlp.make_doc(text)
    assert indexed(doc) == AttributeRuler.match(ruler, doc)


def test_indexed_annotations_equal_matcher_annotations():
    nlp, ruler = _custom_ruler(CUSTOM)
    text = "The Big deal is a very very big deal ."
    expected = nlp(text)
    ruler.match = IndexedRulerMatch(ruler)
    got = nlp(text)
    assert [(t.pos_, t.lemma_, str(t.morph)) for t in got] == [(t.pos_, t.lemma_, str(t.morph)) for t in expected]
    assert [t.pos_ for t in got][:3] == ["DET", "X", "NOUN"]
    assert got[2].lemma_ == "matter" and got[8].lemma_ == "" and got[7].lemma_ == "huge"  # ORTH is case-sensitive


@pytest.mark.parametrize("spec, answerable", [
    ({"TAG": "NN"}, True),
    ({"LOWER": {"IN": ["a", "b"]}, "DEP": {"NOT_IN": ["det"]}}, True),
    ({"TEXT": {"REGEX": "^x"}}, True),
    ({"IS_SPACE": True}, True),
    ({"IS_SPACE": "yes"}, False),
    ({"LOWER": "a", "OP": "?"}, False),
    ({"ENT_TYPE": "PERSON"}, False),
    ({"LENGTH": {">=": 2}}, False),
    ({"LOWER": {"FUZZY": "hello"}}, False),
])
def test_token_tests_answer_only_what_arrays_can(spec, answerable):
    assert (token_tests(spec, spacy.blank("en").vocab.strings) is not None) == answerable


@pytest.mark.parametrize("text, starts", [
    ("One two\nthree four", ["One", "three"]),
    ("One two\n\nthree four\r\nfive", ["One", "three", "five"]),
    ("One two \n three", ["One", "three"]),
    ("No break here at all", ["No"]),
    ("Trailing break\n", ["Trailing"]),
])
def test_line_breaks_start_sentences(text, starts):
    doc = line_breaks(spacy.blank("en").make_doc(text))
    opened = [t.text for t in doc if t.is_sent_start and not t.is_space]
    assert opened == starts
