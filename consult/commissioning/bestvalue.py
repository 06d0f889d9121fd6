"""The Best Value check for a service that replaces or decommissions another (pure).

Cambridge (1999), Table 1, "The basic rules for gauging Best Value": the new intervention's cost
relative to the service it replaces, against its relative effectiveness or quality.

    quality \\ cost    higher               same                  lower
    higher            judgement required   best value            best value
    same              not best value       no discernible change best value
    lower             not best value       not best value        judgement required

"Judgement required" means on non-financial costs and benefits. The centre cell is the paper's
"no discernible gain or losses": kept as its own outcome rather than forced into one of the others.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("lower", "same", "higher")

BEST_VALUE = "best_value"
NOT_BEST_VALUE = "not_best_value"
JUDGEMENT_REQUIRED = "judgement_required"
NO_DISCERNIBLE_CHANGE = "no_discernible_change"
OUTCOMES: tuple[str, ...] = (BEST_VALUE, NOT_BEST_VALUE, JUDGEMENT_REQUIRED, NO_DISCERNIBLE_CHANGE)

#: (relative quality, relative cost) -> judgement, exactly as the paper's table.
TABLE: dict[tuple[str, str], str] = {
    ("higher", "higher"): JUDGEMENT_REQUIRED,
    ("higher", "same"): BEST_VALUE,
    ("higher", "lower"): BEST_VALUE,
    ("same", "higher"): NOT_BEST_VALUE,
    ("same", "same"): NO_DISCERNIBLE_CHANGE,
    ("same", "lower"): BEST_VALUE,
    ("lower", "higher"): NOT_BEST_VALUE,
    ("lower", "same"): NOT_BEST_VALUE,
    ("lower", "lower"): JUDGEMENT_REQUIRED,
}


def judge(relative_cost: str | None, relative_quality: str | None) -> str | None:
    """The judgement for a relative cost and quality (each lower/same/higher); None until both are known."""
    if relative_cost is None or relative_quality is None:
        return None
    if relative_cost not in LEVELS or relative_quality not in LEVELS:
        raise ValueError(f"relative cost and quality must each be one of {LEVELS}")
    return TABLE[(relative_quality, relative_cost)]
