"""Pathological text never crashes a stage, and every offset still slices back to its text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import analyse
from pipeline.ingest import Article, IngestError, read_articles
from pipeline.table import statement_rows, timex_rows


def stored(tmp_path, text: str, name: str = "story.txt") -> Article:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    items = list(read_articles(path))
    assert len(items) == 1
    if isinstance(items[0], IngestError):
        pytest.skip(f"not an article: {items[0].reason}")
    return items[0]


def assert_offsets_slice_back(article: Article, statements, timexes) -> None:
    text = article.text
    for row in statement_rows(article.id, text, article.published, statements):
        for column, start, end in (("actor_text", "actor_start", "actor_end"), ("cue", "cue_start", "cue_end"),
                                   ("date_text", "date_start", "date_end")):
            if row[start] is not None:
                assert text[row[start]:row[end]] == row[column]
        pieces = [tuple(map(int, part.split("-"))) for part in row["content_spans"].split(";")]
        assert " ".join(text[s:e] for s, e in pieces) == row["content"]
        assert all(not article.is_excluded(s, e) for s, e in pieces)
    for row in timex_rows(article.id, timexes):
        assert text[row["start"]:row["end"]] == row["text"]


PATHOLOGICAL = {
    "long paragraph without a full stop": "The minister said that " + "the plan, and the budget, " * 800 + "would pass",
    "unbalanced quotation marks": "“We will win, the coach said on Monday. He added that “nobody can stop us.",
    "mixed straight and curly quotes": "\"We will win,” the coach said. “Nobody can stop us,\" she added.",
    "right-to-left and non-Latin scripts": "قال الوزير إن الخطة ستنجح. 部长说计划会成功。 The minister said the plan would work.",
    "emoji": "The mayor 🎉 said on Tuesday that the parade 🚀 would go ahead. “It’s a party 🥳,” she said.",
    "no-break spaces": "The\u00a0mayor\u00a0said on\u00a0Tuesday that the\u00a0bridge would reopen.",
    "Windows line endings": "date 2025-10-21\r\nThe mayor said on Tuesday that the bridge would reopen.\r\n\r\n“It is safe,” she said.\r\n",
    "only punctuation": "“”“”,,,:::—— ! ? …",
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text(nlp, tmp_path, text):
    article = stored(tmp_path, text)
    statements, timexes = analyse(nlp(article.text), article)
    assert_offsets_slice_back(article, statements, timexes)


def test_windows_line_endings_keep_offsets_and_the_date(nlp, tmp_path):
    article = stored(tmp_path, PATHOLOGICAL["Windows line endings"])
    assert article.published == "2025-10-21" and "\r\n" in article.text
    statements, _ = analyse(nlp(article.text), article)
    assert {s.actor.name for s in statements} >= {"The mayor"}


# Text built from pieces that exercise the stages: cue words, quotes of every
# kind, names, dates, line breaks, and arbitrary unicode in between.
PIECES = st.sampled_from([
    "said", " told reporters", " according to ", "“", "”", '"', "''", "‘", "’", ": ", ", ", ". ", "\n", "\n\n", "\r\n",
    "Maria Lopez", "the minister", "he", "on Tuesday", "last Friday", "in March 2024", "two weeks", " — Reuters",
    "[ Opens in new window ]", "Photograph: A/B", "\u00a0", "🎉", "قال", "部长",
])
TEXTS = st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=12)), min_size=1, max_size=40).map("".join)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_ingest_then_extract_never_raises_and_offsets_hold(nlp, tmp_path, text):
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    for item in read_articles(path):
        if isinstance(item, IngestError):
            continue  # refused with a reason (empty, binary...): that is the contract
        statements, timexes = analyse(nlp(item.text), item)
        assert_offsets_slice_back(item, statements, timexes)
