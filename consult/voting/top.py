"""Which places count as the top priorities (pure). The departures rule (consult/commissioning/departures.py)
and the tipping points (consult/voting/tipping.py) both use this one definition.

A priority is *top* when its competition rank is within the top third of the vote's priorities, rounded up,
and never beyond 3rd: rank <= min(3, ceil(n / 3)) for n priorities (1st of 3; 1st-2nd of 4 to 6; 1st-3rd of 7
or more). Ties at the cutoff share its rank, so they make the top set larger.
"""

from __future__ import annotations

import math


def top_cutoff(n_priorities: int) -> int:
    """The lowest rank that still counts as a top priority among n priorities."""
    if n_priorities < 1:
        return 0
    return max(1, min(3, math.ceil(n_priorities / 3)))


def is_top(rank: int | None, n_priorities: int) -> bool:
    return rank is not None and 1 <= rank <= top_cutoff(n_priorities)
