"""Tests of the ingest stage: source files -> stored articles and excluded regions.

Every article text here is made up for the test. The two seed files are read
(never copied) from ../shared/seeds, and those tests skip when it is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ingest
from pipeline.ingest import (
    DEFAULT_MAX_BYTES,
    Article,
    IngestError,
    IngestReport,
    Region,
    article_ids,
    ingest_paths,
    iter_articles,
    load_article,
    parse_boilerplate_rules,
    read_articles,
    slugify,
)

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
NEWS_SEED = SEEDS / "news-2025-10-21-budapest-summit-in-jeopardy.txt"
WIKI_SEED = SEEDS / "wiki-2025-russia-us-summit-in-hungary.txt"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def one_article(path: Path, **options) -> Article:
    items = list(read_articles(path, **options))
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def marked(article: Article) -> list[tuple[str, str]]:
    """(kind, covered text) of each excluded region, in text order."""
    return [(r.kind, article.text[r.start:r.end]) for r in article.excluded]


def article_from_text(tmp_path: Path, text: str, name: str = "story.txt") -> Article:
    return one_article(write(tmp_path, name, text))


def stored_files(raw: Path) -> list[str]:
    return sorted(p.name for p in raw.iterdir()) if raw.exists() else []


# --------------------------------------------------------------------------- boilerplate kinds

BODY = "The finance minister said on Tuesday that the talks would resume next week."

BOILERPLATE_CASES = [
    pytest.param(
        " date 2024-05-02 Delegates wave from the stage in Lyon. Photograph: Jean Martin/Getty Images\n\n" + BODY,
        [("date_marker", "date 2024-05-02"),
         ("caption", "Delegates wave from the stage in Lyon. Photograph: Jean Martin/Getty Images")],
        id="caption-after-date-marker",
    ),
    pytest.param(
        "The senator speaks to supporters in Dayton on Monday. (AP Photo/Jane Roe)\n\n" + BODY,
        [("caption", "The senator speaks to supporters in Dayton on Monday. (AP Photo/Jane Roe)")],
        id="caption-ap-photo",
    ),
    pytest.param(
        "A crowd outside parliament. Illustration: Studio Nine\n" + BODY,
        [("caption", "A crowd outside parliament. Illustration: Studio Nine")],
        id="caption-illustration",
    ),
    pytest.param(
        "Photo: Reuters\n" + BODY, [("credit", "Photo: Reuters")], id="credit-photo-alone"
    ),
    pytest.param(
        BODY + "\nCredit: Jane Doe/AFP", [("credit", "Credit: Jane Doe/AFP")], id="credit-credit-line"
    ),
    pytest.param(
        "(AP Photo/Jane Roe)\n" + BODY, [("credit", "(AP Photo/Jane Roe)")], id="credit-ap-photo-alone"
    ),
    pytest.param(
        "Jane Doe/Getty Images\n" + BODY, [("credit", "Jane Doe/Getty Images")], id="credit-name-slash-agency"
    ),
    pytest.param(
        BODY + "\n\nFollow Jane Doe on Twitter @janedoe.",
        [("credit", "Follow Jane Doe on Twitter @janedoe.")],
        id="credit-follow-on-twitter",
    ),
    pytest.param(
        BODY + "\n\n(Reporting by Ann Lee; Editing by Bo Kim)",
        [("credit", "(Reporting by Ann Lee; Editing by Bo Kim)")],
        id="credit-wire-staff",
    ),
    pytest.param(
        BODY + "\n\nAssociated Press writer Tom Ray contributed to this report.",
        [("credit", "Associated Press writer Tom Ray contributed to this report.")],
        id="credit-contributed",
    ),
    pytest.param(
        BODY + "\n\n(h/t Example Daily.)", [("credit", "(h/t Example Daily.)")], id="credit-hat-tip"
    ),
    pytest.param(
        BODY + "\n\n[ Ministers clash over the new budget rule Opens in new window ]\n\n" + BODY,
        [("related_link", "[ Ministers clash over the new budget rule Opens in new window ]")],
        id="related-link-bracketed",
    ),
    pytest.param(
        BODY + "\n\n[ ‘No deal’: talks stall as the deadline nearsOpens in new window ]\n\n" + BODY,
        [("related_link", "[ ‘No deal’: talks stall as the deadline nearsOpens in new window ]")],
        id="related-link-glued",
    ),
    pytest.param(
        BODY + "\n\nRead more: Budget talks stall in Lisbon\n\n" + BODY,
        [("related_link", "Read more: Budget talks stall in Lisbon")],
        id="related-link-read-more",
    ),
    pytest.param(
        "The minister posted a photo of the table. pic.twitter.com/AbC123xyz — Jane Doe (@janedoe) May 2, 2024",
        [("related_link", "pic.twitter.com/AbC123xyz")],
        id="related-link-pic-twitter",
    ),
    pytest.param(
        'Before the vote:\n<tweet id="17" author="@janedoe">We will vote no.</tweet>.',
        [("related_link", '<tweet id="17" author="@janedoe">'), ("related_link", "</tweet>")],
        id="related-link-tweet-markup",
    ),
    pytest.param(
        BODY + " – Reuters", [("wire_credit", "– Reuters")], id="wire-credit-dash-reuters"
    ),
    pytest.param(
        BODY + "\r\n\r\nThe vote is due on Friday. —AP\r\n",
        [("wire_credit", "—AP")],
        id="wire-credit-em-dash-ap-crlf",
    ),
    pytest.param(
        "The vote is due on Friday. (Reuters)\n" + BODY,
        [("wire_credit", "(Reuters)")],
        id="wire-credit-parenthesised",
    ),
    pytest.param(
        "LISBON (Reuters) - Finance ministers met on Tuesday to discuss the rule.",
        [("wire_credit", "LISBON (Reuters) -")],
        id="dateline-reuters",
    ),
    pytest.param(
        "NEW YORK, Dec. 11 (UPI) — A judge ruled on Monday that the case could go on.",
        [("wire_credit", "NEW YORK, Dec. 11 (UPI) —")],
        id="dateline-with-date",
    ),
    pytest.param(
        "MANCHESTER, N.H. - Voters lined up on Tuesday before the polls opened.",
        [("wire_credit", "MANCHESTER, N.H. -")],
        id="dateline-newspaper",
    ),
    pytest.param(
        "ST. LOUIS — “We will win,” the mayor said.",
        [("wire_credit", "ST. LOUIS —")],
        id="dateline-newspaper-before-a-quote",
    ),
    pytest.param(
        "Talks resume.\n\nABSTRACT.\n\nA short summary.\n\nFULL TEXT.\n\n" + BODY,
        [("heading", "ABSTRACT."), ("heading", "FULL TEXT.")],
        id="heading-abstract-full-text",
    ),
]


@pytest.mark.parametrize("text, expected", BOILERPLATE_CASES)
def test_boilerplate_regions(tmp_path, text, expected):
    article = article_from_text(tmp_path, text)
    assert marked(article) == expected
    assert article.text == text


NOT_BOILERPLATE = [
    "Reuters reported on Tuesday that the talks had stalled.",
    "The AP said the count would finish overnight.",
    "Reporting by the local paper showed that the mayor had known for months.",
    "The company said none of its staff contributed.",
    "Follow-up talks are planned for May, officials said.",
    "He told the Associated Press – in a brief interview – that he would stay.",
    "NATO — the alliance — said it would send observers.",
    "SANDERS HAS AN EDGE IN NEW HAMPSHIRE - Polls show a wide lead.",
    "The photo: a crowd of people waving flags, he said, was taken in 2019.",
    "Critics said the image problem: voters no longer trust the party.",
    "Window displays in the shop read 'Opens at nine' all week.",
    "The credit: card debt rose again in March, the bank said.",
]


@pytest.mark.parametrize("text", NOT_BOILERPLATE)
def test_ordinary_sentences_are_not_boilerplate(tmp_path, text):
    assert article_from_text(tmp_path, text + "\n").excluded == ()


def test_caption_rule_stays_linear_on_a_huge_line(tmp_path):
    # A quadratic pattern would hang here rather than fail.
    text = ("word " * 60_000) + "end."
    assert article_from_text(tmp_path, text).excluded == ()


# --------------------------------------------------------------------------- front matter and date markers

def test_unfenced_front_matter(tmp_path):
    text = (
        "title: Ministers meet in Lisbon\n"
        "date: 2024-03-05\n"
        "source: The Example Times\n"
        "url: https://example.org/a\n"
        "author: Ann Lee\n"
        "\n"
        "Ministers meet in Lisbon\n"
        "\n" + BODY + "\n"
    )
    article = article_from_text(tmp_path, text, "lisbon.txt")
    assert (article.title, article.published, article.source, article.url) == (
        "Ministers meet in Lisbon", "2024-03-05", "The Example Times", "https://example.org/a"
    )
    assert article.id == "lisbon"
    assert marked(article) == [
        ("front_matter", text[: text.index("author: Ann Lee") + len("author: Ann Lee")]),
        ("title", "Ministers meet in Lisbon"),
    ]


def test_fenced_front_matter_with_id_and_quoted_value(tmp_path):
    text = '---\nid: custom-id_1\ntitle: "Budget: the vote"\npublished: 2024-03-05T10:00:00Z\n---\n' + BODY
    article = article_from_text(tmp_path, text, "whatever.txt")
    assert article.id == "custom-id_1"
    assert article.title == "Budget: the vote"
    assert article.published == "2024-03-05"
    assert marked(article) == [("front_matter", text[: text.index("---\n" + BODY) + 3])]


def test_date_marker_alone_on_its_line(tmp_path):
    article = article_from_text(tmp_path, "Date: 2023-12-31\n" + BODY)
    assert article.published == "2023-12-31"
    assert marked(article) == [("date_marker", "Date: 2023-12-31")]


def test_front_matter_date_wins_over_marker(tmp_path):
    article = article_from_text(tmp_path, "date: 2024-01-02\n\ndate 2024-01-01 " + BODY)
    assert article.published == "2024-01-02"
    assert [kind for kind, _ in marked(article)] == ["front_matter", "date_marker"]


@pytest.mark.parametrize(
    "text",
    [
        "Update: the vote was delayed.\nMore text follows on the next line.",
        "Washington: " + BODY + "\n\nSecond paragraph.",
        "--- a line of dashes opens this text\n" + BODY,
        "Breaking: fire downtown\n\n" + BODY,
        "---\ntitle: A fence that is never closed\n\n" + BODY,
    ],
)
def test_text_that_only_looks_like_front_matter(tmp_path, text):
    article = article_from_text(tmp_path, text)
    assert "front_matter" not in [r.kind for r in article.excluded]
    assert article.title is None


# --------------------------------------------------------------------------- wiki text

WIKI_TEXT = """= Treaty of Example =

Treaty of Example
- Signed: 1 May 2020
- Location: Example City
- Parties: Northland, Southland

The Treaty of Example was a proposed agreement between two invented states.
Its backers said it would "settle the border for good".

== Background ==

Talks began in 2019.
- Only item: a list item with a colon is not an infobox

=== Negotiations ===
The parties met three times.

- First round in spring
- Second round in autumn

== See also ==

- Treaty of Other
- List of invented treaties
"""


def test_wiki_structure(tmp_path):
    article = article_from_text(tmp_path, WIKI_TEXT, "treaty-of-example.txt")
    assert article.format == "wiki"
    assert article.title == "Treaty of Example"
    assert article.published is None
    assert marked(article) == [
        ("title", "= Treaty of Example ="),
        ("infobox", "Treaty of Example\n- Signed: 1 May 2020\n- Location: Example City\n"
                    "- Parties: Northland, Southland"),
        ("heading", "== Background =="),
        ("heading", "=== Negotiations ==="),
        ("heading", "== See also =="),
        ("see_also", "- Treaty of Other\n- List of invented treaties"),
    ]


def test_wiki_with_crlf_line_breaks(tmp_path):
    text = WIKI_TEXT.replace("\n", "\r\n")
    article = article_from_text(tmp_path, text)
    assert article.text == text
    assert [kind for kind, _ in marked(article)] == [
        "title", "infobox", "heading", "heading", "heading", "see_also"
    ]
    assert all("\r" not in covered[-1:] for _, covered in marked(article))


def test_heading_first_is_not_wiki(tmp_path):
    article = article_from_text(tmp_path, "== Section ==\n" + BODY)
    assert article.format == "txt"


# --------------------------------------------------------------------------- JSON Lines

def test_jsonl_bad_lines_do_not_stop_the_good_ones(tmp_path):
    lines = [
        json.dumps({"id": "a-1", "text": BODY, "published": "2024-02-29", "title": "A", "source": "S",
                    "url": "https://example.org/a"}),
        '{"id": "a-2", "text": ',
        json.dumps({"id": "a-3"}),
        "",
        json.dumps({"id": "a-5", "text": 42}),
        json.dumps({"id": "a-6", "text": BODY, "published": "2025-13-45"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": BODY}),
        json.dumps({"id": "a-9", "text": BODY + " – Reuters", "publication_date": "2016-09-12",
                    "publisher": "example"}),
    ]
    path = write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n")
    raw = tmp_path / "raw"
    report = ingest_paths([path], raw)
    assert report.stored == ["a-1", "a-9"]
    failures = dict(report.failures)
    assert failures.keys() == {f"{path}:{n}" for n in (2, 3, 5, 6, 7, 8)}
    assert "invalid JSON" in failures[f"{path}:2"]
    assert failures[f"{path}:3"] == "missing 'text'"
    assert failures[f"{path}:5"] == "'text' must be a string, not int"
    assert "impossible date '2025-13-45'" in failures[f"{path}:6"]
    assert "JSON object" in failures[f"{path}:7"]
    assert failures[f"{path}:8"] == "missing 'id'"
    first = load_article(raw, "a-1")
    assert (first.published, first.title, first.source, first.url, first.format) == (
        "2024-02-29", "A", "S", "https://example.org/a", "jsonl"
    )
    ninth = load_article(raw, "a-9")
    assert (ninth.published, ninth.source) == ("2016-09-12", "example")
    assert marked(ninth) == [("wire_credit", "– Reuters")]
    assert stored_files(raw) == ["a-1.json", "a-1.txt", "a-9.json", "a-9.txt"]


def test_read_articles_names_the_line(tmp_path):
    path = write(tmp_path, "two.jsonl", json.dumps({"id": "x", "text": BODY}) + "\n{oops\n")
    items = list(read_articles(path))
    assert isinstance(items[0], Article)
    assert isinstance(items[1], IngestError)
    assert items[1].location == f"{path}:2"
    assert str(items[1]).startswith(f"{path}:2: invalid JSON")


@pytest.mark.parametrize("title, line, is_title", [
    ("Talks stall in Lisbon", "Talks stall in Lisbon.", True),
    # closing punctuation inside the closing quotation mark
    ("Mayor calls the plan ‘A Disgrace’", "Mayor calls the plan ‘A Disgrace.’", True),
    # the line is the title's head, the title goes on after a separator
    ("Talks stall in Lisbon; Ministers blame each other over fishing quotas", "Talks stall in Lisbon; ", True),
    ("Prices rise in the U.S.; The Column", "Prices rise in the U.S.; ", True),
    # a line that only starts like the title is not it
    ("Talks stall in Lisbon as ministers leave", "Talks stall in Lisbon.", False),
    ("Talks stall", "Talks stall in Lisbon.", False),
])
def test_jsonl_title_line_is_marked(tmp_path, title, line, is_title):
    record = {"id": "t", "title": title, "text": line + "\n\n" + BODY}
    article = one_article(write(tmp_path, "t.jsonl", json.dumps(record)))
    assert (("title", line.rstrip()) in marked(article)) == is_title


@pytest.mark.parametrize(
    "bad_id, reason",
    [
        ("../escape", "path separator"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("..", "'..'"),
        ("", "id is empty"),
        ("tab\there", "control characters"),
        (".hidden", "starts with '.'"),
        (" padded", "whitespace"),
    ],
)
def test_jsonl_unsafe_ids_are_refused(tmp_path, bad_id, reason):
    path = write(tmp_path, "ids.jsonl", json.dumps({"id": bad_id, "text": BODY}))
    raw = tmp_path / "raw"
    report = ingest_paths([path], raw)
    assert len(report.failures) == 1
    where, why = report.failures[0]
    assert where == f"{path}:1"
    assert reason in why
    assert stored_files(raw) == []


def test_jsonl_id_is_kept_as_given(tmp_path):
    path = write(tmp_path, "ids.jsonl", json.dumps({"id": "Breitbart_2016-09-12_Ünïcode", "text": BODY}))
    report = ingest_paths([path], tmp_path / "raw")
    assert report.stored == ["Breitbart_2016-09-12_Ünïcode"]


# --------------------------------------------------------------------------- HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Ministers meet in Lisbon | The Example Times</title>
<meta property="og:title" content="Ministers meet in Lisbon">
<meta property="og:site_name" content="The Example Times">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.org/news/ministers-meet">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Ministers meet in Lisbon</h1>
<p>Finance ministers gathered in Lisbon on Tuesday to discuss a common budget rule, officials said
after the first session ended late in the evening.</p>
<p>"We are close to an agreement," the chair of the group told reporters outside the venue, adding
that a final text could follow within days.</p>
<p>Critics said the draft left too many exemptions for large member states. – Reuters</p>
</article>
<footer>Copyright 2024 The Example Times. All rights reserved.</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path):
    article = one_article(write(tmp_path, "Lisbon Talks.html", HTML_PAGE))
    assert article.id == "lisbon-talks"
    assert article.format == "html"
    assert article.title == "Ministers meet in Lisbon"
    assert article.published == "2024-03-05"
    assert article.source == "The Example Times"
    assert article.url == "https://example.org/news/ministers-meet"
    assert "We are close to an agreement" in article.text
    assert "Sport" not in article.text and "All rights reserved" not in article.text
    assert marked(article) == [("title", "Ministers meet in Lisbon"), ("wire_credit", "– Reuters")]


def test_html_in_a_declared_charset(tmp_path):
    page = HTML_PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("Lisbon on", "Lisbon café on")
    article = one_article(write(tmp_path, "cp.htm", page.encode("cp1252")))
    assert "Lisbon café on" in article.text


# --------------------------------------------------------------------------- round trip

ROUND_TRIP_TEXTS = [
    pytest.param("First line.\r\nSecond line.\r\n\r\nThird – Reuters\r\n", id="crlf"),
    pytest.param("Old Mac line.\rNext.\r", id="cr-only"),
    pytest.param(" leading space and trailing spaces   \n\n\n", id="edge-whitespace"),
    pytest.param("Emoji 🇺🇦 👍🏽 and a ZWJ family 👨‍👩‍👧 said the minister.", id="emoji"),
    pytest.param("قال الوزير إن المحادثات ستستأنف. וגם בעברית: השיחות יימשכו.", id="rtl"),
    pytest.param("Price\u00a0100\u202fEUR, a\u2009thin space, e\u0301 combining.", id="nbsp-combining"),
    pytest.param("Tabs\tand\x0cform feed\u2028line separator.", id="odd-separators"),
]


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
def test_txt_round_trip_is_byte_exact(tmp_path, text):
    source = write(tmp_path / "in", "story.txt", text)
    raw = tmp_path / "raw"
    assert ingest_paths([source], raw).stored == ["story"]
    assert (raw / "story.txt").read_bytes() == source.read_bytes()
    article = load_article(raw, "story")
    assert article.text == text
    assert article.sha256 == ingest._sha256(text)


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
def test_jsonl_round_trip_is_exact(tmp_path, text):
    source = write(tmp_path / "in", "b.jsonl", json.dumps({"id": "r", "text": text}, ensure_ascii=False))
    raw = tmp_path / "raw"
    ingest_paths([source], raw)
    assert load_article(raw, "r").text == text
    assert (raw / "r.txt").read_bytes() == text.encode("utf-8")


def test_utf8_bom_is_the_only_thing_dropped(tmp_path):
    source = write(tmp_path, "bom.txt", b"\xef\xbb\xbf date 2024-01-05 Body text.\r\n")
    article = one_article(source)
    assert article.text == " date 2024-01-05 Body text.\r\n"
    assert article.published == "2024-01-05"


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1)
       .filter(str.strip))
def test_any_text_survives_storage(tmp_path, text):
    raw = tmp_path / "raw-any"
    source = write(tmp_path, "any.jsonl", json.dumps({"id": "any", "text": text}))
    report = ingest_paths([source], raw, replace=True)
    assert report.ok, report.failures
    article = load_article(raw, "any")
    assert article.text == text
    for region in article.excluded:
        assert 0 <= region.start < region.end <= len(text)


# --------------------------------------------------------------------------- storage, idempotency, replace

def test_metadata_file_format(tmp_path):
    source = write(tmp_path, "s.jsonl", json.dumps({"id": "s", "title": "Ünïcode “title”", "text": BODY}))
    raw = tmp_path / "raw"
    ingest_paths([source], raw)
    written = (raw / "s.json").read_text(encoding="utf-8")
    meta = json.loads(written)
    assert written == json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert "Ünïcode “title”" in written
    assert set(meta) == {"id", "title", "published", "source", "url", "original_file", "sha256",
                         "format", "excluded"}
    assert meta["original_file"] == "s.jsonl"
    assert load_article(raw, "s").to_meta() == meta


def test_same_content_twice_is_a_no_op(tmp_path):
    source = write(tmp_path, "story.txt", " date 2024-01-05 " + BODY)
    raw = tmp_path / "raw"
    assert ingest_paths([source], raw).stored == ["story"]
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in raw.iterdir()}
    report = ingest_paths([source], raw)
    assert (report.stored, report.unchanged, report.replaced, report.failures) == ([], ["story"], [], [])
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in raw.iterdir()} == before


def test_changed_content_needs_replace(tmp_path):
    raw = tmp_path / "raw"
    first = write(tmp_path / "v1", "story.txt", BODY)
    ingest_paths([first], raw)
    second = write(tmp_path / "v2", "story.txt", BODY + " Updated.")
    report = ingest_paths([second], raw)
    assert report.failures == [
        (str(second), "article story already exists with different content; use --replace")
    ]
    assert load_article(raw, "story").text == BODY
    report = ingest_paths([second], raw, replace=True)
    assert report.replaced == ["story"] and report.ok
    assert load_article(raw, "story").text == BODY + " Updated."
    assert stored_files(raw) == ["story.json", "story.txt"]


def test_replace_refreshes_metadata_of_unchanged_text(tmp_path):
    raw = tmp_path / "raw"
    old = write(tmp_path / "v1", "b.jsonl", json.dumps({"id": "m", "title": "Old", "text": BODY}))
    new = write(tmp_path / "v2", "b.jsonl", json.dumps({"id": "m", "title": "New", "text": BODY}))
    ingest_paths([old], raw)
    assert ingest_paths([new], raw).unchanged == ["m"]
    assert load_article(raw, "m").title == "Old"
    assert ingest_paths([new], raw, replace=True).replaced == ["m"]
    assert load_article(raw, "m").title == "New"


def test_duplicate_id_within_one_batch(tmp_path):
    lines = [
        json.dumps({"id": "d", "text": BODY}),
        json.dumps({"id": "d", "text": BODY}),
        json.dumps({"id": "d", "text": BODY + " Other."}),
    ]
    path = write(tmp_path, "dup.jsonl", "\n".join(lines))
    raw = tmp_path / "raw"
    report = ingest_paths([path], raw, replace=True)
    assert report.stored == ["d"] and report.unchanged == ["d"]
    assert len(report.failures) == 1
    where, reason = report.failures[0]
    assert where == f"{path}:3"
    assert "duplicate id 'd'" in reason and f"{path}:1" in reason
    assert load_article(raw, "d").text == BODY


def test_folders_are_walked_and_raw_is_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, "a.txt", BODY)
    write(corpus, "nested/b.HTML", HTML_PAGE)
    write(corpus, "nested/notes.md", "# not an article")
    write(corpus, ".hidden/c.txt", BODY)
    raw = corpus / "raw"
    assert ingest_paths([corpus], raw).stored == ["a", "b"]
    # Walking the corpus again must not ingest the stored copies in raw/.
    report = ingest_paths([corpus], raw)
    assert report.unchanged == ["a", "b"] and report.ok


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ünïcode Title — Draft 2.txt", "unicode-title-draft-2"),
        ("Тест статья.txt", "test-statya"),
        ("O’Brien's speech.txt", "obriens-speech"),
        ("  --Many   spaces--.txt", "many-spaces"),
        ("news-2025-10-21-x.txt", "news-2025-10-21-x"),
    ],
)
def test_ids_from_file_names(tmp_path, name, expected):
    assert slugify(Path(name).stem) == expected
    assert article_from_text(tmp_path, BODY, name).id == expected


# --------------------------------------------------------------------------- bad input

BAD_FILES = [
    pytest.param("empty.txt", b"", "file is empty", id="empty"),
    pytest.param("blank.txt", b"  \n\t\r\n ", "only whitespace", id="whitespace-only"),
    pytest.param("blank.jsonl", b"\n\n", "only whitespace", id="whitespace-jsonl"),
    pytest.param("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)",
                 id="binary"),
    pytest.param("latin.txt", "Caf\u00e9 society.".encode("latin-1"),
                 "not valid UTF-8 (byte 0xe9 at offset 3); pass --encoding", id="undecodable"),
    pytest.param("broken.jsonl", b'{"id": "b", "text": ', "invalid JSON", id="malformed-jsonl"),
    pytest.param("notext.jsonl", b'{"id": "b"}', "missing 'text'", id="missing-text"),
    pytest.param("baddate.txt", b" date 2025-13-45 " + BODY.encode(), "impossible date '2025-13-45'",
                 id="impossible-date-marker"),
    pytest.param("badfront.txt", b"date: 2025-02-30\n\n" + BODY.encode(), "impossible date '2025-02-30'",
                 id="impossible-date-front-matter"),
    pytest.param("slashid.txt", b"id: ../up\n\n" + BODY.encode(), "path separator", id="unsafe-front-matter-id"),
    pytest.param("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'; supported: .htm, .html, .jsonl, .txt",
                 id="unknown-extension"),
    pytest.param("README", b"text", "unsupported file type '(none)'", id="no-extension"),
    pytest.param("empty.html", b"<html><head><title>Nothing</title></head><body><script>var a = 1;</script>"
                 b"</body></html>", "no main text found in the HTML", id="html-without-text"),
    pytest.param("---.txt", BODY.encode(), "cannot make an id from the file name", id="no-id-from-name"),
]


@pytest.mark.parametrize("name, content, reason", BAD_FILES)
def test_bad_file_is_reported_and_nothing_is_written(tmp_path, name, content, reason):
    bad = write(tmp_path / "in", name, content)
    good = write(tmp_path / "in", "good.txt", BODY)
    raw = tmp_path / "raw"
    report = ingest_paths([bad, good], raw)
    assert report.stored == ["good"]
    assert not report.ok
    assert len(report.failures) == 1
    where, why = report.failures[0]
    assert where.startswith(str(bad))
    assert reason in why
    assert stored_files(raw) == ["good.json", "good.txt"]


def test_file_over_the_size_limit(tmp_path):
    big = write(tmp_path, "big.txt", BODY * 10)
    raw = tmp_path / "raw"
    report = ingest_paths([big], raw, max_bytes=100)
    assert report.failures == [
        (str(big), f"file is {big.stat().st_size} bytes, over the limit of 100 bytes; raise --max-bytes")
    ]
    assert stored_files(raw) == []
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    assert ingest_paths([big], raw).stored == ["big"]


def test_missing_path_and_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    write(empty, "notes.md", "not an article")
    missing = tmp_path / "nope.txt"
    raw = tmp_path / "raw"
    report = ingest_paths([missing, empty], raw)
    assert report.failures == [
        (str(missing), "no such file or directory"),
        (str(empty), "no articles: the folder holds no .htm, .html, .jsonl, .txt files"),
    ]
    assert stored_files(raw) == []


def test_encoding_option(tmp_path):
    latin = write(tmp_path, "latin.txt", "Caf\u00e9 society.".encode("latin-1"))
    assert one_article(latin, encoding="latin-1").text == "Caf\u00e9 society."
    utf16 = write(tmp_path, "wide.txt", "Wide text, said the minister.".encode("utf-16"))
    assert one_article(utf16, encoding="utf-16").text == "Wide text, said the minister."
    [error] = read_articles(utf16)
    assert isinstance(error, IngestError) and "binary" in error.reason
    [error] = read_articles(latin, encoding="no-such-codec")
    assert "unknown encoding 'no-such-codec'" in error.reason
    [error] = read_articles(write(tmp_path, "x.txt", b"\xff\xfe\xfa"), encoding="ascii")
    assert error.reason == "not valid UTF-8 (byte 0xff at offset 0) nor valid ascii"


def test_ingest_error_text():
    error = IngestError("dir/file.jsonl", "missing 'text'", line=7)
    assert str(error) == "dir/file.jsonl:7: missing 'text'"
    assert (error.path, error.reason, error.line) == ("dir/file.jsonl", "missing 'text'", 7)
    assert str(IngestError(Path("a.txt"), "file is empty")) == "a.txt: file is empty"


def test_report_ok():
    assert IngestReport().ok
    assert not IngestReport(failures=[("a.txt", "file is empty")]).ok


# --------------------------------------------------------------------------- reading raw/

def _stored(tmp_path: Path, *ids: str) -> Path:
    raw = tmp_path / "raw"
    lines = [json.dumps({"id": i, "text": f"{BODY} ({i})"}) for i in ids]
    ingest_paths([write(tmp_path, "seed.jsonl", "\n".join(lines))], raw)
    return raw


def test_iter_articles_is_sorted_and_survives_damage(tmp_path):
    raw = _stored(tmp_path, "c", "a", "b", "d")
    (raw / "b.txt").write_text("edited by hand", encoding="utf-8")
    (raw / "c.json").write_text("{not json", encoding="utf-8")
    (raw / "d.txt").unlink()
    items = list(iter_articles(raw))
    assert [type(i).__name__ for i in items] == ["Article", "IngestError", "IngestError", "IngestError"]
    assert items[0].id == "a"
    assert "sha256 mismatch" in items[1].reason and items[1].path.endswith("b.txt")
    assert "corrupt metadata" in items[2].reason and items[2].path.endswith("c.json")
    assert "stored text is missing" in items[3].reason


@pytest.mark.parametrize(
    "meta_change, reason",
    [
        ({"excluded": [{"start": 5, "end": 2, "kind": "caption"}]}, "corrupt metadata"),
        ({"excluded": [{"start": 0, "end": 2, "kind": "advert"}]}, "corrupt metadata"),
        ({"published": "2024-02-30"}, "corrupt metadata"),
        ({"published": "2024-02-05T10:00"}, "corrupt metadata"),
        ({"format": 3}, "corrupt metadata"),
        ({"id": "other"}, "corrupt metadata"),
    ],
)
def test_load_article_rejects_corrupt_metadata(tmp_path, meta_change, reason):
    raw = _stored(tmp_path, "a")
    meta = json.loads((raw / "a.json").read_text(encoding="utf-8"))
    (raw / "a.json").write_text(json.dumps({**meta, **meta_change}), encoding="utf-8")
    with pytest.raises(IngestError, match=reason):
        load_article(raw, "a")


def test_load_article_unknown_and_unsafe_ids(tmp_path):
    raw = _stored(tmp_path, "a")
    with pytest.raises(IngestError, match="no stored article 'zzz'"):
        load_article(raw, "zzz")
    with pytest.raises(IngestError, match="path separator"):
        load_article(raw, "../a")


def test_article_ids(tmp_path):
    assert article_ids(tmp_path / "missing") == []
    raw = _stored(tmp_path, "b", "a")
    (raw / ".a.json.12345.tmp").write_text("{}", encoding="utf-8")
    (raw / "orphan.txt").write_text(BODY, encoding="utf-8")
    assert article_ids(raw) == ["a", "b"]


def test_interrupted_writes_leave_raw_consistent(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    real_replace = os.replace

    def fail_on_metadata(source, target):
        if str(target).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    first = write(tmp_path / "v1", "story.txt", BODY)
    monkeypatch.setattr(ingest.os, "replace", fail_on_metadata)
    report = ingest_paths([first], raw)
    assert report.failures == [(str(first), f"cannot write to {raw}: No space left on device")]
    assert article_ids(raw) == [] and list(iter_articles(raw)) == []
    assert not [p for p in raw.iterdir() if p.name.startswith(".")], "temporary file left behind"

    monkeypatch.setattr(ingest.os, "replace", real_replace)
    assert ingest_paths([first], raw).stored == ["story"]

    second = write(tmp_path / "v2", "story.txt", BODY + " Updated.")
    monkeypatch.setattr(ingest.os, "replace", fail_on_metadata)
    assert not ingest_paths([second], raw, replace=True).ok
    # Killed mid-replace: the article is gone rather than damaged.
    assert list(iter_articles(raw)) == []

    monkeypatch.setattr(ingest.os, "replace", real_replace)
    assert ingest_paths([second], raw).stored == ["story"]
    assert load_article(raw, "story").text == BODY + " Updated."


# --------------------------------------------------------------------------- Article and Region

def _article(text: str, regions: tuple[Region, ...]) -> Article:
    return Article(id="x", text=text, title=None, published=None, source=None, url=None,
                   original_file="x.txt", sha256=ingest._sha256(text), format="txt", excluded=regions)


@pytest.mark.parametrize(
    "start, end, expected",
    [(0, 5, False), (0, 6, True), (7, 8, True), (9, 12, True), (10, 12, False), (5, 5, True), (4, 4, False),
     (6, 6, True), (9, 9, True), (10, 10, False), (0, 20, True)],
)
def test_is_excluded(start, end, expected):
    article = _article("0123456789abcdefghij", (Region(5, 10, "caption"), Region(15, 17, "credit")))
    assert article.is_excluded(start, end) is expected


def test_article_refuses_overlapping_or_unknown_regions():
    with pytest.raises(ValueError):
        _article("0123456789", (Region(0, 5, "caption"), Region(4, 6, "credit")))
    with pytest.raises(ValueError):
        _article("0123", (Region(0, 5, "caption"),))
    with pytest.raises(ValueError):
        Region(0, 1, "advert")


# --------------------------------------------------------------------------- lexicon file

def test_packaged_lexicon_loads():
    rules = ingest.boilerplate_rules()
    assert rules and {rule.kind for rule in rules} <= set(ingest.REGION_KINDS)


@pytest.mark.parametrize(
    "lexicon, message",
    [
        ("caption", "expected 'kind<TAB>regex'"),
        ("advert\tfoo", "unknown kind 'advert'"),
        ("caption\t(unclosed", "bad regex"),
        ("caption\t%NOPE%", "%NOPE% is not defined"),
        ("define\tlower\tx", "expected 'define<TAB>NAME<TAB>regex'"),
    ],
)
def test_lexicon_errors_name_the_line(lexicon, message):
    with pytest.raises(ValueError, match=message) as caught:
        parse_boilerplate_rules("# comment\n\n" + lexicon, origin="lex.txt")
    assert "lex.txt:3" in str(caught.value)


def test_lexicon_definitions_and_region_group():
    rules = parse_boilerplate_rules("define\tWHO\t(?:AP|UPI)\nwire_credit\tx(?P<region>%WHO%)$")
    assert list(rules[0].spans("see xAP")) == [(5, 7)]


# --------------------------------------------------------------------------- seeds (read, never copied)

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")


@needs_seeds
def test_news_seed():
    article = one_article(NEWS_SEED)
    assert article.format == "txt"
    assert article.published == "2025-10-21"
    kinds = [r.kind for r in article.excluded]
    assert kinds == ["date_marker", "caption", "related_link", "related_link", "wire_credit"]
    date_marker, caption, *links, wire = article.excluded
    assert article.text[date_marker.start:date_marker.end] == "date 2025-10-21"
    caption_text = article.text[caption.start:caption.end]
    assert caption.start > date_marker.end and "\n" not in caption_text
    assert "Photograph:" in caption_text and article.text[caption.end] == "\n"
    for link in links:
        covered = article.text[link.start:link.end]
        assert covered.startswith("[") and covered.endswith("Opens in new window ]")
    assert wire.end == len(article.text.rstrip())
    assert article.text[wire.start:wire.end] == "– Reuters"


@needs_seeds
def test_wiki_seed():
    article = one_article(WIKI_SEED)
    assert article.format == "wiki"
    assert article.published is None
    assert article.title and article.text.startswith(f"= {article.title} =")
    kinds = [r.kind for r in article.excluded]
    assert kinds[:2] == ["title", "infobox"] and kinds[-2:] == ["heading", "see_also"]
    assert set(kinds[2:-1]) == {"heading"}
    infobox = article.excluded[1]
    infobox_lines = article.text[infobox.start:infobox.end].splitlines()
    assert all(line.startswith("- ") and ": " in line for line in infobox_lines[1:])
    see_also = article.excluded[-1]
    assert see_also.end == len(article.text.rstrip())
    assert all(line.startswith("- ") for line in article.text[see_also.start:see_also.end].splitlines())


@needs_seeds
def test_seeds_are_stored_byte_exact(tmp_path):
    raw = tmp_path / "raw"
    report = ingest_paths([SEEDS], raw)
    assert report.ok and len(report.stored) == 2
    for article_id in report.stored:
        article = load_article(raw, article_id)
        assert (raw / f"{article_id}.txt").read_bytes() == (SEEDS / article.original_file).read_bytes()
