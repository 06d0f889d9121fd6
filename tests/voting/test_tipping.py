"""Hand-worked tipping points (consult.voting.tipping, DESIGN.md section 6).

The running example has four priorities, so the top set is the top 2 (top_cutoff(4) = 2). Under
group_shares, 2 carers (weight 2) gave A 4, B 2, D 5 points and 4 practitioners (weight 1) gave A 8, B 4,
C 12. In the carers' weight x the scores are A = 2 + 2x, B = 1 + x, C = 3, D = 2.5x: at x = 2,
A 6, D 5, B 3, C 3, so A is first and the top 2 are A and D.
"""

import pytest

from consult.voting.tipping import from_snapshot, tipping_points

CODES = ["A", "B", "C", "D"]
SUMS = {("carer", "A"): 4, ("carer", "B"): 2, ("carer", "D"): 5,
        ("prac", "A"): 8, ("prac", "B"): 4, ("prac", "C"): 12}
COUNTS = {"carer": 2, "prac": 4}
WEIGHTS = {"carer": 2.0, "prac": 1.0}


def points(*args, **kw):
    return {p.group: p.as_dict() for p in tipping_points(*args, **kw)}


def test_carers_weight_falling_to_1_2_puts_c_in_the_top_two_and_rising_to_4_puts_d_first():
    carer = points(CODES, SUMS, COUNTS, WEIGHTS, "group_shares")["carer"]
    assert carer["first"] == ["A"] and carer["top"] == ["A", "D"]
    # Down: B and C tie at x = 2 (below the cutoff, so nothing changes); C passes D at 3 = 2.5x, x = 1.2.
    assert carer["down"] == {"weight": pytest.approx(1.2), "first": ["A"], "top": ["A", "C"], "took_first": [],
                             "lost_first": [], "entering": ["C"], "leaving": ["D"]}
    # Up: D passes A at 2 + 2x = 2.5x, x = 4.
    assert carer["up"]["weight"] == pytest.approx(4.0)
    assert carer["up"]["took_first"] == ["D"] and carer["up"]["lost_first"] == ["A"]
    assert carer["up"]["entering"] == carer["up"]["leaving"] == []


def test_practitioners_weight_moves_first_place_down_and_the_top_two_up():
    # In the practitioners' weight y: A = 4 + 2y, B = 2 + y, C = 3y, D = 5.
    prac = points(CODES, SUMS, COUNTS, WEIGHTS, "group_shares")["prac"]
    assert prac["down"]["weight"] == pytest.approx(0.5) and prac["down"]["took_first"] == ["D"]  # 4 + 2y = 5
    assert prac["up"]["weight"] == pytest.approx(5 / 3) and prac["up"]["leaving"] == ["D"]  # 3y = 5
    assert prac["up"]["entering"] == ["C"]


def test_group_weights_use_the_sums_themselves():
    # Each carer point counts x: A = 4x + 8, B = 2x + 4, C = 12, D = 5x; at x = 2: A 16, C 12, D 10, B 8.
    carer = points(CODES, SUMS, COUNTS, WEIGHTS, "group_weights")["carer"]
    assert carer["top"] == ["A", "C"]
    assert carer["down"]["weight"] == pytest.approx(1.0) and carer["down"]["took_first"] == ["C"]  # 4x + 8 = 12
    assert carer["up"]["weight"] == pytest.approx(2.4) and carer["up"]["entering"] == ["D"]  # 5x = 12


def test_no_change_is_none_in_that_direction():
    # Carers alone back A: nothing a carer weight does dethrones A, and without carers B leads C.
    sums = {("carer", "A"): 6, ("prac", "B"): 2, ("prac", "C"): 1}
    carer = points(["A", "B", "C"], sums, {"carer": 3, "prac": 1}, {"carer": 1.0, "prac": 1.0},
                   "group_weights")["carer"]
    assert carer["up"] is None
    assert carer["down"]["weight"] == pytest.approx(1 / 3) and carer["down"]["took_first"] == ["B"]  # 6x = 2


def test_a_tie_that_decides_the_top_set_tips_at_the_current_weight_either_way():
    # A 5x, B 1 + 2x, C 2 + x, D 0 at x = 1: B and C share 2nd, so the top 2 is A, B and C.
    sums = {("carer", "A"): 5, ("carer", "B"): 2, ("carer", "C"): 1, ("prac", "B"): 1, ("prac", "C"): 2}
    carer = points(CODES, sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 1.0}, "group_weights")["carer"]
    assert carer["top"] == ["A", "B", "C"]
    assert carer["down"]["weight"] == 1.0 and carer["down"]["leaving"] == ["B"]
    assert carer["up"]["weight"] == 1.0 and carer["up"]["leaving"] == ["C"]


def test_a_tie_below_the_cutoff_changes_nothing():
    # Carers: B and C tie at x = 2 in the running example, but both are 3rd, outside the top 2.
    carer = points(CODES, SUMS, COUNTS, WEIGHTS, "group_shares")["carer"]
    assert carer["down"]["weight"] != 2.0 and carer["up"]["weight"] != 2.0


def test_a_weight_of_zero_cannot_fall_and_a_tie_at_zero_is_a_change():
    # Practitioners at weight 0 leave A and B tied (3 each) on the carers' points: any rise breaks the tie.
    sums = {("carer", "A"): 3, ("carer", "B"): 3, ("prac", "B"): 1}
    prac = points(["A", "B", "C"], sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 0.0},
                  "group_weights")["prac"]
    assert prac["down"] is None
    assert prac["first"] == ["A", "B"] and prac["up"]["weight"] == 0.0 and prac["up"]["lost_first"] == ["A"]
    # In the carers' weight x, A = B = 3x (practitioners count 0): the same line, so they never part; only
    # at x = 0 does C (no points) join them in first place.
    carer = points(["A", "B", "C"], sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 0.0},
                   "group_weights")["carer"]
    assert carer["up"] is None
    assert carer["down"]["weight"] == 0.0 and carer["down"]["took_first"] == ["C"]


def test_falling_to_zero_can_be_the_threshold():
    # A = 2 + x, B = 2 in x: they tie at x = 0, so A shares first place only there.
    sums = {("carer", "A"): 1, ("prac", "A"): 2, ("prac", "B"): 2}
    carer = points(["A", "B", "C"], sums, {"carer": 1, "prac": 1}, {"carer": 1.0, "prac": 1.0},
                   "group_weights")["carer"]
    assert carer["down"]["weight"] == 0.0 and carer["down"]["first"] == ["A", "B"]
    assert carer["down"]["took_first"] == ["B"] and carer["down"]["lost_first"] == []


def test_groups_without_ballots_and_equal_people_have_no_tipping_points():
    counts = {**COUNTS, "gp": 0}
    found = points(CODES, SUMS, counts, {**WEIGHTS, "gp": 3.0}, "group_shares")
    assert list(found) == ["carer", "prac", "gp"]
    assert found["gp"]["down"] is None and found["gp"]["up"] is None
    assert tipping_points(CODES, SUMS, COUNTS, WEIGHTS, "equal_people") == []


def test_inputs_are_checked_as_the_tally_checks_them():
    with pytest.raises(ValueError, match="no weight given"):
        tipping_points(CODES, SUMS, COUNTS, {"carer": 1.0}, "group_shares")
    with pytest.raises(ValueError, match="unknown weighting scheme"):
        tipping_points(CODES, SUMS, COUNTS, WEIGHTS, "loudest")


def test_from_snapshot_adds_up_the_localities_and_skips_old_snapshots():
    data = {"priorities": CODES, "groups": ["carer", "prac"], "weights": WEIGHTS, "weighting": "group_shares",
            "aggregate": {
                "PET": {"sums": {"carer": {"A": 4, "B": 2}, "prac": {"A": 8}}, "counts": {"carer": 2, "prac": 3}},
                "SEA": {"sums": {"carer": {"D": 5}, "prac": {"B": 4, "C": 12}}, "counts": {"prac": 1}}}}
    found = from_snapshot(data)
    assert found["cutoff"] == 2 and found["weighted"] and found["scheme"] == "group_shares"
    assert found["groups"] == [p.as_dict() for p in tipping_points(CODES, SUMS, COUNTS, WEIGHTS, "group_shares")]
    assert from_snapshot({k: v for k, v in data.items() if k != "aggregate"}) is None
    unweighted = from_snapshot({**data, "weighting": "equal_people"})
    assert unweighted["weighted"] is False and unweighted["groups"] == []


def test_three_lines_through_one_point_make_one_threshold():
    # Carers' weight x (0 now, 2 ballots); GPs weight 0.25, 3 ballots, so in x: P0 = 3.5x, P2 = 0.5 + 0.5x,
    # P3 = 7/12. All three meet at x = 1/6, which rounding gives as three slightly different crossings.
    sums = {("carer", "P0"): 7, ("carer", "P2"): 1, ("gp", "P2"): 6, ("gp", "P3"): 7}
    carer = points(["P0", "P1", "P2", "P3", "P4"], sums, {"carer": 2, "gp": 3}, {"carer": 0.0, "gp": 0.25},
                   "group_shares")["carer"]
    assert carer["first"] == ["P3"] and carer["top"] == ["P2", "P3"]
    up = carer["up"]
    assert up["weight"] == pytest.approx(1 / 6)
    # Just past it, not the three-way tie at it: P0 leads and P2 keeps its place in the top 2.
    assert up["first"] == ["P0"] and up["top"] == ["P0", "P2"] and up["leaving"] == ["P3"]
