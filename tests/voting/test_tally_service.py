"""The SQL aggregation behind the tally agrees with the pure tally on the same ballots; snapshots and JSON."""

import random

import numpy as np
import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.voting.models import ResultsSnapshot
from consult.voting.results import (
    ResultsError,
    aggregate,
    compute_results,
    latest_snapshot,
    point_matrices,
    results_json,
    share_bars,
)
from consult.voting.services.ballots import check_ballot
from consult.voting.tally import SCHEMES, tally_ballots
from factories import make_ballot, make_consultation, make_locality, make_stakeholder_group

CODES = ["P1", "P2", "P3", "P4", "P5"]


def random_values(rng, method, m, budget=10):
    if method == "ranking":
        chosen = rng.sample(CODES, rng.randint(1, m))
        return {code: i + 1 for i, code in enumerate(chosen)}
    if method == "approval":
        return {code: 1 for code in rng.sample(CODES, rng.randint(1, m))}
    values, left = {}, budget
    for code in rng.sample(CODES, rng.randint(1, m)):
        give = rng.randint(1, max(1, left)) if left else 0
        if give:
            values[code] = give
            left -= give
    return values or {CODES[0]: 1}


def election(method, n=120, seed=1):
    """n random ballots over 3 localities and 3 groups (weights 2.5, 1, 0.5); returns what tally_ballots needs."""
    places = [make_locality(), make_locality(), make_locality()]
    groups = [make_stakeholder_group(weight=2.5), make_stakeholder_group(weight=1.0),
              make_stakeholder_group(weight=0.5)]
    vote = {"method": method, "priorities": CODES}
    if method == "points":
        vote["points_budget"] = 10
    consultation = make_consultation(localities=places, groups=groups, vote=vote)
    rng = random.Random(seed)
    cast = []  # (locality code, group code, points)
    for _ in range(n):
        # The last group votes only in the first locality: empty groups must be handled per locality.
        group = rng.choice(groups) if rng.random() < 0.8 else groups[2]
        place = places[0] if group is groups[2] else rng.choice(places)
        values = random_values(rng, method, len(CODES))
        make_ballot(consultation, values, group=group, locality=place)
        cast.append((place.code, group.code, check_ballot(consultation.vote, values)))
    db.session.flush()
    return consultation, cast


def assert_same(ours, theirs):
    assert ours.ballots == theirs.ballots
    assert [p.code for p in ours.priorities] == [p.code for p in theirs.priorities]
    for a, b in zip(ours.priorities, theirs.priorities):
        assert a.rank == b.rank
        assert a.score == pytest.approx(b.score, rel=1e-12, abs=1e-12)
        assert a.share == pytest.approx(b.share, rel=1e-12, abs=1e-12)
        for g, part in b.by_group.items():
            assert a.by_group[g] == pytest.approx(part, rel=1e-12, abs=1e-12)
        # Groups with no ballots here appear with nothing.
        assert all(a.by_group[g] == 0 for g in set(a.by_group) - set(b.by_group))


@pytest.mark.parametrize("method", ["ranking", "approval", "points"])
def test_sql_aggregation_matches_the_pure_tally(app, method):
    consultation, cast = election(method)
    weights = consultation.weights()
    agg = aggregate(consultation)
    for scheme in SCHEMES:
        assert_same(agg.tally(scheme), tally_ballots(CODES, [(g, p) for _, g, p in cast], weights, scheme))
        for place in consultation.localities:
            here = [(g, p) for loc, g, p in cast if loc == place.code]
            assert_same(agg.tally(scheme, place.code), tally_ballots(CODES, here, weights, scheme))
            # The filtered query (the CLI's --locality) gives the same as the per-locality slice.
            filtered = aggregate(consultation, locality_id=place.id).tally(scheme)
            assert_same(filtered, tally_ballots(CODES, here, weights, scheme))


def test_point_matrices_rebuild_every_ballot(app):
    consultation, cast = election("ranking", n=40)
    matrices = point_matrices(consultation, CODES)
    for group in {g for _, g, _ in cast}:
        expected = sorted(tuple(p.get(c, 0) for c in CODES) for _, g, p in cast if g == group)
        assert sorted(map(tuple, matrices[group].astype(int).tolist())) == expected


def test_compute_results_stores_every_scheme_locality_and_interval(app):
    consultation, cast = election("points", n=150, seed=7)
    consultation.vote.weighting = "group_weights"
    summary = compute_results(consultation.id, resamples=1000)
    snapshot = latest_snapshot(consultation)
    assert summary == {"consultation_id": consultation.id, "snapshot_id": snapshot.id, "ballots": 150}
    data = snapshot.data
    assert snapshot.ballots == 150 and data["weighting"] == "group_weights" and data["method"] == "points"
    assert set(data["schemes"]) == set(SCHEMES)
    assert set(data["schemes"]["equal_people"]["localities"]) == {loc.code for loc in consultation.localities}
    assert sum(data["ballots_by_group"].values()) == 150
    assert data["ballots_by_group"] == {g: sum(1 for _, cg, _ in cast if cg == g) for g in data["groups"]}
    assert data["resamples"] == 1000 and data["level"] == 0.9
    for scheme in SCHEMES:
        intervals = data["intervals"][scheme]
        assert set(intervals) == set(CODES)
        for p in data["schemes"][scheme]["overall"]["priorities"]:
            low, high = intervals[p["code"]]
            assert 1 <= low <= high <= len(CODES)
    # Deterministic: the same ballots give the same intervals.
    compute_results(consultation.id)
    again = db.session.scalars(select(ResultsSnapshot).order_by(ResultsSnapshot.id)).all()
    assert len(again) == 2 and again[1].data["intervals"] == data["intervals"]


def test_compute_results_with_no_ballots(app):
    consultation = make_consultation(vote={"method": "ranking", "priorities": ["A", "B"]})
    compute_results(consultation.id)
    data = latest_snapshot(consultation).data
    overall = data["schemes"]["group_shares"]["overall"]
    assert overall["ballots"] == 0 and [p["share"] for p in overall["priorities"]] == [0.0, 0.0]
    assert [p["rank"] for p in overall["priorities"]] == [1, 1]
    assert data["intervals"]["group_shares"] == {"A": [1, 1], "B": [1, 1]}


def test_compute_results_refuses_unknown_consultations(app):
    with pytest.raises(LookupError):
        compute_results(987654)
    survey_only = make_consultation()
    with pytest.raises(ResultsError):
        compute_results(survey_only.id)


def test_results_json_shape_and_what_if(app):
    carer, practitioner = make_stakeholder_group(code="carer", weight=3.0), make_stakeholder_group(code="prac")
    peterlee, seaham = make_locality(code="PET"), make_locality(code="SEA")
    consultation = make_consultation(localities=[peterlee, seaham], groups=[carer, practitioner],
                                     vote={"method": "approval", "weighting": "group_shares",
                                           "priorities": ["A", "B"]})
    make_ballot(consultation, {"A": 1}, group=carer, locality=peterlee)
    for _ in range(3):
        make_ballot(consultation, {"B": 1}, group=practitioner, locality=seaham)
    result = results_json(consultation)
    assert list(result) == ["consultation", "method", "weighting", "locality", "ballots", "ballots_by_group",
                            "priorities"]
    assert result["weighting"] == "group_shares" and result["locality"] is None and result["ballots"] == 4
    assert result["ballots_by_group"] == {"carer": 1, "prac": 3}
    # group_shares: A = 3*1/1 = 3, B = 1*3/3 = 1.
    assert [(p["code"], p["score"], p["rank"]) for p in result["priorities"]] == [("A", 3.0, 1), ("B", 1.0, 2)]
    assert result["priorities"][0] == {"code": "A", "score": 3.0, "share": 0.75, "rank": 1,
                                       "by_group": {"carer": 3.0, "prac": 0.0}}
    # "What if" every ballot counted the same: B wins.
    what_if = results_json(consultation, weighting="equal_people")
    assert [p["code"] for p in what_if["priorities"]] == ["B", "A"]
    local = results_json(consultation, locality="SEA")
    assert local["locality"] == "SEA" and local["ballots_by_group"] == {"carer": 0, "prac": 3}
    with pytest.raises(ResultsError, match="locality 'XXX' is not covered"):
        results_json(consultation, locality="XXX")
    with pytest.raises(ResultsError, match="unknown weighting scheme 'loudest'"):
        results_json(consultation, weighting="loudest")


def test_a_group_that_voted_but_no_longer_takes_part_keeps_its_usual_weight(app):
    consultation = make_consultation(vote={"method": "approval", "priorities": ["A", "B"]})
    leaving = consultation.group_weights[1]
    make_ballot(consultation, {"B": 1}, group=leaving.stakeholder_group)
    consultation.group_weights.remove(leaving)
    db.session.flush()
    result = results_json(consultation, weighting="group_weights")
    code = leaving.stakeholder_group.code
    assert result["ballots_by_group"][code] == 1
    assert result["priorities"][0]["by_group"][code] == leaving.stakeholder_group.weight


def test_share_bars_geometry():
    priorities = [{"code": "A", "score": 6.0, "share": 0.6, "by_group": {"x": 4.0, "y": 2.0}},
                  {"code": "B", "score": 4.0, "share": 0.4, "by_group": {"x": 0.0, "y": 4.0}}]
    chart = share_bars(priorities, ["x", "y"], width=600)
    a, b = chart["bars"]
    assert [s["group"] for s in a["segments"]] == ["x", "y"]
    assert a["end"] == pytest.approx(600) and b["end"] == pytest.approx(400)
    assert a["segments"][0]["width"] == pytest.approx(400) and a["segments"][1]["x"] == pytest.approx(400)
    assert [s["group"] for s in b["segments"]] == ["y"]  # nothing drawn for a zero part
    assert np.isclose(sum(s["share"] for s in a["segments"]), 0.6)
    assert share_bars([], ["x"])["bars"] == []


def test_published_results_are_never_recalculated(app):
    consultation = make_consultation(status="closed", vote={"method": "approval", "priorities": ["A", "B"]})
    make_ballot(consultation, {"A": 1})
    first = compute_results(consultation.id, resamples=20)
    consultation.status = "published"
    make_ballot(consultation, {"B": 1})
    with pytest.raises(ResultsError, match="published, so they stay as published"):
        compute_results(consultation.id, resamples=20)
    assert latest_snapshot(consultation).id == first["snapshot_id"]
