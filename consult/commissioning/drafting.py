"""From a results snapshot to the evidence behind draft intentions (pure: plain data in, plain data out).

A consultation's priorities are ranked across its localities in one of two ways, chosen per draft run:

- ``equal``: every locality with ballots counts the same;
- ``population``: each locality with ballots counts in proportion to its population.

Within a locality a priority's part is its share of that locality's weighted scores (DESIGN section 6),
so a locality with many ballots does not outweigh one with few: the combined score of p is
sum_l w(l) * share_l(p), with the weights w(l) adding up to 1. Per-group contributions combine the
same way (each group's term over the locality's total), so they add up to the combined score. Ranks
are competition ranks with the tally's tie rule. Localities without ballots carry no weight; if no
locality has any, the tally over all ballots is used instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from consult.voting.tally import competition_ranks

COMBINE_METHODS: tuple[str, ...] = ("equal", "population")


@dataclass(frozen=True)
class ScopeResult:
    """One tally (all ballots, or one locality's): ballot counts and, by priority code, score/share/rank/by_group."""

    ballots: int
    ballots_by_group: dict[str, int]
    priorities: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class SnapshotEvidence:
    scheme: str
    overall: ScopeResult
    localities: dict[str, ScopeResult]
    #: Bootstrap rank interval (low, high) of each priority over all ballots, if the snapshot has one.
    intervals: dict[str, tuple[int, int]]


def _scope(tally: Mapping[str, Any] | None) -> ScopeResult:
    tally = tally or {}
    priorities = {}
    for p in tally.get("priorities") or []:
        priorities[p["code"]] = {"score": float(p.get("score", 0.0)), "share": float(p.get("share", 0.0)),
                                 "rank": int(p["rank"]), "by_group": {g: float(v) for g, v in
                                                                      (p.get("by_group") or {}).items()}}
    return ScopeResult(ballots=int(tally.get("ballots", 0)),
                       ballots_by_group={g: int(n) for g, n in (tally.get("ballots_by_group") or {}).items()},
                       priorities=priorities)


def read_snapshot(data: Mapping[str, Any], scheme: str | None = None) -> SnapshotEvidence:
    """The one place that knows the shape of ResultsSnapshot.data (written by consult.voting's tally service).

    Expected: {"weighting": scheme, "schemes": {scheme: {"overall": TallyResult.as_dict(),
    "localities": {code: TallyResult.as_dict()}}}, "intervals": {scheme: {code: [low, high]}}}.
    """
    scheme = scheme or data.get("weighting")
    schemes = data.get("schemes") or {}
    if scheme not in schemes:
        raise ValueError(f"the results snapshot has no tally under the weighting {scheme!r}")
    block = schemes[scheme]
    intervals = {code: (int(lo), int(hi)) for code, (lo, hi) in ((data.get("intervals") or {}).get(scheme) or {})
                 .items()}
    return SnapshotEvidence(scheme=scheme, overall=_scope(block.get("overall")),
                            localities={code: _scope(t) for code, t in (block.get("localities") or {}).items()},
                            intervals=intervals)


def locality_weights(localities: Mapping[str, ScopeResult], populations: Mapping[str, int],
                     method: str) -> dict[str, float]:
    """How much each locality with ballots counts (adding up to 1); {} when no locality has any."""
    if method not in COMBINE_METHODS:
        raise ValueError(f"unknown way of combining localities {method!r}; expected one of {COMBINE_METHODS}")
    voting = sorted(code for code, r in localities.items()
                    if r.ballots > 0 and math.fsum(p["score"] for p in r.priorities.values()) > 0)
    if not voting:
        return {}
    if method == "population":
        total = sum(max(int(populations.get(code, 0)), 0) for code in voting)
        if total > 0:
            return {code: max(int(populations.get(code, 0)), 0) / total for code in voting}
    return {code: 1 / len(voting) for code in voting}


@dataclass(frozen=True)
class Combined:
    score: float
    rank: int
    by_group: dict[str, float]


def combine(codes: Sequence[str], evidence: SnapshotEvidence, populations: Mapping[str, int],
            method: str) -> tuple[dict[str, Combined], dict[str, float]]:
    """Each priority's combined score, rank and per-group parts; and the weight each locality carried."""
    weights = locality_weights(evidence.localities, populations, method)
    scopes = {code: evidence.localities[code] for code in weights} or {"*": evidence.overall}
    weights = weights or {"*": 1.0}
    scores: dict[str, float] = {}
    by_group: dict[str, dict[str, float]] = {}
    for p in codes:
        parts: dict[str, list[float]] = {}
        for code, scope in scopes.items():
            total = math.fsum(x["score"] for x in scope.priorities.values())
            if total <= 0:
                continue
            for g, v in (scope.priorities.get(p) or {}).get("by_group", {}).items():
                parts.setdefault(g, []).append(weights[code] * v / total)
        by_group[p] = {g: math.fsum(vs) for g, vs in sorted(parts.items())}
        scores[p] = math.fsum(by_group[p].values())
    ranks = competition_ranks(scores)
    result = {p: Combined(score=scores[p], rank=ranks[p], by_group=by_group[p]) for p in codes}
    return result, ({} if "*" in weights else weights)


@dataclass
class PriorityEvidence:
    """Everything a draft intention for one priority records as its evidence."""

    code: str
    n_priorities: int
    combined: Combined
    #: scope -> {"rank", "score", "share", "ballots", "by_group", "weight"}; scopes "all" and "locality:<code>".
    scopes: dict[str, dict[str, Any]] = field(default_factory=dict)
    interval: tuple[int, int] | None = None

    @property
    def rank(self) -> int | None:
        """The priority's place in the result (all ballots, the consultation's weighting): the one ranking."""
        overall = self.scopes.get("all")
        return int(overall["rank"]) if overall is not None else None


def build_evidence(codes: Sequence[str], evidence: SnapshotEvidence, populations: Mapping[str, int],
                   method: str) -> list[PriorityEvidence]:
    """Evidence for every priority, in the result's order (then by code); the combined ranks are another view."""
    combined, weights = combine(codes, evidence, populations, method)
    out = []
    for p in codes:
        scopes = {}
        overall = evidence.overall.priorities.get(p)
        if overall is not None:
            scopes["all"] = {**overall, "ballots": evidence.overall.ballots, "weight": None}
        for loc, scope in sorted(evidence.localities.items()):
            result = scope.priorities.get(p)
            if result is not None:
                scopes[f"locality:{loc}"] = {**result, "ballots": scope.ballots, "weight": weights.get(loc, 0.0)}
        out.append(PriorityEvidence(code=p, n_priorities=len(codes), combined=combined[p], scopes=scopes,
                                    interval=evidence.intervals.get(p)))
    out.sort(key=lambda e: (e.rank if e.rank is not None else len(codes) + 1, e.code))
    return out
