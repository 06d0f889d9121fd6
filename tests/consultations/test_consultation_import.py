"""The stable `consultation import` / `consultation list` commands (DESIGN section 8)."""

import json

import pytest
from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from factories import make_locality, make_stakeholder_group

SPEC = {
    "slug": "older-people-2027", "default_locale": "en",
    "title": {"en": "Older people's services 2027/28", "cy": "Gwasanaethau pobl hŷn 2027/28"},
    "opens_at": "2027-01-10T09:00:00+00:00", "closes_at": "2027-03-31T17:00:00+00:00",
    "localities": [{"code": "PET", "name": {"en": "Peterlee"}, "population": 20000}],
    "stakeholder_groups": [{"code": "carer", "name": {"en": "Carers"}, "weight": 2.0}],
    "vote": {"method": "points", "points_budget": 10, "max_choices": None, "weighting": "group_shares",
             "priorities": [{"code": "P01", "title": {"en": "Night sitting"}, "cost": 25000},
                            {"code": "P02", "title": {"en": "Day centre"}}]},
}


@pytest.fixture
def run(app, tmp_path):
    runner = app.test_cli_runner()

    def invoke(spec, *args):
        path = tmp_path / "spec.json"
        path.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
        return runner.invoke(args=["consultation", "import", str(path), *args])

    return invoke


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_the_consultation_and_prints_its_slug(run):
    result = run(SPEC)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "older-people-2027"
    c = db.session.scalar(select(Consultation))
    assert c.title["cy"] == "Gwasanaethau pobl hŷn 2027/28" and c.status == "draft"
    assert [loc.code for loc in c.localities] == ["PET"] and c.localities[0].population == 20000
    assert c.weights() == {"carer": 2.0}
    assert (c.vote.method, c.vote.points_budget, c.vote.weighting) == ("points", 10, "group_shares")
    assert [p.code for p in c.vote.priorities] == ["P01", "P02"]
    assert c.vote.priorities[0].cost == 25000 and c.vote.priorities[1].cost is None


def test_existing_localities_and_groups_are_matched_by_code_and_weights_are_the_consultations_own(run):
    make_locality(code="PET", name={"en": "Old name"}, population=1)
    make_stakeholder_group(code="carer", weight=1.0)
    db.session.commit()
    assert run(SPEC).exit_code == 0
    assert count(Locality) == 1 and count(StakeholderGroup) == 1
    carer = db.session.scalar(select(StakeholderGroup))
    assert carer.weight == 1.0  # the group's default weight is untouched
    assert db.session.scalar(select(Consultation)).weights() == {"carer": 2.0}


def test_vote_may_be_left_out(run):
    spec = {k: v for k, v in SPEC.items() if k != "vote"}
    assert run(spec).exit_code == 0
    assert db.session.scalar(select(Consultation)).vote is None


@pytest.mark.parametrize("change, message", [
    ({"slug": "Bad Slug"}, "slug"),
    ({"title": {"cy": "Dim ond Cymraeg"}}, "title: give the title in the default language"),
    ({"title": {"fr": "Bonjour"}}, "language 'fr' is not enabled"),
    ({"opens_at": "2027-01-10"}, "opens_at: give a time zone"),
    ({"opens_at": "not a date"}, "opens_at"),
    ({"closes_at": "2026-01-10T09:00:00+00:00"}, "closes_at: The closing date must be after the opening date"),
    ({"localities": []}, "localities: expected a non-empty list"),
    ({"localities": [{"code": "PET", "name": {"en": "P"}, "population": -1}]}, "population"),
    ({"localities": [{"code": "NEW", "population": 5}]}, "localities[0].name"),
    ({"stakeholder_groups": [{"code": "carer", "name": {"en": "C"}, "weight": "heavy"}]}, "weight"),
    ({"vote": {"method": "lottery", "priorities": [{"code": "A", "title": {"en": "a"}},
                                                   {"code": "B", "title": {"en": "b"}}]}}, "vote.method"),
    ({"vote": {"method": "points", "points_budget": 1001, "priorities": [{"code": "A", "title": {"en": "a"}},
                                                                         {"code": "B", "title": {"en": "b"}}]}},
     "vote.points_budget: Enter the points each person may spread, from 1 to 1,000"),
    ({"vote": {"method": "ranking", "max_choices": 101, "priorities": [{"code": "A", "title": {"en": "a"}},
                                                                       {"code": "B", "title": {"en": "b"}}]}},
     "vote.max_choices: The most choices must be between 1 and 100"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"cy": "Cymraeg yn unig"}},
                                                   {"code": "B", "title": {"en": "b"}}]}},
     "vote.priorities[0].title: Enter a title in English"),
    ({"stakeholder_groups": [{"code": "carer", "name": {"en": "C"}, "weight": 1001}]},
     "stakeholder_groups[0].weight"),
    ({"vote": {"method": "points", "priorities": [{"code": "A", "title": {"en": "a"}},
                                                  {"code": "B", "title": {"en": "b"}}]}}, "points_budget"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}},
                                                   {"code": "A", "title": {"en": "b"}}]}}, "appears twice"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}}]}}, "at least two"),
    ({"vote": {"method": "ranking", "priorities": [{"code": "A", "title": {"en": "a"}, "cost": -5},
                                                   {"code": "B", "title": {"en": "b"}}]}}, "cost"),
    ({"colour": "blue"}, "unknown key 'colour'"),
])
def test_bad_specs_exit_non_zero_with_a_clear_message_and_store_nothing(run, change, message):
    result = run({**SPEC, **change})
    assert result.exit_code != 0
    assert message in result.output
    assert count(Consultation) == 0 and count(Locality) == 0 and count(StakeholderGroup) == 0


def test_not_json_and_duplicate_slug(run):
    result = run("{ nope")
    assert result.exit_code != 0 and "not valid JSON" in result.output
    assert run(SPEC).exit_code == 0
    again = run(SPEC)
    assert again.exit_code != 0 and "already exists" in again.output
    assert count(Consultation) == 1


def test_missing_file(app):
    result = app.test_cli_runner().invoke(args=["consultation", "import", "/no/such/file.json"])
    assert result.exit_code != 0 and "/no/such/file.json" in result.output


def test_list_as_json(run, app):
    run(SPEC)
    result = app.test_cli_runner().invoke(args=["consultation", "list", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == [{"slug": "older-people-2027", "status": "draft",
                                          "title": "Older people's services 2027/28"}]
