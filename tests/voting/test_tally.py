"""Hand-worked examples for consult.voting.tally (DESIGN.md section 6).

The running example: three priorities A, B, C; 2 carers and 5 practitioners;
weights carer 2.0, practitioner 1.0. Every expected number is worked out by
hand in the comments next to it.
"""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from consult.voting.tally import (
    METHODS,
    SCHEMES,
    BallotError,
    PriorityResult,
    TallyResult,
    ballot_points,
    borda_points,
    tally,
    tally_ballots,
)

CODES = ["A", "B", "C"]
WEIGHTS = {"carer": 2.0, "practitioner": 1.0}


def scores(result: TallyResult) -> dict[str, float]:
    return {p.code: p.score for p in result.priorities}


def shares(result: TallyResult) -> dict[str, float]:
    return {p.code: p.share for p in result.priorities}


def ranks(result: TallyResult) -> dict[str, int]:
    return {p.code: p.rank for p in result.priorities}


def order(result: TallyResult) -> list[str]:
    return [p.code for p in result.priorities]


def by_group(result: TallyResult) -> dict[str, dict[str, float]]:
    return {p.code: p.by_group for p in result.priorities}


def cast(
    method: str, group_ballots: list[tuple[str, dict[str, int]]], **rules: int
) -> list[tuple[str, dict[str, int]]]:
    """Run every raw ballot through ballot_points, as the importer does."""
    return [(g, ballot_points(method, CODES, choices, **rules)) for g, choices in group_ballots]


def test_constants():
    assert METHODS == ("ranking", "approval", "points")
    assert SCHEMES == ("equal_people", "group_weights", "group_shares")


# --------------------------------------------------------------------------
# ranking (truncated Borda, m = 3: position 1 -> 2 points, 2 -> 1, 3 -> 0)
# --------------------------------------------------------------------------

# Both carers rank A first, B second, C unranked: A 2, B 1 each.
#   S(carer) = A 4, B 2, C 0 ; n(carer) = 2
# All five practitioners rank C, B, A: C 2, B 1, A 0 each.
#   S(practitioner) = A 0, B 5, C 10 ; n(practitioner) = 5
RANKING_BALLOTS = [("carer", {"A": 1, "B": 2})] * 2 + [("practitioner", {"C": 1, "B": 2, "A": 3})] * 5


def test_ranking_equal_people_practitioners_dominate():
    r = tally_ballots(CODES, cast("ranking", RANKING_BALLOTS), WEIGHTS, "equal_people")
    # A = 4 + 0 = 4, B = 2 + 5 = 7, C = 0 + 10 = 10; total 21
    assert scores(r) == {"A": 4.0, "B": 7.0, "C": 10.0}
    assert shares(r) == pytest.approx({"A": 4 / 21, "B": 7 / 21, "C": 10 / 21})
    assert ranks(r) == {"C": 1, "B": 2, "A": 3}
    assert order(r) == ["C", "B", "A"]
    assert by_group(r)["B"] == {"carer": 2.0, "practitioner": 5.0}
    assert r.ballots == 7
    assert r.ballots_by_group == {"carer": 2, "practitioner": 5}
    assert r.scheme == "equal_people"


def test_ranking_group_weights_each_carer_ballot_counts_double():
    r = tally_ballots(CODES, cast("ranking", RANKING_BALLOTS), WEIGHTS, "group_weights")
    # A = 2*4 + 0 = 8, B = 2*2 + 5 = 9, C = 0 + 10 = 10; total 27
    assert scores(r) == {"A": 8.0, "B": 9.0, "C": 10.0}
    assert shares(r) == pytest.approx({"A": 8 / 27, "B": 9 / 27, "C": 10 / 27})
    assert order(r) == ["C", "B", "A"]
    assert by_group(r)["A"] == {"carer": 8.0, "practitioner": 0.0}


def test_ranking_group_shares_carers_count_as_their_weight():
    r = tally_ballots(CODES, cast("ranking", RANKING_BALLOTS), WEIGHTS, "group_shares")
    # carer term: 2.0 * S / 2 -> A 4, B 2, C 0        (sums to 6 = 2.0 x 3 points per ballot)
    # practitioner term: 1.0 * S / 5 -> A 0, B 1, C 2 (sums to 3 = 1.0 x 3 points per ballot)
    # A = 4, B = 3, C = 2; total 9. The carers' voice is 6/9 = twice the practitioners' 3/9.
    assert scores(r) == pytest.approx({"A": 4.0, "B": 3.0, "C": 2.0})
    assert shares(r) == pytest.approx({"A": 4 / 9, "B": 3 / 9, "C": 2 / 9})
    assert order(r) == ["A", "B", "C"]
    assert ranks(r) == {"A": 1, "B": 2, "C": 3}
    carer_part = sum(p.by_group["carer"] for p in r.priorities)
    practitioner_part = sum(p.by_group["practitioner"] for p in r.priorities)
    assert carer_part == pytest.approx(2 * practitioner_part)


def test_ranking_outcome_flips_between_schemes():
    # The whole point of weighting: the winner depends on the scheme.
    winners = {s: order(tally_ballots(CODES, cast("ranking", RANKING_BALLOTS), WEIGHTS, s))[0] for s in SCHEMES}
    assert winners == {"equal_people": "C", "group_weights": "C", "group_shares": "A"}


# --------------------------------------------------------------------------
# approval (1 point per approved priority)
# --------------------------------------------------------------------------

# carers: {A}, {A, B}                    -> S(carer) = A 2, B 1, C 0
# practitioners: 3 x {B, C}, 2 x {C}     -> S(practitioner) = A 0, B 3, C 5
APPROVAL_BALLOTS = (
    [("carer", {"A": 1}), ("carer", {"A": 1, "B": 1})]
    + [("practitioner", {"B": 1, "C": 1})] * 3
    + [("practitioner", {"C": 1})] * 2
)


def test_approval_equal_people():
    r = tally_ballots(CODES, cast("approval", APPROVAL_BALLOTS), WEIGHTS, "equal_people")
    # A = 2, B = 1 + 3 = 4, C = 5; total 11
    assert scores(r) == {"A": 2.0, "B": 4.0, "C": 5.0}
    assert shares(r) == pytest.approx({"A": 2 / 11, "B": 4 / 11, "C": 5 / 11})
    assert order(r) == ["C", "B", "A"]


def test_approval_group_weights_tie_shares_a_rank():
    r = tally_ballots(CODES, cast("approval", APPROVAL_BALLOTS), WEIGHTS, "group_weights")
    # A = 2*2 = 4, B = 2*1 + 3 = 5, C = 5; total 14. B and C tie for first.
    assert scores(r) == {"A": 4.0, "B": 5.0, "C": 5.0}
    assert shares(r) == pytest.approx({"A": 4 / 14, "B": 5 / 14, "C": 5 / 14})
    assert ranks(r) == {"B": 1, "C": 1, "A": 3}
    assert order(r) == ["B", "C", "A"]


def test_approval_group_shares():
    r = tally_ballots(CODES, cast("approval", APPROVAL_BALLOTS), WEIGHTS, "group_shares")
    # carer term 2.0 * S / 2: A 2, B 1; practitioner term 1.0 * S / 5: B 0.6, C 1.0
    # A = 2, B = 1.6, C = 1.0; total 4.6
    assert scores(r) == pytest.approx({"A": 2.0, "B": 1.6, "C": 1.0})
    assert shares(r) == pytest.approx({"A": 2 / 4.6, "B": 1.6 / 4.6, "C": 1.0 / 4.6})
    assert order(r) == ["A", "B", "C"]
    assert by_group(r)["B"] == pytest.approx({"carer": 1.0, "practitioner": 0.6})


# --------------------------------------------------------------------------
# points (budget 10)
# --------------------------------------------------------------------------

# carers: {A: 10}, {A: 6, B: 4}          -> S(carer) = A 16, B 4, C 0
# practitioners: 5 x {B: 3, C: 7}        -> S(practitioner) = A 0, B 15, C 35
POINTS_BALLOTS = [("carer", {"A": 10}), ("carer", {"A": 6, "B": 4, "C": 0})] + [("practitioner", {"B": 3, "C": 7})] * 5


def test_points_equal_people():
    r = tally_ballots(CODES, cast("points", POINTS_BALLOTS, points_budget=10), WEIGHTS, "equal_people")
    # A = 16, B = 4 + 15 = 19, C = 35; total 70
    assert scores(r) == {"A": 16.0, "B": 19.0, "C": 35.0}
    assert shares(r) == pytest.approx({"A": 16 / 70, "B": 19 / 70, "C": 35 / 70})
    assert order(r) == ["C", "B", "A"]


def test_points_group_weights():
    r = tally_ballots(CODES, cast("points", POINTS_BALLOTS, points_budget=10), WEIGHTS, "group_weights")
    # A = 2*16 = 32, B = 2*4 + 15 = 23, C = 35; total 90
    assert scores(r) == {"A": 32.0, "B": 23.0, "C": 35.0}
    assert shares(r) == pytest.approx({"A": 32 / 90, "B": 23 / 90, "C": 35 / 90})
    assert order(r) == ["C", "A", "B"]
    assert ranks(r) == {"C": 1, "A": 2, "B": 3}


def test_points_group_shares_tie_listed_by_code():
    r = tally_ballots(CODES, cast("points", POINTS_BALLOTS, points_budget=10), WEIGHTS, "group_shares")
    # carer term 2.0 * S / 2: A 16, B 4; practitioner term 1.0 * S / 5: B 3, C 7
    # A = 16, B = 7, C = 7; total 30. Each group's term sums to weight x budget: 20 and 10.
    assert scores(r) == pytest.approx({"A": 16.0, "B": 7.0, "C": 7.0})
    assert shares(r) == pytest.approx({"A": 16 / 30, "B": 7 / 30, "C": 7 / 30})
    assert ranks(r) == {"A": 1, "B": 2, "C": 2}
    assert order(r) == ["A", "B", "C"]


# --------------------------------------------------------------------------
# tally() on the GROUP BY table directly
# --------------------------------------------------------------------------


def test_tally_from_sums_table_matches_tally_ballots():
    sums = {("carer", "A"): 4, ("carer", "B"): 2, ("practitioner", "B"): 5, ("practitioner", "C"): 10}
    direct = tally(CODES, sums, {"carer": 2, "practitioner": 5}, WEIGHTS, "group_shares")
    via_ballots = tally_ballots(CODES, cast("ranking", RANKING_BALLOTS), WEIGHTS, "group_shares")
    assert direct == via_ballots


def test_tally_accepts_decimal_sums_from_sql():
    # PostgreSQL SUM(bigint) comes back as Decimal.
    r = tally(
        ["A", "B"], {("carer", "A"): Decimal(3), ("carer", "B"): Decimal(1)}, {"carer": 2}, {"carer": 1}, "equal_people"
    )
    assert scores(r) == {"A": 3.0, "B": 1.0}
    assert all(type(p.score) is float for p in r.priorities)


def test_competition_ranking_1_2_2_4_and_code_order_within_tie():
    # Codes deliberately not in score order: D 10, C 5, B 5, A 1.
    sums = {("g", "D"): 10, ("g", "C"): 5, ("g", "B"): 5, ("g", "A"): 1}
    r = tally(["D", "C", "B", "A"], sums, {"g": 4}, {"g": 1}, "equal_people")
    assert [(p.code, p.rank) for p in r.priorities] == [("D", 1), ("B", 2), ("C", 2), ("A", 4)]


def test_three_way_tie_at_top_then_rank_4():
    sums = {("g", "Z"): 3, ("g", "Y"): 3, ("g", "X"): 3, ("g", "W"): 2}
    r = tally(["Z", "Y", "X", "W"], sums, {"g": 3}, {"g": 1}, "equal_people")
    assert [(p.code, p.rank) for p in r.priorities] == [("X", 1), ("Y", 1), ("Z", 1), ("W", 4)]


def test_tie_within_relative_tolerance_but_not_beyond():
    # 1e-12 relative apart: a tie (and listed by code even though B is larger).
    r = tally(["A", "B"], {("g", "A"): 1.0, ("g", "B"): 1.0 + 1e-12}, {"g": 1}, {"g": 1}, "equal_people")
    assert [(p.code, p.rank) for p in r.priorities] == [("A", 1), ("B", 1)]
    # 1e-6 relative apart: a real difference.
    r = tally(["A", "B"], {("g", "A"): 1.0, ("g", "B"): 1.0 + 1e-6}, {"g": 1}, {"g": 1}, "equal_people")
    assert [(p.code, p.rank) for p in r.priorities] == [("B", 1), ("A", 2)]


def test_float_noise_from_weights_still_ties():
    # 0.1 + 0.2 != 0.3 in binary floating point, but the scores are meant to be equal.
    sums = {("x", "A"): 1, ("y", "A"): 1, ("z", "B"): 1}
    r = tally(["A", "B"], sums, {"x": 1, "y": 1, "z": 1}, {"x": 0.1, "y": 0.2, "z": 0.3}, "group_weights")
    assert scores(r)["A"] != scores(r)["B"]  # the noise is really there
    assert ranks(r) == {"A": 1, "B": 1}


def test_tie_runs_do_not_chain():
    # B is within 1e-9 of A, C is within 1e-9 of B but not of A: the run is anchored on A.
    s = {"A": 1.0, "B": 1.0 - 0.6e-9, "C": 1.0 - 1.2e-9}
    r = tally(list(s), {("g", p): v for p, v in s.items()}, {"g": 1}, {"g": 1}, "equal_people")
    assert ranks(r) == {"A": 1, "B": 1, "C": 3}


def test_empty_group_with_weight_but_no_ballots():
    # resident has a weight and appears in ballots_by_group with n = 0.
    sums = {("carer", "A"): 3, ("carer", "B"): 1}
    counts = {"carer": 2, "resident": 0}
    weights = {"carer": 2.0, "resident": 5.0}
    for scheme in SCHEMES:
        r = tally(["A", "B"], sums, counts, weights, scheme)
        assert r.ballots == 2
        assert r.ballots_by_group == {"carer": 2, "resident": 0}
        for p in r.priorities:
            assert p.by_group["resident"] == 0.0
            assert set(p.by_group) == {"carer", "resident"}
    # group_shares: only carers voted, A = 2.0 * 3 / 2 = 3, B = 2.0 * 1 / 2 = 1; shares 3/4, 1/4
    r = tally(["A", "B"], sums, counts, weights, "group_shares")
    assert scores(r) == {"A": 3.0, "B": 1.0}
    assert shares(r) == {"A": 0.75, "B": 0.25}


def test_weight_for_group_absent_from_counts_is_ignored():
    r = tally(["A"], {("carer", "A"): 1}, {"carer": 1}, {"carer": 1.0, "gp": 3.0}, "group_shares")
    assert r.ballots_by_group == {"carer": 1}
    assert r.priorities[0].by_group == {"carer": 1.0}


def test_single_voter():
    # One carer ranks B first of four: B 3 points, others 0.
    codes = ["A", "B", "C", "D"]
    pts = ballot_points("ranking", codes, {"B": 1})
    assert pts == {"B": 3}
    for scheme in SCHEMES:
        r = tally_ballots(codes, [("carer", pts)], {"carer": 2.0}, scheme)
        expected = {"equal_people": 3.0, "group_weights": 6.0, "group_shares": 6.0}[scheme]
        assert r.priorities[0] == PriorityResult("B", expected, 1.0, 1, {"carer": expected})
        assert [(p.code, p.rank, p.share) for p in r.priorities[1:]] == [("A", 2, 0.0), ("C", 2, 0.0), ("D", 2, 0.0)]
        assert r.ballots == 1


def test_nothing_scored_all_shares_zero_all_rank_one():
    for scheme in SCHEMES:
        r = tally(["C", "A", "B"], {}, {"carer": 0}, {"carer": 1.0}, scheme)
        assert [(p.code, p.score, p.share, p.rank) for p in r.priorities] == [
            ("A", 0.0, 0.0, 1),
            ("B", 0.0, 0.0, 1),
            ("C", 0.0, 0.0, 1),
        ]
        assert r.ballots == 0


def test_no_groups_at_all():
    r = tally(["A", "B"], {}, {}, {}, "group_shares")
    assert [(p.code, p.rank, p.share, p.by_group) for p in r.priorities] == [("A", 1, 0.0, {}), ("B", 1, 0.0, {})]


def test_every_priority_appears_even_if_unchosen():
    r = tally(["A", "B", "C"], {("g", "B"): 2}, {"g": 1}, {"g": 1}, "equal_people")
    assert order(r) == ["B", "A", "C"]
    assert ranks(r) == {"B": 1, "A": 2, "C": 2}


def test_as_dict_shape():
    r = tally_ballots(CODES, cast("approval", APPROVAL_BALLOTS), WEIGHTS, "group_weights")
    d = r.as_dict()
    assert list(d) == ["weighting", "ballots", "ballots_by_group", "priorities"]
    assert d["weighting"] == "group_weights"
    assert d["ballots"] == 7
    assert d["ballots_by_group"] == {"carer": 2, "practitioner": 5}
    assert d["priorities"][0] == {
        "code": "B",
        "score": 5.0,
        "share": 5 / 14,
        "rank": 1,
        "by_group": {"carer": 2.0, "practitioner": 3.0},
    }
    assert [p["code"] for p in d["priorities"]] == ["B", "C", "A"]
    # as_dict hands out copies, so callers cannot mutate the result through it.
    d["priorities"][0]["by_group"]["carer"] = 99.0
    assert r.priorities[0].by_group["carer"] == 2.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scheme": "loudest_wins"}, "unknown weighting scheme"),
        ({"weights": {"carer": 1.0}}, "no weight given for stakeholder group 'practitioner'"),
        ({"weights": {"carer": -1.0, "practitioner": 1.0}}, "must be a finite number >= 0"),
        ({"weights": {"carer": float("nan"), "practitioner": 1.0}}, "must be a finite number >= 0"),
        ({"sums": {("carer", "Z"): 1}}, "unknown priority 'Z'"),
        ({"sums": {("gp", "A"): 1}}, "no ballot count"),
        ({"sums": {("carer", "A"): -1}}, "must be a finite number >= 0"),
        ({"counts": {"carer": -1, "practitioner": 5}}, "whole number >= 0"),
        ({"counts": {"carer": 0, "practitioner": 5}}, "has points for 'A' but no ballots"),
        ({"codes": ["A", "A"]}, "unique"),
    ],
)
def test_tally_rejects_bad_input(kwargs, message):
    args = {
        "codes": CODES,
        "sums": {("carer", "A"): 1},
        "counts": {"carer": 1, "practitioner": 5},
        "weights": WEIGHTS,
        "scheme": "equal_people",
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        tally(args["codes"], args["sums"], args["counts"], args["weights"], args["scheme"])


def test_missing_weight_is_an_error_even_for_equal_people():
    with pytest.raises(ValueError, match="no weight"):
        tally_ballots(CODES, [("carer", {"A": 1})], {}, "equal_people")


# --------------------------------------------------------------------------
# ballot_points
# --------------------------------------------------------------------------


def test_borda_points():
    assert [borda_points(4, i) for i in (1, 2, 3, 4)] == [3, 2, 1, 0]
    with pytest.raises(ValueError):
        borda_points(4, 5)
    with pytest.raises(ValueError):
        borda_points(4, 0)


def test_ranking_full_last_place_earns_nothing_but_is_valid():
    assert ballot_points("ranking", CODES, {"C": 1, "A": 2, "B": 3}) == {"C": 2, "A": 1}


def test_ranking_shorter_than_m():
    codes = ["P1", "P2", "P3", "P4", "P5"]
    # k = 2 of m = 5: position 1 -> 4, position 2 -> 3, the rest 0
    assert ballot_points("ranking", codes, {"P4": 1, "P2": 2}) == {"P4": 4, "P2": 3}


def test_ranking_of_one_item_out_of_one_is_valid_and_earns_nothing():
    assert ballot_points("ranking", ["ONLY"], {"ONLY": 1}) == {}


def test_ranking_within_max_choices():
    assert ballot_points("ranking", CODES, {"A": 1, "B": 2}, max_choices=2) == {"A": 2, "B": 1}


def test_approval_points_and_cap():
    assert ballot_points("approval", CODES, {"A": 1, "C": 1}) == {"A": 1, "C": 1}
    assert ballot_points("approval", CODES, {"A": 1, "C": 1}, max_choices=2) == {"A": 1, "C": 1}


def test_points_drops_zeros_and_allows_exact_budget():
    assert ballot_points("points", CODES, {"A": 7, "B": 0, "C": 3}, points_budget=10) == {"A": 7, "C": 3}
    assert ballot_points("points", CODES, {"A": 2}, points_budget=10) == {"A": 2}


def test_points_max_choices_counts_only_non_zero_entries():
    got = ballot_points("points", CODES, {"A": 5, "B": 0, "C": 0}, points_budget=10, max_choices=1)
    assert got == {"A": 5}


def test_numpy_integers_are_whole_numbers():
    assert ballot_points("points", CODES, {"A": np.int64(4)}, points_budget=10) == {"A": 4}
    assert type(ballot_points("points", CODES, {"A": np.int64(4)}, points_budget=10)["A"]) is int


@pytest.mark.parametrize(
    "method, choices, rules, code, text",
    [
        ("ranking", {"A": 1, "B": 1}, {}, "repeat_rank", "Rank 1 is given to more than one priority (A, B)"),
        ("ranking", {"A": 1, "B": 3}, {}, "gap_in_ranks", "rank 2 is missing"),
        ("ranking", {"A": 2}, {}, "gap_in_ranks", "rank 1 is missing"),
        ("ranking", {"A": 1, "B": 2, "C": 3}, {"max_choices": 2}, "too_many_choices", "at most 2"),
        ("ranking", {"A": 0}, {}, "bad_value", "1 or more"),
        ("ranking", {"A": -1, "B": 1}, {}, "bad_value", "1 or more"),
        ("ranking", {"A": 1, "X": 2}, {}, "unknown_priority", "X"),
        ("ranking", {}, {}, "empty_ballot", "does not choose any priority"),
        ("ranking", {"A": 1.5}, {}, "not_whole", "whole number"),
        ("ranking", {"A": True}, {}, "bad_value", "whole number"),
        ("approval", {"A": 1, "B": 1, "C": 1}, {"max_choices": 2}, "too_many_choices", "approves 3"),
        ("approval", {"A": 2}, {}, "bad_value", "must be 1"),
        ("approval", {"A": 0}, {}, "bad_value", "must be 1"),
        ("approval", {"A": True}, {}, "bad_value", "whole number"),
        ("approval", {"Q": 1}, {}, "unknown_priority", "Q"),
        ("approval", {}, {}, "empty_ballot", "does not choose"),
        ("points", {"A": 6, "B": 5}, {"points_budget": 10}, "over_budget", "spends 11 points; the budget is 10"),
        ("points", {"A": -1, "B": 5}, {"points_budget": 10}, "negative_points", "cannot be negative"),
        ("points", {"A": 2.5}, {"points_budget": 10}, "not_whole", "whole number"),
        ("points", {"A": 2.0}, {"points_budget": 10}, "not_whole", "whole number"),
        ("points", {"A": Fraction(1, 2)}, {"points_budget": 10}, "not_whole", "whole number"),
        ("points", {"A": "3"}, {"points_budget": 10}, "bad_value", "whole number"),
        ("points", {"A": None}, {"points_budget": 10}, "bad_value", "whole number"),
        ("points", {"A": False}, {"points_budget": 10}, "bad_value", "whole number"),
        ("points", {"A": 0, "B": 0}, {"points_budget": 10}, "empty_ballot", "no points"),
        ("points", {}, {"points_budget": 10}, "empty_ballot", "does not choose"),
        ("points", {"A": 1, "B": 1}, {"points_budget": 10, "max_choices": 1}, "too_many_choices", "gives points to 2"),
        ("points", {"A": 1, "NOPE": 1}, {"points_budget": 10}, "unknown_priority", "NOPE"),
    ],
)
def test_ballot_errors(method, choices, rules, code, text):
    with pytest.raises(BallotError) as info:
        ballot_points(method, CODES, choices, **rules)
    assert info.value.code == code
    assert text in str(info.value)
    assert isinstance(info.value, ValueError)


def test_ballot_error_carries_code_attribute():
    e = BallotError("over_budget", "Too many points.")
    assert e.code == "over_budget"
    assert str(e) == "Too many points."


@pytest.mark.parametrize(
    "method, rules",
    [
        ("plurality", {}),
        ("points", {}),  # the points method needs a budget
        ("points", {"points_budget": 0}),
        ("approval", {"max_choices": 0}),
    ],
)
def test_bad_configuration_is_a_plain_value_error(method, rules):
    with pytest.raises(ValueError) as info:
        ballot_points(method, CODES, {"A": 1}, **rules)
    assert not isinstance(info.value, BallotError)


def test_duplicate_priority_codes_rejected():
    with pytest.raises(ValueError):
        ballot_points("approval", ["A", "A"], {"A": 1})
