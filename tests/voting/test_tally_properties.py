"""Property-based checks of consult.voting.tally (DESIGN.md section 6)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from consult.voting.tally import SCHEMES, ballot_points, tally, tally_ballots

GROUPS = ["user", "carer", "gp", "social", "provider"]
# No example database: the suite must not write files into the repository.
SETTINGS = settings(max_examples=100, deadline=None, database=None)


@st.composite
def elections(draw, method=None):
    """Priorities, validated ballots (group, points), weights and a scheme."""
    m = draw(st.integers(1, 6))
    codes = [f"P{i}" for i in draw(st.permutations(range(m)))]
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=4, unique=True))
    method = method or draw(st.sampled_from(["ranking", "approval", "points"]))
    budget = 10
    ballots = []
    for _ in range(draw(st.integers(0, 25))):
        g = draw(st.sampled_from(groups))
        chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=m, unique=True))
        if method == "ranking":
            choices = {c: i + 1 for i, c in enumerate(chosen)}
        elif method == "approval":
            choices = {c: 1 for c in chosen}
        else:
            parts = draw(st.lists(st.integers(0, budget), min_size=len(chosen), max_size=len(chosen)))
            if sum(parts) == 0 or sum(parts) > budget:
                continue
            choices = dict(zip(chosen, parts))
        ballots.append((g, ballot_points(method, codes, choices, points_budget=budget)))
    weights = {g: draw(st.floats(0.05, 20, allow_nan=False)) for g in groups}
    scheme = draw(st.sampled_from(SCHEMES))
    return codes, ballots, weights, scheme


def check_competition_ranking(result):
    ps = result.priorities
    assert [(p.rank, p.code) for p in ps] == sorted((p.rank, p.code) for p in ps)
    assert ps[0].rank == 1
    for i, p in enumerate(ps):
        # A rank is either shared with the previous entry or equals 1 + the number listed above it.
        assert p.rank == i + 1 or (i > 0 and p.rank == ps[i - 1].rank)
    for p in ps:
        for q in ps:
            if p.score == q.score:
                assert p.rank == q.rank
            elif q.score > p.score and not math.isclose(q.score, p.score, rel_tol=1e-9, abs_tol=1e-12):
                assert q.rank < p.rank


@SETTINGS
@given(elections())
def test_shares_sum_to_one(e):
    codes, ballots, weights, scheme = e
    r = tally_ballots(codes, ballots, weights, scheme)
    total = sum(p.score for p in r.priorities)
    if total > 0:
        assert math.isclose(sum(p.share for p in r.priorities), 1.0, rel_tol=1e-12)
        for p in r.priorities:
            assert math.isclose(p.share, p.score / total, rel_tol=1e-12, abs_tol=1e-15)
    else:
        assert all(p.share == 0.0 and p.rank == 1 for p in r.priorities)


@SETTINGS
@given(elections())
def test_by_group_parts_add_up_to_score(e):
    codes, ballots, weights, scheme = e
    r = tally_ballots(codes, ballots, weights, scheme)
    assert sorted(p.code for p in r.priorities) == sorted(codes)
    for p in r.priorities:
        assert set(p.by_group) == set(r.ballots_by_group)
        assert math.fsum(p.by_group.values()) == p.score
    assert r.ballots == len(ballots) == sum(r.ballots_by_group.values())


@SETTINGS
@given(elections(), st.randoms(use_true_random=False))
def test_independent_of_ballot_order(e, rnd):
    codes, ballots, weights, scheme = e
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert tally_ballots(codes, shuffled, weights, scheme) == tally_ballots(codes, ballots, weights, scheme)


@SETTINGS
@given(elections(), st.randoms(use_true_random=False))
def test_independent_of_table_order(e, rnd):
    # The SQL GROUP BY may return rows in any order; so may the dicts built from it.
    codes, ballots, weights, scheme = e
    base = tally_ballots(codes, ballots, weights, scheme)
    sums: dict[tuple[str, str], int] = {}
    for g, pts in ballots:
        for p, v in pts.items():
            sums[(g, p)] = sums.get((g, p), 0) + v
    keys = list(sums)
    rnd.shuffle(keys)
    groups = list(base.ballots_by_group)
    rnd.shuffle(groups)
    again = tally(
        codes,
        {k: sums[k] for k in keys},
        {g: base.ballots_by_group[g] for g in groups},
        dict(reversed(list(weights.items()))),
        scheme,
    )
    assert again == base


@SETTINGS
@given(elections(), st.floats(0.01, 100))
def test_scaling_weights_keeps_shares(e, c):
    codes, ballots, weights, scheme = e
    base = tally_ballots(codes, ballots, weights, scheme)
    scaled = tally_ballots(codes, ballots, {g: c * w for g, w in weights.items()}, scheme)
    factor = 1.0 if scheme == "equal_people" else c
    for p, q in zip(base.priorities, scaled.priorities):
        assert (p.code, p.rank) == (q.code, q.rank)
        assert math.isclose(q.score, factor * p.score, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(q.share, p.share, rel_tol=1e-9, abs_tol=1e-12)


@SETTINGS
@given(elections(), st.data())
def test_group_shares_unchanged_when_a_group_is_duplicated(e, data):
    codes, ballots, weights, _ = e
    if not ballots:
        return
    group = data.draw(st.sampled_from(sorted({g for g, _ in ballots})))
    k = data.draw(st.integers(2, 4))
    repeated = ballots + [(g, pts) for g, pts in ballots if g == group] * (k - 1)
    base = tally_ballots(codes, ballots, weights, "group_shares")
    more = tally_ballots(codes, repeated, weights, "group_shares")
    assert more.ballots_by_group[group] == k * base.ballots_by_group[group]
    for p, q in zip(base.priorities, more.priorities):
        assert (p.code, p.rank) == (q.code, q.rank)
        assert math.isclose(q.score, p.score, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(q.share, p.share, rel_tol=1e-9, abs_tol=1e-12)


@SETTINGS
@given(elections(), st.data())
def test_equal_people_does_grow_when_a_group_is_duplicated(e, data):
    # The contrast that makes the group_shares property meaningful.
    codes, ballots, weights, _ = e
    if not ballots:
        return
    group = data.draw(st.sampled_from(sorted({g for g, _ in ballots})))
    repeated = ballots + [(g, pts) for g, pts in ballots if g == group]
    base = tally_ballots(codes, ballots, weights, "equal_people")
    more = tally_ballots(codes, repeated, weights, "equal_people")
    for p, q in zip(sorted(base.priorities, key=lambda r: r.code), sorted(more.priorities, key=lambda r: r.code)):
        assert q.score == p.score + p.by_group[group]


@SETTINGS
@given(elections())
def test_ranks_are_a_competition_ranking(e):
    codes, ballots, weights, scheme = e
    check_competition_ranking(tally_ballots(codes, ballots, weights, scheme))


@SETTINGS
@given(
    st.lists(st.sampled_from([0.0, 1.0, 2.0, 2.0 + 1e-10, 3.0, 1e-13, 5.5]), min_size=1, max_size=8),
)
def test_ranks_with_planted_ties(values):
    codes = [f"Q{i}" for i in range(len(values))]
    r = tally(codes, {("g", c): v for c, v in zip(codes, values)}, {"g": 1}, {"g": 1}, "equal_people")
    check_competition_ranking(r)
    by_code = {p.code: p for p in r.priorities}
    for c, v in zip(codes, values):
        # Values here are either equal within tolerance or far apart, so rank = 1 + number clearly above.
        above = sum(1 for w in values if w > v and not math.isclose(w, v, rel_tol=1e-9, abs_tol=1e-12))
        assert by_code[c].rank == 1 + above


@SETTINGS
@given(st.integers(1, 8).flatmap(lambda m: st.tuples(st.just(m), st.permutations(range(m)), st.integers(1, m))))
def test_ranking_points_are_truncated_borda(case):
    m, perm, k = case
    codes = [f"P{i}" for i in range(m)]
    ranked = [codes[i] for i in perm[:k]]
    pts = ballot_points("ranking", codes, {c: pos + 1 for pos, c in enumerate(ranked)})
    # position i earns m - i; unranked priorities and the last of m earn nothing and are dropped
    assert pts == {c: m - (pos + 1) for pos, c in enumerate(ranked) if m - (pos + 1) > 0}
    assert sum(pts.values()) == sum(m - i for i in range(1, k + 1))
