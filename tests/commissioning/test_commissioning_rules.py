"""The pure rules: Best Value table, departures from the consultation, combining localities."""

import pytest

from consult.commissioning import bestvalue, departures, drafting
from consult.commissioning.departures import Decision

# --- Best Value (Cambridge 1999, Table 1) ---------------------------------------------------------------------

@pytest.mark.parametrize("quality, cost, expected", [
    ("higher", "higher", "judgement_required"),
    ("higher", "same", "best_value"),
    ("higher", "lower", "best_value"),
    ("same", "higher", "not_best_value"),
    ("same", "same", "no_discernible_change"),
    ("same", "lower", "best_value"),
    ("lower", "higher", "not_best_value"),
    ("lower", "same", "not_best_value"),
    ("lower", "lower", "judgement_required"),
])
def test_best_value_follows_the_papers_table(quality, cost, expected):
    assert bestvalue.judge(relative_cost=cost, relative_quality=quality) == expected


def test_best_value_waits_for_both_answers_and_refuses_nonsense():
    assert bestvalue.judge(None, "higher") is None
    assert bestvalue.judge("lower", None) is None
    with pytest.raises(ValueError):
        bestvalue.judge("cheaper", "same")


# --- departures -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, cutoff", [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (9, 3), (20, 3)])
def test_top_is_the_top_third_and_at_most_third(n, cutoff):
    assert departures.top_cutoff(n) == cutoff


def test_deferring_or_declining_a_top_priority_departs():
    found = departures.find_departures([Decision("A", 1, "deferred"), Decision("B", 2, "declined"),
                                        Decision("C", 3, "declined")], n_priorities=6)
    assert [d.kind for d in found["A"]] == ["top_not_pursued"]
    assert [d.kind for d in found["B"]] == ["top_not_pursued"]
    assert "C" not in found  # 3rd of 6 is not a top priority


def test_agreeing_a_lower_priority_while_a_higher_one_is_not_departs():
    found = departures.find_departures([Decision("A", 1, "proposed"), Decision("B", 2, "agreed"),
                                        Decision("C", 3, "contracted")], n_priorities=3)
    assert found["B"][0].kind == "agreed_over_higher"
    assert found["B"][0].higher == (("A", 1, "proposed"),)
    assert found["C"][0].higher == (("A", 1, "proposed"),)  # B is agreed, so only A counts against C
    assert "A" not in found


def test_following_the_order_does_not_depart_and_ties_are_not_higher():
    assert departures.find_departures([Decision("A", 1, "agreed"), Decision("B", 2, "agreed"),
                                       Decision("C", 3, "draft")], n_priorities=3) == {}
    # Equal ranks: neither is higher than the other.
    assert departures.find_departures([Decision("A", 1, "proposed"), Decision("B", 1, "agreed")], 4) == {}
    # Unranked decisions (an intention added by hand) never depart.
    assert departures.find_departures([Decision("X", None, "declined")], 3) == {}


def test_a_rationale_covers_only_the_departures_it_was_written_for():
    dep = departures.Departure("top_not_pursued", "A", 1, "deferred")
    other = departures.Departure("agreed_over_higher", "A", 2, "agreed", (("B", 1, "draft"),))
    assert departures.unexplained([dep], has_rationale=False, explains=["top_not_pursued"]) == [dep]
    assert departures.unexplained([dep], has_rationale=True, explains=["top_not_pursued"]) == []
    assert departures.unexplained([dep, other], has_rationale=True, explains=["top_not_pursued"]) == [other]


# --- reading snapshots and combining localities ---------------------------------------------------------------

def _tally(ballots, rows, by_group_counts):
    return {"weighting": "group_shares", "ballots": ballots, "ballots_by_group": by_group_counts,
            "priorities": [{"code": c, "score": sum(bg.values()), "share": 0.0, "rank": r, "by_group": bg}
                           for c, r, bg in rows]}


SNAPSHOT = {
    "weighting": "group_shares",
    "schemes": {"group_shares": {
        "overall": _tally(12, [("P1", 1, {"carer": 8.0, "gp": 4.0}), ("P2", 2, {"carer": 2.0, "gp": 3.0})],
                          {"carer": 6, "gp": 6}),
        "localities": {
            # A big town that prefers P1 and a small village that prefers P2 strongly.
            "BIG": _tally(10, [("P1", 1, {"carer": 7.0, "gp": 3.0}), ("P2", 2, {"carer": 1.0, "gp": 1.0})],
                          {"carer": 5, "gp": 5}),
            "SML": _tally(2, [("P2", 1, {"carer": 1.0, "gp": 2.0}), ("P1", 2, {"carer": 1.0, "gp": 0.0})],
                          {"carer": 1, "gp": 1}),
            "NONE": _tally(0, [("P1", 1, {}), ("P2", 1, {})], {}),
        }}},
    "intervals": {"group_shares": {"P1": [1, 1], "P2": [1, 2]}},
}


def test_read_snapshot_is_the_one_adapter_to_the_snapshot_shape():
    evidence = drafting.read_snapshot(SNAPSHOT)
    assert evidence.scheme == "group_shares"
    assert evidence.overall.priorities["P1"]["by_group"] == {"carer": 8.0, "gp": 4.0}
    assert set(evidence.localities) == {"BIG", "SML", "NONE"}
    assert evidence.intervals == {"P1": (1, 1), "P2": (1, 2)}
    with pytest.raises(ValueError):
        drafting.read_snapshot(SNAPSHOT, scheme="equal_people")


def test_equal_and_population_combining_can_disagree():
    evidence = drafting.read_snapshot(SNAPSHOT)
    # BIG: P1 10/12, P2 2/12; SML: P1 1/4, P2 3/4.
    equal, weights = drafting.combine(["P1", "P2"], evidence, {"BIG": 1000, "SML": 1000, "NONE": 5000}, "equal")
    assert weights == {"BIG": 0.5, "SML": 0.5}  # a locality without ballots carries no weight
    assert equal["P1"].score == pytest.approx(0.5 * 10 / 12 + 0.5 * 1 / 4)
    assert equal["P1"].rank == 1
    # By population the small village is 9 times larger in people: its preference for P2 wins.
    by_pop, weights = drafting.combine(["P1", "P2"], evidence, {"BIG": 1000, "SML": 9000}, "population")
    assert weights == {"BIG": pytest.approx(0.1), "SML": pytest.approx(0.9)}
    assert by_pop["P2"].rank == 1 and by_pop["P1"].rank == 2
    # Per-group parts add up to the combined score.
    for result in (*equal.values(), *by_pop.values()):
        assert sum(result.by_group.values()) == pytest.approx(result.score)


def test_population_of_zero_falls_back_to_equal_and_no_localities_to_all_ballots():
    evidence = drafting.read_snapshot(SNAPSHOT)
    _, weights = drafting.combine(["P1", "P2"], evidence, {}, "population")
    assert weights == {"BIG": 0.5, "SML": 0.5}
    bare = {**SNAPSHOT, "schemes": {"group_shares": {**SNAPSHOT["schemes"]["group_shares"], "localities": {}}}}
    combined, weights = drafting.combine(["P1", "P2"], drafting.read_snapshot(bare), {}, "equal")
    assert weights == {}
    assert combined["P1"].score == pytest.approx(12 / 17) and combined["P1"].rank == 1
    with pytest.raises(ValueError):
        drafting.combine(["P1"], evidence, {}, "loudest")


def test_build_evidence_lists_every_scope_in_the_results_order_not_the_combined_one():
    rows = drafting.build_evidence(["P1", "P2"], drafting.read_snapshot(SNAPSHOT), {"BIG": 1, "SML": 9},
                                   "population")
    # Weighting localities by population puts P2 first; the result (all ballots) puts P1 first, and the
    # result is the one ranking.
    assert [r.code for r in rows] == ["P1", "P2"]
    assert [(r.rank, r.combined.rank) for r in rows] == [(1, 2), (2, 1)]
    p2 = rows[1]
    assert set(p2.scopes) == {"all", "locality:BIG", "locality:SML", "locality:NONE"}
    assert p2.scopes["locality:SML"]["weight"] == pytest.approx(0.9)
    assert p2.scopes["locality:NONE"]["weight"] == 0.0
    assert p2.interval == (1, 2) and p2.n_priorities == 2


def test_competition_ranks_share_places():
    assert drafting.competition_ranks({"a": 3.0, "b": 3.0, "c": 1.0, "d": 0.5}) == {"a": 1, "b": 1, "c": 3, "d": 4}
