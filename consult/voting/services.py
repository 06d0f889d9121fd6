"""Rules for priorities, voting codes and ballots (DESIGN section 6): who votes as whom, and what a ballot may say.

The tally itself is in consult.voting.results (SQL aggregation) and consult.voting.tally (pure rules).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from consult.consultations import parts
from consult.consultations.models import Consultation, ConsultationStatus
from consult.core.errors import RuleError
from consult.core.i18n import locale_name
from consult.core.models import utcnow
from consult.core.patterns import is_code
from consult.core.services import record_change
from consult.extensions import db
from consult.invitations.services import mark_responded
from consult.localities.models import Locality, Membership, StakeholderGroup
from consult.voting.models import METHODS, SCHEMES, Ballot, BallotChoice, Priority, Vote, VotingCode
from consult.voting.permissions import paper_entry_open, voting_memberships
from consult.voting.results import latest_snapshot
from consult.voting.tally import BallotError, ballot_points

#: Voting codes avoid letters and digits that look alike (0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
CODE_LENGTH = 10
MAX_CODES_PER_BATCH = 500
PAPER_CHANNELS = ("paper", "meeting")


class VotingError(RuleError):
    """A refusal shown to the person: str() is a translated sentence.

    ``field`` names a form field ("code", "stakeholder_group", ...); ``priority`` names the priority whose
    input the message belongs to; ``code`` is a short machine key (a BallotError code, "closed", "duplicate", ...).
    """

    def __init__(self, message: str, field: str | None = None, *, priority: str | None = None,
                 code: str | None = None):
        super().__init__(message, field)
        self.priority, self.code = priority, code


# --------------------------------------------------------------------------
# The lock: nothing about what is voted on changes once anyone has voted
# --------------------------------------------------------------------------


def vote_is_locked(consultation: Consultation) -> bool:
    """True once any ballot exists: from then on the method, weighting and priorities stay as voted on."""
    return bool(db.session.scalar(select(exists().where(Ballot.consultation_id == consultation.id))))


def _refuse_if_locked(consultation: Consultation) -> None:
    if vote_is_locked(consultation):
        raise VotingError(_("People have already voted, so the priorities can no longer change."), code="locked")


def voted_group_ids(consultation: Consultation) -> set[int]:
    """The stakeholder groups whose members have voted (they cannot leave the consultation any more)."""
    return set(db.session.scalars(select(Ballot.stakeholder_group_id).where(
        Ballot.consultation_id == consultation.id).distinct()))


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
    """Add, change or remove the priority vote; how people vote is fixed once anyone has voted."""
    vote = consultation.vote
    if not enabled:
        if vote is not None:
            if vote_is_locked(consultation):
                raise VotingError(_("People have already voted, so the vote cannot be removed."), "has_vote")
            consultation.vote = None
            db.session.flush()
            record_change("vote.remove", consultation, actor=actor, channel=channel)
        return None
    _check_vote_settings(method, points_budget, max_choices, weighting)
    if method != "points":
        points_budget = None
    if vote is not None and vote_is_locked(consultation):
        if (vote.method, vote.points_budget, vote.max_choices) != (method, points_budget, max_choices):
            raise VotingError(_("People have already voted, so how they vote cannot change. "
                                "You can still change the weighting used for results."), "method")
    before = None if vote is None else _settings(vote)
    if vote is None:
        vote = Vote(consultation=consultation)
        db.session.add(vote)
    vote.method, vote.weighting, vote.max_choices, vote.points_budget = method, weighting, max_choices, points_budget
    db.session.flush()
    record_change("vote.settings", consultation, before=before, after=_settings(vote), actor=actor, channel=channel)
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


# --------------------------------------------------------------------------
# Checking a ballot
# --------------------------------------------------------------------------


def priority_codes(vote: Vote) -> list[str]:
    return [p.code for p in vote.priorities]


def check_ballot(vote: Vote, values: Mapping[str, int]) -> dict[str, int]:
    """Check a ballot's values under the vote's method (DESIGN section 6); return the points each priority earns.

    Refusals name the priority whose input should show the message, in the reader's language.
    """
    try:
        return ballot_points(vote.method, priority_codes(vote), dict(values), points_budget=vote.points_budget,
                             max_choices=vote.max_choices)
    except BallotError as exc:
        raise explain_ballot_error(vote, values, exc) from None


def explain_ballot_error(vote: Vote, values: Mapping[str, int], exc: BallotError) -> VotingError:
    """Turn tally.BallotError (English, for scripts) into a sentence for a voter, attached to one priority."""
    order = [code for code in priority_codes(vote) if code in values]
    method, reason = vote.method, exc.code
    first = order[0] if order else (priority_codes(vote) or [None])[0]
    if reason == "repeat_rank":
        seen: dict[int, str] = {}
        for code in order:
            rank = values[code]
            if rank in seen:
                return VotingError(_("You have given number %(rank)s to more than one priority. "
                                     "Give each priority a different number.", rank=rank),
                                   priority=code, code=reason)
            seen[rank] = code
    if reason == "gap_in_ranks":
        ranks = set(values.values())
        missing = next(r for r in range(1, len(values) + 1) if r not in ranks)
        after = next((c for c in order if values[c] > missing), first)
        return VotingError(_("Number the priorities 1, 2, 3 and so on without gaps: no priority has number "
                             "%(rank)s.", rank=missing), priority=after, code=reason)
    if reason == "too_many_choices":
        cap = vote.max_choices
        chosen = [c for c in order if values[c] > 0] if method == "points" else order
        beyond = chosen[cap] if cap is not None and len(chosen) > cap else first
        if method == "ranking":
            beyond = next((c for c in order if values[c] == cap + 1), beyond)
            message = ngettext("Rank no more than %(num)d priority.", "Rank no more than %(num)d priorities.", cap)
        elif method == "approval":
            message = ngettext("Choose no more than %(num)d priority.", "Choose no more than %(num)d priorities.",
                               cap)
        else:
            message = ngettext("Give points to no more than %(num)d priority.",
                               "Give points to no more than %(num)d priorities.", cap)
        return VotingError(message, priority=beyond, code=reason)
    if reason == "over_budget":
        total = sum(v for v in values.values() if isinstance(v, int) and v > 0)
        return VotingError(_("You have given %(total)s points. You can give up to %(budget)s points in total.",
                             total=total, budget=vote.points_budget), priority=first, code=reason)
    if reason == "empty_ballot":
        message = {"ranking": _("Rank at least one priority: put 1 next to the one that matters most to you."),
                   "approval": _("Choose at least one priority."),
                   "points": _("Give at least one point to a priority.")}[method]
        return VotingError(message, priority=first, code=reason)
    if reason == "unknown_priority":
        return VotingError(_("Your vote names a priority that is not on this ballot. "
                             "Go back to the ballot, reload it and try again."), code=reason)
    if reason == "negative_points":
        code = next((c for c in order if values[c] < 0), first)
        return VotingError(_("Points cannot be less than 0."), priority=code, code=reason)
    if reason == "bad_value" and method == "ranking":
        code = next((c for c in order if isinstance(values[c], int) and values[c] < 1), first)
        return VotingError(_("Numbers start at 1 for the priority that matters most."), priority=code, code=reason)
    code = next((c for c in order if not isinstance(values[c], int) or isinstance(values[c], bool)), first)
    return VotingError(_("Enter a whole number, like 3."), priority=code, code=reason)


# --------------------------------------------------------------------------
# Storing a ballot (every channel ends here)
# --------------------------------------------------------------------------


@dataclass
class Voter:
    """Who a ballot belongs to and the group and locality it counts for."""

    key: str
    stakeholder_group: StakeholderGroup
    locality: Locality
    channel: str
    user_id: int | None = None
    voting_code_id: int | None = None
    entered_by_id: int | None = None


def _ballot_audit(ballot: Ballot, values: Mapping[str, int]) -> dict[str, Any]:
    """What the audit log keeps of a ballot: how people voted only where the ballot names nobody.

    A web ballot's key names a member, a code or an invitation, so its choices stay out of the log: the
    ballot is secret even from administrators. Paper and meeting ballots carry anonymous keys, and their
    values are what a later check of the data entry needs."""
    entry = {"voter": ballot.voter_key, "channel": ballot.channel,
             "stakeholder_group": ballot.stakeholder_group.code, "locality": ballot.locality.code}
    if ballot.channel in ("paper", "meeting"):
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


def _busy() -> VotingError:
    return VotingError(_("Many votes are arriving at once. Nothing was stored: please send your vote again."),
                       code="busy")


@contextmanager
def _busy_is_a_refusal():
    """SQLite refuses a writer whose read snapshot is stale instead of waiting: the person can simply send again."""
    try:
        yield
    except OperationalError:
        raise _busy() from None


def store_ballot(consultation: Consultation, voter: Voter, values: Mapping[str, int], *, locale: str | None = None,
                 replace: bool = True, actor=None, audit_channel: str = "web",
                 now: datetime | None = None) -> tuple[Ballot, bool]:
    """Store a checked ballot under the voter's key, replacing theirs if they voted before; returns (ballot, replaced).

    One ballot per voter key is the database's UniqueConstraint; a submission that loses a race to another
    with the same key is refused with a clear message rather than an error page.
    """
    points = check_ballot(consultation.vote, values)
    now = now or utcnow()
    with _busy_is_a_refusal():
        # FOR UPDATE: two replacements of one ballot (two tabs) take turns instead of deleting each other's rows.
        existing = db.session.scalar(select(Ballot).where(Ballot.consultation_id == consultation.id,
                                                          Ballot.voter_key == voter.key).with_for_update())
    if existing is not None:
        if not replace:
            raise VotingError(_("This voter already has a ballot in this consultation."), code="duplicate")
        before = _ballot_audit(existing, {c.priority.code: c.value for c in existing.choices})
        with _busy_is_a_refusal():
            db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == existing.id))
            db.session.expire(existing, ["choices"])
            existing.stakeholder_group, existing.locality = voter.stakeholder_group, voter.locality
            existing.locale = locale or existing.locale
            existing.updated_at = now
            existing.choices.extend(_choices(consultation, voter, values, points))
            db.session.flush()
        record_change("ballot.replace", existing, before=before, after=_ballot_audit(existing, values), actor=actor,
                      channel=audit_channel)
        return existing, True

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
        raise _busy() from None
    record_change("ballot.cast", ballot, after=_ballot_audit(ballot, values), actor=actor, channel=audit_channel)
    return ballot, False


def _window_open(consultation: Consultation, now: datetime | None) -> None:
    if consultation.vote is None:
        raise VotingError(_("This consultation has no priority vote."), code="no_vote")
    if not consultation.accepts_responses(now):
        raise VotingError(_("Voting is not open. Nothing was stored."), code="closed")


def _taking_part(consultation: Consultation, group: StakeholderGroup | None, locality: Locality | None) -> None:
    if group is None or group.id not in {gw.stakeholder_group_id for gw in consultation.group_weights}:
        raise VotingError(_("Choose a stakeholder group from the list."), "stakeholder_group", code="bad_group")
    if locality is None or locality.id not in {loc.id for loc in consultation.localities}:
        raise VotingError(_("Choose an area from the list."), "locality", code="bad_locality")


def cast_member_ballot(consultation: Consultation, user, membership: Membership | None, values: Mapping[str, int],
                       *, locale: str | None = None, now: datetime | None = None) -> tuple[Ballot, bool]:
    """A planning-group member votes (or changes their vote) as one of their memberships in a covered locality.

    The stakeholder group and locality are stamped from that membership now, not looked up later.
    """
    _window_open(consultation, now)
    allowed = {m.id: m for m in voting_memberships(user, consultation)}
    if not allowed:
        raise VotingError(_("You are not a member of a planning group in the areas this consultation covers."),
                          code="not_member")
    if membership is None and len(allowed) == 1:
        membership = next(iter(allowed.values()))
    if membership is None or membership.id not in allowed:
        raise VotingError(_("Choose which group you are voting as."), "speak_as", code="bad_membership")
    voter = Voter(key=f"user:{user.id}", stakeholder_group=membership.stakeholder_group,
                  locality=membership.planning_group.locality, channel="web", user_id=user.id)
    return store_ballot(consultation, voter, values, locale=locale, actor=user, now=now)


def invitation_voter_key(invitation) -> str:
    """A member's ballot is theirs however they arrive (signed in or by link), so it cannot be cast twice."""
    return f"user:{invitation.user_id}" if invitation.user_id else f"invite:{invitation.id}"


def link_has_voted(invitation) -> bool:
    """A personal link votes once: it has when its holder's ballot exists (however it was cast)."""
    return find_ballot(invitation.consultation, invitation_voter_key(invitation)) is not None


def cast_ballot_by_link(invitation, values: Mapping[str, int], *, locale: str | None = None) -> Ballot:
    """Vote once through a personal link, counted for the invitee's group and locality; the link is then spent."""
    consultation = invitation.consultation
    if not consultation.accepts_responses():
        raise VotingError(_("Voting has closed."), code="closed")
    voter = Voter(key=invitation_voter_key(invitation), stakeholder_group=invitation.stakeholder_group,
                  locality=invitation.locality, channel="web", user_id=invitation.user_id)
    ballot, _replaced = store_ballot(consultation, voter, values, locale=locale, replace=False,
                                     actor=invitation.user)
    mark_responded(invitation)
    return ballot


# --------------------------------------------------------------------------
# Voting codes
# --------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What people type (any case, spaces or hyphens) to the form codes are hashed in."""
    return re.sub(r"[\s-]+", "", (raw or "")).upper()


def hash_code(raw: str) -> str:
    return hashlib.sha256(normalise_code(raw).encode()).hexdigest()


def _new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{body[:5]}-{body[5:]}"


def issue_codes(consultation: Consultation, count: int, *, actor=None, channel: str = "web") -> list[str]:
    """Make a batch of single-use voting codes; only their SHA-256 is stored, so the list returned is shown once."""
    if consultation.vote is None:
        raise VotingError(_("This consultation has no priority vote."), code="no_vote")
    if consultation.status not in (ConsultationStatus.DRAFT.value, ConsultationStatus.OPEN.value):
        raise VotingError(_("Voting has closed, so no more codes can be issued."), "count", code="closed")
    if count is None or not 1 <= count <= MAX_CODES_PER_BATCH:
        raise VotingError(_("Enter a number of codes from 1 to %(max)s.", max=MAX_CODES_PER_BATCH), "count")
    batch = (db.session.scalar(select(func.max(VotingCode.batch)).where(
        VotingCode.consultation_id == consultation.id)) or 0) + 1
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < count:
        code = _new_code()
        if hash_code(code) not in hashes:
            codes.append(code)
            hashes.add(hash_code(code))
    now = utcnow()
    db.session.add_all([VotingCode(consultation_id=consultation.id, code_hash=h, batch=batch,
                                   created_by_id=getattr(actor, "id", None), created_at=now) for h in hashes])
    db.session.flush()
    record_change("voting_codes.issue", consultation, after={"batch": batch, "count": count}, actor=actor,
                  channel=channel)
    return codes


def code_batches(consultation: Consultation) -> list[dict[str, Any]]:
    """Per batch: when it was made, how many codes, how many used."""
    rows = db.session.execute(
        select(VotingCode.batch, func.min(VotingCode.created_at), func.count(), func.count(VotingCode.used_at))
        .where(VotingCode.consultation_id == consultation.id).group_by(VotingCode.batch).order_by(VotingCode.batch))
    return [{"batch": b, "created_at": at, "issued": n, "used": used} for b, at, n, used in rows]


def find_voting_code(consultation: Consultation, raw: str) -> VotingCode:
    """The unused code of this consultation that someone typed, or a clear refusal."""
    if not normalise_code(raw):
        raise VotingError(_("Enter your voting code."), "code", code="no_code")
    voting_code = db.session.scalar(select(VotingCode).where(VotingCode.code_hash == hash_code(raw),
                                                             VotingCode.consultation_id == consultation.id))
    if voting_code is None:
        raise VotingError(_("This voting code is not recognised. Check it and try again: codes look like "
                            "ACDEF-GHJKM."), "code", code="unknown_code")
    if voting_code.used_at is not None:
        raise VotingError(_("This voting code has already been used. Each code can be used once."), "code",
                          code="used_code")
    return voting_code


def _guess_key(consultation: Consultation) -> str:
    return f"voting-code:{consultation.id}"


def start_code_vote(consultation: Consultation, raw_code: str, group: StakeholderGroup | None,
                    locality: Locality | None, *, address: str | None = None,
                    now: datetime | None = None) -> VotingCode:
    """Check a typed code and the group and area its holder declares, before they see the ballot.

    Codes that do not exist are counted per address (in the sign-in failures table), and after
    CODE_MAX_FAILURES in the window nobody at that address may try again for a while: codes cannot be guessed."""
    from flask import current_app

    from consult.accounts.models import LoginFailure

    _window_open(consultation, now)
    address = (address or "unknown")[:64]
    window = current_app.config["LOGIN_WINDOW_SECONDS"]
    since = (now or utcnow()) - timedelta(seconds=window)
    failures = db.session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.email == _guess_key(consultation), LoginFailure.address == address, LoginFailure.at >= since))
    if failures >= current_app.config["CODE_MAX_FAILURES"]:
        raise VotingError(_("Too many codes that did not work. Wait %(minutes)d minutes and try again.",
                            minutes=window // 60), "code", code="too_many")
    try:
        voting_code = find_voting_code(consultation, raw_code)
    except VotingError as exc:
        if exc.code == "unknown_code":
            db.session.add(LoginFailure(email=_guess_key(consultation), address=address))
            db.session.flush()
        raise
    _taking_part(consultation, group, locality)
    return voting_code


def cast_code_ballot(consultation: Consultation, voting_code_id: int, group: StakeholderGroup | None,
                     locality: Locality | None, values: Mapping[str, int], *, already_cast: bool = False,
                     locale: str | None = None, now: datetime | None = None) -> tuple[Ballot, bool]:
    """A code holder votes; the code is used up in the same transaction. Changing that vote needs the same session."""
    _window_open(consultation, now)
    _taking_part(consultation, group, locality)
    voter = Voter(key=f"code:{voting_code_id}", stakeholder_group=group, locality=locality, channel="code",
                  voting_code_id=voting_code_id)
    if already_cast:
        has_ballot = db.session.scalar(select(exists().where(Ballot.consultation_id == consultation.id,
                                                             Ballot.voter_key == voter.key)))
        if not has_ballot:
            raise VotingError(_("We could not find the vote made with your code. Enter your code again."), "code",
                              code="unknown_code")
        return store_ballot(consultation, voter, values, locale=locale, now=now)
    check_ballot(consultation.vote, values)  # refuse a bad ballot before using the code up
    # Claiming the code is one conditional UPDATE, so two people (or tabs) cannot both use it.
    with _busy_is_a_refusal():
        claimed = db.session.execute(
            update(VotingCode).where(VotingCode.id == voting_code_id, VotingCode.consultation_id == consultation.id,
                                     VotingCode.used_at.is_(None))
            .values(used_at=now or utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise VotingError(_("This voting code has already been used. Each code can be used once."), "code",
                          code="used_code")
    return store_ballot(consultation, voter, values, locale=locale, replace=False, now=now)


# --------------------------------------------------------------------------
# Paper and meeting ballots
# --------------------------------------------------------------------------


def enter_paper_ballot(consultation: Consultation, *, channel: str, group: StakeholderGroup | None,
                       locality: Locality | None, values: Mapping[str, int], entered_by,
                       now: datetime | None = None) -> Ballot:
    """Record a ballot collected on paper or at a meeting, under a fresh key, marked with who keyed it in."""
    if not paper_entry_open(consultation, now):
        raise VotingError(_("Paper and meeting ballots can be entered only while voting is open and after it "
                            "closes until the results are published."), code="closed")
    if channel not in PAPER_CHANNELS:
        raise VotingError(_("Choose where the ballot was collected."), "channel", code="bad_channel")
    _taking_part(consultation, group, locality)
    voter = Voter(key=f"paper:{uuid.uuid4()}", stakeholder_group=group, locality=locality, channel=channel,
                  entered_by_id=getattr(entered_by, "id", None))
    ballot, _replaced = store_ballot(consultation, voter, values, replace=False, actor=entered_by,
                                     audit_channel=channel, now=now)
    return ballot


def paper_ballot_count(consultation: Consultation) -> dict[str, int]:
    rows = db.session.execute(select(Ballot.channel, func.count()).where(
        Ballot.consultation_id == consultation.id, Ballot.channel.in_(PAPER_CHANNELS)).group_by(Ballot.channel))
    counts = dict.fromkeys(PAPER_CHANNELS, 0)
    counts.update({channel: n for channel, n in rows})
    return counts


# --------------------------------------------------------------------------
# `flask --app consult ballots import SLUG FILE.csv` (DESIGN section 8)
# --------------------------------------------------------------------------

CSV_HEADER = ["voter", "group", "locality", "priority", "value"]


class BallotsFileError(ValueError):
    """A rejected ballots file: ``problems`` lists (line number, reason), in file order."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {reason}" if line else reason for line, reason in problems))


@dataclass
class _ImportedVoter:
    voter: str
    group: str
    locality: str
    first_line: int
    values: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def _line_of_ballot_error(vote: Vote, v: _ImportedVoter, exc: BallotError) -> int:
    """The line that completes the problem: the repeated rank, the row that goes over the budget or the cap."""
    by_line = sorted(v.lines.items(), key=lambda item: item[1])
    if exc.code == "repeat_rank":
        seen = set()
        for code, line in by_line:
            if v.values[code] in seen:
                return line
            seen.add(v.values[code])
    if exc.code == "over_budget":
        total = 0
        for code, line in by_line:
            total += max(v.values[code], 0)
            if total > (vote.points_budget or 0):
                return line
    if exc.code == "too_many_choices" and vote.max_choices:
        chosen = [line for code, line in by_line if vote.method != "points" or v.values[code] > 0]
        if len(chosen) > vote.max_choices:
            return chosen[vote.max_choices]
    if exc.code in ("gap_in_ranks", "empty_ballot"):
        return by_line[-1][1]
    return v.first_line


def read_ballots_csv(consultation: Consultation, text: str, *, max_problems: int = 50) -> list[_ImportedVoter]:
    """Check a whole ballots file against the consultation; every problem is listed with its line number."""
    vote = consultation.vote
    if vote is None:
        raise BallotsFileError([(0, f"consultation {consultation.slug!r} has no priority vote")])
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise BallotsFileError([(1, f"the file is empty; the first line must be {','.join(CSV_HEADER)}")]) from None
    except csv.Error as exc:
        raise BallotsFileError([(1, f"not a readable CSV file ({exc})")]) from None
    if [h.strip() for h in header] != CSV_HEADER:
        raise BallotsFileError([(1, f"the header must be exactly {','.join(CSV_HEADER)}, not {','.join(header)}")])

    groups = {gw.stakeholder_group.code for gw in consultation.group_weights}
    localities = {loc.code for loc in consultation.localities}
    codes = set(priority_codes(vote))
    existing = set(db.session.scalars(select(Ballot.voter_key).where(Ballot.consultation_id == consultation.id)))
    problems: list[tuple[int, str]] = []
    voters: dict[str, _ImportedVoter] = {}
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((reader.line_num, f"not readable as CSV ({exc})"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are allowed
        rows += 1
        if len(row) != len(CSV_HEADER):
            problems.append((line, f"expected 5 values ({','.join(CSV_HEADER)}), found {len(row)}"))
            continue
        voter, group, locality, priority, raw = (cell.strip() for cell in row)
        if not voter:
            problems.append((line, "the voter is empty"))
        elif len(voter) > 100:
            problems.append((line, "the voter is longer than 100 characters"))
        elif f"ref:{voter}" in existing:
            problems.append((line, f"voter {voter!r} already has a ballot in this consultation"))
        if group not in groups:
            problems.append((line, f"group {group!r} is not taking part in this consultation "
                                   f"(expected one of {', '.join(sorted(groups))})"))
        if locality not in localities:
            problems.append((line, f"locality {locality!r} is not covered by this consultation "
                                   f"(expected one of {', '.join(sorted(localities))})"))
        if priority not in codes:
            problems.append((line, f"priority {priority!r} is not in this vote "
                                   f"(expected one of {', '.join(priority_codes(vote))})"))
        if not re.fullmatch(r"[0-9]+", raw):
            problems.append((line, f"value {raw!r} is not a whole number of 0 or more"))
            value = None
        else:
            value = int(raw)
            if vote.method == "ranking" and value < 1:
                problems.append((line, f"rank {value} must be 1 or more"))
            if vote.method == "approval" and value != 1:
                problems.append((line, f"an approval must have the value 1, not {value}"))
        if problems and problems[-1][0] == line or not voter:
            continue
        entry = voters.get(voter)
        if entry is None:
            entry = voters[voter] = _ImportedVoter(voter, group, locality, line)
        elif (entry.group, entry.locality) != (group, locality):
            problems.append((line, f"voter {voter!r} is {entry.group} in {entry.locality} on line "
                                   f"{entry.first_line} but {group} in {locality} here"))
            continue
        if priority in entry.values:
            problems.append((line, f"voter {voter!r} already has a value for {priority} on line "
                                   f"{entry.lines[priority]}"))
            continue
        entry.values[priority], entry.lines[priority] = value, line
        if len(problems) >= max_problems:
            break
    if rows == 0 and not problems:
        problems.append((2, "the file has a header but no ballots"))
    for entry in voters.values():
        if len(problems) >= max_problems:
            break
        try:
            ballot_points(vote.method, priority_codes(vote), entry.values, points_budget=vote.points_budget,
                          max_choices=vote.max_choices)
        except BallotError as exc:
            problems.append((_line_of_ballot_error(vote, entry, exc), f"voter {entry.voter!r}: {exc}"))
    if problems:
        raise BallotsFileError(sorted(problems, key=lambda p: p[0]))
    return list(voters.values())


def import_ballots(consultation: Consultation, text: str, *, actor=None) -> int:
    """Store every ballot of a checked CSV file (all or nothing); returns how many ballots were stored."""
    if consultation.status == ConsultationStatus.PUBLISHED.value:
        raise BallotsFileError([(0, f"the results of {consultation.slug!r} are published; ballots can no longer "
                                "be added")])
    entries = read_ballots_csv(consultation, text)
    groups = {gw.stakeholder_group.code: gw.stakeholder_group for gw in consultation.group_weights}
    localities = {loc.code: loc for loc in consultation.localities}
    for entry in entries:
        voter = Voter(key=f"ref:{entry.voter}", stakeholder_group=groups[entry.group],
                      locality=localities[entry.locality], channel="import")
        try:
            store_ballot(consultation, voter, entry.values, replace=False, actor=actor, audit_channel="cli")
        except VotingError as exc:
            raise BallotsFileError([(entry.first_line, f"voter {entry.voter!r}: {exc}")]) from None
    return len(entries)


def ballot_values(ballot: Ballot | None) -> dict[str, int]:
    """A stored ballot's values by priority code (to show it again or to change it)."""
    return {} if ballot is None else {c.priority.code: c.value for c in ballot.choices}


def find_ballot(consultation: Consultation, voter_key: str) -> Ballot | None:
    return db.session.scalar(select(Ballot).where(Ballot.consultation_id == consultation.id,
                                                  Ballot.voter_key == voter_key))


def taking_part(consultation: Consultation) -> tuple[list[StakeholderGroup], list[Locality]]:
    """The consultation's stakeholder groups (in their usual order) and its localities."""
    groups = sorted((gw.stakeholder_group for gw in consultation.group_weights), key=lambda g: (g.position, g.code))
    return groups, list(consultation.localities)


# The consultation's screens, lifecycle and file import ask these of its vote (consultations cannot import
# voting: see consult/consultations/parts.py).
parts.register_vote(parts.VoteHooks(
    save_settings=save_vote_settings, add_priority=save_priority, is_locked=vote_is_locked,
    voted_group_ids=voted_group_ids, has_results=lambda consultation: latest_snapshot(consultation) is not None,
    link_has_voted=link_has_voted))
