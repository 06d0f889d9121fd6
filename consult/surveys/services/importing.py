"""Building a survey from an XLSForm: the file is parsed whole by consult.surveys.xlsform, then stored."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.core.services import record_change
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import Survey
from consult.surveys.services.building import save_section, save_survey
from consult.surveys.services.common import check_all_conditions, check_slug, unique_slug
from consult.surveys.services.finding import has_responses
from consult.surveys.services.questions import QuestionDraft, add_question
from consult.surveys.xlsform import ParsedForm, ParsedQuestion, XLSFormError, parse_xlsform

XLSFORM_MAX_BYTES = 5 * 1024 * 1024


def import_xlsform(data: bytes, *, survey: Survey | None = None, consultation: Consultation | None = None,
                   slug: str | None = None, replace: bool = False, actor=None, channel: str = "web") -> Survey:
    """Build a survey from an XLSForm: into `survey` (replacing its questions), into `consultation`, or new.

    The whole file is checked first; any problem refuses it and nothing is stored.
    """
    if len(data) > XLSFORM_MAX_BYTES:
        raise XLSFormError([_("The file must be smaller than %(size)s MB.", size=XLSFORM_MAX_BYTES // 1024 // 1024)])
    if survey is None and consultation is not None and consultation.survey is not None:
        if not replace:
            raise SurveyError(_("Consultation %(slug)s already has a survey (use --replace to replace its "
                                "questions).", slug=consultation.slug), "file")
        survey = consultation.survey
    default = survey.default_locale if survey is not None else (
        consultation.default_locale if consultation is not None else current_app.config["BABEL_DEFAULT_LOCALE"])
    parsed = parse_xlsform(data, default_locale=default)
    if survey is not None and has_responses(survey):
        raise SurveyError(_("People have already answered this survey, so its questions cannot be replaced."),
                          "file")
    if survey is None:
        title = dict(parsed.title) or (dict(consultation.title) if consultation is not None else {})
        if not title.get(default):
            title[default] = (parsed.title.get(parsed.default_locale) or parsed.form_id or slug
                              or _("Imported survey"))
        if consultation is None:
            slug = check_slug(slug, None) if slug else unique_slug(parsed.form_id or title[default])
        survey = save_survey(None, title=title, slug=slug, consultation=consultation, default_locale=default,
                             actor=actor, channel=channel)
    else:
        for section in list(survey.sections):
            survey.sections.remove(section)
        db.session.flush()
        db.session.expire(survey, ["questions", "sections"])
        if parsed.title:
            survey.title = {**survey.title, **parsed.title}
    _build_from_parsed(survey, parsed, actor=actor, channel=channel)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    check_all_conditions(survey)
    record_change("survey.import_xlsform", survey,
                  after={"sections": len(parsed.sections), "questions": len(parsed.questions),
                         "locales": parsed.locales}, actor=actor, channel=channel)
    return survey


def _build_from_parsed(survey: Survey, parsed: ParsedForm, *, actor, channel: str) -> None:
    """Sections and questions through the builder's own rules, so a file cannot hold what the builder's forms
    would refuse (and then could not save again); every problem is listed with its row, nothing is kept."""
    problems: list[str] = []
    for parsed_section in parsed.sections:
        try:
            section = save_section(survey, None, title=parsed_section.title, actor=actor, channel=channel)
        except SurveyError as exc:
            problems.append(_row_problem(parsed_section.questions[0].row, exc))
            continue
        for question in parsed_section.questions:
            try:
                add_question(section, _draft(question))
            except SurveyError as exc:
                problems.append(_row_problem(question.row, exc))
    if problems:
        raise XLSFormError(problems)


def _draft(question: ParsedQuestion) -> QuestionDraft:
    return QuestionDraft(kind=question.kind, code=question.code, required=question.required, text=question.text,
                         help=question.help, min_value=question.min_value, max_value=question.max_value,
                         options=[{"value": o.value, "label": o.label} for o in question.options],
                         condition=question.condition)


def _row_problem(row: int, exc: SurveyError) -> str:
    return _("survey sheet, row %(row)s: %(problem)s", row=row, problem=str(exc))
