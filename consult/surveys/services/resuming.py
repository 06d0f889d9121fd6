"""Saving answers to come back to later: a code shown once, of which only the hash is kept."""

from __future__ import annotations

import hashlib
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import ResponseStatus, Survey, SurveyResponse
from consult.surveys.services.answering import CODE_ALPHABET


def _hash_code(code: str) -> str:
    normalised = re.sub(r"[^A-Z0-9]", "", (code or "").upper())
    return hashlib.sha256(normalised.encode()).hexdigest()


def issue_resume_code(response: SurveyResponse) -> str:
    """A new code to come back with later (any earlier code stops working); only its hash is kept."""
    if response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyError(_("These answers have already been sent."))
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    response.resume_code_hash = _hash_code(raw)
    db.session.flush()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def resume(survey: Survey, code: str) -> SurveyResponse:
    """The unfinished answers saved with this code."""
    if not re.sub(r"[^A-Za-z0-9]", "", code or ""):
        raise SurveyError(_("Enter the code you were given"), "code")
    response = db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.resume_code_hash == _hash_code(code),
        SurveyResponse.status == ResponseStatus.IN_PROGRESS))
    if response is None:
        raise SurveyError(_("We could not find answers saved with that code. Check the code and try again."),
                          "code")
    return response
