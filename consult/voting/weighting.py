"""How much one stakeholder group's points count under each weighting scheme, and when two scores tie
(DESIGN.md section 6). Pure: shared by the tally and the bootstrap intervals, so both weigh and tie alike."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

SCHEMES: tuple[str, ...] = ("equal_people", "group_weights", "group_shares")

# Scores this close count as equal (DESIGN section 6: "within 1e-9 relative").
# The absolute floor only matters for scores that are essentially zero.
REL_TOL = 1e-9
ABS_TOL = 1e-12


def check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown weighting scheme {scheme!r}; expected one of {SCHEMES}")


def check_codes(priority_codes: Sequence[str]) -> None:
    if len(set(priority_codes)) != len(priority_codes):
        raise ValueError("priority codes must be unique")


def group_factor(scheme: str, weight: float, n: int) -> float:
    """What one point from a group is worth under ``scheme`` (n = the group's ballot count)."""
    if scheme == "equal_people":
        return 1.0
    if scheme == "group_weights":
        return weight
    # group_shares: the group's ballots together carry its weight; an empty group carries nothing.
    return weight / n if n > 0 else 0.0


def checked_weights(groups: Iterable[str], weights: Mapping[str, float]) -> dict[str, float]:
    """Every group's weight as a float; a missing, negative or infinite weight is a ValueError."""
    out: dict[str, float] = {}
    for g in groups:
        if g not in weights:
            raise ValueError(f"no weight given for stakeholder group {g!r}")
        w = float(weights[g])
        # A negative weight would let one group subtract from another's voice.
        if not math.isfinite(w) or w < 0:
            raise ValueError(f"weight for group {g!r} must be a finite number >= 0, got {weights[g]!r}")
        out[g] = w
    return out


def tied(a: float, b: float) -> bool:
    """Two scores close enough to share a rank."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
