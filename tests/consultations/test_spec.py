"""Reading the consultation JSON spec: its shape, with each problem at its path (consult/consultations/spec.py).

Pure: no database and no app. The rules the services enforce (slug, window, weights, vote settings, priorities)
are tested through the import command in test_consultation_import.py."""

import copy
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from consult.consultations.spec import SpecError, read_spec

SPEC = {
    "slug": "older-people-2027", "default_locale": "en",
    "title": {"en": "Older people's services", "cy": "  Gwasanaethau pobl hŷn  "},
    "opens_at": "2027-01-10T09:00:00+00:00", "closes_at": "2027-03-31T17:00:00+01:00",
    "localities": [{"code": "PET", "name": {"en": "Peterlee"}, "population": 20000}, {"code": "SEA"}],
    "stakeholder_groups": [{"code": "carer", "name": {"en": "Carers"}, "weight": 2}, {"code": "gp"}],
    "vote": {"method": "points", "points_budget": 10,
             "priorities": [{"code": "P01", "title": {"en": "Night sitting"}, "cost": 25000.5},
                            {"code": "P02", "title": {"en": "Day centre"}, "description": {"cy": "Canolfan"}}]},
}


def read(spec=None, **changes):
    spec = copy.deepcopy(SPEC if spec is None else spec)
    spec.update(changes)
    return read_spec(spec, locales=["en", "cy", "ur"], default_locale="en")


def test_a_good_spec_is_read_into_plain_values():
    spec = read()
    assert (spec.slug, spec.default_locale) == ("older-people-2027", "en")
    assert spec.title == {"en": "Older people's services", "cy": "Gwasanaethau pobl hŷn"}  # trimmed
    assert spec.summary == {} and spec.easy_read == {}
    assert spec.opens_at == datetime(2027, 1, 10, 9, tzinfo=timezone.utc)
    assert spec.closes_at.utcoffset().total_seconds() == 3600
    assert [(r.path, r.code, r.name, r.number) for r in spec.localities] == [
        ("localities[0]", "PET", {"en": "Peterlee"}, 20000), ("localities[1]", "SEA", {}, None)]
    assert [(r.code, r.number) for r in spec.stakeholder_groups] == [("carer", 2.0), ("gp", None)]
    vote = spec.vote
    assert (vote.method, vote.weighting, vote.points_budget, vote.max_choices) == ("points", "group_shares", 10, None)
    assert [(p.path, p.code, p.cost) for p in vote.priorities] == [
        ("vote.priorities[0]", "P01", Decimal("25000.5")), ("vote.priorities[1]", "P02", None)]
    assert vote.priorities[1].description == {"cy": "Canolfan"}


def test_the_default_language_comes_from_the_app_when_the_spec_gives_none():
    spec = copy.deepcopy(SPEC)
    del spec["default_locale"]
    spec["title"] = {"cy": "Teitl"}
    assert read_spec(spec, locales=["en", "cy"], default_locale="cy").default_locale == "cy"


def test_vote_may_be_left_out():
    spec = copy.deepcopy(SPEC)
    del spec["vote"]
    assert read(spec).vote is None


@pytest.mark.parametrize("changes, path, words", [
    ({"colour": "blue"}, "", "unknown key 'colour'"),
    ({"default_locale": "fr"}, "default_locale", "'fr' is not an enabled language"),
    ({"slug": 7}, "slug", "web address name"),
    ({"title": "Older people"}, "title", "language code to text"),
    ({"title": {"en": "  "}}, "title", "at least one language"),
    ({"title": {"fr": "Bonjour"}}, "title", "language 'fr' is not enabled"),
    ({"title": {"cy": "Dim ond Cymraeg"}}, "title", "default language 'en'"),
    ({"summary": ["a"]}, "summary", "language code to text"),
    ({"opens_at": 20270110}, "opens_at", "ISO 8601"),
    ({"opens_at": "soon"}, "opens_at", "is not an ISO 8601"),
    ({"closes_at": "2027-03-31T17:00:00"}, "closes_at", "give a time zone"),
    ({"localities": []}, "localities", "non-empty list"),
    ({"localities": {"code": "PET"}}, "localities", "non-empty list"),
    ({"localities": ["PET"]}, "localities[0]", "code, name and population"),
    ({"localities": [{"code": "PET"}, {"code": "PET"}]}, "localities[1].code", "'PET' appears twice"),
    ({"localities": [{"code": "no spaces"}]}, "localities[0].code", "1 to 32 letters"),
    ({"localities": [{"code": "PET", "population": -1}]}, "localities[0].population", "at least 0"),
    ({"localities": [{"code": "PET", "population": 2.5}]}, "localities[0].population", "whole number"),
    ({"localities": [{"code": "PET", "population": True}]}, "localities[0].population", "whole number"),
    ({"stakeholder_groups": [{"code": "carer", "weight": "heavy"}]}, "stakeholder_groups[0].weight", "a number"),
    ({"stakeholder_groups": [{"code": "carer", "weight": False}]}, "stakeholder_groups[0].weight", "a number"),
    ({"vote": []}, "vote", "expected an object"),
    ({"vote": {"method": "ranking", "ballot": "x", "priorities": []}}, "vote", "unknown key 'ballot'"),
    ({"vote": {"method": 3, "priorities": []}}, "vote.method", "how people vote"),
    ({"vote": {"method": "ranking", "weighting": None, "priorities": []}}, "vote.weighting", "weighted"),
    ({"vote": {"method": "ranking", "priorities": []}}, "vote.priorities", "non-empty list"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}}]}}, "vote.priorities",
     "at least two"),
    ({"vote": {"method": "ranking", "priorities": ["A", "B"]}}, "vote.priorities[0]", "code and title"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}},
                                                   {"code": "A", "title": {"en": "b"}}]}},
     "vote.priorities[1].code", "appears twice"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}, "cost": "lots"},
                                                   {"code": "B", "title": {"en": "b"}}]}},
     "vote.priorities[0].cost", "an amount"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}, "cost": "NaN"},
                                                   {"code": "B", "title": {"en": "b"}}]}},
     "vote.priorities[0].cost", "an amount"),
    ({"vote": {"method": "ranking", "points_budget": 0, "priorities": [{"code": "A", "title": {"en": "a"}},
                                                                       {"code": "B", "title": {"en": "b"}}]}},
     "vote.points_budget", "at least 1"),
])
def test_each_problem_is_named_by_its_path(changes, path, words):
    with pytest.raises(SpecError) as problem:
        read(**changes)
    assert problem.value.field == path
    assert words in str(problem.value)
    assert str(problem.value).startswith(f"{path}: " if path else words[:5])


def test_the_file_must_hold_one_object():
    with pytest.raises(SpecError, match="one JSON object"):
        read_spec([SPEC], locales=["en"], default_locale="en")
