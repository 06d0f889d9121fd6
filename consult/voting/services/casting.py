"""Casting a ballot, through every channel, into one store (DESIGN section 6).

The voter's channel (consult.voting.services.voters) admits the ballot first; the one store then checks it
under the vote's method and keeps it under the voter's key, whether it came from a member, a code, a personal
link, a paper form or a ballots file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.voting.models import PAPER_CHANNELS, Ballot, BallotChoice
from consult.voting.services.ballots import ballot_values, check_ballot, find_ballot, priority_codes
from consult.voting.services.errors import VotingError, busy, busy_is_a_refusal
from consult.voting.services.voters import Voter, invitation_key


def cast_ballot(consultation: Consultation, voter: Voter, values: Mapping[str, int], *, locale: str | None = None,
                now: datetime | None = None) -> tuple[Ballot, bool]:
    """Cast a ballot through the voter's channel: it is admitted (the window, who they vote as, a code used up),
    checked and stored, and what it settles follows (a spent link); returns (ballot, replaced)."""
    voter.admit(consultation, values, now)
    ballot, replaced = store_ballot(consultation, voter, values, locale=locale, now=now)
    voter.has_cast(ballot)
    return ballot, replaced


def link_has_voted(invitation) -> bool:
    """A personal link votes once: it has when its holder's ballot exists (however it was cast)."""
    return find_ballot(invitation.consultation, invitation_key(invitation)) is not None


def _ballot_audit(ballot: Ballot, values: Mapping[str, int]) -> dict[str, Any]:
    """What the audit log keeps of a ballot: how people voted only where the ballot names nobody.

    A web ballot's key names a member, a code or an invitation, so its choices stay out of the log: the
    ballot is secret even from administrators. Paper and meeting ballots carry anonymous keys, and their
    values are what a later check of the data entry needs."""
    entry = {"voter": ballot.voter_key, "channel": ballot.channel,
             "stakeholder_group": ballot.stakeholder_group.code, "locality": ballot.locality.code}
    if ballot.channel in PAPER_CHANNELS:
        entry["values"] = dict(values)
    return entry


def _choices(consultation: Consultation, voter: Voter, values: Mapping[str, int],
             points: Mapping[str, int]) -> list[BallotChoice]:
    by_code = {p.code: p for p in consultation.vote.priorities}
    # A points ballot's 0 entries say nothing; for ranking every ranked priority is kept (the last earns 0 points),
    # so every ballot has at least one row and the bootstrap can rebuild each ballot from this table alone.
    kept = [code for code in priority_codes(consultation.vote)
            if code in values and not (consultation.vote.method == "points" and values[code] == 0)]
    return [BallotChoice(priority=by_code[code], consultation_id=consultation.id,
                         stakeholder_group_id=voter.stakeholder_group.id, locality_id=voter.locality.id,
                         value=int(values[code]), points=int(points.get(code, 0))) for code in kept]


def store_ballot(consultation: Consultation, voter: Voter, values: Mapping[str, int], *, locale: str | None = None,
                 now: datetime | None = None) -> tuple[Ballot, bool]:
    """The one store every channel ends in: check the ballot and keep it under the voter's key, replacing theirs
    where the voter may (Voter.replaces); returns (ballot, replaced). It asks nothing of the channel: call
    cast_ballot, unless (the demo, the tests) the ballot is stored whatever the voting window.

    One ballot per voter key is the database's UniqueConstraint; a submission that loses a race to another
    with the same key is refused with a clear message rather than an error page.
    """
    points = check_ballot(consultation.vote, values)
    now = now or utcnow()
    with busy_is_a_refusal():
        # FOR UPDATE: two replacements of one ballot (two tabs) take turns instead of deleting each other's rows.
        existing = db.session.scalar(select(Ballot).where(Ballot.consultation_id == consultation.id,
                                                          Ballot.voter_key == voter.key).with_for_update())
    if existing is not None:
        if not voter.replaces:
            raise VotingError(_("This voter already has a ballot in this consultation."), code="duplicate")
        return _replace(consultation, existing, voter, values, points, locale=locale, now=now), True

    ballot = Ballot(consultation_id=consultation.id, voter_key=voter.key, user_id=voter.user_id,
                    voting_code_id=voter.voting_code_id, stakeholder_group=voter.stakeholder_group,
                    locality=voter.locality, channel=voter.channel, locale=locale, entered_by_id=voter.entered_by_id,
                    cast_at=now, updated_at=now)
    ballot.choices = _choices(consultation, voter, values, points)
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
            db.session.flush()
    except IntegrityError:
        # Another submission with the same voter key committed first (a double click, two tabs).
        raise VotingError(_("Your vote had already been recorded a moment ago, so this copy was not stored. "
                            "You can check and change your vote until the consultation closes."),
                          code="duplicate") from None
    except OperationalError:
        raise busy() from None
    record_change("ballot.cast", ballot, after=_ballot_audit(ballot, values), actor=voter.actor,
                  channel=voter.audit_channel)
    return ballot, False


def _replace(consultation: Consultation, existing: Ballot, voter: Voter, values: Mapping[str, int],
             points: Mapping[str, int], *, locale: str | None, now: datetime) -> Ballot:
    """A changed vote: the same ballot, its choices and its group and locality as they are now."""
    before = _ballot_audit(existing, ballot_values(existing))
    with busy_is_a_refusal():
        db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == existing.id))
        db.session.expire(existing, ["choices"])
        existing.stakeholder_group, existing.locality = voter.stakeholder_group, voter.locality
        existing.locale = locale or existing.locale
        existing.updated_at = now
        existing.choices.extend(_choices(consultation, voter, values, points))
        db.session.flush()
    record_change("ballot.replace", existing, before=before, after=_ballot_audit(existing, values), actor=voter.actor,
                  channel=voter.audit_channel)
    return existing
