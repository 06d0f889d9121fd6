"""Surveys: sections (pages), questions and their options, and responses.

A survey either belongs to a consultation (`consultation.survey`, answered at /c/<slug>/survey while the
consultation accepts responses) or stands alone (answered at /s/<slug> inside its own window).
All text written by people is stored per locale ({"en": ..., "cy": ...}), with an easy-read variant beside it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship, validates

from consult.consultations.models import Consultation
from consult.core.models import StrEnumType, UTCDateTime, enum_validator, one_of, utcnow
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.surveys.kinds import KINDS


class SurveyStatus(StrEnum):
    """A standalone survey's own state (a consultation's survey follows the consultation instead)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def is_draft(self) -> bool:
        return self is SurveyStatus.DRAFT


class ResponseStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


CHANNELS = ("web", "paper")


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public address of a standalone survey: /s/<slug>. Surveys in a consultation are answered at /c/<slug>/survey.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: Set when the survey belongs to a consultation; then the consultation's window decides when it is open.
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                        unique=True)
    #: The language content falls back to when a translation is missing.
    default_locale: Mapped[str] = mapped_column(String(8), default="en")
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    intro: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_intro: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Locales whose translation a person has checked; others are labelled as unreviewed to respondents.
    reviewed_locales: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Anonymous surveys keep no user id with the answers, and only the week they were given.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Ask the optional "about you" questions (stakeholder group, locality, age band, ...).
    ask_about_you: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Only for standalone surveys; a consultation's survey follows the consultation.
    status: Mapped[SurveyStatus] = mapped_column(StrEnumType(SurveyStatus), default=SurveyStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation | None] = relationship(
        backref=backref("survey", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
    sections: Mapped[list[SurveySection]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveySection.position")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.id")

    __table_args__ = (
        CheckConstraint(one_of("status", tuple(SurveyStatus)), name="status_known"),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="closes_after_opening"),
    )

    _status_is_enum = validates("status")(enum_validator(SurveyStatus))

    def accepts_responses(self, now: datetime | None = None) -> bool:
        """A consultation's survey is open while the consultation is; a standalone one inside its own window."""
        if self.consultation is not None:
            return self.consultation.accepts_responses(now)
        now = now or utcnow()
        return (self.status == SurveyStatus.OPEN and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))

    def ordered_questions(self) -> list[SurveyQuestion]:
        """Every question in answering order: section by section, then by position."""
        return [q for section in self.sections for q in section.questions]

    def __repr__(self) -> str:
        return f"<Survey {self.slug}>"


class SurveySection(db.Model):
    """A page of the survey (a section, or an XLSForm group)."""

    __tablename__ = "survey_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    intro: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_intro: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="SurveyQuestion.position")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised from the section, so that codes are unique per survey in the schema.
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Stable name (the XLSForm `name`): answers, conditions and exports refer to questions by it.
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    help: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_text: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    easy_help: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Bounds for number and decimal questions (inclusive).
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    #: Show-if condition on earlier answers (see consult/surveys/conditions.py); NULL means always shown.
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: A picture shown with the easy-read version (SurveyImage, checked on upload).
    image_id: Mapped[int | None] = mapped_column(ForeignKey("survey_images.id", ondelete="SET NULL"))
    image_alt: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    survey: Mapped[Survey] = relationship(back_populates="questions")
    section: Mapped[SurveySection] = relationship(back_populates="questions")
    options: Mapped[list[SurveyOption]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="SurveyOption.position")
    image: Mapped[SurveyImage | None] = relationship()

    __table_args__ = (
        UniqueConstraint("survey_id", "code"),
        CheckConstraint(one_of("kind", KINDS), name="kind_known"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="min_not_above_max"),
    )


class SurveyImage(db.Model):
    """An uploaded picture, kept in the database so every web server can serve it; never changed once stored."""

    __tablename__ = "survey_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random name used in its address (/survey-images/<token>), so drafts' pictures cannot be guessed.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    #: Decided from the file's own bytes (PNG, JPEG, GIF or WebP), never from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')",
                        name="content_type_known"),
    )


class SurveyOption(db.Model):
    """An answer option of a single or multiple choice question (scale and yes/no options are built in)."""

    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Stored in answers (the XLSForm choice `name`).
    value: Mapped[str] = mapped_column(String(64))
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    easy_label: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    question: Mapped[SurveyQuestion] = relationship(back_populates="options")

    __table_args__ = (UniqueConstraint("question_id", "value"),)


class SurveyResponse(db.Model):
    """One person's answers. Anonymous surveys keep no user, no address and no time of day with them."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    #: Shown to the respondent on the confirmation page (and to the person entering a paper form).
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[ResponseStatus] = mapped_column(StrEnumType(ResponseStatus), default=ResponseStatus.IN_PROGRESS)
    channel: Mapped[str] = mapped_column(String(16), default="web")
    locale: Mapped[str] = mapped_column(String(8))
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Only for surveys that are not anonymous.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The facilitator who typed in a paper response.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: SHA-256 of the save-and-return code; the code itself is shown once and never stored.
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Question code -> answer: option value (str), option values (list), text, whole number (int),
    #: decimal (str), date (ISO "YYYY-MM-DD"). Only answers to questions shown to the person are kept.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Dates only, never a time of day; for anonymous surveys the Monday of the week.
    started_on: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    # "About you" (all optional): stamped on the response, read by participation_rows() for representativeness.
    stakeholder_group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id",
                                                                        ondelete="SET NULL"))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="SET NULL"))
    #: Codes from consult/surveys/profile.py (AGE_BANDS, ETHNIC_GROUPS, LANGUAGES, DISABILITY); NULL = not given.
    age_band: Mapped[str | None] = mapped_column(String(16))
    ethnic_group: Mapped[str | None] = mapped_column(String(16))
    main_language: Mapped[str | None] = mapped_column(String(16))
    disability: Mapped[str | None] = mapped_column(String(16))

    survey: Mapped[Survey] = relationship()
    stakeholder_group: Mapped[StakeholderGroup | None] = relationship()
    locality: Mapped[Locality | None] = relationship()

    __table_args__ = (
        UniqueConstraint("survey_id", "user_id"),
        Index("ix_survey_responses_survey_status", "survey_id", "status"),
        CheckConstraint(one_of("status", tuple(ResponseStatus)), name="status_known"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel_known"),
        CheckConstraint("status != 'submitted' OR submitted_on IS NOT NULL", name="submitted_has_date"),
    )

    _status_is_enum = validates("status")(enum_validator(ResponseStatus))

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED
