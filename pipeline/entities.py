"""entities stage: spaCy `Doc` -> actor mentions and canonical actors.

Input: a parsed `Doc` with named entities. Output, on `doc._.mentions`, every
PERSON, ORG, GPE and NORP mention with the key of the in-article actor it
belongs to ("Mr Lavrov" and "Sergei Lavrov" share one), and functions that the
claims stage uses to turn the subject of a cue into an `Actor`: a named entity,
a pronoun resolved to the nearest compatible named speaker, or, when the
evidence is weak, the description as written (UNNAMED).

Corpus-wide identity (`actor_id`) is a pure function of the name, so that it
is the same in every article and every run: transliteration variants
("Sergei"/"Sergey", "Zelenskiy"/"Zelensky"/"Zelenskyy") fold to one key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from anyascii import anyascii
from nameparser import HumanName
from spacy.tokens import Doc, Span, Token

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")

# Honorifics that make a mention a person whatever the NER label says
# (en_core_web_sm tags "Mr Zelenskiy" as ORG).
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "madam"}
# The ones that say whether "he" or "she" can refer to the person.
HONORIFIC_GENDER = {"mr": "m", "sir": "m", "lord": "m",
                    "mrs": "f", "ms": "f", "miss": "f", "dame": "f", "lady": "f", "madam": "f"}
PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
# Role nouns that give the gender of the person they name: "her husband, Saeed
# Abedini", "the first lady, Michelle Obama", "X, the congresswoman". Only
# words English keeps for one gender ("chairman", "spokesman" and "actor"
# are not: "Trump spokesman Hope Hicks").
ROLE_GENDER = {
    **dict.fromkeys(("husband", "father", "son", "brother", "grandfather", "grandson", "uncle", "nephew",
                     "widower", "boyfriend", "stepfather", "stepson", "king", "prince", "duke", "emperor",
                     "congressman", "businessman", "councilman", "assemblyman"), "m"),
    **dict.fromkeys(("wife", "mother", "daughter", "sister", "grandmother", "granddaughter", "aunt", "niece",
                     "widow", "girlfriend", "stepmother", "stepdaughter", "queen", "princess", "duchess",
                     "empress", "lady", "congresswoman", "spokeswoman", "businesswoman", "councilwoman",
                     "assemblywoman", "chairwoman", "actress"), "f"),
}
# A first name the article does not mark gives its gender when at least this
# many times as many people of one gender bore it as of the other in the 1990
# US Census lists (`first_name_gender`): "Chris" (8 to 1), "Kelly" (4.5 to 1)
# count; "Terry", "Lee" and "Jordan" do not.
FIRST_NAME_ODDS = 4.0

# Role nouns that introduce a person as someone's relative ("her husband, Frank
# Fiorina"): the surname alone is then as likely the other person's.
KINSHIP = frozenset({
    "husband", "wife", "spouse", "father", "mother", "parent", "son", "daughter", "child", "brother", "sister",
    "sibling", "grandfather", "grandmother", "grandson", "granddaughter", "uncle", "aunt", "nephew", "niece",
    "cousin", "widow", "widower", "stepfather", "stepmother", "stepson", "stepdaughter",
})

PERSON_PRONOUNS = {"he", "she", "him", "her"}
THING_PRONOUNS = {"it"}
# "they" goes on from a plural subject (see `resolve_plural`). The other
# pronouns and quantifiers of a group or of a member of one ("we", "I",
# "you", "some", "others", "both") stay UNNAMED: resolving them would invent
# a speaker.
PLURAL_PRONOUNS = {"they"}


@dataclass(frozen=True)
class Mention:
    """One named-entity mention of a possible actor."""

    start: int
    end: int
    token_start: int
    token_end: int
    text: str
    label: str
    key: str  # in-article actor key


@dataclass(frozen=True)
class Actor:
    """Who a statement is attributed to."""

    name: str  # display name: "Donald Trump", or the description as written
    type: str  # PERSON, ORG, GPE, NORP or UNNAMED
    key: str  # corpus-wide key (see actor_key); per article for UNNAMED


# --------------------------------------------------------------------------
# Name folding and corpus-wide keys
# --------------------------------------------------------------------------

_TRANSLIT = [
    # Romanisations of Slavic names: -iy/-yy/-ii/-yi/-i endings, -ei/-ey.
    (re.compile(r"(?:iy|yy|ii|yi|ij|y)$"), "y"),
    (re.compile(r"ei$"), "ey"),
    (re.compile(r"(.)\1"), r"\1"),  # doubled letters
]


@cache
def fold(word: str) -> str:
    """Fold a name part to a spelling-insensitive key: 'Zelenskiy' -> 'zelensky'."""
    out = re.sub(r"[^a-z]", "", anyascii(word).lower())
    for pattern, repl in _TRANSLIT:
        out = pattern.sub(repl, out)
    return out


@cache
def _aliases() -> dict[str, str]:
    """Alias -> canonical name for ORG/GPE/NORP names (pipeline/lexicon/actor_aliases.tsv)."""
    table = {}
    text = resources.files("pipeline").joinpath("lexicon/actor_aliases.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *aliases = [part.strip() for part in line.split("\t")]
        for alias in [canonical, *aliases]:
            table[_plain(alias)] = canonical
    return table


def _plain(name: str) -> str:
    name = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", " ", anyascii(name).lower()).strip()


def canonical_name(name: str, label: str) -> str:
    """Display name for a non-person name: aliases folded, leading 'the' dropped."""
    if label == "PERSON":
        return name
    return _aliases().get(_plain(name), re.sub(r"^(?:the|The)\s+", "", name.strip()))


@cache
def person_parts(name: str) -> tuple[str, str]:
    """(first, last) of a person's name, titles and possessives removed."""
    name = re.sub(r"[’']s$", "", name.strip())
    parsed = HumanName(name)
    # nameparser reads a lone "King" or "Judge" as a title and finds no name:
    # the word is then the surname ("New York Congressman Pete King ... King said")
    last = parsed.last or parsed.first or (name.split() or [""])[-1]
    first = parsed.first if parsed.last else ""
    return first, last


def actor_key(name: str, label: str) -> str:
    """Corpus-wide key of a named actor: 'person:s-lavrov', 'gpe:united-states'."""
    if label == "PERSON":
        first, last = person_parts(name)
        initial = fold(first)[:1]
        return f"person:{initial + '-' if initial else ''}{fold(last)}"
    return f"{label.lower()}:{_plain(canonical_name(name, label)).replace(' ', '-')}"


# --------------------------------------------------------------------------
# Mentions and in-article clustering
# --------------------------------------------------------------------------


def _label(ent: Span) -> str:
    first = ent[0].lower_.rstrip(".")
    if first in HONORIFICS or (ent.start > 0 and ent.doc[ent.start - 1].lower_.rstrip(".") in HONORIFICS):
        return "PERSON"
    return ent.label_


def find_mentions(doc: Doc) -> list[Mention]:
    """Named mentions of possible actors, each tagged with its in-article actor key.

    A surname alone ("Orban", "Mr Lavrov") joins the full name it shares a
    folded surname with, when exactly one such full name is in the article
    and nothing says they are two people (see `_surname_joins`).
    """
    raw = []
    for ent in doc.ents:
        label = _label(ent)
        if label not in ACTOR_LABELS:
            continue
        span = ent
        # Drop a trailing possessive and a leading honorific or article from the name.
        while len(span) > 1 and span[-1].tag_ == "POS":
            span = span[:-1]
        while len(span) > 1 and span[0].lower_.rstrip(".") in HONORIFICS | {"the"}:
            span = span[1:]
        # ... and a dateline the model ran into it ("CLEVELAND - Donald Trump"),
        # when the name goes on past it (a name in a caption stays whole).
        while len(span) > 1 and _boilerplate(span[0]) and not _boilerplate(span[-1]):
            span = span[1:]
        raw.append((span, label))

    full_names: dict[str, set[str]] = {}
    for span, label in raw:
        if label == "PERSON":
            first, last = person_parts(span.text)
            if first:
                full_names.setdefault(fold(last), set()).add(actor_key(span.text, label))

    labelled = []
    for span, label in raw:
        # The small model often tags a bare surname as ORG ("Trump said"); a
        # one-word name that is the surname of a person in the article is that person
        # (unless it is an acronym: "the U.N." is not Kim Jong Un, "the GOP" not "Indiana GOP").
        if label == "ORG" and len(span) == 1 and not _acronym(span.text) and fold(span.text) in full_names:
            label = "PERSON"
        labelled.append((span, label))
    labelled += [(doc[i:i + 1], "PERSON") for i in _untagged_surnames(doc, raw, full_names)]
    labelled.sort(key=lambda pair: pair[0].start)
    joins = _surname_joins(labelled, full_names)

    mentions = []
    for span, label in labelled:
        key = joins.get(span.start) or actor_key(span.text, label)
        mentions.append(
            Mention(span.start_char, span.end_char, span.start, span.end, span.text, label, key)
        )
    return mentions


# Entity labels of words that can be both a surname and a date: "in May" is
# no Theresa May (a capitalised word the model calls an amount is its mistake).
_NOT_NAMES = frozenset({"DATE", "TIME"})


def _untagged_surnames(doc: Doc, raw: list[tuple[Span, str]], full_names: dict[str, set[str]]) -> list[int]:
    """Tokens that are a bare surname of a person the article names in full,
    where the model tagged no name ("“We will win,” Espinoza said", "Trump
    at the time said"), or took the word alone for a title or a product, not
    for a date.

    Only a proper noun (or a bare capitalised subject the tagger took for a
    noun) standing alone: not part of a longer name or of a
    multi-word entity ("Trump Tower", "the Lynch Foundation"), and not an
    acronym.
    """
    named = {i for span, _ in raw for i in range(span.start, span.end)}
    # not a word of a longer entity, nor a date
    excluded = {i for ent in doc.ents if len(ent) > 1 or ent.label_ in _NOT_NAMES
                for i in range(ent.start, ent.end)}
    found = []
    for token in doc:
        if (token.pos_ not in ("PROPN", "NOUN") or token.i in named or token.i in excluded
                or not token.text[:1].isupper() or not token.is_alpha or _acronym(token.text)
                or fold(token.text) not in full_names):
            continue
        if token.pos_ == "NOUN" and (token.dep_ not in ("nsubj", "nsubjpass") or any(
                c.dep_ in ("det", "amod", "compound", "nummod", "poss") for c in token.children)):
            # the tagger's noun at the head of a sentence ("Trump at the time
            # said") is a name only as a bare subject: not "The Price index"
            continue
        before = doc[token.i - 1] if token.i > 0 else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if (after is not None and after.pos_ == "PROPN") or (
                before is not None and before.pos_ == "PROPN" and before.lower_.rstrip(".") not in HONORIFICS):
            continue
        found.append(token.i)
    return found


def _acronym(word: str) -> bool:
    """'U.N.', 'GOP', 'SVP': dotted, or four capitals at most ('FALLIN' in a transcript is a name)."""
    return "." in word or (word.isupper() and len(word) <= 4)


def _roles(span: Span) -> list[str]:
    """Lemmas of the role nouns in apposition to a name or compounded before it.

    "her husband, Saeed Abedini", "Michelle Obama, the first lady", "first lady Michelle Obama".
    A noun the parser hangs on the name from a relative clause or after a
    possessive is another person's role ("Dorothy Woods, whose husband, Ty
    Woods, ...", "Sanders' son, Tywanza").
    """
    root = span.root
    doc = span.doc
    possessor = span.end < len(doc) and (doc[span.end].tag_ == "POS" or doc[span.end].text in ("'", "\u2019"))
    roles = [c for c in root.children if (c.dep_ == "appos" and c.i >= span.end and not possessor
                                          and not any(p.lower_ == "whose" for p in c.children))
             or (c.dep_ in ("compound", "nmod") and c.i < span.start)]
    if root.dep_ == "appos" and root.head.i < span.start:
        roles.append(root.head)
    return [t.lemma_.lower() for t in roles]


def _stated_gender(span: Span, roles: list[str]) -> str | None:
    """The gender the text gives a name where it stands: its honorific or a role noun (`_roles`).

    "Mrs. Clinton", "her husband, Saeed Abedini"; None when it says nothing (or both).
    """
    said = {ROLE_GENDER[role] for role in roles if role in ROLE_GENDER}
    if gender := _honorific(span.doc, span.start):
        said.add(gender)
    return next(iter(said)) if len(said) == 1 else None


def _surname_joins(labelled: list[tuple[Span, str]], full_names: dict[str, set[str]]) -> dict[int, str]:
    """Actor key of the full name each bare-surname PERSON mention joins, by the mention's first token.

    A bare surname joins the one full name with that surname whose gender,
    as the article states it (`_stated_gender`), does not contradict the
    surname's honorific: "Mr. Obama" is not "the first lady, Michelle Obama",
    and with "Saeed Abedini" and "Naghmeh Abedini" both named, "Mrs. Abedini"
    is the one of them who is not stated to be a man. When the article
    states no gender for a lone full name but calls the surname both "Mr."
    and "Mrs.", the full name is the one its surname mentions call it most
    ("Hillary Clinton", twelve "Mrs. Clinton", one "Mr. Clinton").
    A surname with a mention that no full name fits belongs to two people at
    least, so its mentions without an honorific ("President Obama") join none;
    nor do they join a full name that first comes, after the surname alone,
    as someone's relative ("Fiorina pushed ahead ...", then "her husband,
    Frank Fiorina"). A full name that a relation introduces before the
    surname is used alone ("Patti Davis, Ronald Reagan's daughter, ... Davis
    said") is the surname's person.
    """
    stated: dict[str, set[str]] = {}
    relatives = set()
    introduced = set()
    bare = []
    for span, label in labelled:
        if label != "PERSON":
            continue
        first, last = person_parts(span.text)
        roles = _roles(span)
        if first:
            key = actor_key(span.text, label)
            if gender := _stated_gender(span, roles):
                stated.setdefault(key, set()).add(gender)
            # a relative of the person the surname already stood for ("a Cheney" stands for none)
            if key not in introduced and KINSHIP.intersection(roles) and any(
                    surname == fold(last) and not any(c.dep_ == "det" for c in earlier.root.children)
                    for earlier, surname, _ in bare):
                relatives.add(key)
            introduced.add(key)
        else:
            bare.append((span, fold(last), _stated_gender(span, roles)))

    honorifics: dict[str, Counter[str]] = {}
    for _, surname, gender in bare:
        if gender:
            honorifics.setdefault(surname, Counter())[gender] += 1

    def gender_of(key: str, surname: str) -> str | None:
        said = stated.get(key, set())
        if said:
            return next(iter(said)) if len(said) == 1 else None
        counts = honorifics.get(surname, Counter())
        if len(full_names.get(surname, ())) == 1 and counts["m"] and counts["f"] and counts["m"] != counts["f"]:
            return "m" if counts["m"] > counts["f"] else "f"
        return None

    fitting = {}
    for span, surname, gender in bare:
        candidates = full_names.get(surname, set())
        if gender:
            candidates = {k for k in candidates if gender_of(k, surname) in (None, gender)}
        else:
            candidates = candidates - relatives
        fitting[span.start] = candidates
    shared = {surname for span, surname, gender in bare if gender and not fitting[span.start]}
    joins = {}
    for span, surname, gender in bare:
        if len(fitting[span.start]) == 1 and (gender or surname not in shared):
            joins[span.start] = next(iter(fitting[span.start]))
    return joins


def display_names(mentions: list[Mention]) -> dict[str, str]:
    """In-article display name per actor key: the longest form, first seen on ties."""
    names: dict[str, str] = {}
    for m in mentions:
        name = m.text if m.label == "PERSON" else canonical_name(m.text, m.label)
        if m.key not in names or len(name) > len(names[m.key]):
            names[m.key] = name
    return names


# --------------------------------------------------------------------------
# From a subject to an actor
# --------------------------------------------------------------------------

_CLAUSE_DEPS = {"relcl", "acl", "advcl", "punct", "cc", "conj", "parataxis"}


def mention_span(head: Token) -> tuple[int, int]:
    """Token range of the local mention headed by `head`, as written.

    Keeps determiners, titles, appositives and prepositional modifiers ("a
    spokesman for the ministry", "Mr Lavrov's deputy, Sergei Ryabkov"), and
    stops at relative clauses and other clause-like dependents and at the
    coordination ("X and Y" gives one mention each).
    """
    start, end = head.left_edge.i, head.right_edge.i + 1
    for child in head.children:
        if (child.dep_ not in _CLAUSE_DEPS or child.dep_ == "punct") and not time_phrase(child):
            continue
        left = min(child.left_edge.i, child.i)
        if child.i > head.i:
            end = min(end, left)
        else:
            start = max(start, child.right_edge.i + 1)
    doc = head.doc
    while end - start > 1 and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].dep_ == "cc"):
        end -= 1
    while end - start > 1 and (doc[start].is_punct or doc[start].is_space
                               or (_boilerplate(doc[start]) and not _boilerplate(doc[end - 1]))):
        start += 1
    return start, end


# Prepositions of a time phrase the parser may hang on a subject ("Trump at
# the time said", "the senator in 2012 argued"); not "of" ("the class of 2012").
_TIME_PREPS = frozenset({"at", "on", "in", "during", "since", "until", "through"})


def time_phrase(child: Token) -> bool:
    """Whether a dependent after a mention's head is a time phrase, which tells
    when its clause happened and is no part of who spoke: "Trump [at the
    time] said", "the senator [in 2012] argued", "Smith [on Tuesday] said"."""
    if child.dep_ != "prep" or child.lower_ not in _TIME_PREPS or child.i < child.head.i:
        return False
    objects = [c for c in child.children if c.dep_ == "pobj"]
    return len(objects) == 1 and (objects[0].ent_type_ in ("DATE", "TIME")
                                  or (objects[0].lemma_ in ("time", "moment") and objects[0].n_rights == 0))


def _boilerplate(token: Token) -> bool:
    """Whether a token lies in the article's boilerplate (a dateline, a credit),
    when the Doc carries its article (`Article.is_boilerplate`)."""
    article = token.doc._.article if Doc.has_extension("article") else None
    return article is not None and article.is_boilerplate(token.idx, token.idx + len(token))


def conjuncts(head: Token) -> list[Token]:
    """The head and every coordinated head ('Reuters and other news organisations').

    A dash or the first half of a hyphenated word that the parser made a
    conjunct ("his girlfriend and co-host": "co", "-") is not a head of its own.
    """
    return [head, *[t for t in head.conjuncts if t.i > head.i and not _word_piece(t)]]


def _word_piece(token: Token) -> bool:
    """Punctuation, or a childless token glued to a following hyphen ("co" of "co-host")."""
    if token.is_punct:
        return True
    doc = token.doc
    return (not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].text == "-"
            and token.n_lefts + token.n_rights == 0)


def _mention_in(mentions: list[Mention], start: int, end: int, head: Token) -> Mention | None:
    """The named mention that heads the token range (the head itself or its appositive)."""
    inside = [m for m in mentions if m.token_start >= start and m.token_end <= end]
    for m in inside:
        if m.token_start <= head.i < m.token_end:
            return m
    for child in head.children:
        if child.dep_ == "appos":
            for m in inside:
                if m.token_start <= child.i < m.token_end:
                    return m
    return None


def _name_head(token: Token) -> Token:
    """The token that carries the role of the name `token` is part of ("Donald" -> "Trump").

    A name that modifies a common noun ("a Trump supporter", "Trump campaign
    strategists") is not that noun: its role stops at the name.
    """
    while token.dep_ in ("compound", "flat", "appos", "conj") and token.head.i != token.i:
        if token.dep_ == "compound" and token.head.pos_ != "PROPN":
            break
        token = token.head
    return token


def _is_subject(token: Token) -> bool:
    """A subject, or the possessor of one ("Mr. Trump's campaign said")."""
    token = _name_head(token)
    if token.dep_ == "poss":
        return _is_subject(token.head)
    return token.dep_ in ("nsubj", "nsubjpass")


def _is_possessor(token: Token) -> bool:
    return _name_head(token).dep_ == "poss"


def _honorific(doc: Doc, token_start: int) -> str | None:
    """The gender the honorific right before a name's first token gives ("Mrs. Clinton" -> "f"), if any."""
    if token_start == 0:
        return None
    return HONORIFIC_GENDER.get(doc[token_start - 1].lower_.rstrip("."))


def genders(doc: Doc, mentions: list[Mention]) -> dict[int, str]:
    """The gender ("m" or "f") the article gives each PERSON mention, by its first token (cached on the Doc).

    A mention's own honorific or role noun ("Ms. Sherry", "the first lady,
    Michelle Obama"; `_stated_gender`) says it; a mention without one
    takes what its actor's other mentions say, when they all say the same
    ("Maureen Sherry" in an article that calls her "Ms. Sherry"). An actor
    the article calls both "Mr." and "Mrs." (a bare surname shared by a
    couple) has no gender. An actor the article says nothing of takes the
    gender of its first name, when the first names of its mentions all give
    the same one (`first_name_gender`: "Chris Christie ... Christie said").
    """
    key = "saidwhen.genders"
    if key in doc.user_data:
        return doc.user_data[key]
    by_actor: dict[str, set[str]] = {}
    by_name: dict[str, set[str | None]] = {}
    own = {}
    for m in mentions:
        if m.label != "PERSON":
            continue
        span = doc[m.token_start:m.token_end]
        gender = _stated_gender(span, _roles(span))
        if gender:
            own[m.token_start] = gender
            by_actor.setdefault(m.key, set()).add(gender)
        first, _ = person_parts(m.text)
        if first:
            by_name.setdefault(m.key, set()).add(first_name_gender(first))
    found = {}
    for m in mentions:
        if m.label != "PERSON":
            continue
        gender = own.get(m.token_start)
        if gender is None and len(by_actor.get(m.key, ())) == 1:
            gender = next(iter(by_actor[m.key]))
        if gender is None and m.key not in by_actor and len(by_name.get(m.key, ())) == 1:
            gender = next(iter(by_name[m.key]))
        if gender:
            found[m.token_start] = gender
    doc.user_data[key] = found
    return found


@cache
def _census_first_names() -> dict[str, dict[str, float]]:
    """Per gender, the share (percent) of people with each first name in the
    1990 US Census lists (public-domain data that the `names` package ships)."""
    shares: dict[str, dict[str, float]] = {}
    for gender, file in (("m", "dist.male.first"), ("f", "dist.female.first")):
        table = shares[gender] = {}
        for line in resources.files("names").joinpath(file).read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 2:
                table[fields[0].lower()] = float(fields[1])
    return shares


def first_name_gender(first: str) -> str | None:
    """"m" or "f" when a first name is borne by one gender `FIRST_NAME_ODDS`
    times as often as by the other ("Chris" -> "m", "Hillary" -> "f"); None
    for a name shared more evenly ("Terry"), unknown to the lists ("Reince")
    or an initial."""
    if "." in first or "-" in first:
        return None  # an initial, or a compound name the lists do not hold
    name = re.sub(r"[^a-z]", "", anyascii(first).lower())
    shares = _census_first_names()
    male, female = shares["m"].get(name, 0.0), shares["f"].get(name, 0.0)
    if male > 0 and male >= FIRST_NAME_ODDS * female:
        return "m"
    if female > 0 and female >= FIRST_NAME_ODDS * male:
        return "f"
    return None


def resolve_pronoun(pronoun: Token, mentions: list[Mention], labels: tuple[str, ...],
                    said: Iterable[tuple[int, int]] = (), bound: Collection[str] = (),
                    quoted: Iterable[tuple[int, int]] = ()) -> Mention | None:
    """Nearest preceding compatible mention that is a subject, else the nearest possessor.

    Subjects carry the discourse ("Peter Szijjarto ..., where he posted");
    objects of prepositions rarely do ("after his meeting with X, he ...").
    A possessor inside an object is a fallback only: in "John Dickey ... told
    me about Mr. King's programming. He said" he is Dickey, but in "Race has
    shaped Lynch's life. She said" nobody else is there.
    A pronoun in a main clause goes on from a sentence's main-clause subject
    before a subject in one of its reported, relative or adverbial clauses:
    in "Spokesman Josh Earnest said that Obama has long called for fairness.
    He added ..." he is Earnest. A pronoun in a subordinate clause takes the
    nearest subject ("Flynn said Trump was right when he said ...").
    The search goes back through the current and the two previous sentences,
    not counting sentences wholly inside a quotation (`quoted`): in "''I think
    we are sleeping,'' Ms. Turner said. ''They are mistaken. They have
    blinders on.'' ''It is going to be progressives,'' she said" she is Turner.
    Mentions inside `said` (character spans of what the pronoun's referent
    says) are skipped: in '"The Sanders campaign did it," she said' she is
    not Sanders. So is a person of the other gender, as the article's
    honorifics or the first name tell it ("she" is not "Mr. Obama" nor
    "Chris Christie"; see `genders`), and an actor whose key
    is in `bound`: one the referent's own reported words name. In "He said
    Obama hopes ..." he is not Obama, who would be "he" in his own report.
    With no subject or possessor to take, a gendered pronoun takes the one
    person of its gender in view, whatever the role ("Conroy asked Sanders
    whether ... “Sure it is,” he said"); not a name in a quotation, nor one
    in a clause about another "he" (`_told_of_by_a_pronoun`), and not when
    a subject there may be someone of unknown gender (`_unknown_subject`).
    """
    said = tuple(said)
    doc = pronoun.doc
    gender = PRONOUN_GENDER.get(pronoun.lower_)
    known = genders(doc, mentions) if gender else {}
    sent = pronoun.sent
    window_start = sent.start
    quoted = tuple(quoted)
    counted = 0
    for _ in range(_MAX_SENTENCES_BACK):
        if window_start == 0 or counted == 2:
            break
        before = doc[window_start - 1].sent
        window_start = before.start
        counted += not _quoted_sentence(before, quoted)
    possessor = embedded = None  # embedded: the nearest subject in a subordinate clause ...
    embedded_sentence = -1  # ... and where its sentence starts
    others: list[Mention] = []  # the other mentions the article gives the pronoun's gender
    main = _main_clause(pronoun)
    for m in sorted(mentions, key=lambda m: -m.token_start):
        if m.token_end > pronoun.i or m.token_start < window_start or m.label not in labels:
            continue
        if embedded is not None and m.token_start < embedded_sentence:
            return embedded
        if inside((m.start, m.end), said) or m.key in bound:
            continue
        if known.get(m.token_start, gender) != gender:
            continue
        subjects = [doc[i] for i in range(m.token_start, m.token_end) if _is_subject(doc[i])]
        if subjects:
            if not main or any(_main_clause(t) for t in subjects):
                return m
            if embedded is None:
                embedded, embedded_sentence = m, doc[m.token_start].sent.start
            continue
        if possessor is None and any(_is_possessor(doc[i]) for i in range(m.token_start, m.token_end)):
            possessor = m
        elif gender and m.token_start in known and not inside((m.start, m.end), quoted) \
                and not _told_of_by_a_pronoun(doc[m.token_start], gender, pronoun):
            others.append(m)
    if embedded or possessor:
        return embedded or possessor
    # No subject or possessor: the one person of the pronoun's gender in view
    # ("Conroy asked Sanders whether ... “Sure it is,” he said"), unless
    # someone else there may be the pronoun's referent (`_unknown_subject`).
    if not gender or len({m.key for m in others}) != 1:
        return None
    if _unknown_subject(doc[window_start:pronoun.i], mentions, known, quoted):
        return None
    return others[0]


# Words before a noun that can make it a person ("the pastor", "one voter"),
# unlike a possessive ("his health").
_PERSON_DETERMINERS = frozenset({"the", "a", "an", "one", "this", "that", "another"})


def _unknown_subject(window: Span, mentions: list[Mention], known: dict[int, str],
                     skip: tuple[tuple[int, int], ...]) -> bool:
    """Whether a singular subject in `window` may be someone the article gives
    no gender: a name ("Cuban said": a bare surname, or one the tagger did not
    make a person) or a noun with an article ("The former ambassador
    discussed", "One pastor told"), not a possessed thing ("his health was").
    Subjects inside `skip` (quotations) do not count."""
    gendered = set()
    for m in mentions:
        if m.token_start in known:
            gendered.update(range(m.token_start, m.token_end))
    for token in window:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.i in gendered \
                or inside((token.idx, token.idx + len(token)), skip):
            continue
        if token.tag_ == "NNP" or (token.tag_ == "NN" and any(
                c.dep_ in ("det", "nummod") and c.lower_ in _PERSON_DETERMINERS for c in token.children)):
            return True
    return False


def _told_of_by_a_pronoun(token: Token, gender: str, pronoun: Token) -> bool:
    """Whether a name stands in a clause whose subject is another pronoun of
    the same gender ("He avoided criticism of Trump until recent days, when
    he expressed concern"): that clause is about the other "he", whom a
    pronoun after it goes on from, not about the name."""
    head = token
    while head.head.i != head.i:
        head = head.head
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.i != pronoun.i and c.pos_ == "PRON"
               and PRONOUN_GENDER.get(c.lower_) == gender for c in head.children):
            return True
    return False


def inside(span: tuple[int, int] | None, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether a character span lies wholly within one of ``spans`` (a quotation, a statement's content)."""
    return span is not None and any(s <= span[0] and span[1] <= e for s, e in spans)


# How far back a pronoun's antecedent is looked for, quoted sentences included.
_MAX_SENTENCES_BACK = 6


def _quoted_sentence(sent: Span, quoted: tuple[tuple[int, int], ...]) -> bool:
    """Whether the words of a sentence all lie inside one quotation."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    return bool(words) and inside((words[0].idx, words[-1].idx + len(words[-1])), quoted)


def resolve_plural(pronoun: Token, said: Iterable[tuple[int, int]] = (), quoted: Iterable[tuple[int, int]] = (),
                   depth: int = 0) -> Token | None:
    """The head of the plural subject a "they" goes on from: "Former
    prosecutors said investigators felt the pressure. Take action before the
    election, they said" (the prosecutors).

    In the pronoun's own sentence, the plural subject before it that is
    nearest the sentence's root ("While rights groups praised his argument
    that federal courts are the best venue, they said": the groups); else
    the first plural subject of a main clause of the previous sentence, if
    that is in the same paragraph. A "they" found there is followed back in
    the same way. A subject inside `quoted` (the text's quotations) or
    inside `said` (what the pronoun's referent says) is no candidate.
    Nothing is resolved where the sentence has coordinated subjects before
    the pronoun ("He and his partner came because they wanted"), nor from a
    singular subject ("the campaign"): the pronoun stays as written.
    """
    outside = tuple(said) + tuple(quoted)
    doc = pronoun.doc

    def candidate(t: Token) -> bool:
        if t.dep_ not in ("nsubj", "nsubjpass") or inside((t.idx, t.idx + len(t)), outside):
            return False
        return (t.tag_ in ("NNS", "NNPS") or t.lower_ in ("those", "these")
                or (t.lower_ == "they" and t.i != pronoun.i))

    sent = pronoun.sent
    before = [t for t in doc[sent.start:pronoun.i] if t.dep_ in ("nsubj", "nsubjpass")]
    if any(c.dep_ == "conj" for t in before for c in t.children):
        return None
    found = [t for t in before if candidate(t)]
    group = min(found, key=lambda t: (sum(1 for _ in t.ancestors), -t.i)) if found else None
    if group is None and sent.start > 0:
        previous = doc[sent.start - 1].sent
        if any("\n" in t.text for t in doc[previous.start:pronoun.i]):
            return None  # another paragraph
        group = next((t for t in previous if candidate(t) and _main_clause(t)), None)
        if group is not None and any(c.dep_ == "conj" for c in group.children):
            return None
    if group is not None and group.lower_ == "they":
        return resolve_plural(group, said, quoted, depth + 1) if depth < 2 else None
    return group


def _main_clause(subject: Token) -> bool:
    """Whether a subject's clause is its sentence's main one, not a reported, relative or adverbial clause."""
    verb = _name_head(subject)
    while verb.dep_ in ("nsubj", "nsubjpass", "poss", "conj"):
        verb = verb.head
    return verb.dep_ == "ROOT"


@dataclass(frozen=True)
class Title:
    """A role word the article gives a named actor: 'US president Donald Trump', 'Acme, the carmaker'."""

    token: int  # where the evidence is
    noun: str  # lemma of the role noun: "president"
    words: frozenset[str]  # every word of the title phrase, folded: {"us", "president"}
    owner: frozenset[str]  # its words a description must repeat: an organisation ({"world", "bank"}), "vice", "former"
    mention: Mention


def _word(token: Token) -> str:
    return token.lower_.replace(".", "")


_TITLE_DEPS = {"compound", "amod", "nmod", "npadvmod"}
# Words that make a title another role: "Vice President X" is not "the president".
ROLE_SHIFTERS = frozenset({"vice", "deputy", "former", "ex", "acting", "assistant", "associate", "lieutenant",
                           "under", "interim", "outgoing", "incoming", "late", "first", "co", "honorary"})


def titles(doc: Doc, mentions: list[Mention]) -> list[Title]:
    """Role words attached to PERSON and ORG mentions in `doc`, in text order (cached on the Doc).

    A title before the name ("Foreign Minister Sergei Lavrov", "US president
    Donald Trump"), an appositive after it ("Donald Trump, the US president")
    or before it ("the president, Donald Trump").
    """
    key = "saidwhen.titles"
    if key in doc.user_data:
        return doc.user_data[key]
    found = []
    for m in mentions:
        if m.label not in ("PERSON", "ORG"):
            continue
        root = doc[m.token_start : m.token_end].root
        phrases = [c for c in root.children if c.i < m.token_start and c.dep_ in _TITLE_DEPS]
        phrases += [c for c in root.children if c.dep_ == "appos" and c.i >= m.token_end]
        if root.dep_ == "appos" and root.head.i < m.token_start:
            phrases.append(root.head)
        for phrase in phrases:
            # a person's title may be a proper noun ("President"); an organisation's is a common one ("the carmaker")
            if phrase.tag_ not in (("NN", "NNP") if m.label == "PERSON" else ("NN",)) \
                    or phrase.ent_type_ in ("PERSON", "GPE", "NORP"):
                continue
            if phrase.i < m.token_start and phrase.right_edge.i + 1 != m.token_start:
                continue  # not right before the name ("Good night, Mr. President,'' Representative X")
            tokens = [t for t in phrase.subtree if not m.token_start <= t.i < m.token_end and not t.is_punct]
            words = frozenset(_word(t) for t in tokens)
            owner = frozenset(_word(t) for t in tokens if t.ent_type_ == "ORG" and t.i != phrase.i) | words & ROLE_SHIFTERS
            found.append(Title(phrase.i, phrase.lemma_.lower(), words, owner, m))
    found.sort(key=lambda title: title.token)
    doc.user_data[key] = found
    return found


def resolve_nominal(head: Token, mentions: list[Mention]) -> Mention | None:
    """The actor a definite role description refers to: 'the president', 'the foreign minister'.

    Only a singular "the <modifiers> <noun>" with nothing after the noun
    ("the president of France" and "the spokesman for the ministry" stay as
    written), and only when the article gave that role to a named actor
    before: the nearest one whose title has every modifier ("the US
    president" needs "US president X" or "X, the US president") and whose
    title has no organisation or role shifter the description leaves out
    ("the president" is neither "World Bank President X" nor "Vice President
    Y" nor "former President Z"). Otherwise the mention stays UNNAMED.
    """
    if head.tag_ != "NN" or any(c.i > head.i and not c.is_punct for c in head.children):
        return None
    left = [c for c in head.children if c.i < head.i]
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in left):
        return None
    modifiers = set()
    for child in left:
        if child.dep_ == "det":
            continue
        if child.dep_ not in ("amod", "compound", "nmod"):
            return None  # a possessive or a number says whose or which
        modifiers.update(_word(t) for t in child.subtree if not t.is_punct)
    noun = head.lemma_.lower()
    for title in reversed(titles(head.doc, mentions)):
        if title.token < head.i and title.noun == noun and modifiers <= title.words and title.owner <= modifiers:
            return title.mention
    return None


def actor_of(head: Token, mentions: list[Mention], names: dict[str, str], article_id: str,
             said: Iterable[tuple[int, int]] = (), bound: Collection[str] = (),
             quoted: Iterable[tuple[int, int]] = ()) -> tuple[Actor, tuple[int, int]]:
    """The actor for a subject headed by `head`, and the token range of its local mention.

    `said` (character spans of the statement's content) is where a pronoun's
    antecedent is not looked for, and `bound` the actor keys it cannot take
    (see `resolve_pronoun`); `quoted` (the text's quotations) is where a
    "they"'s is not (see `resolve_plural`).
    """
    start, end = mention_span(head)
    mention = _mention_in(mentions, start, end, head)
    if mention is None:
        # A title right before a name the parser split off ("foreign minister Elina Valtonen").
        following = [m for m in mentions if m.token_start == end and m.label == "PERSON" and head.pos_ == "NOUN"]
        if following:
            mention, end = following[0], following[0].token_end
    if mention is not None:
        return Actor(names.get(mention.key, mention.text), mention.label, mention.key), (start, end)
    lower = head.lower_
    antecedent = None
    if head.pos_ == "PRON" and lower in PLURAL_PRONOUNS:
        group = resolve_plural(head, said, quoted)
        found = actor_of(group, mentions, names, article_id)[0] if group is not None else None
        if found is not None and found.type != "PERSON":
            # not one person ("Democratic candidates Hillary Clinton and Bernie
            # Sanders responded. They ..." is not Clinton)
            return found, (start, end)
    if head.pos_ == "PRON" and lower in PERSON_PRONOUNS | THING_PRONOUNS:
        labels = ("PERSON",) if lower in PERSON_PRONOUNS else ("ORG", "GPE")
        antecedent = resolve_pronoun(head, mentions, labels, said, bound, quoted)
    elif head.pos_ == "NOUN":
        antecedent = resolve_nominal(head, mentions)
    if antecedent is not None:
        return Actor(names.get(antecedent.key, antecedent.text), antecedent.label, antecedent.key), (start, end)
    text = head.doc[start:end].text
    return Actor(text, "UNNAMED", unnamed_key(article_id, text)), (start, end)


def unnamed_key(article_id: str, description: str) -> str:
    """An unnamed source is only the same source within one article."""
    return f"unnamed:{article_id}:{_plain(description).replace(' ', '-')}"
