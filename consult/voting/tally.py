"""Ballot validation, weighted tallies and bootstrap rank intervals (DESIGN.md section 6).

Everything here is pure: plain data in, plain data out, no Flask or database.
The tally works on the small per-(group, priority) table that a SQL
``GROUP BY`` returns, so its cost does not depend on the number of ballots.
How groups are weighted is consult.voting.weighting; the bootstrap intervals,
offered here with the rest of the tally, are consult.voting.intervals.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from consult.voting.intervals import rank_intervals, rank_intervals_by_scheme
from consult.voting.weighting import SCHEMES, check_codes, check_scheme, checked_weights, group_factor, tied

__all__ = [
    "METHODS",
    "SCHEMES",
    "BallotError",
    "PriorityResult",
    "TallyResult",
    "ballot_points",
    "borda_points",
    "rank_intervals",
    "rank_intervals_by_scheme",
    "tally",
    "tally_ballots",
]

METHODS: tuple[str, ...] = ("ranking", "approval", "points")


class BallotError(ValueError):
    """A ballot that breaks the method's rules; ``str(e)`` is a human-readable English reason.

    ``code`` is a short machine key: ``repeat_rank``, ``gap_in_ranks``,
    ``over_budget``, ``too_many_choices``, ``unknown_priority``,
    ``negative_points``, ``not_whole``, ``empty_ballot`` or ``bad_value``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------
# One ballot
# --------------------------------------------------------------------------


def borda_points(m: int, position: int) -> int:
    """Points for rank ``position`` (1 = most important) among ``m`` priorities: m - position."""
    if not 1 <= position <= m:
        raise ValueError(f"position {position} is outside 1..{m}")
    return m - position


def _whole(code: str, value: Any) -> int:
    """Return ``value`` as an int, or raise: only true integers count (bool is not a number here)."""
    # bool is a subclass of int, but True/False on a ballot is a data error, not "1 point".
    if isinstance(value, bool):
        raise BallotError("bad_value", f"The value for {code} must be a whole number, not {value!r}.")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        raise BallotError("not_whole", f"The value for {code} must be a whole number, not {value!r}.")
    raise BallotError("bad_value", f"The value for {code} must be a whole number, not {value!r}.")


def _check_count(n_chosen: int, max_choices: int | None, what: str) -> None:
    if max_choices is not None and n_chosen > max_choices:
        raise BallotError(
            "too_many_choices",
            f"This ballot {what} {n_chosen} priorities; at most {max_choices} may be chosen.",
        )


def ballot_points(
    method: str,
    priority_codes: Sequence[str],
    choices: Mapping[str, int],
    *,
    points_budget: int | None = None,
    max_choices: int | None = None,
) -> dict[str, int]:
    """Validate one ballot and return the points each priority earns (only non-zero entries).

    ``choices`` holds the values of the ballots CSV: rank positions 1..k without
    repeats or gaps for ``ranking`` (position i earns m - i), 1 per approved
    priority for ``approval``, whole points >= 0 summing to at most
    ``points_budget`` for ``points``. ``max_choices`` caps how many priorities
    are ranked, approved or given points. A ballot that chooses nothing is
    rejected. A bad ballot raises :class:`BallotError`; a bad configuration
    (unknown method, missing budget) raises plain :class:`ValueError`.
    """
    if method not in METHODS:
        raise ValueError(f"unknown voting method {method!r}; expected one of {METHODS}")
    if max_choices is not None and max_choices < 1:
        raise ValueError(f"max_choices must be at least 1, got {max_choices}")
    if method == "points" and (points_budget is None or points_budget < 1):
        raise ValueError(f"the points method needs a points_budget of at least 1, got {points_budget!r}")

    known = set(priority_codes)
    if len(known) != len(priority_codes):
        raise ValueError("priority codes must be unique")
    unknown = sorted(str(c) for c in choices if c not in known)
    if unknown:
        raise BallotError("unknown_priority", f"Unknown priority code(s): {', '.join(unknown)}.")
    values = {code: _whole(code, value) for code, value in choices.items()}
    if not values:
        raise BallotError("empty_ballot", "This ballot does not choose any priority.")

    m = len(priority_codes)
    if method == "ranking":
        return _ranking_points(m, values, max_choices)
    if method == "approval":
        return _approval_points(values, max_choices)
    assert points_budget is not None
    return _points_points(points_budget, values, max_choices)


def _ranking_points(m: int, ranks: dict[str, int], max_choices: int | None) -> dict[str, int]:
    for code, rank in ranks.items():
        if rank < 1:
            raise BallotError("bad_value", f"The rank for {code} must be 1 or more, not {rank}.")
    by_rank: dict[int, list[str]] = {}
    for code, rank in ranks.items():
        by_rank.setdefault(rank, []).append(code)
    for rank in sorted(by_rank):
        if len(by_rank[rank]) > 1:
            codes = ", ".join(sorted(by_rank[rank]))
            raise BallotError("repeat_rank", f"Rank {rank} is given to more than one priority ({codes}).")
    k = len(ranks)
    # Positions must be exactly 1..k; with unique ranks, any rank above k means a hole below it.
    missing = [r for r in range(1, k + 1) if r not in by_rank]
    if missing:
        raise BallotError(
            "gap_in_ranks",
            f"Ranks must run 1, 2, 3 … without gaps; rank {missing[0]} is missing.",
        )
    _check_count(k, max_choices, "ranks")
    # k <= m holds here: codes are unique and known, so k cannot exceed m.
    return {code: m - rank for code, rank in ranks.items() if m - rank > 0}


def _approval_points(values: dict[str, int], max_choices: int | None) -> dict[str, int]:
    for code, value in values.items():
        if value != 1:
            raise BallotError("bad_value", f"An approval for {code} must be 1, not {value}.")
    _check_count(len(values), max_choices, "approves")
    return dict(values)


def _points_points(budget: int, values: dict[str, int], max_choices: int | None) -> dict[str, int]:
    for code, value in values.items():
        if value < 0:
            raise BallotError("negative_points", f"Points for {code} cannot be negative ({value}).")
    given = {code: value for code, value in values.items() if value > 0}
    if not given:
        raise BallotError("empty_ballot", "This ballot gives no points to any priority.")
    total = sum(given.values())
    if total > budget:
        raise BallotError("over_budget", f"This ballot spends {total} points; the budget is {budget}.")
    _check_count(len(given), max_choices, "gives points to")
    return given


# --------------------------------------------------------------------------
# Tally
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityResult:
    """One priority's weighted score, share of all scores, competition rank and per-group parts."""

    code: str
    score: float
    share: float
    rank: int
    by_group: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "score": self.score,
            "share": self.share,
            "rank": self.rank,
            "by_group": dict(self.by_group),
        }


@dataclass(frozen=True)
class TallyResult:
    """A whole tally: the scheme used, ballot counts, and priorities ordered by rank then code."""

    scheme: str
    ballots: int
    ballots_by_group: dict[str, int]
    priorities: list[PriorityResult]

    def as_dict(self) -> dict[str, Any]:
        """The ``results --format json`` shape (DESIGN section 8), minus consultation/method/locality."""
        return {
            "weighting": self.scheme,
            "ballots": self.ballots,
            "ballots_by_group": dict(self.ballots_by_group),
            "priorities": [p.as_dict() for p in self.priorities],
        }


def competition_ranks(scores: Mapping[str, float]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4); a tie-run is every score close to the run's first (largest) score."""
    ordered = sorted(scores, key=lambda c: (-scores[c], c))
    ranks: dict[str, int] = {}
    anchor = 0.0
    for i, code in enumerate(ordered):
        # Compare with the run's first member, not the previous one, so a slow drift of
        # near-equal scores cannot chain into one long tie. rank_intervals uses the same rule.
        if i == 0 or not tied(scores[code], anchor):
            anchor = scores[code]
            ranks[code] = i + 1
        else:
            ranks[code] = ranks[ordered[i - 1]]
    return ranks


def _checked_counts(ballots_by_group: Mapping[str, int]) -> dict[str, int]:
    """Each group's ballot count, in sorted group order; a count that is not a whole number >= 0 is a ValueError."""
    counts: dict[str, int] = {}
    for g in sorted(ballots_by_group):
        n = ballots_by_group[g]
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"ballot count for group {g!r} must be a whole number >= 0, got {n!r}")
        counts[g] = int(n)
    return counts


def _checked_sums(sums: Mapping[tuple[str, str], float], counts: Mapping[str, int],
                  priority_codes: Sequence[str]) -> dict[tuple[str, str], float]:
    """S(g,p) as floats, refusing sums that name an unknown group or priority or that the counts contradict."""
    known = set(priority_codes)
    table: dict[tuple[str, str], float] = {}
    for (g, p), s in sums.items():
        if g not in counts:
            raise ValueError(f"points recorded for group {g!r}, which has no ballot count")
        if p not in known:
            raise ValueError(f"points recorded for unknown priority {p!r}")
        value = float(s)  # SQL SUM may hand back Decimal or int
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"point sum for ({g!r}, {p!r}) must be a finite number >= 0, got {s!r}")
        # Points without ballots means the two queries disagree; a silent 0 would hide that.
        if counts[g] == 0 and value != 0:
            raise ValueError(f"group {g!r} has points for {p!r} but no ballots")
        table[(g, p)] = value
    return table


def tally(
    priority_codes: Sequence[str],
    sums: Mapping[tuple[str, str], float],
    ballots_by_group: Mapping[str, int],
    weights: Mapping[str, float],
    scheme: str,
) -> TallyResult:
    """Combine per-(group, priority) point sums S(g,p) and per-group ballot counts n(g) under a weighting scheme.

    equal_people: score = sum_g S(g,p); group_weights: sum_g w(g)*S(g,p);
    group_shares: sum over groups with n(g) > 0 of w(g)*S(g,p)/n(g).
    ``by_group[g]`` is g's term, share = score / total score (0 when the total
    is 0), ranks are competition ranks with ties within 1e-9 relative, and
    priorities are listed by rank then code. Every priority and every group
    in ``ballots_by_group`` appears in the result. Cost is O(groups x priorities).
    """
    check_scheme(scheme)
    check_codes(priority_codes)
    counts = _checked_counts(ballots_by_group)
    groups = list(counts)
    w = checked_weights(groups, weights)
    table = _checked_sums(sums, counts, priority_codes)

    factor = {g: group_factor(scheme, w[g], counts[g]) for g in groups}
    by_group: dict[str, dict[str, float]] = {
        p: {g: factor[g] * table.get((g, p), 0.0) for g in groups} for p in priority_codes
    }
    # fsum gives the correctly rounded sum, so the result cannot depend on group order.
    scores = {p: math.fsum(by_group[p].values()) for p in priority_codes}
    total = math.fsum(scores.values())
    ranks = competition_ranks(scores)
    results = [
        PriorityResult(
            code=p,
            score=scores[p],
            share=scores[p] / total if total > 0 else 0.0,
            rank=ranks[p],
            by_group=by_group[p],
        )
        for p in priority_codes
    ]
    results.sort(key=lambda r: (r.rank, r.code))
    return TallyResult(scheme=scheme, ballots=sum(counts.values()), ballots_by_group=counts, priorities=results)


def tally_ballots(
    priority_codes: Sequence[str],
    ballots: Iterable[tuple[str, Mapping[str, int]]],
    weights: Mapping[str, float],
    scheme: str,
) -> TallyResult:
    """Convenience for tests and small data: ballots as (group, points-per-priority) pairs -> sums -> tally().

    The points are those returned by :func:`ballot_points`. ``ballots_by_group``
    lists only the groups that cast a ballot here.
    """
    sums: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    for group, points in ballots:
        counts[group] = counts.get(group, 0) + 1
        for p, v in points.items():
            sums[(group, p)] = sums.get((group, p), 0) + v
    return tally(priority_codes, sums, counts, weights, scheme)
