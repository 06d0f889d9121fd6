"""The one refusal of the vote's services, and the refusal of a vote that met a busy database."""

from __future__ import annotations

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from consult.core.errors import RuleError


class VotingError(RuleError):
    """A refusal shown to the person: str() is a translated sentence.

    ``field`` names a form field ("code", "stakeholder_group", ...); ``priority`` names the priority whose
    input the message belongs to; ``code`` is a short machine key (a BallotError code, "closed", "duplicate", ...).
    """

    def __init__(self, message: str, field: str | None = None, *, priority: str | None = None,
                 code: str | None = None):
        super().__init__(message, field)
        self.priority, self.code = priority, code


def busy() -> VotingError:
    return VotingError(_("Many votes are arriving at once. Nothing was stored: please send your vote again."),
                       code="busy")


@contextmanager
def busy_is_a_refusal():
    """SQLite refuses a writer whose read snapshot is stale instead of waiting: the person can simply send again."""
    try:
        yield
    except OperationalError:
        raise busy() from None
