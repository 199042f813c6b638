"""The model's attribute ruler, matched with array operations (part of the nlp stage).

The attribute_ruler of a spaCy pipeline (in en_core_web_sm: the tag map and
its exceptions, 179 patterns) runs a `Matcher` over every token of every
document: about a tenth of the model's time, spent on patterns as simple as
"TAG is NN" or "LOWER is 'gon', then LOWER is 'na'". `IndexedRulerMatch`
answers such patterns with one numpy comparison per token test over the
whole `Doc`, and leaves any pattern it cannot answer exactly (operators,
predicates other than equality, IN, NOT_IN and REGEX, attributes it does not
read) to a `Matcher` of its own.

It replaces only the ruler's `match`. Its result is the one
`AttributeRuler.match` returns, the same (rule, match, start, end) tuples in
the same order, and the ruler's own `set_annotations` applies them, later
rules winning as before. tests/test_nlp.py checks the annotations against the
untouched model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# Token attributes read from `Doc.to_array` (TEXT is spaCy's alias of ORTH).
ARRAY_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "TAG": "TAG", "POS": "POS",
               "DEP": "DEP", "LEMMA": "LEMMA", "IS_SPACE": "IS_SPACE", "IS_PUNCT": "IS_PUNCT",
               "IS_ALPHA": "IS_ALPHA", "IS_DIGIT": "IS_DIGIT"}
FLAGS = {"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT"}


@dataclass(frozen=True)
class Test:
    """One token attribute test: `column` value in `values` (or not in them), or matching `regex`."""

    column: str
    values: numpy.ndarray | None = None
    negated: bool = False
    regex: re.Pattern | None = None


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
        # (rule, match id, pattern as one test list per token)
        self.indexed: list[tuple[int, int, list[list[Test]]]] = []
        self.matchers: list[Matcher] = []
        for rule in range(len(ruler.attrs)):
            match_id = strings.add(str(rule))
            for pattern in ruler.matcher.get(match_id)[1]:
                tokens = [token_tests(spec, strings) for spec in pattern]
                if pattern and all(tests is not None for tests in tokens):
                    self.indexed.append((rule, match_id, tokens))
                else:
                    matcher = Matcher(ruler.vocab)
                    matcher.add(match_id, [pattern])
                    self.matchers.append(matcher)
        self.columns = sorted({test.column for *_, tokens in self.indexed for tests in tokens for test in tests})
        self._regex_cache: dict[tuple[str, int], bool] = {}

    def _passes(self, doc: Doc, column: numpy.ndarray, test: Test) -> numpy.ndarray:
        if test.regex is not None:
            strings = doc.vocab.strings
            unique, inverse = numpy.unique(column, return_inverse=True)
            found = []
            for value in unique.tolist():
                key = (test.regex.pattern, value)
                if key not in self._regex_cache:
                    self._regex_cache[key] = bool(test.regex.search(strings[value] if value else ""))
                found.append(self._regex_cache[key])
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
        if self.indexed:
            table = doc.to_array(self.columns).reshape(size, len(self.columns)).astype("uint64")
            column = {name: table[:, k] for k, name in enumerate(self.columns)}
            for rule, match_id, tokens in self.indexed:
                length = len(tokens)
                if length > size:
                    continue
                # A pattern of fixed length matches at i when its k-th token test passes at i + k.
                starts = numpy.ones(size - length + 1, dtype=bool)
                for k, test in ((k, test) for k, tests in enumerate(tokens) for test in tests):
                    starts &= self._passes(doc, column[test.column], test)[k : size - length + 1 + k]
                    if not starts.any():
                        break
                matches.extend((rule, match_id, i, i + length) for i in numpy.flatnonzero(starts).tolist())
        strings = doc.vocab.strings
        for matcher in self.matchers:
            matches.extend((int(strings[m]), m, s, e) for m, s, e in matcher(doc, allow_missing=True, as_spans=False))
        matches.sort()
        return matches


def index_attribute_rulers(nlp: Language) -> None:
    """Give every `AttributeRuler` in `nlp` an `IndexedRulerMatch`: the same annotations in a fraction of the time."""
    for _, component in nlp.pipeline:
        if type(component) is AttributeRuler and component.attrs:
            component.match = IndexedRulerMatch(component)
