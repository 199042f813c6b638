"""ingest stage: source files -> stored articles with metadata in raw/.

Input: article files, or folders of them:

* ``.txt`` news text, optionally opened by ``key: value`` front matter and/or a
  ``date YYYY-MM-DD`` marker that gives the publication date;
* ``.txt`` wiki-style text, recognised by a first line ``= Title =``;
* ``.jsonl``, one article a line (``id``, ``text``, optional ``published``,
  ``title``, ``source``, ``url``);
* ``.html`` / ``.htm``, whose main text, title and date trafilatura extracts.

Output: for each article, ``<id>.txt`` holding its text exactly as given (only
a UTF-8 byte order mark is dropped) and ``<id>.json`` holding its metadata.
Boilerplate (captions, credits, related links, datelines, headings, ...) is
never cut out: it is recorded as excluded `Region` offsets into the stored
text, so every offset a later stage reports points into the text as stored.
The boilerplate patterns live in ``pipeline/lexicon/boilerplate.txt``.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from anyascii import anyascii

from pipeline import atomic

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# File suffix -> how the file is read. Wiki text shares ".txt" and is told
# apart by its first line, so "wiki" is a format but not a suffix.
SUPPORTED_SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".html": "html", ".htm": "html"}
FORMATS = ("txt", "wiki", "jsonl", "html")

REGION_KINDS = (
    "date_marker",
    "front_matter",
    "caption",
    "credit",
    "related_link",
    "heading",
    "title",
    "infobox",
    "see_also",
    "wire_credit",
)

# Excluded regions that are still the article's own words: a headline is no
# body text (no timexes, not a sentence of the story), but a statement it
# carries ("Obama Sees 'Personal Insult' if ...") is a statement.
HEADLINE_KINDS = frozenset({"title"})

_SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))


@dataclass(frozen=True)
class Region:
    """An excluded (boilerplate) stretch of an article's stored text.

    Attributes:
        start: Offset of the first character (Python ``str`` index into
            `Article.text`).
        end: Offset just past the last character (end-exclusive).
        kind: What the stretch is; one of `REGION_KINDS`.
    """

    start: int
    end: int
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in REGION_KINDS:
            raise ValueError(f"unknown region kind {self.kind!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad region offsets {self.start}-{self.end}")

    def overlaps(self, start: int, end: int) -> bool:
        """Tell whether the span ``[start, end)`` shares a character with the region."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Article:
    """One stored article: its text exactly as given, and what is known of it.

    Attributes:
        id: File-name-safe identifier, unique in the raw folder.
        text: The stored text; every offset of every later stage indexes it.
        title: Headline, when the source gives one.
        published: Publication date as ``YYYY-MM-DD``, when known.
        source: Publisher or site name, when known.
        url: Address of the original, when known.
        original_file: Base name of the file the article came from.
        sha256: Hex SHA-256 of ``text.encode("utf-8")``.
        format: How the source was read: ``txt``, ``wiki``, ``jsonl``, ``html``.
        excluded: Boilerplate regions, sorted and non-overlapping.
    """

    id: str
    text: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    original_file: str
    sha256: str
    format: str
    excluded: tuple[Region, ...] = ()

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}")
        if self.published is not None and parse_date(self.published) != self.published:
            raise ValueError(f"published {self.published!r} is not a plain YYYY-MM-DD date")
        previous_end = 0
        for region in self.excluded:
            if region.start < previous_end or region.end > len(self.text):
                raise ValueError(
                    f"region {region.kind} {region.start}-{region.end} overlaps another "
                    "or lies outside the text"
                )
            previous_end = region.end

    def is_excluded(self, start: int, end: int) -> bool:
        """Tell whether the span ``[start, end)`` overlaps any excluded region.

        An empty span (``start == end``) counts as excluded when it lies inside
        a region, so a zero-width anchor in a caption is still caught.
        """
        if end <= start:
            return any(r.start <= start < r.end for r in self.excluded)
        return any(r.overlaps(start, end) for r in self.excluded)

    @property
    def boilerplate(self) -> tuple[Region, ...]:
        """The excluded regions no statement may come from: all but the headline."""
        return tuple(r for r in self.excluded if r.kind not in HEADLINE_KINDS)

    def is_boilerplate(self, start: int, end: int) -> bool:
        """Tell whether the span ``[start, end)`` overlaps a region of `boilerplate`."""
        return any(r.overlaps(start, end) for r in self.boilerplate)

    def to_meta(self) -> dict:
        """Return the JSON-able metadata: every field but the text."""
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "url": self.url,
            "original_file": self.original_file,
            "sha256": self.sha256,
            "format": self.format,
            "excluded": [{"start": r.start, "end": r.end, "kind": r.kind} for r in self.excluded],
        }


class IngestError(Exception):
    """A source file, a line of one, or a stored article that cannot be used.

    Attributes:
        path: The file concerned, as given.
        reason: What is wrong, in words a user can act on.
        line: 1-based line number for a bad JSON Lines record, else None.
    """

    def __init__(self, path: str | os.PathLike, reason: str, line: int | None = None) -> None:
        super().__init__(str(path), reason, line)
        self.path = str(path)
        self.reason = reason
        self.line = line

    @property
    def location(self) -> str:
        """``path`` or ``path:line``: where a user should look."""
        return self.path if self.line is None else f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass
class IngestReport:
    """What one `ingest_paths` run did, by article id.

    Attributes:
        stored: Ids written for the first time.
        unchanged: Ids already stored with the same text (nothing written).
        replaced: Ids whose stored article was overwritten (``replace=True``).
        failures: ``(path or "path:line", reason)`` for everything refused.
    """

    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?")


def parse_date(value: str) -> str:
    """Validate a ``YYYY-MM-DD`` date (a time part after it is dropped).

    Args:
        value: The date as written in the source.

    Returns:
        The date as ``YYYY-MM-DD``.

    Raises:
        ValueError: The value is not in that form, or is no real day
            ("2025-13-45").
    """
    match = _ISO_DATE.fullmatch(value.strip())
    if not match:
        raise ValueError(f"date {value!r} is not in YYYY-MM-DD form")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as err:
        raise ValueError(f"impossible date {value!r} ({err})") from None


# --------------------------------------------------------------------------- ids

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def slugify(name: str) -> str:
    """Turn a file stem into an id: lowercase ASCII letters, digits and dashes."""
    # Apostrophes vanish rather than split a word: "O'Brien" -> "obrien", and
    # anyascii writes the Cyrillic soft sign as one ("статья" -> "stat'ya").
    ascii_name = anyascii(name).lower().replace("'", "")
    return _SLUG_JUNK.sub("-", ascii_name).strip("-")


def unsafe_id_reason(article_id: str) -> str | None:
    """Say why `article_id` cannot be a file name in the raw folder, or None."""
    if not article_id:
        return "id is empty"
    if "/" in article_id or "\\" in article_id:
        return f"id {article_id!r} contains a path separator"
    if ".." in article_id:
        return f"id {article_id!r} contains '..'"
    if article_id.startswith("."):
        # Dot files in raw/ are temporary files of interrupted writes.
        return f"id {article_id!r} starts with '.'"
    if _CONTROL.search(article_id):
        return f"id {article_id!r} contains control characters"
    if article_id != article_id.strip():
        return f"id {article_id!r} has leading or trailing whitespace"
    if len(article_id.encode("utf-8")) > 200:
        return "id is longer than 200 bytes"
    return None


# --------------------------------------------------------------------------- lines

_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")


def _line_spans(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each line's content, line breaks left out.

    "\\r\\n", "\\r" and "\\n" all end a line, so a file saved on Windows is
    read the same as one saved on Linux without touching its text.
    """
    pos = start
    while pos < len(text):
        match = _LINE.match(text, pos)
        yield match.start(1), match.end(1)
        pos = match.end()


def _is_blank(text: str, span: tuple[int, int]) -> bool:
    return not text[span[0]:span[1]].strip()


# --------------------------------------------------------------------------- boilerplate lexicon

@dataclass(frozen=True)
class BoilerplateRule:
    """One line of the boilerplate lexicon.

    Attributes:
        kind: Region kind the rule marks.
        pattern: Regex matched against one line at a time.
        line: Line number in the lexicon, to trace a region to its rule.
    """

    kind: str
    pattern: re.Pattern
    line: int

    def spans(self, line: str) -> Iterator[tuple[int, int]]:
        """Yield the ``(start, end)`` offsets in `line` that this rule marks."""
        group = "region" if "region" in self.pattern.groupindex else 0
        for match in self.pattern.finditer(line):
            start, end = match.span(group)
            if start < end:
                yield start, end


_DEFINITION_USE = re.compile(r"%([A-Z_]+)%")


def parse_boilerplate_rules(lexicon: str, origin: str = "boilerplate.txt") -> tuple[BoilerplateRule, ...]:
    """Read a boilerplate lexicon (format described at the top of the file).

    Args:
        lexicon: The lexicon's text.
        origin: Name used in error messages.

    Returns:
        The rules in file order, which is also their priority.

    Raises:
        ValueError: A line is malformed, names an unknown kind or definition,
            or holds a regex that does not compile.
    """
    definitions: dict[str, str] = {}
    rules = []

    def expand(pattern: str, number: int) -> str:
        def use(match: re.Match) -> str:
            name = match.group(1)
            if name not in definitions:
                raise ValueError(f"{origin}:{number}: %{name}% is not defined above")
            return definitions[name]

        return _DEFINITION_USE.sub(use, pattern)

    for number, raw_line in enumerate(lexicon.splitlines(), 1):
        if not raw_line.strip() or raw_line.lstrip().startswith("#"):
            continue
        kind, _, rest = raw_line.partition("\t")
        if not rest:
            raise ValueError(f"{origin}:{number}: expected 'kind<TAB>regex'")
        if kind == "define":
            name, _, pattern = rest.partition("\t")
            if not re.fullmatch(r"[A-Z_]+", name) or not pattern:
                raise ValueError(f"{origin}:{number}: expected 'define<TAB>NAME<TAB>regex'")
            definitions[name] = expand(pattern, number)
            continue
        if kind not in REGION_KINDS:
            raise ValueError(f"{origin}:{number}: unknown kind {kind!r}")
        try:
            compiled = re.compile(expand(rest, number))
        except re.error as err:
            raise ValueError(f"{origin}:{number}: bad regex: {err}") from None
        rules.append(BoilerplateRule(kind, compiled, number))
    return tuple(rules)


@functools.cache
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """The rules of the packaged lexicon ``pipeline/lexicon/boilerplate.txt``."""
    lexicon = resources.files("pipeline").joinpath("lexicon/boilerplate.txt")
    return parse_boilerplate_rules(lexicon.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- regions

_WORD = re.compile(r"\w")


class _Claims:
    """Character ranges already given to a region, kept sorted and disjoint.

    Candidates are offered in priority order; each gets only what is still
    free, so a caption that shares its line with a date marker becomes the
    rest of the line, and no two regions ever overlap.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.regions: list[Region] = []

    def offer(self, start: int, end: int, kind: str) -> None:
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        pieces = []
        cursor = start
        while index < len(self.regions) and self.regions[index].start < end:
            taken = self.regions[index]
            if taken.end > cursor:
                if taken.start > cursor:
                    pieces.append((cursor, taken.start))
                cursor = max(cursor, taken.end)
            index += 1
        if cursor < end:
            pieces.append((cursor, end))
        for piece_start, piece_end in pieces:
            self._add(piece_start, piece_end, kind)

    def _add(self, start: int, end: int, kind: str) -> None:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        # A leftover of only punctuation ("." after a claimed credit) is not
        # worth a region of its own.
        if not _WORD.search(self.text, start, end):
            return
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.regions.insert(index, Region(start, end, kind))


def _boilerplate_candidates(text: str) -> Iterator[tuple[int, int, str]]:
    rules = boilerplate_rules()
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        if not line.strip():
            continue
        for rule in rules:
            for start, end in rule.spans(line):
                yield line_start + start, line_start + end, rule.kind


_TITLE_END = ".:;!? '\"\u2019\u201d\u00bb"
_TITLE_SEPARATORS = (";", ":", "|")


def _normalised_title(value: str) -> str:
    """Case, spacing and closing punctuation aside: "It's ‘Over.’" and "It's ‘Over’" are one title."""
    return " ".join(value.split()).casefold().rstrip(_TITLE_END)


def _title_line(text: str, title: str | None, start: int) -> tuple[int, int, str] | None:
    """Find the headline repeated as the first line of the text, if it is.

    The line is the title, or the title's head when the title goes on past a
    separator ("Terror moves to fore of campaign; " for a title that adds
    "; Candidates address voters' worries").
    """
    wanted = _normalised_title(title or "")
    if not wanted:
        return None
    for span in _line_spans(text, start):
        if _is_blank(text, span):
            continue
        line = _normalised_title(text[span[0]:span[1]])
        rest = wanted[len(line):].lstrip(_TITLE_END.replace(";", "").replace(":", "")) if line else ""
        if line == wanted or (line and wanted.startswith(line) and rest.startswith(_TITLE_SEPARATORS)):
            return span[0], span[1], "title"
        return None
    return None


def _settle(text: str, structure: Iterable[tuple[int, int, str]]) -> tuple[Region, ...]:
    """Combine structural regions with lexicon matches into disjoint regions.

    Structural regions (front matter, date marker, wiki layout, title line)
    come first because they are certain; lexicon matches only get what is
    left of their span.
    """
    claims = _Claims(text)
    for start, end, kind in structure:
        claims.offer(start, end, kind)
    for start, end, kind in _boilerplate_candidates(text):
        claims.offer(start, end, kind)
    return tuple(claims.regions)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _build(
    path: Path,
    *,
    article_id: str,
    text: str,
    fmt: str,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    structure: list[tuple[int, int, str]] | None = None,
    body_start: int = 0,
) -> Article:
    structure = list(structure or [])
    if fmt != "wiki":
        headline = _title_line(text, title, body_start)
        if headline:
            structure.append(headline)
    return Article(
        id=article_id,
        text=text,
        title=title,
        published=published,
        source=source,
        url=url,
        original_file=path.name,
        sha256=_sha256(text),
        format=fmt,
        excluded=_settle(text, structure),
    )


# --------------------------------------------------------------------------- reading files

_HTML_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(raw: bytes) -> str | None:
    match = _HTML_CHARSET.search(raw[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def _decode(raw: bytes, path: Path, encoding: str | None, declared: str | None = None) -> str:
    """Decode a file: UTF-8 first, then `encoding`, then an HTML declared charset."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise IngestError(path, f"unknown encoding {encoding!r} (--encoding)") from None
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    utf8_error: UnicodeDecodeError | None = None
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    else:
        if "\x00" not in text:
            return text
    # UTF-16 text is full of NUL bytes yet is text when its encoding is named.
    for alternative in (encoding, declared):
        if alternative is None:
            continue
        try:
            text = raw.decode(alternative)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    if b"\x00" in raw:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    assert utf8_error is not None
    where = f"byte 0x{raw[bom + utf8_error.start]:02x} at offset {bom + utf8_error.start}"
    if encoding is None:
        raise IngestError(path, f"not valid UTF-8 ({where}); pass --encoding")
    raise IngestError(path, f"not valid UTF-8 ({where}) nor valid {encoding}")


def _read_text(path: Path, encoding: str | None, max_bytes: int, fmt: str) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(path, _too_large(size, max_bytes))
        with path.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            raw = handle.read(max_bytes + 1)
    except OSError as err:
        raise IngestError(path, f"cannot read the file: {err.strerror or err}") from None
    if len(raw) > max_bytes:
        raise IngestError(path, _too_large(len(raw), max_bytes))
    if not raw:
        raise IngestError(path, "file is empty")
    declared = _declared_charset(raw) if fmt == "html" else None
    text = _decode(raw, path, encoding, declared)
    if not text.strip():
        raise IngestError(path, "file is empty (only whitespace)")
    return text


def _too_large(size: int, max_bytes: int) -> str:
    return f"file is {size} bytes, over the limit of {max_bytes} bytes; raise --max-bytes"


def read_articles(
    path: Path, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestError]:
    """Parse one source file into articles.

    Args:
        path: A ``.txt``, ``.jsonl``, ``.html`` or ``.htm`` file.
        encoding: Encoding to try when the file is not valid UTF-8.
        max_bytes: Larger files are refused.

    Yields:
        An `Article` for each article of the file (a ``.jsonl`` file may hold
        many), or an `IngestError` for the whole file or for one bad JSON
        Lines record; the other records of that file are still yielded.
    """
    for _line, item in _read_located(Path(path), encoding, max_bytes):
        yield item


def _read_located(
    path: Path, encoding: str | None, max_bytes: int
) -> Iterator[tuple[int | None, Article | IngestError]]:
    """Like `read_articles`, with the JSON Lines line number of each item."""
    if not path.exists():
        yield None, IngestError(path, "no such file or directory")
        return
    if path.is_dir():
        yield None, IngestError(path, "is a directory, not an article file")
        return
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix or "(none)"
        yield None, IngestError(path, f"unsupported file type {shown!r}; supported: {_SUPPORTED_LIST}")
        return
    try:
        text = _read_text(path, encoding, max_bytes, fmt)
    except IngestError as err:
        yield None, err
        return
    if fmt == "jsonl":
        yield from _jsonl_articles(path, text)
        return
    try:
        if fmt == "html":
            article = _html_article(path, text)
        elif _wiki_title(text):
            article = _wiki_article(path, text)
        else:
            article = _news_article(path, text)
    except IngestError as err:
        yield None, err
        return
    yield None, article


def _id_from_file_name(path: Path) -> str:
    article_id = slugify(path.stem)
    if not article_id:
        raise IngestError(path, f"cannot make an id from the file name {path.name!r}; rename the file")
    return article_id


# --------------------------------------------------------------------------- plain news text

# A front matter line: "title: Budapest summit", "Date: 2025-10-21".
_FIELD = re.compile(r"[ \t]*(?P<key>[A-Za-z][\w-]{0,40})[ \t]*:[ \t]*(?P<value>.*?)[ \t]*")
_FENCE = re.compile(r"[ \t]*-{3,}[ \t]*")
# Front matter keys that mean something to the pipeline; others are allowed
# and stay inside the region, but are not read.
_FRONT_MATTER_KEYS = {
    "title": "title",
    "date": "published",
    "published": "published",
    "source": "source",
    "url": "url",
    "id": "id",
}
# " date 2025-10-21 " opening the text: a date stamp some exports put before
# the article (often on the same line as the photo caption).
_DATE_MARKER = re.compile(r"\s*(?P<marker>date:?[ \t]+(?P<date>\d{4}-\d{2}-\d{2}))(?![\w-])", re.I)


@dataclass(frozen=True)
class _FrontMatter:
    fields: dict[str, str]
    start: int
    end: int


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _front_matter(text: str) -> _FrontMatter | None:
    """Find a block of ``key: value`` lines at the top of the text.

    Fenced by ``---`` lines, the block is whatever the fences hold. Unfenced,
    it must end at a blank line and name at least one known key, so that an
    article whose first paragraph happens to start "Update: ..." is not taken
    for metadata.
    """
    lines = _line_spans(text)
    first = next((span for span in lines if not _is_blank(text, span)), None)
    if first is None:
        return None
    fields: dict[str, str] = {}
    if _FENCE.fullmatch(text, *first):
        for span in lines:
            if _FENCE.fullmatch(text, *span):
                return _FrontMatter(fields, first[0], span[1]) if fields else None
            if _is_blank(text, span):
                continue
            match = _FIELD.fullmatch(text, *span)
            if not match:
                return None
            fields[match["key"].lower()] = _unquote(match["value"])
        return None  # never closed: a rule of dashes, not front matter
    last = first
    span: tuple[int, int] | None = first
    while span is not None:
        match = _FIELD.fullmatch(text, *span)
        if not match:
            break
        fields[match["key"].lower()] = _unquote(match["value"])
        last = span
        span = next(lines, None)
    ends_at_blank = span is None or _is_blank(text, span)
    if not ends_at_blank or not fields.keys() & _FRONT_MATTER_KEYS.keys():
        return None
    return _FrontMatter(fields, first[0], last[1])


def _news_article(path: Path, text: str) -> Article:
    structure: list[tuple[int, int, str]] = []
    known: dict[str, str] = {}
    body_start = 0
    front = _front_matter(text)
    if front:
        structure.append((front.start, front.end, "front_matter"))
        body_start = front.end
        for key, value in front.fields.items():
            if key in _FRONT_MATTER_KEYS and value:
                known.setdefault(_FRONT_MATTER_KEYS[key], value)
    published = None
    if "published" in known:
        try:
            published = parse_date(known["published"])
        except ValueError as err:
            raise IngestError(path, f"front matter: {err}") from None
    marker = _DATE_MARKER.match(text, body_start)
    if marker:
        try:
            marker_date = parse_date(marker["date"])
        except ValueError as err:
            raise IngestError(path, f"date marker: {err}") from None
        structure.append((*marker.span("marker"), "date_marker"))
        body_start = marker.end()
        # Front matter is deliberate metadata; the marker only fills a gap.
        published = published or marker_date
    if "id" in known:
        reason = unsafe_id_reason(known["id"])
        if reason:
            raise IngestError(path, f"front matter: {reason}")
        article_id = known["id"]
    else:
        article_id = _id_from_file_name(path)
    return _build(
        path,
        article_id=article_id,
        text=text,
        fmt="txt",
        title=known.get("title"),
        published=published,
        source=known.get("source"),
        url=known.get("url"),
        structure=structure,
        body_start=body_start,
    )


# --------------------------------------------------------------------------- wiki text

_WIKI_TITLE = re.compile(r"[ \t]*=(?!=)[ \t]*(?P<name>[^=\s](?:.*?[^=\s])?)[ \t]*=[ \t]*")
_WIKI_HEADING = re.compile(r"[ \t]*(?P<level>={2,6})[ \t]*(?P<name>[^=\s](?:.*?[^=\s])?)[ \t]*(?P=level)[ \t]*")
_LIST_ITEM = re.compile(r"[ \t]*[-*•][ \t]+\S")
# "- Date: Cancelled": a field of the infobox flattened into a list.
_INFOBOX_FIELD = re.compile(r"[ \t]*[-*•][ \t]*[^\W\d_][^:\n]{0,40}:[ \t]*\S")
# Sections that only point elsewhere; their list items are not article text.
_NAVIGATION_SECTIONS = {"see also", "related articles", "external links", "further reading"}


def _wiki_title(text: str) -> tuple[int, int, str] | None:
    """Return ``(start, end, title)`` of a leading ``= Title =`` line, if any."""
    for span in _line_spans(text):
        if _is_blank(text, span):
            continue
        match = _WIKI_TITLE.fullmatch(text, *span)
        return (span[0], span[1], match["name"]) if match else None
    return None


def _wiki_structure(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Headings, navigation lists and the infobox of a wiki-style text."""
    headings: list[tuple[int, int, str]] = []
    navigation: list[tuple[int, int, str]] = []
    infobox: list[tuple[int, int, str]] = []
    in_navigation = False
    run: list[tuple[int, int]] = []

    def close_run() -> None:
        if run:
            navigation.append((run[0][0], run[-1][1], "see_also"))
            run.clear()

    for span in lines:
        heading = _WIKI_HEADING.fullmatch(text, *span)
        if heading:
            close_run()
            headings.append((span[0], span[1], "heading"))
            in_navigation = heading["name"].casefold() in _NAVIGATION_SECTIONS
        elif in_navigation and _LIST_ITEM.match(text, span[0], span[1]):
            run.append(span)
        elif in_navigation and not _is_blank(text, span):
            close_run()
    close_run()

    index = 0
    while index < len(lines):
        if not _INFOBOX_FIELD.match(text, *lines[index]):
            index += 1
            continue
        first = index
        while index < len(lines) and _INFOBOX_FIELD.match(text, *lines[index]):
            index += 1
        if index - first < 2:
            # One "- Key: value" item is an ordinary list item.
            continue
        start = lines[first][0]
        if first > 0 and _is_infobox_caption(text, lines[first - 1]):
            start = lines[first - 1][0]
        infobox.append((start, lines[index - 1][1], "infobox"))
    # Order is priority: a heading is never part of an infobox, a navigation
    # list that looks like fields stays a navigation list.
    return headings + navigation + infobox


def _is_infobox_caption(text: str, span: tuple[int, int]) -> bool:
    """The short name line an infobox starts with (no sentence, no heading)."""
    line = text[span[0]:span[1]].strip()
    return (
        0 < len(line) <= 120
        and not line.endswith((".", "!", "?", ":", ";", ","))
        and not line.startswith("=")
        and not _LIST_ITEM.match(line)
    )


def _wiki_article(path: Path, text: str) -> Article:
    title_start, title_end, title = _wiki_title(text)
    lines = [span for span in _line_spans(text) if span[0] >= title_end]
    structure = [(title_start, title_end, "title"), *_wiki_structure(text, lines)]
    return _build(
        path,
        article_id=_id_from_file_name(path),
        text=text,
        fmt="wiki",
        title=title,
        structure=structure,
    )


# --------------------------------------------------------------------------- JSON Lines

# Other names the same fields go by in corpora (PolNeAR has publication_date
# and publisher); the first one present wins.
_JSONL_FIELDS = {
    "published": ("published", "publication_date", "date"),
    "title": ("title", "headline"),
    "source": ("source", "publisher"),
    "url": ("url",),
}


def _jsonl_record(path: Path, raw_line: str, number: int) -> Article:
    def fail(reason: str) -> IngestError:
        return IngestError(path, reason, line=number)

    try:
        record = json.loads(raw_line)
    except json.JSONDecodeError as err:
        raise fail(f"invalid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise fail(f"expected a JSON object, got {type(record).__name__}")
    for key in ("id", "text"):
        if key not in record or record[key] is None:
            raise fail(f"missing {key!r}")
        if not isinstance(record[key], str):
            raise fail(f"{key!r} must be a string, not {type(record[key]).__name__}")
    if not record["text"].strip():
        raise fail("'text' is empty")
    reason = unsafe_id_reason(record["id"])
    if reason:
        raise fail(reason)
    values: dict[str, str | None] = {}
    for name, keys in _JSONL_FIELDS.items():
        key = next((k for k in keys if record.get(k) is not None), None)
        value = record.get(key) if key else None
        if value is not None and not isinstance(value, str):
            raise fail(f"{key!r} must be a string, not {type(value).__name__}")
        values[name] = value or None
    if values["published"] is not None:
        try:
            values["published"] = parse_date(values["published"])
        except ValueError as err:
            raise fail(str(err)) from None
    return _build(path, article_id=record["id"], text=record["text"], fmt="jsonl", **values)


def _jsonl_articles(path: Path, text: str) -> Iterator[tuple[int | None, Article | IngestError]]:
    for number, (start, end) in enumerate(_line_spans(text), 1):
        raw_line = text[start:end]
        if not raw_line.strip():
            continue
        try:
            yield number, _jsonl_record(path, raw_line, number)
        except IngestError as err:
            yield number, err


# --------------------------------------------------------------------------- HTML

def _html_article(path: Path, markup: str) -> Article:
    # Imported here: trafilatura pulls in lxml and htmldate, which the other
    # formats and every later stage can do without.
    import trafilatura
    from trafilatura.settings import set_date_params

    document = trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Only dates the page states in its markup: a date guessed from the
        # body text would be a date the article talks about, not its own.
        date_extraction_params=set_date_params(False),
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise IngestError(path, "no main text found in the HTML")
    try:
        published = parse_date(document.date) if document.date else None
    except ValueError:
        published = None
    return _build(
        path,
        article_id=_id_from_file_name(path),
        text=text,
        fmt="html",
        title=document.title or None,
        published=published,
        source=document.sitename or None,
        url=document.url or None,
    )


# --------------------------------------------------------------------------- storage

def _meta_json(article: Article) -> str:
    return json.dumps(article.to_meta(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _read_stored_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _intact_meta(raw_dir: Path, article_id: str) -> dict | None:
    """Metadata of the stored article `article_id`, or None if it is absent or damaged.

    A damaged article (a run killed between writing the text and the
    metadata of a replacement, or a hand-edited file) is not worth keeping,
    so it is treated as absent and written anew.
    """
    try:
        meta = json.loads((raw_dir / f"{article_id}.json").read_text(encoding="utf-8"))
        text = _read_stored_text(raw_dir / f"{article_id}.txt")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(meta, dict) or meta.get("sha256") != _sha256(text):
        return None
    return meta


def _store(article: Article, raw_dir: Path, replace: bool) -> str:
    """Write `article` unless it is already there; say which list it belongs to."""
    existing = _intact_meta(raw_dir, article.id)
    meta_json = _meta_json(article)
    if existing is not None and existing["sha256"] == article.sha256:
        # Same text: a no-op, unless --replace asks to refresh metadata that
        # changed (new boilerplate rules, a corrected title).
        if not replace or _meta_json_of(existing) == meta_json:
            return "unchanged"
        atomic.write_text(raw_dir / f"{article.id}.json", meta_json)
        return "replaced"
    if existing is not None and not replace:
        raise IngestError(
            article.original_file,
            f"article {article.id} already exists with different content; use --replace",
        )
    meta_path = raw_dir / f"{article.id}.json"
    if existing is not None:
        # An article exists while its metadata does. Withdrawing the old
        # metadata first means a run killed mid-replace leaves the article
        # absent (ingest again), never new text under old metadata.
        meta_path.unlink()
        atomic.fsync_directory(raw_dir)
    # Text first, metadata last, for the same reason.
    atomic.write_text(raw_dir / f"{article.id}.txt", article.text)
    atomic.write_text(meta_path, meta_json)
    return "replaced" if existing is not None else "stored"


def _meta_json_of(meta: dict) -> str:
    return json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def count_items(paths: Iterable[Path], raw_dir: Path) -> int:
    """About how many articles `ingest_paths` will read: one per file, one per JSONL line."""
    total = 0
    for source in _source_files(paths, Path(raw_dir), []):
        if source.suffix.lower() == ".jsonl":
            with contextlib.suppress(OSError):
                with open(source, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def _source_files(
    paths: Iterable[Path], raw_dir: Path, failures: list[tuple[str, str]]
) -> Iterator[Path]:
    """Expand folders into their supported files; note paths that give none."""
    raw_resolved = raw_dir.resolve()
    for path in map(Path, paths):
        if not path.exists():
            failures.append((str(path), "no such file or directory"))
            continue
        if not path.is_dir():
            yield path
            continue
        found = []
        for folder, subfolders, files in os.walk(path):
            # Hidden folders (.git, .venv) and the raw folder itself hold no
            # articles to ingest, only copies or tooling.
            subfolders[:] = sorted(
                name for name in subfolders
                if not name.startswith(".") and (Path(folder) / name).resolve() != raw_resolved
            )
            if Path(folder).resolve() == raw_resolved:
                continue
            found += [
                Path(folder) / name for name in sorted(files)
                if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
            ]
        if not found:
            failures.append((str(path), f"no articles: the folder holds no {_SUPPORTED_LIST} files"))
        yield from found


def ingest_paths(
    paths: Iterable[Path],
    raw_dir: Path,
    *,
    replace: bool = False,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[], None] | None = None,
) -> IngestReport:
    """Read source files and folders and store their articles in `raw_dir`.

    A bad file or record is reported and skipped; everything else is still
    stored. Re-ingesting the same text is a no-op.

    Args:
        paths: Files, or folders walked for supported files (hidden entries
            and `raw_dir` itself are skipped).
        raw_dir: Where articles are stored; created when missing.
        replace: Overwrite a stored article whose id comes back with other
            content (or refresh its metadata when only that changed).
        encoding: Encoding to try for files that are not valid UTF-8.
        max_bytes: Larger files are refused.
        progress: Called once per article or bad record read (see `count_items`).

    Returns:
        Which ids were stored, unchanged or replaced, and every failure as
        ``(path or "path:line", reason)``.
    """
    raw_dir = Path(raw_dir)
    report = IngestReport()
    # id -> (sha256, where it came from), to catch two different articles
    # claiming one id within the batch, which --replace must not settle.
    batch: dict[str, tuple[str, str]] = {}
    for source in _source_files(paths, raw_dir, report.failures):
        for line, item in _read_located(source, encoding, max_bytes):
            if progress is not None:
                progress()
            if isinstance(item, IngestError):
                report.failures.append((item.location, item.reason))
                continue
            where = str(source) if line is None else f"{source}:{line}"
            first = batch.get(item.id)
            if first is not None:
                if first[0] == item.sha256:
                    report.unchanged.append(item.id)
                else:
                    report.failures.append(
                        (where, f"duplicate id {item.id!r} in this batch with different content "
                                f"(first from {first[1]})")
                    )
                continue
            batch[item.id] = (item.sha256, where)
            try:
                raw_dir.mkdir(parents=True, exist_ok=True)
                outcome = _store(item, raw_dir, replace)
            except IngestError as err:
                report.failures.append((where, err.reason))
                continue
            except OSError as err:
                report.failures.append((where, f"cannot write to {raw_dir}: {err.strerror or err}"))
                continue
            getattr(report, outcome).append(item.id)
    return report


# --------------------------------------------------------------------------- reading raw/

def _article_from_meta(meta: dict, text: str) -> Article:
    """Rebuild an `Article` from stored metadata (raises on any wrong field)."""
    def optional(key: str) -> str | None:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{key!r} must be a string or null")
        return value

    for key in ("id", "original_file", "sha256", "format"):
        if not isinstance(meta.get(key), str):
            raise TypeError(f"{key!r} is missing or not a string")
    regions = meta.get("excluded", [])
    if not isinstance(regions, list):
        raise TypeError("'excluded' must be a list")
    return Article(
        id=meta["id"],
        text=text,
        title=optional("title"),
        published=optional("published"),
        source=optional("source"),
        url=optional("url"),
        original_file=meta["original_file"],
        sha256=meta["sha256"],
        format=meta["format"],
        excluded=tuple(Region(int(r["start"]), int(r["end"]), str(r["kind"])) for r in regions),
    )


def load_article(raw_dir: Path, article_id: str) -> Article:
    """Load one stored article and check it against its metadata.

    Args:
        raw_dir: The raw folder.
        article_id: Id of the article.

    Returns:
        The article, its text read back byte for byte.

    Raises:
        IngestError: The id is unsafe, the metadata is missing or corrupt, the
            text is missing, or the text no longer matches its sha256.
    """
    raw_dir = Path(raw_dir)
    meta_path = raw_dir / f"{article_id}.json"
    reason = unsafe_id_reason(article_id)
    if reason:
        raise IngestError(meta_path, reason)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(meta_path, f"no stored article {article_id!r}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise IngestError(meta_path, f"corrupt metadata: {err}") from None
    if not isinstance(meta, dict):
        raise IngestError(meta_path, "corrupt metadata: not a JSON object")
    text_path = raw_dir / f"{article_id}.txt"
    try:
        text = _read_stored_text(text_path)
    except FileNotFoundError:
        raise IngestError(text_path, "stored text is missing") from None
    except (OSError, UnicodeDecodeError) as err:
        raise IngestError(text_path, f"stored text cannot be read: {err}") from None
    if _sha256(text) != meta.get("sha256"):
        raise IngestError(
            text_path, "sha256 mismatch: the stored text does not match its metadata; "
                       "re-ingest the source"
        )
    if meta.get("id") != article_id:
        raise IngestError(meta_path, f"corrupt metadata: id {meta.get('id')!r} in the file of {article_id!r}")
    try:
        return _article_from_meta(meta, text)
    except (KeyError, TypeError, ValueError) as err:
        raise IngestError(meta_path, f"corrupt metadata: {err}") from None


def article_ids(raw_dir: Path) -> list[str]:
    """Ids of the articles stored in `raw_dir`, sorted (empty if it is missing).

    An article exists once its metadata does: metadata is written last, so a
    text left alone by an interrupted first write is not listed.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return []
    return sorted(
        path.stem for path in raw_dir.glob("*.json")
        if not path.name.startswith(".") and path.is_file()
    )


def iter_articles(raw_dir: Path) -> Iterator[Article | IngestError]:
    """Yield every stored article in id order.

    A damaged article yields an `IngestError` in its place, so one bad file
    does not stop a run over the others.
    """
    for article_id in article_ids(raw_dir):
        try:
            yield load_article(raw_dir, article_id)
        except IngestError as err:
            yield err
