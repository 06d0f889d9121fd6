"""Every message the service sends, kept as its outbox and delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from consult.core.models import StrEnumType, UTCDateTime, enum_validator, utcnow
from consult.extensions import db


class MailStatus(StrEnum):
    QUEUED = "queued"
    #: Handed to the SMTP server.
    SENT = "sent"
    #: No SMTP server is configured: delivered to the in-app outbox that administrators read.
    OUTBOX = "outbox"
    #: Waiting to try again after a failure.
    RETRYING = "retrying"
    #: Gave up after the last attempt.
    FAILED = "failed"

    @property
    def is_settled(self) -> bool:
        """Sent, delivered to the outbox, or given up on: nothing more to do."""
        return self in (MailStatus.SENT, MailStatus.OUTBOX, MailStatus.FAILED)


class MailMessage(db.Model):
    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(String(254), index=True)
    to_name: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"),
                                                        index=True)
    #: What the message is: invitation, reminder, results_published, you_said_we_did, closed, test.
    kind: Mapped[str] = mapped_column(String(32))
    #: The recipient's language, which the message was rendered in.
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: One-click unsubscribe address, sent as the List-Unsubscribe header when present.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MailStatus] = mapped_column(StrEnumType(MailStatus), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'outbox', 'retrying', 'failed')", name="status_known"),
    )

    _status_is_enum = validates("status")(enum_validator(MailStatus))
