"""Where stakeholder groups disagree: the pure rule, its open data (checked by `results verify`), the results page."""

import copy

import pytest

from consult.core.privacy import min_public_count
from consult.extensions import db
from consult.voting.disagreement import disagreement, group_places, places_from_table
from consult.voting.open_data import document_bytes
from consult.voting.open_data_check import OpenDataError, verify
from consult.voting.results import latest_snapshot, open_data
from factories import (
    PASSWORD,
    login,
    make_ballot,
    make_consultation,
    make_locality,
    make_results_snapshot,
    make_stakeholder_group,
    make_user,
)

CODES = ["A", "B", "C", "D"]


def test_each_group_places_the_priorities_by_its_own_points_and_ties_share_a_place():
    places = group_places(CODES, {"carer": {"A": 9, "B": 3, "C": 3, "D": 1}, "user": {"A": 1, "D": 8}},
                          {"carer": 4, "user": 2, "gp": 0})
    assert places == {"carer": {"A": 1, "B": 2, "C": 2, "D": 4}, "user": {"D": 1, "A": 2, "B": 3, "C": 3}}
    # A group without ballots has no places; a table keyed (group, priority) gives the same.
    assert places_from_table(CODES, {("carer", "A"): 9, ("carer", "B"): 3, ("carer", "C"): 3, ("carer", "D"): 1,
                                     ("user", "A"): 1, ("user", "D"): 8}, {"carer": 4, "user": 2}) == places


def test_spread_gap_and_the_priorities_named_widest_first():
    places = {"user": {"A": 1, "B": 2, "C": 3, "D": 4}, "carer": {"A": 4, "B": 2, "C": 1, "D": 3},
              "gp": {"A": 2, "B": 1, "C": 4, "D": 3}}
    d = disagreement(CODES, places, groups=["user", "carer", "gp"], pair=["user", "carer"])
    rows = {r["code"]: r for r in d["priorities"]}
    assert (rows["A"]["highest"], rows["A"]["lowest"], rows["A"]["spread"], rows["A"]["gap"]) == (1, 4, 3, 3)
    assert (rows["B"]["spread"], rows["B"]["gap"]) == (1, 0)
    assert (rows["C"]["spread"], rows["C"]["gap"]) == (3, -2)  # carers placed it higher
    assert d["widest"] == ["A", "C"]  # spread 3 each, in the priorities' order; D and B are within one place
    assert d["pair_widest"] == ["A", "C"]
    assert d["groups"] == ["user", "carer", "gp"] and d["pair"] == ["user", "carer"]


def test_nothing_is_named_with_one_group_and_no_pair_without_both_groups():
    d = disagreement(CODES, {"user": {"A": 1, "B": 2, "C": 3, "D": 4}}, pair=["user", "carer"])
    assert d["pair"] is None and d["widest"] == [] and d["pair_widest"] == []
    assert all(r["spread"] == 0 and r["gap"] is None for r in d["priorities"])


def _voted(groups_ballots):
    """A published approval vote on P1..P3 by the given groups: {group code: [(approved codes), ...]}."""
    place = make_locality(population=10_000)
    groups = {code: make_stakeholder_group(code=code, name={"en": code.title()}) for code in groups_ballots}
    consultation = make_consultation(localities=[place], groups=list(groups.values()), status="closed",
                                     vote={"method": "approval", "priorities": ["P1", "P2", "P3"]})
    for code, ballots in groups_ballots.items():
        for approved in ballots:
            make_ballot(consultation, dict.fromkeys(approved, 1), group=groups[code], locality=place)
    make_results_snapshot(consultation, resamples=20)
    consultation.status = "published"
    db.session.flush()
    return consultation


def test_open_data_says_where_groups_disagree_and_verify_recomputes_it(app):
    consultation = _voted({"service_user": [("P1",)] * 6, "carer": [("P3",)] * 6, "gp": [("P2",)] * 3,
                           "provider": [("P2",)] * 3})
    document = open_data(consultation, min_public_count())
    assert document["schema_version"] == 2
    d = document["disagreement"]
    # The GPs and providers (3 ballots each) are pooled in the open data, so they are not compared.
    assert d["groups"] == ["service_user", "carer"] and d["pair"] == ["service_user", "carer"]
    rows = {r["code"]: r for r in d["priorities"]}
    assert rows["P1"]["places"] == {"service_user": 1, "carer": 2} and rows["P3"]["gap"] == 1 - 2
    assert verify(document) == []
    tampered = copy.deepcopy(document)
    tampered["disagreement"]["priorities"][0]["places"]["carer"] = 1
    assert [m.figure for m in verify(tampered)] == ["where groups disagree"]
    tampered["disagreement"]["pair"] = "carer"
    with pytest.raises(OpenDataError):
        verify(tampered)


def test_open_data_of_results_taken_before_the_pair_was_kept_never_changes(app):
    consultation = _voted({"service_user": [("P1",)] * 6, "carer": [("P3",)] * 6})
    snapshot = latest_snapshot(consultation)
    data = dict(snapshot.data)
    data.pop("compare")
    data["version"] = 2
    snapshot.data = data
    db.session.flush()
    document = open_data(consultation, min_public_count())
    # A version 2 snapshot's file is exactly what it was: no new key, the old schema, so its fingerprint holds.
    assert document["schema_version"] == 1 and "disagreement" not in document
    assert b"disagreement" not in document_bytes(document) and verify(document) == []


def test_the_results_page_shows_where_groups_disagree_to_staff_and_the_public(client):
    consultation = _voted({"service_user": [("P1",)] * 6, "carer": [("P3", "P2")] * 6, "gp": [("P2",)] * 3,
                           "provider": [("P1",)] * 3})
    db.session.commit()
    public = client.get(f"/c/{consultation.slug}/results").get_data(as_text=True)
    assert 'id="disagreement-table"' in public
    assert 'data-figure="disagreement.P1.service_user">1<' in public
    assert 'data-figure="disagreement.P1.carer">3<' in public  # carers approved P2 and P3 only
    assert 'data-figure="disagreement.P1.gp"' not in public  # 3 GPs: too few to show on their own
    assert "Service_User and Carer differ on P1" not in public  # names, not codes
    admin = make_user(role="admin")
    db.session.commit()
    login(client, admin, PASSWORD)
    staff = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert 'data-figure="disagreement.P1.gp">2<' in staff  # staff see every group
