"""The codes report figures are keyed by, and the order they are shown in. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NOT_GIVEN = "not_given"
#: "About you" answers that can be compared with population figures, in the order the report shows them.
BAND_TYPES = ("age_band", "ethnic_group", "main_language", "disability", "stakeholder_group")


def ordered(keys: Iterable[str], preferred: Sequence[str]) -> list[str]:
    """Known keys in their preferred order, then any others sorted, then "not given" last."""
    keys = set(keys)
    head = [k for k in preferred if k in keys]
    tail = sorted(k for k in keys if k not in preferred and k != NOT_GIVEN)
    return head + tail + ([NOT_GIVEN] if NOT_GIVEN in keys else [])
