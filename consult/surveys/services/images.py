"""Pictures shown with easy-read questions: checked from their own bytes, kept in the database."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import SurveyImage

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def store_image(data: bytes) -> SurveyImage:
    """Keep an uploaded picture after checking, from its bytes, that it is a PNG, JPEG, GIF or WebP image."""
    limit = current_app.config.get("SURVEY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES)
    if not data:
        raise SurveyError(_("The selected file is empty."), "image")
    if len(data) > limit:
        raise SurveyError(_("The picture must be smaller than %(size)s MB.", size=limit // (1024 * 1024) or 1),
                          "image")
    content_type = next((kind for signature, kind in IMAGE_SIGNATURES if data.startswith(signature)), None)
    if content_type is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        content_type = "image/webp"
    if content_type is None:
        raise SurveyError(_("The picture must be a PNG, JPEG, GIF or WebP image."), "image")
    image = SurveyImage(token=secrets.token_hex(16), content_type=content_type, data=data)
    db.session.add(image)
    db.session.flush()
    return image


def image_by_token(token: str) -> SurveyImage | None:
    return db.session.scalar(select(SurveyImage).where(SurveyImage.token == token))
