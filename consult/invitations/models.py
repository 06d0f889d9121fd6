"""A person invited to a consultation, reached by a personal link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Stored lower-cased; one invitation per address per consultation.
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="RESTRICT"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"))
    #: Set when the invitee is a planning-group member with an account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Random part of the personal link; the link is signed with the app's secret, so it can be rebuilt for
    #: reminders without being stored, and changing the nonce revokes it.
    nonce: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the invitee voted or answered the survey through the link (the link is then spent).
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()
    stakeholder_group: Mapped[StakeholderGroup] = relationship()
    locality: Mapped[Locality] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (UniqueConstraint("consultation_id", "email"),)
