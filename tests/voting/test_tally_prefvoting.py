"""Cross-check our Borda tallies against the independent pref_voting package.

pref_voting's Borda score gives a candidate the number of candidates ranked
below it: m - 1 for first place down to 0 for last, the same as our
"position i earns m - i". For truncated rankings its "domination Borda"
(candidates ranked strictly below, unranked ones counting as below every
ranked one) is again m - i for ranked position i and 0 for unranked: our
truncated Borda.
"""

import math
from functools import reduce

import numpy as np
import pytest
from pref_voting.profiles import Profile
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.scoring_methods import borda_ranking, domination_borda_scores

from consult.voting.tally import ballot_points, tally_ballots

GROUPS = ["user", "carer", "practitioner", "provider"]
SIZES = [(3, 1), (3, 40), (5, 17), (8, 200), (12, 333)]


def election(seed: int, m: int, n: int):
    """n random complete rankings of m candidates, each ballot in a random group."""
    rng = np.random.default_rng(seed)
    rankings = [list(map(int, rng.permutation(m))) for _ in range(n)]
    groups = [GROUPS[i] for i in rng.integers(0, len(GROUPS), size=n)]
    return rankings, groups


def codes_for(m: int) -> list[str]:
    return [f"P{c:02d}" for c in range(m)]


def our_ballots(rankings, groups, m):
    codes = codes_for(m)
    return [
        (g, ballot_points("ranking", codes, {codes[c]: pos + 1 for pos, c in enumerate(r)}))
        for r, g in zip(rankings, groups)
    ]


def our_scores(result) -> dict[int, float]:
    return {int(p.code[1:]): p.score for p in result.priorities}


@pytest.mark.parametrize("m, n", SIZES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equal_people_is_borda(seed, m, n):
    rankings, groups = election(seed, m, n)
    weights = {g: 1.0 for g in GROUPS}
    ours = tally_ballots(codes_for(m), our_ballots(rankings, groups, m), weights, "equal_people")
    theirs = Profile(rankings).borda_scores()
    assert our_scores(ours) == {c: float(s) for c, s in theirs.items()}


@pytest.mark.parametrize("m, n", SIZES)
@pytest.mark.parametrize("seed", [4, 5])
def test_equal_people_with_rcounts(seed, m, n):
    # The same electorate given to pref_voting as distinct rankings with counts.
    rankings, groups = election(seed, m, n)
    counted: dict[tuple[int, ...], int] = {}
    for r in rankings:
        counted[tuple(r)] = counted.get(tuple(r), 0) + 1
    prof = Profile([list(r) for r in counted], rcounts=list(counted.values()))
    ours = tally_ballots(codes_for(m), our_ballots(rankings, groups, m), {g: 3.0 for g in GROUPS}, "equal_people")
    assert our_scores(ours) == {c: float(s) for c, s in prof.borda_scores().items()}


@pytest.mark.parametrize("m, n", SIZES)
@pytest.mark.parametrize("seed", [6, 7, 8])
def test_group_weights_is_borda_with_each_ballot_repeated_weight_times(seed, m, n):
    rankings, groups = election(seed, m, n)
    weights = {"user": 3, "carer": 2, "practitioner": 1, "provider": 4}
    ours = tally_ballots(codes_for(m), our_ballots(rankings, groups, m), weights, "group_weights")
    prof = Profile(rankings, rcounts=[weights[g] for g in groups])
    assert our_scores(ours) == {c: float(s) for c, s in prof.borda_scores().items()}


@pytest.mark.parametrize("m, n", SIZES)
@pytest.mark.parametrize("seed", [9, 10])
def test_group_shares_is_borda_with_ballots_repeated_weight_over_group_size(seed, m, n):
    # score = sum_g w(g) S(g,p) / n(g). Multiply through by L = lcm of the group sizes:
    # each ballot of g is repeated w(g) * L / n(g) times (a whole number), then divide by L.
    rankings, groups = election(seed, m, n)
    weights = {"user": 3, "carer": 2, "practitioner": 1, "provider": 4}
    n_by_group = {g: groups.count(g) for g in set(groups)}
    lcm = reduce(math.lcm, n_by_group.values())
    prof = Profile(rankings, rcounts=[weights[g] * lcm // n_by_group[g] for g in groups])
    ours = tally_ballots(codes_for(m), our_ballots(rankings, groups, m), weights, "group_shares")
    theirs = {c: s / lcm for c, s in prof.borda_scores().items()}
    assert our_scores(ours) == pytest.approx(theirs, rel=1e-12)


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_rank_order_and_ties_agree_with_borda_ranking(seed):
    # Few voters and candidates make Borda ties common; pref_voting's ranking is dense
    # (1, 2, 2, 3), ours is competition (1, 2, 2, 4), but they must order the same way.
    rankings, groups = election(seed, 4, 3)
    ours = tally_ballots(codes_for(4), our_ballots(rankings, groups, 4), {g: 1 for g in GROUPS}, "equal_people")
    our_rank = {int(p.code[1:]): p.rank for p in ours.priorities}
    their_rank = borda_ranking(Profile(rankings)).rmap
    for a in range(4):
        for b in range(4):
            assert (our_rank[a] < our_rank[b]) == (their_rank[a] < their_rank[b])
            assert (our_rank[a] == our_rank[b]) == (their_rank[a] == their_rank[b])


def test_seed_set_contains_ties():
    # Guard for the test above: at least one of its electorates really has a tie.
    tied = 0
    for seed in [11, 12, 13, 14]:
        rankings, _ = election(seed, 4, 3)
        scores = list(Profile(rankings).borda_scores().values())
        tied += len(set(scores)) < len(scores)
    assert tied > 0


@pytest.mark.parametrize("seed, m, n", [(21, 4, 15), (22, 6, 30), (23, 9, 12)])
def test_truncated_rankings_match_domination_borda(seed, m, n):
    rng = np.random.default_rng(seed)
    codes = codes_for(m)
    rankings = []
    for _ in range(n):
        k = int(rng.integers(1, m + 1))
        rankings.append([int(c) for c in rng.permutation(m)[:k]])
    ballots = [
        ("user", ballot_points("ranking", codes, {codes[c]: pos + 1 for pos, c in enumerate(r)})) for r in rankings
    ]
    ours = tally_ballots(codes, ballots, {"user": 1}, "equal_people")
    prof = ProfileWithTies([{c: pos + 1 for pos, c in enumerate(r)} for r in rankings], candidates=list(range(m)))
    theirs = domination_borda_scores(prof)
    assert our_scores(ours) == {c: float(s) for c, s in theirs.items()}
