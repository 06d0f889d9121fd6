"""A consultation: a time-boxed engagement in some localities, holding a survey and/or a priority vote."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, Float, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from consult.accounts.models import User
from consult.core.models import StrEnumType, UTCDateTime, enum_validator, utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    #: Closed, and its results (and "you said, we did") are public.
    PUBLISHED = "published"

    @property
    def is_draft(self) -> bool:
        return self is ConsultationStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self is ConsultationStatus.OPEN

    @property
    def is_closed(self) -> bool:
        """Closed, results not yet published."""
        return self is ConsultationStatus.CLOSED

    @property
    def is_published(self) -> bool:
        return self is ConsultationStatus.PUBLISHED

    @property
    def has_ended(self) -> bool:
        """Closed, whether or not its results are published: nobody new takes part, nothing about it changes."""
        return self in (ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED)

    @property
    def label(self) -> str:
        """The status as people read it, in the current language."""
        return {ConsultationStatus.DRAFT: _l("Draft"), ConsultationStatus.OPEN: _l("Open"),
                ConsultationStatus.CLOSED: _l("Closed"), ConsultationStatus.PUBLISHED: _l("Results published")}[self]


consultation_localities = Table(
    "consultation_localities",
    db.metadata,
    Column("consultation_id", ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
    Column("locality_id", ForeignKey("localities.id", ondelete="RESTRICT"), primary_key=True),
)


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used in public URLs: /c/<slug>.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: The language content falls back to when a translation is missing.
    default_locale: Mapped[str] = mapped_column(String(8), default="en")
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    summary: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Easy-read version of the summary, per locale.
    easy_read: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Locales whose translation a person has checked; others are labelled as unreviewed to readers.
    reviewed_locales: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ConsultationStatus] = mapped_column(StrEnumType(ConsultationStatus), default=ConsultationStatus.DRAFT,
                                                       index=True)
    #: Remind invitees who have not responded this many days before closing; NULL for no reminder.
    reminder_days: Mapped[int | None] = mapped_column(Integer, default=3)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who leads the consultation: manages its settings and proposes its weights (a facilitator or commissioner).
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The commissioner who agreed the stakeholder weights, scheme and vote settings, when and why; cleared
    #: whenever they change, and required before opening (after which nothing changes them).
    weights_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    weights_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    weights_agreed_reason: Mapped[str | None] = mapped_column(String(2000))
    #: The people the consultation is for, as {band type: [bands]} (for example {"age": ["65-74", "75+"]}):
    #: representativeness compares those who took part with these bands only. Empty: everyone.
    target_population: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)

    localities: Mapped[list[Locality]] = relationship(secondary=consultation_localities, order_by=Locality.code)
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    group_weights: Mapped[list[ConsultationGroupWeight]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan")
    # `vote` (consult.voting) and `survey` (consult.surveys) are attached by those domains' models, which build
    # on this one.

    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("status IN ('draft', 'open', 'closed', 'published')", name="status_known"),
        CheckConstraint("reminder_days IS NULL OR reminder_days BETWEEN 1 AND 60", name="reminder_days_range"),
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("status", ConsultationStatus.DRAFT)
        super().__init__(**kwargs)

    _status_is_enum = validates("status")(enum_validator(ConsultationStatus))

    def accepts_responses(self, now: datetime | None = None) -> bool:
        """Open, and inside its window: the only time anyone may vote or answer."""
        now = now or utcnow()
        return self.status.is_open and self.opens_at <= now < self.closes_at

    def reminder_due_at(self) -> datetime | None:
        """When invitees who have not responded are reminded (`reminder_days` before closing), if at all."""
        if not self.reminder_days:
            return None
        return self.closes_at - timedelta(days=self.reminder_days)

    def groups_taking_part(self) -> list[StakeholderGroup]:
        """The stakeholder groups taking part, in their usual order (position, then code)."""
        return sorted((gw.stakeholder_group for gw in self.group_weights), key=lambda g: (g.position, g.code))

    def weights(self) -> dict[str, float]:
        """Stakeholder group code -> this consultation's weight; the groups listed are the ones taking part."""
        return {gw.stakeholder_group.code: gw.weight for gw in self.group_weights}

    def __repr__(self) -> str:
        return f"<Consultation {self.slug} {self.status}>"


class ConsultationGroupWeight(db.Model):
    """A stakeholder group taking part in a consultation, with this consultation's weight for it."""

    __tablename__ = "consultation_group_weights"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="RESTRICT"),
                                                      primary_key=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    consultation: Mapped[Consultation] = relationship(back_populates="group_weights")
    stakeholder_group: Mapped[StakeholderGroup] = relationship()

    __table_args__ = (CheckConstraint("weight >= 0", name="weight_not_negative"),)
