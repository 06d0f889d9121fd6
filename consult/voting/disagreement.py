"""Where stakeholder groups disagree: how differently each group, counted on its own, placed each priority.

A group's own places are the competition ranks (tally.competition_ranks, so ties share a place) of the points
its own ballots gave each priority. Within one group every ballot counts alike under all three weighting
schemes, so a group's own places do not depend on the scheme or on the weights: they say what that group
wanted, before anyone's weight is applied. A priority's spread is its lowest place less its highest among the
groups compared; the gap between a pair of groups (by default people who use services and carers, whom the
seeds single out as "different groups with different issues") is the second group's place less the first's.

Pure: plain data in, plain data out. Callers choose which groups may be shown (groups with too few ballots
for the public are left out before this is called; see consult.core.privacy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from consult.voting.tally import competition_ranks
from consult.voting.tipping import overall_table

#: A spread or gap of this many places or more is a disagreement worth naming in a summary.
NOTABLE = 2
#: Summaries name at most this many priorities where groups disagree most.
NAMED = 3


def group_places(priority_codes: Sequence[str], points: Mapping[str, Mapping[str, float]],
                 counts: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """{group: {priority: place}} for every group with at least one ballot, from its own points."""
    return {g: competition_ranks({p: float(points.get(g, {}).get(p, 0)) for p in priority_codes})
            for g in counts if counts[g] > 0}


def places_from_table(priority_codes: Sequence[str], sums: Mapping[tuple[str, str], float],
                      counts: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """group_places from an aggregate table keyed (group, priority), as tipping.overall_table gives it."""
    points: dict[str, dict[str, float]] = {}
    for (g, p), value in sums.items():
        points.setdefault(g, {})[p] = value
    return group_places(priority_codes, points, counts)


def snapshot_places(data: Mapping[str, Any], locality: str | None = None) -> dict[str, dict[str, int]] | None:
    """group_places from a results snapshot's stored aggregate table, for all localities or one; None for a
    snapshot kept before the aggregate table was (version 1)."""
    aggregate = data.get("aggregate")
    if aggregate is None:
        return None
    tables = aggregate if locality is None else {locality: aggregate.get(locality, {"sums": {}, "counts": {}})}
    return places_from_table(data["priorities"], *overall_table(tables, data["groups"]))


def disagreement(priority_codes: Sequence[str], places: Mapping[str, Mapping[str, int]], *,
                 groups: Sequence[str] | None = None, pair: Sequence[str] | None = None) -> dict[str, Any]:
    """How differently the groups in `places` (in the order of `groups`, when given) placed each priority.

    {"groups": [codes compared], "pair": [a, b] or None (only when both groups are compared),
     "priorities": [{"code", "places": {group: place}, "highest", "lowest", "spread", "gap"}] in
     `priority_codes` order ("gap": b's place less a's, so positive when a placed it higher; None without a pair),
     "widest": up to NAMED codes whose spread is NOTABLE or more, widest first,
     "pair_widest": up to NAMED codes whose gap is NOTABLE or more either way, widest first}.
    With fewer than two groups there is nothing to compare: every spread is 0 and nothing is named."""
    compared = [g for g in (groups if groups is not None else places) if g in places]
    both = list(pair) if pair and len(pair) == 2 and all(g in compared for g in pair) and pair[0] != pair[1] else None
    rows = []
    for code in priority_codes:
        these = {g: places[g][code] for g in compared if code in places[g]}
        values = list(these.values())
        highest, lowest = (min(values), max(values)) if values else (None, None)
        rows.append({"code": code, "places": these, "highest": highest, "lowest": lowest,
                     "spread": (lowest - highest) if len(values) > 1 else 0,
                     "gap": these[both[1]] - these[both[0]] if both else None})
    order = {code: i for i, code in enumerate(priority_codes)}
    widest = sorted((r for r in rows if r["spread"] >= NOTABLE), key=lambda r: (-r["spread"], order[r["code"]]))
    pair_widest = sorted((r for r in rows if r["gap"] is not None and abs(r["gap"]) >= NOTABLE),
                         key=lambda r: (-abs(r["gap"]), order[r["code"]]))
    return {"groups": compared, "pair": both, "priorities": rows,
            "widest": [r["code"] for r in widest[:NAMED]], "pair_widest": [r["code"] for r in pair_widest[:NAMED]]}
