"""The audit log's one way in."""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from flask_login import current_user

from consult.core.models import AuditEvent
from consult.extensions import db


def record_change(action: str, entity: Any, *, before: dict | None = None, after: dict | None = None,
                  actor=None, channel: str = "web") -> AuditEvent:
    """Append who changed what: every service that changes data calls this once per change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        entity_type=entity.__tablename__ if hasattr(entity, "__tablename__") else type(entity).__name__,
        entity_id=str(getattr(entity, "id", entity)),
        actor_id=getattr(actor, "id", None),
        channel=channel,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
