"""Sentence-level tests of the claims stage, one per structure, written from the pattern."""

import datetime as dt

import pytest

from pipeline.claims import date_statements, extract_statements, quotations
from pipeline.dates import find_timexes
from pipeline.entities import find_mentions


def run(nlp, text, published=None):
    doc = nlp(text)
    mentions = find_mentions(doc)
    timexes = find_timexes(doc, dt.date.fromisoformat(published) if published else None)
    statements = extract_statements(doc, "t", mentions, timexes=timexes)
    return [
        {
            "actor": st.actor.name,
            "actor_type": st.actor.type,
            "actor_text": text[slice(*st.actor_span)] if st.actor_span else None,
            "cue": text[slice(*st.cue_span)] if st.cue_span else None,
            "content": " ".join(text[s:e] for s, e in st.content_spans),
            "pieces": len(st.content_spans),
            "quote_type": st.quote_type,
            "rule": st.rule,
            "date": st.date.value if st.date else None,
            "date_source": st.date.source if st.date else None,
            "date_attachment": st.date.attachment if st.date else None,
        }
        for st in date_statements(doc, statements, timexes, published, mentions)
    ]


def only(rows):
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    "text, actor_text, cue, content, quote_type",
    [
        # X said Y
        ("The mayor said the bridge would reopen in the spring.", "The mayor", "said",
         "the bridge would reopen in the spring", "indirect"),
        # inverted order
        ("The bridge will reopen in the spring, the mayor said.", "the mayor", "said",
         "The bridge will reopen in the spring", "indirect"),
        ("The bridge will reopen in the spring, said a spokesman for the council.", "a spokesman for the council", "said",
         "The bridge will reopen in the spring", "indirect"),
        # told reporters that
        ("Governor Ana Ruiz told reporters that the budget was balanced.", "Governor Ana Ruiz", "told",
         "that the budget was balanced", "indirect"),
        # called on Y to: who is to act, and the act
        ("Union leaders called on the company to raise wages for night shifts.", "Union leaders", "called on",
         "the company to raise wages for night shifts", "indirect"),
        # a direct quote before the cue
        ("“We will never accept these terms,” said the union leader.", "the union leader", "said",
         "“We will never accept these terms,”", "direct"),
        # mixed quote
        ("The senator said the plan was “dead on arrival” in its current form.", "The senator", "said",
         "the plan was “dead on arrival” in its current form", "mixed"),
        # mental-state cue with a clausal content
        ("Local farmers fear that the drought will ruin the harvest.", "Local farmers", "fear",
         "that the drought will ruin the harvest", "indirect"),
    ],
)
def test_reporting_structures(nlp, text, actor_text, cue, content, quote_type):
    row = only(run(nlp, text))
    assert (row["actor_text"], row["cue"], row["content"], row["quote_type"]) == (actor_text, cue, content, quote_type)


@pytest.mark.parametrize(
    "text, actor_text, cue, content, rule",
    [
        # a quotation right after the cue, after a comma or a colon
        ("The mayor said, “We will rebuild every house on this street.”", "The mayor", "said",
         "“We will rebuild every house on this street.”", "quote-after"),
        ("The coach told reporters: “We were simply not good enough today.”", "The coach", "told",
         "“We were simply not good enough today.”", "colon"),
        # a cue inside a prepositional phrase
        ("The judge began by saying, “Nobody in this room is above the law.”", "The judge", "saying",
         "“Nobody in this room is above the law.”", "quote-after"),
        # an object and what it was called
        ("The governor called the new budget “a disgrace to the state.”", "The governor", "called",
         "the new budget “a disgrace to the state.”", "oprd"),
        # a prepositional cue whose object says something
        ("The union called for an inquiry into how the money was spent.", "The union", "called for",
         "an inquiry into how the money was spent", "prep"),
        # inverted order over two clauses: the content is everything before the attribution
        ("The van was supposed to wait, but the driver left early, a witness said.", "a witness", "said",
         "The van was supposed to wait, but the driver left early", "ccomp"),
    ],
)
def test_more_reporting_structures(nlp, text, actor_text, cue, content, rule):
    # `rule` names the structure; when the parser already links the content as a
    # clausal complement, the ccomp rule finds it first, with the same result.
    row = only(run(nlp, text))
    assert (row["actor_text"], row["cue"], row["content"]) == (actor_text, cue, content)
    assert row["rule"].split(":")[0] in (rule, "ccomp", "dobj")


def test_prepositional_cue_with_a_mere_topic_is_not_a_statement(nlp):
    assert run(nlp, "The senator spoke about taxes for an hour.") == []


@pytest.mark.parametrize(
    "text, actor_text, cue, content",
    [
        ("Maria Lopez: The vote was rigged from the very start.", "Maria Lopez", ":", "The vote was rigged from the very start."),
        ("“We will not stop until the plant closes” \u2015 Maria Lopez", "Maria Lopez", "\u2015", "“We will not stop until the plant closes”"),
    ],
)
def test_statements_marked_by_punctuation(nlp, text, actor_text, cue, content):
    row = only(run(nlp, text))
    assert (row["actor_text"], row["cue"], row["content"], row["rule"]) == (actor_text, cue, content, "label")


def test_according_to(nlp):
    row = only(run(nlp, "According to the statistics office, exports fell by a third last year."))
    assert row["actor_text"] == "the statistics office"
    assert row["cue"] == "According to"
    assert row["content"] == "exports fell by a third last year"


def test_colon_quote_with_pronoun_speaker(nlp):
    rows = run(nlp, "Senator Maria Lopez left the chamber early. She wrote on Twitter: “The vote was rigged.”")
    row = only(rows)
    assert row["actor"] == "Maria Lopez" and row["actor_text"] == "She"
    assert row["content"] == "“The vote was rigged.”" and row["quote_type"] == "direct"


def test_continuation_quote_joins_the_statement_it_continues(nlp):
    row = only(run(nlp, "“We will not back down,” said Maria Lopez. “The strike goes on until the end of the month.”"))
    assert row["actor"] == "Maria Lopez" and row["rule"] == "ccomp:say+continuation"
    assert row["pieces"] == 2
    assert row["content"] == "“We will not back down,” “The strike goes on until the end of the month.”"


def test_quote_split_around_the_attribution(nlp):
    row = only(run(nlp, "“We are ready for the final,” the coach said, “and we intend to win it.”"))
    assert row["pieces"] == 2
    assert row["content"] == "“We are ready for the final,” “and we intend to win it.”"


def test_quote_split_around_a_long_attribution(nlp):
    text = ("“The real risk,” said Anna Kowalska, an economist who studies regional labour markets, "
            "“is that the jobs leave before the workers arrive.”")
    row = only(run(nlp, text))
    assert row["pieces"] == 2 and row["actor"] == "Anna Kowalska"


def test_several_actors_sharing_one_statement_get_one_row_each(nlp):
    rows = run(nlp, "France and Germany said they would veto the proposal.")
    assert sorted((r["actor"], r["actor_type"]) for r in rows) == [("France", "GPE"), ("Germany", "GPE")]
    assert {r["content"] for r in rows} == {"they would veto the proposal"}


def test_nested_attribution_yields_two_rows(nlp):
    rows = run(nlp, "Two aides said that the president told the governor he would resign.")
    by_cue = {r["cue"]: r for r in rows}
    assert set(by_cue) == {"said", "told"}
    assert by_cue["said"]["content"] == "that the president told the governor he would resign"
    assert by_cue["told"]["actor_text"] == "the president"
    assert by_cue["told"]["content"] == "he would resign"


@pytest.mark.parametrize(
    "text",
    [
        "The minister did not say whether taxes would rise.",
        "The minister would never say that taxes would rise.",
        "If the minister says that taxes will rise, markets will fall.",
        "The minister declined to say whether taxes would rise.",
    ],
)
def test_negated_and_hypothetical_cues_are_not_statements(nlp, text):
    assert [r for r in run(nlp, text) if r["actor_text"] and "minister" in r["actor_text"]] == []


@pytest.mark.parametrize(
    "text",
    [
        "That said, the council still plans to reopen the bridge in May.",
        "The bridge is old. (That said, engineers think it can carry trucks for another decade.)",
    ],
)
def test_that_said_is_a_concession_not_a_statement(nlp, text):
    assert [r for r in run(nlp, text) if r["cue"] == "said"] == []


def test_this_said_with_a_that_clause_is_a_statement(nlp):
    row = only([r for r in run(nlp, "She pointed to a memo. This said, in plain words, that the bridge would close.")
                if r["cue"] == "said"])
    assert (row["actor_text"], row["content"]) == ("This", "that the bridge would close")


def pronoun_actors(nlp, text, pronouns=("he", "she")):
    """The actors of the statements whose speaker is written as one of `pronouns`."""
    return [r["actor"] for r in run(nlp, text) if r["actor_text"].lower() in pronouns]


def test_pronoun_resolves_to_the_subject_not_an_object(nlp):
    rows = run(nlp, "Maria Lopez met Paul Chen on Monday. After the meeting with Mr Chen, she said the deal was off.")
    row = only(rows)
    assert row["actor"] == "Maria Lopez" and row["actor_text"] == "she"


@pytest.mark.parametrize(
    "text, actor",
    [
        # a possessor inside an object or a relative clause is not the nearest subject
        ("Peter Berg questioned Mr. Lund's record on Monday. He said the figures did not add up.", "Peter Berg"),
        ("John Dickey, who runs the firm that owns Mr. King's shows, met reporters. He said the deal was fair.",
         "John Dickey"),
        # with no subject to take, the possessor is the one there is
        ("The war shaped Mr. Lund's career for decades. He said the change came slowly.", "Lund"),
        # a name that modifies a noun ("a Garza supporter", "Garza campaign strategists") is not its subject
        ("Maria Garza leads the race. Congressman Tom Reyes, a Garza supporter, said Garza campaign strategists "
         "plan to win early. Outright victory is vital, he said on Thursday.", "Tom Reyes"),
    ],
)
def test_pronoun_prefers_a_subject_to_a_possessor_elsewhere(nlp, text, actor):
    assert pronoun_actors(nlp, text) == [actor]


def test_sentences_inside_a_quotation_do_not_use_up_the_pronoun_window(nlp):
    text = ("Nina Alvarez spoke in Ohio. “People are talking about a brokered convention,” Ms. Alvarez said. "
            "“And if Democrats believe that is not going to happen, they are mistaken. They have blinders on.” "
            "“It is going to be progressives who will disrupt,” she said.")
    assert pronoun_actors(nlp, text) == ["Nina Alvarez", "Nina Alvarez"]


def test_a_pronoun_antecedent_is_not_looked_for_beyond_two_narrative_sentences(nlp):
    text = ("Nina Alvarez spoke in Ohio on Monday. The hall was full. The crowd cheered. The band played. "
            "“It is going to be progressives who will disrupt,” she said.")
    assert pronoun_actors(nlp, text) == ["she"]


def test_pronoun_speaker_is_not_someone_named_in_the_quotation(nlp):
    rows = run(nlp, 'Maria Lindqvist, the party chairwoman, said she had received threats. '
                    '"Peter Holloway did everything to stir this up," she said.')
    quoted = [r for r in rows if r["content"].startswith('"Peter')]
    assert [(r["actor"], r["actor_text"]) for r in quoted] == [("Maria Lindqvist", "she")]


@pytest.mark.parametrize(
    "text, actor",
    [
        # the nearest subject is "Mr. Fischer": "she" is someone else
        ("Anna Weber met Mr. Tom Fischer on Monday. Mr. Fischer praised the deal, and she said it would pass.",
         "Anna Weber"),
        # the full name has no honorific, the article's other mention of him does
        ("Mr. Fischer and Anna Weber met on Monday. Tom Fischer praised the deal. She said it would pass.",
         "Anna Weber"),
        ("Ms. Weber and Tom Fischer met on Monday. Anna Weber praised the deal. He said it would pass.",
         "Tom Fischer"),
        # a role noun says it as an honorific does
        ("Tom Fischer toured the plant on Monday. The congresswoman, Alex Rivera, praised the workers. "
         "He said the jobs would stay.", "Tom Fischer"),
        # (first names borne by men and women alike: the role noun decides)
        ("Dana Rivera toured the plant on Monday. Her husband, Sam Fischer, praised the workers. "
         "She said the jobs would stay.", "Dana Rivera"),
        # "spokesman" is said of women too
        ("Tom Brandt toured the plant on Monday. Campaign spokesman Terry Hale praised the workers. "
         "She said the jobs would stay.", "Terry Hale"),
        # the article's word beats what a first name makes likely ("Alex" is mostly a man's)
        ("Tom Brandt toured the plant on Monday. The congresswoman, Alex Rivera, praised the workers. "
         "She said the jobs would stay.", "Alex Rivera"),
        # a first name borne mostly by one gender says it where the article does not
        ("Linda Hall met the union on Monday. Chris Mason, the governor, praised the workers. "
         "She said the jobs would stay.", "Linda Hall"),
        ("Chris Mason met the union on Monday. Linda Hall, the governor, praised the workers. "
         "He said the jobs would stay.", "Chris Mason"),
        # the role is someone else's: a relative clause's, a possessive's
        ("Dana Reyes, whose husband, Navy SEAL Tom Reyes, was one of four Americans killed in the attack, "
         "spoke on Monday. She said the plan would fail.", "Dana Reyes"),
        ("Dana Reyes spoke at the vigil. A gunman killed six people, including Reyes\u2019 son, 26-year-old Tomas. "
         "Reyes thanked the crowd. She said she had forgiven him.", "Dana Reyes"),
    ],
)
def test_pronoun_speaker_is_not_a_person_the_article_gives_the_other_gender(nlp, text, actor):
    assert pronoun_actors(nlp, text) == [actor]


@pytest.mark.parametrize(
    "text, actor",
    [
        # no subject of the pronoun's gender: the one person of that gender in view, in any role
        ("Anna Weber asked Senator Paul Brandt whether his health was fair game. “Sure it is,” he said.",
         "Paul Brandt"),
        ("Officials described Maria Ortiz as a disgrace after she blamed the police for the riots.", "Maria Ortiz"),
        # ... not when a subject there may be someone the article gives no gender
        ("The former ambassador criticized Senator Paul Brandt on Monday. “It is wrong,” he said.", "he"),
        # ... nor a name in a clause about another "he"
        ("He avoided criticism of Senator Paul Brandt until recent days, when he expressed concern about the rallies.",
         "he"),
        # ... nor a name inside a quotation
        ("“We will beat Anna Weber,” Tom Fischer told the crowd. She said the jobs would stay.", "She"),
    ],
)
def test_pronoun_without_a_subject_of_its_gender_takes_the_one_person_of_it_in_view(nlp, text, actor):
    assert pronoun_actors(nlp, text) == [actor]


def test_a_first_name_shared_by_both_genders_leaves_the_pronoun_to_the_nearest_subject(nlp):
    text = "Linda Hall met the union on Monday. Terry Mason, the governor, praised the workers. She said it was good."
    assert pronoun_actors(nlp, text) == ["Terry Mason"]


@pytest.mark.parametrize(
    "text, actor",
    [
        # the reported clause's subject is not "he": he would be "he" in his own report
        ("Press secretary Tom Brandt said Monday that Governor Sam Ortiz has long backed the plan. "
         "He said Ortiz hopes the next governor will keep it.", "Tom Brandt"),
        ("Senator Ana Ruiz argued on Tuesday that Paul Meyer had misled voters. "
         "She charged that Meyer would cut the program.", "Ana Ruiz"),
        # a name deeper in the clause can still be the speaker's own
        ("Dan Ortiz attacked the rival campaign on Monday. "
         "He said that the ad, which critics say was meant to draw Ortiz voters away, was an insult.",
         "Dan Ortiz"),
        # inside a quotation a speaker may name himself
        ('Dan Ortiz spoke in Miami on Monday. Aides were nervous. '
         'He said "nobody will fight harder than Dan Ortiz."', "Dan Ortiz"),
    ],
)
def test_pronoun_speaker_is_not_the_subject_of_what_he_reports(nlp, text, actor):
    assert pronoun_actors(nlp, text) == [actor]


@pytest.mark.parametrize(
    "text, actor",
    [
        # a speaker's "he" goes on from the main clause, not from what it reported ...
        ("Campaign spokesman Jason Hill told reporters that Governor Sam Ortiz would release the plan soon. "
         "He said the details were still being worked out.", "Jason Hill"),
        ("Dana Reyes, who said Sam Ortiz had misled voters, spoke on Monday. She said the vote was rigged.",
         "Dana Reyes"),
        # ... but a "he" inside a subordinate clause is the nearest subject's
        ("Retired general Tom Hale said Sam Ortiz was right when he said the army was weak.", "Sam Ortiz"),
        # ... and so is one whose sentence has no main-clause candidate
        ("Reporters asked whether Sam Ortiz would run. He said he would decide in May.", "Sam Ortiz"),
    ],
)
def test_pronoun_speaker_prefers_the_main_clause_subject(nlp, text, actor):
    assert pronoun_actors(nlp, text) == [actor]


@pytest.mark.parametrize(
    "text, actor",
    [
        ("Several senators warned against the plan. They said it would raise rents.", "Several senators"),
        # the main clause's subject, not the reported one
        ("Former prosecutors said investigators were under pressure. Take action before the election, they said, "
         "and you risk being seen as partisan.", "Former prosecutors"),
        # in its own sentence, the subject nearest the root, not the nearest one
        ("While rights groups praised his argument that federal courts are the best venue, they said he did not "
         "go far enough.", "rights groups"),
    ],
)
def test_they_goes_on_from_a_plural_subject(nlp, text, actor):
    assert pronoun_actors(nlp, text, ("they",)) == [actor]


@pytest.mark.parametrize(
    "text",
    [
        # two parties: "they" is both, which one actor cannot say
        "The senators and their aides met on Monday. They said the talks went well.",
        "Teachers and parents rallied outside the school, and they said the cuts would hurt.",
        # another paragraph
        "Several senators warned against the plan.\n\nThey said it would raise rents.",
        # a quotation's subject is the quoted speaker's
        "Ms. Ruiz spoke first. “Farmers are angry at the plan.” They said it would fail.",
        # a singular subject
        "The campaign released a statement. They said the plan would fail.",
    ],
)
def test_they_stays_as_written_without_one_plural_subject(nlp, text):
    actors = pronoun_actors(nlp, text, ("they",))
    assert actors and all(actor.lower() == "they" for actor in actors), actors


def test_unnamed_source_is_kept_as_written(nlp):
    row = only(run(nlp, "A senior official said the talks had stalled."))
    assert (row["actor"], row["actor_type"]) == ("A senior official", "UNNAMED")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He said “yes” and left.", [(8, 13)]),
        ('She said "no" twice.', [(9, 13)]),
        ("A stray “quote never closes.", []),
        ("“First paragraph of a long quote\n“and its second paragraph.”", [(0, 32), (33, 60)]),
        ("He said ''not now'' twice.", [(8, 19)]),
        ("``Old style'' quotes.", [(0, 13)]),
    ],
)
def test_quotations(text, expected):
    assert quotations(text) == expected


# --- statement dating: one test per attachment case ---------------------------------

PUBLISHED = "2025-10-21"  # a Tuesday


@pytest.mark.parametrize(
    "text, date, source, attachment",
    [
        ("The mayor said on Tuesday that the bridge would reopen.", "2025-10-21", "text", "modifier"),
        ("The mayor said last Friday that the bridge would reopen.", "2025-10-17", "text", "modifier"),
        ("On Monday, the mayor said that the bridge would reopen.", "2025-10-20", "text", "fronted"),
        ("In a statement on Monday, the council said that the bridge would reopen.", "2025-10-20", "text", "fronted"),
        ("The envoy was in Paris on Monday, where he told reporters that talks would resume.", "2025-10-20", "text", "relative"),
        # ... but a present-tense clause on a past one is not at its time
        ("Jones gave two paid speeches in October, though her filing suggests she gave the fees away.", "2025-10-21",
         "published", "published"),
        ("The mayor said the bridge would reopen within two weeks.", "2025-10-21", "published", "published"),
        # a time phrase after the object is the act's, not part of what was criticized
        ("The senator criticized the governor's plan for new taxes on Monday.", "2025-10-20", "text", "modifier"),
        # also when the parser hangs it last on the object of a past act
        ("The senator rebuffed the mayor's call for a ceasefire in August.", "2025-08", "text", "modifier"),
        # ... but not on the object of a present one, whose time is the object's
        ("The senator rebuffs the mayor's call for a ceasefire in August.", "2025-10-21", "published", "published"),
        # ... nor a span with two ends, the period the statement is about
        ("The agency reported 312 burglaries in the county between March 1 and June 30.", "2025-10-21",
         "published", "published"),
        ("The mayor criticized the council's plans from 2015 to 2020, calling them a waste.", "2025-10-21",
         "published", "published"),
        ("The treaty and the rivalry that framed European politics from 1815 to 1914 are gone.", "2025-10-21",
         "published", "published"),
        # ... also between the cue and its content
        ("The key will be reminding voters every single day between now and December that taxes would rise.",
         "2025-10-21", "published", "published"),
        # a time the act came before is its horizon, not its date
        ("Ahead of Friday's summit, the ministry unveiled a plan to cut tariffs.", "2025-10-21",
         "published", "published"),
        ("The senator challenged the mayor to a debate before Thursday's vote.", "2025-10-21",
         "published", "published"),
        ("The judge said in speeches before joining the court in 2009 that diversity mattered.", "2025-10-21",
         "published", "published"),
        # a time phrase the parser hangs on the subject is the act's ...
        ("Trump on Monday dismissed the report as false.", "2025-10-20", "text", "modifier"),
        # ... but not a time that is part of a group's name
        ("The class of 2019 said they were proud.", "2025-10-21", "published", "published"),
        # a clause that tells of an earlier act does not take the time of the clause it hangs on ...
        ("The senator resigned in May, before the mayor announced that taxes would rise.", "2025-10-21",
         "published", "published"),
        ("The judge fined him in October after the man had posted that taxes were theft.", "2025-10-21",
         "published", "published"),
        # ... but a plain "after" clause is told at its time
        ("The judge fined him in October after the man posted that taxes were theft.", "2025-10", "text", "relative"),
        # the start of a period that runs to the present is not the date of an act in it ...
        ("Since March, the mayor has told residents that the water is safe.", "2025-10-21",
         "published", "published"),
        ("The firm has paid no taxes since 2012, though filings indicate it owns three buildings.", "2025-10-21",
         "published", "published"),
        # ... but a "when" clause right after it tells of that time
        ("Since June 16, when the mayor asked residents to volunteer, thousands have signed up.", "2025-06-16",
         "text", "relative"),
        # a time the act came a while after is only its earliest date ...
        ("In the wake of the vote on October 2, the council declared that the plan was dead.", "2025-10-21",
         "published", "published"),
        ("In the days following Friday's storm, the mayor has urged residents to stay home.", "2025-10-21",
         "published", "published"),
        ("Two weeks after the vote on October 2, the senator said the bill was dead.", "2025-10-21",
         "published", "published"),
        ("In the week after the vote on October 2, the senator said the bill was dead.", "2025-10-21",
         "published", "published"),
        # ... but a bare "after", or a gap of hours, mostly stays on that day
        ("The senator said after a lunch on Monday that the plan was a starting point.", "2025-10-20",
         "text", "modifier"),
        ("Hours after the vote on Monday, the senator said the bill was dead.", "2025-10-20", "text", "fronted"),
        # ... but "before" a body of people is a place
        ("The aide invoked the Fifth Amendment before a Senate panel in September.", "2025-09", "text", "modifier"),
        # a statement is made before it is reported: a later time dates something else ...
        ("The governor is coming off a strong debate Thursday night, when commentators called him the adult "
         "in the room.", "2025-10-21", "published", "published"),
        ("Then comes the Dec. 2 primary, where the mayor believes he can win.", "2025-10-21",
         "published", "published"),
        # ... unless the cue looks ahead
        ("The mayor will say on Friday that the bridge will reopen.", "2025-10-24", "text", "modifier"),
        # a time modifying a noun between the cue and its content is that noun's
        ("The governor's campaign has asked ABC's Jane Doe, the host of this year's first debate, to fact "
         "check her rival.", "2025-10-21", "published", "published"),
        # ... a time hung on an event the act is about is the event's
        ("The senator proposed a debate on the evening of April 4.", "2025-10-21", "published", "published"),
        # ... a participle on the object takes the time of the act that made it
        ("The council on Monday approved a resolution condemning the plan.", "2025-10-20", "text", "relative"),
        # ... and a weekday the parser hung on the object ("crowd") is still the act's
        ("Smith told a crowd in Tampa Monday that he believes taxes are too high.", "2025-10-20", "text", "modifier"),
        # the times of what a statement is about ("said of", "about") are the topic's ...
        ('"We wanted control," the manager said of the golf course, which opened in 1971.', "2025-10-21",
         "published", "published"),
        ('"He asked how to win," the chairman said of the encounter he had last week with the nominee.',
         "2025-10-21", "published", "published"),
        # ... but an occasion the parser hangs on the topic is the act's
        ('"It is sad," the senator said of the move during a radio interview on Monday.',
         "2025-10-20", "text", "modifier"),
        # "a month later" counts from the time the story is at, not from publication
        ("The plant cut wages in June 2019. A month later, the owner announced 600 layoffs.", "2019-07",
         "text", "fronted"),
        # the cue's own time comes before one deep in a fronted phrase ...
        ("Based on a reading of the company's 2019 annual report, the regulator said on Monday the fees were unlawful.",
         "2025-10-20", "text", "modifier"),
        # ... which dates the cue when it has none of its own
        ("In a 2019 interview with a local paper, the regulator said the fees were unlawful.", "2019",
         "text", "fronted"),
        # a relative clause on a person or a named thing tells their history, not the act's occasion ...
        ("The law was broken, according to Ann Pruitt, who prosecuted fraud cases in the 1990s.", "2025-10-21",
         "published", "published"),
        ("The firm announced the deal after cutting ties with Brightline Inc., which launched the brand in 2012.",
         "2025-10-21", "published", "published"),
        ("The agency cited the work of women who complained in 2019.", "2025-10-21", "published", "published"),
        # ... one on a document can be its occasion ...
        ("The deficit grew, according to figures the treasury released on Friday.", "2025-10-17", "text", "modifier"),
        # ... and one that sets the scene is the scene's time
        ("The senator spoke outside Fenway Park, where fans had gathered on Monday, saying the team would stay.",
         "2025-10-20", "text", "relative"),
        # the standard of a comparison has its own time, not the act's
        ("Most voters described themselves as independents, a higher share than four years ago.", "2025-10-21",
         "published", "published"),
        ("The senator has seen her standing erode, even more when compared with her first campaign, in 2008.",
         "2025-10-21", "published", "published"),
        # the clause an "as" report hangs on is its content, and its time the event's
        ("As reported by the Ledger, the council approved the budget in March.", "2025-10-21",
         "published", "published"),
        ("The council approved the budget on Monday, as the mayor noted.", "2025-10-21", "published", "published"),
        # ... also between the cue and its content
        ("The senator argued more forcefully than in 2019 that taxes must fall.", "2025-10-21",
         "published", "published"),
        # ... but "more than" in an amount of time is the act's
        ("The mayor said more than two weeks ago that the bridge would reopen.", "2025-W41", "text", "modifier"),
    ],
)
def test_statement_dating(nlp, text, date, source, attachment):
    row = only([r for r in run(nlp, text, PUBLISHED) if r["cue"] != "was"])
    assert (row["date"], row["date_source"], row["date_attachment"]) == (date, source, attachment)


def test_participle_takes_the_time_of_the_act_not_of_a_relative_clause_before_it(nlp):
    # the parser hangs "saying" on "statement" here, not on "issued"
    rows = run(nlp, 'The mayor, who said last week that the plan was dead, issued a statement Tuesday saying, '
                    '"I do not feel that way."', PUBLISHED)
    dates = {r["cue"]: (r["date"], r["date_source"]) for r in rows}
    assert dates == {"said": ("2025-W42", "text"), "saying": ("2025-10-21", "text")}


def test_coordinated_clause_shares_the_date(nlp):
    rows = run(nlp, "Spain said on Monday it would sign the treaty, but Italy said it needed more time.", PUBLISHED)
    by_actor = {r["actor"]: r for r in rows}
    assert by_actor["Spain"]["date"] == by_actor["Italy"]["date"] == "2025-10-20"
    assert by_actor["Italy"]["date_attachment"] == "coordinated"


def test_narrative_document_without_a_date_leaves_the_date_empty(nlp):
    row = only(run(nlp, "The committee said that the report was incomplete."))
    assert row["date"] is None and row["date_source"] is None


def test_context_date_is_inherited_within_a_paragraph_but_not_by_nested_reports(nlp):
    text = ("On March 3, 2024, Maria Lopez said the reform was ready. "
            "She also said that her deputy told the press the reform would wait.")
    rows = run(nlp, text)
    first = only([r for r in rows if r["actor_text"] == "Maria Lopez"])
    assert (first["date"], first["date_source"]) == ("2024-03-03", "text")
    also = only([r for r in rows if r["actor_text"] == "She"])
    assert (also["actor"], also["date"], also["date_source"]) == ("Maria Lopez", "2024-03-03", "context")
    told = only([r for r in rows if r["cue"] == "told"])
    assert told["date"] is None


def test_a_statement_in_a_relative_clause_lends_no_date_to_the_next(nlp):
    # "who endorsed her in March" is background to the interview
    text = ("In a radio interview, Maria Lopez, who endorsed the mayor in March, repeated her warning. "
            "She said the budget was tight.")
    rows = {r["cue"]: r for r in run(nlp, text, PUBLISHED)}
    assert rows["endorsed"]["date"] == "2025-03"
    assert (rows["repeated"]["date"], rows["repeated"]["date_source"]) == ("2025-10-21", "published")
    assert (rows["said"]["date"], rows["said"]["date_source"]) == ("2025-10-21", "published")
    # ... but one on a time is where the story is
    text = "The feud began in March, when Maria Lopez called the plan reckless. She also said it would fail."
    rows = {r["cue"]: r for r in run(nlp, text, PUBLISHED)}
    assert (rows["said"]["date"], rows["said"]["date_source"]) == ("2025-03", "context")


def test_a_statement_in_an_after_phrase_lends_no_date_to_the_next(nlp):
    # "After playing down ... in 2019" is an earlier act, background to the main clause
    text = ("After playing down her gender in the 2019 race, Senator Maria Lopez now talks freely about her career. "
            "She often speaks of breaking the glass ceiling, and she tells audiences that the job is hard.")
    rows = {r["cue"]: r for r in run(nlp, text, PUBLISHED)}
    assert rows["playing down"]["date"] == "2019"
    assert [(rows[c]["date"], rows[c]["date_source"]) for c in ("speaks of", "tells")] == [
        ("2025-10-21", "published"), ("2025-10-21", "published")]


def test_recently_breaks_the_paragraph_date(nlp):
    text = "Maria Lopez said in March that the levy was fair. More recently, she said it was too high."
    rows = [r for r in run(nlp, text, PUBLISHED) if r["actor"] == "Maria Lopez"]
    assert [(r["date"], r["date_source"]) for r in rows] == [("2025-03", "text"), ("2025-10-21", "published")]


def test_subject_misparsed_as_appositive_of_a_fronted_date(nlp):
    row = only(run(nlp, "On May 2, 2024, Lopez, after a long meeting with the board, announced that the plant would close."))
    assert (row["actor_text"], row["cue"], row["content"]) == ("Lopez", "announced", "that the plant would close")
    assert row["date"] == "2024-05-02"


def test_time_phrase_hung_on_the_content_dates_the_cue(nlp):
    row = only(run(nlp, "The council said on Monday it would cut fares.", PUBLISHED))
    assert row["content"] == "it would cut fares"
    assert (row["date"], row["date_attachment"]) == ("2025-10-20", "modifier")


@pytest.mark.parametrize(
    "text, actor_text, cue, content, pieces",
    [
        # an attribution set off inside the clause it reports
        ("The new rules, the minister said, will take effect in May.", "the minister", "said",
         "The new rules will take effect in May", 2),
        ("It is too early, officials said, to judge the damage to the harbour.", "officials", "said",
         "It is too early to judge the damage to the harbour", 2),
        # "as X reported": the clause it modifies
        ("As the agency reported, exports fell sharply in March.", "the agency", "reported",
         "exports fell sharply in March", 1),
        ("Exports fell sharply in March, as the agency reported on Friday.", "the agency", "reported",
         "Exports fell sharply in March", 1),
    ],
)
def test_parenthetical_attribution_takes_the_clause_around_it(nlp, text, actor_text, cue, content, pieces):
    row = only(run(nlp, text))
    assert (row["actor_text"], row["cue"], row["content"], row["pieces"]) == (actor_text, cue, content, pieces)


@pytest.mark.parametrize(
    "text",
    [
        # "as" clauses of other verbs say when, not who said
        "Prices kept rising as the strike continued to spread across the region.",
        "The crowd grew quiet as the band launched its final song.",
    ],
)
def test_as_clause_of_a_non_reporting_use_is_no_statement(nlp, text):
    assert not [r for r in run(nlp, text) if r["rule"].startswith("parenthetical")]


@pytest.mark.parametrize(
    "text, content",
    [
        # the relative word belongs to the complement clause, which holds the cue
        ("The levy rose to 3 percent, which she said would be the highest rate ever.",
         "which would be the highest rate ever"),
        ("He spoke mostly about what he said were the failures of the council.",
         "what were the failures of the council"),
    ],
)
def test_complement_clause_around_its_own_cue(nlp, text, content):
    # ("spoke mostly about" is a statement of its own, as "spoke about" is)
    row = only([r for r in run(nlp, text) if r["cue"] == "said"])
    assert row["content"] == content and row["pieces"] == 2


@pytest.mark.parametrize(
    "text",
    [
        "The governor is expected to sign the budget on Friday.",
        "The plan, which is intended to cut waiting times, was unveiled by the minister.",
        # nor is the subject of the clause before it the holder
        "The union praised the deal, and the mayor was expected to sign it within days.",
    ],
)
def test_passive_of_an_expecting_verb_names_no_holder(nlp, text):
    # whoever expects or intends it is unnamed; the subject is what is expected
    assert [r for r in run(nlp, text) if r["cue"] in ("expected", "intended")] == []


def test_passive_of_a_feeling_keeps_its_subject_as_the_holder(nlp):
    row = only(run(nlp, "Local farmers were split on whether the dam should be built."))
    assert (row["actor_text"], row["content"]) == ("Local farmers", "whether the dam should be built")


@pytest.mark.parametrize(
    "text, actor, content",
    [
        ("The plan was opposed by Mayor Karen Olsen, who said it would raise rents.", "Karen Olsen",
         "it would raise rents"),
        ("The report was welcomed by Rita Moreno, who has said she wants more nurses.", "Rita Moreno",
         "she wants more nurses"),
    ],
)
def test_relative_pronoun_is_the_local_mention_of_the_speaker(nlp, text, actor, content):
    row = only(run(nlp, text))
    assert (row["actor"], row["actor_text"], row["content"]) == (actor, "who", content)


@pytest.mark.parametrize(
    "text, content",
    [
        # an object with the charge or characterisation that goes with it
        ("The union accused the company of hiding its losses.", "the company of hiding its losses"),
        ("The senator praised the volunteers for their courage.", "the volunteers for their courage"),
        ("The teacher compared the new curriculum to a maze.", "the new curriculum to a maze"),
        # the plain object of a frequent speech cue
        ("The ministry announced the merger of the two rail companies.", "the merger of the two rail companies"),
        ("The opposition leader tweeted a photo of the empty hospital ward.", "a photo of the empty hospital ward"),
    ],
)
def test_object_as_content(nlp, text, content):
    assert only(run(nlp, text))["content"] == content


@pytest.mark.parametrize(
    "text, content",
    [
        # a speaker described at length between the two quotations
        ('"We are not leaving," said Tomas Berg, who drove from the coast to join the march against the '
         'closure. "This is our town too, and we will stay."',
         '"We are not leaving," "This is our town too, and we will stay."'),
        # a title quoted inside the attribution is no other quotation
        ('"It is hard to say," said Mia Holt, who hosts the radio show "Early Hours." '
         '"Nobody knows the real numbers yet."',
         '"It is hard to say," "Nobody knows the real numbers yet."'),
    ],
)
def test_continuation_after_a_long_attribution(nlp, text, content):
    row = only(run(nlp, text))
    assert row["rule"] == "ccomp:say+continuation" and row["content"] == content


def test_continuation_stops_at_another_speaker(nlp):
    text = ('"We are not leaving," said Tomas Berg. Across the street, the owner of the bakery, who opened '
            'her shop in the spring, disagreed with the protesters. "This is our town too."')
    rows = run(nlp, text)
    assert not [r for r in rows if r["rule"].endswith("+continuation")]


# --------------------------------------------------------------------------
# Quote type by interval arithmetic
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spans, expected",
    [
        ([(0, 10)], "direct"),  # the quotation alone, marks included
        ([(0, 24)], "mixed"),  # the quotation and the words after it
        ([(11, 24)], "indirect"),
        ([(0, 10), (11, 24)], "mixed"),
        ([(0, 5), (26, 43)], "direct"),  # two pieces, both inside quotations
        ([], "indirect"),
    ],
)
def test_quote_type_counts_letters_inside_and_outside_quotations(spans, expected):
    from pipeline.claims import quote_type

    text = '"We stay," he said today, "no matter what."'
    assert quote_type(text, spans, quotations(text)) == expected


def test_quote_type_with_overlapping_quotation_ranges():
    from pipeline.claims import quote_type

    text = '"one two three" and four'
    assert quote_type(text, [(0, 24)], [(0, 15), (5, 15)]) == "mixed"
    assert quote_type(text, [(0, 15)], [(0, 15), (5, 15)]) == "direct"


# --------------------------------------------------------------------------
# Subjects, objects and second acts
# --------------------------------------------------------------------------


def test_speaker_outside_the_quotation_when_the_cue_has_a_subject_inside_it(nlp):
    text = "“I find sometimes in talks with other parents, [Mayor Berg] can be very stubborn,” Kowalski said."
    rows = [r for r in run(nlp, text) if r["cue"] == "said"]
    assert len(rows) == 1 and rows[0]["actor_text"] == "Kowalski"
    assert rows[0]["content"].startswith("“I find sometimes")


@pytest.mark.parametrize(
    "text, first, second_cue, second",
    [
        ("The councillor said the budget was balanced and questioned why the audit had taken so long.",
         "the budget was balanced", "questioned", "why the audit had taken so long"),
        ("The farmer said he earns $30,000 a year and complained that the new tax would ruin him.",
         "he earns $30,000 a year", "complained", "that the new tax would ruin him"),
    ],
)
def test_second_act_of_the_speaker_is_cut_from_the_content_and_is_the_speakers(nlp, text, first, second_cue, second):
    rows = run(nlp, text)
    said = [r for r in rows if r["cue"] == "said"]
    assert len(said) == 1 and said[0]["content"] == first
    other = [r for r in rows if r["cue"] == second_cue]
    assert len(other) == 1 and other[0]["content"] == second and other[0]["actor_text"] == "The " + text.split()[1]


def test_present_tense_conjunct_stays_in_the_content(nlp):
    # a stance the speaker reports ("and wants ...") is part of what was said
    row = [r for r in run(nlp, "The nurse said she supports the strike and wants a higher wage.") if r["cue"] == "said"]
    assert row and row[0]["content"] == "she supports the strike and wants a higher wage"


# --------------------------------------------------------------------------
# Continuations across a paragraph break
# --------------------------------------------------------------------------


def test_continuation_across_a_paragraph_after_the_attribution(nlp):
    text = "“We will not close the library,” the mayor said.\n\n“It is the heart of this town, and it stays open.”"
    row = only(run(nlp, text))
    assert row["rule"].endswith("+continuation") and row["pieces"] == 2


def test_no_continuation_across_a_paragraph_when_the_attribution_came_first(nlp):
    text = ("The mayor said on Monday that the library would stay open.\n\n"
            "“It is the heart of this town, and it stays open.”")
    assert not [r for r in run(nlp, text) if r["rule"].endswith("+continuation")]


# --------------------------------------------------------------------------
# Headlines
# --------------------------------------------------------------------------


def run_with_headline(nlp, text):
    """Statements of a text whose first line is the article's headline."""
    from pipeline.ingest import Article, Region
    from pipeline.nlp import register_extensions

    register_extensions()
    doc = nlp(text)
    doc._.article = Article("t", text, None, None, None, None, "t.txt", "", "txt",
                            excluded=(Region(0, text.index("\n"), "title"),))
    statements = extract_statements(doc, "t", find_mentions(doc))
    return [
        {"actor_text": text[slice(*st.actor_span)] if st.actor_span else None,
         "cue": text[slice(*st.cue_span)] if st.cue_span else None,
         "content": " ".join(text[s:e] for s, e in st.content_spans), "rule": st.rule}
        for st in statements if st.content_start < text.index("\n")
    ]


BODY = "\n\nThe council met on Tuesday evening to discuss the plan.\n"


@pytest.mark.parametrize(
    "headline, actor_text, content",
    [
        ("Poll: Most residents back the new tram line", "Poll", "Most residents back the new tram line"),
        ("Harbour board: Ferry fares will rise in spring", "Harbour board", "Ferry fares will rise in spring"),
        ("Mayor to residents: ‘We will rebuild the bridge’", "Mayor", "‘We will rebuild the bridge’"),
    ],
)
def test_headline_label_names_the_speaker(nlp, headline, actor_text, content):
    rows = [r for r in run_with_headline(nlp, headline + BODY) if r["cue"] == ":"]
    assert len(rows) == 1 and (rows[0]["actor_text"], rows[0]["content"]) == (actor_text, content)


@pytest.mark.parametrize(
    "headline",
    [
        "Breaking: Ferry fares will rise in spring",  # a gerund label
        "Watch: The mayor cuts the ribbon at the new bridge",  # a verb
        "EXCLUSIVE: Ferry fares will rise in spring",  # a shouted label that names nobody
        "Wow: Ferry fares will rise in spring",  # an interjection
    ],
)
def test_headline_labels_that_name_no_speaker(nlp, headline):
    assert not [r for r in run_with_headline(nlp, headline + BODY) if r["cue"] == ":"]


@pytest.mark.parametrize(
    "headline, expected",
    [
        ("Mayor Anna Berg Slams Council Over Library Cuts",
         [("Mayor Anna Berg", "Slams", "Council Over Library Cuts")]),
        ("Harbour Board Says Fares Will Rise, Blames Fuel Costs",
         [("Harbour Board", "Says", "Fares Will Rise"), ("Harbour Board", "Blames", "Fuel Costs")]),
    ],
)
def test_title_case_headline_verb(nlp, headline, expected):
    rows = run_with_headline(nlp, headline + BODY)
    assert sorted((r["actor_text"], r["cue"], r["content"]) for r in rows) == sorted(expected)


def test_title_case_headline_passive_is_no_statement(nlp):
    assert not run_with_headline(nlp, "Local Teacher Named By Council As Citizen Of The Year" + BODY)


@pytest.mark.parametrize(
    "headline",
    [
        "Voter Claims Will Be Checked By Election Officials",  # "Claims" is the subject, not "Voter" claiming
        "Ferry fare questions are likely to dominate the council meeting",
    ],
)
def test_headline_plural_noun_before_an_auxiliary_is_no_cue(nlp, headline):
    assert not run_with_headline(nlp, headline + BODY)


# --------------------------------------------------------------------------
# Addressees, objects and their modifiers, asides
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, actor_text, cue, content, rule",
    [
        # "called for X to ...": the parser makes "for" the marker of an infinitive clause
        ("The teachers' union called for the school board to reopen the library.", "The teachers' union",
         "called for", "the school board to reopen the library", "prep"),
        # the infinitive of a speech verb is what the addressee should do, not a refusal to speak
        ("The mayor called on residents to report any damage to the town hall.", "The mayor",
         "called on", "residents to report any damage to the town hall", "prep"),
        # an adverb inside a prepositional cue
        ("The mayor called again for the council to resign over the missing funds.", "The mayor",
         "called again for", "the council to resign over the missing funds", "prep"),
        ("The union has repeatedly called on the company to reopen the plant.", "The union",
         "called on", "the company to reopen the plant", "prep"),
        # a clause before the cue is no complement of a cue with an object and what it was called
        ("For that he earned the coach's anger - the coach called him “lazy” and said he would be dropped.",
         "the coach", "called", "him “lazy”", "oprd"),
        # "calling it “...”" parsed as two objects
        ("The senator criticised the plan, calling it “a gift to landlords.”", "The senator",
         "calling", "it “a gift to landlords.”", "oprd"),
        # a pronoun object with what it was called or charged with
        ("Most of the farmers described themselves as independent voters.", "Most of the farmers",
         "described", "themselves as independent voters", "dobj"),
        ("The senator accused him of lying to the committee.", "The senator",
         "accused", "him of lying to the committee", "dobj"),
        # the object's own modifiers, hung on the cue by the parser
        ("The actress expressed her stance in support of the refugees.", "The actress",
         "expressed", "her stance in support of the refugees", "dobj"),
    ],
)
def test_addressees_and_objects(nlp, text, actor_text, cue, content, rule):
    rows = [r for r in run(nlp, text) if r["cue"] == cue]
    assert len(rows) == 1, rows
    assert (rows[0]["actor_text"], rows[0]["content"], rows[0]["rule"].split(":")[0]) == (actor_text, content, rule)


def test_quotation_after_the_cue_beats_a_scene_setting_clause_before_it(nlp):
    text = ("Asked if it had appeared he was encouraging violence with his first statement, the mayor replied, "
            "“Well, maybe so. Maybe that’s why I wouldn’t do it.”")
    row = only(run(nlp, text))
    assert (row["actor_text"], row["content"]) == ("the mayor", "“Well, maybe so. Maybe that’s why I wouldn’t do it.”")


def test_complement_after_the_cue_beats_one_before_it(nlp):
    text = ("So let me get this straight: on the same day that the Gazette reports that the agency issued fines "
            "to a charity, the moderators did not ask about it.")
    rows = [r for r in run(nlp, text) if r["cue"] == "reports"]
    assert len(rows) == 1 and rows[0]["content"] == "that the agency issued fines to a charity"


@pytest.mark.parametrize(
    "text, content",
    [
        # a non-restrictive relative clause closing the content describes, it is not said
        ("The minister said she supports the new rail line, which runs through three towns.",
         "she supports the new rail line"),
    ],
)
def test_aside_closing_the_content_is_cut(nlp, text, content):
    rows = [r for r in run(nlp, text) if r["cue"] == "said"]
    assert len(rows) == 1 and rows[0]["content"] == content


@pytest.mark.parametrize(
    "text, first, second",
    [
        ("Most farmers said the levy was fair, while a third of the growers said it would ruin them.",
         "the levy was fair", "it would ruin them"),
        ("Two members told reporters the budget was too small, while the chairman insisted it was enough.",
         "the budget was too small", "it was enough"),
        # a second act of the speaker
        ("The mayor said the budget was balanced, while stressing that cuts would come.",
         "the budget was balanced", "that cuts would come"),
    ],
)
def test_a_contrasting_statement_after_the_content_is_its_own(nlp, text, first, second):
    rows = run(nlp, text)
    assert [r["content"] for r in rows] == [first, second]


@pytest.mark.parametrize(
    "text, content",
    [
        # a "while" clause without a cue is part of what was said ...
        ("Most farmers said the levy was fair, while the growers were struggling.",
         "the levy was fair, while the growers were struggling"),
        # ... and so is one with a stance verb: the rest of a finding
        ("The survey found that most farmers backed the levy, while a third favored a new tax.",
         "that most farmers backed the levy, while a third favored a new tax"),
    ],
)
def test_a_while_clause_without_a_speech_cue_stays_in_the_content(nlp, text, content):
    assert [r["content"] for r in run(nlp, text)] == [content]


def test_participle_act_after_the_content_is_the_speakers(nlp):
    rows = run(nlp, "The mayor said the harbour should be dredged, echoing a request from the fishermen.")
    said = [r for r in rows if r["cue"] == "said"]
    echo = [r for r in rows if r["cue"] == "echoing"]
    assert len(said) == 1 and said[0]["content"] == "the harbour should be dredged"
    assert len(echo) == 1 and echo[0]["actor_text"] == "The mayor"


def test_repeated_present_tense_cue_is_a_second_act(nlp):
    rows = run(nlp, "He says the plan is dead and says he will vote against it.")
    assert sorted((r["actor_text"], r["content"]) for r in rows) == [
        ("He", "he will vote against it"), ("He", "the plan is dead")]


@pytest.mark.parametrize(
    "text, content",
    [
        ("Even now, he said, he’s learned enough about the council that he’s sure it cannot be trusted.",
         "Even now he’s learned enough about the council that he’s sure it cannot be trusted"),
    ],
)
def test_parenthetical_hung_on_a_function_word(nlp, text, content):
    row = only(run(nlp, text))
    assert row["content"] == content and row["pieces"] == 2


def test_quoted_title_inside_a_sentence_is_no_statement(nlp):
    text = "The senator, who appeared on “Good Morning Harbour Town” on Sunday, said she would run."
    row = only(run(nlp, text))
    assert row["content"] == "she would run"


@pytest.mark.parametrize(
    "headline, expected",
    [
        ("Harbour board blasts council over ferry fares", [("Harbour board", "blasts", "council over ferry fares")]),
        ("Mayor demands council resign over library cuts", [("Mayor", "demands", "council resign over library cuts")]),
    ],
)
def test_sentence_case_headline_verb(nlp, headline, expected):
    rows = run_with_headline(nlp, headline + BODY)
    assert sorted((r["actor_text"], r["cue"], r["content"]) for r in rows) == sorted(expected)


# --------------------------------------------------------------------------
# Rarer cues with a clause, evidence with an object
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cue, content",
    [
        ("Most voters think the new tax is unfair.", "think", "the new tax is unfair"),
        ("The senator knows the vote will be close.", "knows", "the vote will be close"),
        ("The council plans to build a new bridge over the river.", "plans", "to build a new bridge over the river"),
    ],
)
def test_rarer_cue_with_a_complement_after_it(nlp, text, cue, content):
    row = only(run(nlp, text))
    assert (row["cue"], row["content"]) == (cue, content)


@pytest.mark.parametrize(
    "text",
    [
        "She thinks about the election every day.",  # no complement
        "I know him well.",  # an object only
    ],
)
def test_rarer_cue_without_a_complement_is_no_statement(nlp, text):
    assert not run(nlp, text)


def test_evidence_cue_with_an_object(nlp):
    row = only(run(nlp, "The latest poll shows a dead heat between the two candidates."))
    assert (row["actor_text"], row["cue"], row["content"]) == (
        "The latest poll", "shows", "a dead heat between the two candidates")


@pytest.mark.parametrize(
    "text, content, pieces",
    [
        # in the middle of its clause: the clause around it
        ("Turnout in the northern districts, according to the election office, rose by a third.",
         "Turnout in the northern districts rose by a third", 2),
        # at either end: the rest of the sentence
        ("According to the election office, turnout rose by a third.", "turnout rose by a third", 1),
        ("Turnout rose by a third, according to the election office.", "Turnout rose by a third", 1),
    ],
)
def test_according_to_takes_the_clause_around_it(nlp, text, content, pieces):
    row = only(run(nlp, text))
    assert (row["actor_text"], row["content"], row["pieces"]) == ("the election office", content, pieces)


def test_cue_with_its_own_object_is_not_in_inverted_order(nlp):
    text = "The mood in the party shifted after the vote; the senator offered his own assessment of the budget."
    row = only(run(nlp, text))
    assert (row["actor_text"], row["cue"], row["content"]) == (
        "the senator", "offered", "his own assessment of the budget")


@pytest.mark.parametrize(
    "text, first_cue, first, second_cue, second, actor_text",
    [
        ("Some strategists fear that the party has missed its chance and warn that the voters will stay home.",
         "fear", "that the party has missed its chance", "warn", "that the voters will stay home", "Some strategists"),
        ("The nurse says the ward is full and warns that patients will wait longer.",
         "says", "the ward is full", "warns", "that patients will wait longer", "The nurse"),
    ],
)
def test_present_tense_second_act_with_its_own_that_clause(nlp, text, first_cue, first, second_cue, second, actor_text):
    rows = {r["cue"]: r for r in run(nlp, text)}
    assert rows[first_cue]["content"] == first
    assert (rows[second_cue]["content"], rows[second_cue]["actor_text"]) == (second, actor_text)


@pytest.mark.parametrize(
    "text, actor_text, content",
    [
        # a participle on a noun that is no object: the noun speaks
        ("The share of Republicans saying the party should change course rose sharply.",
         "The share of Republicans", "the party should change course"),
        # on an object, the parser's habit: the verb's subject speaks
        ("The council issued a statement saying the bridge would reopen.", "The council", "the bridge would reopen"),
    ],
)
def test_speaker_of_a_participle_on_a_noun(nlp, text, actor_text, content):
    row = only(run(nlp, text))
    assert (row["actor_text"], row["content"]) == (actor_text, content)


_OCCASION = "Maria Lopez said on Sunday that the bridge would reopen in May.\n"
_LATER = "\u201cWe will not wait any longer for the state,\u201d Lopez said.\n"


@pytest.mark.parametrize(
    "text, date, source",
    [
        # the same interview, two paragraphs on; a time inside a quotation or
        # inside her own earlier statement ("in May") names no new occasion
        (_OCCASION + "Drivers call the detour \u201ca nightmare since March.\u201d\n" + _LATER,
         "2025-10-19", "context"),
        # a time the narrative names in between is a new occasion
        (_OCCASION + "On Monday, the council voted to pay for the repairs.\n" + _LATER, "2025-10-21", "published"),
        # a year is background more often than an occasion
        (_OCCASION.replace("on Sunday", "in 2019") + "The bridge is still closed.\n" + _LATER,
         "2025-10-21", "published"),
        # a cue in the perfect or with a habitual adverb tells of more than one occasion
        (_OCCASION + "The bridge is still closed.\n" + _LATER.replace("Lopez said", "Lopez has said"),
         "2025-10-21", "published"),
        (_OCCASION + "The bridge is still closed.\n" + _LATER.replace("Lopez said", "she\u2019s said"),
         "2025-10-21", "published"),
        (_OCCASION + "The bridge is still closed.\n" + _LATER.replace("Lopez said", "Lopez repeatedly said"),
         "2025-10-21", "published"),
        (_OCCASION + "The bridge is still closed.\n" + _LATER.replace("Lopez said", "Lopez rarely said"),
         "2025-10-21", "published"),
        # ... so does a participle on such a verb
        (_OCCASION + "The bridge is still closed.\n"
         + "Lopez has often criticized the state, saying it had \u201cno plan for the river.\u201d\n",
         "2025-10-21", "published"),
        (_OCCASION + "The bridge is still closed.\n"
         + "Lopez has criticized the state, saying it had \u201cno plan for the river.\u201d\n",
         "2025-10-21", "published"),
        # beyond three paragraphs the occasion is lost
        (_OCCASION + "The bridge is still closed.\n" * 3 + _LATER, "2025-10-21", "published"),
    ],
)
def test_the_date_of_an_occasion_carries_over_a_few_paragraphs(nlp, text, date, source):
    rows = [r for r in run(nlp, text, PUBLISHED) if r["actor"] == "Maria Lopez"]
    assert len(rows) >= 2, rows
    assert {(r["date"], r["date_source"]) for r in rows[1:]} == {(date, source)}


_WAIT = " \u201cWe will not wait any longer for the state,\u201d she said.\n"


@pytest.mark.parametrize(
    "text, date, attachment",
    [
        # an earlier sentence of the paragraph sets the occasion for the actor
        ("In an interview on Sunday, Maria Lopez toured the flooded district." + _WAIT, "2025-10-19", "frame"),
        ("Maria Lopez toured the flooded district at a rally last week." + _WAIT, "2025-W42", "frame"),
        # ... also from a clause without a subject of its own
        ("Speaking at a rally on Sunday, Maria Lopez toured the flooded district." + _WAIT, "2025-10-19", "frame"),
        # not another actor's occasion
        ("In an interview on Sunday, the governor defended the plan. Maria Lopez was unmoved." + _WAIT,
         "2025-10-21", "published"),
        # not a time inside a statement's content
        ("Maria Lopez said she toured the district on Sunday." + _WAIT, "2025-10-21", "published"),
        # nor one in quotation marks: someone's words, not the narrative's
        ("Maria Lopez toured the district \u201con Sunday.\u201d" + _WAIT, "2025-10-21", "published"),
        # nor one in a phrase that dates nothing
        ("Maria Lopez stayed at the shelter until Sunday." + _WAIT, "2025-10-21", "published"),
        # not background long before the report: said to the reporter
        ("Maria Lopez met the contractor on May 3, 2019." + _WAIT, "2025-10-21", "published"),
        # not an occasion still to come
        ("On Thursday, Maria Lopez will attend the hearing." + _WAIT, "2025-10-21", "published"),
        # not a month: background more often than an occasion
        ("Maria Lopez visited the river earlier this month." + _WAIT, "2025-10-21", "published"),
        # not for a cue in the present, the perfect or with a habitual adverb
        ("In an interview on Sunday, Maria Lopez toured the flooded district." + _WAIT.replace("she said", "she says"),
         "2025-10-21", "published"),
        ("In an interview on Sunday, Maria Lopez toured the flooded district."
         + _WAIT.replace("she said", "she has said"), "2025-10-21", "published"),
        ("In an interview on Sunday, Maria Lopez toured the flooded district."
         + _WAIT.replace("she said", "she often said"), "2025-10-21", "published"),
    ],
)
def test_an_earlier_sentence_sets_the_occasion(nlp, text, date, attachment):
    row = only([r for r in run(nlp, text, PUBLISHED) if r["content"].startswith("\u201cWe will not wait")])
    assert row["actor"] == "Maria Lopez"
    assert (row["date"], row["date_attachment"]) == (date, attachment)
    assert row["date_source"] == ("context" if attachment == "frame" else "published")


_TOUR = "On Sunday, Maria Lopez toured the flooded district.\n"


@pytest.mark.parametrize(
    "text, cue, date, attachment",
    [
        # the paragraph before sets the occasion for a quotation opening the next
        (_TOUR + _WAIT, "said", "2025-10-19", "frame"),
        # ... but not two paragraphs back
        (_TOUR + "The bridge is still closed.\n" + _WAIT, "said", "2025-10-21", "published"),
        # ... and a duration in the cue's sentence sets no occasion of its own
        (_TOUR + "Emerging from a two-hour meeting, she said \u201cwe will not wait any longer.\u201d\n",
         "said", "2025-10-19", "frame"),
        # the cue's own sentence sets it, on a clause the cue hangs on ...
        ("On Sunday, Maria Lopez appeared on the radio and endorsed the plan, saying \u201cwe will not wait.\u201d",
         "endorsed", "2025-10-19", "frame"),
        # ... not in a clause on a noun
        ("Maria Lopez also attacked developer Tom Rudd, with whom she clashed at Sunday's forum, "
         "calling him \u201ca crook.\u201d", "calling", "2025-10-21", "published"),
        # ... nor in a finite clause the parser left without its subject: whose act it is, is unknown
        ("After the meeting of the board on Saturday ended in chaos, Maria Lopez said she had received threats.",
         "said", "2025-10-21", "published"),
    ],
)
def test_the_narrative_sets_the_occasion_around_the_paragraph(nlp, text, cue, date, attachment):
    row = only([r for r in run(nlp, text, PUBLISHED) if r["cue"] == cue])
    assert row["actor"] == "Maria Lopez"
    assert (row["date"], row["date_attachment"]) == (date, attachment)


def test_a_narrative_frame_needs_the_actor_mentions(nlp):
    text = "In an interview on Sunday, Maria Lopez toured the flooded district." + _WAIT
    doc = nlp(text)
    mentions = find_mentions(doc)
    timexes = find_timexes(doc, dt.date.fromisoformat(PUBLISHED))
    statements = extract_statements(doc, "t", mentions, timexes=timexes)
    with_mentions = date_statements(doc, statements, timexes, PUBLISHED, mentions)
    without = date_statements(doc, statements, timexes, PUBLISHED, [])
    assert [s.date.attachment for s in with_mentions] == ["frame"]
    assert [s.date.attachment for s in without] == ["published"]


@pytest.mark.parametrize(
    "third, source",
    [
        ("At the time, she said it was too costly.", "published"),
        # wherever the parser hangs it: on the cue or on its subject
        ("Maria Lopez at the time said it was too costly.", "published"),
        ("Maria Lopez at the time said she had asked her staff to look into it.", "published"),
        # "at the same time" is "also"
        ("At the same time, she said it was too costly.", "context"),
        ("Maria Lopez at the same time said it was too costly.", "context"),
        # "later" on the verb a participle cue hangs on
        ("She later thanked the crews, claiming it was too costly.", "published"),
        # minutes or hours later is the same occasion's day
        ("Hours later, she said it was too costly.", "context"),
    ],
)
def test_at_the_time_is_another_time(nlp, third, source):
    # "at the time" points back at a time told before, not at the paragraph's
    text = "Maria Lopez said on Sunday that the bridge would reopen. The plan was first drawn up in 2019. " + third
    rows = run(nlp, text, PUBLISHED)
    assert {r["actor"] for r in rows} == {"Maria Lopez"}
    assert (rows[-1]["date"], rows[-1]["date_source"]) == (
        ("2025-10-19", "context") if source == "context" else ("2025-10-21", "published"))
