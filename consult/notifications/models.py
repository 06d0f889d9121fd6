"""Subscriptions ("tell me what was decided") and the notifications queued for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from consult.core.models import StrEnumType, UTCDateTime, enum_validator, utcnow
from consult.extensions import db

#: results_published: the consultation's results are public; you_said_we_did: what was decided, and why.
KINDS = ("results_published", "you_said_we_did")


class NotificationStatus(StrEnum):
    #: Waiting for the sender (a background job) to compose its message.
    QUEUED = "queued"
    SENT = "sent"
    #: Never to be sent: the person asked to stop, or their account was closed.
    FAILED = "failed"


class Subscription(db.Model):
    """A signed-in participant asked to hear what happens to a consultation (never an anonymous respondent)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the person no longer wants to hear; asking again clears it.
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("user_id", "consultation_id"),)


class Notification(db.Model):
    """One message to one person about one consultation, queued for the sender."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: The language to write in: the person's preference, else the consultation's default.
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[NotificationStatus] = mapped_column(StrEnumType(NotificationStatus),
                                                       default=NotificationStatus.QUEUED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # Publishing twice (or re-publishing) never tells the same person the same news twice.
        UniqueConstraint("user_id", "consultation_id", "kind"),
        CheckConstraint("kind IN ('results_published', 'you_said_we_did')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status_known"),
    )

    _status_is_enum = validates("status")(enum_validator(NotificationStatus))
