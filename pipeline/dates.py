"""Dates stage: find temporal expressions in a parsed article and normalise them.

Input: a spaCy ``Doc`` produced by ``pipeline.nlp`` (tagged, parsed, with
entities) and the article's publication date (``None`` for a narrative text
without one).  Output: ``find_timexes`` returns a list of ``Timex``, one per
temporal expression, sorted by position and non-overlapping, each with a
TIMEX3 type (DATE, TIME, DURATION, SET) and value.

How it works:

* Detection is a rule base of regular expressions over ``doc.text`` (one rule
  per family: calendar dates, clock times, quarters, seasons, decades,
  relative expressions, durations, sets, vague references ...).  Extents follow
  the TIMEX3 conventions of TempEval-3: leading prepositions are never part of
  a timex, determiners and modifiers ("the past three years", "early
  December", "last week") are.  Overlapping matches keep the longest.  The
  parse decides the ambiguous cases ("May" the modal, "March" the verb, "fall"
  the verb, a bare number that is not a year, an age).  spaCy DATE / TIME
  entities the rules do not cover are kept when they contain a time word.
* Normalisation resolves each match with the rule's handler.  Deictic
  expressions ("Friday", "last week", "June") are resolved against the
  publication date; the tense of the governing verb (dependency parse)
  decides the direction ("said on Friday" is the past Friday, "will meet on
  Thursday" the coming one).  Without a publication date, the last explicit
  date of at least month precision before the expression is the anchor and
  its year is carried forward (a bare year never becomes the anchor).
  Anaphoric expressions ("that day", "the following year", "a year earlier"
  after a quarter) use the preceding timexes.  dateparser is called only on
  candidates the rules cannot read (numeric dates, leftover spaCy entities),
  through a cache.

Word lists live in ``pipeline/lexicon/timex_words.tsv``.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import datetime
import functools
import importlib.resources
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

__all__ = ["Timex", "find_timexes", "normalise"]

Date = datetime.date


@dataclass(frozen=True)
class Timex:
    """One temporal expression of a document.

    Attributes:
        start: character offset of the first character in ``doc.text``.
        end: character offset after the last character (end-exclusive).
        text: ``doc.text[start:end]``.
        type: TIMEX3 type: "DATE", "TIME", "DURATION" or "SET".
        value: TIMEX3 value ("2025-10-21", "P3Y", "PRESENT_REF" ...), "" if the
            expression could not be normalised.
        precision: granularity of a DATE / TIME value: "day", "week", "month",
            "quarter", "season", "year", "decade", "century" or "time"; "" for
            durations, sets and the *_REF values.
        anchor: what a relative expression was resolved against and why,
            e.g. "2025-10-21 (published)", "2025-10-16 (narrative)"; "" for
            absolute expressions.
        token_start: index of the first token of the expression in the doc.
        token_end: index after its last token.
    """

    start: int
    end: int
    text: str
    type: str
    value: str
    precision: str
    anchor: str
    token_start: int
    token_end: int


# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, str]]:
    """category -> {word: value}, read once from the package's TSV file."""
    res = importlib.resources.files("pipeline").joinpath("lexicon", "timex_words.tsv")
    out: dict[str, dict[str, str]] = {}
    for line in res.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, word, value = line.split("\t")[:3]
        out.setdefault(category, {})[word] = value
    return out


def _words(category: str) -> dict[str, str]:
    return _lexicon()[category]


def _alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first (so "june" beats "jun")."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


def _cap_alt(words: Iterable[str]) -> str:
    """Case-sensitive alternation accepting Capitalised and UPPER forms only.

    Month and weekday names are matched case-sensitively: lower-case "may",
    "march", "sun" are ordinary words.
    """
    forms = set()
    for w in words:
        forms.add(w.capitalize())
        forms.add(w.upper())
    return "(?-i:" + _alt(forms) + ")"


# --------------------------------------------------------------------------
# Regex building blocks
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _fragments() -> dict[str, str]:
    months = _words("month")
    full = [w for w in months if len(w) > 4 or w in ("may", "june", "july")]
    abbr = [w for w in months if w not in full]
    weekdays = _words("weekday")
    wd_full = [w for w in weekdays if w.endswith("day")]
    wd_abbr = [w for w in weekdays if w not in wd_full]
    ones = "one|two|three|four|five|six|seven|eight|nine"
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    teens = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    numword = (rf"(?:(?:{tens})(?:[\s-](?:{ones}))?|{teens}|{ones})"
               rf"(?:\s+(?:hundred|thousand))?")
    ordinals = _alt(_words("ordinal"))
    f: dict[str, str] = {}
    f["MONTH"] = (rf"(?:{_cap_alt(full)}(?![a-z])|{_cap_alt(abbr)}(?:\.|(?![a-zA-Z])))")
    # A month on its own must be spelled out or abbreviated with a period.
    f["MONTH_ALONE"] = rf"(?:{_cap_alt(full)}(?![a-z])|{_cap_alt(abbr)}\.)"
    f["WEEKDAY"] = rf"(?:{_cap_alt(wd_full)}(?![a-z]))"
    f["WEEKDAY_ANY"] = rf"(?:{_cap_alt(wd_full)}(?![a-z])|{_cap_alt(wd_abbr)}\.)"
    f["DAYNUM"] = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
    f["DAYWORD"] = rf"(?:{ordinals}|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[\s-]first)"
    f["DAY"] = rf"(?:{f['DAYNUM']}|{f['DAYWORD']})"
    f["YEAR4"] = r"(?:1[0-9]\d\d|20\d\d)(?![\d])"
    f["SPELLED_YEAR"] = (rf"(?:(?:nineteen|eighteen)[\s-](?:(?:{tens})(?:[\s-](?:{ones}))?|{teens}|oh[\s-](?:{ones})|hundred)"
                         rf"|two\s+thousand(?:\s+(?:and\s+)?(?:{teens}|{ones}))?)")
    f["YEAR"] = rf"(?:{f['YEAR4']}|'\d\d(?![\d']))"
    f["NUMWORD"] = numword
    # A quantity of units: digits (with a fraction), number words, vague words.
    f["QUANT"] = (rf"(?:\d+(?:,\d\d\d)*(?:\.\d+)?(?:\s+\d/\d)?|{numword}(?:\s+and\s+a\s+half)?"
                  rf"|a\s+(?:hundred|thousand|dozen)|hundreds\s+of|thousands\s+of|dozens\s+of|"
                  rf"half\s+an?|a\s+half|(?:a\s+)?quarter(?=[\s-]centur(?:y|ies))|an?|a\s+few|a\s+couple\s+of|a\s+couple|couple\s+of|several|few|many|a\s+number\s+of)")
    f["RANGE"] = rf"(?:(?:\d+|{numword})\s+(?:to|or|-)\s+(?:\d+|{numword})|\d+-\d+)"
    f["UNIT"] = (r"(?:(?:trading|business|calendar|working|school)\s+)?"
                 r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|"
                 r"months?|quarters?|years?|decades?|century|centuries|millenni(?:um|a))")
    f["UNIT_SG"] = (r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|quarter|"
                    r"year|decade|century|millennium)")
    f["CAL_UNIT"] = r"(?:week|weekend|month|quarter|year|decade|century)"
    f["SEASON"] = r"(?:spring|summer|fall|autumn|winter)"
    f["POD"] = r"(?:morning|afternoon|evening|night)"
    f["TZ"] = (r"(?:\s+\(?(?-i:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|CEST)\)?"
               r"|\s+local\s+time)")
    f["CLOCK"] = (r"(?:\d{1,2}(?::[0-5]\d)?\s*(?:[ap]\.\s?m\.?|[ap]m(?![a-z]))"
                  r"|\d{1,2}:[0-5]\d(?=\s*(?:[ap]\.?m|o'clock|(?-i:EST|EDT|GMT|PST|PDT|CST|CDT|UTC)))"
                  r"|\d{1,2}\s+o'clock|noon|midnight)")
    f["ORD"] = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
    f["MOD"] = (r"(?:(?:about|around|approximately|roughly|nearly|almost|some|at\s+least|at\s+most|"
                r"more\s+than|less\s+than|fewer\s+than|no\s+more\s+than|no\s+less\s+than|up\s+to|"
                r"well\s+over|(?:over|under)(?!\s+the\b)|"
                r"the\s+better\s+part\s+of|a\s+good\s+part\s+of)\s+)")
    # "end-2025" and "by end of June" (headline and wire style) as well as "the end of"
    f["EDGE"] = (r"(?:(?:early|late|mid|earlier|later|(?:the\s+)?(?:end|beginning|start|middle)\s+of|"
                 r"the\s+rest\s+of|the\s+remainder\s+of|sometime|some\s+time)(?:\s+|-)|end-)")
    # "June of that year", "the spring of the following year": the year is the
    # one the text was last at (_year_of_that_year)
    f["OF_THAT_YEAR"] = r"\s+of\s+(?:that(?:\s+same)?|the\s+(?:same|following|next|previous|preceding|prior))\s+year"
    return f


# --------------------------------------------------------------------------
# Date arithmetic helpers
# --------------------------------------------------------------------------


def _iso_week(d: Date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _quarter(d: Date) -> int:
    return (d.month - 1) // 3 + 1


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + delta
    return n // 12, n % 12 + 1


def _add_quarters(y: int, q: int, delta: int) -> tuple[int, int]:
    n = y * 4 + (q - 1) + delta
    return n // 4, n % 4 + 1


def _season_of(d: Date) -> tuple[int, str]:
    """The season a date falls in; December belongs to the winter of its year."""
    code = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP",
            6: "SU", 7: "SU", 8: "SU", 9: "FA", 10: "FA", 11: "FA"}[d.month]
    year = d.year - 1 if d.month in (1, 2) else d.year
    return year, code


_SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}


def _easter(year: int) -> Date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return Date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> Date:
    """The n-th (1-based; -1 = last) ISO weekday of a month."""
    if n > 0:
        d = Date(year, month, 1)
        d += datetime.timedelta(days=(weekday - d.isoweekday()) % 7)
        return d + datetime.timedelta(weeks=n - 1)
    nxt = Date(*_add_months(year, month, 1), 1) - datetime.timedelta(days=1)
    return nxt - datetime.timedelta(days=(nxt.isoweekday() - weekday) % 7)


def _movable_holiday(name: str, year: int) -> Date | None:
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 4, 4)
    if name.startswith("easter"):
        return _easter(year)
    if name.startswith("good friday"):
        return _easter(year) - datetime.timedelta(days=2)
    if name.startswith("election day"):
        return _nth_weekday(year, 11, 1, 1) + datetime.timedelta(days=1)
    if name.startswith("super tuesday"):
        # the big day of US presidential primaries: the first Tuesday of March
        # in the election years since 2012 (2008's was in February)
        return _nth_weekday(year, 3, 2, 1) if year % 4 == 0 and year >= 2012 else None
    if name.startswith("memorial day"):
        return _nth_weekday(year, 5, 1, -1)
    if name.startswith("labor day"):
        return _nth_weekday(year, 9, 1, 1)
    if name.startswith("mother's day"):
        return _nth_weekday(year, 5, 7, 2)
    if name.startswith("father's day"):
        return _nth_weekday(year, 6, 7, 3)
    fixed = _words("holiday").get(name)
    if fixed:
        month, day = (int(x) for x in fixed.split("-"))
        return Date(year, month, day)
    return None


def _pick_year(month: int, day: int | None, anchor: Date, tense: str) -> int:
    """Year of a month (and day) given without one, seen from ``anchor``.

    Past tense puts it before the anchor ("changed in April", said in
    February, is last April), future tense after it ("will close in
    January").  A date up to two months away in the "wrong" direction keeps
    the anchor's year (deadlines and record dates, "was to expire Nov. 9").  In the
    present tense, or with no verb to go by, the nearest one wins: "payable
    Jan. 2" in November is next January, "worth $130 million in October"
    written in January is last October.
    """
    y = anchor.year
    # financial and court news is full of dates just ahead of publication in
    # past-tense sentences ("set a record date of Nov. 10"): two months' slack
    slack = 62 if day else 1

    def gap(year: int) -> int:
        """Signed distance from the anchor, in days (month: its first day)."""
        if day:
            return (Date(year, month, min(day, 28 if month == 2 else day)) - anchor).days
        return (year * 12 + month) - (anchor.year * 12 + anchor.month)

    if tense == "past":
        return y if gap(y) <= slack else y - 1
    if tense == "future":
        return y if gap(y) >= -slack else y + 1
    unit = 183 if day else 6
    if gap(y) > unit:
        return y - 1
    if gap(y) < -unit:
        return y + 1
    return y


def _shift_weekday(anchor: Date, weekday: int, direction: int) -> Date:
    """The given ISO weekday before (-1) or after (+1) ``anchor``; the anchor
    itself when it falls on that weekday and direction is 0."""
    delta = weekday - anchor.isoweekday()
    if direction < 0:
        return anchor + datetime.timedelta(days=delta if delta < 0 else delta - 7)
    if direction > 0:
        return anchor + datetime.timedelta(days=delta if delta > 0 else delta + 7)
    return anchor + datetime.timedelta(days=delta)


# --------------------------------------------------------------------------
# Parsing pieces of a matched expression
# --------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Lower-case, one space between words, curly quotes straightened."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text.strip().lower())


@functools.lru_cache(maxsize=1)
def _piece_res() -> dict[str, re.Pattern]:
    months = _alt(_words("month"))
    return {
        "month": re.compile(rf"\b({months})\b\.?"),
        "weekday": re.compile(rf"\b({_alt(_words('weekday'))})\b"),
        "year": re.compile(r"(?<![\d$])(1\d{3}|20\d\d)(?!\d)|'(\d\d)(?![\d'])"),
        "daynum": re.compile(r"(?<![\d:/.$])([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:/]|\.\d)"),
        "ordinal": re.compile(rf"\b(?:(twenty|thirty)[\s-])?({_alt(_words('ordinal'))})\b"),
        "season": re.compile(r"\b(spring|summer|fall|autumn|winter)\b"),
        "pod": re.compile(r"\b(morning|afternoon|evening|night|tonight|overnight|midday|"
                          r"mid-?\s?afternoon|mid-?\s?morning)s?\b"),
        "unit": re.compile(r"\b(second|minute|hour|day|night|weekend|week|fortnight|month|"
                           r"quarter|year|decade|centur|millenni)(?:s|y|ies|um|a)?\b"),
    }


def _pod_suffix(s: str) -> str:
    """TIMEX3 time part for the part of day named in ``s``: "TMO" for
    "morning", "T12:00" for "midday", "" when none is named."""
    m = _piece_res()["pod"].search(s)
    return "T" + _words("partofday")[m.group(1)] if m else ""


def _month_of(s: str) -> int | None:
    m = _piece_res()["month"].search(s)
    return int(_words("month")[m.group(1)]) if m else None


def _weekday_of(s: str) -> int | None:
    m = _piece_res()["weekday"].search(s)
    return int(_words("weekday")[m.group(1)]) if m else None


def _year_of(s: str, pivot: int = 1950) -> int | None:
    m = _piece_res()["year"].search(s)
    if m:
        if m.group(1):
            return int(m.group(1))
        yy = int(m.group(2))
        # '89 -> 1989, '05 -> 2005: two-digit years within a century of the pivot
        return 1900 + yy if 1900 + yy >= pivot else 2000 + yy
    return _spelled_year(s)


def _spelled_year(s: str) -> int | None:
    m = re.search(r"\b(nineteen|eighteen)[\s-]+(hundred|oh[\s-]+(\w+)|([a-z]+(?:[\s-][a-z]+)?))", s)
    if m:
        century = 1900 if m.group(1) == "nineteen" else 1800
        if m.group(2) == "hundred":
            return century
        rest = m.group(3) or m.group(4)
        n = _number_words(rest)
        if n is not None and 0 < n < 100:
            return century + int(n)
        return None
    m = re.search(r"\btwo thousand(?:\s+(?:and\s+)?([a-z]+))?", s)
    if m:
        n = _number_words(m.group(1)) if m.group(1) else 0
        return 2000 + int(n or 0)
    return None


def _number_words(s: str | None) -> float | None:
    """Value of spelled-out numbers ("twenty four", "two hundred", "a")."""
    if not s:
        return None
    numbers = _words("number")
    total = 0.0
    current = 0.0
    seen = False
    words = re.split(r"[\s-]+", s.strip())
    for i, w in enumerate(words):
        if w == "and" or (w in ("a", "an") and words[i + 1:i + 2] == ["half"]):
            continue  # "seven and a half": the article of "half" counts nothing
        if w not in numbers:
            return None
        n = float(numbers[w])
        seen = True
        if n == 100:
            current = (current or 1) * 100
        elif n == 1000:
            total += (current or 1) * 1000
            current = 0
        elif n == 0.5:
            current += 0.5
        else:
            current += n
    return total + current if seen else None


def _day_of(s: str) -> int | None:
    """Day of month from digits ("16", "16th") or an ordinal ("eighth")."""
    s2 = _piece_res()["year"].sub(" ", s)
    m = _piece_res()["daynum"].search(s2)
    if m:
        return int(m.group(1))
    m = _piece_res()["ordinal"].search(s)
    if m:
        n = int(_words("ordinal")[m.group(2)])
        if m.group(1):
            n += 20 if m.group(1) == "twenty" else 30
        return n if 1 <= n <= 31 else None
    return None


def _quantity(s: str) -> float | str | None:
    """Number of units in a duration: a float, "X" when vague, None if absent."""
    s = s.replace(",", "")
    num = rf"(?:\d+|{_fragments()['NUMWORD']})"
    tens_ones = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)\b"
    if re.search(rf"\b{num}\s*(?:to|or|-)\s*{num}\b", re.sub(tens_ones, "twenty", s)):
        return "X"  # "two to three weeks", "12 to 18 months" (but "twenty-five years" is one number)
    m = re.search(r"(\d+(?:\.\d+)?)(?:\s+(\d)/(\d))?", s)
    if m:
        n = float(m.group(1))
        if m.group(2):
            n += int(m.group(2)) / int(m.group(3))
        return n
    s = re.sub(rf"\bsome\s+(?={num}\b)", "", s)  # "some two decades": two, not a vague "some"
    vague = _words("vague")
    for phrase in sorted(vague, key=len, reverse=True):
        if re.search(rf"\b{phrase}\b", s):
            value = vague[phrase]
            return "X" if value == "X" else float(value)
    m = re.search(r"\b(hundreds|thousands|dozens) of\b", s)
    if m:
        return "X"
    if re.search(r"\bhalf[\s-](?:a[\s-])?dozen\b", s):
        return 6.0
    if re.search(r"(?<!and )\ba half\b|\bhalf an?\b|^half\b", s):
        return 0.5  # "a half-century", "half an hour"
    if re.search(r"\bquarter[\s-]centur", s):
        return 0.25  # "a quarter-century", "the past quarter-century": 25 years, not a quarter of a year
    numbers = _words("number")
    m = re.search(rf"\b((?:[a-z]+-)*[a-z]+)-{_fragments()['UNIT_SG']}\b", s)
    if m and all(w in numbers or w == "and" for w in m.group(1).split("-")):
        # "a second five-year term", "a new 10-day": the count is the one joined to the unit
        n = _number_words(m.group(1).replace("-", " "))
        if n is not None:
            return n
    words = re.findall(r"[a-z]+", s)
    run: list[str] = []
    for w in words:
        if w in numbers or (w == "and" and run):
            run.append(w)
        elif run:
            break
    while run and run[-1] == "and":
        run.pop()
    if len(run) > 1 and run[0] in ("a", "an") and run[1] not in ("hundred", "thousand", "dozen", "half"):
        run.pop(0)  # "a three-year period"
    if run:
        n = _number_words(" ".join(run))
        if re.search(r"\band a half\b", s) and n is not None and n % 1 == 0:
            n += 0.5
        return n
    return None


_UNIT_STEMS = {"centur": "century", "millenni": "millennium"}


def _unit_of(s: str) -> str | None:
    """TIMEX3 unit code of the last unit word ("TH" for hours, "Y" ...)."""
    found = _piece_res()["unit"].findall(s)
    if not found:
        return None
    return _words("unit")[_UNIT_STEMS.get(found[-1], found[-1])]


def _duration_value(n: float | str | None, unit: str) -> str:
    """P-value of a quantity of units, e.g. (2, "W") -> P2W, (5.5, "TH") -> PT5H30M."""
    if unit == "WE":
        unit, n = "D", (2 * n if isinstance(n, float) else n)
    if unit == "2W":
        unit, n = "W", (2 * n if isinstance(n, float) else n)
    if unit == "E":
        # decades are mostly counted in years ("two decades" -> P20Y,
        # "decades" -> PXY) in the TempEval-3 corpora
        n, unit = ((n if n is not None else 1.0) * 10 if n != "X" else n), "Y"
    if unit in ("C", "L") and isinstance(n, float) and n != int(n):
        n, unit = n * (100 if unit == "C" else 1000), "Y"  # "a half-century" -> P50Y
    time = unit.startswith("T")
    letter = unit[-1]
    prefix = "PT" if time else "P"
    if n is None:
        n = 1.0
    if n == "X":
        return f"{prefix}X{letter}"
    assert isinstance(n, float)
    if n == int(n):
        return f"{prefix}{int(n)}{letter}"
    # fractions: carry the remainder into the next smaller unit
    whole = int(n)
    frac = n - whole
    smaller = {"H": ("M", 60), "M": ("S", 60) if time else ("D", 30), "Y": ("M", 12),
               "D": ("H", 24), "W": ("D", 7)}.get(letter)
    if smaller is None:
        return f"{prefix}{n:g}{letter}"
    sub_letter, factor = smaller
    sub = round(frac * factor)
    head = f"{whole}{letter}" if whole else ""
    if letter == "D" and not time:
        return f"P{head}T{sub}H"
    return f"{prefix}{head}{sub}{sub_letter}"


# --------------------------------------------------------------------------
# Resolution context
# --------------------------------------------------------------------------


# How many sentences the last day a text named stays the day "that day", "a
# day earlier" and "earlier in the day" count from. A story's day is often
# set once and then told over a few paragraphs of quotes ("spent Thursday
# ... The president held a joint meeting in the morning"); on PolNeAR train
# and dev a window of 5 (it was 3) moves 3 such expressions, all to the right
# day; 8 moves two more right but one wrong (a dateline's day for a night
# named in a quote).
DAY_IN_VIEW = 5


@dataclass
class _Ctx:
    """What a handler may use besides the expression text."""

    anchor: Date | None                  # reference date for deictic expressions
    anchor_note: str = ""                # "(published)" / "(narrative)"
    tense: str = "past"                  # past | present | future | nearest (a weekday: the closer one)
    occasion: bool = False               # a holiday naming an occasion ("the Christmas party"): _names_occasion
    possessive: bool = False             # followed by "'s" ("next week's primaries")
    noun_modifier: bool = False          # a single word modifying the noun after it ("summer analysts")
    narrative: bool = False              # no publication date: no "now" to go by
    last_quarter: tuple[int, int] | None = None   # latest quarter mentioned before
    quarter_near: bool = False           # that quarter was in this or the previous sentence
    ref_value: str = ""                  # latest DATE value with a year (anaphora)
    distal_ref: str = ""                 # the same, leaving out "today", "this year", "now" ...
    day_ref: str = ""                    # the last such value that names a day, within DAY_IN_VIEW sentences
    near_ref: str = ""                   # distal_ref when named within the last three sentences
    sentence_day: Date | None = None     # a day-precision date in the same sentence
    recurring: bool = False              # its sentence tells of a recurring time ("every Friday", "weekdays")
    scene_year: int | None = None        # the year its sentence opens with ("In 2012, ..."): _opens_sentence
    defined_by: str = ""                 # "after", "before" or "clause": _defining_phrase
    defined_day: str = ""                # the day that phrase names, moved by it ("the morning after Oct. 14")
    used_anchor: bool = field(default=False)
    text_ref: str = ""                   # what in the text the value was counted from, and why

    def need(self) -> Date | None:
        """The anchor, noting that the value depends on it."""
        self.used_anchor = True
        return self.anchor

    def refer(self, value: str, why: str = "previous date") -> str:
        """Note that the value was counted from ``value``, a time the text
        named (the ``anchor`` column says so instead of the publication date)."""
        self.text_ref = f"{value} ({why})"
        return value


# A handler returns (type, value, precision) or None to reject the match.
_Result = tuple[str, str, str]
_Handler = Callable[[str, _Ctx], "_Result | None"]


def _direction(s: str) -> int | None:
    """-1 for last/past/previous, +1 for next/coming/following, 0 for this."""
    if re.search(r"\b(?:last|past|previous|preceding|prior|ago|earlier|before)\b", s):
        return -1
    if re.search(r"\b(?:next|coming|following|from now|hence|after|upcoming)\b", s):
        return 1
    if re.search(r"\b(?:this|current|present|same)\b", s):
        return 0
    return None


# ---- handlers --------------------------------------------------------------


def _h_clock(s: str, ctx: _Ctx) -> _Result | None:
    hour = minute = None
    if "noon" in s or "midday" in s:
        hour, minute = 12, 0
    elif "midnight" in s:
        hour, minute = 24, 0
    else:
        m = re.search(r"(\d{1,2})(?::(\d\d))?\s*(?:([ap])\.?\s?m\b|o'clock|in the (morning|afternoon|evening|night))", s)
        if not m:
            m = re.search(r"(\d{1,2}):(\d\d)", s)
            if not m:
                return None
        hour = int(m.group(1))
        minute = int(m.group(2) or 0)
        ampm = m.group(3) if m.lastindex and m.lastindex >= 3 else None
        part = m.group(4) if m.lastindex and m.lastindex >= 4 else None
        if ampm == "p" and hour < 12:
            hour += 12
        if ampm == "a" and hour == 12:
            hour = 0
        if part in ("afternoon", "evening") and hour < 12:
            hour += 12
        if part == "night" and 6 <= hour < 12:
            hour += 12
        if hour > 24 or minute > 59:
            return None
    day = _day_part(s, ctx)
    clock = f"T{hour:02d}:{minute:02d}"
    if day is None:
        return "TIME", f"XXXX-XX-XX{clock}", "time"
    return "TIME", f"{day}{clock}", "time"


def _day_part(s: str, ctx: _Ctx) -> str | None:
    """The calendar day a clock time or part of day belongs to, as YYYY-MM-DD."""
    rest = re.sub(r"\d{1,2}(:\d\d)?\s*(?:[ap]\.?\s?m\.?|o'clock)", " ", s)
    if _month_of(rest):
        r = _h_date(rest, ctx)
        if r and len(r[1]) >= 10:
            return r[1][:10]
    if _weekday_of(rest):
        r = _h_weekday(rest, ctx)
        if r:
            return r[1][:10]
    for word, delta in (("yesterday", -1), ("tomorrow", 1), ("today", 0), ("tonight", 0)):
        if word in rest:
            a = ctx.need()
            return (a + datetime.timedelta(days=delta)).isoformat() if a else None
    if day := _sentence_day(ctx):
        return day
    if ctx.recurring:
        return None  # "airs weekdays from 6 a.m. to 9 a.m.": a time of any such day
    a = ctx.need()
    return a.isoformat() if a else None


def _sentence_day(ctx: _Ctx) -> str | None:
    """The day the sentence names elsewhere, noted as what the value was counted from."""
    if ctx.sentence_day is None:
        return None
    return ctx.refer(ctx.sentence_day.isoformat(), "same sentence")


def _scene_year(rest: str, ctx: _Ctx) -> int | None:
    """The year a sentence opens with, for a month or day in it that names
    none and no relative word ("In 2008, the campaign began airing ads in
    mid-September": 2008-09). A year in passing ("was extradited in 2014
    and pleaded guilty in May") sets no scene."""
    if ctx.scene_year is None or re.search(r"\b(?:last|next|this|past|previous|coming|year)\b", rest):
        return None
    return int(ctx.refer(str(ctx.scene_year), "same sentence"))


def _opens_sentence(doc: Doc, span: Span) -> bool:
    """Whether a year opens its sentence as a scene-setting phrase: "In 2012,",
    "But in 2012,"."""
    before = [t for t in doc[span.sent.start:span.start] if not t.is_punct]
    words = [t.lower_ for t in before]
    if words[:1] in (["but"], ["and"], ["yet"], ["so"]):
        words = words[1:]
    return words == ["in"] and span.end < len(doc) and doc[span.end].text == ","


def _year_of_that_year(s: str, ctx: _Ctx) -> int | None:
    """The year of "June of that year", "the spring of the following year": the
    year of the last date the text named (not a "today" or "this year"), moved
    by "following" or "previous"; None without such a phrase or such a date."""
    m = re.search(_fragments()["OF_THAT_YEAR"] + "$", s)
    ref = re.match(r"\d{4}", ctx.distal_ref) if m else None
    if ref is None:
        return None
    ctx.refer(ctx.distal_ref)
    return int(ref.group()) + (_direction(m.group()) or 0)


def _year_named(s: str, a: Date) -> int | None:
    """The year "this year", "last year" or "next year" in ``s`` names, from the anchor ``a``."""
    m = re.search(r"\b(this|current|last|next) year\b", s)
    return a.year + {"this": 0, "current": 0, "last": -1, "next": 1}[m.group(1)] if m else None


def _quarter_ref(ctx: _Ctx) -> tuple[int, int] | None:
    """The quarter under discussion, noted as what the value was counted from."""
    if ctx.last_quarter:
        ctx.refer("{}-Q{}".format(*ctx.last_quarter), "quarter under discussion")
    return ctx.last_quarter


def _h_date(s: str, ctx: _Ctx) -> _Result | None:
    """Calendar dates with a month name: "Oct. 16, 2025", "16 October", "March eighth"."""
    month = _month_of(s)
    if month is None:
        return None
    rest = _piece_res()["month"].sub(" ", s, count=1)
    year = _year_of(rest)
    rest_noyear = _piece_res()["year"].sub(" ", rest)
    day = _day_of(rest_noyear)
    if day is None:
        return _h_month(s, ctx)
    year = year or _year_of_that_year(s, ctx) or _scene_year(rest, ctx)
    if year is None:
        a = ctx.need()
        if a is None:
            return "DATE", f"XXXX-{month:02d}-{day:02d}", "day"
        year = _year_named(rest, a)  # "June 16th of last year"
        if year is None:
            tense = ("past" if re.match(r"last\b", s) else "future" if re.match(r"next\b", s)
                     else ctx.tense)
            year = a.year if ctx.narrative else _pick_year(month, day, a, tense)
    try:
        d = Date(year, month, day)
    except ValueError:
        return None
    return "DATE", d.isoformat(), "day"


def _h_month(s: str, ctx: _Ctx) -> _Result | None:
    """A month, possibly with a year or a relative word: "June", "last April",
    "January this year", "early December", "July 1988"."""
    month = _month_of(s)
    if month is None:
        return None
    rest = _piece_res()["month"].sub(" ", s, count=1)
    year = _year_of(rest) or _year_of_that_year(s, ctx) or _scene_year(rest, ctx)
    if year is None:
        a = ctx.need()
        if a is None:
            return "DATE", f"XXXX-{month:02d}", "month"
        named = _year_named(rest, a)
        if named is not None:
            year = named
        elif re.search(r"\b(?:last|past|previous)\b", rest):
            year = a.year if month < a.month else a.year - 1
        elif re.search(r"\b(?:next|coming)\b", rest):
            year = a.year if month > a.month else a.year + 1
        elif re.search(r"\bthis\b", rest) or ctx.narrative:
            year = a.year
        else:
            year = _pick_year(month, None, a, ctx.tense)
    if re.search(r"\beach\b|\bevery\b", s):
        return "SET", f"XXXX-{month:02d}", ""
    return "DATE", f"{year:04d}-{month:02d}", "month"


def _h_numeric_date(s: str, ctx: _Ctx) -> _Result | None:
    """Numeric dates: ISO "2025-10-16", "10/16/2025", "16/10/2025" (dateparser)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", s)
    if m:
        try:
            return "DATE", Date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), "day"
        except ValueError:
            return None
    return _dateparser_day(s)


@functools.lru_cache(maxsize=4096)
def _dateparser_day(text: str) -> _Result | None:
    """dateparser on an absolute date candidate (day, month and year all
    given); month-first when ambiguous (US news convention), day-first when
    the first number cannot be a month.  Cached: candidates repeat."""
    import dateparser  # slow to import; only documents with such dates pay for it

    first = re.match(r"(\d{1,2})\D", text)
    order = "DMY" if first and int(first.group(1)) > 12 else "MDY"
    parsed = dateparser.parse(
        text, languages=["en"],
        settings={"DATE_ORDER": order, "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return ("DATE", parsed.date().isoformat(), "day") if parsed else None


def _h_year(s: str, ctx: _Ctx) -> _Result | None:
    """Years: "1988", "fiscal 1989", "mid-1990", "the end of 1989", "the year two
    thousand", "the last half of 1989" (-> 1989-H2)."""
    year = _year_of(s)
    m = re.fullmatch(r"fy ?(\d\d)", s)
    if m:
        year = _year_of(f"'{m.group(1)}")  # "FY25": the fiscal year named by its last two digits
    if year is None:
        return None
    if re.search(r"\b(?:first|1st) half\b|\bfirst two quarters\b|\bfirst six months\b", s):
        return "DATE", f"{year}-H1", "year"
    if re.search(r"\b(?:second|2nd|last|latter) half\b|\blast two quarters\b|\blast six months\b", s):
        return "DATE", f"{year}-H2", "year"
    return "DATE", f"{year:04d}", "year"


def _h_decade(s: str, ctx: _Ctx) -> _Result | None:
    """Decades: "the 1990s" -> 199, "the '80s" -> 198, "the nineties" -> 199."""
    m = re.search(r"(\d{3})0s|'(\d)0s|\b(\d)0s", s)
    if m:
        if m.group(1):
            return "DATE", m.group(1), "decade"
        digit = m.group(2) or m.group(3)
        return "DATE", f"19{digit}", "decade"
    names = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
             "seventies": 7, "eighties": 8, "nineties": 9}
    for name, digit in names.items():
        if name in s:
            century = "18" if "eighteen" in s else "19"
            return "DATE", f"{century}{digit}", "decade"
    return None


def _h_century(s: str, ctx: _Ctx) -> _Result | None:
    """Centuries: "the 20th century" -> 19, "this century" -> the anchor's."""
    m = re.search(r"(\d{1,2})(?:st|nd|rd|th)", s)
    if m:
        return "DATE", f"{int(m.group(1)) - 1:02d}", "century"
    m = _piece_res()["ordinal"].search(s)
    if m and not re.search(r"\b(?:this|last|next|past|previous)\b", s):
        n = int(_words("ordinal")[m.group(2)]) + (20 if m.group(1) == "twenty" else 0)
        return "DATE", f"{n - 1:02d}", "century"
    a = ctx.need()
    if a is None:
        return None
    c = a.year // 100 + (_direction(s) or 0)
    return "DATE", f"{c:02d}", "century"


def _h_quarter(s: str, ctx: _Ctx) -> _Result | None:
    """Quarters: "the third quarter (of 1989)", "third-quarter", "the year-ago
    quarter", "the latest quarter", "last year's fourth quarter"."""
    q = None
    m = re.search(r"\b(first|second|third|fourth|final|1st|2nd|3rd|4th)\b[\s-]*(?:fiscal[\s-]+)?(?:quarter|period)", s)
    if m:
        q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4, "final": 4}[m.group(1)]
    else:
        m = re.search(r"\bq([1-4])\b|\b([1-4])q\b", s)  # "Q3 2025", "3Q"
        if m:
            q = int(m.group(1) or m.group(2))
    year = _year_of(s)
    a = ctx.need()
    year_ago = bool(re.search(r"year[\s-](?:ago|earlier)|\blast year\b|\bprevious year\b|"
                              r"\bprior[\s-]year\b|a year (?:ago|earlier)", s))
    if year is None and year_ago:
        if ctx.last_quarter:
            ry, rq = _quarter_ref(ctx)
            return "DATE", f"{ry - 1}-Q{q or rq}", "quarter"
        if a is None:
            return None
        if q is None:
            y, qq = _add_quarters(a.year, _quarter(a), -1)
            return "DATE", f"{y - 1}-Q{qq}", "quarter"
        return "DATE", f"{a.year - 1}-Q{q}", "quarter"
    if year is None and re.search(r"\bnext year\b", s) and a:
        year = a.year + 1
    if year is None and re.search(r"\bthis year\b", s) and a:
        year = a.year
    if q is None:
        # "the quarter", "the latest quarter", "this quarter", "that quarter"
        if a is None:
            return None
        d = _direction(s)
        if re.search(r"\b(?:latest|most recent|just[\s-]ended|recent)\b", s):
            # the quarter under discussion, else the last one that has ended
            y, q = _quarter_ref(ctx) or _add_quarters(a.year, _quarter(a), -1)
        elif re.search(r"\b(?:this|current|present)\b", s):
            y, q = a.year, _quarter(a)
        elif re.search(r"\b(?:last|previous|prior|preceding)\b", s):
            y, q = _add_quarters(a.year, _quarter(a), -1)
            if ctx.last_quarter and re.search(r"\b(?:previous|prior|preceding)\b", s):
                y, q = _add_quarters(*_quarter_ref(ctx), -1)
        elif d == 1:
            y, q = _add_quarters(a.year, _quarter(a), 1)
        elif ctx.last_quarter:
            y, q = _quarter_ref(ctx)
        else:
            y, q = _add_quarters(a.year, _quarter(a), -1)
        if year is not None:
            y = year
        return "DATE", f"{y}-Q{q}", "quarter"
    if year is None:
        if a is None:
            return "DATE", f"XXXX-Q{q}", "quarter"
        if ctx.narrative:
            year = a.year
        else:
            cur = _quarter(a)
            year = a.year
            if ctx.tense == "future" and q < cur - 1:
                year += 1
            elif ctx.tense == "past" and q > cur:
                year -= 1
    return "DATE", f"{year}-Q{q}", "quarter"


def _h_half(s: str, ctx: _Ctx) -> _Result | None:
    year = _year_of(s)
    a = ctx.need()
    if year is None:
        if a is None:
            return None
        year = a.year + (_direction(s.replace("last half", "")) or 0)
    half = 1 if re.search(r"\bfirst\b|\bh1\b|\b1h\b", s) else 2
    return "DATE", f"{year}-H{half}", "year"


def _h_season(s: str, ctx: _Ctx) -> _Result | None:
    m = _piece_res()["season"].search(s)
    if not m:
        return None
    code = _words("season")[m.group(1)]
    if re.search(r"\b(?:each|every)\b", s):
        return "SET", f"XXXX-{code}", ""
    if ctx.noun_modifier and s == m.group(1):
        # a bare season modifying a noun is a kind of thing, not a time: "a
        # summer associate", "their summer analysts", "a cold winter night",
        # "a summer event that previously helped"; no year to give it
        return "DATE", f"XXXX-{code}", ""
    year = _year_of(s) or _year_of_that_year(s, ctx)
    if year is None and ctx.defined_by:
        # "the summer after the 2012 loss": the season next to a year the
        # text names, not the anchor's (that year's or the next)
        return "DATE", f"XXXX-{code}", ""
    if year is None:
        a = ctx.need()
        if a is None:
            return "DATE", f"XXXX-{code}", "season"
        cur_year, cur = _season_of(a)
        d = _direction(s)
        order = _SEASON_ORDER[code]
        if d == -1:
            year = cur_year if order < _SEASON_ORDER[cur] else cur_year - 1
        elif d == 1:
            year = cur_year if order > _SEASON_ORDER[cur] else cur_year + 1
        elif d == 0 or ctx.narrative:
            year = cur_year
        elif ctx.tense == "past":
            year = cur_year if order <= _SEASON_ORDER[cur] else cur_year - 1
        elif ctx.tense == "future":
            year = cur_year if order >= _SEASON_ORDER[cur] else cur_year + 1
        else:
            year = cur_year
    return "DATE", f"{year}-{code}", "season"


def _h_relative(s: str, ctx: _Ctx) -> _Result | None:
    """this/last/next + calendar unit: "last week", "this year", "next month",
    "earlier this year", "the past year", "the weekend", "year-end"."""
    if _month_of(s):
        # "the week of March 6"
        r = _h_date(s, ctx)
        if r and re.fullmatch(r"\d{4}-\d\d-\d\d", r[1]):
            return "DATE", _iso_week(Date.fromisoformat(r[1])), "week"
        return r
    if ctx.tense == "past" and ctx.distal_ref and not ctx.possessive \
            and re.fullmatch(r"the next (?:week|month|year)", s):
        # "challenged it in elections the next year", "The next month, a
        # former staffer sued": told in the past, the one after the time the
        # text is at, as "the following year" is; "over the next year" ahead
        # of a future verb, or "the next week's primaries" (a possessive reads
        # as past whatever the verb), stays the one after the anchor
        return _h_anaphoric(s, ctx)
    a = ctx.need()
    if a is None:
        return None
    # "earlier this month" is this month: the edge word only narrows it
    core = re.sub(r"^(?:early|late|mid|earlier|later|(?:the )?(?:end|beginning|start|middle) of|"
                  r"the rest of|the remainder of|sometime|some time)[\s-]+(?:in\s+)?", "", s)
    d = _direction(core) or 0
    unit = _unit_of(s)
    if unit in ("Y",) or "year" in s:
        if re.search(r"year[\s-]?end|year's end|end of (?:the|this) year", s) and d == 0:
            return "DATE", f"{a.year}", "year"
        return "DATE", f"{a.year + d}", "year"
    if unit == "M":
        y, m = _add_months(a.year, a.month, d)
        return "DATE", f"{y}-{m:02d}", "month"
    if unit == "WE":
        # an ISO week runs Monday to Sunday and its weekend is its end: from a
        # weekday, the weekend just past is last week's and the coming one is
        # this week's; on a Saturday or Sunday "this weekend" is the one under way
        if d == 0 and a.isoweekday() < 6 and ctx.tense != "future":
            d = -1
        return "DATE", f"{_iso_week(a + datetime.timedelta(weeks=d))}-WE", "week"
    if unit == "W":
        return "DATE", _iso_week(a + datetime.timedelta(weeks=d)), "week"
    if unit == "Q":
        y, q = _add_quarters(a.year, _quarter(a), d)
        return "DATE", f"{y}-Q{q}", "quarter"
    if unit in ("E", "C") and re.match(r"(?:the\s+)?past\s", core):
        # "over the past decade" is the ten years up to the anchor, as "the
        # past ten years" is, not the calendar decade before it (in 2016 it
        # is not the 2000s); "the last decade" stays the calendar one.
        # Valued as "a decade" and "a century" are (P10Y, P1C)
        return "DURATION", _duration_value(1.0, unit), ""
    if unit == "E":
        return "DATE", f"{a.year // 10 + d}", "decade"
    if unit == "C":
        return "DATE", f"{a.year // 100 + d:02d}", "century"
    if unit == "D":
        return "DATE", (a + datetime.timedelta(days=d)).isoformat(), "day"
    return None


# A fractional count of a unit, in a smaller one: years as months, decades
# and centuries as years.  (Months are counted in days and answered as a week;
# weeks and days keep their unit: "three and a half weeks ago" is a week.)
_FINER_UNIT = {"Y": ("M", 12), "E": ("Y", 10), "C": ("Y", 100)}


def _told_time(ctx: _Ctx, unit: str) -> Date | None:
    """What "two days earlier" and "four years later" count from: the last
    date the text named in the last three sentences ("lost the state in 2008
    ... four years later" -> 2012), if it is precise enough for the unit (a day
    for days and weeks, counted from the last day named within DAY_IN_VIEW
    sentences; a month for months); None without one.  "Ago" counts
    from the publication date; these count from the time the story is at.  A
    date still to come is not where a past or present clause is at ("the
    April 5 primary ... A day earlier, six protesters were arrested")."""
    need = "D" if unit in ("D", "W", "WE", "2W") else "M" if unit == "M" else "Y" if unit in ("Y", "E", "C") else ""
    ref = ctx.day_ref if need == "D" else ctx.near_ref if need else ""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", ref)
    if not m or need == "M" and not m.group(2):
        return None
    told = period_of(ref)[0]
    if ctx.anchor is not None and told > ctx.anchor and ctx.tense != "future":
        return None
    ctx.refer(ref)
    return told


def _h_ago(s: str, ctx: _Ctx) -> _Result | None:
    """n units ago / earlier / from now: "two weeks ago" -> that ISO week,
    "10 days ago" -> that day, "a year earlier" -> that year (or the same
    quarter a year before when a quarter is being discussed)."""
    unit = _unit_of(s)
    if unit is None:
        return None
    n = _quantity(re.sub(r"\b(?:ago|earlier|later|before|from now|hence|or so)\b", " ", s))
    sign = -1 if re.search(r"\b(?:ago|earlier|before)\b", s) else 1
    if n is None and re.search(r"\b(?:years|months|weeks|days|decades|centuries|hours)\b", s):
        # "years ago", "months from now": some time back or ahead, no count to go by
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", ""
    if n is None:
        n = 1.0
    if unit == "Y" and n == 1.0 and ctx.last_quarter and ctx.quarter_near and sign < 0:
        y, q = _quarter_ref(ctx)
        return "DATE", f"{y - 1}-Q{q}", "quarter"
    relative = re.search(r"\b(?:earlier|later)\b", s) is not None
    a = _told_time(ctx, unit) if relative and n != "X" else None
    if a is None and "later" in s:
        # "three years later" with no time in view to count from: a stretch
        return "DURATION", _duration_value(n, unit), ""
    if a is None:
        a = ctx.need()
    if a is None:
        return None
    if n == "X":
        if sign > 0:
            return "DATE", "FUTURE_REF", ""  # "many years from now"
        if unit == "Y":
            if re.search(r"\b(?:many|several|numerous|countless)\b", s):
                # "many years ago", "several years ago": not the last decade
                # (nor, by three to nine years, always this one)
                return "DATE", "PAST_REF", ""
            return "DATE", f"{str(a.year - 2)[:3]}X", "decade"
        if unit == "M":
            return "DATE", f"{a.year}-XX", "year"
        if unit == "W":
            return "DATE", f"{a.year}-WXX", "year"
        if unit == "D":
            return "DATE", f"{a.year}-{a.month:02d}-XX", "month"
        if unit == "E":
            return "DATE", f"{str(a.year)[:2]}XX", "century"
        if unit in ("TH", "TM", "TS"):
            # "a few minutes ago": still the anchor's day; "a few hours earlier"
            # than some other moment: only the direction is known
            return ("DATE", a.isoformat(), "day") if "ago" in s else ("DATE", "PAST_REF", "")
        return None
    assert isinstance(n, float)
    if n != int(n) and unit in _FINER_UNIT:
        # "two and a half years ago", "half a century ago": count in the next
        # smaller unit and answer at its granularity, not a rounded whole
        unit, factor = _FINER_UNIT[unit]
        n = n * factor
    if n != int(n) and unit == "M":
        # "a month and a half ago": some 45 days back, a week's precision
        return "DATE", _iso_week(a + datetime.timedelta(days=round(n * 30) * sign)), "week"
    k = int(round(n)) * sign
    if unit == "Y":
        return "DATE", f"{a.year + k}", "year"
    if unit == "E":
        return "DATE", f"{a.year + 10 * k}", "year"
    if unit == "C":
        return "DATE", f"{a.year // 100 + k:02d}", "century"
    if unit == "M":
        y, m = _add_months(a.year, a.month, k)
        return "DATE", f"{y}-{m:02d}", "month"
    if unit == "Q":
        y, q = _add_quarters(a.year, _quarter(a), k)
        return "DATE", f"{y}-Q{q}", "quarter"
    if unit in ("W", "WE", "2W"):
        mult = 2 if unit == "2W" else 1
        return "DATE", _iso_week(a + datetime.timedelta(weeks=k * mult)), "week"
    if unit == "D":
        return "DATE", (a + datetime.timedelta(days=k)).isoformat(), "day"
    if unit == "TH":
        dt = datetime.datetime.combine(a, datetime.time(12)) + datetime.timedelta(hours=k)
        return "TIME", dt.strftime("%Y-%m-%dT%H"), "time"
    if unit in ("TM", "TS") and "ago" in s:
        return "DATE", a.isoformat(), "day"  # "20 minutes ago": the anchor's day
    return None


def _h_duration(s: str, ctx: _Ctx) -> _Result | None:
    """Amounts of time: "three years", "a 10-hour", "the past two months",
    "the first nine months", "several weeks", "recent years", "decades-long"."""
    unit = _unit_of(s)
    if unit is None:
        return None
    s2 = re.sub(r"\b(?:the|past|last|next|first|previous|coming|following|final|latest|"
                r"remaining|entire|full|whole|year-earlier|year-ago|additional|more|straight|"
                r"consecutive|long|recent)\b", " ", s)
    n = _quantity(s2)
    if n is None:
        plural = re.search(r"(?:seconds|minutes|hours|days|nights|weeks|months|quarters|years|"
                           r"decades|centuries|millennia)\b", s)
        n = "X" if plural else 1.0
    return "DURATION", _duration_value(n, unit), ""


def _h_set(s: str, ctx: _Ctx) -> _Result | None:
    """Recurrences: "daily", "every week", "each Thursday", "Tuesday nights",
    "a year" (as in "$5 a year"), "every two years"."""
    sets = _words("set")
    if s in sets:
        return "SET", sets[s], ""
    wd = _weekday_of(re.sub(r"days\b", "day", s))  # "Fridays" too
    if wd:
        return "SET", f"XXXX-WXX-{wd}{_pod_suffix(s)}", ""
    month = _month_of(s)
    if month:
        return "SET", f"XXXX-{month:02d}", ""
    unit = _unit_of(s)
    if unit is None:
        return None
    # "three times a year" recurs every year: the count is a frequency, not the period
    s = re.sub(r"^(?:once|twice|\S+ times) ", "", s)
    n = _quantity(re.sub(r"\b(?:every|each|per|a|an)\b", " ", s))
    return "SET", _duration_value(n if n is not None else 1.0, unit), ""


def _h_dayrel(s: str, ctx: _Ctx) -> _Result | None:
    """today / yesterday / tomorrow / tonight, with parts of day:
    "yesterday morning" -> YYYY-MM-DDTMO, "last night", "this morning"."""
    a = ctx.need()
    if a is None:
        return None
    delta = 0
    if "day before yesterday" in s:
        delta = -2
    elif "day after tomorrow" in s:
        delta = 2
    elif "yesterday" in s or re.search(r"\blast night\b", s):
        delta = -1
    elif "tomorrow" in s:
        delta = 1
    elif "overnight" in s and not re.search(r"\btonight\b", s):
        delta = -1
    d = a + datetime.timedelta(days=delta)
    suffix = _pod_suffix(s)
    if suffix:
        return "TIME", f"{d.isoformat()}{suffix}", "time"
    return "DATE", d.isoformat(), "day"


def _h_day_shift(s: str, ctx: _Ctx) -> _Result | None:
    """The day next to a named day: "the day before last Tuesday", "the day after Oct. 12"."""
    m = re.match(r"(?:the )?day (before|after) ", s)
    if not m:
        return None
    rest = s[m.end():]
    r = (_h_date if _month_of(rest) else _h_weekday)(rest, ctx)
    if not r:
        return None
    step = -1 if m.group(1) == "before" else 1
    value = r[1]
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "DATE", (Date.fromisoformat(value) + datetime.timedelta(days=step)).isoformat(), "day"
    if re.fullmatch(r"XXXX-\d\d-\d\d", value):  # no year known: count in a common year
        d = Date.fromisoformat("2001" + value[4:]) + datetime.timedelta(days=step)
        return "DATE", f"XXXX-{d.month:02d}-{d.day:02d}", "day"
    if re.fullmatch(r"XXXX-WXX-[1-7]", value):
        return "DATE", f"XXXX-WXX-{(int(value[-1]) - 1 + step) % 7 + 1}", "day"
    return "DATE", "", ""


def _named_event(doc: Doc, span: Span, r: _Result) -> _Result:
    """"the Sept. 11 attacks" happened in 2001, whatever the anchor says."""
    event = _words("event").get(r[1][5:])
    if event is None or span.end >= len(doc):
        return r
    year, *nouns = event.split()
    if doc[span.end].lower_ in nouns:
        return "DATE", f"{year}{r[1][4:]}", "day"
    return r


def _h_pod(s: str, ctx: _Ctx) -> _Result | None:
    """A part of day on its own: "this morning", "the morning", "midday"."""
    suffix = _pod_suffix(s)
    if not suffix:
        return None
    if ctx.defined_by:
        # "the morning after the Oct. 14 vote": the day after the day that
        # phrase names; "the morning after the debate", "The morning Mr. X
        # unveiled the plan": some other day than the anchor's, not named here
        return "TIME", f"{ctx.defined_day or 'XXXX-XX-XX'}{suffix}", "time"
    if re.search(r"\bthe (?:morning|afternoon|evening)$", s) and ctx.sentence_day is None \
            and (day := _past_day_in_view(ctx)):
        # "Later in the evening, he flew home" after "On Friday, he spoke":
        # told in the past, the morning or evening of the (past) day the text is at
        return "TIME", f"{day}{suffix}", "time"
    return "TIME", f"{_day_part(s, ctx) or 'XXXX-XX-XX'}{suffix}", "time"


def _defining_phrase(doc: Doc, span: Span) -> tuple[str, list[int]]:
    """The phrase that says which day "the morning" or which year "the summer"
    is: "the morning after the debate", "the summer before the 2012 loss"
    (kind "after" or "before"), "The morning Mr. Obama unveiled the plan"
    (kind "clause"). Returns the kind and the phrase's token indices, or
    ("", []) for a time the anchor or the text around it tells."""
    if span.end >= len(doc) or span[0].lower_ != "the":
        return "", []
    nxt = doc[span.end]
    if nxt.lower_ in ("after", "before"):
        if span.end + 1 < len(doc) and doc[span.end + 1].lower_ in ("last", "next"):
            return "", []  # "the summer before last": counted from the anchor
        phrase = nxt.head if nxt.dep_ == "mark" else nxt  # "after [the scandal broke]"
        tokens = [t.i for t in phrase.subtree if t.i >= span.end]
        if len(tokens) < 2:
            return "", []  # "the morning before": the day before the one in view
        return nxt.lower_, tokens
    root = span.root
    if nxt.is_punct:
        return "", []  # "in the spring, when the story broke": a season already known, described
    clause = next((c for c in root.children if c.dep_ == "relcl" and c.i >= span.end), None)
    if clause is None and root.dep_ == "npadvmod" and root.head.dep_ in ("advcl", "relcl", "ccomp") \
            and root.head.i > span.end \
            and any(c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i == span.end for c in root.head.children):
        clause = root.head  # "The morning [Mr. Obama unveiled the plan], he summoned"
    if clause is None:
        return "", []
    return "clause", [t.i for t in clause.subtree if t.i >= span.end]


_YEAR_TOKEN = re.compile(r"(?:1[6-9]|20)\d\d")


def _day_defined(ctx: _Ctx, phrase: list[int], results: dict, doc: Doc, span: Span) -> str:
    """The day a part of day's defining phrase names, moved by it: the day
    after "the Oct. 14 vote", the day before "Tuesday's debate", the day of
    "when the dam burst on Oct. 2"; else the day right before it in apposition
    ("Wednesday, the morning after she won"); else "" (no day named)."""
    def day_of(r: _Result | None) -> str:
        return r[1][:10] if r and r[2] in ("day", "time") and re.fullmatch(r"\d{4}-\d\d-\d\d", r[1][:10]) else ""

    inside = set(phrase)
    named = next((day for r, _, ts, _te in results.values() if ts in inside and (day := day_of(r))), "")
    if named:
        step = {"after": 1, "before": -1}.get(ctx.defined_by, 0)
        ctx.refer(named, f"the {span[-1].lower_} {ctx.defined_by if step else 'of'}")
        return (Date.fromisoformat(named) + datetime.timedelta(days=step)).isoformat()
    before = span.start - 1
    while before >= 0 and doc[before].is_punct:
        before -= 1
    if before < span.start - 1:
        beside = next((day for r, _, _ts, te in results.values() if te == before + 1 and (day := day_of(r))), "")
        if beside:
            return ctx.refer(beside, "same sentence")
    return ""


def _past_day_in_view(ctx: _Ctx) -> str | None:
    """Told in the past, the day the text named last (within DAY_IN_VIEW sentences)
    unless it is after the anchor; noted as what the value was counted from."""
    if ctx.tense == "past" and ctx.day_ref and (ctx.anchor is None or ctx.day_ref <= ctx.anchor.isoformat()):
        return ctx.refer(ctx.day_ref)
    return None


def _h_in_the_day(s: str, ctx: _Ctx) -> _Result | None:
    """"later in the day", "earlier in the evening": the day being reported on
    (or a part of it), not a stretch of days. That is the day its sentence
    names; else, told in the past, the (past) day the text named last
    ("vied for votes Wednesday. ... During a speech earlier in the day, he
    attacked"); else the anchor."""
    day = _sentence_day(ctx) or _past_day_in_view(ctx)
    if day is None:
        a = ctx.need()
        if a is None:
            return None
        day = a.isoformat()
    if s.lower().endswith("day"):
        return "DATE", day, "day"
    return "TIME", f"{day}{_pod_suffix(s)}", "time"


def _h_weekday(s: str, ctx: _Ctx) -> _Result | None:
    """Weekdays, resolved by tense: "Friday", "last Monday", "next Thursday",
    "Tuesday morning" (TIME, ...TMO)."""
    wd = _weekday_of(s)
    if wd is None:
        return None
    a = ctx.need()
    suffix = _pod_suffix(s)
    if re.search(r"\bthe (?:previous|preceding|following)\b", s) and re.fullmatch(r"\d{4}-\d\d-\d\d", ctx.ref_value):
        # "the previous Friday" counts from the day last talked about
        a = Date.fromisoformat(ctx.refer(ctx.ref_value))
    if a is None:
        return ("TIME" if suffix else "DATE"), f"XXXX-WXX-{wd}{suffix}", ("time" if suffix else "day")
    if re.search(r"\blast\b|\bpast\b|\bprevious\b|\bpreceding\b", s):
        d = _shift_weekday(a, wd, -1)
    elif re.search(r"\bnext\b|\bcoming\b|\bfollowing\b", s):
        d = _shift_weekday(a, wd, 1)
    elif re.search(r"\bthis\b", s):
        d = _shift_weekday(a, wd, 0)
    elif a.isoweekday() == wd:
        d = a
    elif ctx.tense == "nearest":
        back, ahead = _shift_weekday(a, wd, -1), _shift_weekday(a, wd, 1)
        d = back if a - back <= ahead - a else ahead
    elif ctx.tense in ("future", "present"):
        # "meets Monday", "is to resume trading Tuesday": the coming one
        d = _shift_weekday(a, wd, 1)
    else:
        d = _shift_weekday(a, wd, -1)
    if suffix:
        return "TIME", f"{d.isoformat()}{suffix}", "time"
    return "DATE", d.isoformat(), "day"


def _h_ref(s: str, ctx: _Ctx) -> _Result | None:
    refs = _words("ref")
    value = refs.get(s)
    if value is None:
        for phrase, v in refs.items():
            if re.search(rf"\b{re.escape(phrase)}\b", s):
                value = v
                break
    if value is None:
        return None
    return "DATE", value, ""


def _h_past_ref(s: str, ctx: _Ctx) -> _Result | None:
    return "DATE", "PAST_REF", ""


def _h_future_ref(s: str, ctx: _Ctx) -> _Result | None:
    return "DATE", "FUTURE_REF", ""


def _h_ordinal_day(s: str, ctx: _Ctx) -> _Result | None:
    """"the eighth day (of the strike)": a DATE; in the present tense ("it is
    the second day of ...") it is the reference day itself."""
    if ctx.tense == "present":
        a = ctx.need()
        if a is not None:
            return "DATE", a.isoformat(), "day"
    return "DATE", "XXXX-XX-XX", ""


def _h_holiday(s: str, ctx: _Ctx) -> _Result | None:
    """Holidays: "Thanksgiving", "last Christmas", "Easter week", "Election
    Day 2024"; movable feasts are computed for the year the tense points to."""
    name = re.sub(r"^(?:last|next|this|the|on)\s+", "", s)
    year = _year_of(name)
    base = re.sub(r"\s*\d{4}$|,", "", name).strip()
    span = re.search(r"\s+(week|weekend)$", base)
    key = base[:span.start()] if span else base
    if year is None:
        a = ctx.need()
        if a is None:
            return None
        if key == "super tuesday":
            return _super_tuesday(s, ctx, a)
        d = _direction(s)
        probe = _movable_holiday(key, a.year)
        if probe is None:
            return None
        near = _near_occasion(key, a) if ctx.occasion and d is None else None
        # a week's slack: "as Easter week began" on the Monday of Holy Week
        if near is not None:
            year = near
        elif d == -1 or (d is None and ctx.tense == "past"):
            year = a.year if (probe - a).days <= 7 else a.year - 1
        elif d == 1 or (d is None and ctx.tense == "future"):
            year = a.year if (a - probe).days <= 7 else a.year + 1
        else:
            year = a.year
    day = _movable_holiday(key, year)
    if day is None:
        return None
    if span:
        return "DATE", _iso_week(day) + ("-WE" if span.group(1) == "weekend" else ""), "week"
    return "DATE", day.isoformat(), "day"


def _near_occasion(key: str, a: Date) -> int | None:
    """The year of the holiday `key` within a month of `a` either way, if there is one."""
    for year in (a.year, a.year - 1, a.year + 1):
        day = _movable_holiday(key, year)
        if day is not None and abs((day - a).days) <= 31:
            return year
    return None


def _super_tuesday(s: str, ctx: _Ctx, a: Date) -> _Result | None:
    """Super Tuesday: in an election year that year's (campaign news looks ahead to
    it and back on it in every tense); otherwise the election year the tense points to."""
    if a.year % 4 == 0:
        this_year = _movable_holiday("super tuesday", a.year)
        year = a.year - (4 if _direction(s) == -1 and this_year and a <= this_year else 0)
    elif a.year % 4 == 3 and _direction(s) != -1:
        year = a.year + 1  # the year before an election looks ahead to it
    else:
        back = _direction(s) == -1 or _direction(s) is None and ctx.tense == "past"
        year = a.year - a.year % 4 + (0 if back else 4)
    day = _movable_holiday("super tuesday", year)
    return ("DATE", day.isoformat(), "day") if day else None


def _h_anaphoric(s: str, ctx: _Ctx) -> _Result | None:
    """Expressions resolved against the previous timex: "that day", "the next
    day", "the following year", "later that year", "the day before"."""
    # "that year" points away from the present: past "today" and "this year"
    # to the last time the text placed elsewhere
    ref = ctx.distal_ref if re.search(r"\bthat\b", s) and ctx.distal_ref else ctx.ref_value
    if re.search(r"\bthat\b", s) and ctx.day_ref and not re.match(r"\d{4}-\d\d", ref) \
            and (_unit_of(s) or "D") == "D":
        # "that morning" needs a day: a year mentioned in passing ("unveiled
        # the Macintosh in 1984") is not it, a day the text named just before is
        ref = ctx.day_ref
    base: Date | None = None
    m = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", ref)
    if m:
        ctx.refer(ref)
        y = int(m.group(1))
        base = Date(y, int(m.group(2) or 1), int(m.group(3) or 1))
        ref_has_day = bool(m.group(3))
    else:
        base = ctx.need()
        ref_has_day = True
        if base is None:
            return None
    d = _direction(s) or 0
    if "before" in s or "earlier" in s and "day" in s:
        d = -1 if re.search(r"\bday before\b|\bthe (?:previous|preceding|prior)\b", s) else d
    if re.search(r"\b(?:that|same|the time)\b", s) and not re.search(r"\b(?:next|following|previous|preceding|prior)\b", s):
        d = 0
    unit = _unit_of(s) or "D"
    if unit == "D":
        if not ref_has_day and m:
            # a month's day or a year's; a week or a season ("2016-W04", "2015-FA") says only its year
            return "DATE", f"{ref[:7]}-XX" if m.group(2) else f"{m.group(1)}-XX-XX", "month"
        day = base + datetime.timedelta(days=d)
        if _piece_res()["pod"].search(s):
            # "that afternoon", "the next morning": a part of that day, like "Friday afternoon"
            return "TIME", f"{day.isoformat()}{_pod_suffix(s)}", "time"
        return "DATE", day.isoformat(), "day"
    if unit == "W":
        if not ref_has_day and m:
            return "DATE", f"{base.year}-WXX", "week"  # "the same week" of a year or month
        return "DATE", _iso_week(base + datetime.timedelta(weeks=d)), "week"
    if unit == "M":
        if m and not m.group(2):
            return "DATE", f"{base.year}-XX", "month"  # "that month" of a year
        y, mm = _add_months(base.year, base.month, d)
        return "DATE", f"{y}-{mm:02d}", "month"
    if unit == "Q":
        if ctx.last_quarter:
            y, q = _add_quarters(*_quarter_ref(ctx), d)
        else:
            y, q = _add_quarters(base.year, _quarter(base), d)
        return "DATE", f"{y}-Q{q}", "quarter"
    if unit == "Y":
        return "DATE", f"{base.year + d}", "year"
    return None


_YEAR_AGO = re.compile(r"year[\s-](?:ago|earlier)|\b(?:last|previous|prior)[\s-]year|"
                       r"\b(?:comparable|corresponding|same)\b")


def _h_year_ago(s: str, ctx: _Ctx) -> _Result | None:
    """Year-on-year comparisons of financial reports: "year-earlier", "the
    year-ago period", "the corresponding period last year": the quarter under
    discussion one year back, or last year when no quarter is in view."""
    if ctx.last_quarter and (ctx.quarter_near or "period" in s or "quarter" in s):
        y, q = _quarter_ref(ctx)
        return "DATE", f"{y - 1}-Q{q}", "quarter"
    a = ctx.need()
    if a is None:
        return None
    return "DATE", f"{a.year - 1}", "year"


def _h_vague_plural(s: str, ctx: _Ctx) -> _Result | None:
    """Vague stretches: "recent weeks", "the coming weeks", "for years";
    "recent years" and "future quarters" are vague references to the past
    and the future rather than measured stretches (TempEval-3 practice)."""
    if re.fullmatch(r"(?:in\s+)?recent\s+years", s):
        return "DATE", "PAST_REF", ""
    if re.match(r"future\b", s):
        return "DATE", "FUTURE_REF", ""
    unit = _unit_of(s)
    if unit is None:
        return None
    return "DURATION", _duration_value("X", unit), ""


# --------------------------------------------------------------------------
# Rules: (name, pattern, handler).  Order breaks ties between equally long
# matches; otherwise the longest match wins.
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _rules() -> list[tuple[str, re.Pattern, _Handler]]:
    f = _fragments()
    MONTH, MONTH_ALONE, WEEKDAY, WEEKDAY_ANY = f["MONTH"], f["MONTH_ALONE"], f["WEEKDAY"], f["WEEKDAY_ANY"]
    DAY, DAYNUM, YEAR, YEAR4 = f["DAY"], f["DAYNUM"], f["YEAR"], f["YEAR4"]
    QUANT, UNIT, UNIT_SG, CAL, SEASON, POD = (f["QUANT"], f["UNIT"], f["UNIT_SG"], f["CAL_UNIT"],
                                             f["SEASON"], f["POD"])
    MOD, EDGE, CLOCK, TZ, ORD, RANGE = f["MOD"], f["EDGE"], f["CLOCK"], f["TZ"], f["ORD"], f["RANGE"]
    SPELLED, THAT_YEAR = f["SPELLED_YEAR"], f["OF_THAT_YEAR"]
    REL = r"(?:last|next|this|coming|this\s+coming|this\s+past|past|previous|following|same)"
    DAYREL = r"(?:yesterday|today|tomorrow|tonight)"
    DAYSPEC = rf"(?:{WEEKDAY}|{DAYREL}|{MONTH}\s+{DAYNUM}|{DAYNUM}\s+{MONTH})"
    holidays = _alt(list(_words("holiday")) + [
        "thanksgiving day", "thanksgiving", "easter sunday", "easter", "good friday",
        "election day", "memorial day", "labor day", "mother's day", "father's day", "super tuesday"])
    refs = _alt(_words("ref"))
    sets = _alt(_words("set"))
    rules: list[tuple[str, str, _Handler]] = [
        # clock times, with an optional day after them: "5 p.m. EST Nov. 9"
        ("clock", rf"(?:(?:about|around|approximately|shortly\s+(?:before|after))\s+)?{CLOCK}{TZ}?"
                  rf"(?:,?\s+{DAYSPEC}(?:,?\s+{YEAR4})?)?", _h_clock),
        ("clock", rf"(?:noon|midnight)\s+{DAYSPEC}", _h_clock),
        ("clock", r"\d{1,2}\s+in\s+the\s+(?:morning|afternoon|evening)", _h_clock),
        # full dates
        ("date", rf"(?:{WEEKDAY_ANY},?\s+)?(?:{EDGE})?{MONTH}\s+{DAY}(?:,?\s+{YEAR}|{THAT_YEAR}|\s+of\s+(?:this|last|next)\s+year)?",
         _h_date),
        ("date", rf"(?:{WEEKDAY_ANY},?\s+)?(?:the\s+)?{DAYNUM}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?", _h_date),
        ("date", rf"(?:{WEEKDAY_ANY},?\s+)?the\s+{f['DAYWORD']}\s+of\s+{MONTH}(?:,?\s+{YEAR})?", _h_date),
        ("numeric", r"(?<![\d/.])(?:\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{1,2}\.\d{1,2}\.\d{4})(?![\d/])",
         _h_numeric_date),
        # months
        ("month", rf"(?:{EDGE})?(?:(?:last|next|this|this\s+past|that)\s+)?{MONTH_ALONE}"
                  rf"(?:,?\s+(?:of\s+)?(?:{YEAR}|{SPELLED}))?(?:\s+(?:of\s+)?(?:this|last|next)\s+year|{THAT_YEAR})?(?!\s*\d)",
         _h_month),
        ("month", rf"(?:each|every)\s+{MONTH_ALONE}", _h_set),
        ("month", rf"(?:{EDGE})?{MONTH}\s+{YEAR4}", _h_month),
        # years
        ("year", rf"(?:{EDGE}|(?:pre|post|mid)-)?(?:(?:the\s+)?fiscal(?:\s+year)?\s+)?{YEAR4}", _h_year),
        ("year", rf"(?:the\s+)?(?:(?:first|second|last|latter)\s+half|first\s+two\s+quarters|"
                 rf"last\s+two\s+quarters)\s+of\s+(?:fiscal\s+)?{YEAR4}", _h_year),
        ("year", rf"(?:(?:the\s+)?year\s+)?{SPELLED}", _h_year),
        ("quarter", rf"the\s+{YEAR4}\s+(?:period|quarter)", _h_quarter),
        # decades and centuries
        ("decade", r"(?:the\s+)?(?:(?:first|second|last|latter)\s+half\s+of\s+the\s+)?(?:(?:early|mid|late)[\s-]+|mid-)?"
                   r"(?:\d{3}0s|'\d0s|(?:nineteen[\s-])?(?:twenties|thirties|forties|fifties|sixties|"
                   r"seventies|eighties|nineties))", _h_decade),
        ("decade", r"the\s+(?:(?:early|mid|late)[\s-]+|mid-)?[2-9]0s", _h_decade),
        ("century", rf"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?:\d{{1,2}}(?:st|nd|rd|th)|"
                    rf"{f['DAYWORD']})[\s-]century", _h_century),
        ("century", r"(?:this|the\s+last|the\s+next|last|next)\s+century", _h_century),
        # quarters and halves
        ("quarter", rf"(?:(?:the|its|their|this\s+year['’]s|last\s+year['’]s|next\s+year['’]s|the\s+year['’]s|"
                    rf"a|an|the\s+same)\s+)?(?:(?:{YEAR4}|year-earlier|year-ago|comparable|"
                    rf"corresponding|latest|current|fiscal|calendar|flat|same|strong|weak|"
                    rf"disappointing|traditionally\s+\w+)[\s-]+){{0,3}}"
                    rf"(?:{ORD}|final)[\s-]+(?:fiscal[\s-]+)?quarter"
                    rf"(?:\s+(?:of\s+)?(?:fiscal\s+)?{YEAR4}|\s+of\s+(?:this|last|next)\s+year|"
                    rf"\s+(?:of\s+)?(?:last|this|next)\s+year|\s+a\s+year\s+(?:ago|earlier))?", _h_quarter),
        ("quarter", rf"(?:fiscal[\s-]+)?{ORD}[\s-]+(?:fiscal[\s-]+)?(?:quarter|period)", _h_quarter),
        ("quarter", r"(?:the|this|that|last|next|its)\s+(?:(?:latest|current|fiscal|recent|most\s+recent|"
                    r"year-earlier|year-ago|comparable|previous|prior|preceding|same|just-ended|"
                    r"just\s+ended|september|june|march|december)[\s-]+){0,3}quarter"
                    r"(?:\s+a\s+year\s+(?:ago|earlier)|\s+(?:of\s+)?last\s+year)?", _h_quarter),
        ("quarter", r"last\s+year['’]s\s+(?:(?:comparable|same|fiscal)\s+)?quarter", _h_quarter),
        ("quarter", r"(?:the\s+)?latest\s+(?:fiscal\s+)?period|the\s+year[\s-](?:earlier|ago)\s+period|"
                    r"the\s+(?:comparable|corresponding|same)\s+(?:year[\s-](?:earlier|ago)\s+)?period"
                    r"(?:\s+(?:a\s+year\s+(?:ago|earlier)|(?:of\s+)?last\s+year))?", _h_quarter),
        ("half", r"the\s+(?:first|second|last|latter)\s+half\s+of\s+(?:the|this|last|next)\s+year", _h_half),
        # business shorthand: "Q3 2025", "Q3", "2025 Q3", "3Q", "H1 2025", "FY2025"
        ("quarter", rf"(?-i:Q[1-4])(?:\s+(?:of\s+)?{YEAR4}|\s*'\d\d(?![\d']))?|{YEAR4}\s+(?-i:Q[1-4])|(?-i:[1-4]Q)",
         _h_quarter),
        ("half", rf"(?-i:H[12]|[12]H)\s+{YEAR4}|{YEAR4}\s+(?-i:H[12])", _h_half),
        ("year", rf"(?-i:FY)\s?(?:{YEAR4}|\d\d(?!\d))", _h_year),
        # seasons
        ("season", rf"(?:{EDGE})?(?:(?:this|last|next|the|that|this\s+past|this\s+coming|each|every)\s+)?"
                   rf"(?:(?:early|late|mid)[\s-]+)?{SEASON}(?:\s+(?:of\s+)?(?:{YEAR4}|{SPELLED})|{THAT_YEAR})?", _h_season),
        # holidays
        ("holiday", rf"(?:(?:last|next|this)\s+)?(?:(?-i:(?=[A-Z]))(?:{holidays})|election\s+day)(?:\s+(?:week|weekend))?(?:,?\s+{YEAR4})?",
         _h_holiday),
        # weekdays
        ("weekday", rf"(?:(?:early|late|earlier|later)\s+)?(?:(?:last|next|this|this\s+coming|this\s+past|"
                    rf"coming|past|the\s+previous|the\s+following|that)\s+)?{WEEKDAY}"
                    rf"(?:\s+{POD}(?![\w']))?", _h_weekday),
        ("weekday", rf"(?:(?:early|late|mid)[\s-]+)?{POD}\s+{WEEKDAY}", _h_weekday),
        ("set", rf"(?:each|every)\s+{WEEKDAY}(?:\s+{POD})?|(?-i:(?:Monday|Tuesday|Wednesday|Thursday|"
                rf"Friday|Saturday|Sunday)s)(?:\s+{POD}s?)?|{WEEKDAY}\s+{POD}s", _h_set),
        # today / yesterday / tomorrow and parts of day
        ("dayrel", rf"(?:(?:early|late|earlier|later)\s+|(?:mid|late|early)-?(?:morning|afternoon|evening)\s+|"
                   rf"the\s+day\s+(?:before|after)\s+)?{DAYREL}(?:\s+{POD}(?![\w']))?", _h_dayrel),
        ("dayrel", r"(?:last|tomorrow|yesterday)\s+night|overnight", _h_dayrel),
        # "the day before last Tuesday", "the day after Oct. 12"
        ("dayrel", rf"(?:the\s+)?day\s+(?:before|after)\s+(?:(?:last|next|this)\s+)?{WEEKDAY}", _h_day_shift),
        ("date", rf"(?:the\s+)?day\s+(?:before|after)\s+{MONTH}\s+{DAY}(?:,?\s+{YEAR})?", _h_day_shift),
        ("pod", r"(?:earlier|later|early|late)\s+in\s+the\s+(?:day|morning|afternoon|evening|night)", _h_in_the_day),
        ("pod", rf"(?:(?:early|late|later|earlier)\s+)?(?:this\s+{POD}|the\s+(?:morning|afternoon|evening)(?!\s+of\b))|"
                rf"midday|mid[\s-]?afternoon|mid[\s-]?morning", _h_pod),
        # relative calendar units
        ("relative", rf"(?:{EDGE}(?:in\s+)?)?(?:{REL})\s+(?:fiscal\s+)?{CAL}", _h_relative),
        ("relative", r"(?:the\s+)?(?:past|last|current|present|coming|next)\s+(?:fiscal\s+)?"
                     r"(?:week|month|year|decade|century)", _h_relative),
        ("relative", r"(?:around\s+)?(?:the\s+)?year[\s-]end|(?:the\s+)?(?:year|month|week)['’]s\s+end|"
                     r"(?:the\s+)?end\s+of\s+the\s+(?:year|month|week|decade|century)|the\s+weekend",
         _h_relative),
        ("relative", r"(?:the\s+)?(?:full|current|latest)\s+(?:fiscal\s+)?year|(?:the\s+)?current\s+"
                     r"(?:week|month)", _h_relative),
        # "for the year", "the week's most active session", "earlier in the year"
        # (alternatives are tried in order: the longer "the week of March 6" first)
        ("relative", r"the\s+week\s+of\s+(?-i:[A-Z])[a-z]+\.?\s+\d{1,2}"
                     r"|(?:(?:earlier|later|early|late)\s+in\s+)?the\s+week(?![\s-](?:ago|earlier|before|after|end)\b)(?!-)"
                     r"|(?:earlier|later|early|late)\s+in\s+the\s+year",
         _h_relative),
        # "the year ended June 30" in a results statement: a stretch of time;
        # "a high for the year", "the first nine months of the year": the year itself
        ("duration", r"the\s+(?:fiscal\s+)?year(?=\s+(?:ended|ending|that\s+ended|to\s+date)\b)", _h_duration),
        ("relative", r"the\s+(?:fiscal\s+)?year(?![\s-](?:ago|earlier|before|after|end|ended|ending)\b)(?![-'])",
         _h_relative),
        # anaphoric
        ("anaphoric", rf"(?:(?:earlier|later|early|late)\s+)?(?:that(?:\s+very)?|the\s+(?:very\s+)?same|that\s+same|"
                      rf"the\s+(?:very\s+)?next|the\s+(?:very\s+)?following|"
                      rf"the\s+previous|the\s+preceding|the\s+prior)\s+(?:{CAL}|day|{POD})", _h_anaphoric),
        # n units ago
        ("ago", rf"{MOD}?(?:{QUANT}|{RANGE})[\s-]+(?:more\s+)?{UNIT}(?:\s+or\s+(?:so|two|more|three))?\s+"
                rf"(?:ago|earlier|later|from\s+now|hence)", _h_ago),
        ("ago", rf"{MOD}?{UNIT}\s+ago", _h_ago),
        ("ago", rf"{MOD}?(?:{QUANT})\s+{UNIT_SG}\s+and\s+a\s+half\s+(?:ago|earlier|from\s+now|hence)", _h_ago),
        # year-ago comparisons
        ("year_ago", r"(?:the\s+)?year[\s-](?:earlier|ago)(?!\s+(?:quarter|period|nine|six|three))", _h_year_ago),
        # "Islam will one day be ...", "he hopes he one day follows ...": some
        # day to come, not a stretch of one day
        ("someday", r"one\s+day(?=\s+[a-z]+\b)", _h_future_ref),
        # durations
        ("duration", rf"{MOD}?(?:the\s+(?:(?:past|last|next|first|previous|coming|following|final|latest|"
                     rf"remaining|entire|full|whole|year-earlier|year-ago)\s+)?)?"
                     rf"(?:{RANGE}|{QUANT})(?:\s+(?:more|additional|straight|consecutive|full|long))?"
                     rf"(?:[\s-]+|-){UNIT}(?:\s+or\s+so)?(?![\s-]+old\b)(?!-old)", _h_duration),
        ("duration", rf"an?\s+(?:\w+[\s-]+)?(?:\d+|{f['NUMWORD']})-{UNIT_SG}\s+(?:period|span|stretch|term|stint)",
         _h_duration),
        ("duration", rf"{QUANT}\s+{UNIT_SG}\s+and\s+a\s+half|(?:an?|one)\s+and\s+a\s+half\s+{UNIT}", _h_duration),
        ("duration", rf"(?:the\s+)?(?:past|last|next|first|coming|following)\s+(?:few|several|many|couple\s+of)\s+{UNIT}",
         _h_duration),
        ("duration", r"(?:decades|years|centuries|months|weeks|days|hours)-long|(?:day|week|month|year)-long", _h_duration),
        ("vague", r"(?:the\s+)?(?:recent|coming|past)\s+(?:days|weeks|months|quarters|years|decades)|"
                  r"future\s+(?:quarters|months|years)|"
                  r"the\s+(?:days|weeks|months|years)\s+ahead", _h_vague_plural),
        ("vague", r"(?<=for\s)(?:years|months|weeks|decades|centuries|days)|(?<=within\s)(?:weeks|months|days|hours)|"
                  r"(?<=in\s)(?:years|decades)(?=[.,;]|\s+and\b)", _h_vague_plural),
        # sets
        ("set", rf"{sets}", _h_set),
        ("set", rf"(?:every|each)\s+(?:other\s+)?(?:(?:\d+|{f['NUMWORD']})\s+)?{UNIT}|per\s+{UNIT_SG}", _h_set),
        ("set", rf"(?:once|twice|(?:\d+|{f['NUMWORD']})\s+times)\s+(?:an?|per|each|every)\s+{UNIT_SG}", _h_set),
        # vague references
        ("ref", rf"{refs}", _h_ref),
        # "in the past" on its own (not "in the past two years")
        ("ref", r"(?<=\bin\s)the\s+past(?=\s*[^\w\s]|\s+(?:that|it|he|she|they|we|when|and|but|or)\b)",
         _h_past_ref),
        # "the eighth day (of the siege)", "his first day": a day, not a stretch
        ("ordday", rf"(?:(?:the|his|her|its|their|our|my|your)\s+)?(?:{f['DAYWORD']})\s+day"
                   rf"(?!\s+of\s+{MONTH})(?!-)(?!\s+(?:ago|earlier|later|before|after)\b)", _h_ordinal_day),
    ]
    compiled = []
    for name, pattern, handler in rules:
        compiled.append((name, re.compile(rf"(?<![\w$£€])(?:{pattern})(?![\w])", re.IGNORECASE), handler))
    return compiled


@functools.lru_cache(maxsize=1)
def _fullmatch_rules() -> list[tuple[str, re.Pattern, _Handler]]:
    return [(n, re.compile(p.pattern[len(r"(?<![\w$£€])"):], p.flags), h) for n, p, h in _rules()]


# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------


@dataclass
class _Cand:
    start: int
    end: int
    rule: str
    handler: _Handler
    priority: int


_PREPS = {"in", "on", "at", "since", "by", "until", "till", "from", "to", "of", "for", "during",
          "before", "after", "through", "throughout", "within", "between", "into", "around",
          "about", "as", "than", "over", "under", "like"}


def _span_tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _acceptable(doc: Doc, c: _Cand, text: str) -> bool:
    """Parse-based vetoes for matches the patterns cannot tell apart."""
    span = _span_tokens(doc, c.start, c.end)
    if span is None or len(span) == 0:
        return False
    low = text.lower()
    first = span[0]
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if c.rule == "month":
        # "May" the modal, "March" the verb, "April" the person
        words = [t for t in span if t.text.rstrip(".").lower() in _words("month")]
        if len(span) == 1 and words:
            t = words[0]
            if t.tag_ == "MD" or t.pos_ in ("VERB", "AUX") or t.ent_type_ in ("PERSON", "ORG", "GPE"):
                return False
            # "May I ...", "March with us": the two months that are also verbs
            # count alone only after a preposition or determiner ("in March")
            if t.text in ("May", "March", "MAY", "MARCH") and (
                    prev is None or prev.dep_ == "mark"
                    or prev.lower_ not in _PREPS | {"the", "this", "that", "each", "every", "early",
                                                    "late", "mid", "since", "until", "last", "next"}):
                return False
    if c.rule == "pod" and re.fullmatch(r"the\s+(?:morning|afternoon|evening)", low) \
            and span[-1].dep_ in ("compound", "nmod", "amod") and span[-1].head.i > span[-1].i \
            and span[-1].head.lemma_ not in ("session", "hour"):
        return False  # "the morning shows", "The Morning Consult": a kind of thing, not a time
    if c.rule == "season":
        heads = [t for t in span if t.lower_ in ("fall", "spring", "winter", "summer", "autumn")]
        if heads and heads[-1].pos_ in ("VERB", "AUX"):
            return False
        if heads and heads[-1].lower_ in ("fall", "spring") and len(span) == 1:
            if prev is None or prev.lower_ not in _PREPS | {"this", "last", "next", "the", "early", "late"}:
                return False
        if nxt is not None and nxt.lower_ == "of" and not re.search(r"\d{4}|nineteen|two thousand", low):
            return False
        if re.fullmatch(r"the\s+(?:spring|summer|fall|winter|autumn)", low) and nxt is not None \
                and nxt.pos_ in ("NOUN", "PROPN") and nxt.lower_ not in ("season", "months"):
            return False
    if c.rule == "year":
        if not _plausible_year(doc, span, low):
            return False
    if c.rule == "decade" and prev is not None and prev.lower_ in ("his", "her", "their", "my", "your", "our", "its"):
        return False
    if c.rule == "decade" and re.fullmatch(r"the\s+(?:(?:early|mid|late)[\s-]+|mid-)?[2-9]0s", low) \
            and _a_level(span):
        return False  # "approval dipped into the mid-20s": a level, not the 1920s
    if c.rule in ("duration", "ago", "vague"):
        # ages are not timexes in TimeML: "62 years old", "a 6-year-old boy"
        if nxt is not None and nxt.lower_ in ("old", "-old") or "old" in low.split("-"):
            return False
        if prev is not None and prev.lower_ == "aged":
            return False
        if nxt is not None and nxt.lower_ == "-" and span.end + 1 < len(doc) and doc[span.end + 1].lower_ == "old":
            return False
    if c.rule == "duration":
        # "a year" / "an hour" on their own are durations only after a word
        # that takes a duration; elsewhere ("a year of growth") they are not
        if re.fullmatch(r"(?:an?|one)\s+\w+", low) and low.split()[-1] in ("second", "quarter", "night"):
            return False  # "a second time", "a quarter of the market"
        if _fraction(doc, span[-1], low):
            return False
        if re.fullmatch(r"an?\s+\w+", low):
            return prev is not None and prev.lower_ in (
                "for", "over", "within", "about", "nearly", "almost", "than", "least", "only", "just",
                "half", "in", "after", "lasting", "last", "took", "spent", "roughly", "around")
        if re.fullmatch(r"(?:the\s+)?\d+(?:\.\d+)?[\s-]+(?:day|week|month|year|hour|minute|second)s?", low) \
                and prev is not None and prev.text in ("$",):
            return False
    if _in_a_title(c.rule, span, text, prev, nxt):
        return False
    if c.rule == "ref" and low == "recently" and prev is not None and prev.lower_ == "as" \
            and nxt is not None and nxt.lower_ == "as":
        return False  # "as recently as February": the date that follows is the time
    if c.rule == "ref" and low == "now" and first.is_sent_start and nxt is not None and nxt.text == ",":
        return False  # "Now, he says ...": a discourse marker, not a time
    if c.rule == "ref" and low.endswith("future") and nxt is not None and nxt.lower_ == "of":
        return False  # "the future of the alliance": what becomes of it, not a time
    if c.rule == "ref" and low == "current":
        # "the current system" (PRESENT_REF), not "the current" of a river
        return first.tag_ == "JJ" and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ")
    if c.rule == "clock" and low in ("noon", "midnight"):
        return prev is not None and prev.lower_ in _PREPS | {"before", "after", "past"}
    if c.rule == "someday":
        # after a modal or a subject pronoun and before the verb ("will one day
        # be", "he one day follows"); elsewhere "one day" is a length of time
        return prev is not None and (prev.tag_ == "MD" or prev.tag_ == "PRP" and prev.dep_.startswith("nsubj")) \
            and nxt is not None and nxt.pos_ in ("VERB", "AUX")
    if c.rule == "set" and low in ("annually", "yearly") and _rate_context(doc, span):
        return False  # "rise 8.5% annually", "10,000 units annually": a rate, not a recurrence
    if c.rule == "set" and low == "daily" and nxt is not None and nxt.pos_ == "PROPN":
        return False  # "the Communist Party daily Granma": a newspaper
    if c.rule == "quarter" and re.fullmatch(r"q[1-4]|[1-4]q", low) and (
            prev is None or prev.lower_ not in _PREPS | {"the", "its", "their", "this", "last", "next", "each",
                                                         "a", "our", "his", "her", "every", "per"}):
        return False  # "Audi Q3", "a Q1 visa": a name, not a quarter
    if c.rule == "quarter" and nxt is not None and nxt.text == "-" and not nxt.whitespace_:
        return False  # "its quarter-century low", "the quarter-to-quarter comparison"
    if c.rule == "holiday" and nxt is not None and nxt.lemma_ in _HOLIDAY_THINGS:
        return False  # "Christmas trees", "Halloween costumes": things, not days
    if c.rule == "holiday" and nxt is not None and nxt.ent_iob_ == "I" and nxt.ent_type_ in _PLACE_OR_BODY:
        return False  # "Easter Island", "Christmas Island": a name the holiday begins
    if c.rule in ("weekday", "holiday") and "tuesday" in low and (
            prev is not None and prev.lower_ == "super" or nxt is not None and nxt.text in ("2", "3", "II", "III")
            or c.rule == "holiday" and prev is not None and re.fullmatch(r"1\d{3}|20\d\d", prev.text)):
        return False  # "Super Tuesday 2": a later primary day; "the 1988 Super Tuesday": that year's
    return True


# Nouns of a measured level ("the rating is in the 30s"); not "rate" or
# "number", whose change is as often dated by a decade ("crime rates soared in the 70s").
_LEVEL_NOUNS = frozenset({"percent", "%", "percentage", "rating", "ratings", "approval", "unemployment",
                          "poll", "polls", "point", "points", "degree", "degrees", "temperature", "temperatures"})


def _a_level(span: Span) -> bool:
    """A two-digit "decade" that is a level of something: the subject of its
    verb is a measure ("unemployment is in the mid-30s", "his approval rating
    dipped into the 20s"), or its sentence speaks of levels by tens ("improved
    to the low 40s while Trump's remains in the 30s")."""
    sentence = span.sent.text if span.doc.has_annotation("SENT_START") else span.doc.text
    if re.search(r"\b(?:low|high|upper|lower)[\s-]+[1-9]0s\b", sentence, re.IGNORECASE):
        return True
    verb = _verb_ancestor(span.root)
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")] if verb is not None else []
    return any(t.lower_ in _LEVEL_NOUNS for subj in subjects for t in subj.subtree)


def _fraction(doc: Doc, last, low: str) -> bool:
    """"(more than) a quarter of its sales", "three-quarters of its food": a share, not a time."""
    return bool(re.search(r"\b(?:an?|one)\s+quarter$|quarters$", low)) and last.i + 1 < len(doc) \
        and doc[last.i + 1].lower_ == "of"


def _in_a_title(rule: str, span: Span, text: str, prev, nxt) -> bool:
    """Time words that are part of a name or a title, by the shape each family takes:
    "USA TODAY", "Breitbart News Daily", "CBS This Morning"; "60 Minutes"; "Monday Night Football";
    "Sunday Times"."""
    if rule in ("ref", "dayrel", "set") and len(span) == 1 or rule == "pod":
        return _part_of_a_name(span, prev, nxt)
    if rule in ("duration", "relative", "ago", "vague"):
        return _looks_like_title(span)
    if rule != "weekday" or nxt is None or nxt.pos_ != "PROPN":
        return False
    if len(span) > 1 and all(t.is_title for t in span) and nxt.is_title:
        return True  # "Monday Night Football", "Saturday Night Live"
    return span[0].ent_type_ in ("ORG", "PERSON") and "Sunday" in text and nxt.text[:1].isupper()


_QUOTE_TOKENS = frozenset({'"', "''", "``", "\u201c", "\u201d", "'"})


def _part_of_a_name(span: Span, prev, nxt) -> bool:
    """A capitalised "Today", "Now", "Tonight", "Daily" or "This Morning" inside
    a run of capitalised words or a named entity is part of a title, not a
    time; so is one after a possessive ("NBC's Today show") or quoted
    on its own inside a sentence ("joined the ''Today'' show")."""
    tok = span[0]
    if not tok.text[:1].isupper() or tok.is_sent_start:
        return False
    if any(t.ent_type_ in ("ORG", "WORK_OF_ART", "PERSON", "PRODUCT", "FAC") for t in span):
        return True
    if prev is None:
        return False
    doc = span.doc
    before = doc[prev.i - 1] if prev.i > 0 else None
    if prev.tag_ == "POS":
        return True
    if prev.text in _QUOTE_TOKENS and before is not None and before.is_alpha:
        # the quotation closes right after it, or after one stop: ''Today.''
        after = list(doc[span.end:span.end + 2])
        if after and (after[0].text in _QUOTE_TOKENS
                      or after[0].text in (".", ",") and len(after) > 1 and after[1].text in _QUOTE_TOKENS):
            return True
    if not prev.is_alpha:
        return False  # first word of a quotation or an aside: '"Now Clinton leads," he said'
    capitalised = lambda t: t is not None and t.is_alpha and t.text[:1].isupper()  # noqa: E731
    return capitalised(prev) and not prev.is_sent_start or capitalised(nxt) and nxt.pos_ == "PROPN"


_HOLIDAY_THINGS = frozenset({"tree", "card", "carol", "light", "present", "gift", "decoration", "ornament",
                             "costume", "candy", "music", "song", "movie", "film", "story", "spirit",
                             "stocking", "sweater", "wreath", "turkey", "pumpkin", "egg", "bunny"})

# Entity labels of places and bodies, whose names may begin with a holiday.
_PLACE_OR_BODY = frozenset({"LOC", "GPE", "FAC", "ORG", "NORP"})

_CHANGE_LEMMAS = frozenset({"increase", "rise", "grow", "double", "triple", "fall", "decline", "drop",
                            "expand", "climb", "gain", "shrink", "compound"})


def _rate_context(doc: Doc, span: Span) -> bool:
    """An amount or a rate of change before a frequency adverb in its clause:
    "revenue to increase by 20% annually", "produce 10,000 units annually"."""
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    for tok in doc[max(sent_start, span.start - 8):span.start]:
        if tok.like_num or tok.text in ("%", "$") or tok.tag_ == "$":
            return True
    head = span.root.head
    return head.pos_ == "VERB" and head.lemma_ in _CHANGE_LEMMAS


def _looks_like_title(span: Span) -> bool:
    """"60 Minutes", "This Week With David Brinkley": a capitalised unit word
    inside a sentence names a programme, not a time."""
    return any(t.text[:1].isupper() and not t.is_sent_start and t.i > span.start for t in span
               if t.lower_.rstrip("s") in ("minute", "hour", "day", "week", "month", "year"))


# Words a number after which names a thing rather than a year: sections of
# codes and bills, flights, routes, rooms, union locals. Only capitalised
# ("Local 1199", not "the local 2018 elections"), or the section sign.
_DESIGNATORS = frozenset({"section", "sec.", "\u00a7", "hb", "sb", "h.b.", "s.b.", "h.r.", "flight", "route",
                          "highway", "interstate", "room", "suite", "apt.", "apartment", "chapter", "title",
                          "rule", "form", "exhibit", "local", "precinct", "box", "resolution"})


def _plausible_year(doc: Doc, span: Span, low: str) -> bool:
    """A bare four-digit number is a year only when the parse agrees."""
    if not re.fullmatch(r"\d{4}", low):
        return True
    tok = span[0]
    year = int(low)
    if tok.text != low:
        return False  # "1678.5": an index level, not a year
    if tok.i > 0 and doc[tok.i - 1].text in ("$", "#", "No.", "No", "no.", "Nos.", "US$", "C$", "A$"):
        return False
    if tok.i > 0 and doc[tok.i - 1].lower_ in _DESIGNATORS and not doc[tok.i - 1].text[:1].islower():
        return False  # "Section 1001", "HB 1523", "Flight 1549", "Local 1199": a number that names
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.text in ("%", "percent") or nxt is not None and nxt.lower_ in (
            "shares", "employees", "workers", "people", "points", "troops", "cars", "jobs", "units",
            "tons", "barrels", "members", "miles", "feet", "acres", "megabytes", "chip", "chips",
            "processor", "series", "model"):
        return False
    if tok.ent_type_ == "DATE":
        return True
    if not 1600 <= year <= 2099:
        return False
    if tok.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL", "PRODUCT", "ORG", "LAW", "FAC"):
        prev = doc[tok.i - 1] if tok.i > 0 else None
        return prev is not None and prev.lower_ in _PREPS | {"fiscal", "mid", "early", "late"}
    return True


# Every rule needs one of a few trigger words; the rules run only in windows
# around them.  The full patterns are too slow to try at every position of
# a long article; one scan over the words finds the triggers of all rule
# families at once and keeps the stage a small fraction of the spaCy parse.
_UNIT_FAMILIES = frozenset({"relative", "anaphoric", "ago", "duration", "vague"})
_TRIGGER_WORDS: dict[str, frozenset[str]] = {
    **{w: _UNIT_FAMILIES for w in ("second", "minute", "hour", "day", "night", "week", "weekend",
                                   "fortnight", "month", "quarter", "year", "decade", "century",
                                   "centuries", "millennium", "millennia", "long")},
    "year": _UNIT_FAMILIES | {"year_ago", "year", "half"},
    "quarter": _UNIT_FAMILIES | {"quarter"}, "period": frozenset({"quarter"}),
    "half": frozenset({"half", "year", "duration"}),
    "century": _UNIT_FAMILIES | {"century"}, "centuries": _UNIT_FAMILIES | {"century"},
    "end": frozenset({"relative"}),
    "nineteen": frozenset({"year", "month", "season"}), "eighteen": frozenset({"year"}),
    "thousand": frozenset({"year", "duration", "ago"}),
    "spring": frozenset({"season"}), "summer": frozenset({"season"}), "fall": frozenset({"season"}),
    "autumn": frozenset({"season"}), "winter": frozenset({"season"}),
    "christmas": frozenset({"holiday"}), "thanksgiving": frozenset({"holiday"}),
    "easter": frozenset({"holiday"}), "halloween": frozenset({"holiday"}), "eve": frozenset({"holiday"}),
    "daily": frozenset({"set"}), "weekly": frozenset({"set"}), "monthly": frozenset({"set"}),
    "annually": frozenset({"set"}), "yearly": frozenset({"set"}), "hourly": frozenset({"set"}),
    "nightly": frozenset({"set"}), "every": frozenset({"set"}), "each": frozenset({"set"}),
    "per": frozenset({"set"}), "once": frozenset({"set"}), "twice": frozenset({"set"}),
    "times": frozenset({"set"}),
    "yesterday": frozenset({"dayrel", "clock"}), "today": frozenset({"dayrel", "clock"}),
    "tomorrow": frozenset({"dayrel", "clock"}), "tonight": frozenset({"dayrel"}),
    "overnight": frozenset({"dayrel"}),
    "morning": frozenset({"pod", "anaphoric", "dayrel", "clock", "weekday"}),
    "afternoon": frozenset({"pod", "anaphoric", "dayrel", "clock", "weekday"}),
    "evening": frozenset({"pod", "anaphoric", "dayrel", "clock", "weekday"}),
    "midday": frozenset({"pod", "dayrel"}), "noon": frozenset({"clock"}), "midnight": frozenset({"clock"}),
    "m": frozenset({"clock"}), "am": frozenset({"clock"}), "pm": frozenset({"clock"}),
    "clock": frozenset({"clock"}),
    **{tz: frozenset({"clock"}) for tz in ("est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt",
                                            "gmt", "utc", "bst", "cet", "cest")},
    **{w: frozenset({"ref"}) for w in ("now", "current", "currently", "recent", "recently", "present",
                                       "presently", "formerly", "nowadays", "days", "future", "term", "past",
                                       "possible", "later")},
}
_TRIGGER_WORDS["night"] = _UNIT_FAMILIES | {"dayrel", "pod"}
_TRIGGER_WORDS["day"] = _UNIT_FAMILIES | {"holiday", "ordday", "someday", "pod"}
_TRIGGER_WORDS["days"] = _UNIT_FAMILIES | {"ref"}
_BACK, _FORWARD = 90, 45  # longest text a rule puts before / after its trigger


@functools.lru_cache(maxsize=65536)
def _word_families(word: str) -> frozenset[str]:
    """Rule families a word of the text can trigger (case matters for names)."""
    low = word.lower()
    fams = _TRIGGER_WORDS.get(low)
    if fams is None and low.endswith("s"):
        fams = _TRIGGER_WORDS.get(low[:-1])
    out = set(fams or ())
    if word[:1].isupper() and low[:3] in _MONTH_STEMS:
        out |= {"date", "month"}
    if low.endswith("day") and low[:-3] in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun"):
        out |= {"weekday", "set", "holiday", "date", "clock", "dayrel"}
    elif low.endswith("days") and low[:-4] in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun"):
        out |= {"set"}
    if re.fullmatch(r"[qh][1-4]|[1-4][qh]|fy(?:\d\d){1,2}", low):
        out |= {"quarter", "half", "year"}  # "Q3", "3Q", "H1", "FY2025"
    if low.isdigit():
        # numbers alone trigger nothing but years: every other rule that
        # takes a number also needs a unit, month or clock word
        if len(low) == 4:
            out.add("year")
    elif low[:1].isdigit():
        if low.endswith("0s"):
            out.add("decade")  # "1990s", "80s"
        if low.endswith(("am", "pm")):
            out.add("clock")  # "10am"
    elif low.endswith("ties"):
        out.add("decade")
    return frozenset(out)


_MONTH_STEMS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})
_WORD = re.compile(r"[^\W_]+")


def _windows_by_family(text: str) -> dict[str, list[tuple[int, int]]]:
    """Merged character windows around the trigger words of each rule family."""
    spans: dict[str, list[list[int]]] = {}
    n = len(text)
    for m in _WORD.finditer(text):
        fams = _word_families(m.group())
        end = m.end()
        if end + 1 < n and text[end] in "/-." and text[end + 1].isdigit() and m.group().isdigit():
            fams = fams | {"numeric"}  # "10/16/2025", "2025-10-16"
        if not fams:
            continue
        start, end = max(0, m.start() - _BACK), min(n, m.end() + _FORWARD)
        for fam in fams:
            lst = spans.setdefault(fam, [])
            if lst and start <= lst[-1][1]:
                lst[-1][1] = end
            else:
                lst.append([start, end])
    return {fam: [(a, b) for a, b in lst] for fam, lst in spans.items()}


def _candidates(doc: Doc, text: str) -> list[_Cand]:
    out: list[_Cand] = []
    windows = _windows_by_family(text)
    for priority, (name, pattern, handler) in enumerate(_rules()):
        for lo, hi in windows.get(name, ()):
            for m in pattern.finditer(text, lo, hi):
                start, end = m.span()
                if end == hi and hi < len(text) and text[hi].isalnum():
                    continue  # cut off by the window, not by a word boundary
                # a period closing an abbreviation is part of the timex, a full
                # stop is not; keep "Oct." but drop the sentence's final period
                if text[end - 1:end] == "." and not re.search(r"(?:[ap]\.m|\b[A-Za-z]{2,4})\.$", text[start:end]):
                    end -= 1
                if _opens_with_conjunction(doc, text, start, end):
                    start += len("that ")  # "noted that Saturday would": not "that day"
                out.append(_Cand(start, end, name, handler, priority))
    return out


def _opens_with_conjunction(doc: Doc, text: str, start: int, end: int) -> bool:
    """A match that begins with the conjunction "that" ("said that Friday's
    vote ..."), not the demonstrative of "that day"."""
    if text[start:start + 5].lower() != "that " or end <= start + 5:
        return False
    tok = doc.char_span(start, start + 4)
    return tok is not None and tok[0].dep_ == "mark"


def _select(doc: Doc, text: str, cands: list[_Cand]) -> list[_Cand]:
    """Longest non-overlapping matches that pass the parse-based vetoes."""
    cands = sorted(cands, key=lambda c: (-(c.end - c.start), c.priority, c.start))
    taken: list[_Cand] = []
    occupied = bytearray(len(text) + 1)
    for c in cands:
        if any(occupied[c.start:c.end]):
            continue
        if not _acceptable(doc, c, text[c.start:c.end]):
            continue
        taken.append(c)
        occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return taken


_TIME_WORD = re.compile(
    r"\b(?:second|minute|hour|day|night|week|weekend|month|quarter|year|decade|century|"
    r"centuries|morning|afternoon|evening|spring|summer|fall|autumn|winter|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|\d{4})", re.IGNORECASE)


def _entity_candidates(doc: Doc, text: str, occupied: bytearray) -> list[_Cand]:
    """spaCy DATE / TIME entities the rules missed, trimmed to TIMEX3 extent."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        toks = list(ent)
        while toks and (toks[0].lower_ in _PREPS or toks[0].is_punct):
            toks = toks[1:]
        while toks and (toks[-1].is_punct or toks[-1].lower_ in ("'s", "’s")):
            toks = toks[:-1]
        if not toks:
            continue
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if any(occupied[start:end]):
            continue
        span_text = text[start:end]
        low = span_text.lower()
        if not _TIME_WORD.search(span_text) or re.search(r"\bold\b|-old\b|\bage|quarterly|annual", low):
            continue
        if len(toks) == 1 and not re.fullmatch(r"(?:days|weeks|months|years|decades|centuries)", low):
            continue  # "year", "morning", "80486": too ambiguous alone
        if _looks_like_title(doc[toks[0].i:toks[-1].i + 1]):
            continue
        if _fraction(doc, toks[-1], low):
            continue
        if re.fullmatch(r"(?:the|this|that|his|her|its|their)\s+(?:day|night|year|morning|evening)(?:\s+of)?", low):
            continue
        if not _plain_time_phrase(toks, nxt=doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None):
            continue
        out.append(_Cand(start, end, "entity", _h_entity, 999))
    return out


# Words an entity the rules missed may consist of besides its time words and
# numbers: determiners, quantities and the adjectives that place a stretch
# of time.  "a good night", "this rainy day", "game days", "her years" and
# "the end of the day" name no time a reader could put on a calendar.
_PLAIN_WORDS = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "every", "each", "some", "all", "another", "of",
    "few", "several", "many", "couple", "single", "full", "whole", "entire", "extra", "additional", "next",
    "last", "past", "previous", "following", "first", "final", "closing", "opening", "early", "late",
    "recent", "coming", "same", "more", "most", "just", "only", "plus", "nearly", "about", "over",
    "under", "almost", "around", "roughly", "later", "earlier", "ago", "straight", "consecutive", "other",
    "barely", "as", "long", "in", "half", "dozen", "-", "and", "or", "to",
})
_TIME_TOKEN = re.compile(
    r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|century|centuries|"
    r"millenni(?:um|a)|morning|afternoon|evening|spring|summer|fall|autumn|winter)s?|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary|\.)?|feb(?:ruary|\.)?|march|apr(?:il|\.)?|may|"
    r"june|july|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?")


def _plain_time_phrase(toks: list, nxt) -> bool:
    """An entity made only of time words, numbers and the words that count or place them."""
    if len(toks) == 2 and toks[0].lower_ == "day" and toks[1].like_num:
        return False  # "from Day 1": a figure of speech
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and not any(t.like_num for t in toks) and (
            any(t.text == "-" for t in toks)
            or toks[-1].dep_ in ("compound", "amod", "nmod") and toks[-1].head.i > toks[-1].i
            and toks[0].pos_ != "DET"):
        # "early-morning tweets", "last-minute push", "late night talk show
        # host": a modifier, no time of its own (with a determiner it may
        # have one: "in an early morning tweet")
        return False
    if " ".join(t.lower_ for t in toks) == "the end of the day":
        return False  # the idiom
    return all(t.lower_ in _PLAIN_WORDS or t.like_num or _TIME_TOKEN.fullmatch(t.lower_) for t in toks)


def _h_entity(s: str, ctx: _Ctx) -> _Result | None:
    """Fallback for spaCy entities: the rules on the parts, else dateparser."""
    for _, pattern, handler in _fullmatch_rules():
        if pattern.fullmatch(s):
            r = handler(s, ctx)
            if r:
                return r
    if _month_of(s) and _year_of(s):
        parsed = _dateparser_day(s)
        if parsed:
            return parsed
    unit = _unit_of(s)
    suffix = _pod_suffix(s)
    # "late night" is a part of some night, not a number of nights
    if unit and not (suffix and re.fullmatch(r"(?:an?\s+)?(?:early|late)\s+\w+", s)):
        n = _quantity(s)
        if n is None and re.fullmatch(r"all\s+\w+", s):
            n = 1.0  # "all day", "all week": the whole of one
        return "DURATION", _duration_value(n or "X", unit), ""
    if suffix:
        # "every morning" recurs; "late afternoon", "one recent evening" is a
        # part of some day the expression does not name
        if re.search(r"\b(?:every|each)\b", s):
            return "SET", f"XXXX-XX-XX{suffix}", ""
        return "TIME", f"XXXX-XX-XX{suffix}", "time"
    return "DATE", "", ""


# --------------------------------------------------------------------------
# Tense of the governing verb
# --------------------------------------------------------------------------

# Verbs whose object happens later whatever their own tense ("planned a
# rally on Saturday", "has scheduled a news conference Thursday").
_SCHEDULE_LEMMAS = {"plan", "schedule", "slate", "reschedule", "postpone", "due"}
# Verbs that push something back "until" a date still to come.
_DEFER_LEMMAS = {"postpone", "delay", "defer", "extend", "adjourn", "suspend", "recess", "put"}
# Verbs that put an infinitive after them in the future ("expects to close Friday").
_FUTURE_LEMMAS = {"plan", "expect", "schedule", "intend", "hope", "want", "aim", "prepare",
                  "propose", "seek", "going", "likely", "poised", "ready", "agree", "vow",
                  "promise", "threaten", "pledge", "slate", "due", "set", "decide", "vote"}
# Verbs that ask someone to act: the act lies ahead ("urged voters to turn out
# Tuesday"), when the someone is there ("asked for $1.9 billion to fight Zika in
# February" asked in February).
_ASK_LEMMAS = {"persuade", "urge", "convince", "encourage", "invite", "ask", "press"}
# Nouns whose "of"-gerund lies ahead ("his chances of winning in November").
_PROSPECT_NOUNS = {"chance", "odd", "odds", "prospect", "hope", "likelihood", "possibility", "threat", "risk",
                   "danger", "plan", "intention", "goal", "idea", "fear"}
# Nouns whose infinitive complement lies ahead ("a plan to sell in March").
_PLAN_NOUNS = {"agreement", "plan", "proposal", "offer", "deal", "accord", "pact", "bid", "intention",
               "commitment", "decision", "promise", "pledge", "schedule", "vote", "timetable"}
# Tags of an auxiliary that carries tense ("is", "was", "will"), unlike "be", "being", "to".
_FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})
_MODALS_FUTURE = {"will", "wo", "'ll", "shall", "would", "'d"}
# "could" is as often the past of "can" ("could not be located Wednesday")
_MODALS_OTHER = {"can", "may", "might", "should", "must", "ca"}
_BE_PRESENT = {"is", "are", "am", "'re", "'m", "'s"}
_BE_PAST = {"was", "were", "been", "had", "has", "have", "'ve"}


def _tense(doc: Doc, start: int, end: int) -> str:
    """"past", "present" or "future" for the clause a timex modifies.

    Climbs from the expression to its governing verb in the dependency parse
    and reads that verb's tag and auxiliaries; participles and infinitives
    defer to the verb above them.  With no verb in reach, news text is
    assumed to report the past, but a month is the nearest one ("a key
    factor in November" in a June headline).  A few prepositions override
    the verb: "as early as Tuesday" and "ahead of Tuesday's primary" look
    ahead, a weekday "before" something is the nearest one ("nearest"), and
    deadlines ("until 9 a.m. Tuesday", "effective Feb. 1") look ahead unless
    the verb is a plain simple past.  So does a month that dates an event set
    in advance ("the November election", "the convention in July"); any other
    month right before a noun ("the October slaying") is a reported one.
    """
    before = doc[max(0, start - 4):start].text.lower()
    ahead = _ahead_of(doc, start, end)
    if ahead is not None or re.search(r"\bahead of(?: the)?$|\b(?:lead|run)[\s-]?up to(?: the)?$", before):
        # "barnstorms ahead of Tuesday's primary", "in the lead-up to Tuesday's
        # primary", "the run-up to Friday's vote" look ahead; a simple past
        # ("Ahead of Friday's meeting, France unveiled ...") may tell of one held
        verb = governing_verb(doc, ahead.i, ahead.i + 1) if ahead is not None else governing_verb(doc, start, end)
        return "nearest" if _plain_past(verb) else "future"
    if re.search(r"\bbefore(?: the)?$", before) and _weekday_of(doc[start:end].root.lower_) is not None:
        return "nearest"  # "days before Tuesday's primary": the day closest to the report
    month = any(t.text.rstrip(".").lower() in _words("month") for t in doc[start:end])
    if _possessive_after(doc, end):
        # "Friday's purchases", "Tuesday's declaration": reported events; but an
        # event a present or future verb acts in or on ("will do well in Tuesday's
        # primary", "will appear on Sunday's talk shows") is the nearest such day
        noun = doc[start:end].root.head
        if month and noun.lemma_.lower() in _words("scheduled"):
            # "in November's general election", "is preparing for June's
            # primary": the coming one, as "the November election" is, unless
            # a simple past or a past participle tells of it ("carried by
            # Trump in February's primary")
            if not _told_as_held(governing_verb(doc, start, end)):
                return "future"
        prep = noun.head if noun.dep_ == "pobj" else None
        if prep is not None and prep.lower_ in ("in", "at", "during", "for", "on") and prep.head.pos_ in ("VERB", "AUX") \
                and _verb_tense(prep.head, depth=0) in ("future", "present"):
            return "nearest"
        if not month and noun.lemma_.lower() in _words("scheduled"):
            # "expects Clinton to win Monday's debate", "hopes Saturday's
            # caucuses will set her on a path": a day's event set in advance
            # that a future verb acts on is the nearest such day (a month's is
            # the coming one, above)
            verb = governing_verb(doc, start, end)
            if verb is not None and _verb_tense(verb, depth=0) == "future":
                return "nearest"
        return "past"
    if re.search(r"\bas (?:early|soon|late) as$|\bno later than$", before):
        return "future"
    root = doc[start:end].root
    compound = end - start == 1 and root.dep_ == "compound" and root.head.pos_ == "NOUN" and root.head.i == end
    if month and _dates_scheduled_event(root, compound):
        # "the November election", "the convention in July": the coming one,
        # unless it is told as held ("won the March election")
        return "past" if _told_as_held(governing_verb(doc, start, end)) else "future"
    if compound and month:
        # "under a June agreement", "the October slaying": the month names an
        # occasion already reported on, whatever the tense of the clause
        return "past"
    verb = governing_verb(doc, start, end)
    if verb is None:
        # no verb to go by (a headline, a list): a month is the nearest one,
        # anything else is news reporting the past
        return "present" if root.text.rstrip(".").lower() in _words("month") else "past"
    tense = _verb_tense(verb, depth=0)
    if verb.lemma_ in _SCHEDULE_LEMMAS and start < verb.i and _plain_past(verb):
        return "past"  # "On Friday, the government planned to ...": when the planning was reported
    if tense == "past" and re.search(r"\b(?:by|through|until|till|effective|starting|beginning)$", before):
        if _past_perfect(verb):
            return "past"  # "had filed reports by Wednesday", "until Thursday, they had not ..."
        if verb.lemma_ in _DEFER_LEMMAS and re.search(r"\b(?:until|till)$", before):
            return "future"  # "postponed until Tuesday": the new date lies ahead
        # "created an office, effective Feb. 1": when it takes effect
        return "past" if _plain_past(verb) and not before.endswith("effective") else "future"
    return tense


def _ahead_of(doc: Doc, start: int, end: int) -> Token | None:
    """The "ahead" of an "ahead of" whose object holds the expression at
    tokens ``start:end``, however deep in its noun phrase ("ahead of the
    caucuses on Monday", "ahead of New York's Tuesday primary", "ahead of
    voting Tuesday"), with no verb between them; else ``None``."""
    token = doc[start:end].root
    for _ in range(6):
        if token.head.i == token.i:
            return None
        token = token.head
        if token.lower_ == "of" and token.head.lower_ == "ahead":
            return token.head
        if token.pos_ in ("VERB", "AUX") and token.tag_ != "VBG":
            return None
    return None


def _possessive_after(doc: Doc, end: int) -> bool:
    """Whether the expression ending at token ``end`` is a possessor ("Friday's vote")."""
    return end < len(doc) and doc[end].lower_ in ("'s", "\u2019s")


def _plain_past(verb: Token | None, auxiliaries: tuple[str, ...] = ("aux",)) -> bool:
    """A simple past with no auxiliary ("unveiled", not "has unveiled" or "would unveil")."""
    return verb is not None and verb.tag_ == "VBD" and not any(c.dep_ in auxiliaries for c in verb.children)


# Verbs an infinitive's time is not told by: those that look ahead ("expected
# to win", "urged to vote", "planned to hold") and "be" ("was to hold", a plan
# seen from the past).
_CLIMB_STOPS = _FUTURE_LEMMAS | _ASK_LEMMAS | _SCHEDULE_LEMMAS | {"be"}


def _told_in_simple_past(verb: Token | None) -> bool:
    """A plain simple past ("won the March election"), a simple past passive
    ("was forced to ..."), or an infinitive under one that does not look
    ahead ("prompted Parliament to call a debate in January", not "expected
    to win the March primary" or "urged voters to turn out")."""
    for _ in range(3):
        if verb is None:
            return False
        if _plain_past(verb, ("aux", "auxpass")):
            return True
        if verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children) \
                and any(c.dep_ == "auxpass" and c.lower_ in ("was", "were") for c in verb.children):
            return True
        if verb.tag_ != "VB" or verb.dep_ not in ("xcomp", "ccomp") or verb.head.i == verb.i \
                or any(c.dep_ in ("aux", "auxpass") and c.lower_ != "to" for c in verb.children) \
                or verb.head.lemma_ in _CLIMB_STOPS:
            return False
        verb = verb.head
    return False


def _told_as_held(verb: Token | None) -> bool:
    """Whether the clause a month's scheduled event sits in tells of it as
    held: a simple past ("won the March election"), a fronted participle
    ("Asked during an April debate"), or a past participle on a noun
    ("the district, carried by Trump in the February primary")."""
    return (_told_in_simple_past(verb) or _fronted_participle(verb)
            or (verb is not None and verb.tag_ == "VBN" and verb.dep_ == "acl"))


def _fronted_participle(verb: Token | None) -> bool:
    """"Asked during a January debate why ..., he said": a past participle
    opening its sentence without an auxiliary tells of what happened."""
    return verb is not None and verb.tag_ == "VBN" and verb.dep_ == "advcl" and verb.i < verb.head.i \
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _dates_scheduled_event(root: Token, compound: bool) -> bool:
    """A date that says when an event set in advance takes place: "the
    November election", "the convention in July", "the primary on March 1"."""
    if compound:
        nouns = [root.head]
    elif root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.lower_ in ("in", "on"):
        prep = root.head
        # the parser often hangs the phrase on a verb further up ("a coup at
        # the convention in July" on "favoring"): the noun right before the
        # preposition is the other candidate
        nouns = [prep.head] + ([prep.doc[prep.i - 1]] if prep.i > 0 else [])
    else:
        return False
    return any(names_scheduled_event(noun) for noun in nouns)


def _names_occasion(span: Span) -> bool:
    """A holiday that modifies the noun after it names an occasion at that
    holiday ("the Christmas party", "Thanksgiving travel"): the one around the
    report's date, whatever the tense of the clause ("the Christmas party was
    cancelled" in early December)."""
    last = span[-1]  # not the root: the parser makes "New Year's Day parade" a possessive
    return last.dep_ == "compound" and last.head.pos_ == "NOUN" and last.head.i == span.end


def _past_perfect(verb) -> bool:
    """"had filed", "had been scheduled", "had been due to": a past perfect
    on the verb or on the copula it hangs from puts the time in the past."""
    for tok in (verb, verb.head):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d") for c in tok.children):
            return True
        # only a complement ("due to expire", "been due") hands the question up
        if tok.dep_ not in ("xcomp", "acomp") or tok.head.i == tok.i:
            break
    return False


# Participles that introduce a time the way a preposition does ("beginning
# Wednesday", "starting in May", "following Tuesday's vote"): the time belongs
# to the verb above them.
_PREPOSITIONAL_PARTICIPLES = frozenset({"beginning", "starting", "following"})


def governing_verb(doc: Doc, start: int, end: int):
    """The verb the expression at tokens ``start:end`` tells the time of: the
    nearest verb above it, moved up a clause where the parser hung it too low
    (`_reattached`); ``None`` when there is none."""
    head = doc[start:end].root
    for _ in range(8):
        # a word with an auxiliary is a verb, whatever the tagger says ("Not
        # only can Cruz win in November": "win" tagged a noun)
        verb = head.pos_ in ("VERB", "AUX") or any(c.dep_ == "aux" and c.tag_ == "MD" for c in head.children)
        if verb and not start <= head.i < end:
            if head.lower_ in _PREPOSITIONAL_PARTICIPLES and head.tag_ == "VBG" \
                    and not any(c.dep_ in ("aux", "nsubj") for c in head.children):
                above = _verb_ancestor(head)
                if above is not None:
                    return _reattached(doc, start, end, above)
            return _reattached(doc, start, end, head)
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def _reattached(doc: Doc, start: int, end: int, verb):
    """The verb an expression really modifies when the parser hung it one clause too low.

    In "said on Monday it would sign", the parser attaches "on Monday" to
    "sign"; an expression that stands right after a verb (or after its
    object: "told reporters on Monday he would sign") and before the subject
    of that verb's complement clause belongs to the first verb.
    """
    left = start - 1 if start > 0 and doc[start - 1].dep_ == "prep" else start
    if left == 0 or verb.i < end or verb.dep_ != "ccomp" or not _ends_verb_or_object(doc[left - 1], verb.head):
        return verb
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i >= end for c in verb.children):
        return verb.head
    return verb


def _ends_verb_or_object(tok: Token, verb: Token) -> bool:
    """``tok`` is ``verb`` itself or the last word of one of its objects
    ("told [reporters]", "gave [the press] ...")."""
    if tok.i == verb.i:
        return True
    return any(c.dep_ in ("dobj", "dative", "iobj") and c.right_edge.i == tok.i for c in verb.children)


def _verb_ancestor(tok):
    """The nearest verb above ``tok`` in the parse (``None`` at the root)."""
    for _ in range(6):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


# Verbs whose simple past is spelled like their base form.
_SAME_PAST = frozenset({"hurt", "cut", "set", "put", "hit", "cost", "let", "shut", "quit", "spread",
                        "cast", "bet", "burst", "split", "shed", "upset", "broadcast", "forecast",
                        "bid", "read", "beat", "thrust", "offset", "reset", "undercut"})


def _simple_past_in_disguise(verb) -> bool:
    """"Weakness hurt the index": a verb whose past is its base form ("hurt",
    "cut", "set", "put"), tagged as a plural present, with a singular noun for
    subject cannot be a present (that would be "hurts"): it is a simple past."""
    if verb.tag_ != "VBP" or verb.lower_ not in _SAME_PAST:
        return False
    return any(c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP") for c in verb.children)


def _verb_tense(verb, depth: int) -> str:
    if _simple_past_in_disguise(verb):
        return "past"
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    aux_low = {a.lower_ for a in aux}
    if verb.tag_ == "VBN" and aux_low & (_MODALS_OTHER | {"would", "'d", "could"}) and aux_low & {"have", "'ve"}:
        return "past"  # "would have been", "could have won on Tuesday": a modal perfect looks back
    if aux_low & _MODALS_FUTURE or "going" in aux_low:
        return "future"
    if _past_perfect(verb):
        return "past"  # "had been scheduled to expire Friday": that Friday is over
    if verb.lemma_ in _SCHEDULE_LEMMAS and (aux or verb.tag_ in ("VBZ", "VBP", "VBG", "VBD", "JJ")):
        # "has scheduled a news conference Thursday", "is due", "planned a rally Saturday"
        return "future"
    parent = _verb_ancestor(verb) if depth < 4 else None
    passive = verb.tag_ == "VBN" and any(a.dep_ == "auxpass" for a in aux)
    if (passive or verb.tag_ == "VBG") and not any(a.tag_ in _FINITE_TAGS for a in aux) \
            and not aux_low & {"have", "'ve", "been"}:
        # a passive or progressive with no tense of its own reads like its
        # active verb: an infinitive ("is expected to be approved Friday",
        # "need to be caucusing Monday night") or a get-passive ("is going to
        # start getting beaten in the spring")
        if "to" in aux_low:
            return _infinitive_tense(verb, parent, depth)
        if passive and parent is not None and verb.dep_ in ("xcomp", "ccomp"):
            return _verb_tense(parent, depth + 1)
    if verb.tag_ == "VB" and any(a.lower_ == "to" for a in aux):
        return _infinitive_tense(verb, parent, depth)
    if verb.tag_ == "VB" and not aux and parent is not None and verb.dep_ in ("ccomp", "xcomp"):
        # a bare infinitive takes the time of the verb it completes:
        # "would see him endorse her on Tuesday", "will help them vote Friday"
        return _verb_tense(parent, depth + 1)
    if verb.tag_ == "VBG" and not aux and verb.dep_ == "pcomp" and verb.head.lower_ == "of" \
            and verb.head.head.lemma_ in _PROSPECT_NOUNS:
        return "future"  # "his chances of winning in November"
    if verb.tag_ == "VBG" and not aux:
        # "arriving Tuesday", "closing unchanged Friday": the participle
        # takes the time of the clause it hangs from
        return _verb_tense(parent, depth + 1) if parent is not None else "past"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return "past"
    if aux_low & _BE_PAST:
        return "past"
    if verb.tag_ == "VBG" and aux_low & _BE_PRESENT:
        return "future"  # "is meeting Friday"
    if aux_low & _MODALS_OTHER:
        return "future"
    if verb.tag_ == "VBN" and depth == 0 and aux_low & _BE_PRESENT and not aux_low & _BE_PAST:
        return "present"  # "when the case is heard in May": a present passive
    if verb.tag_ == "VBN":
        return "past"  # "the decision, announced Wednesday"
    if verb.tag_ in ("VBZ", "VBP") or aux_low & _BE_PRESENT or verb.tag_ == "JJ":
        # a present verb reached from a participle or relative clause says
        # little ("statements made Friday are ..."): news reports the past
        return "present" if depth == 0 else "past"
    return "past"


def _infinitive_tense(verb, parent, depth: int) -> str:
    """The tense of an infinitive ("expects to close Friday", "is to resume
    Tuesday"): mostly ahead of the verb it completes."""
    # an infinitive that is the subject ("the countries to join on Friday
    # were ...") takes the tense of its clause
    if verb.dep_ in ("csubj", "csubjpass"):
        return _verb_tense(parent, depth + 1) if parent is not None else "past"
    if parent is not None and _past_perfect(parent):
        return "past"
    if verb.dep_ == "acl" and verb.head.lemma_ in _PLAN_NOUNS:
        return "future"  # "announced an agreement to acquire the bank in January"
    if verb.head.lemma_ in _ASK_LEMMAS and any(c.dep_ in ("dobj", "nsubjpass") for c in verb.head.children):
        return "future"
    if verb.head.lemma_ == "be" and verb.head.tag_ == "VBD" and verb.dep_ == "xcomp":
        # "was to be issued Wednesday": ahead of a past moment, so the day
        # may be behind or ahead of the report; the nearest one
        return "nearest"
    if verb.head.lemma_ in _FUTURE_LEMMAS or verb.head.lemma_ == "be" or (
            parent is not None and parent.lemma_ in _FUTURE_LEMMAS):
        return "future"
    if parent is None:
        return "future"
    tense = _verb_tense(parent, depth + 1)
    # what a present verb needs, wants or has to do lies ahead ("they need to caucus Monday")
    present = parent.tag_ in ("VBZ", "VBP") and not _simple_past_in_disguise(parent)
    return "future" if tense == "past" and present else tense


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


# TIMEX3 season codes -> first month; winter starts in December of its year.
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def period_of(value: str) -> tuple[Date, Date] | None:
    """First and last day of a TIMEX3 date value, or None when it is not a calendar period.

    >>> period_of("2025-W43")
    (datetime.date(2025, 10, 20), datetime.date(2025, 10, 26))
    """
    # Unknown trailing parts fall back to what is known: 2016-07-XX is July,
    # 2016-WXX the year, 201X the decade.
    value = re.sub(r"(-W?X+|X+)$", "", str(value))
    try:
        if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", value):
            day = Date(*map(int, m.groups()))
            return day, day
        if m := re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", value):
            if m[3]:  # the weekend of that week
                return Date.fromisocalendar(int(m[1]), int(m[2]), 6), Date.fromisocalendar(int(m[1]), int(m[2]), 7)
            monday = Date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + datetime.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d\d)", value):
            return _month_span(int(m[1]), int(m[2]), 1)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            return _month_span(int(m[1]), 3 * int(m[2]) - 2, 3)
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
            return _month_span(int(m[1]), _SEASON_START[m[2]], 3)
        if re.fullmatch(r"\d{4}", value):
            return _month_span(int(value), 1, 12)
        if re.fullmatch(r"\d{3}", value):
            return Date(int(value) * 10, 1, 1), Date(int(value) * 10 + 9, 12, 31)
    except ValueError:  # month 13, week 54, year 0 ...
        return None
    return None


def _month_span(year: int, month: int, count: int) -> tuple[Date, Date]:
    last_year, last_month = divmod(year * 12 + month - 1 + count - 1, 12)
    last_month += 1
    return Date(year, month, 1), Date(last_year, last_month, _calendar.monthrange(last_year, last_month)[1])


def names_scheduled_event(noun: Token) -> bool:
    """Whether a noun names an event set in advance ("debate", "vote",
    "hearing", "election"): a time hung on it is the event's."""
    return noun.pos_ == "NOUN" and noun.lemma_.lower() in _words("scheduled")


def looks_ahead(verb: Token) -> bool:
    """Whether a verb tells of something still to come, by its own tense and
    auxiliaries: "will say", "is going to announce", "is to sign", "would
    visit" (``_verb_tense``'s "future")."""
    return _verb_tense(verb, depth=0) == "future"


def normalise(text: str, anchor: Date | None, tense: str = "past") -> tuple[str, str, str]:
    """Type, value and precision of a bare temporal expression.

    Args:
        text: the expression, e.g. "last Friday", "the third quarter", "P2W".
        anchor: the date relative expressions are resolved against (the
            publication date), or ``None`` when there is none.
        tense: "past", "present" or "future": the tense of the clause the
            expression sits in; it decides the direction of "Friday" or "June".

    Returns:
        ``(type, value, precision)``; ``("", "", "")`` when no rule reads it.
    """
    ctx = _Ctx(anchor=anchor, tense=tense)
    s = _norm(text)
    for _, pattern, handler in _fullmatch_rules():
        if pattern.fullmatch(text.strip()):
            r = handler(s, ctx)
            if r:
                return r
    if _month_of(s) and _year_of(s):
        r = _dateparser_day(s)
        if r:
            return r
    return "", "", ""


def find_timexes(doc: Doc, published: Date | None) -> list[Timex]:
    """All temporal expressions of a parsed document, normalised.

    Args:
        doc: a spaCy Doc with tags, dependency parse and entities.
        published: the publication date; ``None`` for narrative text, whose
            relative expressions are then resolved against the last explicit
            date (of at least month precision) mentioned before them.

    Returns:
        ``Timex`` objects sorted by start offset, non-overlapping.
    """
    text = doc.text
    # Doc.text re-joins every token: read it once
    selected = _select(doc, text, _candidates(doc, text))
    occupied = bytearray(len(text) + 1)
    for c in selected:
        occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
    selected += _entity_candidates(doc, text, occupied)
    selected.sort(key=lambda c: c.start)

    # sentence number of a token by bisection (Token.sent walks the doc each time)
    sent_starts = [sent.start for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
    sent_of = {}
    # resolve everything but clock times first, so that "10 p.m." can take the
    # day named elsewhere in its sentence ("at 10:35 a.m. (0735 GMT) Friday")
    results: dict[int, tuple[_Result | None, str, int, int]] = {}
    last_quarter: tuple[int, int] | None = None
    last_quarter_sent = -10
    ref_value = distal_ref = day_ref = ""
    day_ref_sent = distal_ref_sent = 0
    narrative_anchor: Date | None = None
    days_by_sent: dict[int, list[tuple[int, Date]]] = {}
    deferred = []
    scene_years: dict[int, int] = {}  # sentence -> the year it opens with
    defining: dict[int, list[int]] = {}  # candidate -> tokens of its _defining_phrase
    for idx, c in enumerate(selected):
        span = _span_tokens(doc, c.start, c.end)
        if span is None:
            continue
        sent_i = bisect.bisect_right(sent_starts, span.start) - 1
        sent_of[idx] = sent_i
        expr = text[c.start:c.end]
        s = _norm(expr)
        if published is not None:
            anchor, note = published, "published"
        else:
            anchor, note = narrative_anchor, "narrative"
        ctx = _Ctx(anchor=anchor, anchor_note=note, narrative=published is None,
                   tense=_tense(doc, span.start, span.end),
                   occasion=c.rule == "holiday" and _names_occasion(span),
                   possessive=_possessive_after(doc, span.end),
                   noun_modifier=len(span) == 1 and span[0].dep_ in ("compound", "amod", "nmod")
                   and span[0].head.pos_ == "NOUN" and span[0].head.i > span[0].i,
                   last_quarter=last_quarter,
                   quarter_near=last_quarter is not None and sent_i - last_quarter_sent <= 3,
                   ref_value=ref_value, distal_ref=distal_ref,
                   day_ref=day_ref if sent_i - day_ref_sent <= DAY_IN_VIEW else "",
                   near_ref=distal_ref if sent_i - distal_ref_sent <= 3 else "",
                   scene_year=scene_years.get(sent_i))
        if c.handler in (_h_pod, _h_season):
            ctx.defined_by, phrase = _defining_phrase(doc, span)
            if c.handler is _h_season and not any(_YEAR_TOKEN.fullmatch(doc[i].text) for i in phrase):
                # "in the spring after the scandal broke": the anchor's last
                # spring is as good a reading as any; only a year in the
                # phrase says it is another one
                ctx.defined_by = ""
            if phrase:
                defining[idx] = phrase
        if c.handler in (_h_clock, _h_pod, _h_in_the_day):
            deferred.append((idx, c, span, s, ctx))
            continue
        r = c.handler(s, ctx)
        if r and c.rule == "year" and re.fullmatch(r"\d{4}", r[1]) and _opens_sentence(doc, span):
            scene_years[sent_i] = int(r[1])
        if r and c.rule == "date" and not _year_of(s):
            named = _named_event(doc, span, r)
            if named is not r:
                r, ctx.used_anchor = named, False  # a fixed day: no anchor involved
        results[idx] = (r, _anchor_text(ctx), span.start, span.end)
        if r:
            typ, value, precision = r
            if precision == "quarter" and re.fullmatch(r"\d{4}-Q\d", value) \
                    and not _YEAR_AGO.search(s):
                quarter = (int(value[:4]), int(value[-1]))
                # the quarter under discussion is the latest one mentioned;
                # an older one is the comparison ("the 1988 period")
                # a quarter still to come is a forecast, not the one reported on
                # (the quarter the anchor falls in has not been reported on
                # unless the clause says so in the past tense)
                current = (anchor.year, _quarter(anchor)) if anchor else quarter
                if anchor and ctx.tense != "past":
                    current = _add_quarters(*current, -1)
                if (last_quarter is None or quarter >= last_quarter) and quarter <= current:
                    last_quarter = quarter
                last_quarter_sent = sent_i
            if typ == "DATE" and re.match(r"\d{4}", value) and c.handler is not _h_year_ago:
                ref_value = value
                if not _DEICTIC.search(s):
                    distal_ref, distal_ref_sent = value, sent_i
                    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                        day_ref, day_ref_sent = value, sent_i
            if precision in ("day", "time") and re.match(r"\d{4}-\d\d-\d\d", value):
                # "Tuesday morning" names its day as "Tuesday" does
                days_by_sent.setdefault(sent_i, []).append((c.start, Date.fromisoformat(value[:10])))
            # a narrative's clock is its last calendar date of at least month
            # precision; a bare year ("the 2024 campaign") is too coarse to move it
            if published is None and c.rule in ("date", "month", "numeric") \
                    and precision in ("day", "month") and re.match(r"\d{4}-\d\d", value):
                narrative_anchor = _date_of_value(value) or narrative_anchor
    # clock times that name their day first ("4 a.m. EDT Thursday"): their
    # day then serves the bare ones of the same sentence ("4 in the morning")
    deferred.sort(key=lambda item: _DAY_WORD.search(item[3]) is None)
    recurring = set()  # sentences that tell of a recurring time ("every Friday", "weekdays")
    if deferred:
        recurring = {sent_of[idx] for idx, (r, *_rest) in results.items() if r and r[0] == "SET"}
        recurring |= {bisect.bisect_right(sent_starts, t.i) - 1 for t in doc if t.lower_ in ("weekdays", "weeknights")}
    for idx, c, span, s, ctx in deferred:
        days = days_by_sent.get(sent_of[idx])
        if days:
            ctx.sentence_day = min(days, key=lambda d: abs(d[0] - c.start))[1]
        ctx.recurring = sent_of[idx] in recurring
        if ctx.defined_by:
            ctx.defined_day = _day_defined(ctx, defining[idx], results, doc, span)
        r = c.handler(s, ctx)
        results[idx] = (r, _anchor_text(ctx), span.start, span.end)
        if r and _DAY_WORD.search(s) and re.match(r"\d{4}-\d\d-\d\d", r[1]):
            days_by_sent.setdefault(sent_of[idx], []).append((c.start, Date.fromisoformat(r[1][:10])))

    out = []
    for idx, c in enumerate(selected):
        if idx not in results:
            continue
        r, anchor_text, ts, te = results[idx]
        if r is None:
            if c.rule in ("entity",):
                continue
            r = ("DATE", "", "")
        typ, value, precision = r
        if not typ:
            continue
        out.append(Timex(start=c.start, end=c.end, text=text[c.start:c.end], type=typ, value=value,
                         precision=precision, anchor=anchor_text, token_start=ts, token_end=te))
        if c.rule == "date":
            tail = _second_day(doc, text, out[-1], occupied)
            if tail is not None:
                out.append(tail)
    return out


_SECOND_DAY = re.compile(r"\s+(?:and|or|to|through|until|till)\s+((?:[12]\d|3[01]|0?[1-9]))(?:st|nd|rd|th)?(?![\w%.,]\d|\w)")


def _second_day(doc: Doc, text: str, first: Timex, occupied: bytearray) -> Timex | None:
    """The bare day after a date: "April 24 and 25" names April 25 too."""
    m = re.fullmatch(r"(\d{4}|XXXX)-(\d\d)-(\d\d)", first.value)
    if not m or not first.text[-1:].isdigit() and not first.text.endswith(("st", "nd", "rd", "th")):
        return None
    tail = _SECOND_DAY.match(text, first.end)
    if not tail or any(occupied[tail.start(1):tail.end()]):
        return None
    day = int(tail.group(1))
    span = _span_tokens(doc, tail.start(1), tail.end())
    if span is None or day <= int(m.group(3)):
        return None
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "NUM"):
        return None  # "on May 4 and 5 people died": a count, not a day
    try:
        Date(2000, int(m.group(2)), day)
    except ValueError:
        return None
    return Timex(start=tail.start(1), end=tail.end(), text=text[tail.start(1):tail.end()], type="DATE",
                 value=f"{m.group(1)}-{m.group(2)}-{day:02d}", precision="day", anchor=first.anchor,
                 token_start=span.start, token_end=span.end)


_DEICTIC = re.compile(r"\b(?:today|tonight|now|this|current|currently|present)\b")
_DAY_WORD = re.compile(r"day\b|yesterday|tomorrow|tonight|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _anchor_text(ctx: _Ctx) -> str:
    if ctx.text_ref:
        return ctx.text_ref
    if not ctx.used_anchor or ctx.anchor is None:
        return ""
    return f"{ctx.anchor.isoformat()} ({ctx.anchor_note})"


def _date_of_value(value: str) -> Date | None:
    m = re.match(r"(\d{4})-(\d\d)(?:-(\d\d))?", value)
    if not m:
        return None
    try:
        return Date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None
