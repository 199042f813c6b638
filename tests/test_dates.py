"""Tests of the dates stage: normalisation table and detection on short sentences.

Every sentence here is written for the tests; none comes from a corpus.
"""

import datetime

import pytest

from pipeline.dates import Timex, find_timexes, normalise

D = datetime.date
TUE = D(2025, 10, 21)  # a Tuesday: the publication date of most rows below


# (expression, anchor, tense, expected type, expected value)
TABLE = [
    # calendar days
    ("October 16, 2025", None, "past", "DATE", "2025-10-16"),
    ("Oct. 16, 2025", TUE, "past", "DATE", "2025-10-16"),
    ("16 October 2025", None, "past", "DATE", "2025-10-16"),
    ("Thursday, Oct. 16", TUE, "past", "DATE", "2025-10-16"),
    ("the 16th of October", TUE, "past", "DATE", "2025-10-16"),
    ("October 17", TUE, "past", "DATE", "2025-10-17"),
    ("Nov. 9", TUE, "future", "DATE", "2025-11-09"),
    ("Jan. 5", D(2025, 12, 20), "future", "DATE", "2026-01-05"),
    ("October 17", None, "past", "DATE", "XXXX-10-17"),
    ("2025-10-16", None, "past", "DATE", "2025-10-16"),
    ("16/10/2025", None, "past", "DATE", "2025-10-16"),
    ("10/16/2025", None, "past", "DATE", "2025-10-16"),
    # months
    ("June", TUE, "past", "DATE", "2025-06"),
    ("December", TUE, "past", "DATE", "2024-12"),
    ("January", TUE, "future", "DATE", "2026-01"),
    ("early December", TUE, "future", "DATE", "2025-12"),
    ("mid-November", TUE, "future", "DATE", "2025-11"),
    ("last April", TUE, "past", "DATE", "2025-04"),
    ("July 1988", None, "past", "DATE", "1988-07"),
    ("March last year", TUE, "past", "DATE", "2024-03"),
    # years
    ("1988", None, "past", "DATE", "1988"),
    ("fiscal 1989", None, "past", "DATE", "1989"),
    ("last year", TUE, "past", "DATE", "2024"),
    ("this year", TUE, "past", "DATE", "2025"),
    ("next year", TUE, "future", "DATE", "2026"),
    ("earlier this year", TUE, "past", "DATE", "2025"),
    ("the year two thousand", None, "past", "DATE", "2000"),
    ("nineteen ninety-six", None, "past", "DATE", "1996"),
    ("the second half of 2024", None, "past", "DATE", "2024-H2"),
    # weeks
    ("this week", TUE, "past", "DATE", "2025-W43"),
    ("last week", TUE, "past", "DATE", "2025-W42"),
    ("next week", TUE, "future", "DATE", "2025-W44"),
    ("two weeks ago", TUE, "past", "DATE", "2025-W41"),
    ("the weekend", TUE, "past", "DATE", "2025-W42-WE"),
    # a weekend is the end of its ISO week: the coming one is this week's
    ("this weekend", TUE, "future", "DATE", "2025-W43-WE"),
    ("the weekend", D(2025, 10, 20), "future", "DATE", "2025-W43-WE"),
    ("this weekend", D(2025, 10, 25), "past", "DATE", "2025-W43-WE"),
    ("last weekend", TUE, "past", "DATE", "2025-W42-WE"),
    # quarters
    ("the third quarter", TUE, "past", "DATE", "2025-Q3"),
    ("third-quarter", TUE, "past", "DATE", "2025-Q3"),
    ("the fourth quarter of 1989", None, "past", "DATE", "1989-Q4"),
    ("the first quarter", TUE, "future", "DATE", "2026-Q1"),
    ("last quarter", TUE, "past", "DATE", "2025-Q3"),
    ("the latest quarter", TUE, "past", "DATE", "2025-Q3"),
    # seasons
    ("last summer", TUE, "past", "DATE", "2025-SU"),
    ("next spring", TUE, "future", "DATE", "2026-SP"),
    ("the winter of 1994", None, "past", "DATE", "1994-WI"),
    ("this fall", TUE, "past", "DATE", "2025-FA"),
    # decades and centuries
    ("the 1990s", None, "past", "DATE", "199"),
    ("the early 1980s", None, "past", "DATE", "198"),
    ("the '70s", None, "past", "DATE", "197"),
    ("the nineties", None, "past", "DATE", "199"),
    ("the 20th century", None, "past", "DATE", "19"),
    # times of day
    ("10:35 a.m.", TUE, "past", "TIME", "2025-10-21T10:35"),
    ("5 p.m. EST Nov. 9", TUE, "future", "TIME", "2025-11-09T17:00"),
    ("noon Thursday", TUE, "future", "TIME", "2025-10-23T12:00"),
    ("Tuesday morning", TUE, "past", "TIME", "2025-10-21TMO"),
    ("yesterday afternoon", TUE, "past", "TIME", "2025-10-20TAF"),
    ("last night", TUE, "past", "TIME", "2025-10-20TNI"),
    ("this morning", TUE, "past", "TIME", "2025-10-21TMO"),
    # durations
    ("three years", TUE, "past", "DURATION", "P3Y"),
    ("two weeks", TUE, "past", "DURATION", "P2W"),
    ("the past three years", TUE, "past", "DURATION", "P3Y"),
    ("the first nine months", TUE, "past", "DURATION", "P9M"),
    ("five hours", TUE, "past", "DURATION", "PT5H"),
    ("more than four hours", TUE, "past", "DURATION", "PT4H"),
    ("5 1/2 hours", TUE, "past", "DURATION", "PT5H30M"),
    ("a minute and a half", TUE, "past", "DURATION", "PT1M30S"),
    ("seven and a half years", TUE, "past", "DURATION", "P7Y6M"),
    # a hyphenated tens-and-ones number is one number, not a range
    ("twenty-five years", TUE, "past", "DURATION", "P25Y"),
    ("twenty-five to thirty years", TUE, "past", "DURATION", "PXY"),
    ("Seventy-four years ago", TUE, "past", "DATE", "1951"),
    # the count joined to the unit, whatever comes before it
    ("a second five-year term", TUE, "past", "DURATION", "P5Y"),
    # a quarter of a century is 25 years, not a fiscal quarter
    ("nearly a quarter-century", TUE, "past", "DURATION", "P25Y"),
    ("the past quarter-century", TUE, "past", "DURATION", "P25Y"),
    # "of last year" belongs to the day before it
    ("June 16th of last year", TUE, "past", "DATE", "2024-06-16"),
    ("March 3 of next year", TUE, "future", "DATE", "2026-03-03"),
    ("one and a half hours", TUE, "past", "DURATION", "PT1H30M"),
    ("10-hour", TUE, "past", "DURATION", "PT10H"),
    ("two-year", TUE, "past", "DURATION", "P2Y"),
    ("several years", TUE, "past", "DURATION", "PXY"),
    ("the next few days", TUE, "future", "DURATION", "PXD"),
    ("two to three weeks", TUE, "past", "DURATION", "PXW"),
    # sets
    ("every week", TUE, "past", "SET", "P1W"),
    ("every two years", TUE, "past", "SET", "P2Y"),
    ("daily", TUE, "past", "SET", "P1D"),
    ("weekly", TUE, "past", "SET", "P1W"),
    ("each Thursday", TUE, "past", "SET", "XXXX-WXX-4"),
    ("each July", TUE, "past", "SET", "XXXX-07"),
    # vague references
    ("now", TUE, "present", "DATE", "PRESENT_REF"),
    ("currently", TUE, "present", "DATE", "PRESENT_REF"),
    ("right now", TUE, "present", "DATE", "PRESENT_REF"),
    ("recently", TUE, "past", "DATE", "PAST_REF"),
    ("formerly", TUE, "past", "DATE", "PAST_REF"),
    ("the future", TUE, "future", "DATE", "FUTURE_REF"),
    ("the near future", TUE, "future", "DATE", "FUTURE_REF"),
    ("a later date", TUE, "future", "DATE", "FUTURE_REF"),
    ("then current", TUE, "past", "DATE", "PAST_REF"),
    # deictic days
    ("today", TUE, "past", "DATE", "2025-10-21"),
    ("yesterday", TUE, "past", "DATE", "2025-10-20"),
    ("tomorrow", TUE, "future", "DATE", "2025-10-22"),
    # weekdays: before, after and equal to the anchor, by tense
    ("Friday", TUE, "past", "DATE", "2025-10-17"),
    ("Friday", TUE, "future", "DATE", "2025-10-24"),
    ("Monday", TUE, "past", "DATE", "2025-10-20"),
    ("Monday", TUE, "future", "DATE", "2025-10-27"),
    ("Tuesday", TUE, "past", "DATE", "2025-10-21"),
    ("Tuesday", TUE, "future", "DATE", "2025-10-21"),
    ("last Friday", TUE, "past", "DATE", "2025-10-17"),
    ("last Tuesday", TUE, "past", "DATE", "2025-10-14"),
    ("next Friday", TUE, "future", "DATE", "2025-10-24"),
    ("Friday", None, "past", "DATE", "XXXX-WXX-5"),
    # other relative expressions
    ("next month", TUE, "future", "DATE", "2025-11"),
    ("last month", TUE, "past", "DATE", "2025-09"),
    ("earlier this month", TUE, "past", "DATE", "2025-10"),
    ("three days ago", TUE, "past", "DATE", "2025-10-18"),
    ("a year ago", TUE, "past", "DATE", "2024"),
    ("six months ago", TUE, "past", "DATE", "2025-04"),
    # a fractional count is counted in the next smaller unit, not rounded
    ("two and a half years ago", TUE, "past", "DATE", "2023-04"),
    ("half a century ago", TUE, "past", "DATE", "1975"),
    ("a month and a half ago", TUE, "past", "DATE", "2025-W36"),
    ("early next year", TUE, "future", "DATE", "2026"),
    # holidays
    ("Thanksgiving", TUE, "future", "DATE", "2025-11-27"),
    # Super Tuesday: in an election year that year's, before one the coming one
    ("Super Tuesday", D(2016, 2, 20), "past", "DATE", "2016-03-01"),
    ("Super Tuesday", D(2016, 5, 18), "past", "DATE", "2016-03-01"),
    ("Super Tuesday", D(2019, 11, 5), "past", "DATE", "2020-03-03"),
    ("Super Tuesday", D(2017, 3, 1), "past", "DATE", "2016-03-01"),
    ("Christmas", TUE, "past", "DATE", "2024-12-25"),
    ("Easter", D(2025, 3, 1), "future", "DATE", "2025-04-20"),
    # decades count in years; plural weekdays with a part of day keep it
    ("two decades", TUE, "past", "DURATION", "P20Y"),
    ("three decades", TUE, "past", "DURATION", "P30Y"),
    ("decades-long", TUE, "past", "DURATION", "PXY"),
    ("a century", TUE, "past", "DURATION", "P1C"),
    # "the past decade" is the ten years up to the anchor, not the 2010s;
    # "the last decade" is the calendar one before the anchor's
    ("the past decade", TUE, "past", "DURATION", "P10Y"),
    ("the past century", TUE, "past", "DURATION", "P1C"),
    ("the last decade", TUE, "past", "DATE", "201"),
    ("Tuesday nights", TUE, "past", "SET", "XXXX-WXX-2TNI"),
    ("Sunday mornings", TUE, "past", "SET", "XXXX-WXX-7TMO"),
    # business shorthand for quarters, halves and fiscal years
    ("Q3 2025", None, "past", "DATE", "2025-Q3"),
    ("Q1 of 2024", None, "past", "DATE", "2024-Q1"),
    ("2026 Q2", None, "past", "DATE", "2026-Q2"),
    ("Q4 '24", None, "past", "DATE", "2024-Q4"),
    ("Q2", TUE, "past", "DATE", "2025-Q2"),
    ("Q1", TUE, "future", "DATE", "2026-Q1"),
    ("H1 2025", None, "past", "DATE", "2025-H1"),
    ("2024 H2", None, "past", "DATE", "2024-H2"),
    ("FY2026", None, "past", "DATE", "2026"),
    ("FY24", None, "past", "DATE", "2024"),
    # edges without "the" (wire and headline style)
    ("end of October", TUE, "future", "DATE", "2025-10"),
    ("end-2026", TUE, "future", "DATE", "2026"),
    ("the end of the decade", TUE, "future", "DATE", "202"),
    # frequencies: the period is the value, the count is not
    ("once a week", TUE, "past", "SET", "P1W"),
    ("three times a year", TUE, "past", "SET", "P1Y"),
    ("twice per month", TUE, "past", "SET", "P1M"),
    # the day next to a named day
    ("the day before last Tuesday", TUE, "past", "DATE", "2025-10-13"),
    ("the day after Oct. 12", TUE, "past", "DATE", "2025-10-13"),
    ("the day before March 1", None, "past", "DATE", "XXXX-02-28"),
    ("the day after Friday", None, "past", "DATE", "XXXX-WXX-6"),
]


@pytest.mark.parametrize("expression,anchor,tense,typ,value", TABLE)
def test_normalise_table(expression, anchor, tense, typ, value):
    got_type, got_value, _precision = normalise(expression, anchor, tense)
    assert (got_type, got_value) == (typ, value)


@pytest.mark.parametrize("expression,precision", [
    ("October 16, 2025", "day"), ("June 2024", "month"), ("the third quarter of 2024", "quarter"),
    ("last summer", "season"), ("2024", "year"), ("the 1990s", "decade"), ("the 20th century", "century"),
    ("last week", "week"), ("10:35 a.m.", "time"), ("three years", ""), ("now", ""), ("daily", ""),
])
def test_normalise_precision(expression, precision):
    assert normalise(expression, TUE, "past")[2] == precision


def test_normalise_unreadable():
    assert normalise("the day the music died", TUE) == ("", "", "")


# ---------------------------------------------------------------- detection


def _find(nlp, text, published=TUE):
    return find_timexes(nlp(text), published)


def _spans(nlp, text, published=TUE):
    return [t.text for t in _find(nlp, text, published)]


def test_timex_fields_are_consistent(nlp):
    text = "The board met on Friday and will meet again next month, three weeks after the vote."
    doc = nlp(text)
    found = find_timexes(doc, TUE)
    assert [t.text for t in found] == ["Friday", "next month", "three weeks"]
    previous_end = -1
    for t in found:
        assert isinstance(t, Timex)
        assert t.text == text[t.start:t.end]
        assert doc[t.token_start:t.token_end].text == t.text
        assert t.start >= previous_end
        previous_end = t.end
    friday, month, weeks = found
    assert (friday.type, friday.value, friday.precision) == ("DATE", "2025-10-17", "day")
    assert friday.anchor == "2025-10-21 (published)"
    assert (month.value, month.precision) == ("2025-11", "month")
    assert (weeks.type, weeks.value, weeks.precision, weeks.anchor) == ("DURATION", "P3W", "", "")


def test_span_excludes_preposition(nlp):
    assert _spans(nlp, "The minister said on Tuesday that talks had failed.") == ["Tuesday"]
    assert _spans(nlp, "Prices have risen in the past three years.") == ["the past three years"]
    assert _spans(nlp, "Work should start in early December.") == ["early December"]
    assert _spans(nlp, "Sales fell sharply during the 1990s.") == ["the 1990s"]


def test_span_excludes_the_conjunction_that(nlp):
    # "that" opening a clause is not the "that" of "that day"
    assert _spans(nlp, "The mayor said that Friday's vote was close.") == ["Friday"]
    assert _spans(nlp, "The mayor lost the vote that day.") == ["that day"]


def test_tense_decides_the_weekday(nlp):
    said, meet = _find(nlp, "She said on Friday that the council will meet on Thursday.")
    assert said.value == "2025-10-17"
    assert meet.value == "2025-10-23"
    assert _find(nlp, "The ministers met Tuesday.")[0].value == "2025-10-21"


def test_month_without_year_takes_the_tense(nlp):
    (june,) = _find(nlp, "The factory closed in June.")
    assert june.value == "2025-06"
    (january,) = _find(nlp, "The factory will reopen in January.")
    assert january.value == "2026-01"


@pytest.mark.parametrize("text", [
    "We may see higher prices.",
    "The bonds cost $27 each and rose 1/2 point.",
    "March with us, the organisers told the crowd.",
    "The retired teacher is 62 years old.",
    "A 6-year-old boy was rescued.",
    "Leaves fall from the trees.",
    "The index closed at 1678.5 points.",
    "May I ask a question?",
    "Divers explored the reefs off Christmas Island.",  # a place the holiday's name begins
    "She used to host one of the morning shows.",  # a kind of programme, not a time
    "The evening news led with the strike.",
    # a level by tens, not a decade
    "The mayor's approval rating has sunk into the mid-20s.",
    "Her support rose to the low 50s while his stayed in the 40s.",
    # a number that names a section, a bill, a flight or a union local
    "Agents are looking at Section 1776 of the code, which covers false statements.",
    "The judge struck down HB 1523 as unconstitutional.",
    "The crew of Flight 1832 landed safely.",
    "Members of Local 1991 walked out.",
])
def test_false_positives_are_rejected(nlp, text):
    assert _spans(nlp, text) == []


@pytest.mark.parametrize("text,value", [
    ("Delegates flew in for the Climate Action 2016 summit.", "2016"),
    ("Turnout in the local 2018 elections was low.", "2018"),  # "local", not "Local 1199"
])
def test_a_year_after_other_words_stays_a_year(nlp, text, value):
    assert [t.value for t in _find(nlp, text)] == [value]


def test_narrative_carries_the_year_forward(nlp):
    text = ("On October 16, 2025, the council met in private. "
            "The 2024 campaign had been bitter. "
            "On October 17 it voted to dissolve itself. "
            "In March, the mayor had already resigned.")
    found = {t.text: t for t in _find(nlp, text, published=None)}
    assert found["October 16, 2025"].value == "2025-10-16"
    assert found["October 16, 2025"].anchor == ""
    assert found["2024"].value == "2024"
    assert found["October 17"].value == "2025-10-17"
    assert found["October 17"].anchor == "2025-10-16 (narrative)"
    # the bare year 2024 in between does not become the anchor
    assert found["March"].value == "2025-03"


def test_anchor_says_what_in_the_text_a_value_was_counted_from(nlp):
    text = ("The strike began on March 3, 2024. Two days later, the plant closed. "
            "On Friday the union met; by 4 p.m. the talks had failed.")
    found = {t.text: t.anchor for t in _find(nlp, text)}
    assert found == {"March 3, 2024": "", "Two days later": "2024-03-03 (previous date)",
                     "Friday": "2025-10-21 (published)", "4 p.m.": "2025-10-17 (same sentence)"}


def test_narrative_without_any_date_leaves_relative_values_open(nlp):
    found = _find(nlp, "On Friday the committee met again.", published=None)
    assert [(t.text, t.value) for t in found] == [("Friday", "XXXX-WXX-5")]


# (text, every timex found as (text, value)): anaphora resolved against the text
ANAPHORA_CASES = [
    # "the next day" counts from the previous date
    ("The strike began on March 3, 2024. The next day, the factory closed.",
     [("March 3, 2024", "2024-03-03"), ("The next day", "2024-03-04")]),
    # "that year" points past "today" to the last time placed elsewhere
    ("The party won 61 percent of the vote in 2008. Today it polls 40 percent, well below its showing that year.",
     [("2008", "2008"), ("Today", "2025-10-21"), ("that year", "2008")]),
    # a year says nothing about which week or month "that week" or "that month" is
    ("The bridge opened in 2012. Flooding closed it again that month and the same week.",
     [("2012", "2012"), ("that month", "2012-XX"), ("the same week", "2012-WXX")]),
    # a bare year between the day and "that morning" is a digression, not the day;
    # the part of day stays, as in "Friday morning"
    ("The vote was held on March 3, 2024, in the old town hall. The hall had opened in 1975. "
     "That morning, protesters filled the square.",
     [("March 3, 2024", "2024-03-03"), ("1975", "1975"), ("That morning", "2024-03-03TMO")]),
    ("The strike began on March 3, 2024. The next afternoon, the factory closed.",
     [("March 3, 2024", "2024-03-03"), ("The next afternoon", "2024-03-04TAF")]),
    # the day of a week (or a season) keeps only its year
    ("The band played in Ohio last week. Fans queued for hours that night.",
     [("last week", "2025-W42"), ("that night", "2025-XX-XX")]),
    # "the latest period" is the quarter under discussion, not always the last one ended
    ("The retailer lost money in its fiscal second quarter. Sales in the latest period rose 5%.",
     [("its fiscal second quarter", "2025-Q2"), ("the latest period", "2025-Q2")]),
    ("Sales in the latest period rose 5%.", [("the latest period", "2025-Q3")]),
    # "the next month" told in the past is the one after the time the text is at ...
    ("The row began in September 2024. The next month, a former aide sued the board.",
     [("September 2024", "2024-09"), ("The next month", "2024-10")]),
    ("The province brought in the levy in 2008. Rivals fought it in elections the next year.",
     [("2008", "2008"), ("the next year", "2009")]),
    # ... ahead of a future verb, or before a possessive, the one after the report
    ("The row began in 2008. The plant will be closed over the next year.",
     [("2008", "2008"), ("the next year", "2026")]),
    ("The row began in 2008. The senator has momentum heading into the next week's primaries.",
     [("2008", "2008"), ("the next week", "2025-W44")]),
    # "June of that year" is one expression in the year the text is at
    ("The mill closed in 1987. It reopened in June of that year under a new owner.",
     [("1987", "1987"), ("June of that year", "1987-06")]),
    ("The mill closed in 1987. Its owner sold it in the spring of the following year.",
     [("1987", "1987"), ("the spring of the following year", "1988-SP")]),
    ("The mill closed in 1987. The auction was held on May 4 of the same year.",
     [("1987", "1987"), ("May 4 of the same year", "1987-05-04")]),
    # "the very next year" is "the next year"
    ("The mill closed in January 2019. The very next year, its owner sold the site.",
     [("January 2019", "2019-01"), ("The very next year", "2020")]),
    # told in the past, "the evening" is the evening of the day the text is at ...
    ("The mayor spoke in Dayton on Friday. Later in the evening, she flew back to the capital.",
     [("Friday", "2025-10-17"), ("Later in the evening", "2025-10-17TEV")]),
    # ... but not of a day still to come
    ("Voters go to the polls on Nov. 4. The candidates debated earlier in the evening.",
     [("Nov. 4", "2025-11-04"), ("earlier in the evening", "2025-10-21TEV")]),
    # "two days later", "three years earlier" count from the time the story is at ...
    ("The storm hit the coast on Oct. 3. Two days later, the town was still dark.",
     [("Oct. 3", "2025-10-03"), ("Two days later", "2025-10-05")]),
    ("The law passed in 2012. Three years earlier, it had been drafted by a committee.",
     [("2012", "2012"), ("Three years earlier", "2009")]),
    # ... with no time in view, "earlier" counts from publication and "later" is a stretch
    ("The suspect was arrested two days earlier. The results came a few hours later.",
     [("two days earlier", "2025-10-19"), ("a few hours later", "PTXH")]),
    # ... and a day still to come is not where a past clause is at
    ("The primary is on Nov. 4. A day earlier, six protesters were arrested.",
     [("Nov. 4", "2025-11-04"), ("A day earlier", "2025-10-20")]),
    # a year the sentence opens with sets the year of a month or day in it ...
    ("In 2008, the campaign began airing ads in mid-September.", [("2008", "2008"), ("mid-September", "2008-09")]),
    ("But in 2012, the mill closed on April 5.", [("2012", "2012"), ("April 5", "2012-04-05")]),
    # ... a year in passing does not
    ("He was extradited in 2014 and pleaded guilty in May.", [("2014", "2014"), ("May", "2025-05")]),
    # "earlier in the night" is a part of the day reported on, not a stretch of days
    ("The senator conceded earlier in the night that the race was lost.",
     [("earlier in the night", "2025-10-21TNI")]),
    # ... and told in the past, of the day the text is at (or its sentence names)
    ("The mayor toured the flooded wards on Friday. During a speech earlier in the day, she thanked the crews.",
     [("Friday", "2025-10-17"), ("earlier in the day", "2025-10-17")]),
    # ... which stays in view for DAY_IN_VIEW sentences of telling ...
    ("The mayor toured the flooded wards on Friday. She met the families of the missing. The water had risen fast. "
     "Crews worked through the night. The bridge on Route 9 was lost. During a speech earlier in the day, she "
     "thanked the crews.", [("Friday", "2025-10-17"), ("earlier in the day", "2025-10-17")]),
    # ... and no longer
    ("The mayor toured the flooded wards on Friday. She met the families of the missing. The water had risen fast. "
     "Crews worked through the night. The bridge on Route 9 was lost. The levee held. Two pumps failed. During a "
     "speech earlier in the day, she thanked the crews.", [("Friday", "2025-10-17"), ("earlier in the day", "2025-10-21")]),
    ("Later in the day, the senator met the donors.", [("Later in the day", "2025-10-21")]),
    ("The minister lands in Lima on Thursday morning and flies on to Quito later in the day.",
     [("Thursday morning", "2025-10-23TMO"), ("later in the day", "2025-10-23")]),
    # a part of day whose day a phrase or clause defines is the day that names ...
    ("The treasurer resigned the morning after the Oct. 14 vote.",
     [("the morning", "2025-10-15TMO"), ("Oct. 14", "2025-10-14")]),
    ("The coach was sacked the evening before Saturday's final.",
     [("the evening", "2025-10-17TEV"), ("Saturday", "2025-10-18")]),
    ("The morning the dam burst on Oct. 2, crews evacuated the valley.",
     [("The morning", "2025-10-02TMO"), ("Oct. 2", "2025-10-02")]),
    # ... or, unnamed, some other day than the anchor's
    ("The mayor toured the docks the morning after the storm.", [("the morning", "XXXX-XX-XXTMO")]),
    ("The evening the votes came in, the senator thanked his staff.", [("The evening", "XXXX-XX-XXTEV")]),
    # ... unless a day stands beside it
    ("The panel met Wednesday, the morning after the primary was decided.",
     [("Wednesday", "2025-10-15"), ("the morning", "2025-10-15TMO")]),
    # the season next to a year the phrase names is not the anchor's
    ("The party met in Ohio the summer after the 2012 defeat.", [("the summer", "XXXX-SU"), ("2012", "2012")]),
    # ... a season after an undated event is the anchor's last one, as a bare season is
    ("The firm settled in the spring after the leak was reported.", [("the spring", "2025-SP")]),
    # ... and a season described after a comma is already known
    ("The firm first denied it in the spring, when the leak was reported.", [("the spring", "2025-SP")]),
]


@pytest.mark.parametrize("text,expected", ANAPHORA_CASES)
def test_anaphora_families(nlp, text, expected):
    assert [(t.text, t.value) for t in _find(nlp, text)] == expected


@pytest.mark.parametrize("text,expected", [
    # a clock time in a sentence that tells of a recurring time is a time of any such day ...
    ("The program airs weekdays from 6 a.m. to 9 a.m.", [("6 a.m.", "XXXX-XX-XXT06:00"), ("9 a.m.", "XXXX-XX-XXT09:00")]),
    ("Every Friday, from 8 a.m. to noon, she chaired the committee.",
     [("Every Friday", "XXXX-WXX-5"), ("8 a.m.", "XXXX-XX-XXT08:00"), ("noon", "XXXX-XX-XXT12:00")]),
    # ... but of the anchor's day otherwise
    ("The program aired from 6 a.m. to 9 a.m.", [("6 a.m.", "2025-10-21T06:00"), ("9 a.m.", "2025-10-21T09:00")]),
])
def test_clock_times_of_a_recurring_time(nlp, text, expected):
    assert [(t.text, t.value) for t in _find(nlp, text)] == expected


def test_year_ago_in_a_quarterly_report(nlp):
    text = ("The company earned $5 million in the third quarter, "
            "up from $4 million a year earlier.")
    found = _find(nlp, text)
    assert [(t.text, t.value) for t in found] == [("the third quarter", "2025-Q3"),
                                                  ("a year earlier", "2024-Q3")]


def test_clock_time_takes_the_day_of_its_sentence(nlp):
    found = _find(nlp, "The blast happened at 10:35 a.m. on Friday.")
    assert [(t.text, t.type, t.value) for t in found] == [
        ("10:35 a.m.", "TIME", "2025-10-17T10:35"), ("Friday", "DATE", "2025-10-17")]


# ------------------------------------------- families fixed for TempEval value F1
# (sentences invented for these tests; TUE = Tuesday 2025-10-21 is the anchor)



# (sentence, expression, expected type, expected value): the verb's tense
# and the construction around the expression decide its direction
TENSE_CASES = [
    # a past perfect with "by" / "until" looks back, not ahead
    ("Forty members had filed their reports by Monday.", "Monday", "DATE", "2025-10-20"),
    ("Until Thursday, the police had not named a suspect.", "Thursday", "DATE", "2025-10-16"),
    # "had been scheduled / due to" a weekday: that weekday is over
    ("The permit had been due to expire Friday evening.", "Friday evening", "TIME", "2025-10-17TEV"),
    ("The sale had been scheduled to close at midnight Friday.", "midnight Friday", "TIME",
     "2025-10-17T24:00"),
    # a holiday naming an occasion is the one within a month of the report, whatever the tense;
    # farther off, the tense decides
    ("The Halloween parade was cancelled.", "Halloween", "DATE", "2025-10-31"),
    ("The Veterans Day parade was called off.", "Veterans Day", "DATE", "2025-11-11"),
    ("The Christmas party was cancelled.", "Christmas", "DATE", "2024-12-25"),
    # a month before an event set in advance is the coming one, unless a plain simple past tells of it
    ("Pensions will be a bigger issue in the March elections.", "March", "DATE", "2026-03"),
    ("The party could lose the June referendum.", "June", "DATE", "2026-06"),
    ("The governor won the March election easily.", "March", "DATE", "2025-03"),
    ("The rules leave their votes uncommitted until the convention in July.", "July", "DATE", "2026-07"),
    ("The primary on March 3 drew a record turnout.", "March 3", "DATE", "2025-03-03"),
    # ... also when the parser hangs "in July" on a verb further up: the noun before it decides
    ("The office kept fighting a whisper campaign favoring a revolt at the party convention in July.",
     "July", "DATE", "2026-07"),
    # an infinitive under a simple past (active or passive) tells of it too, unless the verb looks ahead
    ("The treasurer was forced to step down on the eve of the convention in July.", "July", "DATE", "2025-07"),
    ("The scandal prompted Parliament to hold a debate in January on the ban.", "January", "DATE", "2025-01"),
    ("The party expected the senator to win the primary in June.", "June", "DATE", "2026-06"),
    # ... and "was to" is not a simple past of the event: the scheduled rule stands
    ("The party was to hold its convention in July.", "July", "DATE", "2026-07"),
    # "beginning"/"starting" introduce a time like a preposition: the verb above
    # them decides, a plain simple past (the act it begins is over) or a present
    ("The governor took to the airwaves beginning Wednesday night.", "Wednesday night", "TIME", "2025-10-15TNI"),
    ("The new fares apply to all flights starting in March.", "March", "DATE", "2026-03"),
    ("Prices rise again starting in February.", "February", "DATE", "2026-02"),
    # verbs of deferring with "until" point ahead even in the simple past
    ("The court postponed the hearing until Thursday.", "Thursday", "DATE", "2025-10-23"),
    # a planned event after the verb lies ahead; a fronted day is when it was reported
    ("Farmers planned a march through the capital on Saturday.", "Saturday", "DATE", "2025-10-25"),
    ("On Friday, the ministry planned to publish the figures.", "Friday", "DATE", "2025-10-17"),
    # an infinitive that is the subject of a past clause is past
    ("Among the first ships to dock at the new pier on Friday were two ferries.", "Friday", "DATE",
     "2025-10-17"),
    # a present passive reads as present: the nearest November
    ("The appeal is heard in November by a panel of three judges.", "November", "DATE", "2025-11"),
    # "effective" dates take effect ahead, whatever the tense of the verb
    ("The bank named a new chairman, effective Feb. 1.", "Feb. 1", "DATE", "2026-02-01"),
    # the infinitive of a plan or agreement lies ahead
    ("The firm announced an agreement to buy the mill in January.", "January", "DATE", "2026-01"),
    # "hurt", "cut", "set" with a singular subject are past even when tagged as a present
    ("A shortage of parts hurt production at the plant on Friday, the company said.", "Friday", "DATE",
     "2025-10-17"),
    # a month naming a noun's occasion ("the December fire") is one already past
    ("Investigators are still studying the December fire.", "December", "DATE", "2024-12"),
    ("The union is trying to revive a June agreement with the owners.", "June", "DATE", "2025-06"),
    # a modal perfect looks back, though "would" alone looks ahead
    ("Critics noted that Saturday would have been the founder's birthday.", "Saturday", "DATE",
     "2025-10-18"),
    ("The striker should have scored on Sunday.", "Sunday", "DATE", "2025-10-19"),
    # "ahead of" an event looks forward, unless a simple past tells of one held;
    # "before" a weekday's event takes the nearest such day
    ("The senator campaigns in Ohio ahead of Saturday's caucus.", "Saturday", "DATE", "2025-10-25"),
    ("Ahead of Monday's summit, the ministers unveiled a plan.", "Monday", "DATE", "2025-10-20"),
    # ... however deep in the phrase the day stands, with no verb between
    ("The candidate flew to Maine ahead of the state's vote on Wednesday.", "Wednesday", "DATE", "2025-10-22"),
    ("The two rivals continued a fierce contest in the state ahead of voting Thursday.", "Thursday", "DATE",
     "2025-10-23"),
    ("The contest has turned nasty ahead of the state's delegate-rich Monday primary.", "Monday", "DATE",
     "2025-10-27"),
    # ... but a verb in between tells its own time (the relative clause's past)
    ("The mayor spoke to reporters ahead of the vote, which the board held on Thursday.", "Thursday", "DATE",
     "2025-10-16"),
    # so do "the lead-up to" and "the run-up to", with no verb at all (a live blog's header)
    ("News from the campaign trail in the lead up to Saturday's caucus.", "Saturday", "DATE", "2025-10-25"),
    ("Party leaders are spending the run-up to Saturday's caucus in Ohio.", "Saturday", "DATE", "2025-10-25"),
    ("The candidates sparred on television days before Thursday's vote.", "Thursday", "DATE", "2025-10-23"),
    # a possessive weekday is a reported event, unless a present or future verb acts in it
    ("The mayor expects that he will do well in Thursday's vote.", "Thursday", "DATE", "2025-10-23"),
    ("The mayor praised Thursday's vote.", "Thursday", "DATE", "2025-10-16"),
    ("The mayor will appear on Thursday's talk shows.", "Thursday", "DATE", "2025-10-23"),
    ("The mayor commented on Thursday's talk shows.", "Thursday", "DATE", "2025-10-16"),
    # ... and an event set in advance that a future verb acts on is the nearest weekday
    # or the coming month; a present verb does not make it so
    ("Voters expect the senator to win Friday's debate.", "Friday", "DATE", "2025-10-24"),
    ("The party hopes that June's referendum will settle the matter.", "June", "DATE", "2026-06"),
    ("The impact of Friday's debate is still small.", "Friday", "DATE", "2025-10-17"),
    # a month's event set in advance is the coming one, as "the March primary" is,
    # unless a simple past or a past participle tells of it
    ("The party is preparing for June's primary.", "June", "DATE", "2026-06"),
    ("The mayor won easily in March's primary.", "March", "DATE", "2025-03"),
    ("The district, carried by the mayor in March's primary, is safe.", "March", "DATE", "2025-03"),
    ("The district, carried by the mayor in the June primary, is safe.", "June", "DATE", "2025-06"),
    # a past participle opening the sentence tells of a month's event already held
    ("Asked during an April debate about taxes, the senator said nothing.", "April", "DATE", "2025-04"),
    # with no verb to go by (a headline), a month is the nearest one
    ("A key test for the council in December.", "December", "DATE", "2025-12"),
    # a bare infinitive takes the time of the verb it completes
    ("The deal would see the mayor open the bridge on Friday.", "Friday", "DATE", "2025-10-24"),
    # a day between a speech verb's object and its complement clause dates the speech verb
    ("The minister told reporters on Monday she would resign.", "Monday", "DATE", "2025-10-20"),
    ("The coach told his players this weekend they would travel.", "this weekend", "DATE", "2025-W42-WE"),
    ("The coach told his players they would travel this weekend.", "this weekend", "DATE", "2025-W43-WE"),
    # a two-digit decade dating a change (even of a rate) is a decade
    ("Crime rates soared in the late 60s.", "the late 60s", "DATE", "196"),
    # a passive with no tense of its own reads like its active verb: a passive
    # infinitive or a get-passive under a future; a perfect infinitive looks back
    ("The budget is expected to be approved on Friday.", "Friday", "DATE", "2025-10-24"),
    ("Exporters are going to start getting hit in the spring.", "the spring", "DATE", "2026-SP"),
    ("The envoy is believed to have been detained on Friday.", "Friday", "DATE", "2025-10-17"),
    # an infinitive under a present verb lies ahead, a progressive one too; under a past one, behind
    ("Residents are eligible to vote in the primary on Friday.", "Friday", "DATE", "2025-10-24"),
    ("Volunteers need to be canvassing Saturday morning.", "Saturday morning", "TIME", "2025-10-25TMO"),
    ("Residents were eligible to vote in the primary on Friday.", "Friday", "DATE", "2025-10-17"),
    # "was to" is ahead of a past moment: the nearest such day to the report
    ("The envoy was to be received at the palace on Thursday.", "Thursday", "DATE", "2025-10-23"),
    ("The talks were to resume on Monday.", "Monday", "DATE", "2025-10-20"),
    # a verb the tagger takes for a noun is still a verb when it has a modal
    ("Not only can Jane Smith win in July, she is the favourite.", "July", "DATE", "2026-07"),
]


@pytest.mark.parametrize("sentence,expression,typ,value", TENSE_CASES)
def test_tense_families(nlp, sentence, expression, typ, value):
    found = {t.text: t for t in _find(nlp, sentence)}
    assert expression in found, [t.text for t in found.values()]
    assert (found[expression].type, found[expression].value) == (typ, value)


def test_future_quarter_does_not_become_the_reported_one(nlp):
    text = ("Sales rose 4% in the third quarter. Analysts expect weaker demand in the fourth quarter. "
            "Operating profit fell from a year ago.")
    found = {t.text: t.value for t in _find(nlp, text)}
    assert found["the fourth quarter"] == "2025-Q4"
    assert found["a year ago"] == "2024-Q3"


@pytest.mark.parametrize("sentence,expected", [
    # "in the past" on its own is a vague reference; with a length it is a duration
    ("Such storms have struck the coast in the past.", [("the past", "DATE", "PAST_REF")]),
    ("Storms have struck the coast twice in the past two years.",
     [("the past two years", "DURATION", "P2Y")]),
    # an ordinal day is a day, not a stretch of days
    ("It is the third day of the strike at the port.", [("the third day", "DATE", "2025-10-21")]),
    # "the year" in results: the year itself, unless it is the fiscal year ended on a date
    ("The shares hit a high for the year in June.",
     [("the year", "DATE", "2025"), ("June", "DATE", "2025-06")]),
    ("Net income for the year ended June 30 rose 5%.",
     [("the year", "DURATION", "P1Y"), ("June 30", "DATE", "2025-06-30")]),
    # "the week of" a date is that date's week
    ("The trial opens the week of November 3.", [("the week of November 3", "DATE", "2025-W45")]),
    # "Now," opening a sentence is a discourse marker; "the future of" is not a time
    ("Now, the mayor says, the plan is dead.", []),
    ("They argued about the future of the port.", []),
    # a frequency adverb after an amount or a rate of change is a rate, not a SET
    ("Analysts expect revenue to increase 12% annually.", []),
    ("The mill produces 5,000 tonnes of steel annually.", []),
    ("The festival is held in the old town annually.", [("annually", "SET", "P1Y")]),
    # "one day" between a modal or subject pronoun and its verb is some day to come
    ("She believes the town will one day be a city.", [("one day", "DATE", "FUTURE_REF")]),
    ("The strike lasted one day.", [("one day", "DURATION", "P1D")]),
    # a bare Q3 after a determiner or preposition is a quarter; after a make it is a car
    ("Margins narrowed in Q3, the chief executive said.", [("Q3", "DATE", "2025-Q3")]),
    ("She drove an Audi Q3 to the meeting.", []),
    # a quarter of something is a share of it
    ("The fund holds more than a quarter of the shares.", []),
    # a second bare day after a date is a date of its own; a count is not
    ("The summit is to be held on November 24 and 25 in Lisbon.",
     [("November 24", "DATE", "2025-11-24"), ("25", "DATE", "2025-11-25")]),
    ("On October 4 and 5 ferries were cancelled.", [("October 4", "DATE", "2025-10-04")]),
    # what the model calls a date but names no time: judgements, modifiers, idioms
    ("It was a good night for the senator and a bad day for his rival.", []),
    ("He attacked the singer in a string of early-morning posts.", []),
    ("She was interviewed by late night talk show host Ann Lee.", []),
    # ... but with its own determiner the modifier is a time
    ("The mayor replied in an early morning post.", [("an early morning", "TIME", "XXXX-XX-XXTMO")]),
    # a part of the night with no number is a time, not a number of nights
    ("The talks ran until late night.", [("late night", "TIME", "XXXX-XX-XXTNI")]),
    ("At the end of the day, the voters decide.", []),
    ("She said she would be ready from Day 1.", []),
    ("The mayor spoke about his years as a teacher.", []),
    # halves of long units are counted in the unit below
    ("The border dispute has dragged on for half a century.", [("half a century", "DURATION", "P50Y")]),
    ("The meeting ended a half-hour later.", [("a half-hour later", "DURATION", "PT30M")]),
    # "election day" in lower case is still the day; a possessive end is still that unit
    ("Volunteers will drive voters to the polls on election day.", [("election day", "DATE", "2025-11-04")]),
    ("The deal should close by month’s end.", [("month’s end", "DATE", "2025-10")]),
    # a capitalised "Today" or "Now" inside a name is not a time
    ("A USA TODAY survey of donors found the same.", []),
    ("She told Morning Review Now that she would run.", []),
    ("Today, the council voted.", [("Today", "DATE", "2025-10-21")]),
    ('"Now Lisbon leads the table," she said.', [("Now", "DATE", "PRESENT_REF")]),
    ("He said so on the Harbour News Daily programme.", []),
    ("The sketch opened Saturday Night Live last week.", [("last week", "DATE", "2025-W42")]),
    # ... nor after a name's possessive, in a programme's name, or quoted on its own
    ("The mayor told Harbour TV's Today programme that she would run.", []),
    ("Speaking to Harbour This Morning on Monday, the mayor declined.", [("Monday", "DATE", "2025-10-20")]),
    ("She will join the ''Today'' programme as a presenter.", []),
    ("He found a job on ''Tonight.'' His sister did too.", []),
    ("She rose and said, ''Today, we begin.''", [("Today", "DATE", "2025-10-21")]),
    ('"Today," she said, "we begin."', [("Today", "DATE", "2025-10-21")]),
    ('Asked when, she said: "Today."', [("Today", "DATE", "2025-10-21")]),
    ("He told them ''Today we begin.''", [("Today", "DATE", "2025-10-21")]),
    # asking someone to act, or the chances of acting, look ahead
    ("She doubted his chances of winning in June.", [("June", "DATE", "2026-06")]),
    ("The state last voted in the 1988 Super Tuesday.", [("1988", "DATE", "1988")]),
    # no count of units: some time back or ahead, not one unit
    ("The council settled the matter years ago.", [("years ago", "DATE", "PAST_REF")]),
    # ... nor with "many" or "several" years, which reach past the last decade
    ("The alliance was founded many years ago.", [("many years ago", "DATE", "PAST_REF")]),
    ("Several years ago the plant closed.", [("Several years ago", "DATE", "PAST_REF")]),
    ("A few years ago the plant closed.", [("A few years ago", "DATE", "202X")]),
    # "some" before a number is an approximation, not a vague count
    ("The mine closed some two decades ago.", [("some two decades ago", "DATE", "2005")]),
    ("The answer will come many years from now.", [("many years from now", "DATE", "FUTURE_REF")]),
    # a holiday before the thing it names is no day
    ("The farm ships Christmas trees to three states.", []),
    # "of last year" belongs to the month
    ("Prices were higher as recently as February of last year.", [("February of last year", "DATE", "2024-02")]),
    # asking someone to act puts the act ahead of the asking
    ("The mayor urged residents to vote on Thursday.", [("Thursday", "DATE", "2025-10-23")]),
    # a day that names a historical event keeps that event's year
    ("He recalled the city after the Sept. 11 attacks.", [("Sept. 11", "DATE", "2001-09-11")]),
    ("She spoke at a Sept. 11 memorial service.", [("Sept. 11", "DATE", "2025-09-11")]),
    # recurrences and parts of some unnamed day get a value, not an empty one
    ("The market opens on Saturdays.", [("Saturdays", "SET", "XXXX-WXX-6")]),
    ("He swims in the lake every morning.", [("every morning", "SET", "XXXX-XX-XXTMO")]),
    ("By late afternoon the square was empty.", [("late afternoon", "TIME", "XXXX-XX-XXTAF")]),
    ("The plane took off 20 minutes ago.", [("20 minutes ago", "DATE", "2025-10-21")]),
    ("The mill closed a year and a half ago.", [("a year and a half ago", "DATE", "2024-04")]),
    # a bare season modifying a noun is a kind of thing, with no year
    ("She worked as a summer associate at a law firm.", [("summer", "DATE", "XXXX-SU")]),
    ("Voters trek out on a cold winter night.", [("winter", "DATE", "XXXX-WI")]),
    # "all day", "all week": the whole of one, not some number of them
    ("All day, voters waited in long lines.", [("All day", "DURATION", "P1D")]),
    ("The senator has been feuding with the governor all year.", [("all year", "DURATION", "P1Y")]),
    ("The mill closed more than a half-century ago.", [("more than a half-century ago", "DATE", "1975")]),
    ("The clerk had filed the papers a few hours earlier.", [("a few hours earlier", "DATE", "PAST_REF")]),
    # the article before a month and day is not part of the expression (TIMEX3 extent)
    ("The minister described the March 3 floods as a warning.", [("March 3", "DATE", "2025-03-03")]),
])
def test_detection_families(nlp, sentence, expected):
    assert [(t.text, t.type, t.value) for t in _find(nlp, sentence)] == expected
