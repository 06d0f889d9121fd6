"""Small numbers stay private: the one rule for whether a count about some people may be shown in public.

No public page, report, export or open-data file shows a figure for a locality, stakeholder group or profile
band of fewer than ``MIN_PUBLIC_COUNT`` people (``CONSULT_MIN_PUBLIC_COUNT``, default 5); whole-consultation
totals are exempt. Staff pages show everything, marked as not for publication."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import gettext as _

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


def hidden(people: int, *, public: bool, minimum: int | None = None) -> bool:
    """True when a figure about `people` people is left out: only ever for the public."""
    return public and too_few(people, minimum)


def marked(people: int, *, public: bool, minimum: int | None = None) -> bool:
    """True when staff see a figure the public would not, so that it is shown marked."""
    return not public and too_few(people, minimum)


def fewer_than_text() -> str:
    """What a public cell says in place of a figure about too few people."""
    return _("fewer than %(n)s", n=min_public_count())


def staff_notice() -> str:
    """Said on staff pages and files that show figures the public does not see."""
    return _("Figures about fewer than %(n)s people, marked *, are shown because you are staff; they are hidden "
             "from the public.", n=min_public_count())


def public_notice() -> str:
    """Said on public pages and files where figures about too few people are left out."""
    return _("To keep people from being identified, figures about fewer than %(n)s people in a locality, "
             "stakeholder group or band are not shown: they say \"fewer than %(n)s\". Totals for the whole "
             "consultation are shown in full.", n=min_public_count())
