"""rank_intervals_by_scheme: all three schemes from the same resamples, equal to rank_intervals one by one."""

import numpy as np
import pytest

from consult.voting.tally import SCHEMES, rank_intervals, rank_intervals_by_scheme


def election(seed=3):
    rng = np.random.default_rng(seed)
    codes = ["A", "B", "C", "D", "E"]
    points = {"carer": rng.integers(0, 5, size=(40, 5)), "user": rng.integers(0, 3, size=(7, 5)),
              "practitioner": rng.integers(0, 6, size=(120, 5)), "empty": np.zeros((0, 5))}
    weights = {"carer": 2.0, "user": 3.0, "practitioner": 1.0, "empty": 1.0}
    return codes, points, weights


@pytest.mark.parametrize("chunk_size", [None, 7, 1000])
def test_same_as_one_scheme_at_a_time(chunk_size):
    codes, points, weights = election()
    together = rank_intervals_by_scheme(codes, points, weights, SCHEMES, resamples=301, seed=11,
                                        chunk_size=chunk_size)
    assert set(together) == set(SCHEMES)
    for scheme in SCHEMES:
        assert together[scheme] == rank_intervals(codes, points, weights, scheme, resamples=301, seed=11)


def test_schemes_can_differ():
    """Weighting matters: a small heavily weighted group moves intervals under group_shares."""
    codes = ["A", "B"]
    points = {"user": np.tile([1.0, 0.0], (3, 1)), "practitioner": np.tile([0.0, 1.0], (50, 1))}
    got = rank_intervals_by_scheme(codes, points, {"user": 10.0, "practitioner": 1.0}, resamples=50)
    assert got["equal_people"] == {"A": (2, 2), "B": (1, 1)}
    assert got["group_shares"] == {"A": (1, 1), "B": (2, 2)}


def test_edge_cases_and_refusals():
    assert rank_intervals_by_scheme([], {}, {}, ["equal_people"]) == {"equal_people": {}}
    assert rank_intervals_by_scheme(["A"], {"g": np.zeros((0, 1))}, {"g": 1}, ["group_shares"]) == {
        "group_shares": {"A": (1, 1)}}
    with pytest.raises(ValueError, match="unknown weighting scheme"):
        rank_intervals_by_scheme(["A"], {}, {}, ["equal_people", "loudest"])
