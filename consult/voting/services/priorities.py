"""What is voted on, and how (DESIGN section 6): the vote's settings, fixed from the opening with the rest of
how votes are counted (consult.consultations.counting), and its priorities, fixed once anyone has voted."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select

from consult.consultations import counting
from consult.consultations.models import Consultation
from consult.core.i18n import locale_name
from consult.core.patterns import is_code
from consult.core.services import record_change
from consult.extensions import db
from consult.voting.models import METHODS, SCHEMES, Ballot, Priority, Vote
from consult.voting.services.errors import VotingError

# --------------------------------------------------------------------------
# The lock: nothing about what is voted on changes once anyone has voted
# --------------------------------------------------------------------------


def vote_is_locked(consultation: Consultation) -> bool:
    """True once any ballot exists: from then on the priorities stay as voted on."""
    return bool(db.session.scalar(select(exists().where(Ballot.consultation_id == consultation.id))))


def _refuse_if_locked(consultation: Consultation) -> None:
    if vote_is_locked(consultation):
        raise VotingError(_("People have already voted, so the priorities can no longer change."), code="locked")


# --------------------------------------------------------------------------
# The vote's settings (part of the consultation's form and of its JSON spec)
# --------------------------------------------------------------------------


def _check_vote_settings(method: str, points_budget: int | None, max_choices: int | None, weighting: str) -> None:
    if method not in METHODS:
        raise VotingError(_("Choose how people vote."), "method")
    if weighting not in SCHEMES:
        raise VotingError(_("Choose how stakeholder groups are weighted."), "weighting")
    if method == "points" and (points_budget is None or not 1 <= points_budget <= 1000):
        raise VotingError(_("Enter the points each person may spread, from 1 to 1,000."), "points_budget")
    if max_choices is not None and not 1 <= max_choices <= 100:
        raise VotingError(_("The most choices must be between 1 and 100, or left empty."), "max_choices")


def _settings(vote: Vote) -> dict[str, Any]:
    return {"method": vote.method, "points_budget": vote.points_budget, "max_choices": vote.max_choices,
            "weighting": vote.weighting}


def save_vote_settings(consultation: Consultation, *, enabled: bool, method: str | None = None,
                       points_budget: int | None = None, max_choices: int | None = None,
                       weighting: str | None = None, actor=None, channel: str = "web") -> Vote | None:
    """Add, change or remove the priority vote while the consultation is a draft; a change withdraws a
    commissioner's agreement of how votes are counted. Saving the settings unchanged is no change."""
    vote = consultation.vote
    if not enabled:
        if vote is not None:
            counting.refuse_if_locked(consultation, "has_vote")
            consultation.vote = None
            db.session.flush()
            record_change("vote.remove", consultation, actor=actor, channel=channel)
            counting.withdraw_agreement(consultation, actor=actor, channel=channel)
        return None
    _check_vote_settings(method, points_budget, max_choices, weighting)
    if method != "points":
        points_budget = None
    before = None if vote is None else _settings(vote)
    after = {"method": method, "points_budget": points_budget, "max_choices": max_choices, "weighting": weighting}
    if before == after:
        return vote
    changed = [k for k in after if before is None or before[k] != after[k]]
    counting.refuse_if_locked(consultation, changed[0])
    if vote is None:
        vote = Vote(consultation=consultation)
        db.session.add(vote)
    vote.method, vote.weighting, vote.max_choices, vote.points_budget = method, weighting, max_choices, points_budget
    db.session.flush()
    record_change("vote.settings", consultation, before=before, after=_settings(vote), actor=actor, channel=channel)
    counting.withdraw_agreement(consultation, actor=actor, channel=channel)
    return vote


# --------------------------------------------------------------------------
# Priorities
# --------------------------------------------------------------------------


def _priority_snapshot(priority: Priority) -> dict[str, Any]:
    return {"code": priority.code, "title": priority.title, "description": priority.description,
            "easy_read": priority.easy_read, "cost": str(priority.cost) if priority.cost is not None else None,
            "position": priority.position}


def _clean_text(content: Mapping[str, str] | None) -> dict[str, str]:
    return {k: v.strip() for k, v in (content or {}).items() if v and v.strip()}


def save_priority(vote: Vote, priority: Priority | None, *, code: str, title: Mapping[str, str],
                  description: Mapping[str, str] | None = None, easy_read: Mapping[str, str] | None = None,
                  cost: Decimal | None = None, actor=None, channel: str = "web") -> Priority:
    """Add or change a priority: a unique code, a title in the consultation's default language, cost >= 0."""
    consultation = vote.consultation
    _refuse_if_locked(consultation)
    code = (code or "").strip()
    if not is_code(code):
        raise VotingError(_("Code must be 1 to 32 letters, digits, hyphens or underscores, like P01."), "code")
    title = _clean_text(title)
    default = consultation.default_locale
    if not title.get(default):
        raise VotingError(_("Enter a title in %(language)s, the consultation's default language.",
                            language=locale_name(default)), f"title_{default}")
    if cost is not None and cost < 0:
        raise VotingError(_("Cost must be 0 or more."), "cost")
    clash = next((p for p in vote.priorities if p.code == code), None)
    if clash is not None and clash is not priority:
        raise VotingError(_("Another priority in this vote already has this code."), "code")
    before = None
    if priority is None:
        priority = Priority(position=max((p.position for p in vote.priorities), default=-1) + 1)
        vote.priorities.append(priority)
    else:
        before = _priority_snapshot(priority)
    priority.code, priority.title = code, title
    priority.description, priority.easy_read = _clean_text(description), _clean_text(easy_read)
    priority.cost = cost
    db.session.flush()
    record_change("priority.save", priority, before=before, after=_priority_snapshot(priority), actor=actor,
                  channel=channel)
    return priority


def remove_priority(priority: Priority, *, actor=None, channel: str = "web") -> None:
    """Take a priority off the ballot (only before anyone has voted)."""
    vote = priority.vote
    _refuse_if_locked(vote.consultation)
    record_change("priority.remove", priority, before=_priority_snapshot(priority), actor=actor, channel=channel)
    vote.priorities.remove(priority)
    db.session.flush()
    _renumber(vote)


def _renumber(vote: Vote) -> None:
    for position, p in enumerate(sorted(vote.priorities, key=lambda p: (p.position, p.code))):
        p.position = position
    db.session.flush()


def move_priority(priority: Priority, step: int, *, actor=None, channel: str = "web") -> None:
    """Move a priority one place up (step -1) or down (+1) in the order voters see."""
    vote = priority.vote
    _refuse_if_locked(vote.consultation)
    if step not in (-1, 1):
        raise VotingError(_("Choose up or down."), code="bad_step")
    ordered = sorted(vote.priorities, key=lambda p: (p.position, p.code))
    i = ordered.index(priority)
    j = i + step
    if not 0 <= j < len(ordered):
        return  # already first or last: nothing to do
    ordered[i], ordered[j] = ordered[j], ordered[i]
    for position, p in enumerate(ordered):
        p.position = position
    db.session.flush()
    record_change("priority.move", priority, after={"order": [p.code for p in ordered]}, actor=actor,
                  channel=channel)
