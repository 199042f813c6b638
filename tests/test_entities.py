import pytest

from pipeline.entities import actor_key, find_mentions, fold, person_parts


@pytest.mark.parametrize(
    "a, b",
    [
        ("Sergei Lavrov", "Sergey Lavrov"),
        ("Volodymyr Zelenskiy", "Volodymyr Zelensky"),
        ("Volodymyr Zelensky", "Volodymyr Zelenskyy"),
        ("Viktor Orbán", "Viktor Orban"),
        ("Mr. Kęstutis Budrys", "Kestutis Budrys"),
    ],
)
def test_spelling_variants_share_an_actor_id(a, b):
    assert actor_key(a, "PERSON") == actor_key(b, "PERSON")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hillary Clinton", "Bill Clinton"),
        ("Marco Rubio", "Marco Polo"),
        ("Sergei Lavrov", "Sergei Ryabkov"),
    ],
)
def test_different_people_get_different_ids(a, b):
    assert actor_key(a, "PERSON") != actor_key(b, "PERSON")


@pytest.mark.parametrize(
    "name, label, expected",
    [
        ("the United States", "GPE", "gpe:united-states"),
        ("U.S.", "GPE", "gpe:united-states"),
        ("EU", "ORG", "org:european-union"),
        ("the Russian Foreign Ministry", "ORG", "org:russian-foreign-ministry"),
    ],
)
def test_organisation_and_place_aliases(name, label, expected):
    assert actor_key(name, label) == expected


@pytest.mark.parametrize(
    "name, first, last",
    [("Mr Trump", "", "Trump"), ("Sergei Lavrov", "Sergei", "Lavrov"), ("Mr Lavrov’s", "", "Lavrov")],
)
def test_person_parts_drop_titles_and_possessives(name, first, last):
    assert person_parts(name) == (first, last)


def test_fold_is_spelling_insensitive():
    assert fold("Zelenskyy") == fold("Zelenskiy") == fold("Zelensky")


def test_surname_and_honorific_mentions_join_the_full_name(nlp):
    doc = nlp("Foreign minister Anna Kowalska arrived on Monday. Mr Kowalska met reporters, and Kowalska left.")
    keys = {m.text: m.key for m in find_mentions(doc) if m.label == "PERSON"}
    assert keys["Anna Kowalska"] == keys["Kowalska"]
    assert len(set(keys.values())) == 1


def test_bare_surname_tagged_org_becomes_the_person(nlp):
    doc = nlp("Donald Trump spoke on Monday. Later, Trump said the talks were over.")
    persons = [m for m in find_mentions(doc) if m.text == "Trump"]
    assert persons and all(m.label == "PERSON" and m.key == actor_key("Donald Trump", "PERSON") for m in persons)
