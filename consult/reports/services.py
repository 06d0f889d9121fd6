"""Rules for reports: building snapshots, rendering their files, population figures, themes on written answers."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.i18n import locale_name
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.reports import data as report_data
from consult.reports import sources
from consult.reports.models import (
    AUDIENCES,
    BAND_TYPES,
    FORMATS,
    FreeTextTag,
    FreeTextTheme,
    PopulationBand,
    ReportFile,
    ReportSnapshot,
)

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}
#: The raw data (even anonymised) is for the people who run the consultation, never the public.
PUBLIC_FORMATS = ("html", "pdf", "xlsx")
MARGIN_MAX = 50.0
THEME_NAME_MAX = 100
POPULATION_MAX_ROWS = 20_000
POPULATION_MAX = 100_000_000


class ReportError(RuleError):
    """A report request that breaks a rule; str() is shown to the person, field names the form field."""


class PopulationFileError(ReportError):
    """A population CSV with problems: every one of them, with its line number (0 for the whole file)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(_("The file has problems; nothing was imported."), "file")
        self.problems = problems


# --- building -------------------------------------------------------------------------------------------------


def default_margin() -> float:
    """Percentage points below population share at which a group is flagged (config REPORT_MARGIN, default 5)."""
    return float(current_app.config.get("REPORT_MARGIN", report_data.DEFAULT_MARGIN))


def check_margin(value: Any) -> float:
    try:
        margin = float(value)
    except (TypeError, ValueError):
        raise ReportError(_("Enter the margin as a number of percentage points, like 5"), "margin") from None
    if not 0 <= margin <= MARGIN_MAX or margin != margin:
        raise ReportError(_("The margin must be between 0 and %(max)s percentage points", max=f"{MARGIN_MAX:g}"),
                          "margin")
    return margin


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


def _pack(raw: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def load_raw(snapshot: ReportSnapshot) -> dict[str, Any]:
    """The snapshot's anonymised rows: {"columns": [...], "rows": [...]}."""
    return json.loads(gzip.decompress(snapshot.raw).decode("utf-8"))


def build_report(consultation_id: int, *, progress: Callable[[int, str | None], None] | None = None,
                 job_id: str | None = None, locale: str | None = None, margin: float | None = None,
                 actor_id: int | None = None, formats: tuple[str, ...] = FORMATS,
                 channel: str = "job") -> dict[str, Any]:
    """Take a snapshot of the consultation's report as of now, and render it in `locale` in `formats`.

    Run as the "report.build" job (on demand, and when a consultation closes) and by the `report` command."""
    def report(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise ReportError(f"consultation {consultation_id} does not exist")
    check_can_build(consultation)
    locale = locale if locale in current_app.config["LOCALES"] else consultation.default_locale
    margin = check_margin(default_margin() if margin is None else margin)
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
        as_of=as_of.isoformat())
    raw = report_data.raw_table(survey["questions"] if survey else [], ballots["priorities"] if ballots else [],
                                survey["rows"] if survey else [], ballots["rows"] if ballots else [],
                                report_data.tag_index(themes["tags"]))
    report(60, "Saving the snapshot")
    snapshot = ReportSnapshot(consultation_id=consultation.id, as_of=as_of, data=figures, raw=_pack(raw),
                              job_id=job_id, created_by_id=actor_id)
    db.session.add(snapshot)
    db.session.flush()
    for i, fmt in enumerate(formats):
        report(65 + int(30 * i / max(len(formats), 1)), f"Writing the {fmt.upper()} file")
        _store_file(snapshot, fmt, locale, "full", render(snapshot, fmt, locale, "full", raw=raw))
    record_change("report.build", snapshot, after={"consultation": consultation.slug, "as_of": as_of.isoformat(),
                                                    "responses": figures["participation"]["responses"],
                                                    "ballots": figures["participation"]["ballots"]},
                  actor=db.session.get(User, actor_id) if actor_id else None, channel=channel)
    db.session.flush()
    report(100, "Done")
    return {"consultation_id": consultation.id, "snapshot_id": snapshot.id,
            "responses": figures["participation"]["responses"], "ballots": figures["participation"]["ballots"]}


# --- files ------------------------------------------------------------------------------------------------------

def render(snapshot: ReportSnapshot, fmt: str, locale: str, audience: str = "full", *,
           raw: dict[str, Any] | None = None) -> bytes:
    """The snapshot in one format, language and audience (not stored; see report_file)."""
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format %(format)s: choose html, pdf, xlsx or csv", format=fmt), "format")
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
        locales=current_app.config["LOCALES"], margin=check_margin(default_margin() if margin is None else margin),
        anonymous=survey["anonymous"] if survey else True)
    figures.update({"as_of": utcnow().isoformat(), "consultation": reference["consultation"],
                    "groups": reference["groups"], "group_names": reference["group_names"],
                    "localities": reference["localities"], "locality_names": reference["locality_names"],
                    "has_survey": survey is not None, "has_vote": ballots is not None, "survey": None,
                    "themes": {"themes": [], "groups": [], "rows": [], "answers": 0, "tagged": 0},
                    "priorities": None})
    return figures


# --- population figures -----------------------------------------------------------------------------------------

POPULATION_COLUMNS = ("locality", "band_type", "band", "population")


def allowed_bands(band_type: str) -> list[str]:
    if band_type == "stakeholder_group":
        return list(db.session.scalars(select(StakeholderGroup.code).order_by(StakeholderGroup.position,
                                                                              StakeholderGroup.code)))
    return sources.profile_codes(band_type)


def import_population(text: str, *, actor=None, channel: str = "web") -> int:
    """Replace population figures from a CSV (locality,band_type,band,population): every row, or none.

    For each locality and band type in the file, the bands in the file replace that locality's previous
    bands of that type; other localities and types are left as they were."""
    problems: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        head = next(reader)
    except StopIteration:
        raise PopulationFileError([(0, _("The file is empty."))]) from None
    except csv.Error as exc:
        raise PopulationFileError([(1, _("This is not a readable CSV file (%(error)s).", error=str(exc)))]) from None
    names = [h.strip().lower() for h in head]
    missing = [c for c in POPULATION_COLUMNS if c not in names]
    if missing:
        raise PopulationFileError([(1, _("The first line must name the columns %(columns)s; missing: %(missing)s.",
                                         columns=",".join(POPULATION_COLUMNS), missing=", ".join(missing)))])
    at = {c: names.index(c) for c in POPULATION_COLUMNS}
    places = {loc.code: loc for loc in db.session.scalars(select(Locality))}
    bands = {t: set(allowed_bands(t)) for t in BAND_TYPES}
    seen: dict[tuple[str, str, str], int] = {}
    rows: list[tuple[Locality, str, str, int]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) + len(problems) >= POPULATION_MAX_ROWS:
                problems.append((line, _("The file has more than %(n)s rows.", n=f"{POPULATION_MAX_ROWS:,}")))
                break
            if len(values) < len(names):
                values = values + [""] * (len(names) - len(values))
            code, band_type, band, number = (values[at[c]].strip() for c in POPULATION_COLUMNS)
            reasons = []
            if code not in places:
                reasons.append(_("unknown locality code \"%(code)s\"", code=code))
            if band_type not in bands:
                reasons.append(_("band_type must be one of %(types)s, not \"%(value)s\"",
                                 types=", ".join(BAND_TYPES), value=band_type))
            elif band not in bands[band_type]:
                reasons.append(_("band \"%(band)s\" is not known for %(type)s; use one of %(bands)s", band=band,
                                 type=band_type, bands=", ".join(sorted(bands[band_type]))))
            population = None
            if not number.isdigit():
                reasons.append(_("population must be a whole number of 0 or more, not \"%(value)s\"", value=number))
            else:
                population = int(number)
                if population > POPULATION_MAX:
                    reasons.append(_("population %(value)s is too large", value=number))
            key = (code, band_type, band)
            if not reasons and key in seen:
                reasons.append(_("repeats line %(line)s (%(locality)s, %(type)s, %(band)s)", line=seen[key],
                                 locality=code, type=band_type, band=band))
            if reasons:
                problems.append((line, "; ".join(reasons)))
                continue
            seen[key] = line
            rows.append((places[code], band_type, band, population))
    except csv.Error as exc:
        problems.append((reader.line_num, _("This is not a readable CSV file (%(error)s).", error=str(exc))))
    if not rows and not problems:
        problems.append((0, _("The file has no rows of figures.")))
    if problems:
        raise PopulationFileError(problems)

    replaced: dict[int, set[str]] = {}
    for locality, band_type, _band, _n in rows:
        replaced.setdefault(locality.id, set()).add(band_type)
    for locality_id, types in replaced.items():
        locality = db.session.get(Locality, locality_id)
        before = _bands_of(locality_id, types)
        db.session.execute(delete(PopulationBand).where(PopulationBand.locality_id == locality_id,
                                                        PopulationBand.band_type.in_(types)))
        after: dict[str, dict[str, int]] = {}
        for loc, band_type, band, population in rows:
            if loc.id == locality_id:
                db.session.add(PopulationBand(locality_id=locality_id, band_type=band_type, band=band,
                                              population=population))
                after.setdefault(band_type, {})[band] = population
        record_change("population.import", locality, before=before or None, after=after, actor=actor,
                      channel=channel)
    db.session.flush()
    return len(rows)


def _bands_of(locality_id: int, types: set[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for band_type, band, population in db.session.execute(
            select(PopulationBand.band_type, PopulationBand.band, PopulationBand.population)
            .where(PopulationBand.locality_id == locality_id, PopulationBand.band_type.in_(types))):
        out.setdefault(band_type, {})[band] = population
    return out


def population_overview() -> list[dict[str, Any]]:
    """Per locality: its total population and, per band type, the sum and number of bands imported."""
    figures = sources.population_source()
    out = []
    for locality in db.session.scalars(select(Locality).order_by(Locality.code)):
        types = figures.get(locality.code, {})
        out.append({"locality": locality, "types": {t: {"bands": len(v), "total": sum(v.values())}
                                                    for t, v in types.items()}})
    return out


# --- themes on written answers ------------------------------------------------------------------------------------

def themes_of(consultation: Consultation) -> list[FreeTextTheme]:
    return list(db.session.scalars(select(FreeTextTheme).where(FreeTextTheme.consultation_id == consultation.id)
                                   .order_by(FreeTextTheme.position, FreeTextTheme.id)))


def save_theme(consultation: Consultation, theme: FreeTextTheme | None, *, name: Mapping[str, str],
               actor=None) -> FreeTextTheme:
    """Add (or rename) a theme; it needs a name in the consultation's default language, unique among its themes."""
    name = {k: v.strip() for k, v in (name or {}).items() if v and v.strip()}
    default = consultation.default_locale
    if not name.get(default):
        raise ReportError(_("Enter the theme's name in %(language)s", language=locale_name(default)),
                          f"name_{default}")
    if any(len(v) > THEME_NAME_MAX for v in name.values()):
        raise ReportError(_("A theme's name must be %(n)s characters or fewer", n=THEME_NAME_MAX), f"name_{default}")
    for other in themes_of(consultation):
        if other is not theme and (other.name.get(default) or "").casefold() == name[default].casefold():
            raise ReportError(_("There is already a theme called \"%(name)s\"", name=name[default]),
                              f"name_{default}")
    before = dict(theme.name) if theme is not None else None
    if theme is None:
        theme = FreeTextTheme(consultation_id=consultation.id, name=name, created_by_id=getattr(actor, "id", None),
                              position=len(themes_of(consultation)))
        db.session.add(theme)
    else:
        theme.name = name
    db.session.flush()
    record_change("free_text_theme.save", theme, before={"name": before} if before else None,
                  after={"name": name, "consultation": consultation.slug}, actor=actor)
    return theme


def delete_theme(theme: FreeTextTheme, *, actor=None) -> None:
    """Remove a theme and its tags."""
    record_change("free_text_theme.delete", theme, before={"name": dict(theme.name), "tags": len(theme.tags)},
                  actor=actor)
    db.session.delete(theme)
    db.session.flush()


def text_questions(consultation: Consultation) -> list[dict[str, Any]]:
    """The survey's free-text questions, each with how many people answered it."""
    survey = sources.survey_source(consultation, answers=False)
    if survey is None:
        return []
    out = []
    for q in survey["questions"]:
        if q["kind"] in sources.TEXT_KINDS:
            answered = sources.survey_source(consultation, text_question=q["code"])["rows"]
            out.append({"code": q["code"], "text": q["text"], "answers": len(answered)})
    return out


def tagging_page(consultation: Consultation, question_code: str, *, page: int = 1, per_page: int = 20,
                 untagged: bool = False, group: str | None = None) -> dict[str, Any]:
    """One page of written answers to a question, newest first, with the themes already on each."""
    question = next((q for q in text_questions(consultation) if q["code"] == question_code), None)
    if question is None:
        raise ReportError(_("That question has no written answers to tag."), "question")
    answers = sources.survey_source(consultation, text_question=question_code)["rows"]
    tags: dict[int, set[int]] = {}
    for response_id, theme_id in db.session.execute(
            select(FreeTextTag.response_id, FreeTextTag.theme_id).join(FreeTextTheme)
            .where(FreeTextTheme.consultation_id == consultation.id, FreeTextTag.question_code == question_code)):
        tags.setdefault(response_id, set()).add(theme_id)
    if group:
        answers = [a for a in answers if (a["stakeholder_group"] or report_data.NOT_GIVEN) == group]
    if untagged:
        answers = [a for a in answers if not tags.get(a["id"])]
    answers.reverse()
    pages = max(1, -(-len(answers) // per_page))
    page = min(max(1, page), pages)
    shown = answers[(page - 1) * per_page: page * per_page]
    for a in shown:
        a["themes"] = tags.get(a["id"], set())
    return {"question": question, "answers": shown, "total": len(answers), "page": page, "pages": pages}


def set_tags(consultation: Consultation, question_code: str, assignments: Mapping[int, set[int]], *,
             actor=None) -> int:
    """Set the themes on written answers to one question; returns how many answers changed.

    Every answer must be a written answer to that question in this consultation, every theme one of its
    themes; otherwise nothing changes."""
    answered = {a["id"] for a in (sources.survey_source(consultation, text_question=question_code) or
                                  {"rows": []})["rows"]}
    known = {t.id: t for t in themes_of(consultation)}
    if any(response_id not in answered for response_id in assignments):
        raise ReportError(_("Some of those answers are not written answers to this question."), "answers")
    if any(theme_id not in known for ids in assignments.values() for theme_id in ids):
        raise ReportError(_("Choose themes from this consultation's list."), "answers")
    current: dict[int, set[int]] = {}
    if assignments:
        for response_id, theme_id in db.session.execute(
                select(FreeTextTag.response_id, FreeTextTag.theme_id).join(FreeTextTheme)
                .where(FreeTextTheme.consultation_id == consultation.id, FreeTextTag.question_code == question_code,
                       FreeTextTag.response_id.in_(list(assignments)))):
            current.setdefault(response_id, set()).add(theme_id)
    changed = 0
    now = utcnow()
    for response_id, wanted in assignments.items():
        have = current.get(response_id, set())
        if have == set(wanted):
            continue
        changed += 1
        removed, added = have - set(wanted), set(wanted) - have
        if removed:
            db.session.execute(delete(FreeTextTag).where(
                FreeTextTag.response_id == response_id, FreeTextTag.question_code == question_code,
                FreeTextTag.theme_id.in_(removed)))
        for theme_id in sorted(added):
            db.session.add(FreeTextTag(theme_id=theme_id, response_id=response_id, question_code=question_code,
                                       tagged_by_id=getattr(actor, "id", None), tagged_at=now))
        record_change("free_text.tags", consultation,
                      before={"response": response_id, "question": question_code, "themes": sorted(have)},
                      after={"response": response_id, "question": question_code, "themes": sorted(wanted)},
                      actor=actor)
    db.session.flush()
    return changed
