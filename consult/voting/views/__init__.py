"""Priority votes on screen: the staff's pages (priorities, voting codes, paper entry, results, recalculating
them) in staff.py, and the public's (the ballot, checking and confirming it, voting codes, published results)
in public.py."""

from __future__ import annotations

from flask import Blueprint

from consult.core.i18n import current_locale

bp = Blueprint("voting", __name__)


@bp.before_request
def _settle_locale():
    """Choose the language now, so a ?lang= switch sticks even when the answer is a redirect."""
    current_locale()


# The routes register on bp as their modules are imported.
from consult.voting.views import public, staff  # noqa: E402, F401
