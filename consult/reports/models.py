"""Report snapshots and their rendered files, population figures, and themes tagged on free-text answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db
from consult.localities.models import Locality

FORMATS = ("html", "pdf", "xlsx", "csv", "docx")
#: "full" is for commissioners and facilitators; "public" leaves out verbatim free text and the raw data.
AUDIENCES = ("full", "public")


class PopulationBand(db.Model):
    """How many residents of a locality fall in one band (e.g. age 65 to 74), from an imported CSV."""

    __tablename__ = "population_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="CASCADE"))
    #: Which "about you" answer the band matches: one of consult.reports.codes.BAND_TYPES.
    band_type: Mapped[str] = mapped_column(String(32))
    #: The answer code (consult/surveys/profile.py), or a stakeholder group code.
    band: Mapped[str] = mapped_column(String(32))
    population: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    locality: Mapped[Locality] = relationship()

    __table_args__ = (
        UniqueConstraint("locality_id", "band_type", "band"),
        CheckConstraint("population >= 0", name="population_not_negative"),
        CheckConstraint("band_type IN ('age_band', 'ethnic_group', 'main_language', 'disability', "
                        "'stakeholder_group')", name="band_type_known"),
    )


class FreeTextTheme(db.Model):
    """A theme facilitators tag free-text answers with (e.g. "transport"), per consultation."""

    __tablename__ = "free_text_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: {"en": "Transport", "cy": "Trafnidiaeth"}
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tags: Mapped[list[FreeTextTag]] = relationship(back_populates="theme", cascade="all, delete-orphan",
                                                   passive_deletes=True)


class FreeTextTag(db.Model):
    """One theme on one free-text answer (a survey response's answer to one text question)."""

    __tablename__ = "free_text_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("free_text_themes.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    #: The text question answered (SurveyQuestion.code): a response may answer several.
    question_code: Mapped[str] = mapped_column(String(64))
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A facilitator chose this answer to quote under its theme in the full (staff) report.
    quoted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    theme: Mapped[FreeTextTheme] = relationship(back_populates="tags")

    __table_args__ = (UniqueConstraint("theme_id", "response_id", "question_code"),)


class ReportSnapshot(db.Model):
    """A consultation's report as of a moment: figures in `data`, the anonymised rows in `raw`.

    Files are rendered from it and never from live data, so a published report never changes under a reader."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    #: The moment the figures describe.
    as_of: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Everything the report shows, as plain data (consult/reports/data.py, build_report_data).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: gzip of {"columns": [...], "rows": [...]} in JSON: one anonymised row per response and per ballot.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    #: The background job that built it (NULL when built by the command line).
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    files: Mapped[list[ReportFile]] = relationship(back_populates="snapshot", cascade="all, delete-orphan",
                                                   passive_deletes=True)

    __table_args__ = (Index("ix_report_snapshots_latest", "consultation_id", "as_of"),)


class ReportFile(db.Model):
    """A snapshot rendered in one format, language and audience; kept so every web server can serve it."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("report_snapshots.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(8))
    audience: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    snapshot: Mapped[ReportSnapshot] = relationship(back_populates="files")

    __table_args__ = (
        UniqueConstraint("snapshot_id", "format", "locale", "audience"),
        CheckConstraint("format IN ('html', 'pdf', 'xlsx', 'csv', 'docx')", name="format_known"),
        CheckConstraint("audience IN ('full', 'public')", name="audience_known"),
    )
