"""Rules for reports: building snapshots, rendering and keeping their files, and the live figures.

Population figures are consult/reports/populations.py's; themes on written answers, consult/reports/tagging.py's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.reports import data as report_data
from consult.reports import raw as raw_rows
from consult.reports import sources
from consult.reports.errors import ReportError
from consult.reports.models import AUDIENCES, FORMATS, ReportFile, ReportSnapshot

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
#: The raw data (even anonymised) is for the people who run the consultation, never the public.
PUBLIC_FORMATS = ("html", "pdf", "xlsx", "docx")
MARGIN_MAX = 50.0


# --- building -------------------------------------------------------------------------------------------------

def default_margin() -> float:
    """Percentage points below population share at which a group is flagged (config REPORT_MARGIN, default 5)."""
    return float(current_app.config.get("REPORT_MARGIN", report_data.DEFAULT_MARGIN))


def min_band_responses() -> int:
    """Fewer people than this in a band (with fewer expected) is "too few to say" (config MIN_BAND_RESPONSES)."""
    return int(current_app.config.get("MIN_BAND_RESPONSES", report_data.DEFAULT_MIN_BAND))


def check_margin(value: Any) -> float:
    try:
        margin = float(value)
    except (TypeError, ValueError):
        raise ReportError(_("Enter the margin as a number of percentage points, like 5"), "margin") from None
    if not 0 <= margin <= MARGIN_MAX or margin != margin:
        raise ReportError(_("The margin must be between 0 and %(max)s percentage points", max=f"{MARGIN_MAX:g}"),
                          "margin")
    return margin


def margin_or_default(value: Any) -> float:
    """The margin asked for, checked; REPORT_MARGIN when none is asked for."""
    return check_margin(default_margin() if value is None else value)


def latest_report(consultation: Consultation) -> ReportSnapshot | None:
    return db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.consultation_id == consultation.id)
                             .order_by(ReportSnapshot.as_of.desc(), ReportSnapshot.id.desc()).limit(1))


def check_can_build(consultation: Consultation) -> None:
    """A report describes responses: not before opening; and a published report is never rebuilt."""
    if consultation.status.is_draft:
        raise ReportError(_("A report can be built once the consultation is open."), "status")
    if consultation.status.is_published and latest_report(consultation) is not None:
        raise ReportError(_("The report was published with the results and cannot be rebuilt."), "status")


def _band_orders() -> dict[str, list[str]]:
    return {field: sources.profile_codes(field) for field in sources.PROFILE_FIELDS}


def load_raw(snapshot: ReportSnapshot) -> dict[str, Any]:
    """The snapshot's anonymised rows: {"columns": [...], "rows": [...]}."""
    return raw_rows.unpack(snapshot.raw)


def build_report(consultation_id: int, *, progress: Callable[[int, str | None], None] | None = None,
                 job_id: str | None = None, locale: str | None = None, margin: float | None = None,
                 actor_id: int | None = None, formats: tuple[str, ...] = FORMATS,
                 channel: str = "job") -> dict[str, Any]:
    """Take a snapshot of the consultation's report as of now, and render it in `locale` in `formats`.

    Run as the "report.build" job (on demand, and when a consultation closes) and by the `report` command."""
    def report(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    consultation = sources.consultation_by_id(consultation_id)
    if consultation is None:
        raise ReportError(f"consultation {consultation_id} does not exist")
    check_can_build(consultation)
    locale = locale if locale in current_app.config["LOCALES"] else consultation.default_locale
    margin = margin_or_default(margin)
    as_of = utcnow()
    report(5, "Reading survey responses")
    reference = sources.reference_source(consultation)
    survey = sources.survey_source(consultation)
    report(20, "Reading ballots")
    ballots = sources.ballot_source(consultation, choices=True)
    report(30, "Reading the priority vote's results")
    vote = sources.vote_results_source(
        consultation, job_id=job_id,
        progress=(lambda p, m: report(30 + int(p * 0.2), m)) if progress else None)
    report(50, "Counting")
    themes = sources.theme_source(consultation)
    populations = sources.population_source(reference["localities"])
    figures = report_data.build_report_data(
        reference=reference, survey=survey, ballots=ballots, vote=vote, populations=populations, themes=themes,
        band_orders=_band_orders(), locales=current_app.config["LOCALES"], margin=margin,
        min_band=min_band_responses(), as_of=as_of.isoformat())
    raw = raw_rows.raw_table(survey["questions"] if survey else [], ballots["priorities"] if ballots else [],
                             survey["rows"] if survey else [], ballots["rows"] if ballots else [],
                             report_data.tag_index(themes["tags"]))
    report(60, "Saving the snapshot")
    snapshot = ReportSnapshot(consultation_id=consultation.id, as_of=as_of, data=figures, raw=raw_rows.pack(raw),
                              job_id=job_id, created_by_id=actor_id)
    db.session.add(snapshot)
    db.session.flush()
    for i, fmt in enumerate(formats):
        report(65 + int(30 * i / max(len(formats), 1)), f"Writing the {fmt.upper()} file")
        _store_file(snapshot, fmt, locale, "full", render(snapshot, fmt, locale, "full", raw=raw))
    record_change("report.build", snapshot, after={"consultation": consultation.slug, "as_of": as_of.isoformat(),
                                                    "responses": figures["participation"]["responses"],
                                                    "ballots": figures["participation"]["ballots"]},
                  actor=sources.user_by_id(actor_id), channel=channel)
    db.session.flush()
    report(100, "Done")
    return {"consultation_id": consultation.id, "snapshot_id": snapshot.id,
            "responses": figures["participation"]["responses"], "ballots": figures["participation"]["ballots"]}


# --- files ------------------------------------------------------------------------------------------------------

def render(snapshot: ReportSnapshot, fmt: str, locale: str, audience: str = "full", *,
           raw: dict[str, Any] | None = None) -> bytes:
    """The snapshot in one format, language and audience (not stored; see report_file)."""
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format %(format)s: choose html, pdf, xlsx, csv or docx", format=fmt), "format")
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}")
    if audience == "public" and fmt not in PUBLIC_FORMATS:
        raise ReportError(_("The raw data is not published."), "format")
    if fmt == "html":
        from consult.reports.render_html import render as render_html

        return render_html(snapshot.data, locale=locale, audience=audience)
    if fmt == "pdf":
        from consult.reports.render_pdf import render as render_pdf

        return render_pdf(snapshot.data, locale=locale, audience=audience)
    if fmt == "docx":
        from consult.reports.render_docx import render as render_docx

        return render_docx(snapshot.data, locale=locale, audience=audience)
    if fmt == "xlsx":
        from consult.reports.render_xlsx import render as render_xlsx

        return render_xlsx(snapshot.data, raw if raw is not None else load_raw(snapshot) if audience == "full"
                           else None, locale=locale, audience=audience)
    from consult.reports.render_csv import render as render_csv

    return render_csv(snapshot.data, raw if raw is not None else load_raw(snapshot), locale=locale)


def _find_file(snapshot: ReportSnapshot, fmt: str, locale: str, audience: str) -> ReportFile | None:
    return db.session.scalar(select(ReportFile).where(
        ReportFile.snapshot_id == snapshot.id, ReportFile.format == fmt, ReportFile.locale == locale,
        ReportFile.audience == audience))


def _store_file(snapshot: ReportSnapshot, fmt: str, locale: str, audience: str, content: bytes) -> ReportFile:
    """Keep a rendered file; if another request stored the same one meanwhile, use theirs."""
    try:
        with db.session.begin_nested():
            stored = ReportFile(snapshot_id=snapshot.id, format=fmt, locale=locale, audience=audience,
                                content=content)
            db.session.add(stored)
    except IntegrityError:
        stored = _find_file(snapshot, fmt, locale, audience)
    return stored


def report_file(snapshot: ReportSnapshot, fmt: str, locale: str, audience: str = "full") -> ReportFile:
    """The snapshot's file in this format, language and audience: rendered once, then kept."""
    stored = _find_file(snapshot, fmt, locale, audience)
    if stored is None:
        stored = _store_file(snapshot, fmt, locale, audience, render(snapshot, fmt, locale, audience))
    return stored


def file_name(snapshot: ReportSnapshot, fmt: str, locale: str) -> str:
    slug = snapshot.data["consultation"]["slug"]
    return f"{slug}-report-{snapshot.as_of:%Y%m%d-%H%M}-{locale}.{fmt}"


# --- the live view ----------------------------------------------------------------------------------------------

def live_figures(consultation: Consultation, margin: float | None = None) -> dict[str, Any]:
    """Participation and representativeness computed now, the same way as the report's."""
    reference = sources.reference_source(consultation)
    survey = sources.survey_source(consultation, answers=False)
    ballots = sources.ballot_source(consultation)
    figures = report_data.live_participation(
        reference=reference, responses=survey["rows"] if survey else [], ballots=ballots["rows"] if ballots else [],
        populations=sources.population_source(reference["localities"]), band_orders=_band_orders(),
        locales=current_app.config["LOCALES"], margin=margin_or_default(margin),
        min_band=min_band_responses(), anonymous=survey["anonymous"] if survey else True)
    figures.update({"as_of": utcnow().isoformat(), "consultation": reference["consultation"],
                    "groups": reference["groups"], "group_names": reference["group_names"],
                    "localities": reference["localities"], "locality_names": reference["locality_names"],
                    "has_survey": survey is not None, "has_vote": ballots is not None, "survey": None,
                    "themes": {"themes": [], "groups": [], "rows": [], "answers": 0, "tagged": 0},
                    "priorities": None})
    return figures
