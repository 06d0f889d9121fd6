"""Building a survey: its settings, its sections (pages), and copies of it.

Services flush and never commit; every change is audited with the person who made it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from consult.consultations.models import Consultation
from consult.core.services import record_change
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.models import Survey, SurveyOption, SurveyQuestion, SurveySection, SurveyStatus
from consult.surveys.services.common import (
    TEXT_MAX,
    TITLE_MAX,
    actor_id,
    check_all_conditions,
    check_slug,
    clean_content,
    renumber,
    require_default,
    unique_slug,
)
from consult.surveys.services.finding import has_responses


def survey_snapshot(survey: Survey) -> dict[str, Any]:
    return {"slug": survey.slug, "title": survey.title, "anonymous": survey.anonymous,
            "ask_about_you": survey.ask_about_you, "status": survey.status,
            "consultation_id": survey.consultation_id,
            "opens_at": survey.opens_at.isoformat() if survey.opens_at else None,
            "closes_at": survey.closes_at.isoformat() if survey.closes_at else None}


def save_survey(survey: Survey | None, *, title: dict[str, str], intro: dict[str, str] | None = None,
                easy_intro: dict[str, str] | None = None, slug: str | None = None,
                consultation: Consultation | None = None, default_locale: str | None = None,
                anonymous: bool = True, ask_about_you: bool = True, status: str | None = None,
                opens_at: datetime | None = None, closes_at: datetime | None = None, actor=None,
                channel: str = "web") -> Survey:
    """Create or change a survey's settings; a consultation holds at most one survey."""
    creating = survey is None
    if creating:
        if consultation is not None and consultation.survey is not None:
            raise SurveyError(_("This consultation already has a survey."), "consultation")
        locale = consultation.default_locale if consultation is not None else (
            default_locale or current_app.config["BABEL_DEFAULT_LOCALE"])
    else:
        locale = survey.default_locale
    title = clean_content(title, TITLE_MAX, "title")
    require_default(title, locale, "title", _("a title"))
    intro = clean_content(intro, TEXT_MAX, "intro")
    easy_intro = clean_content(easy_intro, TEXT_MAX, "easy_intro")
    attached = consultation if creating else survey.consultation
    if attached is None:
        slug = check_slug(slug, survey)
        if status is not None and status not in tuple(SurveyStatus):
            raise SurveyError(_("Choose one of the options"), "status")
        if opens_at and closes_at and closes_at <= opens_at:
            raise SurveyError(_("The closing date must be after the opening date."), "closes_at")
    before = None if creating else survey_snapshot(survey)
    if creating:
        if consultation is not None:
            slug = unique_slug(consultation.slug)
        survey = Survey(default_locale=locale, created_by_id=actor_id(actor), reviewed_locales=[])
        db.session.add(survey)
        survey.consultation = consultation
    survey.title, survey.intro, survey.easy_intro = title, intro, easy_intro
    survey.anonymous, survey.ask_about_you = bool(anonymous), bool(ask_about_you)
    if attached is None:
        survey.slug = slug
        if status is not None:
            survey.status = status
        survey.opens_at, survey.closes_at = opens_at, closes_at
    elif creating:
        survey.slug = slug
    db.session.flush()
    record_change("survey.create" if creating else "survey.update", survey, before=before,
                  after=survey_snapshot(survey), actor=actor, channel=channel)
    return survey


def save_section(survey: Survey, section: SurveySection | None, *, title: dict[str, str],
                 intro: dict[str, str] | None = None, easy_intro: dict[str, str] | None = None, actor=None,
                 channel: str = "web") -> SurveySection:
    """Create or change a section (a page); its title is optional, the survey's is shown when it has none."""
    title = clean_content(title, TITLE_MAX, "title")
    intro = clean_content(intro, TEXT_MAX, "intro")
    easy_intro = clean_content(easy_intro, TEXT_MAX, "easy_intro")
    before = None
    if section is None:
        section = SurveySection(survey=survey, position=len(survey.sections))
        db.session.add(section)
    else:
        before = {"title": section.title, "intro": section.intro}
    section.title, section.intro, section.easy_intro = title, intro, easy_intro
    db.session.flush()
    record_change("survey_section.save", section, before=before, after={"title": title, "intro": intro},
                  actor=actor, channel=channel)
    return section


def move_section(section: SurveySection, offset: int, actor=None) -> None:
    """Move a section up (-1) or down (+1); refused if a show-if condition would then read a later answer."""
    survey = section.survey
    sections = list(survey.sections)
    index = sections.index(section)
    target = index + offset
    if not 0 <= target < len(sections):
        return
    sections[index], sections[target] = sections[target], sections[index]
    renumber(sections)
    db.session.flush()
    db.session.expire(survey, ["sections"])
    check_all_conditions(survey)
    record_change("survey_section.move", section, after={"position": section.position}, actor=actor)


def delete_section(section: SurveySection, actor=None) -> None:
    survey = section.survey
    if section.questions and has_responses(survey):
        raise SurveyError(_("This section has questions that people have answered, so it cannot be removed."))
    record_change("survey_section.delete", section, before={"title": section.title}, actor=actor)
    survey.sections.remove(section)
    db.session.flush()
    db.session.expire(survey, ["questions"])
    renumber(survey.sections)
    check_all_conditions(survey)
    db.session.flush()


def duplicate_survey(survey: Survey, *, slug: str | None = None, title: dict[str, str] | None = None,
                     consultation: Consultation | None = None, actor=None, channel: str = "web") -> Survey:
    """Copy a survey's content (never its responses) as a new draft, standalone or for a consultation."""
    if consultation is not None and consultation.survey is not None:
        raise SurveyError(_("This consultation already has a survey."), "consultation")
    if consultation is None:
        slug = check_slug(slug, None) if slug else unique_slug(f"{survey.slug}-copy")
    copy = Survey(default_locale=consultation.default_locale if consultation is not None else survey.default_locale,
                  title=dict(title or survey.title), intro=dict(survey.intro or {}),
                  easy_intro=dict(survey.easy_intro or {}), reviewed_locales=list(survey.reviewed_locales or []),
                  anonymous=survey.anonymous, ask_about_you=survey.ask_about_you,
                  status=SurveyStatus.DRAFT, created_by_id=actor_id(actor))
    if consultation is not None:
        slug = unique_slug(consultation.slug)
    copy.slug = slug
    db.session.add(copy)
    copy.consultation = consultation
    with db.session.no_autoflush:
        _copy_sections(survey, copy)
    db.session.flush()
    record_change("survey.duplicate", copy, before={"from": survey.id}, after=survey_snapshot(copy), actor=actor,
                  channel=channel)
    return copy


def _copy_sections(survey: Survey, copy: Survey) -> None:
    for section in survey.sections:
        new_section = SurveySection(survey=copy, position=section.position, title=dict(section.title),
                                    intro=dict(section.intro or {}), easy_intro=dict(section.easy_intro or {}))
        db.session.add(new_section)
        for question in section.questions:
            new_question = SurveyQuestion(
                survey=copy, section=new_section, position=question.position, code=question.code,
                kind=question.kind, required=question.required, text=dict(question.text),
                help=dict(question.help or {}), easy_text=dict(question.easy_text or {}),
                easy_help=dict(question.easy_help or {}), min_value=question.min_value,
                max_value=question.max_value, condition=question.condition, image_id=question.image_id,
                image_alt=dict(question.image_alt or {}))
            new_question.options = [SurveyOption(position=o.position, value=o.value, label=dict(o.label),
                                                 easy_label=dict(o.easy_label or {})) for o in question.options]
            db.session.add(new_question)
