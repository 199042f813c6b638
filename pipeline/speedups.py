"""Faster ways to run two of the model's own components, with the same annotations (part of the nlp stage).

1. The attribute ruler. The attribute_ruler of a spaCy pipeline (in
   en_core_web_sm: the tag map and its exceptions, 179 patterns) runs a
   `Matcher` over every token of every document: about a tenth of the model's
   time, spent on patterns as simple as "TAG is NN" or "LOWER is 'gon', then
   LOWER is 'na'". `IndexedRulerMatch` answers one-token patterns from
   dictionaries (by word, or once per combination of tag, label and flags),
   longer ones with numpy comparisons over the whole `Doc`, and leaves any
   pattern it cannot answer exactly (operators, predicates other than
   equality, IN, NOT_IN and REGEX, attributes it does not read) to a
   `Matcher` of its own. It replaces only the ruler's `match`: its result is
   the one `AttributeRuler.match` returns, the same (rule, match, start, end)
   tuples in the same order, and the ruler's own `set_annotations` applies
   them, later rules winning as before.

2. The rule lemmatizer. spaCy's rule `Lemmatizer` walks every token in
   Python and caches only part of its answers. A rule lemma is a function of
   the word, its POS and its morphology; `MemoLemmatizer` remembers it for
   every such triple and sets the lemmas of a `Doc` in one `from_array`,
   calling the lemmatizer's own `lemmatize` for each triple once.

tests/test_nlp.py checks every annotation against the untouched components.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

# Token attributes read from `Doc.to_array` (TEXT is spaCy's alias of ORTH).
ARRAY_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "TAG": "TAG", "POS": "POS",
               "DEP": "DEP", "LEMMA": "LEMMA", "IS_SPACE": "IS_SPACE", "IS_PUNCT": "IS_PUNCT",
               "IS_ALPHA": "IS_ALPHA", "IS_DIGIT": "IS_DIGIT"}
FLAGS = {"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT"}
# Attributes that name the word itself, not a class of words.
WORD_COLUMNS = {"ORTH", "LOWER", "NORM", "LEMMA"}
# Entries a per-word memo keeps before it starts again (a few tens of MB at most).
MAX_REMEMBERED = 500_000


@dataclass(frozen=True, eq=False)
class Test:
    """One token attribute test: `column` value in `values` (or not in them), or matching `regex`."""

    column: str
    values: numpy.ndarray | None = None
    negated: bool = False
    regex: re.Pattern | None = None

    @functools.cached_property
    def value_set(self) -> frozenset[int]:
        return frozenset(self.values.tolist()) if self.values is not None else frozenset()


def token_tests(spec: dict, strings) -> list[Test] | None:
    """The tests of one Matcher token spec, or None when they cannot be answered from arrays exactly."""
    tests = []
    for key, value in spec.items():
        column = ARRAY_ATTRS.get(key.upper())
        if column is None:  # OP, _, ENT_TYPE, MORPH, LENGTH, ...
            return None
        if column in FLAGS:
            if not isinstance(value, bool):
                return None
            tests.append(Test(column, numpy.array([int(value)], dtype="uint64")))
        elif isinstance(value, str):
            tests.append(Test(column, numpy.array([strings.add(value)], dtype="uint64")))
        elif isinstance(value, dict) and len(value) == 1:
            (predicate, argument), = value.items()
            if predicate in ("IN", "NOT_IN") and isinstance(argument, list) \
                    and all(isinstance(v, str) for v in argument):
                values = numpy.array([strings.add(v) for v in argument], dtype="uint64")
                tests.append(Test(column, values, negated=predicate == "NOT_IN"))
            elif predicate == "REGEX" and isinstance(argument, str):
                tests.append(Test(column, regex=re.compile(argument)))
            else:
                return None
        else:
            return None
    return tests


class IndexedRulerMatch:
    """A drop-in `match` for an `AttributeRuler`; see the module docstring."""

    def __init__(self, ruler: AttributeRuler):
        strings = ruler.vocab.strings
        # (rule, match id, pattern as one test list per token, values the Doc must hold for it to match)
        self.indexed: list[tuple[int, int, list[list[Test]], list[tuple[str, frozenset[int]]]]] = []
        self.matchers: list[Matcher] = []
        for rule in range(len(ruler.attrs)):
            match_id = strings.add(str(rule))
            for pattern in ruler.matcher.get(match_id)[1]:
                tokens = [token_tests(spec, strings) for spec in pattern]
                if pattern and all(tests is not None for tests in tokens):
                    needs = [(test.column, frozenset(test.values.tolist())) for tests in tokens for test in tests
                             if test.values is not None and not test.negated]
                    self.indexed.append((rule, match_id, tokens, needs))
                else:
                    matcher = Matcher(ruler.vocab)
                    matcher.add(match_id, [pattern])
                    self.matchers.append(matcher)
        # One-token patterns are answered per token from dictionaries. Those
        # that test a word ("LOWER is 'the'") are looked up by that word; those
        # that test only tags, labels and flags ("TAG is NN") match the same for
        # every token with the same tag, label and flags, computed once per
        # combination. One-token patterns with a regular expression or a
        # negation on a word stay with the longer patterns.
        self.by_word: dict[tuple[str, int], list[tuple[int, int, list[Test]]]] = defaultdict(list)
        self.by_class: list[tuple[int, int, list[Test]]] = []
        longer = []
        for rule, match_id, tokens, needs in self.indexed:
            tests = tokens[0]
            word = next((t for t in tests if t.column in WORD_COLUMNS and t.regex is None and not t.negated), None)
            if len(tokens) > 1 or (word is None and any(t.column in WORD_COLUMNS for t in tests)):
                longer.append((rule, match_id, tokens, needs))
            elif word is not None:
                for value in word.value_set:
                    self.by_word[(word.column, value)].append((rule, match_id, [t for t in tests if t is not word]))
            else:
                self.by_class.append((rule, match_id, tests))
        self.indexed = longer
        self.word_columns = sorted({column for column, _ in self.by_word})
        self.class_columns = sorted({test.column for *_, tests in self.by_class for test in tests})
        tested = {test.column for _, _, tokens, _ in self.indexed for tests in tokens for test in tests}
        tested |= {test.column for entries in self.by_word.values() for *_, tests in entries for test in tests}
        self.columns = sorted(tested | set(self.word_columns) | set(self.class_columns))
        self._class_of: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        self._regex_cache: dict[tuple[str, int], bool] = {}

    def _holds(self, strings, value: int, test: Test) -> bool:
        if test.regex is not None:
            key = (test.regex.pattern, value)
            if key not in self._regex_cache:
                if len(self._regex_cache) > MAX_REMEMBERED:
                    self._regex_cache.clear()  # one entry per word seen: bounded on any corpus
                self._regex_cache[key] = bool(test.regex.search(strings[value] if value else ""))
            return self._regex_cache[key]
        return (value in test.value_set) != test.negated

    def _class_matches(self, strings, key: tuple[int, ...]) -> list[tuple[int, int]]:
        """(rule, match id) of the tag-and-flag patterns a token with these values matches."""
        found = self._class_of.get(key)
        if found is None:
            value = dict(zip(self.class_columns, key, strict=True))
            found = [(rule, match_id) for rule, match_id, tests in self.by_class
                     if all(self._holds(strings, value[test.column], test) for test in tests)]
            self._class_of[key] = found
        return found

    def _passes(self, doc: Doc, column: numpy.ndarray, test: Test) -> numpy.ndarray:
        if test.regex is not None:
            unique, inverse = numpy.unique(column, return_inverse=True)
            found = [self._holds(doc.vocab.strings, value, test) for value in unique.tolist()]
            return numpy.array(found, dtype=bool)[inverse]
        if len(test.values) == 1:
            passes = column == test.values[0]
        else:
            passes = numpy.isin(column, test.values)
        return ~passes if test.negated else passes

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        size = len(doc)
        if not size:
            return []
        matches = []
        strings = doc.vocab.strings
        column = {}
        if self.columns:
            table = doc.to_array(self.columns).reshape(size, len(self.columns)).astype("uint64")
            column = {name: table[:, k] for k, name in enumerate(self.columns)}
        if self.by_class:
            keys = (zip(*[column[name].tolist() for name in self.class_columns], strict=True)
                    if self.class_columns else [()] * size)
            for i, key in enumerate(keys):
                matches.extend((rule, match_id, i, i + 1) for rule, match_id in self._class_matches(strings, key))
        for word_column in self.word_columns:
            for i, value in enumerate(column[word_column].tolist()):
                for rule, match_id, tests in self.by_word.get((word_column, value), ()):
                    if all(self._holds(strings, int(column[test.column][i]), test) for test in tests):
                        matches.append((rule, match_id, i, i + 1))
        if self.indexed:
            # Most patterns name a word or tag the Doc does not have ("gon", "ai"): skip them unseen.
            present = {name: set(values.tolist()) for name, values in column.items()}
            for rule, match_id, tokens, needs in self.indexed:
                length = len(tokens)
                if length > size or any(present[name].isdisjoint(values) for name, values in needs):
                    continue
                # A pattern of fixed length matches at i when its k-th token test passes at i + k.
                starts = numpy.ones(size - length + 1, dtype=bool)
                for k, test in ((k, test) for k, tests in enumerate(tokens) for test in tests):
                    starts &= self._passes(doc, column[test.column], test)[k : size - length + 1 + k]
                    if not starts.any():
                        break
                matches.extend((rule, match_id, i, i + length) for i in numpy.flatnonzero(starts).tolist())
        for matcher in self.matchers:
            matches.extend((int(strings[m]), m, s, e) for m, s, e in matcher(doc, allow_missing=True, as_spans=False))
        matches.sort()
        return matches


def index_attribute_rulers(nlp: Language) -> None:
    """Give every `AttributeRuler` in `nlp` an `IndexedRulerMatch`: the same annotations in a fraction of the time."""
    for _, component in nlp.pipeline:
        if type(component) is AttributeRuler and component.attrs:
            component.match = IndexedRulerMatch(component)


class MemoLemmatizer:
    """Mixed into a rule `Lemmatizer`'s class by `memo_lemmatizers`; see the module docstring."""

    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:
            self._validate_tables(Errors.E1004)
        memo = self.__dict__.setdefault("_saidwhen_lemmas", {})
        if len(memo) > MAX_REMEMBERED:
            memo.clear()
        table = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"])
        lemmas = table[:, 3].tolist()
        strings = doc.vocab.strings
        changed = False
        for i, key in enumerate(zip(table[:, 0].tolist(), table[:, 1].tolist(), table[:, 2].tolist(), strict=True)):
            if self.overwrite or lemmas[i] == 0:
                lemma = memo.get(key)
                if lemma is None:
                    lemma = memo[key] = self.lemmatize(doc[i])[0]
                lemmas[i] = strings.add(lemma)
                changed = True
        if changed:
            table[:, 3] = lemmas
            doc.from_array(["LEMMA"], table[:, 3:4])
        return doc


def memo_lemmatizers(nlp: Language) -> None:
    """Make every rule `Lemmatizer` in `nlp` a `MemoLemmatizer` (same lemmas, a fraction of the time)."""
    for _, component in nlp.pipeline:
        if isinstance(component, Lemmatizer) and component.mode == "rule" \
                and not isinstance(component, MemoLemmatizer):
            component.__class__ = type(f"Memo{type(component).__name__}", (MemoLemmatizer, type(component)), {})
