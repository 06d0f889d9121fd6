"""Every message the service sends, kept as its outbox and delivery log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class MailStatus(str, enum.Enum):
    QUEUED = "queued"
    #: Handed to the SMTP server.
    SENT = "sent"
    #: No SMTP server is configured: delivered to the in-app outbox that administrators read.
    OUTBOX = "outbox"
    #: Waiting to try again after a failure.
    RETRYING = "retrying"
    #: Gave up after the last attempt.
    FAILED = "failed"


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
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'outbox', 'retrying', 'failed')", name="status_known"),
    )
