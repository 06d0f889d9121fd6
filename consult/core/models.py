"""Base columns and the append-only audit log."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from consult.core.clock import utcnow  # noqa: F401  (re-exported: models and services import it from here)
from consult.extensions import db


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetimes are not stored; give a timezone")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class StrEnumType(TypeDecorator):
    """A status or kind column: stored as the member's string value, read back as the StrEnum member, so code
    asks `consultation.status.takes_responses` instead of comparing with string literals."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum], length: int = 16):
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        # A value the enum does not know is left for the table's CHECK constraint to refuse.
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


def enum_validator(enum_class: type[StrEnum]):
    """For `validates("status")(...)`: a plain string assigned to the column becomes its member, as loading does."""

    def coerce(instance, key, value):
        return None if value is None else enum_class(value)

    return coerce


def one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> str:
    """A CHECK constraint's text: the column holds one of `values` (the tuple the code checks against)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({allowed})" if nullable else f"{column} IN ({allowed})"


#: Content written by people (names, titles, questions): {"en": "...", "cy": "..."}.
LocalizedText = JSON


class AuditEvent(db.Model):
    """Who changed what, when: rows are only ever added (see the guard below)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: A verb such as "user.create" or "membership.add".
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    #: How the change arrived: web, cli, job, paper (ballots collected on paper), meeting.
    channel: Mapped[str] = mapped_column(String(16), default="web")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (db.Index("ix_audit_events_entity", "entity_type", "entity_id"),)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit record."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("audit events cannot be deleted")
