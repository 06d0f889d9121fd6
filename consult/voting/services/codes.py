"""Single-use voting codes: issued in batches and stored hashed, typed in by their holders, who declare the group
and area they vote for. Unknown codes count against the address that typed them, so codes cannot be guessed."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import LoginFailure
from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.models import VotingCode
from consult.voting.services.ballots import refuse_unless_open, refuse_unless_taking_part
from consult.voting.services.errors import VotingError
from consult.voting.services.voters import CodeHolder

#: Voting codes avoid letters and digits that look alike (0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
CODE_LENGTH = 10
MAX_CODES_PER_BATCH = 500


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
    if consultation.status.has_ended:
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
                    now: datetime | None = None) -> CodeHolder:
    """Check a typed code and the group and area its holder declares, before they see the ballot; returns who
    they vote as.

    Codes that do not exist are counted per address (in the sign-in failures table), and after
    CODE_MAX_FAILURES in the window nobody at that address may try again for a while: codes cannot be guessed."""
    refuse_unless_open(consultation, now)
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
    refuse_unless_taking_part(consultation, group, locality)
    return CodeHolder(voting_code.id, group, locality)
