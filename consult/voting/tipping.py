"""Tipping points: how far one stakeholder group's weight can move before the result changes (DESIGN section 6).

Pure: plain data in, plain data out, no Flask or database. The *outcome* of a tally is its first place (the
priorities with rank 1) and its top set (the priorities with rank <= top_cutoff(m), consult/voting/top.py, the
set the departures rule uses), with the tally's own competition ranks and 1e-9 relative ties.

With every other group's weight fixed, each score is a line in group g's weight x: score(p) = a(p) + b(p)·x,
where b(p) = S(g,p) under group_weights and S(g,p)/n(g) under group_shares. Two priorities change order only
where their lines cross, at x* = (a(q) − a(p)) / (b(p) − b(q)), so the outcome is constant between crossings
and the thresholds are found exactly, by looking at each interval in turn: no numeric search.

The threshold in a direction is the crossing nearest the current weight w beyond which the outcome differs
from the one at w. At the threshold itself the two priorities tie (they share a place, so the outcome there
already differs); at every weight strictly between w and the threshold the outcome is the one at w. Down
looks in [0, w), up in (w, ∞); None means no weight in that direction changes the outcome (always so down
from a weight of 0). A threshold equal to w means w sits on a tie that decides the outcome, so any move
changes it. Under equal_people the weights do not enter, so there are no tipping points; a group without
ballots, or whose ballots gave every priority the same points, has lines of equal slope and none either.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from consult.voting.tally import competition_ranks, tally
from consult.voting.top import top_cutoff
from consult.voting.weighting import checked_weights, group_factor, tied

#: The scheme under which weights do not change any score.
UNWEIGHTED = "equal_people"


@dataclass(frozen=True)
class Outcome:
    """What the tipping points watch: the first place and the top set, each in the vote's priority order."""

    first: tuple[str, ...]
    top: tuple[str, ...]


def outcome(priority_codes: Sequence[str], scores: Mapping[str, float]) -> Outcome:
    """The first place and top set of these scores, ranked as the tally ranks them."""
    ranks = competition_ranks(scores)
    cutoff = top_cutoff(len(priority_codes))
    return Outcome(first=tuple(p for p in priority_codes if ranks[p] == 1),
                   top=tuple(p for p in priority_codes if ranks[p] <= cutoff))


def _missing(these: tuple[str, ...], there: tuple[str, ...]) -> list[str]:
    return [p for p in these if p not in there]


@dataclass(frozen=True)
class Change:
    """A threshold weight and the outcome just beyond it, with what differs from the outcome now."""

    weight: float
    before: Outcome
    after: Outcome

    def as_dict(self) -> dict[str, Any]:
        b, a = self.before, self.after
        return {"weight": self.weight, "first": list(a.first), "top": list(a.top),
                "took_first": _missing(a.first, b.first), "lost_first": _missing(b.first, a.first),
                "entering": _missing(a.top, b.top), "leaving": _missing(b.top, a.top)}


@dataclass(frozen=True)
class TippingPoint:
    """One group's weight now, the outcome at it, and the nearest change down and up (None: no change)."""

    group: str
    weight: float
    now: Outcome
    down: Change | None
    up: Change | None

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "weight": self.weight, "first": list(self.now.first),
                "top": list(self.now.top), "down": self.down.as_dict() if self.down else None,
                "up": self.up.as_dict() if self.up else None}


def _lines(group: str, codes: Sequence[str], sums: Mapping[tuple[str, str], float], counts: Mapping[str, int],
           weights: Mapping[str, float], scheme: str) -> tuple[dict[str, float], dict[str, float]]:
    """Each score as a(p) + b(p)·x in the group's weight x, the other groups' weights as given."""
    slope = group_factor(scheme, 1.0, counts[group])  # 1 (group_weights), 1/n (group_shares), 0 without ballots
    a = {p: math.fsum(group_factor(scheme, weights[h], counts[h]) * float(sums.get((h, p), 0))
                      for h in counts if h != group) for p in codes}
    b = {p: slope * float(sums.get((group, p), 0)) for p in codes}
    return a, b


def _crossings(codes: Sequence[str], a: Mapping[str, float], b: Mapping[str, float], w: float) -> list[float]:
    """Every weight >= 0 where two priorities' lines cross, in increasing order, each point once.

    Two priorities tied now (as the tally counts ties) cross at w itself, and two tied without this group
    cross at 0, so that rounding cannot put the crossing a hair to either side of where the tally sees it."""
    found: set[float] = set()
    for i, p in enumerate(codes):
        for q in codes[i + 1:]:
            if b[p] == b[q]:
                continue  # parallel lines: their order never changes
            if tied(a[p] + b[p] * w, a[q] + b[q] * w):
                found.add(w)
            elif tied(a[p], a[q]):
                found.add(0.0)
            else:
                x = (a[q] - a[p]) / (b[p] - b[q])
                if x >= 0:
                    found.add(x)
    # Three or more lines through one point give that point once per pair, a rounding error apart: keep it
    # once (the current weight or 0 where it is one of them), or the interval between would look like a change.
    merged: list[float] = []
    for x in sorted(found):
        if merged and tied(x, merged[-1]):
            if x == w:
                merged[-1] = w
            continue
        merged.append(x)
    return merged


def _first_change(codes: Sequence[str], a: Mapping[str, float], b: Mapping[str, float], now: Outcome,
                  thresholds: list[float], beyond: list[float]) -> Change | None:
    """The first threshold whose far side (the point in `beyond`) has another outcome."""
    for x, probe in zip(thresholds, beyond):
        after = outcome(codes, {p: a[p] + b[p] * probe for p in codes})
        if after != now:
            return Change(weight=x, before=now, after=after)
    return None


def _group_point(group: str, codes: Sequence[str], sums: Mapping[tuple[str, str], float],
                 counts: Mapping[str, int], weights: Mapping[str, float], scheme: str) -> TippingPoint:
    w = float(weights[group])
    a, b = _lines(group, codes, sums, counts, weights, scheme)
    now = outcome(codes, {p: a[p] + b[p] * w for p in codes})
    crossings = _crossings(codes, a, b, w)
    ups = [x for x in crossings if x >= w]
    # Between two crossings nothing changes order, so one point inside each interval stands for all of it.
    up_beyond = [(x + y) / 2 for x, y in zip(ups, ups[1:])] + [ups[-1] + max(1.0, ups[-1])] if ups else []
    downs = [x for x in reversed(crossings) if x <= w] if w > 0 else []
    down_beyond = [(x + y) / 2 for x, y in zip(downs, downs[1:])] + [downs[-1] / 2] if downs else []
    return TippingPoint(group=group, weight=w, now=now,
                        down=_first_change(codes, a, b, now, downs, down_beyond),
                        up=_first_change(codes, a, b, now, ups, up_beyond))


def tipping_points(priority_codes: Sequence[str], sums: Mapping[tuple[str, str], float],
                   ballots_by_group: Mapping[str, int], weights: Mapping[str, float],
                   scheme: str) -> list[TippingPoint]:
    """Each group's tipping points (in the order of `ballots_by_group`), from the tally's inputs.

    The inputs are checked as the tally checks them. Under equal_people the list is empty."""
    tally(priority_codes, sums, ballots_by_group, weights, scheme)  # the same checks, the same errors
    if scheme == UNWEIGHTED or not priority_codes:
        return []
    codes = list(priority_codes)
    counts = {g: int(n) for g, n in ballots_by_group.items()}
    w = checked_weights(counts, weights)
    return [_group_point(g, codes, sums, counts, w, scheme) for g in counts]


def overall_table(aggregate: Mapping[str, Any], groups: Sequence[str]) -> tuple[dict[tuple[str, str], int],
                                                                                dict[str, int]]:
    """A snapshot's stored aggregate, {locality: {"sums": {g: {p: points}}, "counts": {g: n}}}, added up."""
    sums: dict[tuple[str, str], int] = {}
    counts = dict.fromkeys(groups, 0)
    for table in aggregate.values():
        for g, points in table["sums"].items():
            for p, value in points.items():
                sums[(g, p)] = sums.get((g, p), 0) + value
        for g, n in table["counts"].items():
            counts[g] = counts.get(g, 0) + n
    return sums, counts


def without(tipping: Mapping[str, Any], groups: Iterable[str]) -> dict[str, Any]:
    """The same tipping points, less those of `groups` (e.g. groups too small to be shown in public)."""
    leave_out = set(groups)
    return dict(tipping, groups=[point for point in tipping["groups"] if point["group"] not in leave_out])


def from_snapshot(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The tipping points of a results snapshot's published scheme, as plain data; None for a snapshot
    without the aggregate table (version 1).

    {"scheme", "cutoff" (the lowest top rank), "weighted" (False under equal_people), "groups": [TippingPoint
    as_dict, in the snapshot's group order]}."""
    if data.get("aggregate") is None:
        return None
    sums, counts = overall_table(data["aggregate"], data["groups"])
    scheme = data["weighting"]
    points = tipping_points(data["priorities"], sums, counts, data["weights"], scheme)
    return {"scheme": scheme, "cutoff": top_cutoff(len(data["priorities"])), "weighted": scheme != UNWEIGHTED,
            "groups": [p.as_dict() for p in points]}
