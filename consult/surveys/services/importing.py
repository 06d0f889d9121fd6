"""Building a survey from an XLSForm: the file is parsed whole by consult.surveys.xlsform, then stored."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.core.services import record_change
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import Survey, SurveyOption, SurveyQuestion, SurveySection
from consult.surveys.services.building import save_survey
from consult.surveys.services.common import check_all_conditions, check_slug, unique_slug
from consult.surveys.services.finding import has_responses
from consult.surveys.xlsform import ParsedForm, XLSFormError, parse_xlsform

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
    _build_from_parsed(survey, parsed)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    check_all_conditions(survey)
    record_change("survey.import_xlsform", survey,
                  after={"sections": len(parsed.sections), "questions": len(parsed.questions),
                         "locales": parsed.locales}, actor=actor, channel=channel)
    return survey


def _build_from_parsed(survey: Survey, parsed: ParsedForm) -> None:
    for s_position, parsed_section in enumerate(parsed.sections):
        section = SurveySection(survey=survey, position=s_position, title=parsed_section.title)
        db.session.add(section)
        for q_position, parsed_question in enumerate(parsed_section.questions):
            question = SurveyQuestion(
                survey=survey, section=section, position=q_position, code=parsed_question.code,
                kind=parsed_question.kind, required=parsed_question.required, text=parsed_question.text,
                help=parsed_question.help, easy_text={}, easy_help={}, min_value=parsed_question.min_value,
                max_value=parsed_question.max_value, condition=parsed_question.condition, image_alt={})
            question.options = [SurveyOption(position=i, value=o.value, label=o.label, easy_label={})
                                for i, o in enumerate(parsed_question.options)]
            db.session.add(question)
