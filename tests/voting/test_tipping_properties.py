"""Property checks of consult.voting.tipping against the tally itself (DESIGN.md section 6).

For random small tables, every reported threshold is checked with the real tally(): the outcome (first
place and top set) is the current one at every weight strictly between the current weight and the
threshold, including just before it, and differs at the threshold and just past it; where no threshold is
reported the outcome is the current one all the way to 0 or to a large weight.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from consult.voting.tally import tally
from consult.voting.tipping import Outcome, tipping_points
from consult.voting.top import top_cutoff

GROUPS = ["user", "carer", "gp", "provider"]
SETTINGS = settings(max_examples=300, deadline=None, database=None)


@st.composite
def tables(draw):
    """Priorities, integer point sums S(g,p), ballot counts n(g), weights on a grid of quarters, a scheme."""
    m = draw(st.integers(1, 6))
    codes = [f"P{i}" for i in range(m)]
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=4, unique=True))
    counts = {g: draw(st.integers(0, 5)) for g in groups}
    sums = {}
    for g in groups:
        for p in codes:
            if counts[g]:
                sums[(g, p)] = draw(st.integers(0, 4 * counts[g]))
    # Quarters keep ties exact (as integer ballots make them) and crossings well apart from each other.
    weights = {g: draw(st.integers(0, 20)) / 4 for g in groups}
    scheme = draw(st.sampled_from(["group_weights", "group_shares"]))
    return codes, sums, counts, weights, scheme


def outcome_at(table, group, x):
    """First place and top set from the real tally, with `group`'s weight set to x."""
    codes, sums, counts, weights, scheme = table
    result = tally(codes, sums, counts, {**weights, group: x}, scheme)
    rank = {p.code: p.rank for p in result.priorities}
    cutoff = top_cutoff(len(codes))
    return Outcome(first=tuple(p for p in codes if rank[p] == 1), top=tuple(p for p in codes if rank[p] <= cutoff))


def step(table, group, x):
    """A move in the weight comfortably wider than the tally's 1e-9 relative tie band around x."""
    codes, sums, counts, weights, scheme = table
    biggest = max(p.score for p in tally(codes, sums, counts, {**weights, group: x}, scheme).priorities)
    return 1e-6 * (1 + x + biggest)


def check_direction(table, point, change, sign, rng):
    w, g, now = point.weight, point.group, point.now
    if change is None:
        far = [w + 1e3, w * 10 + 50] if sign > 0 else [0.0]
        inside = far + [rng.uniform(0, w) if sign < 0 else w + rng.uniform(0, 100) for _ in range(5)]
        for x in inside:
            assert outcome_at(table, g, x) == now, (g, x)
        return
    c = change.weight
    assert (c >= w) if sign > 0 else (c <= w)
    eps = step(table, g, c)
    if c != w:
        just_before = max(c - eps, (w + c) / 2) if sign > 0 else min(c + eps, (w + c) / 2)
        for x in [just_before] + [w + f * (c - w) for f in (0.01, 0.25, 0.5, 0.75, rng.uniform(0.01, 0.99))]:
            assert outcome_at(table, g, x) == now, (g, c, x)
        assert outcome_at(table, g, c) != now  # at the threshold the two priorities tie
    just_past = c + eps if sign > 0 else max(c - eps, c / 2)
    past = outcome_at(table, g, just_past)
    assert past != now, (g, c, just_past)
    assert (list(past.first), list(past.top)) == (change.as_dict()["first"], change.as_dict()["top"])


@SETTINGS
@given(tables(), st.randoms(use_true_random=False))
def test_thresholds_agree_with_the_tally(table, rng):
    codes, sums, counts, weights, scheme = table
    for point in tipping_points(codes, sums, counts, weights, scheme):
        assert point.now == outcome_at(table, point.group, point.weight)
        check_direction(table, point, point.up, +1, rng)
        if point.weight == 0:
            assert point.down is None
        else:
            check_direction(table, point, point.down, -1, rng)


@SETTINGS
@given(tables())
def test_what_changes_is_the_difference_between_the_outcomes(table):
    codes, sums, counts, weights, scheme = table
    for point in tipping_points(codes, sums, counts, weights, scheme):
        for change in (point.down, point.up):
            if change is None:
                continue
            d = change.as_dict()
            before = point.now
            assert set(d["entering"]) == set(d["top"]) - set(before.top)
            assert set(d["leaving"]) == set(before.top) - set(d["top"])
            assert set(d["took_first"]) == set(d["first"]) - set(before.first)
            assert set(d["lost_first"]) == set(before.first) - set(d["first"])
            assert d["entering"] or d["leaving"] or d["took_first"] or d["lost_first"]

