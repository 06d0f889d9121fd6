"""When a decision departs from what a consultation said (pure).

Ranks are the places of the consultation's results snapshot (all ballots, under the consultation's own
weighting: the one ranking every page uses; competition ranks: 1 is highest; equal scores share a rank). Two kinds of departure need a rationale:

- ``top_not_pursued``: a *top* priority is deferred or declined. A priority is *top* when its rank is
  within the top third of the vote's priorities, rounded up, and never beyond 3rd:
  rank <= min(3, ceil(n / 3)) for n priorities (so 1st of 3; 1st-2nd of 4 to 6; 1st-3rd of 7 or more).
  That rule lives in consult/voting/top.py, which the tipping points share.
- ``agreed_over_higher``: a priority is agreed (or contracted, or delivered) while a priority ranked
  strictly higher in the same consultation and planning year is not (still a draft, proposed, deferred
  or declined). The agreed, lower-ranked decision is the one that must explain itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from consult.voting.top import is_top, top_cutoff

#: Statuses that commit money: the consultation's order is followed only if higher priorities got here first.
COMMITTED: tuple[str, ...] = ("agreed", "contracted", "delivered")
NOT_PURSUED: tuple[str, ...] = ("deferred", "declined")
TOP_NOT_PURSUED = "top_not_pursued"
AGREED_OVER_HIGHER = "agreed_over_higher"
KINDS: tuple[str, ...] = (TOP_NOT_PURSUED, AGREED_OVER_HIGHER)
__all__ = ["AGREED_OVER_HIGHER", "COMMITTED", "KINDS", "NOT_PURSUED", "TOP_NOT_PURSUED", "Decision", "Departure",
           "find_departures", "is_top", "top_cutoff", "unexplained"]


@dataclass(frozen=True)
class Decision:
    """One priority's decision: its code, its rank in the consultation (None if unranked), the intention's status."""

    code: str
    rank: int | None
    status: str


@dataclass(frozen=True)
class Departure:
    kind: str
    code: str
    rank: int
    status: str
    #: For agreed_over_higher: the higher-ranked priorities not agreed, as (code, rank, status), best first.
    higher: tuple[tuple[str, int, str], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "rank": self.rank, "status": self.status,
                "higher": [list(h) for h in self.higher]}


def find_departures(decisions: Iterable[Decision], n_priorities: int) -> dict[str, list[Departure]]:
    """Departures by priority code, for the decisions of one consultation in one planning year."""
    decisions = [d for d in decisions if d.rank is not None]
    out: dict[str, list[Departure]] = {}
    for d in decisions:
        found = []
        if d.status in NOT_PURSUED and is_top(d.rank, n_priorities):
            found.append(Departure(TOP_NOT_PURSUED, d.code, d.rank, d.status))
        if d.status in COMMITTED:
            higher = sorted(((h.code, h.rank, h.status) for h in decisions
                             if h.rank < d.rank and h.status not in COMMITTED), key=lambda h: (h[1], h[0]))
            if higher:
                found.append(Departure(AGREED_OVER_HIGHER, d.code, d.rank, d.status, tuple(higher)))
        if found:
            out[d.code] = found
    return out


def unexplained(departures: Iterable[Departure], has_rationale: bool, explains: Iterable[str]) -> list[Departure]:
    """The departures a rationale does not cover: all of them without a rationale, else kinds it was not written for."""
    explained = set(explains or ()) if has_rationale else set()
    return [d for d in departures if d.kind not in explained]
