"""Attribution cue lexicon: the words that introduce "who said what".

Loads `pipeline/lexicon/cues.tsv` (shipped as package data), one row per cue
key, and offers the code that mined it, so that the file can be regenerated.

How the lexicon was mined (`mine_cues`)
---------------------------------------
From the train split of PolNeAR (political news with hand-annotated
attributions: source, cue and content spans), every article is parsed with
the project's spaCy pipeline (`pipeline.nlp.load_model`) and every gold cue
span is reduced to a lexicon key:

* the *head* of the cue span is its token whose syntactic head lies outside
  the span (auxiliaries, negation, adverbs, "to", determiners, dates inside
  the span are thereby left out: "has not yet said" -> "say");
  a copula head moves to its predicate ("is concerned about" -> "concerned"),
  an aspectual verb to its infinitive ("went on to say" -> "say"), and a light
  verb to its object noun ("expressed concern" -> "concern",
  "issued a statement" -> "statement");
* a verb keeps the particles and the cue-final prepositions that are its
  dependents inside the span: "point out", "call for", "call on",
  "according to", "weigh in on" (a passive agent "by" never counts);
* a noun or adjective is keyed by its lemma alone ("criticism of" ->
  "criticism"), punctuation by its character (":", "—", "–");
* a head with no meaning of its own ("be", "have", "do", "get", a pronoun)
  gives no key, and a capitalised headline verb the tagger read as a proper
  noun ("Slams") joins the key it inflects.

Besides the head, a noun that is part of a verbal cue span (the gold cue
"said in a statement") counts as one use of that noun ("statement"), so the
train counts of the rows add up to more than the number of attributions.

Columns of the file
-------------------
cue          the key (lemma, or lemma sequence for MULTI).
pos          VERB, NOUN, ADJ, ADV, ADP, PUNCT, ... of most gold uses; MULTI for
             several words.
kind         speech | stance | evidence | act (see `KIND_RULE`; the per-key
             decision is the word lists below, applied by `kind_of`).
train_count  number of gold attributions whose cue is this key.
train_rate   train_count / occurrences of the key in the train texts (tokens
             with that lemma and a part of speech the gold used for it at least
             10% of the time; for MULTI, tokens with that lemma that govern the
             particles/prepositions).  The precision of the word as a cue.
content      the syntactic roles, relative to the cue head, of the dependents
             that overlap the gold content span, most frequent first
             (`ccomp`, `xcomp`, `dobj`, `prep:about`, `colon` = after a colon,
             `gov` = the clause the cue depends on, as in "according to X, Y",
             `same_sent` / `other_sent` = elsewhere in the cue's sentence / in
             another sentence); roles seen in at least 5% of the uses, at most 4.

Kept: train_count >= min_count (3), or >= 2 with train_rate >= 0.3.  Rows are
sorted by kind (speech, stance, evidence, act), then train_count descending.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("cue", "pos", "kind", "train_count", "train_rate", "content")
KINDS = ("speech", "stance", "evidence", "act")

KIND_RULE = (
    "speech = a communication act: the source says, writes, posts, asks, "
    "announces, promises, praises or attacks in public (say, tell, announce, "
    "deny, write, tweet, urge, criticize, endorse, call for, statement, "
    "interview, according to); "
    "stance = a mental state, attitude, preference or intention the source "
    "holds, whether or not it is voiced (believe, think, expect, want, plan, "
    "fear, hope, worry, feel, know, support, oppose, vote for); "
    "evidence = a source of knowledge that is not a person speaking: data, "
    "documents and appearances (poll, survey, study, show, find, indicate, "
    "seem); a word read both ways (reveal, suggest, report) takes the kind of "
    "the majority of its gold uses in train, judged from their sources "
    "(persons -> speech, polls/documents/data -> evidence); "
    "act = a deed that is neither speech nor a held state (sign, vote for, "
    "nominate, use, sue): marked by the annotators, but no statement."
)


@dataclass(frozen=True)
class Cue:
    cue: str
    pos: str
    kind: str
    train_count: int
    train_rate: float
    content: tuple[str, ...]


# --------------------------------------------------------------------------
# Loading and writing
# --------------------------------------------------------------------------


def _parse(text: str) -> dict[str, Cue]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"cues.tsv: expected columns {COLUMNS}, got {reader.fieldnames}")
    cues: dict[str, Cue] = {}
    for row in reader:
        cue = Cue(
            cue=row["cue"],
            pos=row["pos"],
            kind=row["kind"],
            train_count=int(row["train_count"]),
            train_rate=float(row["train_rate"]),
            content=tuple(r for r in row["content"].split("|") if r),
        )
        if cue.cue in cues:
            raise ValueError(f"cues.tsv: duplicate cue {cue.cue!r}")
        cues[cue.cue] = cue
    return cues


@functools.cache
def load_cues() -> dict[str, Cue]:
    """The shipped cue lexicon, keyed by `cue` (read once)."""
    resource = importlib.resources.files("pipeline").joinpath("lexicon", "cues.tsv")
    return _parse(resource.read_text(encoding="utf-8"))


def _kind_order(cue: Cue) -> tuple:
    return (KINDS.index(cue.kind) if cue.kind in KINDS else len(KINDS),
            -cue.train_count, cue.cue)


def write_cues(cues: list[Cue], path: Path, header: str) -> None:
    """Write `cues` as TSV, sorted by kind then count; `header` becomes `#` lines."""
    out = io.StringIO()
    for line in header.strip("\n").splitlines():
        out.write(("# " + line).rstrip() + "\n")
    out.write("\t".join(COLUMNS) + "\n")
    for c in sorted(cues, key=_kind_order):
        fields = [c.cue, c.pos, c.kind, str(c.train_count), f"{c.train_rate:.3f}", "|".join(c.content)]
        if any(ch in f for f in fields for ch in "\t\n\r"):
            raise ValueError(f"cue {c.cue!r}: a field holds a tab or line break")
        out.write("\t".join(fields) + "\n")
    Path(path).write_text(out.getvalue(), encoding="utf-8")


# --------------------------------------------------------------------------
# Kinds: a hand-made decision per key (see KIND_RULE), applied when mining
# --------------------------------------------------------------------------

_STANCE = frozenset(w.replace("_", " ") for w in """
able accept acquiesce_to admiration admire agitated agree agree_on agree_with agreement
aim aim_at alarm align_with among anger angry anticipate anxiety appeal approval approve as
assume assumption attempt attention avoid aware back backing balk_at be_about be_against
be_for belief believe believe_in bristle calculate care care_about certain choose clear
commitment concern concerned confidence confident consensus consider contemplate
convinced count count_on decide decision deem desire devoted disagree_on disagree_with
disagreement disbelief dislike disregard display divide_over doubt eager effort embrace
enamored enjoy enthusiasm envision evince exasperate expect expectation experience eye
faith familiar favor favorite fear feel figure focus focus_on for foresee forget free
frustration glad goal grow guess happy hard hate hear hesitate hold hope hope_for hopeful
hostile hostility idea identify_with ignore imagine impressed inclination inclined
infuriate intend interest interested interpret interpret_as intrigue judge keen know
know_as know_for lack lean learn learn_of leave leery like likely line_up_behind look
look_at look_for look_to love mind mull mystify need nervous notice notion obvious of
open opinion opponent oppose opposition optimistic outraged passion perceive perception
plan poise ponder popular pump position prefer priority proponent proud put_off rattle ready
realize reason recognition recognize reckon_with regard regard_as relief relish
reluctance reluctant rely_on remain remember represent resist resistance respect
reputation rethinking revere revile scar see see_as seek sense sentiment set shift
shocked side_with skeptical split_on spot stance stand startle strategy strive struggle
support supporter supportive sure surmise surprise surprised suspect think think_about
think_of thrill_with to trouble trust try unaware unclear understand understanding
unhappy unified unlikely unsettle upbeat upset view view_as vision want wary watch
willing wish with witness wonder worried worry worry_about
""".split())

_EVIDENCE = frozenset(w.replace("_", " ") for w in """
appear base_on bill by capture demonstrate determine discover document emerge evidence
exemplify fact find footage foreshadow illustrate in include information law
legislation look_like measure news percent policy poll project prove record reflect
seem seem_like seemingly series show sound surface symbolize trend under video warrant
""".split())

# Deeds the annotators also marked as attribution cues, neither speech nor a
# held state: a fourth kind, so that a speech-only extractor can skip them.
_ACT = frozenset(w.replace("_", " ") for w in """
action adopt allow appoint architect authorize ballot ban block buy campaign close co
create cut deal dedicate design devote elect end establish fail fight file go grant
help hire impose invalidate investigate join lead manage mandate mark meet mount move
movement negotiate nominate pass pass_with pick pick_up place prohibit prompt pursue
quash ratify reach referendum require restrict review revise schedule scramble sentence sign
spend start
stop strike_down sue track use veto vote vote_against vote_for withdraw withhold work
""".split())

def kind_of(key: str) -> str:
    """speech, stance, evidence or act for a lexicon key (see KIND_RULE).

    The lists above are a hand-made decision per mined key; a key in none of
    them was judged a communication act (speech).
    """
    if key in _EVIDENCE:
        return "evidence"
    if key in _STANCE:
        return "stance"
    if key in _ACT:
        return "act"
    return "speech"


# --------------------------------------------------------------------------
# Mining
# --------------------------------------------------------------------------

# Verbs whose object noun carries the meaning ("expressed concern").
LIGHT_VERBS = frozenset("""
have make express issue give offer draw win receive raise send voice take pay
hold gain earn get deliver lodge level put cast register garner attract extend
do
""".split())
# Verbs that pass the cue on to their infinitive ("went on to say").
ASPECTUAL_VERBS = frozenset("begin start continue go keep proceed tend".split())
_COPULAS = frozenset(("be", "become", "remain"))
_KEY_LEMMA = {"accord": "according", "retweete": "retweet", "’re": "be", "'re": "be",
              "’s": "be", "'s": "be", "’m": "be", "'m": "be"}
_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "tells": "tell", "wrote": "write",
              "writes": "write", "thought": "think", "knew": "know", "saw": "see",
              "found": "find", "felt": "feel", "spoke": "speak", "sought": "seek"}
# Heads that carry no cue meaning of their own ("it's unclear", "the idea is"):
# such gold cues get no key.
EMPTY_HEADS = frozenset(("be", "have", "do", "get"))
_KEYLESS_POS = frozenset(("PRON", "NUM", "DET", "SCONJ", "CCONJ", "PART", "X", "SYM", "INTJ"))
_PUBLISHING_VERBS = frozenset("""issue release send post publish deliver give make write
pen sign file air run put share circulate""".split())
_TEMPORAL = frozenset("""time day week month year night morning afternoon evening weekend
moment point hour minute occasion""".split())
_DASHES = {"--": "—", "—": "—", "–": "–", "-": "–"}
_TIME_ENTS = frozenset(("DATE", "TIME"))
# Dependents that never name a content role: quotation marks, conjunctions,
# modifiers of the cue itself ("also", "Tuesday").
_MINOR_DEPS = frozenset("punct cc mark aux auxpass neg det advmod npadvmod preconj".split())


def _tokens(doc, frags) -> list:
    """Non-space tokens of `doc` that overlap any [start, end) fragment."""
    seen = {}
    for start, end in frags:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        for tok in span:
            if not tok.is_space:
                seen[tok.i] = tok
    return [seen[i] for i in sorted(seen)]


def _lemma(tok) -> str:
    lemma = tok.lemma_.lower() or tok.lower_
    if lemma == "hop" and tok.lower_ in ("hope", "hopes", "hoped", "hoping"):
        lemma = "hope"  # the small model's lemmatizer reads "hoping" as "hop"
    if lemma == tok.lower_ and lemma in _IRREGULAR:  # headline words tagged PROPN
        lemma = _IRREGULAR[lemma]
    return _KEY_LEMMA.get(lemma, lemma)


def _head_of(tokens: list) -> object | None:
    """The syntactic head of a cue span, moved past copulas, aspectual and light verbs."""
    ids = {t.i for t in tokens}
    tops = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    if not tops:
        return None
    content = [t for t in tops if t.pos_ not in ("PUNCT", "AUX", "PART", "DET", "CCONJ")]
    head = (content or tops)[0]
    for _ in range(4):  # bounded walk down the span
        inside = [c for c in head.children if c.i in ids]
        lemma = _lemma(head)
        nxt = None
        if lemma in _COPULAS:
            nxt = next((c for c in inside if c.dep_ in ("acomp", "attr", "oprd")), None)
        elif lemma in ASPECTUAL_VERBS and head.pos_ == "VERB":
            nxt = next((c for c in inside if c.dep_ == "xcomp"), None)
        elif lemma in LIGHT_VERBS and head.pos_ in ("VERB", "AUX"):
            nxt = next((c for c in inside if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
        if nxt is None:
            break
        head = nxt
    return head


def _key_parts(head, ids: set[int] | None) -> list[str]:
    """Lemma of `head` plus its particles and cue-final prepositions.

    With `ids` (the cue span), only dependents inside the span count and a
    preposition whose object is also inside it is a setting, not part of the
    key ("said in a statement"); without it, every particle and preposition
    child is returned (for counting occurrences).
    """
    parts = [_lemma(head)]
    if head.pos_ not in ("VERB", "AUX"):
        return parts
    for child in head.children:
        if child.dep_ == "prt" or (child.dep_ in ("prep", "dative") and child.pos_ == "ADP"):
            if child.lower_ == "by":
                continue
            if ids is not None:
                if child.i not in ids:
                    continue
                if any(g.i in ids for g in child.children):
                    continue
            parts.append(child.lower_)
    return parts


def _pos_group(tok) -> str:
    if tok.pos_ == "AUX":
        return "VERB"
    if tok.pos_ == "PROPN":
        return "NOUN" if tok.lemma_.islower() else "PROPN"
    return tok.pos_


def cue_key(tokens: list) -> tuple[str, str, object] | None:
    """(key, pos, head token) for the tokens of one gold cue span."""
    if not tokens:
        return None
    if all(t.is_punct for t in tokens):
        text = "".join(t.text for t in tokens).strip()
        char = _DASHES.get(text, text[:1])
        return char, "PUNCT", tokens[0]
    head = _head_of(tokens)
    if head is None:
        return None
    if head.is_punct or head.text in _DASHES:
        return _DASHES.get(head.text, head.text[:1]), "PUNCT", head
    parts = _key_parts(head, {t.i for t in tokens})
    if parts[0] == "according":
        parts = ["according", "to"]
    if (parts[0] in EMPTY_HEADS and len(parts) == 1) or head.pos_ in _KEYLESS_POS \
            or not any(ch.isalpha() for ch in parts[0]):
        return None
    pos = "MULTI" if len(parts) > 1 else _pos_group(head)
    return " ".join(parts), pos, head


def _secondary_nouns(tokens: list, head) -> list[str]:
    """Common nouns of a verbal cue span besides its head: the object of one
    of the head's prepositions ("statement" in "said in a statement") or of a
    publishing verb ("issued a statement saying"), never times ("at the
    time") nor addressees ("told reporters")."""
    ids = {t.i for t in tokens}
    out = []
    for t in tokens:
        if t.i == head.i or t.pos_ != "NOUN" or t.ent_type_ in _TIME_ENTS:
            continue
        lemma = _lemma(t)
        if lemma in _TEMPORAL or not lemma.isalpha():
            continue
        if (t.dep_ == "dobj" and t.head.i in ids and _lemma(t.head) in _PUBLISHING_VERBS) or (
                t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.i == head.i):
            out.append(lemma)
    return out


def content_roles(head, content_ids: set[int], cue_ids: set[int]) -> list[str]:
    """Roles, relative to `head`, of what overlaps the gold content tokens."""
    if not content_ids:
        return []
    doc = head.doc
    first = min(content_ids)
    # a colon between the cue and the content that follows it
    if first > head.i:
        between = doc[head.i + 1:first]
        if any(t.text == ":" for t in between) and all(
                t.i in cue_ids or t.is_punct or t.is_space or t.pos_ in ("ADV", "PROPN")
                or t.ent_type_ in _TIME_ENTS for t in between):
            return ["colon"]
    if head.is_punct or head.text in _DASHES:
        return ["colon" if head.text == ":" else "dash" if head.text in _DASHES else "punct"]
    roles = []
    for child in head.children:
        if child.dep_ in _MINOR_DEPS:
            continue
        if child.i in cue_ids:
            # inside the cue ("according to"): look one level down
            for g in child.children:
                if g.i not in cue_ids and any(t.i in content_ids for t in g.subtree):
                    roles.append(f"{child.dep_}:{child.lower_}" if child.dep_ == "prep" else g.dep_)
            continue
        if any(t.i in content_ids for t in child.subtree):
            roles.append(f"prep:{child.lower_}" if child.dep_ in ("prep", "agent") else child.dep_)
    if roles:
        return roles
    sent = head.sent
    if head.head.i != head.i and head.head.i in content_ids or any(
            t.i in content_ids for t in head.head.subtree if t.i not in {x.i for x in head.subtree}):
        return ["gov"]
    if any(sent.start <= i < sent.end for i in content_ids):
        return ["same_sent"]
    return ["other_sent"]


@dataclass
class _Tally:
    count: int = 0
    pos: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)


def _base_forms(word: str) -> list[str]:
    """Candidate lemmas of an inflected form the tagger missed ("Slams")."""
    w = word.lower()
    out = [_IRREGULAR.get(w, w)]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""),
                         ("ed", "e"), ("ing", ""), ("ing", "e")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            out.append(w[: -len(suffix)] + repl)
    return out


def cue_of_form(word: str, cues: dict[str, Cue]) -> Cue | None:
    """The verb cue an inflected word form names when the tagger did not read it
    as a verb, as in capitalised headlines ("Slams" -> slam, "Says" -> say).

    Only an inflected form counts: a bare "Post" or "Judge" is a noun as often.
    """
    for base in _base_forms(word):
        entry = cues.get(base) if base != word.lower() else None  # not the bare form ("Post", "Judge")
        if entry is not None and entry.pos in ("VERB", "MULTI"):
            return entry
    return None


def _mine(articles: list[dict], docs: list, min_count: int = 3) -> list[Cue]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    uses: list[tuple[str, str, str, list[str]]] = []
    for art, doc in zip(articles, docs):
        for att in art.get("attributions", []):
            ctoks = _tokens(doc, att["cue"])
            found = cue_key(ctoks)
            if found is None:
                continue
            key, pos, head = found
            cue_ids = {t.i for t in ctoks}
            content_ids = {t.i for t in _tokens(doc, att["content"])} - cue_ids
            if att.get("source"):
                content_ids -= {t.i for t in _tokens(doc, att["source"])}
            roles = sorted(set(content_roles(head, content_ids, cue_ids)))
            uses.append((key, pos, head.text, roles))
            for noun in _secondary_nouns(ctoks, head) if pos != "PUNCT" else []:
                if noun != key:
                    uses.append((noun, "NOUN", noun, roles))
    # a rare key that is an untagged inflection of a frequent one ("Slams",
    # "seemed") joins it; remaining proper nouns are not cue words
    freq = Counter(k for k, _, _, _ in uses)
    for key, pos, text, roles in uses:
        if " " not in key and pos in ("PROPN", "VERB", "NOUN") and freq[key] < 5:
            for base in _base_forms(text):
                if base != key and freq[base] >= 5:
                    key, pos = base, ("VERB" if pos == "PROPN" else pos)
                    break
        if pos == "PROPN":
            continue
        tally = tallies[key]
        tally.count += 1
        tally.pos[pos] += 1
        tally.roles.update(roles)

    # occurrences of each key in the train texts (the rate's denominator)
    pos_ok = {k: {p for p, n in t.pos.items() if n >= 0.1 * t.count} for k, t in tallies.items()}
    multi: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for k in tallies:
        words = k.split(" ")
        if len(words) > 1:
            multi[words[0]].append((k, words[1:]))
    seen: Counter = Counter()
    for doc in docs:
        for tok in doc:
            if tok.is_space:
                continue
            if tok.is_punct:
                if tok.text == "-" and not tok.whitespace_:
                    continue  # the hyphen of a compound word, not a dash
                char = _DASHES.get(tok.text, tok.text)
                if char in tallies:
                    seen[char] += 1
                continue
            lemma = _lemma(tok)
            if lemma in tallies and _pos_group(tok) in pos_ok[lemma]:
                seen[lemma] += 1
            if lemma in multi:
                kids = Counter(_key_parts(tok, None)[1:])
                for k, words in multi[lemma]:
                    if not Counter(words) - kids:
                        seen[k] += 1

    cues = []
    for key, t in tallies.items():
        rate = min(1.0, t.count / seen[key]) if seen[key] else 1.0
        if not (t.count >= min_count or (t.count >= 2 and rate >= 0.3)):
            continue
        pos = "MULTI" if " " in key else t.pos.most_common(1)[0][0]
        total = sum(t.roles.values())
        roles = tuple(r for r, n in t.roles.most_common(4) if n >= 0.05 * total)
        cues.append(Cue(key, pos, kind_of(key), t.count, round(rate, 3), roles))
    cues.sort(key=_kind_order)
    return cues


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mine_cues(train_path: Path, nlp, min_count: int = 3) -> list[Cue]:
    """Mine the cue lexicon from an attribution JSONL file (PolNeAR format).

    Keeps every key used at least `min_count` times, and every key used at
    least twice that is a cue in at least 30% of its occurrences.
    """
    articles = read_jsonl(Path(train_path))
    docs = list(nlp.pipe((a["text"] for a in articles), batch_size=16))
    return _mine(articles, docs, min_count=min_count)


def header_for(train_path: Path, nlp, n_articles: int, n_attributions: int) -> str:
    """The comment header of a regenerated cues.tsv: how, from what, when, with what."""
    import datetime
    import textwrap

    import spacy

    meta = nlp.meta
    return f"""\
Attribution cue lexicon of saidwhen: one row per cue key, read by pipeline.lexicon.load_cues().
Mined {datetime.date.today().isoformat()} by pipeline.lexicon.mine_cues from {Path(train_path).name}
({n_articles} articles, {n_attributions} gold attributions), the train split of PolNeAR v1.0.0
(political news attribution corpus; the dev split was not used), parsed with spaCy {spacy.__version__}
and {meta.get("lang")}_{meta.get("name")} {meta.get("version")} with the project's line-break rule.
Regenerate: python -m pipeline.lexicon --train PATH/TO/polnear/train.jsonl --out pipeline/lexicon/cues.tsv
Key: the head of each gold cue span, lemmatised (auxiliaries, negation, adverbs and dates dropped;
copula -> predicate, "went on to say" -> say, light verb -> its noun: "expressed concern" -> concern);
a verb keeps its particles and cue-final prepositions ("point out", "call for", "according to");
a noun inside a verbal cue ("said in a statement") also counts as a use of that noun.
Kinds: {textwrap.fill(KIND_RULE, 100, subsequent_indent="  ")}
train_count: gold attributions with this cue. train_rate: train_count / occurrences of the key in the
train texts (same lemma and part of speech; MULTI: the lemma governing those particles) = precision.
content: roles, relative to the cue head, of the dependents overlapping the gold content, most frequent
first (ccomp, xcomp, dobj, prep:X; colon = after a colon; gov = the clause the cue hangs on, as in
"according to X, Y"; same_sent / other_sent = elsewhere in the sentence / in another sentence).
Kept: train_count >= 3, or >= 2 with train_rate >= 0.3. Sorted by kind, then train_count descending."""


def main(argv: list[str] | None = None) -> None:
    """Regenerate cues.tsv from a PolNeAR-format train file."""
    import argparse

    from pipeline.nlp import load_model

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "lexicon" / "cues.tsv")
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args(argv)
    nlp = load_model()
    articles = read_jsonl(args.train)
    cues = mine_cues(args.train, nlp, min_count=args.min_count)
    n_att = sum(len(a.get("attributions", [])) for a in articles)
    write_cues(cues, args.out, header_for(args.train, nlp, len(articles), n_att))
    print(f"{len(cues)} cues -> {args.out}")


if __name__ == "__main__":
    main()
