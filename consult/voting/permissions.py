"""Who may vote, and who may run a consultation's priority vote, when (before, during and after voting)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from consult.consultations.permissions import can_manage_consultation, can_work_consultation
from consult.core.clock import utcnow
from consult.core.permissions import signed_in
from consult.extensions import db
from consult.localities.models import Membership, PlanningGroup


def voting_memberships(user, consultation) -> list:
    """The memberships a person may vote as: a planning group in a covered locality, as a group taking part."""
    if not signed_in(user):
        return []
    locality_ids = [loc.id for loc in consultation.localities]
    group_ids = [gw.stakeholder_group_id for gw in consultation.group_weights]
    if not locality_ids or not group_ids:
        return []
    stmt = (select(Membership).join(PlanningGroup)
            .where(Membership.user_id == user.id, PlanningGroup.locality_id.in_(locality_ids),
                   Membership.stakeholder_group_id.in_(group_ids))
            .order_by(Membership.id))
    return list(db.session.scalars(stmt))


def can_vote_as_member(user, consultation, now=None) -> bool:
    """Signed-in members of a planning group in a covered locality, while voting is open."""
    return (consultation.vote is not None and consultation.accepts_responses(now)
            and bool(voting_memberships(user, consultation)))


def can_vote_with_code(consultation, now=None) -> bool:
    """Anyone holding an unused voting code, while voting is open (the code itself is checked when entered)."""
    return consultation.vote is not None and consultation.accepts_responses(now)


def can_manage_priorities(user, consultation) -> bool:
    """The consultation's managers; whether the priorities may still change is voting.services.vote_is_locked."""
    return consultation.vote is not None and can_manage_consultation(user, consultation)


def can_issue_voting_codes(user, consultation) -> bool:
    """The people who run the consultation (its managers, facilitators of a covered locality), before voting
    closes. Codes belong to the consultation, not to a locality (their holder says where they live when they
    vote), so a facilitator issues them for the whole consultation, recorded as theirs."""
    return (consultation.vote is not None and not consultation.status.has_ended
            and can_work_consultation(user, consultation))


def paper_entry_open(consultation, now: datetime | None = None) -> bool:
    """Paper and meeting ballots are keyed in while voting is open and after it closes, until results are published."""
    now = now or utcnow()
    return (consultation.vote is not None and consultation.opens_at <= now
            and (consultation.status.is_open or consultation.status.is_closed))


def can_enter_paper_ballots(user, consultation, now=None) -> bool:
    """The people who run the consultation, from the opening until results are published (paper forms arrive
    late); each for the localities they work (consultations.permissions.localities_worked_by)."""
    return paper_entry_open(consultation, now) and can_work_consultation(user, consultation)


def can_work_vote(user, consultation) -> bool:
    """The voting codes and paper ballot pages (what was issued and keyed in so far): the people who run the
    consultation; whether they may still issue or key in is can_issue_voting_codes / can_enter_paper_ballots."""
    return consultation.vote is not None and can_work_consultation(user, consultation)


def can_recalculate_results(user, consultation) -> bool:
    """The consultation's managers, until the results are published (published results stay as published)."""
    return (consultation.vote is not None and not consultation.status.is_published
            and can_manage_consultation(user, consultation))
