"""claims stage: parsed `Doc` (+ mentions, timexes) -> attributed, dated statements.

Input: a `Doc` that went through the nlp, entities and dates stages, and the
stored article (for its excluded regions and publication date). Output, on
`doc._.statements`, one `Statement` per statement and actor, in text order.

Three passes find statements:

1. Cue pass. Every token whose lemma is in the cue lexicon (pipeline/lexicon/
   cues.tsv, mined from PolNeAR train) with a train precision of at least
   `MIN_CUE_RATE`, used as a verb or predicate adjective, and every
   "according to", is a candidate. Its content is the clausal complement
   (all of the sentence before the attribution in inverted order), the
   infinitive, object or prepositional object for cues the lexicon says take
   one (with the addressee of "called on/for X to ...", a pronoun object with
   its charge, "described themselves as ...", and the object's modifiers the
   parser hung on the cue), a quotation right after it ('said, "..."'), or
   what follows a colon. A rarer cue ("think", "know") counts only with a
   complement clause after it; an evidence cue mostly used as one ("show")
   takes its object. A complement after the cue wins over one the parser put
   before it, and a quotation after the cue over a scene-setting clause
   before it ('Asked if ..., X replied, "..."'); a closing non-restrictive
   relative clause or speech participle (", which ...", ", echoing ...") is
   not part of what was said.
   An attribution set off inside its content ("X, he said, Y", "As the
   Times reported, X") takes the clause around it, in two spans.
   Negated and hypothetical cues ("did not say", "would say", "declined to
   say") are skipped. A cue in a relative clause ("X, who said ...") has the
   relative pronoun as its local mention and X as its actor. Content that touches a quotation grows to the whole
   quotation, so mixed quotes keep their quote marks, and a quotation split
   around its attribution becomes two content spans.
2. Punctuation pass. A line that opens with a name and a colon ("PENCE: ...")
   and a quotation signed after a dash ('"..." ― Name').
3. Quote pass. A quotation that no statement covers yet, and that is not a
   phrase of a sentence going on around it (a title, a quoted phrase), is attributed to a
   speech cue of its own sentence or of the attribution right after it
   ("..., said one"), or, when it opens a sentence right after a quoted
   statement, joins that statement's content as one more span ("A," X said.
   "B." is one statement, A;B).

Each statement is then dated by the temporal expression that governs its cue
(see `date_statements`).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from typing import Iterable, Iterator

import numpy
from spacy.tokens import Doc, Token

from pipeline.dates import Timex, governing_verb, looks_ahead, names_scheduled_event, period_of
from pipeline.entities import Actor, Mention, actor_of, conjuncts, display_names, inside, time_phrase
from pipeline.ingest import HEADLINE_KINDS, Region
from pipeline.lexicon import Cue, cue_of_form, load_cues

# A lexicon cue whose word is a cue in fewer than this share of its train
# occurrences ("make", "hold", "follow") is noise, not evidence of a statement.
MIN_CUE_RATE = 0.15
# A rarer cue counts when it takes a clausal complement after it (see `_usable_with_clause`).
MIN_CLAUSE_CUE_RATE = 0.08
# Deeds the annotators marked ("sign", "impose") are not statements.
STATEMENT_KINDS = {"speech", "stance", "evidence"}
# Dependents that make an object propositional: "the position that ...",
# "interest in meeting ...", rather than a thing ("the summit").
PROPOSITIONAL_DEPS = {"acl", "relcl", "ccomp", "pcomp", "xcomp", "advcl"}
# Prepositions that, right after the object of a cue, say what the object was
# charged with or called ("accused X of Y", "praised X for Y", "compared X to Y").
OBJECT_PREPS = {"as", "for", "of", "about", "to", "on", "with"}
# Dependents of a cue, right after its object, that the parser took from the
# object ("expressed her stance in support of X"): they join the object.
OBJECT_MODIFIER_DEPS = {"prep"}
# Function words the parser may hang a parenthetical attribution or "according
# to" on; the clause they belong to is their head.
FUNCTION_DEPS = {"aux", "auxpass", "neg", "advmod", "nsubj", "nsubjpass", "det", "mark", "cc", "punct"}
# A speech cue that takes an object among other contents ("announced that"
# and "announced the deal") takes a plain object only when the word is a cue in
# at least this share of its train uses ("released the report" is not).
TARGETED_OBJECT_RATE = 0.5
HYPOTHETICAL_AUX = {"would", "could", "might", "may", "should", "must", "can"}
# Stance verbs whose subject holds the state in the active ("analysts expect
# X", "voters see her as"): in the passive, the subject is what is expected,
# known or seen, and the holder is unnamed ("X is expected to win", "she is
# known for", "it is seen as").  The other stance verbs keep their passive
# subject as the holder: the psych verbs whose object feels the state ("X was
# concerned / shocked / split"), and the states worded as a passive
# ("opposed to", "focused on", "inclined to").
THEME_PASSIVE = frozenset("""
accept admire anticipate approve assume back believe calculate choose consider
contemplate decide deem desire dislike disregard doubt embrace enjoy envision expect
eye favor fear figure foresee forget guess hate hear ignore imagine intend interpret
judge know learn like love mind notice perceive plan prefer realize recognize regard
remember resist respect revere revile see seek sense spot support surmise suspect
think trust understand view want watch wish witness
""".split())
# A fronted adverb that moves the statement away from the last date in the
# paragraph without saying where to ("Later, X said").
UNANCHORED_ADVERBS = {"later", "afterwards", "afterward", "subsequently", "earlier", "previously", "since", "once",
                      "recently", "lately"}
# A cue with one of these tells of more than one occasion ("has often said").
HABITUAL_ADVERBS = {"often", "repeatedly", "frequently", "routinely", "regularly", "usually", "always", "again",
                    "consistently", "rarely", "seldom", "sometimes", "occasionally", "constantly", "continually",
                    "typically", "generally"}
# How many paragraphs on the date of an actor's statement still holds for the
# same actor's next ones, when nothing in between names another time.
CARRY_PARAGRAPHS = 3
OPEN_QUOTES = "\u201c\u00ab\u201e"
CLOSE_QUOTES = "\u201d\u00bb"
MIN_QUOTE_WORDS = 3


@dataclass(frozen=True)
class StatementDate:
    value: str  # TIMEX3 date value at its own precision: 2025-10-21, 2025-10, 2025-W43
    precision: str  # day, week, month, quarter, season, year, decade
    source: str  # text, context, published
    attachment: str  # modifier, fronted, relative, coordinated, context, frame, published
    timex: Timex | None = None


@dataclass(frozen=True)
class Statement:
    """One attributed statement, for one actor."""

    actor: Actor
    actor_span: tuple[int, int] | None  # char offsets of the local mention
    cue_span: tuple[int, int] | None
    cue_lemma: str
    cue_kind: str
    content_spans: tuple[tuple[int, int], ...]
    quote_type: str  # direct, indirect, mixed
    rule: str
    cue_token: int | None = None
    date: StatementDate | None = None

    @property
    def content_start(self) -> int:
        return self.content_spans[0][0]

    @property
    def content_end(self) -> int:
        return self.content_spans[-1][1]


_TEXT_KEY = "saidwhen.text"


def _text(doc: Doc) -> str:
    """The Doc's text, built once: spaCy rebuilds `doc.text` from every token on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


# --------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the non-empty lines of the text."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


# Quote marks: curly and guillemet quotes open or close by their direction;
# straight quotes, and the two-apostrophe marks of some newspaper archives
# (''like this''), open and close by alternation.
_QUOTE_MARK = re.compile(r"''+|``|[\u201c\u201d\u00ab\u00bb\u201e\"]")


def quotations(text: str) -> list[tuple[int, int]]:
    """Character ranges of double-quoted passages, quote marks included.

    Pairs quote marks within a paragraph (see `_QUOTE_MARK`). A quotation
    left open at the end of a paragraph runs to its end when the next
    paragraph reopens it, the news convention for a quotation over several
    paragraphs; otherwise the stray mark is ignored.
    """
    spans = []
    paras = paragraphs(text)
    for n, (start, end) in enumerate(paras):
        opened = None
        for mark in _QUOTE_MARK.finditer(text, start, end):
            symbol = mark.group()
            if symbol in OPEN_QUOTES or symbol == "``":
                opened = mark.start()
            elif opened is None and symbol not in CLOSE_QUOTES:
                opened = mark.start()
            elif opened is not None:
                spans.append((opened, mark.end()))
                opened = None
        if opened is not None and n + 1 < len(paras):
            reopened = _QUOTE_MARK.match(text, paras[n + 1][0])
            if reopened and reopened.group() not in CLOSE_QUOTES:
                spans.append((opened, end))
    return spans


_QUOTES_KEY = "saidwhen.quotations"


def _quotes(doc: Doc) -> list[tuple[int, int]]:
    """The Doc's `quotations`, found once: the statement and dating passes
    both need them."""
    quotes = doc.user_data.get(_QUOTES_KEY)
    if quotes is None:
        quotes = doc.user_data[_QUOTES_KEY] = quotations(_text(doc))
    return quotes


def _grow_to_quotes(spans: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Widen content spans that cut into a quotation to the whole quotation."""
    out = []
    for s, e in spans:
        for qs, qe in quotes:
            if qs < e and s < qe:
                s, e = min(s, qs), max(e, qe)
        out.append((s, e))
    return out


def _alnum(text: str, start: int, end: int) -> int:
    return sum(map(str.isalnum, text[start:end]))


def quote_type(text: str, spans: Iterable[tuple[int, int]], quotes: list[tuple[int, int]]) -> str:
    """direct (every letter or digit of the content quoted), mixed or indirect."""
    merged: list[list[int]] = []  # the quotations as disjoint, sorted intervals
    for qs, qe in sorted(quotes):
        if merged and qs <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], qe)
        elif qe > qs:
            merged.append([qs, qe])
    inside = outside = 0
    for s, e in spans:
        quoted = sum(_alnum(text, max(s, qs), min(e, qe)) for qs, qe in merged if qs < e and s < qe)
        inside += quoted
        outside += _alnum(text, s, e) - quoted
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


# --------------------------------------------------------------------------
# Cues
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CueMatch:
    token: Token
    end: int  # token index after the cue (multiword cues cover the particle)
    entry: Cue


def match_cue(token: Token, cues: dict[str, Cue]) -> CueMatch | None:
    """The lexicon cue this token starts, if it is used as a cue verb or predicate adjective."""
    adjective = cues.get(token.lower_)
    if adjective is not None and adjective.pos == "ADJ" and token.tag_ in ("JJ", "VBN"):
        return CueMatch(token, token.i + 1, adjective)  # "concerned that", "worried that"
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBN", "VBG", "VB"):
        return None
    lemma = token.lemma_.lower()
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if (nxt is not None and nxt.head.i == token.i and nxt.dep_ == "advmod" and nxt.tag_ == "RB"
            and token.i + 2 < len(doc)):
        nxt = doc[token.i + 2]  # "called again for", "called repeatedly on": an adverb inside the cue
    if nxt is not None and nxt.head.i == token.i and nxt.dep_ in ("prt", "prep"):
        entry = cues.get(f"{lemma} {nxt.lower_}")
        if entry is not None and (entry.pos == "MULTI" or nxt.i == token.i + 1):
            return CueMatch(token, nxt.i + 1, entry)
    if nxt is not None and nxt.dep_ == "mark" and nxt.head.head.i == token.i and nxt.head.dep_ in ("advcl", "ccomp"):
        # "called for the allies to act": the parser made the preposition the
        # marker of an infinitive clause with a subject.
        entry = cues.get(f"{lemma} {nxt.lower_}")
        if entry is not None and entry.pos == "MULTI" \
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in nxt.head.children):
            return CueMatch(token, nxt.i + 1, entry)
    entry = cues.get(lemma)
    if entry is not None and entry.pos in ("VERB", "MULTI"):
        return CueMatch(token, token.i + 1, entry)
    return None


def _cue_candidates(doc: Doc, cues: dict[str, Cue]) -> list[int]:
    """Indices of the tokens `match_cue` may accept: a lemma that starts a cue, or a cue adjective.

    Read from the Doc's arrays, one string lookup per distinct word, instead
    of a Python pass over every token.
    """
    if not len(doc):
        return []
    first_words, adjectives = _cue_words(cues)
    strings = doc.vocab.strings
    table = doc.to_array(["LEMMA", "LOWER"])
    wanted = set()
    for column, words in ((0, first_words), (1, adjectives)):
        for value in numpy.unique(table[:, column]).tolist():
            if value and strings[value].lower() in words:
                wanted.add(value)
    if not wanted:
        return []
    return numpy.flatnonzero(numpy.isin(table, list(wanted)).any(axis=1)).tolist()


_CUE_WORDS: dict[int, tuple[dict, frozenset[str], frozenset[str]]] = {}


def _cue_words(cues: dict[str, Cue]) -> tuple[frozenset[str], frozenset[str]]:
    """(first words of all cues, adjective cues) of a lexicon, computed once per lexicon."""
    known = _CUE_WORDS.get(id(cues))
    if known is None or known[0] is not cues:
        known = _CUE_WORDS[id(cues)] = (cues, frozenset(cue.split()[0] for cue in cues),
                                        frozenset(cue for cue, entry in cues.items() if entry.pos == "ADJ"))
    return known[1], known[2]


def usable(entry: Cue) -> bool:
    return entry.kind in STATEMENT_KINDS and entry.train_rate >= MIN_CUE_RATE


def _usable_with_clause(match: CueMatch) -> bool:
    """A rarer cue ("think", "know") that is a statement when it takes a clause
    after it: "Most voters think the tax is unfair" but not "think about it"."""
    entry, token = match.entry, match.token
    return (entry.kind in STATEMENT_KINDS and entry.train_rate >= MIN_CLAUSE_CUE_RATE and any(
        c.i > token.i and (c.dep_ == "ccomp" and "ccomp" in entry.content or c.dep_ == "xcomp" and entry.content[:1] == ("xcomp",))
        for c in token.children))


def is_hypothetical(token: Token) -> bool:
    """Negated, modal or infinitive cues do not report a statement."""
    for child in token.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL_AUX:
            return True
    if token.dep_ in ("xcomp", "csubj") or (token.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)):
        return True
    if token.dep_ == "pcomp" and token.head.lower_ in ("without", "instead"):
        return True
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in token.children):
        return True
    return False


def is_concession(token: Token) -> bool:
    """"That said, ..." and "(This said, ...": a turn in the writer's own
    argument, not a report of anything said."""
    doc = token.doc
    i = token.i
    if token.lower_ != "said" or i < 1 or i + 1 >= len(doc) or doc[i + 1].text != ",":
        return False
    that = doc[i - 1]
    if that.lower_ not in ("that", "this"):
        return False
    before = doc[that.i - 1] if that.i > 0 else None
    fronted = that.is_sent_start or before is None or before.is_left_punct
    # "This said, in plain words, that ..." is a report: its content is a
    # "that" clause
    reported = any(m.dep_ == "mark" and m.lower_ == "that"
                   for c in token.children if c.dep_ == "ccomp" for m in c.children)
    return fronted and not reported


def subject_of(verb: Token, stance: bool = False) -> Token | None:
    """The subject of a cue verb, following shared subjects of coordinated and participial verbs."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head  # "the minister, who said ..."
            return child
    for child in verb.children:
        # A passive subject is the speaker only of a stance ("X was concerned
        # that"), and not of "X is expected to" (THEME_PASSIVE); "Y was told
        # that" names the addressee.
        if (child.dep_ == "nsubjpass" and stance and child.lower_ not in ("it", "there")
                and verb.lemma_ not in THEME_PASSIVE):
            return child
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    if stance and verb.lemma_ in THEME_PASSIVE and any(c.dep_ == "nsubjpass" for c in verb.children):
        return None  # "X ran, and Y was expected to win": the holder is not X either
    if verb.dep_ == "conj" and verb.head.i != verb.i:
        return subject_of(verb.head, stance)
    if verb.dep_ == "pcomp" and verb.head.head.pos_ in ("VERB", "AUX"):
        return subject_of(verb.head.head, stance)  # "X began by saying ..."
    if verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG":
        head = verb.head
        if head.pos_ in ("VERB", "AUX"):
            return subject_of(head, stance)  # "X welcomed the summit, indicating that ..."
        set_off = verb.i > 0 and verb.doc[verb.i - 1].text == ","
        if verb.dep_ == "acl" and head.dep_ == "dobj" and not head.ent_type_:
            # The parser often hangs the participle on the object instead of the verb.
            return subject_of(head.head, stance)
        if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN") and not set_off and head.dep_ != "pobj":
            return head  # "voters saying they want a ban", "calls saying shots were fired"
    if verb.dep_ == "ROOT" and verb.tag_ in ("VBD", "VBZ", "VBP"):
        # "On October 16, 2025, Trump, after ..., announced": the parser made the
        # name an appositive of the fronted date and left the verb without a subject.
        for token in reversed(verb.doc[verb.sent.start : verb.i]):
            if token.dep_ in ("appos", "npadvmod") and token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                return token
    return None


def _unquoted_subject(verb: Token, subject: Token | None, in_quote: list[bool]) -> Token | None:
    """The subject of a cue outside the quotation it attributes.

    In '“In talks with parents, [the mayor] can be stubborn,” Kowalski said'
    the parser may give the cue a second subject inside the quotation; the
    speaker is the one outside it.
    """
    if subject is None or not in_quote[subject.i] or in_quote[verb.i]:
        return subject
    return next((c for c in verb.children if c.dep_ == "nsubj" and not in_quote[c.i]), subject)


def _relative_subject(verb: Token) -> Token | None:
    """The relative pronoun subject of a cue in a relative clause ("X, who said"),
    through coordinated verbs ("who backs X but has dismissed Y")."""
    seen = set()
    while verb.i not in seen:
        seen.add(verb.i)
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" else None
        if verb.dep_ != "conj":
            return None
        verb = verb.head
    return None


def _subtree_range(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Drop edge punctuation and spaces, but keep quote marks that close a quotation."""
    while start < end and (doc[start].is_space or (doc[start].is_punct and not doc[start].is_quote)):
        start += 1
    while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and not doc[end - 1].is_quote)):
        end -= 1
    return (start, end) if end > start else None


def _clause_range(clause: Token, time_tokens: set[int]) -> tuple[int, int]:
    """Subtree of a content clause without a time phrase the parser hung on its front.

    In "said on Monday it would sign", "on Monday" dates the saying, not the
    signing; the content starts at the clause's subject.
    """
    start, end = _subtree_range(clause)
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > start]
    if subjects:
        front = range(start, subjects[0].left_edge.i)
        if any(t in time_tokens for t in front) and all(
                t in time_tokens or clause.doc[t].dep_ in ("prep", "punct") for t in front):
            start = subjects[0].left_edge.i
    return start, end


def _second_act(clause: Token, cues: dict[str, Cue]) -> int:
    """Where a content clause ends before a second act of the speaker coordinated
    with it: "X said the budget was balanced and questioned why ...", "said
    the plan is dead, and he vowed to ...". The parser hangs the second cue on the
    content verb; a cue verb there with no subject of its own, or a pronoun,
    is the speaker's, not part of what was said. Token index (end of the clause
    when there is none).
    """
    end = clause.right_edge.i + 1
    for conj in clause.children:
        if conj.dep_ != "conj" or conj.i < clause.i or conj.pos_ != "VERB":
            continue
        match = match_cue(conj, cues)
        # Past and participle acts; a present one only when it repeats the
        # speaker's own verb ("He says A and says B").
        repeated = clause.head.i != clause.i and conj.lemma_ == clause.head.lemma_
        # or one with a "that" clause of its own ("fear that A and warn that B")
        own_clause = any(c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                         for c in conj.children)
        if (match is None or not usable(match.entry) or match.entry.kind != "speech"
                or (conj.tag_ not in ("VBD", "VBG") and not repeated and not own_clause)):
            continue
        subjects = [c for c in conj.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and subjects[0].pos_ != "PRON":
            continue
        cut = conj.left_edge.i
        for c in clause.children:
            if c.dep_ in ("cc", "punct") and clause.i < c.i < cut:
                cut = min(cut, c.i) if all(t.dep_ in ("cc", "punct") for t in clause.doc[c.i : cut]) else cut
        return cut
    return end


def _quoted(clause: Token) -> bool:
    """Whether a clause is, or sits at the edge of, a quotation."""
    doc = clause.doc
    start, end = _subtree_range(clause)
    return any(t.is_quote for t in doc[max(0, start - 1) : min(len(doc), end + 2)])


def _aside(clause: Token, end: int, cues: dict[str, Cue]) -> int:
    """Where a content clause ends before a comma-set aside that closes it: a
    non-restrictive relative clause ("he supports the bill, which includes ..."),
    a speech participle (", echoing ..."), or a "while" clause whose verb is
    a speech cue (", while most voters said ...", ", while stressing ...").
    Token index (`end` when there is none)."""
    doc = clause.doc
    for t in doc[clause.i + 1 : end]:
        if (t.dep_ == "relcl" and t.right_edge.i + 1 >= end - 1 and t.left_edge.i > clause.i
                and doc[t.left_edge.i - 1].text == "," and t.left_edge.lower_ in ("which", "who")):
            return t.left_edge.i - 1
    for t in clause.children:
        if (t.dep_ == "advcl" and t.tag_ == "VBG" and t.left_edge.i == t.i and t.right_edge.i + 1 >= end - 1
                and doc[t.i - 1].text == "," and t.i > clause.i):
            match = match_cue(t, cues)
            if match is not None and usable(match.entry):
                return t.i - 1
        # a contrasting statement ("..., while most voters said they ...")
        # or a second act (", while stressing ..."): not part of this one; a
        # stance or a finding ("..., while 23 percent favored Cruz") may be
        if (t.dep_ == "advcl" and t.i > clause.i and t.right_edge.i + 1 >= end - 1
                and doc[t.left_edge.i - 1].text == "," and t.left_edge.lower_ == "while"):
            match = match_cue(t, cues)
            if match is not None and usable(match.entry) and match.entry.kind == "speech":
                return t.left_edge.i - 1
    return end


def _content_child(match: CueMatch, cues: dict[str, Cue], time_tokens: set[int]) -> tuple[tuple[int, int] | None, str]:
    """Token range of the content for a cue, and the rule that found it."""
    token, entry = match.token, match.entry
    roles = set(entry.content)
    by_dep: dict[str, list[Token]] = {}
    for child in token.children:
        by_dep.setdefault(child.dep_, []).append(child)
    if "oprd" in roles and by_dep.get("dobj") and by_dep.get("oprd") and all(c.i < token.i for c in by_dep.get("ccomp", [])):
        # "... - he called her “weak”": a clause before the cue is no complement
        # of a cue that has its object and what the object was called.
        return (by_dep["dobj"][0].left_edge.i, by_dep["oprd"][0].right_edge.i + 1), "oprd"
    # A complement after the cue before an unquoted one the parser found
    # before it ("on the day that the Post reports that ..."); a quotation split
    # around the cue ('“A,” X said, “B”') starts with its first half.
    for child in sorted(by_dep.get("ccomp", []),
                        key=lambda c: c.i < token.i and not _quoted(c)):
        start, end = _clause_range(child, time_tokens)
        subject_start = min((c.left_edge.i for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), default=token.i)
        if end <= min(subject_start, token.i):
            doc = token.doc
            set_off = match.end < len(doc) and doc[match.end].text == ","
            if not set_off and any(c.dep_ in ("dobj", "xcomp") and c.i > token.i for c in token.children):
                # "The race changed in October, and Biden decided not to run":
                # a cue with its own content after it is not in inverted order.
                continue
            # Inverted order ("A, but B, the source added"): the parser keeps only
            # the last clause as the complement; the content is all before the
            # attribution.
            start = token.sent.start
            # "It is too early, officials said, to judge the damage": the
            # sentence goes on after the attribution, set off by a comma.
            if set_off and match.end < token.sent.end:
                rest = [c for c in token.children if c.i > match.end and c.dep_ in ("xcomp", "advcl", "ccomp")
                        and c.tag_ != "VBG"]
                if rest:
                    end = max(c.right_edge.i for c in rest) + 1
        elif child.i > token.i:
            end = min(end, _second_act(child, cues), _aside(child, end, cues))
        return (start, end), "ccomp"
    if entry.kind == "evidence" and not ("dobj" in roles and entry.train_rate >= TARGETED_OBJECT_RATE):
        return None, ""  # "appears to", "seems to": raising verbs, no source
    addressee = _addressee(match)
    if addressee is not None:
        # "called for the secretary to release ...", "called on leaders to
        # add ...": who is to act, and the act.
        for child in by_dep.get("xcomp", []) + by_dep.get("advcl", []):
            if child.left_edge.i == addressee.right_edge.i + 1 and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
                return (addressee.left_edge.i, child.right_edge.i + 1), "prep"
    # Infinitival content: "urged X to ...", "promised to ...", "called on X to ...".
    if "xcomp" in roles:
        for child in by_dep.get("xcomp", []) + by_dep.get("advcl", []):
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
                inner = cues.get(child.lemma_.lower())
                if (inner is not None and inner.kind == "speech" and inner.train_rate >= 0.5
                        and _addressee(match) is None):
                    # "declined to say whether ...": nothing was said; but in
                    # "called on leaders to add penalties" the leaders should act.
                    return None, ""
                return _subtree_range(child), "xcomp"
    objects = by_dep.get("dobj", [])
    if "oprd" in roles and len(objects) == 2 and objects[0].right_edge.i + 1 >= objects[1].left_edge.i - 1:
        # "calling him “a disgrace”": the parser may make what the object was
        # called a second object.
        return (objects[0].left_edge.i, objects[1].right_edge.i + 1), "oprd"
    if "oprd" in roles and by_dep.get("dobj") and by_dep.get("oprd"):
        # "called Trump “unhinged”": the object and what it was called.
        return (by_dep["dobj"][0].left_edge.i, by_dep["oprd"][0].right_edge.i + 1), "oprd"
    if match.end > token.i + 1 and token.doc[match.end - 1].dep_ == "mark":
        # "called for the allies to act" (see `match_cue`): the clause without its marker.
        clause = token.doc[match.end - 1].head
        return (match.end, clause.right_edge.i + 1), "prep"
    if match.end > token.i + 1 and token.doc[match.end - 1].dep_ == "prep":
        # A prepositional cue ("called for X to ..."): its object, when it says something.
        for child in token.doc[match.end - 1].children:
            if child.dep_ in ("pobj", "pcomp") and _propositional(child):
                return _subtree_range(child), "prep"
    if "dobj" in roles:
        # Speech acts aimed at a target ("criticized the plan", "endorsed
        # Clinton") take a plain object when the train data says that is how
        # the verb is used: its main content role, or one of its roles for a
        # word that is mostly a cue ("announced the deal", "tweeted a photo");
        # other cues need a claim.
        targeted = entry.kind in ("speech", "evidence") and (
            entry.content[:1] == ("dobj",) or ("dobj" in entry.content and entry.train_rate >= TARGETED_OBJECT_RATE))
        for child in by_dep.get("dobj", []):
            start, end = _subtree_range(child)
            # "painted the meeting as a success", "accused X of Y",
            # "criticized X for Y", "asked X about Y": the
            # characterisation or charge is part of what was said.
            charge = next((p for p in by_dep.get("prep", []) if p.lower_ in OBJECT_PREPS and p.i == end
                           and any(c.dep_ in ("pobj", "pcomp") for c in p.children)), None)
            # A pronoun object is a target only with its charge ("described
            # themselves as evangelicals", "accused him of lying").
            if (child.pos_ != "PRON" or charge is not None) and (targeted or _propositional(child)):
                if charge is not None:
                    end = charge.right_edge.i + 1
                else:
                    end = _object_modifiers(token, end, time_tokens)
                return (start, end), "dobj"
    return None, ""


def _addressee(match: CueMatch) -> Token | None:
    """The object of a prepositional cue's particle or preposition ("called on
    *leaders*", "called for *the secretary*"), if it has one."""
    if match.end == match.token.i + 1 or match.entry.pos != "MULTI":
        return None
    particle = match.token.doc[match.end - 1]
    if particle.dep_ not in ("prt", "prep"):
        return None
    return next((c for c in particle.children if c.dep_ == "pobj"), None)


def _object_modifiers(token: Token, end: int, time_tokens: set[int]) -> int:
    """Where a cue's object ends when the parser hung the object's own
    modifiers on the cue ("recalled the figure of X, sitting alone in ..."). Token index."""
    for child in token.children:
        if child.i == end and child.dep_ in OBJECT_MODIFIER_DEPS and not any(
                t in time_tokens for t in range(child.i, child.right_edge.i + 1)):
            end = child.right_edge.i + 1
    return end


def _propositional(head: Token) -> bool:
    """An object that carries a claim ("the position that ...", "more “flexibility”
    for advisers to assist ..."), not a mere topic ("Ukraine", "the summit")."""
    return any(t.dep_ in PROPOSITIONAL_DEPS or t.is_quote for t in head.subtree)


def _colon_content(match: CueMatch) -> tuple[int, int] | None:
    """Content after a colon that closes the cue's clause ("he posted on Facebook: “...”")."""
    token = match.token
    sent = token.sent
    for t in token.doc[match.end : sent.end]:
        if t.text == ":":
            between = token.doc[match.end : t.i]
            if any(b.pos_ == "VERB" for b in between):
                return None
            return _trim(token.doc, t.i + 1, sent.end)
    return None


def _around_cue(match: CueMatch, rng: tuple[int, int]) -> list[tuple[int, int]]:
    """A content range without the attribution inside it.

    In "a wall, which he said Mexico should pay for" and "what she said were
    failures" the relative word belongs to the complement clause, whose
    subtree then holds its own cue: the content is the clause around the
    cue and its subject.
    """
    start, end = rng
    token = match.token
    if not start <= token.i < end:
        return [rng]
    left = min([token.i] + [c.left_edge.i for c in token.children
                            if c.i < token.i and c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "advmod")])
    return [(start, max(start, left)), (match.end, end)]


def _clause_of(token: Token) -> Token:
    """The clause a token hangs on. The parser may hang an attribution or
    "according to" on a function word of the clause ("Even then, he said,
    he's learned ..." on "'s"): the clause is that word's head."""
    clause = token.head
    while clause.dep_ in FUNCTION_DEPS and clause.head.i != clause.i:
        clause = clause.head
    return clause


def _parenthetical_content(match: CueMatch) -> list[tuple[int, int]]:
    """Content around an attribution set off inside it: "It makes sense, aides
    said, to wait", "The goal, he said, is to forge a truce" and "As the Times
    reported, the talks failed".

    The parser hangs such a cue on the clause it interrupts as parataxis; the
    content is that clause without the attribution, in one span before it and
    one after.
    """
    token = match.token
    if token.head.i == token.i:
        return []
    # "As the Times reported, X" and "X, as Y noted": the clause the
    # attribution modifies, in the same way; only for reporting verbs with
    # nothing of their own ("as talks continued to stall" says when, not who said).
    as_clause = (token.dep_ == "advcl" and match.entry.kind == "speech" and match.end == token.i + 1
                 and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)
                 and not any(c.dep_ in ("dobj", "xcomp", "ccomp", "attr", "oprd", "dative") for c in token.children))
    if token.dep_ != "parataxis" and not as_clause:
        return []
    doc = token.doc
    start, end = _subtree_range(_clause_of(token))
    cue_start, cue_end = _subtree_range(token)
    pieces = [_trim(doc, start, cue_start), _trim(doc, cue_end, end)]
    return [p for p in pieces if p]


def _quote_before(doc: Doc, token: Token, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quotation right before the attribution of a cue ('“A,” said X')."""
    start, cue = doc[token.left_edge.i].idx, token.idx
    return next(((qs, qe) for qs, qe in quotes
                 if qe <= cue and (qe >= start or not _text(doc)[qe:start].strip(" ,\n"))), None)


_ACCORDING = re.compile(r"according", re.IGNORECASE)


def _according_to(doc: Doc) -> Iterator[tuple[Token, list[tuple[int, int]]]]:
    """("according to" source head, content token ranges) pairs."""
    for found in _ACCORDING.finditer(_text(doc)):
        span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
        token = span[0] if span is not None and len(span) else None
        if token is None or token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        to = doc[token.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in token.children if c.dep_ == "pobj"]
        if not objs:
            continue
        sent = token.sent
        phrase_start = token.i
        phrase_end = max(objs[0].right_edge.i + 1, to.i + 1)
        # The content is the clause the phrase modifies, around the phrase
        # ("Most Americans, according to the survey, still back it"), or the
        # rest of the sentence when the parser hung it elsewhere.
        clause = _clause_of(token)
        start, end = _subtree_range(clause)
        if clause.pos_ in ("VERB", "AUX") and start <= phrase_start and phrase_end <= end and clause.i != token.i:
            pieces = [p for p in (_trim(doc, start, phrase_start), _trim(doc, phrase_end, end)) if p]
            if len(pieces) == 2:
                yield objs[0], pieces
                continue
        if phrase_start - sent.start >= sent.end - phrase_end:
            rng = _trim(doc, sent.start, phrase_start)
        else:
            rng = _trim(doc, phrase_end, sent.end)
        if rng:
            yield objs[0], [rng]


# --------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------


class _Builder:
    """Collects statements for one article."""

    def __init__(self, doc: Doc, article_id: str, mentions: list[Mention], excluded: Iterable[Region]) -> None:
        self.doc = doc
        self.article_id = article_id
        self.mentions = mentions
        self.names = display_names(mentions)
        self.excluded = tuple(excluded)
        self.quotes = _quotes(doc)
        self.statements: list[Statement] = []

    def _chars(self, start: int, end: int) -> tuple[int, int]:
        return self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1].text)

    def _clip_excluded(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        out = []
        for s, e in spans:
            for region in self.excluded:
                if region.start <= s < region.end:
                    s = region.end
                if s < region.start < e:
                    e = region.start
            text = _text(self.doc)
            while e > s and text[e - 1].isspace():
                e -= 1
            while s < e and text[s].isspace():
                s += 1
            if e > s:
                out.append((s, e))
        return out

    def _is_excluded(self, start: int, end: int) -> bool:
        return any(r.overlaps(start, end) for r in self.excluded)

    def _token_excluded(self, token: Token) -> bool:
        return self._is_excluded(token.idx, token.idx + len(token))

    def _past_boilerplate(self, head: Token) -> Token | None:
        """The subject head, or when the parser made a dateline the head ("CLEVELAND,
        July 19 (UPI) — Former Attorney General Michael Mukasey"), the top of
        what follows it in the subject, or a second subject the parser gave the
        verb ("MADRID (UPI) — Paul Meyer told"); None when there is neither."""
        if not self._token_excluded(head):
            return head
        after = (t for t in head.subtree if not t.is_punct and not self._token_excluded(t) and self._token_excluded(t.head))
        second = (t for t in head.head.children
                  if t.dep_ in ("nsubj", "nsubjpass") and t.i > head.i and not self._token_excluded(t))
        return next(after, None) or next(second, None)

    def _reported_people(self, cue: CueMatch | None, spans: list[tuple[int, int]]) -> set[str]:
        """Keys of the people who are the subject of the clause a cue reports, outside quotation marks.

        A pronoun subject of the cue is not one of them: "He said Obama hopes
        ..." would read "he hopes" if he were Obama. Only the reported clause's
        own subject counts; a name deeper in it ("... to get Carson supporters
        to caucus") or in a host clause ("Christie said that was natural, he
        said") may be the speaker, and inside a quotation a speaker may name
        himself ("Nobody loves this country more than Donald Trump").
        """
        if cue is None:
            return set()
        doc = self.doc
        return {m.key for m in self.mentions if m.label == "PERSON"
                and inside((m.start, m.end), spans) and not inside((m.start, m.end), self.quotes)
                and any(doc[i].dep_ in ("nsubj", "nsubjpass") and doc[i].head.head == cue.token and i > cue.token.i
                        for i in range(m.token_start, m.token_end))}

    def add(self, subject: Token | None, cue: CueMatch | None, spans: list[tuple[int, int]], rule: str,
            actor: tuple[Actor, tuple[int, int] | None] | None = None, cue_span: tuple[int, int] | None = None) -> None:
        spans = self._clip_excluded(_grow_to_quotes(spans, self.quotes))
        if not spans:
            return
        if cue is not None:
            cue_span = self._chars(cue.token.i, cue.end)
        if cue_span is not None:
            if self._is_excluded(*cue_span):
                return
            if any(s < cue_span[1] and cue_span[0] < e for s, e in spans):
                return  # the cue sits inside its own content: a parse gone wrong
        qtype = quote_type(_text(self.doc), spans, self.quotes)
        if actor is not None:
            actors = [actor]
        elif subject is not None:
            actors = []
            relative = _relative_subject(cue.token) if cue is not None else None
            subject = self._past_boilerplate(subject)
            bound: set[str] | None = None  # for a pronoun subject only
            for head in conjuncts(subject) if subject is not None else ():
                if self._token_excluded(head):
                    continue  # a dateline or a credit parsed as the subject: no speaker here
                if bound is None and head.pos_ == "PRON":
                    bound = self._reported_people(cue, spans)
                found, (ts, te) = actor_of(head, self.mentions, self.names, self.article_id, said=spans,
                                           bound=bound or (), quoted=self.quotes)
                # "X, who said ...": the local mention is the relative pronoun,
                # as "he" is for "he said"; the actor is X.
                actors.append((found, self._chars(relative.i, relative.i + 1) if relative is not None else self._chars(ts, te)))
        else:
            return
        for found, actor_span in actors:
            if actor_span and any(s < actor_span[1] and actor_span[0] < e for s, e in spans):
                continue
            self.statements.append(
                Statement(
                    actor=found,
                    actor_span=actor_span,
                    cue_span=cue_span,
                    cue_lemma=(cue.entry.cue if cue else _text(self.doc)[slice(*cue_span)] if cue_span else ""),
                    cue_kind=(cue.entry.kind if cue else "speech" if cue_span else ""),
                    content_spans=tuple(spans),
                    quote_type=qtype,
                    rule=rule,
                    cue_token=cue.token.i if cue else None,
                )
            )

    def continue_quote(self, spans: tuple[tuple[int, int], ...], quote: tuple[int, int]) -> None:
        """Add a quotation that continues a statement to its content, for every actor of it.

        `"A," X said. "B."` is one statement whose content is split around the
        attribution: content_spans A;B.
        """
        for n, st in enumerate(self.statements):
            if st.content_spans == spans:
                extended = st.content_spans + (quote,)
                self.statements[n] = replace(
                    st, content_spans=extended, rule=st.rule + "+continuation",
                    quote_type=quote_type(_text(self.doc), extended, self.quotes))

    def covered(self, start: int, end: int) -> bool:
        return any(s < end and start < e for st in self.statements for s, e in st.content_spans)


def extract_statements(doc: Doc, article_id: str, mentions: list[Mention], excluded: Iterable[Region] = (),
                       cues: dict[str, Cue] | None = None, timexes: Iterable[Timex] = ()) -> list[Statement]:
    """All statements of one article, in text order (see the module docstring)."""
    cues = cues if cues is not None else load_cues()
    time_tokens = {i for t in timexes for i in range(t.token_start, t.token_end)}
    b = _Builder(doc, article_id, mentions, excluded)
    in_quote = [False] * len(doc)
    for qs, qe in b.quotes:
        for t in doc.char_span(qs, qe, alignment_mode="expand") or []:
            in_quote[t.i] = True

    # 1. Cue pass.
    for i in _cue_candidates(doc, cues):
        token = doc[i]
        if in_quote[i]:
            continue
        match = match_cue(token, cues)
        if match is None or is_hypothetical(token) or is_concession(token):
            continue
        clause_only = not usable(match.entry)
        if clause_only and not _usable_with_clause(match):
            continue
        subject = _unquoted_subject(token, subject_of(token, stance=match.entry.kind == "stance"), in_quote)
        head = token.head
        if (token.dep_ == "conj" and head.dep_ == "ccomp" and head.head.i != head.i
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
                and _second_act(head, cues) <= token.left_edge.i):
            # "X said the budget was balanced and questioned why ...": X questioned.
            subject = subject_of(head.head) or subject
        elif (token.dep_ == "advcl" and token.tag_ == "VBG" and head.dep_ == "ccomp" and head.head.i != head.i
                and head.i < token.i and _aside(head, head.right_edge.i + 1, cues) <= token.i):
            # "X said Y should quit, echoing a memo ...": X echoed.
            subject = subject_of(head.head) or subject
        if subject is None:
            continue
        rng, rule = _content_child(match, cues, time_tokens)
        if clause_only and rule not in ("ccomp", "xcomp"):
            continue
        # A clause before the cue is its content in inverted order ("A, X
        # said"), unless a quotation follows the cue ('Asked if ..., X replied,
        # “...”'): then the clause before only sets the scene.
        inverted = rule == "ccomp" and rng[1] <= token.i and not any(in_quote[rng[0] : rng[1]])
        if (rng is None or inverted) and match.entry.kind == "speech":
            quote = _quote_after(doc, match, b.quotes)
            if quote is not None:
                lead_in = _text(doc)[doc[match.end - 1].idx : quote[0]]
                b.add(subject, match, [quote], f"{'colon' if ':' in lead_in else 'quote-after'}:{match.entry.cue}")
                continue
        if rng is None:
            around = [b._chars(*r) for r in _parenthetical_content(match)]
            if around:
                before = _quote_before(doc, match.token, b.quotes)
                if before is not None and around[0][0] > before[0]:
                    # '“The risk,” said X, “is ...”': the parser may leave the
                    # first half of the quotation out of the clause.
                    around = [before, *[(s, e) for s, e in around if s >= before[1]]]
                b.add(subject, match, around, f"parenthetical:{match.entry.cue}")
                continue
            colon = _colon_content(match)
            rng, rule = (colon, "colon") if colon else (None, "")
        if rng is None:
            continue
        pieces = [p for p in (_trim(doc, *r) for r in (_around_cue(match, rng) if rule == "ccomp" else [rng])) if p]
        if not pieces:
            continue
        spans = [b._chars(*p) for p in pieces]
        spans += [q for q in _split_quote_after(doc, match, spans[0][0], b.quotes)
                  if not any(s < q[1] and q[0] < e for s, e in spans)]
        b.add(subject, match, spans, f"{rule}:{match.entry.cue}")

    for source, rng in _according_to(doc):
        entry = cues.get("according to") or Cue("according to", "MULTI", "speech", 0, 0.0, ())
        according = doc[source.head.head.i] if source.head.lower_ == "to" else source.head
        b.add(source, CueMatch(according, according.i + 2, entry), [b._chars(*r) for r in rng], "according-to")

    for speaker, cue_span, content in _speaker_labels(doc, b.quotes):
        b.add(speaker, None, [content], "label", cue_span=cue_span)
    found_cues = {st.cue_span[0] for st in b.statements if st.cue_span}
    headlines = _headlines(doc)
    for head, speaker, match, content in _headline_verbs(doc, headlines, cues):
        if match.token.idx not in found_cues and not b.covered(*content):
            found, _ = actor_of(head, b.mentions, b.names, article_id, quoted=b.quotes)
            b.add(head, match, [content], f"headline:{match.entry.cue}", actor=(found, speaker))
    for head, speaker, cue_span, content in _headline_labels(doc, headlines):
        if not b.covered(*content):
            found, _ = actor_of(head, b.mentions, b.names, article_id, quoted=b.quotes)
            b.add(head, None, [content], "headline-label", actor=(found, speaker), cue_span=cue_span)

    # 2. Quote pass.
    for qs, qe in b.quotes:
        if b.covered(qs, qe) or b._is_excluded(qs, qe):
            continue
        if len(_text(doc)[qs:qe].split()) < MIN_QUOTE_WORDS:
            continue
        _attribute_quote(b, qs, qe, cues, in_quote)

    statements = sorted(_drop_swallowing(b.statements), key=lambda s: (s.content_start, s.actor_span or (0, 0)))
    return _dedupe(statements)


# What may stand between a cue and the quotation it introduces: "said,",
# "said in a statement:", "told reporters:", "wrote on Twitter".
_LEAD_IN = re.compile(r"[^\S\n]*(?:(?:in|on|to|at|from|with|during|via)\b[^,:;.!?\n\u201c\u201d\"]{0,60})?[,:]?[^\S\n]*\n?[^\S\n]*")


def _quote_after(doc: Doc, match: CueMatch, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A quotation that opens right after a cue with no content of its own ("said, “...”")."""
    after = doc[match.end - 1].idx + len(doc[match.end - 1].text)
    lead = _LEAD_IN.match(_text(doc), after)
    for qs, qe in quotes:
        if qs == lead.end():
            return qs, qe
    return None


def _split_quote_after(doc: Doc, match: CueMatch, first_start: int, quotes) -> list[tuple[int, int]]:
    """The second half of a quotation split around its attribution.

    '“A,” he said, “B.”' and '"A," said X, an economist who ..., "B."': a
    quotation that ends in a comma inside its marks, before the cue, goes on
    after the attribution, in the same sentence.
    """
    cue_start = doc[match.token.i].idx
    first = next(((qs, qe) for qs, qe in quotes if qs <= first_start < qe), None)
    if first is None or first[1] > cue_start or "," not in _text(doc)[max(first[0], first[1] - 4) : first[1]]:
        return []
    after = doc[match.end - 1].idx + len(doc[match.end - 1].text)
    paragraph_end = _text(doc).find("\n", after)
    paragraph_end = len(_text(doc)) if paragraph_end < 0 else paragraph_end
    for qs, qe in quotes:
        if after <= qs < paragraph_end:
            gap = _text(doc)[after:qs]
            if gap.rstrip().endswith(",") and not _ends_sentence(gap) and len(gap.split()) <= 30:
                return [(qs, qe)]
            return []
    return []


_ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{0,3}\.|[A-Z]\.)+[)]?")


def _ends_sentence(gap: str) -> bool:
    """Whether a stretch of text holds a sentence end ("." after a word that is no abbreviation)."""
    for m in re.finditer(r"(\S*)[.!?]\s", gap):
        if not _ABBREVIATION.fullmatch(m.group(0).strip()):
            return True
    return False


_LABEL_NAME_LABELS = ("PERSON", "ORG", "NORP", "GPE")
# A signature after a quotation: "“...” ― Esther Tapia", "“...” — @handle".
_SIGNATURE = re.compile(r"[^\S\n]*([\u2015\u2014\u2013]|--)[^\S\n]*(?=\S)")


def _speaker_labels(doc: Doc, quotes: list[tuple[int, int]]) -> Iterator[tuple[Token, tuple[int, int], tuple[int, int]]]:
    """Statements marked by punctuation instead of a verb: (speaker head, cue span, content span).

    "PENCE: Well, look ..." and headline "Pat Caddell: Voters Worried ..." (a
    line that opens with a name and a colon), and "“...” ― Esther Tapia" (a
    quotation signed after a dash, as embedded tweets are).
    """
    text = _text(doc)
    for ent in doc.ents:
        if ent.label_ not in _LABEL_NAME_LABELS or ent.end >= len(doc):
            continue
        line_start = text.rfind("\n", 0, ent.start_char) + 1
        colon = doc[ent.end]
        if colon.text == ":" and not text[line_start:ent.start_char].strip():
            line_end = text.find("\n", colon.idx)
            line_end = len(text) if line_end < 0 else line_end
            content = text[colon.idx + 1 : line_end]
            if len(content.split()) >= MIN_QUOTE_WORDS:
                offset = len(content) - len(content.lstrip())
                yield ent.root, (colon.idx, colon.idx + 1), (colon.idx + 1 + offset, colon.idx + 1 + len(content.rstrip()))
    for qs, qe in quotes:
        sign = _SIGNATURE.match(text, qe)
        if sign is None:
            continue
        for ent in doc.ents:
            if ent.start_char == sign.end() and ent.label_ in _LABEL_NAME_LABELS:
                yield ent.root, sign.span(1), (qs, qe)
                break


# A headline label: "Poll: ...", "Senate leader: ...", "Mayor to residents: ...".
_LABEL_WORD_POS = {"NOUN", "PROPN", "ADJ", "DET", "PART", "NUM", "PUNCT"}
MAX_LABEL_WORDS = 4


def _headlines(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the article's headline (its 'title' region), when the Doc has its article."""
    article = doc._.article if Doc.has_extension("article") else None
    return [(r.start, r.end) for r in getattr(article, "excluded", ()) if r.kind in HEADLINE_KINDS]


def _headline_labels(doc: Doc, headlines: list[tuple[int, int]]) -> Iterator[tuple[Token, tuple[int, int], tuple[int, int], tuple[int, int]]]:
    """Headlines that open with a short noun phrase and a colon, the headline
    form of "X said": "Poll: Voters back the levy", "Council leader: ‘We will
    not close the library.’" (speaker head, speaker chars, colon chars, content chars).

    The noun phrase is the speaker up to a preposition ("Mayor to residents:");
    labels of other kinds stay out: a verb, adverb or interjection ("Watch:",
    "Revealed:", "Wow:"), a gerund ("Breaking:") or a shouted word that names
    nobody ("EXCLUSIVE:").
    """
    text = _text(doc)
    for start, end in headlines:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        colon = next((t for t in span if t.text == ":"), None)
        if colon is None:
            continue
        speaker = []
        for t in doc[span.start : colon.i]:
            if t.pos_ == "ADP" and speaker:
                break
            speaker.append(t)
        if not 1 <= len(speaker) <= MAX_LABEL_WORDS or any(t.pos_ not in _LABEL_WORD_POS for t in speaker):
            continue
        head = speaker[-1]
        if head.pos_ not in ("NOUN", "PROPN") or head.tag_ == "VBG" or head.lower_.endswith("ing"):
            continue
        if any(t.is_upper and len(t.text) > 3 and not t.ent_type_ for t in speaker):
            continue
        content = _trim(doc, colon.i + 1, span.end)
        if content is None or len(text[doc[content[0]].idx : doc[content[1] - 1].idx].split()) + 1 < MIN_QUOTE_WORDS:
            continue
        chars = (speaker[0].idx, head.idx + len(head.text))
        yield head, chars, (colon.idx, colon.idx + 1), (doc[content[0]].idx, doc[content[1] - 1].idx + len(doc[content[1] - 1].text))


def _headline_cue(token: Token, cues: dict[str, Cue]) -> CueMatch | None:
    """A capitalised cue word of a title-case headline, read as a verb or not
    ("Says", "Slams", "Calls On"), or a present-tense one of a sentence-case
    headline ("Mayor slams council over cuts")."""
    if not token.text[:1].isupper() and not (token.text.islower() and token.text.endswith("s")):
        return None
    entry = cue_of_form(token.text, cues)
    if entry is None and token.pos_ == "VERB":
        match = match_cue(token, cues)
        entry = match.entry if match is not None and match.entry.pos != "ADJ" else None
    if entry is None or entry.kind not in ("speech", "stance") or not usable(entry):
        return None
    doc = token.doc
    if token.i + 1 < len(doc):
        following = doc[token.i + 1]
        if following.lower_ == "by" or _plural_subject(token, following):
            return None  # a passive ("Named By Police"), or a noun before its verb
        multi = cues.get(f"{entry.cue} {following.lower_}")
        if multi is not None and usable(multi):
            return CueMatch(token, token.i + 2, multi)
    return CueMatch(token, token.i + 1, entry)


_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "have", "has", "had", "do", "does", "did",
                          "will", "would", "can", "could", "may", "might", "must", "shall", "should"})


def _plural_subject(token: Token, following: Token) -> bool:
    """A headline's -s cue word that is a plural noun, the head of the
    subject, because an auxiliary follows it: "Nomination questions are
    likely ...", "Voter Claims Will Be Checked". The auxiliaries are a
    closed class; the tagger's verb readings of capitalised headline words
    are not reliable enough to go by ("Governor Rejects Call For Inquiry"
    gets a verb "Call"). A cue word the tagger itself reads as a third-person
    verb (VBZ) keeps its cue."""
    return token.tag_ != "VBZ" and token.lower_.endswith("s") and following.lower_ in _AUXILIARIES


def _headline_verbs(doc: Doc, headlines: list[tuple[int, int]], cues: dict[str, Cue]) -> Iterator[tuple[Token, tuple[int, int], CueMatch, tuple[int, int]]]:
    """Title-case headlines of the "X Says Y" form: "Mayor Slams Council Over
    Library Cuts", "Mayor Says X, Calls Y" (speaker head, speaker chars, cue,
    content chars).

    The tagger reads capitalised verbs as proper nouns and the parse is of
    little use; the headline is read as a noun phrase from its start (or after
    a label and colon), a cue word inflected as a verb ("Says", "Blasts",
    "Calls On"), and the rest of the headline, up to a second cue after "and"
    or a comma, which has the same speaker.
    """
    for start, end in headlines:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        colon = next((t for t in span if t.text == ":"), None)
        words = [t for t in doc[colon.i + 1 if colon is not None else span.start : span.end] if not t.is_space]
        if not words or not words[0].text[:1].isupper():
            continue
        speaker: list[Token] = []
        match = None
        for token in words:
            match = _headline_cue(token, cues) if speaker else None
            if match is not None:
                break
            if len(speaker) == MAX_LABEL_WORDS + 1 or not (token.pos_ in _LABEL_WORD_POS or token.ent_type_):
                break
            speaker.append(token)
        if match is None or speaker[-1].pos_ not in ("NOUN", "PROPN") and not speaker[-1].ent_type_:
            continue
        head = speaker[-1]
        while match is not None:
            stop, following = span.end, None
            for t in doc[match.end : span.end - 1]:
                if t.lower_ in ("and", ","):
                    following = _headline_cue(t.nbor(1), cues)
                    if following is not None:
                        stop = t.i
                        break
            content = _trim(doc, match.end, stop)
            if content is not None:
                yield (head, (speaker[0].idx, head.idx + len(head.text)), match,
                       (doc[content[0]].idx, doc[content[1] - 1].idx + len(doc[content[1] - 1].text)))
            match = following


def _attribute_quote(b: _Builder, qs: int, qe: int, cues: dict[str, Cue], in_quote: list[bool]) -> None:
    doc = b.doc
    span = doc.char_span(qs, qe, alignment_mode="expand")
    if span is None:
        return
    sent = doc[span.end - 1].sent if span.end > span.start else span.sent
    if _embedded(span, cues):
        return
    # A speech cue outside the quotation in the sentence where it ends, or in
    # the attribution after it when spaCy ended the sentence at the quotation
    # ('“... power?” Biden said.').
    tail = re.match(r"[^\n.!?]*[.!?]?", _text(doc)[qe:])
    after = doc.char_span(qe, qe + tail.end(), alignment_mode="contract") if tail.end() else None
    candidates = list(sent) + ([t for t in after if t.i >= sent.end] if after is not None else [])
    for token in candidates:
        if in_quote[token.i]:
            continue
        match = match_cue(token, cues)
        if match is None or match.entry.kind != "speech" or not usable(match.entry) or is_hypothetical(token):
            continue
        subject = _unquoted_subject(token, subject_of(token), in_quote)
        if subject is None or in_quote[subject.i]:
            continue
        b.add(subject, match, [(qs, qe), *_split_quote_after(doc, match, qs, b.quotes)], f"quote:{match.entry.cue}")
        return
    # A quotation opening a sentence right after a quoted statement continues it.
    for st in reversed(b.statements):
        if st.quote_type != "indirect" and st.content_end <= qs and _continues(doc, st, qs):
            b.continue_quote(st.content_spans, (qs, qe))
            return


def _embedded(span, cues: dict[str, Cue]) -> bool:
    """A quotation that is a phrase of a sentence going on around it (a
    title, a quoted phrase: 'is “on pace to get 1,237 delegates,” the number
    needed'), not a quoted statement: it opens mid-sentence and the parser
    hangs it on a word before it that is no cue."""
    doc = span.doc
    if span.start == span.sent.start or not any(not t.is_punct and not t.is_space for t in doc[span.sent.start : span.start]):
        return False
    if not any(not t.is_punct and not t.is_space for t in doc[span.end : span.sent.end]):
        return False  # 'he called the plan “a disaster for the country.”' ends with it
    heads = [t.head for t in span if not t.is_punct and not (span.start <= t.head.i < span.end)]
    if not heads:
        return False
    for head in heads:
        if head.i >= span.start:
            return False
        match = match_cue(head, cues)
        if match is not None and usable(match.entry):
            return False
    return True


def _continues(doc: Doc, st: Statement, quote_start: int) -> bool:
    """Whether a quotation at `quote_start` goes on with statement `st`.

    Only the statement's own attribution and a sentence end may stand between
    them ('"A," X said. "B."', 'X said: "A." "B."'), across at most one
    paragraph break when the attribution closes the paragraph before it;
    another quotation or another speaker in between ends it.
    The attribution is the cue's whole clause, so a speaker described at
    length ('"A," said X, who came from Y to do Z. "B."') still goes on.
    """
    text = _text(doc)
    gap = text[st.content_end : quote_start]
    breaks = len(re.findall(r"\n\s*", gap))
    if len(gap) > 300 or breaks > 1:
        return False
    if breaks and not (st.cue_span and st.content_end <= st.cue_span[0] < quote_start):
        # Across a paragraph break only after the attribution it follows
        # ('"A," X said.' then a paragraph opening '"B."').
        return False
    if not re.search(r"[.!?:][\"\u201d']*\s*$", gap) and gap.strip():
        return False
    attribution = [span for span in (st.cue_span, st.actor_span) if span]
    if st.cue_token is not None:
        start, end = _subtree_range(doc[st.cue_token])
        attribution.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)))

    def attributed(offset: int) -> bool:
        return any(s <= st.content_end + offset < e for s, e in attribution)

    # A title quoted in the attribution ('said X, a host of "Y."') is no other quotation.
    if any(not attributed(m.start()) for m in _QUOTE_MARK.finditer(gap)):
        return False
    outside = [m for m in re.finditer(r"\w+", gap) if not attributed(m.start())]
    return len(outside) <= 8  # "on Twitter", "at the rally", "in an interview on Sunday"


def _drop_swallowing(statements: list[Statement]) -> list[Statement]:
    """Resolve statements whose cue lies inside another statement's content.

    A speech cue with its own subject inside the content is a nested report
    ("officials said that Putin told Trump ...") and both stay. A stance cue
    there is part of what was said, not a statement ("demanded that Ukraine
    agree to ..."), and goes. When the inner cue's speaker stands outside the
    outer content, the parser hung a participle on the object ("welcomed the
    summit indicating that ..."): the outer content is wrong, and it goes.
    """
    drop = set()
    for i, outer in enumerate(statements):
        for j, inner in enumerate(statements):
            if i == j or not inside(inner.cue_span, outer.content_spans):
                continue
            if inner.cue_kind == "stance":
                drop.add(j)
            elif inner.actor.key == outer.actor.key and not inside(inner.actor_span, outer.content_spans):
                drop.add(i)
    return [st for n, st in enumerate(statements) if n not in drop]


def _dedupe(statements: list[Statement]) -> list[Statement]:
    seen = set()
    out = []
    for st in statements:
        key = (st.actor.key, st.actor_span, st.content_spans)
        if key not in seen:
            seen.add(key)
            out.append(st)
    return out


# --------------------------------------------------------------------------
# Statement dating
# --------------------------------------------------------------------------

DATING_PRECISIONS = {"day", "week", "month", "quarter", "season", "year", "decade", "time"}


def _date_of(timex: Timex) -> tuple[str, str] | None:
    if timex.type not in ("DATE", "TIME") or timex.precision not in DATING_PRECISIONS or not timex.value[:1].isdigit():
        return None
    if timex.precision == "time":
        return timex.value[:10], "day"
    return timex.value, timex.precision


def _within_phrase(token: Token, top: Token) -> bool:
    """Whether `token` hangs on `top` through nouns and prepositions only, not
    through a clause of its own ("a Cruz win in Texas, which votes on March 1")."""
    head = token.head
    while head.i != top.i and head.i != head.head.i:
        if head.pos_ in ("VERB", "AUX"):
            return False
        head = head.head
    return head.i == top.i


# Words that put an act before a time: "Ahead of Friday's meeting, X unveiled",
# "challenged Y to a debate before Monday's caucus", "prior to the May 5
# deadline", "until Thursday". That time is the act's horizon, not its date.
_BEFORE_WORDS = frozenset({"before", "ahead", "prior", "until", "till"})
# Dependencies of a word that modifies a noun ("this year's debate", "the 2012 campaign").
_NOUN_MODIFIERS = frozenset({"poss", "compound", "amod", "nummod"})
_TIME_OF_OBJECT = _NOUN_MODIFIERS | {"npadvmod", "nmod"}


def _before_time(token: Token, timex_at: dict[int, Timex]) -> bool:
    """Whether `token` (the word, or its "of"/"to") opens a phrase that puts the act before a time.

    The time must be the phrase's object or date it ("before Monday", "ahead
    of Friday's meeting", "before the 2012 attack"), not hang on it through
    another phrase ("before a congressional panel in September": a place);
    or the object is a clause ("before becoming a justice in 2009"), except
    after "until", which reaches the clause's time ("until resigning in
    2014, claiming ...").
    """
    word = token.head if token.lower_ in ("of", "to") else token
    if word.lower_ not in _BEFORE_WORDS:
        return False
    objects = [c for c in word.children if c.dep_ in ("pobj", "pcomp")]
    for prep in word.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "to"):
            objects += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    for obj in objects:
        if obj.dep_ == "pcomp" and word.lower_ not in ("until", "till"):
            return True
        if obj.i in timex_at or any(c.i in timex_at for c in obj.children if c.dep_ in _TIME_OF_OBJECT):
            return True
    return False


# Prepositions that open what an act is about: "said of the encounter he had
# last week", "spoke about the 2012 attack". The times in there are the topic's.
_TOPIC_PREPS = frozenset({"of", "about", "regarding", "concerning"})


def _dates_nothing(prep: Token, timex_at: dict[int, Timex]) -> bool:
    """A phrase whose time is not the act's: a span with two ends ("between
    January 1 and September 18", "from 2015 to 2020" (`_from_to`): the
    period the act is about), the start of a span that runs to the present
    (`_since`), a time the act came before (`_before_time`), one it came a
    while after (`_while_after`), or the act's topic (`_TOPIC_PREPS`) when
    it hangs on the act itself."""
    if prep.dep_ == "prep" and prep.lower_ in _TOPIC_PREPS and prep.head.pos_ in ("VERB", "AUX"):
        return True
    return prep.lower_ == "between" or _from_to(prep) or _since(prep) or _before_time(prep, timex_at) \
        or _while_after(prep)


_RANGE_ENDS = frozenset({"to", "through", "until", "till", "thru"})


def _from_to(prep: Token) -> bool:
    """Whether a phrase is one end of a range ("from 2015 to 2020", wherever
    the parser hung the "to"): the span the act covers, not its date."""
    if prep.lower_ != "from" and prep.lower_ not in _RANGE_ENDS:
        return False
    siblings = [t for t in prep.head.children if t.dep_ == "prep"]
    if prep.lower_ in _RANGE_ENDS:
        return any(t.lower_ == "from" and t.i < prep.i for t in siblings)
    return any(t.dep_ == "prep" and t.lower_ in _RANGE_ENDS
               for t in [*prep.subtree, *(t for t in siblings if t.i > prep.i)])


# Nouns for the time that follows an event ("in the wake of", "in the aftermath of").
_AFTERMATH_NOUNS = frozenset({"wake", "aftermath"})
# Units of a gap of a day or more ("two weeks after", "in the days following").
# A gap of hours or minutes ("hours after Trump spoke on Tuesday") mostly
# stays on the same day, so such a phrase still dates the act.
_DAYS_OR_MORE = frozenset({"day", "week", "month", "year", "decade"})
_AFTER_WORDS = frozenset({"after", "following", "since"})
# Units of a gap within the day ("Hours later", "moments earlier").
_WITHIN_A_DAY = frozenset({"second", "minute", "moment", "hour"})


def _while_after(prep: Token) -> bool:
    """Whether a phrase puts the act a while after the time in it: "in the
    wake of the coup attempt July 15", "in the days following last Friday's
    attacks", "two weeks after the vote on Tuesday". That time is only the
    earliest the act can be, not its date. A bare "after" ("said after a
    lunch on Tuesday") is not such a phrase: there the act mostly follows on
    the same day."""
    if prep.dep_ != "prep":
        return False
    if prep.lower_ == "in":
        noun = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if noun is None:
            return False
        if noun.lemma_.lower() in _AFTERMATH_NOUNS:
            return True
        return noun.lemma_.lower() in _DAYS_OR_MORE and any(
            c.lower_ in _AFTER_WORDS for c in noun.children if c.dep_ in ("prep", "acl"))
    return prep.lower_ in ("after", "following") and any(
        c.dep_ == "npadvmod" and c.lemma_.lower() in _DAYS_OR_MORE for c in prep.children)


def _since(token: Token) -> bool:
    """Whether a token opens "since <time>" ("has told friends since the
    spring", "donated $38,000 since 2010"): the time a period began, which
    runs up to the report, not the time of any one act in it."""
    return token.lower_ == "since" and token.dep_ == "prep"


def _governing_timexes(cue: Token, exclude: set[int], timex_at: dict[int, Timex]) -> list[Timex]:
    """Timexes among the cue's own modifiers, outside its subject and content.

    The cue's own time phrases ("said on Tuesday", "told reporters on
    Tuesday", "said Tuesday") come before times found deeper in a modifier
    ("Based on ... the nominee's 1995 tax return, Sanders on Tuesday said"),
    which date the cue only when it has no time of its own ("In a 2012
    interview, he said").
    """
    found: list[Timex] = []  # the cue's own time phrases
    deep: list[Timex] = []  # times inside its other modifiers
    for child in cue.children:
        if child.dep_ == "dobj":
            # A time phrase that the parser hung last on the object of a past
            # act is the act's ("rebuffed Mr Trump's call for a ceasefire in
            # August", "told reporters on Tuesday"), even where the annotators'
            # convention keeps it in the content. Not a span with two ends
            # ("reported 2,521 shootings in the city between January 1 and
            # September 18"): that is the period the object covers.
            last = [t for t in child.subtree if t.dep_ == "prep" and t.right_edge.i == child.right_edge.i
                    and _within_phrase(t, child)]
            if cue.tag_ in ("VBD", "VBN") and last and not _dates_nothing(last[-1], timex_at) \
                    and not any(names_scheduled_event(t.head) for t in last):
                # ... but not the time of an event the act is about ("proposed a
                # debate on the evening of April 4")
                own = _object_time(last[-1], timex_at)
                if own is not None and own not in found:
                    found.append(own)
            continue
        if child.dep_ in ("nsubj", "nsubjpass"):
            # A time phrase the parser hung on the subject is the act's ("Trump
            # on Tuesday dismissed", "the senator in 2012 argued"); any other
            # time in the subject is its own ("a spokesman for the 2012 campaign").
            for prep in child.children:
                own = _object_time(prep, timex_at) if time_phrase(prep) and not _dates_nothing(prep, timex_at) else None
                if own is not None and own not in found:
                    found.append(own)
            continue
        # Contents carry their own times; so do adverbial clauses ("after
        # Putin rebuffed the call in August") and coordinated verbs.
        if child.dep_ in ("ccomp", "xcomp", "conj", "relcl", "advcl", "acl", "parataxis"):
            continue
        if _dates_nothing(child, timex_at):
            # as above, wherever the parser hung it; but an occasion hung on
            # the topic is the act's ("said of the move during an interview
            # on Fox News Tuesday night")
            occasions = [t for t in child.subtree if t.dep_ == "prep" and t.lower_ == "during"] \
                if child.lower_ in _TOPIC_PREPS else []
            for occasion in occasions:
                deep += [t for t in _times_in(occasion, exclude, timex_at) if t not in deep]
            continue
        if child.dep_ == "prep":
            # "criticized the plan on Monday": the cue's own time phrase, even
            # where the content runs over it ("accused X of Y on Monday")
            own = _object_time(child, timex_at)
            if own is not None and own not in found:
                found.append(own)
                continue
        times = _times_in(child, exclude, timex_at)
        if times and times[0] is timex_at.get(child.i):
            found += [t for t in times[:1] if t not in found]  # "said Tuesday"
            times = times[1:]
        deep += [t for t in times if t not in deep]
    return found + [t for t in deep if t not in found]


def _object_time(prep: Token, timex_at: dict[int, Timex]) -> Timex | None:
    """The dating timex a preposition governs ("on [Monday]"), if its first object is one."""
    objects = [t for t in prep.children if t.dep_ == "pobj"]
    timex = timex_at.get(objects[0].i) if objects else None
    return timex if timex is not None and _date_of(timex) else None


# Relative pronouns that make a clause about a person ("Andrew McCarthy, who
# prosecuted ... in the 1990s", "women who complained in the 1990s").
_PERSON_RELATIVES = frozenset({"who", "whom", "whose"})


def _aside_about(clause: Token) -> bool:
    """Whether a relative clause tells of a person, a named thing or a pronoun
    ("according to Diane Blair, who died in 2000", "cutting ties with HMX
    Group, which launched her line in 2012", "something Obama said this
    week"): its time is their history, not the occasion of an act the phrase
    it sits in dates. A clause on an ordinary noun can be that occasion
    ("according to figures the campaign released Friday", "in an interview
    that aired Wednesday"), and so can one that sets a scene ("spoke outside
    the Taj Mahal, where protesters had gathered on Wednesday morning")."""
    if clause.dep_ != "relcl" or clause.left_edge.lower_ in ("where", "when"):
        return False
    return clause.head.pos_ in ("PROPN", "PRON") or clause.left_edge.lower_ in _PERSON_RELATIVES


def _comparison(token: Token) -> bool:
    """Whether a token opens the standard of a comparison ("a higher share [than
    four years ago]", "grew 3 percent, [compared with 2014]"): its time is the
    standard's, not the act's. Not "more than" in an amount ("said more than
    a week ago"), which the parser makes a quantifier."""
    if token.lower_ == "than":
        return token.dep_ in ("prep", "mark")
    return token.lemma_ == "compare" and token.tag_ == "VBN" and token.dep_ in ("prep", "advcl")


def _times_in(phrase: Token, exclude: set[int], timex_at: dict[int, Timex]) -> list[Timex]:
    """Dating timexes in a phrase's subtree, up to the first excluded token,
    leaving out relative clauses that tell of a person or a named thing, the
    standards of comparisons and the starts of periods ("since 2010")."""
    found = []
    asides = {a.i for t in phrase.subtree if _aside_about(t) or _comparison(t) or _since(t) for a in t.subtree}
    for t in phrase.subtree:
        if t.i in exclude:
            break
        if t.i in asides:
            continue
        timex = timex_at.get(t.i)
        if timex is not None and timex not in found and _date_of(timex):
            found.append(timex)
    return found


def date_statements(doc: Doc, statements: list[Statement], timexes: list[Timex], published: str | None,
                    mentions: list[Mention] | None = None) -> list[Statement]:
    """Tie each statement to the temporal expression that governs its cue.

    In order: a modifier of the cue ("said on Tuesday") or a fronted phrase
    ("On October 16, 2025, Trump ... announced"); the expression a relative
    clause hangs on ("was in Washington on Tuesday, where he posted"); the date
    of the coordinated cue ("X said on Tuesday ..., but Y said"); the date of
    the previous dated statement of the same actor in the same paragraph
    ("He also said", context), or a few paragraphs back when nothing in
    between names another time (`_carries_over`); the occasion the narrative
    sets for the actor earlier in the cue's sentence, in its paragraph or in
    the paragraph before ("On Sunday, Lopez toured the flooded district.
    '...,' she said": `_framed`, which needs the actor `mentions`, by default
    ``doc._.mentions``); the publication date. An expression inside the
    content never dates it, nor does one after the publication day unless
    the cue looks ahead ("will announce on Tuesday").
    """
    timex_at: dict[int, Timex] = {}
    for timex in timexes:
        for i in range(timex.token_start, timex.token_end):
            timex_at[i] = timex
    paras = paragraphs(_text(doc))

    def para_of(offset: int) -> int:
        return next((n for n, (s, e) in enumerate(paras) if s <= offset < e), -1)

    quoted = _quotes(doc)
    contents = [span for st in statements for span in st.content_spans]
    if mentions is None and Doc.has_extension("mentions"):
        mentions = doc._.mentions
    dated: dict[int, StatementDate] = {}  # cue token -> date
    out = []
    previous: _Dated | None = None  # the last dated statement
    for st in sorted(statements, key=lambda s: (s.cue_span or s.content_spans[0])[0]):
        date = None
        if st.cue_token is not None:
            cue = doc[st.cue_token]
            content = set()
            for s, e in st.content_spans:
                span = doc.char_span(s, e, alignment_mode="expand")
                content.update(range(span.start, span.end) if span else [])
            date = _date_from_syntax(cue, content, timex_at, dated)
            if date is not None and published and _after(date, published) and not looks_ahead(cue):
                # A statement is made before it is reported: a later time the
                # parse tied to the cue dates something else ("pressing for a
                # role at the convention in July, aiming to ...", "the April 19
                # primary, where his aides believe they can win"). Only a cue
                # that looks ahead ("will say on Tuesday") keeps one.
                date = None
        anchor_offset = (st.cue_span or st.content_spans[0])[0]
        para = para_of(anchor_offset)
        # A reported statement inside another one happened before the report,
        # and a cue that says "later" or "at the time" came at another time:
        # neither the paragraph's date nor the narrative's occasion is theirs.
        anchored = date is None and not _unanchored(doc, st) and not (st.cue_span is not None and any(
            o is not st and s <= st.cue_span[0] < e for o in statements for s, e in o.content_spans))
        if (anchored and previous is not None and previous.actor == st.actor.key
                and (previous.paragraph == para
                     or _carries_over(doc, st, previous, para, anchor_offset, timexes, quoted))):
            date = replace(previous.date, source="context", attachment="context")
        if date is None and anchored and st.cue_token is not None:
            # the statement's paragraph, then the one before it
            frame_paragraphs = [paras[n] for n in (para, para - 1) if para >= 0 and n >= 0]
            date = _framed(doc, st, frame_paragraphs, timexes, timex_at, quoted, contents, published, mentions or [])
        if date is None and published:
            date = StatementDate(published, "day", "published", "published")
        if date is not None and date.source in ("text", "context") and not _background(doc, st, timex_at):
            previous = _Dated(para, st.actor.key, date, anchor_offset, tuple(st.content_spans))
        if st.cue_token is not None and date is not None and date.source == "text":
            dated[st.cue_token] = date
        out.append(replace(st, date=date))
    return sorted(out, key=lambda s: (s.content_start, s.actor_span or (0, 0)))


@dataclass(frozen=True)
class _Dated:
    """Where a dated statement stood, for the statements after it."""

    paragraph: int
    actor: str
    date: StatementDate
    offset: int  # of its cue, or of its content when it has none
    content: tuple[tuple[int, int], ...]  # its content spans


def _carries_over(doc: Doc, st: Statement, previous: _Dated, para: int, offset: int,
                  timexes: list[Timex], quoted: list[tuple[int, int]]) -> bool:
    """Whether the date of the same actor's statement a few paragraphs back
    still dates this one. News follows one occasion, a speech or an
    interview, over several paragraphs ("Trump said Tuesday that ... / ... /
    "We will win," he said").

    Not across a time the narrative names in between (a new occasion; times
    inside quotations or in the earlier statement's own content do not count:
    "said Tuesday that the bridge would reopen in May"), not beyond
    `CARRY_PARAGRAPHS` paragraphs, not for a date coarser than a month or
    partly unknown ("In 2014, Obama unveiled a plan ... / ... / Obama
    dismissed the criticism": a year is background more often than an
    occasion), and not for a cue in the perfect or with a habitual adverb
    ("has called for", "often says"): more than one occasion.
    """
    if not 0 < para - previous.paragraph <= CARRY_PARAGRAPHS:
        return False
    if previous.date.precision not in ("day", "week", "month") or "X" in previous.date.value:
        return False
    if any(previous.offset < t.start < offset and t is not previous.date.timex
           and not inside((t.start, t.end), quoted) and not inside((t.start, t.end), previous.content)
           for t in timexes):
        return False
    return st.cue_token is None or not _many_occasions(_act_verbs(doc[st.cue_token], ("VBG",)))


FRAME_PRECISIONS = ("day", "week")
FRAME_DAYS = 14


def _framed(doc: Doc, st: Statement, paragraphs: list[tuple[int, int]], timexes: list[Timex],
            timex_at: dict[int, Timex], quoted: list[tuple[int, int]], contents: list[tuple[int, int]],
            published: str | None, mentions: list[Mention]) -> StatementDate | None:
    """The date of the occasion the narrative sets for the same actor, when
    the statement names none (attachment ``frame``): "On Sunday, Lopez
    toured the flooded district. 'We will not wait,' she said."

    `paragraphs` are the statement's paragraph and, when it has one, the
    paragraph before it. The frame is the nearest narrative time (not one
    quoted or inside a statement's content) before the cue in its own
    sentence ("On Thursday, Lopez appeared on the radio and endorsed Ruiz,
    saying"); else before that sentence in its paragraph; else in the
    paragraph before, where news often sets the occasion for the quotation
    that opens the next one. A sentence that tells a statement dates the
    statements after it by itself (context).

    The time must be that of a verb whose subject is the statement's actor
    (in the cue's own sentence, a clause the cue hangs on, not one on a noun:
    "attacked Ruiz, with whom he clashed at Saturday's debate, calling him"),
    a day or a week within `FRAME_DAYS` before the publication day; and the
    cue a simple past, not in the perfect nor with a habitual adverb: a frame
    set for a past occasion. A named actor only: an unnamed one ("a
    spokesman") is only the same within its own description.
    """
    if not paragraphs or not mentions or st.actor.type == "UNNAMED" or not _told_as_past(doc[st.cue_token]):
        return None
    cue = doc[st.cue_token]
    sentence_start = cue.sent.start_char
    first = paragraphs[-1][0]
    narrative = [t for t in timexes if first <= t.start and t.end <= cue.idx
                 and not inside((t.start, t.end), quoted) and not inside((t.start, t.end), contents)]
    # In the cue's own sentence only a date counts: a duration there sets no
    # occasion ("Emerging from a 45-minute meeting, X said"). In the sentences
    # before, the nearest time of any kind is the frame, and a duration or a
    # month there means there is none.
    own = [t for t in narrative if sentence_start <= t.start and t.end <= cue.idx and _date_of(t) is not None]
    before = own
    for start, end in [(paragraphs[0][0], sentence_start), *paragraphs[1:]]:
        before = before or [t for t in narrative if start <= t.start and t.end <= end]
    if not before:
        return None
    timex = before[-1]
    found = _date_of(timex)
    if found is None or found[1] not in FRAME_PRECISIONS or "X" in found[0]:
        return None
    date = StatementDate(found[0], found[1], "context", "frame", timex)
    if not _recent(date, published):
        return None
    verb = governing_verb(doc, timex.token_start, timex.token_end)
    if verb is None or timex not in _governing_timexes(verb, set(), timex_at):
        return None
    if own and not _on_cue_clause(verb, cue):
        return None
    key = _frame_actor_key(verb, mentions, quoted)
    return date if key == st.actor.key else None


def _on_cue_clause(verb: Token, cue: Token) -> bool:
    """Whether a verb of the cue's sentence is a clause the cue hangs on, or one
    hanging on those, not a clause on a noun."""
    line = {cue.i} | {a.i for a in cue.ancestors}
    while verb.i not in line:
        if verb.dep_ in ("relcl", "acl") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return True


def _recent(date: StatementDate, published: str | None) -> bool:
    """Whether a date ends within `FRAME_DAYS` before the publication day and
    starts no later than it: the news occasion, not background the article
    recounts ("The mayor met the contractor on May 3, 2019. 'We warned
    them,' she said" is said to the reporter, now)."""
    period = period_of(date.value)
    try:
        day = datetime.date.fromisoformat((published or "")[:10])
    except ValueError:
        return False
    return period is not None and period[0] <= day and period[1] >= day - datetime.timedelta(days=FRAME_DAYS)


def _frame_actor_key(verb: Token, mentions: list[Mention], quoted: list[tuple[int, int]]) -> str | None:
    """The actor key of who acts in a narrative clause: its subject, or, for a
    clause without one ("Reached by phone on Tuesday, Joyce told reporters"),
    the subject of the clause it hangs on."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            # only the key counts: no display names, and no article id (an
            # unnamed actor never frames, see `_framed`)
            return actor_of(subject, mentions, {}, "", quoted=quoted)[0].key
        if verb.head.i == verb.i or verb.dep_ not in ("advcl", "xcomp", "conj", "acl"):
            return None
        if verb.dep_ != "conj" and verb.tag_ not in ("VBG", "VBN", "VB"):
            return None  # a finite clause without a subject is a misparse, not a participle's
        verb = verb.head
    return None


def _told_as_past(cue: Token) -> bool:
    """Whether a cue tells of one past act: a simple past ("she said"), or a
    participle on one ("claimed victory, saying"); not in the perfect nor
    with a habitual adverb."""
    verbs = _act_verbs(cue, ("VBG", "VBN"))
    return verbs[-1].tag_ == "VBD" and not _many_occasions(verbs)


def _act_verbs(cue: Token, participles: tuple[str, ...]) -> list[Token]:
    """The cue, and for a participle (tags `participles`) the verb it hangs on,
    whose tense tells of its act ("has criticized ..., declaring")."""
    if cue.tag_ not in participles:
        return [cue]
    return [cue, next((a for a in cue.ancestors if a.pos_ in ("VERB", "AUX")), cue)]


def _many_occasions(verbs: list[Token]) -> bool:
    """Whether any of the verbs is in the perfect or has a habitual adverb
    ("has called for", "often says"): more than one occasion."""
    return any(_perfect(v) or any(c.dep_ == "advmod" and c.lower_ in HABITUAL_ADVERBS for c in v.children)
               for v in verbs)


def _perfect(verb: Token) -> bool:
    """Whether a verb is in the perfect: "has said", "had said", and the
    contracted "he's said", which the tagger may take for a passive."""
    return any(c.dep_ in ("aux", "auxpass") and (c.lemma_ == "have" or c.lower_ in ("'ve", "\u2019ve")
               or (c.lower_ in ("'s", "\u2019s") and verb.tag_ in ("VBN", "VBD")))
               for c in verb.children)


def _date_from_syntax(cue: Token, content: set[int], timex_at: dict[int, Timex], dated: dict[int, StatementDate]) -> StatementDate | None:
    subject_start = min((c.left_edge.i for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), default=cue.i)
    own = _governing_timexes(cue, content, timex_at)
    if not own and content and min(content) > cue.i:
        # Between the cue and its content: "said on Monday it would sign"; not
        # in a phrase that dates nothing, as `_governing_timexes` skips it too
        # ("said before joining the court in 2009 that", "between now and November").
        # Nor a time that modifies a noun there ("asked Holt, the moderator for
        # this year's first debate, to ..."): it is that noun's. Nor the
        # standard of a comparison ("argued more forcefully than in 2019 that").
        horizon = {t.i for c in cue.children if _dates_nothing(c, timex_at) for t in c.subtree}
        horizon |= {a.i for t in cue.doc[cue.i + 1:min(content)] if _comparison(t) for a in t.subtree}
        own = [timex_at[i] for i in range(cue.i + 1, min(content))
               if i in timex_at and i not in horizon and _date_of(timex_at[i])
               and not _modifies_noun(cue.doc, timex_at[i])][:1]
    if own:
        timex = own[0]
        value, precision = _date_of(timex)
        attachment = "fronted" if timex.token_start < subject_start else "modifier"
        return StatementDate(value, precision, "text", attachment, timex)
    # Relative clause or participle hanging on a dated word or clause.
    # A present-tense clause on a past one is not at its time ("delivered two
    # speeches in October, though her disclosure suggests she gave the fees away").
    # Not the clause that is itself the content ("As reported by X, the Times
    # broke the story in March"): its time is the reported event's. Nor one
    # that tells of an earlier act ("resigned in May, before he called for",
    # "was fined in October after he had posted"): the head's time came later.
    if cue.dep_ in ("relcl", "advcl", "acl") and cue.head.i != cue.i and cue.head.i not in content \
            and not (cue.tag_ in ("VBZ", "VBP") and cue.head.tag_ == "VBD") and not _earlier_clause(cue):
        head = cue.head
        timex = timex_at.get(head.i) or _time_before_when(cue, timex_at)
        if timex is None:
            governing = _governing_timexes(head, content | {cue.i}, timex_at)
            if not governing and cue.dep_ == "acl" and head.dep_ == "dobj":
                # "issued a statement Tuesday saying", "sent an email on
                # Wednesday saying": the time of the act that produced the noun
                governing = _governing_timexes(head.head, content | {cue.i}, timex_at)
            timex = governing[0] if governing else None
        if timex is not None and _date_of(timex):
            value, precision = _date_of(timex)
            return StatementDate(value, precision, "text", "relative", timex)
    if cue.dep_ == "conj" and cue.head.i in dated:
        return replace(dated[cue.head.i], attachment="coordinated")
    return None


def _earlier_clause(clause: Token) -> bool:
    """Whether a clause tells of an act before the time of the clause it hangs
    on: a "before"/"until" clause ("before he called for a ban") or a past
    perfect ("after he had posted")."""
    return any((c.dep_ == "mark" and c.lower_ in ("before", "until", "till"))
               or (c.dep_ == "aux" and c.lower_ == "had") for c in clause.children)


def _time_before_when(clause: Token, timex_at: dict[int, Timex]) -> Timex | None:
    """The time a "when" clause stands right after, which it tells of, wherever
    the parser hung the clause ("Since June 16, when he asked supporters to
    run, ...": the asking was on June 16)."""
    first = clause.left_edge
    if first.lower_ != "when" or first.i == 0:
        return None
    before = clause.doc[first.i - 1]
    if before.is_punct and before.i > 0:
        before = clause.doc[before.i - 1]
    return timex_at.get(before.i)


def _modifies_noun(doc: Doc, timex: Timex) -> bool:
    """Whether a timex is a noun's modifier ("this year's debate", "the 2012
    campaign") rather than a phrase of its own; not a bare weekday the parser
    hung on a noun ("told a crowd in Miami Tuesday": npadvmod)."""
    root = doc[timex.token_start:timex.token_end].root
    return root.dep_ in _NOUN_MODIFIERS and root.head.pos_ in ("NOUN", "PROPN")


def _after(date: StatementDate, published: str) -> bool:
    """Whether the whole of ``date`` lies after the publication day."""
    period = period_of(date.value)
    try:
        return period is not None and period[0] > datetime.date.fromisoformat(published[:10])
    except ValueError:
        return False


def _background(doc: Doc, st: Statement, timex_at: dict[int, Timex]) -> bool:
    """A statement told in a relative clause on a noun ("Reid, who endorsed
    Clinton in February, reiterated ...") or in a phrase that puts it before
    or after the main clause ("After playing down her gender in the 2008
    race, Clinton now talks ..."): background, whose date the statements
    after it do not share. Not one on a time ("in December, when Clinton
    called him ... She also said"): that is where the story is."""
    if st.cue_token is None:
        return False
    cue = doc[st.cue_token]
    if cue.dep_ == "pcomp" and cue.head.lower_ in ("after", "before", "since"):
        return True
    return cue.dep_ == "relcl" and cue.head.i not in timex_at


def _same_day(adverb: Token) -> bool:
    """Whether "later" or "earlier" counts minutes or hours ("Hours later",
    "moments earlier"): the same occasion's day, not another one."""
    return any(c.lemma_.lower() in _WITHIN_A_DAY for c in adverb.children)


def _unanchored(doc: Doc, st: Statement) -> bool:
    """Whether the cue says it came at another time than the statements
    before it: "later", "earlier", "since", or a time named before ("at the
    time", "at that time"); for a participle, also the verb it hangs on
    ("Trump later blamed a bad earpiece, claiming ...")."""
    if st.cue_token is None:
        return False
    cue = doc[st.cue_token]
    verbs = _act_verbs(cue, ("VBG", "VBN"))
    if any(c.lower_ in UNANCHORED_ADVERBS and not _same_day(c) for v in verbs for c in v.children
           if c.dep_ in ("advmod", "npadvmod", "prep")):
        return True
    # "at the time", on the cue or, as the parser often hangs it, on its
    # subject ("Trump at the time said"); not "at the same time" (also)
    subjects = [c for c in verbs[-1].children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(p.dep_ == "prep" and p.lower_ == "at" and any(
        o.dep_ == "pobj" and o.lower_ == "time" and [d.lower_ for d in o.children] in (["the"], ["that"])
        for o in p.children) for head in [*verbs, *subjects] for p in head.children)
