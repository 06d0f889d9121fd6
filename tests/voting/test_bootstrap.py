"""Bootstrap rank intervals (consult.voting.tally.rank_intervals)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.voting.tally import SCHEMES, rank_intervals, tally


def point_ranks(codes, points_by_group, weights, scheme):
    """The point-estimate ranks from tally() on the same ballots."""
    sums = {}
    for g, a in points_by_group.items():
        for j, p in enumerate(codes):
            sums[(g, p)] = float(np.asarray(a, dtype=float)[:, j].sum()) if len(a) else 0.0
    counts = {g: len(a) for g, a in points_by_group.items()}
    return {p.code: p.rank for p in tally(codes, sums, counts, weights, scheme).priorities}


def repeat(row, n):
    return np.tile(np.asarray(row, dtype=float), (n, 1))


def near_tie_election():
    """101 approval ballots: A approved by 50, B by 49, C by 5, D by 30 (one group)."""
    codes = ["A", "B", "C", "D"]
    rows = np.zeros((101, 4))
    rows[:50, 0] = 1
    rows[50:99, 1] = 1
    rows[:5, 2] = 1
    rows[20:50, 3] = 1
    return codes, {"user": rows}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_unanimous_groups_give_single_rank_intervals(scheme):
    # Within each group every ballot is the same, so every resample reproduces the
    # point estimate exactly: each interval is one rank, the point rank.
    codes = ["P1", "P2", "P3", "P4", "P5"]
    points = {
        "carer": repeat([4, 3, 2, 1, 0], 7),
        "practitioner": repeat([0, 1, 2, 3, 4], 40),
        "user": repeat([2, 4, 0, 3, 1], 3),
    }
    weights = {"carer": 2.0, "practitioner": 1.0, "user": 1.5}
    got = rank_intervals(codes, points, weights, scheme, resamples=200)
    expected = point_ranks(codes, points, weights, scheme)
    assert got == {p: (r, r) for p, r in expected.items()}


def test_unanimous_tie_stays_a_tie():
    # P1 and P2 tie exactly (both 3 points from each of 10 ballots): both rank 1 every time.
    codes = ["P1", "P2", "P3"]
    got = rank_intervals(codes, {"user": repeat([3, 3, 1], 10)}, {"user": 1}, "equal_people", resamples=100)
    assert got == {"P1": (1, 1), "P2": (1, 1), "P3": (3, 3)}


def test_near_tie_gives_interval_wider_than_one_place():
    codes, points = near_tie_election()
    got = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=500)
    # A (50) vs B (49): sampling noise is about +-5 approvals, so either can come first.
    assert got["A"] == (1, 2)
    assert got["B"] == (1, 2)
    # D (30) and C (5) are far from everything else.
    assert got["D"] == (3, 3)
    assert got["C"] == (4, 4)


def test_intervals_contain_point_rank_in_clear_case():
    rng = np.random.default_rng(7)
    m = 6
    codes = [f"P{i}" for i in range(m)]
    # Approval probabilities well apart, plus noise from random ballots.
    probs = np.array([0.9, 0.7, 0.5, 0.3, 0.15, 0.05])
    points = {
        "user": (rng.random((300, m)) < probs).astype(float),
        "carer": (rng.random((120, m)) < probs).astype(float),
    }
    weights = {"user": 1.0, "carer": 2.0}
    for scheme in SCHEMES:
        got = rank_intervals(codes, points, weights, scheme, resamples=300)
        expected = point_ranks(codes, points, weights, scheme)
        assert expected == {f"P{i}": i + 1 for i in range(m)}
        for p, r in expected.items():
            lo, hi = got[p]
            assert lo <= r <= hi
        # The gaps are wide enough that the top and bottom are certain.
        assert got["P0"] == (1, 1)
        assert got["P5"][1] == m


def test_independent_of_chunking():
    codes, points = near_tie_election()
    points = dict(points, carer=np.random.default_rng(3).integers(0, 2, size=(37, 4)).astype(float))
    weights = {"user": 1.0, "carer": 3.0}
    results = [
        rank_intervals(codes, points, weights, "group_shares", resamples=301, seed=5, chunk_size=c)
        for c in (None, 1, 7, 64, 301, 1000)
    ]
    assert all(r == results[0] for r in results)


def test_deterministic_for_a_seed():
    codes, points = near_tie_election()
    a = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=50, level=0.5, seed=123)
    b = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=50, level=0.5, seed=123)
    assert a == b


def test_seed_none_still_gives_valid_intervals():
    codes, points = near_tie_election()
    got = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=50, seed=None)
    assert set(got) == set(codes)
    for lo, hi in got.values():
        assert 1 <= lo <= hi <= len(codes)
        assert isinstance(lo, int) and isinstance(hi, int)


def test_higher_level_is_never_narrower():
    codes, points = near_tie_election()
    narrow = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=400, level=0.5, seed=1)
    wide = rank_intervals(codes, points, {"user": 1}, "equal_people", resamples=400, level=0.99, seed=1)
    for p in codes:
        assert wide[p][0] <= narrow[p][0] and narrow[p][1] <= wide[p][1]


@pytest.mark.parametrize("scheme", ["equal_people", "group_shares"])
def test_resampling_keeps_group_sizes(scheme):
    # Carers all approve A, practitioners all approve B. With group sizes fixed, every
    # resample gives exactly the point scores, so the exact tie survives every time.
    # Resampling the pooled ballots (or any scheme that lets a group's count drift)
    # would break the tie in most resamples.
    if scheme == "equal_people":
        points = {"carer": repeat([1, 0], 10), "practitioner": repeat([0, 1], 10)}
    else:
        # group_shares: 1.0 * 3/3 for A, 1.0 * 30/30 for B; n(g) must stay 3 and 30.
        points = {"carer": repeat([1, 0], 3), "practitioner": repeat([0, 1], 30)}
    weights = {"carer": 1.0, "practitioner": 1.0}
    got = rank_intervals(["A", "B"], points, weights, scheme, resamples=300, level=0.99)
    assert got == {"A": (1, 1), "B": (1, 1)}


def test_group_shares_uses_each_groups_own_size():
    # Two carers (weight 2) approve A; fifty practitioners (weight 1) approve B.
    # group_shares: A = 2 * 2/2 = 2, B = 1 * 50/50 = 1 in every resample -> A first.
    # equal_people: A = 2, B = 50 -> B first.
    points = {"carer": repeat([1, 0], 2), "practitioner": repeat([0, 1], 50)}
    weights = {"carer": 2.0, "practitioner": 1.0}
    assert rank_intervals(["A", "B"], points, weights, "group_shares", resamples=50) == {"A": (1, 1), "B": (2, 2)}
    assert rank_intervals(["A", "B"], points, weights, "equal_people", resamples=50) == {"A": (2, 2), "B": (1, 1)}


def test_empty_groups_are_skipped():
    codes, points = near_tie_election()
    with_empty = dict(points, resident=np.zeros((0, 4)))
    weights = {"user": 1.0, "resident": 5.0}
    for scheme in SCHEMES:
        got = rank_intervals(codes, with_empty, weights, scheme, resamples=100, seed=9)
        assert got["C"] == (4, 4)
        assert got["D"] == (3, 3)


def test_no_ballots_at_all_everything_ties_first():
    got = rank_intervals(["A", "B"], {"user": np.zeros((0, 2))}, {"user": 1}, "group_shares")
    assert got == {"A": (1, 1), "B": (1, 1)}
    assert rank_intervals(["A", "B"], {}, {}, "equal_people") == {"A": (1, 1), "B": (1, 1)}


def test_no_priorities():
    assert rank_intervals([], {"user": np.zeros((3, 0))}, {"user": 1}, "equal_people") == {}


def test_single_ballot_per_group_reproduces_point_ranks_with_float_noise():
    # 0.1 + 0.2 != 0.3 in binary floating point: the scores differ by one ulp, which
    # tally() treats as a tie; the resampled ranking must do the same.
    codes = ["A", "B"]
    points = {"x": np.array([[1.0, 0.0]]), "y": np.array([[1.0, 0.0]]), "z": np.array([[0.0, 1.0]])}
    weights = {"x": 0.1, "y": 0.2, "z": 0.3}
    for scheme in ("group_weights", "group_shares"):
        result = tally(codes, {("x", "A"): 1, ("y", "A"): 1, ("z", "B"): 1}, {"x": 1, "y": 1, "z": 1}, weights, scheme)
        a, b = (p.score for p in result.priorities)
        assert a != b  # the noise is really there
        assert [p.rank for p in result.priorities] == [1, 1]
        got = rank_intervals(codes, points, weights, scheme, resamples=10)
        assert got == {"A": (1, 1), "B": (1, 1)}


def test_interval_ends_are_observed_extremes_with_two_resamples():
    # With two resamples the lower end is the smaller observed rank and the upper end the
    # larger one (no interpolation). One voter approves A, another B: a resample ranks A
    # first (both ballots A), second (both B) or tied first, so over a few seeds the two
    # resamples must sometimes disagree and the interval must then span both ranks.
    points = {"user": np.array([[1.0, 0.0], [0.0, 1.0]])}
    seen = set()
    for seed in range(40):
        got = rank_intervals(["A", "B"], points, {"user": 1}, "equal_people", resamples=2, level=0.5, seed=seed)
        for lo, hi in got.values():
            assert type(lo) is int and type(hi) is int and lo in (1, 2) and hi in (1, 2)
        seen.add(got["A"])
    assert (1, 2) in seen
    assert seen <= {(1, 1), (2, 2), (1, 2)}


@settings(max_examples=60, deadline=None, database=None)
@given(st.data())
def test_constant_groups_match_tally_exactly(data):
    # Groups made of identical ballots resample to themselves, so the bootstrap
    # must reproduce tally()'s ranks exactly, ties included.
    m = data.draw(st.integers(1, 5))
    codes = [f"P{i}" for i in range(m)]
    n_groups = data.draw(st.integers(1, 4))
    points, weights = {}, {}
    for k in range(n_groups):
        row = data.draw(st.lists(st.integers(0, 4), min_size=m, max_size=m))
        points[f"g{k}"] = repeat(row, data.draw(st.integers(0, 6))).reshape(-1, m)
        weights[f"g{k}"] = data.draw(st.sampled_from([0.1, 0.2, 0.3, 1.0, 1.5, 2.0, 3.0]))
    scheme = data.draw(st.sampled_from(SCHEMES))
    got = rank_intervals(codes, points, weights, scheme, resamples=5)
    expected = point_ranks(codes, points, weights, scheme)
    assert got == {p: (r, r) for p, r in expected.items()}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scheme": "nope"}, "unknown weighting scheme"),
        ({"weights": {}}, "no weight"),
        ({"points": {"user": np.ones((3, 2))}}, r"\(n x 3\) array"),
        ({"points": {"user": -np.ones((3, 3))}}, ">= 0"),
        ({"resamples": 0}, "resamples"),
        ({"level": 1.0}, "level"),
        ({"level": 0.0}, "level"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_rejects_bad_input(kwargs, message):
    args = {"points": {"user": np.ones((3, 3))}, "weights": {"user": 1.0}, "scheme": "equal_people"}
    args.update(kwargs)
    extra = {k: v for k, v in args.items() if k in ("resamples", "level", "chunk_size")}
    with pytest.raises(ValueError, match=message):
        rank_intervals(["A", "B", "C"], args["points"], args["weights"], args["scheme"], **extra)
