"""Small numbers stay private: the one rule for whether a count about some people may be shown in public.

No public page, report, export or open-data file shows a figure for a locality, stakeholder group or profile
band of fewer than ``MIN_PUBLIC_COUNT`` people (``CONSULT_MIN_PUBLIC_COUNT``, default 5); whole-consultation
totals are exempt. Staff pages show everything, marked as not for publication."""

from __future__ import annotations

from flask import current_app, has_app_context

DEFAULT_MIN_PUBLIC_COUNT = 5


def min_public_count() -> int:
    """The smallest number of people a public figure may be about (the app's setting, else the default)."""
    if has_app_context():
        return int(current_app.config.get("MIN_PUBLIC_COUNT", DEFAULT_MIN_PUBLIC_COUNT))
    return DEFAULT_MIN_PUBLIC_COUNT


def too_few(people: int, minimum: int | None = None) -> bool:
    """True when a figure about `people` people must not be shown in public (0 people is nobody: shown)."""
    limit = min_public_count() if minimum is None else minimum
    return 0 < people < limit
