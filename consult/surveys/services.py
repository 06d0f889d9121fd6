"""Rules for surveys: building them, answering them (on the web and on paper), importing XLSForms, results.

Services flush and never commit. Answers to anonymous surveys are kept with no user, no address and no
time of day (only the Monday of the week), and no audit event links a web response to anyone; paper
responses, typed in by staff, are audited with the person who entered them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.i18n import enabled_locales, locale_name, tr
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.surveys import flow, profile
from consult.surveys.conditions import ConditionError, check
from consult.surveys.models import (
    CHOICE_KINDS,
    KINDS,
    LONG_TEXT_MAX,
    SCALE_VALUES,
    SHORT_TEXT_MAX,
    YES_NO_VALUES,
    Survey,
    SurveyImage,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyStatus,
)
from consult.surveys.results import question_results
from consult.surveys.xlsform import ParsedForm, XLSFormError, parse_xlsform

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
TITLE_MAX = 200
TEXT_MAX = 2000
NUMBER_LIMIT = Decimal("1000000000000")
MAX_OPTIONS = 100
IMAGE_MAX_BYTES = 2 * 1024 * 1024
XLSFORM_MAX_BYTES = 5 * 1024 * 1024
#: Letters and digits that cannot be mistaken for one another when read aloud or written down.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class SurveyError(RuleError):
    """A change that breaks a rule; str() is shown to the person, `field` names the form field."""


class AnswerError(SurveyError):
    """Answers that cannot be accepted; `errors` maps each form field name to its message, in page order."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


# --- finding ----------------------------------------------------------------------------------------------


def survey_by_slug(slug: str) -> Survey | None:
    """A standalone survey by its own slug (surveys in a consultation are found through it)."""
    return db.session.scalar(select(Survey).where(Survey.slug == slug, Survey.consultation_id.is_(None)))


def survey_of_consultation(slug: str) -> Survey | None:
    return db.session.scalar(select(Survey).join(Consultation, Survey.consultation_id == Consultation.id)
                             .where(Consultation.slug == slug))


def consultation_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def surveys_managed_by(user) -> list[Survey]:
    from consult.surveys.permissions import can_manage_survey

    return [s for s in db.session.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc()))
            if can_manage_survey(user, s)]


def consultations_without_survey(user) -> list[Consultation]:
    """Consultations this person manages that have no survey yet (to attach a new or copied survey)."""
    from consult.consultations.permissions import can_manage_consultation

    taken = select(Survey.consultation_id).where(Survey.consultation_id.is_not(None))
    stmt = select(Consultation).where(Consultation.id.not_in(taken)).order_by(Consultation.slug)
    return [c for c in db.session.scalars(stmt) if can_manage_consultation(user, c)]


def response_count(survey: Survey, status: str | None = "submitted") -> int:
    stmt = select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    if status:
        stmt = stmt.where(SurveyResponse.status == status)
    return db.session.scalar(stmt) or 0


def has_responses(survey: Survey) -> bool:
    """Any answers at all, even unfinished: then questions may be reworded but not removed or retyped."""
    return response_count(survey, status=None) > 0


def stakeholder_groups_for(survey: Survey) -> list[StakeholderGroup]:
    """The groups a respondent may say they belong to: the consultation's, or all of them."""
    if survey.consultation is not None and survey.consultation.group_weights:
        return sorted((gw.stakeholder_group for gw in survey.consultation.group_weights),
                      key=lambda g: (g.position, g.code))
    return list(db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.position,
                                                                     StakeholderGroup.code)))


def localities_for(survey: Survey) -> list[Locality]:
    if survey.consultation is not None and survey.consultation.localities:
        return list(survey.consultation.localities)
    return list(db.session.scalars(select(Locality).order_by(Locality.code)))


# --- content checks ---------------------------------------------------------------------------------------


def _clean_content(content: Mapping[str, str] | None, max_length: int, field: str) -> dict[str, str]:
    cleaned = {}
    for code, text in (content or {}).items():
        text = (text or "").replace("\x00", "").strip()
        if not text:
            continue
        if len(text) > max_length:
            raise SurveyError(_("%(language)s text must be %(max)s characters or fewer.",
                                language=locale_name(code), max=max_length), f"{field}_{code}")
        cleaned[code] = text
    return cleaned


def _require_default(content: dict[str, str], default_locale: str, field: str, what: str) -> None:
    if not content.get(default_locale):
        raise SurveyError(_("Enter %(what)s in %(language)s.", what=what, language=locale_name(default_locale)),
                          f"{field}_{default_locale}")


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


def _unique_slug(base: str, exclude: Survey | None = None) -> str:
    base = _slugify(base) or "survey"
    if len(base) < 2:
        base = f"survey-{base}"
    candidate, n = base, 1
    while True:
        clash = db.session.scalar(select(Survey).where(Survey.slug == candidate))
        if clash is None or clash is exclude:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def _check_slug(slug: str, survey: Survey | None) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise SurveyError(_("The web address name must be 2 to 64 lower-case letters, digits or hyphens, "
                            "starting with a letter or digit."), "slug")
    clash = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if clash is not None and clash is not survey:
        raise SurveyError(_("Another survey already uses this web address name."), "slug")
    return slug


def _actor_id(actor) -> int | None:
    """The person making the change: given, or the one signed in to this request."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    return getattr(actor, "id", None)


def _survey_snapshot(survey: Survey) -> dict[str, Any]:
    return {"slug": survey.slug, "title": survey.title, "anonymous": survey.anonymous,
            "ask_about_you": survey.ask_about_you, "status": survey.status,
            "consultation_id": survey.consultation_id,
            "opens_at": survey.opens_at.isoformat() if survey.opens_at else None,
            "closes_at": survey.closes_at.isoformat() if survey.closes_at else None}


# --- building ---------------------------------------------------------------------------------------------


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
    title = _clean_content(title, TITLE_MAX, "title")
    _require_default(title, locale, "title", _("a title"))
    intro = _clean_content(intro, TEXT_MAX, "intro")
    easy_intro = _clean_content(easy_intro, TEXT_MAX, "easy_intro")
    attached = consultation if creating else survey.consultation
    if attached is None:
        slug = _check_slug(slug, survey)
        if status is not None and status not in tuple(s.value for s in SurveyStatus):
            raise SurveyError(_("Choose one of the options"), "status")
        if opens_at and closes_at and closes_at <= opens_at:
            raise SurveyError(_("The closing date must be after the opening date."), "closes_at")
    before = None if creating else _survey_snapshot(survey)
    if creating:
        if consultation is not None:
            slug = _unique_slug(consultation.slug)
        survey = Survey(default_locale=locale, created_by_id=_actor_id(actor), reviewed_locales=[])
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
                  after=_survey_snapshot(survey), actor=actor, channel=channel)
    return survey


def save_section(survey: Survey, section: SurveySection | None, *, title: dict[str, str],
                 intro: dict[str, str] | None = None, easy_intro: dict[str, str] | None = None, actor=None,
                 channel: str = "web") -> SurveySection:
    """Create or change a section (a page); its title is optional, the survey's is shown when it has none."""
    title = _clean_content(title, TITLE_MAX, "title")
    intro = _clean_content(intro, TEXT_MAX, "intro")
    easy_intro = _clean_content(easy_intro, TEXT_MAX, "easy_intro")
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


def _renumber(items: Sequence[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _check_all_conditions(survey: Survey) -> None:
    """Every condition reads only questions asked before it, and only their real options."""
    earlier: dict[str, tuple[str, frozenset[str] | None]] = {}
    for question in survey.ordered_questions():
        if question.condition:
            try:
                check(question.condition, earlier)
            except ConditionError as exc:
                raise SurveyError(_("“%(question)s”: %(reason)s", question=tr(question.text), reason=str(exc)),
                                  "condition") from None
        if question.kind != "note":
            earlier[question.code] = (question.kind, frozenset(option_values(question)))


def move_section(section: SurveySection, offset: int, actor=None) -> None:
    """Move a section up (-1) or down (+1); refused if a show-if condition would then read a later answer."""
    survey = section.survey
    sections = list(survey.sections)
    index = sections.index(section)
    target = index + offset
    if not 0 <= target < len(sections):
        return
    sections[index], sections[target] = sections[target], sections[index]
    _renumber(sections)
    db.session.flush()
    db.session.expire(survey, ["sections"])
    _check_all_conditions(survey)
    record_change("survey_section.move", section, after={"position": section.position}, actor=actor)


def delete_section(section: SurveySection, actor=None) -> None:
    survey = section.survey
    if section.questions and has_responses(survey):
        raise SurveyError(_("This section has questions that people have answered, so it cannot be removed."))
    record_change("survey_section.delete", section, before={"title": section.title}, actor=actor)
    survey.sections.remove(section)
    db.session.flush()
    db.session.expire(survey, ["questions"])
    _renumber(survey.sections)
    _check_all_conditions(survey)
    db.session.flush()


def option_values(question: SurveyQuestion) -> list[str]:
    if question.kind == "scale":
        return list(SCALE_VALUES)
    if question.kind == "yes_no":
        return list(YES_NO_VALUES)
    return [o.value for o in question.options]


def builtin_option_labels() -> dict[str, str]:
    """Labels of the built-in options (agreement scale, yes/no), in the interface language."""
    return {"strongly_agree": _("Strongly agree"), "agree": _("Agree"), "neither": _("Neither agree nor disagree"),
            "disagree": _("Disagree"), "strongly_disagree": _("Strongly disagree"), "yes": _("Yes"), "no": _("No")}


def option_label(question: SurveyQuestion, value: str, locale: str | None = None) -> str:
    if question.kind in ("scale", "yes_no"):
        return builtin_option_labels().get(value, value)
    option = next((o for o in question.options if o.value == value), None)
    return tr(option.label, locale, question.survey.default_locale) if option else value


def _parse_options(options: Sequence[Mapping[str, Any]], existing: Sequence[SurveyOption], default_locale: str,
                   locked: bool) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """[(value, label, easy_label)]: an option keeps its value while its default-language label is unchanged."""
    if not options:
        raise SurveyError(_("Enter at least one option in %(language)s.", language=locale_name(default_locale)),
                          f"options_{default_locale}")
    if len(options) > MAX_OPTIONS:
        raise SurveyError(_("A question can have at most %(max)s options.", max=MAX_OPTIONS),
                          f"options_{default_locale}")
    by_label = {o.label.get(default_locale, ""): o.value for o in existing}
    taken: set[str] = set()
    parsed = []
    for index, option in enumerate(options):
        label = _clean_content(option.get("label"), TITLE_MAX, "options")
        easy = _clean_content(option.get("easy_label"), TITLE_MAX, "easy_options")
        if not label.get(default_locale):
            raise SurveyError(_("Option %(n)s has no text in %(language)s.", n=index + 1,
                                language=locale_name(default_locale)), f"options_{default_locale}")
        value = option.get("value") or by_label.get(label[default_locale])
        if not value:
            value = _slugify(label[default_locale]).replace("-", "_")[:40] or f"option_{index + 1}"
            if not value[0].isalpha():
                value = f"option_{value}"
        base, n = value, 1
        while value in taken:
            n += 1
            value = f"{base}_{n}"
        taken.add(value)
        parsed.append((value, label, easy))
    if locked:
        removed = {o.value for o in existing} - taken
        if removed:
            raise SurveyError(_("People have already answered this survey, so options cannot be removed or have "
                                "their %(language)s text changed.", language=locale_name(default_locale)),
                              f"options_{default_locale}")
    return parsed


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise SurveyError(_("Enter a number"), field) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise SurveyError(_("Enter a number between -1,000,000,000,000 and 1,000,000,000,000"), field)
    return number


def save_question(section: SurveySection, question: SurveyQuestion | None, *, code: str | None, kind: str,
                  required: bool, text: dict[str, str], help: dict[str, str] | None = None,
                  easy_text: dict[str, str] | None = None, easy_help: dict[str, str] | None = None,
                  min_value: Any = None, max_value: Any = None, options: Sequence[Mapping[str, Any]] | None = None,
                  condition: dict | None = None, keep_condition: bool = False, image: SurveyImage | None = None,
                  remove_image: bool = False, image_alt: dict[str, str] | None = None, actor=None,
                  channel: str = "web") -> SurveyQuestion:
    """Create or change a question; codes are unique in the survey and conditions read only earlier answers."""
    survey = section.survey
    locale = survey.default_locale
    locked = question is not None and has_responses(survey)
    if kind not in KINDS:
        raise SurveyError(_("Choose one of the options"), "kind")
    if locked and kind != question.kind:
        raise SurveyError(_("People have already answered this survey, so the type of question cannot change."),
                          "kind")
    code = (code or "").strip()
    if not code:
        code = question.code if question is not None else _next_code(survey)
    if not CODE_PATTERN.match(code):
        raise SurveyError(_("The short name must start with a letter and have only letters, digits, dots, hyphens "
                            "or underscores (up to 64)."), "code")
    if locked and code != question.code:
        raise SurveyError(_("People have already answered this survey, so the short name cannot change."), "code")
    clash = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id,
                                                           SurveyQuestion.code == code))
    if clash is not None and clash is not question:
        raise SurveyError(_("Another question in this survey already has this short name."), "code")
    text = _clean_content(text, TEXT_MAX, "text")
    _require_default(text, locale, "text", _("the question"))
    help = _clean_content(help, TEXT_MAX, "help")
    easy_text = _clean_content(easy_text, TEXT_MAX, "easy_text")
    easy_help = _clean_content(easy_help, TEXT_MAX, "easy_help")
    low, high = (_decimal(min_value, "min_value"), _decimal(max_value, "max_value")) \
        if kind in ("number", "decimal") else (None, None)
    if kind == "number":
        for value, field in ((low, "min_value"), (high, "max_value")):
            if value is not None and value != value.to_integral_value():
                raise SurveyError(_("Enter a whole number"), field)
    if low is not None and high is not None and low > high:
        raise SurveyError(_("The smallest allowed answer must not be more than the largest."), "max_value")
    parsed_options = _parse_options(options or [], question.options if question else [], locale, locked) \
        if kind in ("single", "multiple") else []
    image_alt = _clean_content(image_alt, TITLE_MAX, "image_alt")
    has_image = image is not None or (question is not None and question.image_id is not None and not remove_image)
    if has_image:
        _require_default(image_alt, locale, "image_alt", _("a description of the picture"))

    creating = question is None
    before = None if creating else _question_snapshot(question)
    if creating:
        question = SurveyQuestion(survey=survey, section=section, position=len(section.questions))
        db.session.add(question)
    question.code, question.kind, question.required = code, kind, bool(required) and kind != "note"
    question.text, question.help, question.easy_text, question.easy_help = text, help, easy_text, easy_help
    question.min_value, question.max_value = low, high
    if not keep_condition:
        question.condition = condition or None
    if image is not None:
        question.image = image
    elif remove_image:
        question.image = None
    question.image_alt = image_alt if has_image else {}
    existing = {o.value: o for o in question.options}
    kept = []
    for position, (value, label, easy) in enumerate(parsed_options):
        option = existing.get(value) or SurveyOption(value=value)
        option.position, option.label, option.easy_label = position, label, easy
        kept.append(option)
    question.options = kept
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    _check_all_conditions(survey)
    record_change("survey_question.create" if creating else "survey_question.update", question, before=before,
                  after=_question_snapshot(question), actor=actor, channel=channel)
    return question


def _question_snapshot(question: SurveyQuestion) -> dict[str, Any]:
    return {"code": question.code, "kind": question.kind, "required": question.required, "text": question.text,
            "condition": question.condition, "options": [o.value for o in question.options],
            "min": str(question.min_value) if question.min_value is not None else None,
            "max": str(question.max_value) if question.max_value is not None else None}


def _next_code(survey: Survey) -> str:
    codes = {q.code for q in survey.questions}
    n = len(codes) + 1
    while f"q{n}" in codes:
        n += 1
    return f"q{n}"


def move_question(question: SurveyQuestion, offset: int, actor=None) -> None:
    """Move a question up or down within its section, or into the neighbouring section at the edges."""
    survey = question.survey
    section = question.section
    items = list(section.questions)
    index = items.index(question)
    target = index + offset
    sections = list(survey.sections)
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        _renumber(items)
    else:
        neighbour = sections.index(section) + offset
        if not 0 <= neighbour < len(sections):
            return
        other = sections[neighbour]
        items.remove(question)
        _renumber(items)
        others = list(other.questions)
        others.insert(0 if offset > 0 else len(others), question)
        question.section = other
        _renumber(others)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    for s in survey.sections:
        db.session.expire(s, ["questions"])
    _check_all_conditions(survey)
    record_change("survey_question.move", question, after={"section": question.section_id,
                                                           "position": question.position}, actor=actor)


def delete_question(question: SurveyQuestion, actor=None) -> None:
    survey = question.survey
    if has_responses(survey):
        raise SurveyError(_("People have already answered this survey, so questions cannot be removed."))
    record_change("survey_question.delete", question, before=_question_snapshot(question), actor=actor)
    section = question.section
    section.questions.remove(question)
    db.session.delete(question)
    db.session.flush()
    _renumber(section.questions)
    db.session.expire(survey, ["questions"])
    _check_all_conditions(survey)
    db.session.flush()


def store_image(data: bytes) -> SurveyImage:
    """Keep an uploaded picture after checking, from its bytes, that it is a PNG, JPEG, GIF or WebP image."""
    limit = current_app.config.get("SURVEY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES)
    if not data:
        raise SurveyError(_("The selected file is empty."), "image")
    if len(data) > limit:
        raise SurveyError(_("The picture must be smaller than %(size)s MB.", size=limit // (1024 * 1024) or 1),
                          "image")
    content_type = next((kind for signature, kind in IMAGE_SIGNATURES if data.startswith(signature)), None)
    if content_type is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        content_type = "image/webp"
    if content_type is None:
        raise SurveyError(_("The picture must be a PNG, JPEG, GIF or WebP image."), "image")
    image = SurveyImage(token=secrets.token_hex(16), content_type=content_type, data=data)
    db.session.add(image)
    db.session.flush()
    return image


def image_by_token(token: str) -> SurveyImage | None:
    return db.session.scalar(select(SurveyImage).where(SurveyImage.token == token))


def set_reviewed(survey: Survey, locale: str, reviewed: bool, actor=None) -> None:
    """Record that a person has (or has not) checked this language's translation."""
    if locale not in enabled_locales():
        raise SurveyError(_("Choose one of the options"), "locale")
    before = list(survey.reviewed_locales or [])
    survey.reviewed_locales = sorted(set(before) | {locale}) if reviewed else [c for c in before if c != locale]
    db.session.flush()
    record_change("survey.review", survey, before={"reviewed_locales": before},
                  after={"reviewed_locales": survey.reviewed_locales}, actor=actor)


def content_items(survey: Survey) -> list[tuple[str, dict[str, str], dict[str, str] | None]]:
    """Every piece of text a translator must cover: (what it is, content, easy-read content or None)."""
    items: list[tuple[str, dict[str, str], dict[str, str] | None]] = [
        (_("Survey title"), survey.title, None), (_("Introduction"), survey.intro, survey.easy_intro)]
    for n, section in enumerate(survey.sections, start=1):
        items.append((_("Section %(n)s title", n=n), section.title, None))
        items.append((_("Section %(n)s introduction", n=n), section.intro, section.easy_intro))
        for question in section.questions:
            items.append((_("Question %(code)s", code=question.code), question.text, question.easy_text))
            items.append((_("Question %(code)s hint", code=question.code), question.help, question.easy_help))
            for option in question.options:
                items.append((_("Question %(code)s option %(value)s", code=question.code, value=option.value),
                              option.label, None))
            if question.image_id:
                items.append((_("Question %(code)s picture description", code=question.code), question.image_alt,
                              None))
    return items


def translation_status(survey: Survey) -> dict[str, dict[str, Any]]:
    """Per enabled language: how much of the text written in the default language it has, and easy read."""
    items = [(label, content, easy) for label, content, easy in content_items(survey)
             if (content or {}).get(survey.default_locale)]
    easy_items = [(label, easy) for label, content, easy in items if easy is not None]
    status = {}
    for locale in enabled_locales():
        missing = [label for label, content, _easy in items if not (content or {}).get(locale)]
        done = len(items) - len(missing)
        easy_done = sum(1 for _label, easy in easy_items if (easy or {}).get(locale))
        status[locale] = {
            "total": len(items), "done": done, "percent": round(100 * done / len(items)) if items else 100,
            "missing": missing, "easy_total": len(easy_items), "easy_done": easy_done,
            "reviewed": locale == survey.default_locale or locale in (survey.reviewed_locales or []),
        }
    return status


def is_unreviewed(survey: Survey, locale: str) -> bool:
    """Respondents reading this language are told a person has not checked the translation yet."""
    return locale != survey.default_locale and locale not in (survey.reviewed_locales or [])


def duplicate_survey(survey: Survey, *, slug: str | None = None, title: dict[str, str] | None = None,
                     consultation: Consultation | None = None, actor=None, channel: str = "web") -> Survey:
    """Copy a survey's content (never its responses) as a new draft, standalone or for a consultation."""
    if consultation is not None and consultation.survey is not None:
        raise SurveyError(_("This consultation already has a survey."), "consultation")
    if consultation is None:
        slug = _check_slug(slug, None) if slug else _unique_slug(f"{survey.slug}-copy")
    copy = Survey(default_locale=consultation.default_locale if consultation is not None else survey.default_locale,
                  title=dict(title or survey.title), intro=dict(survey.intro or {}),
                  easy_intro=dict(survey.easy_intro or {}), reviewed_locales=list(survey.reviewed_locales or []),
                  anonymous=survey.anonymous, ask_about_you=survey.ask_about_you,
                  status=SurveyStatus.DRAFT.value, created_by_id=_actor_id(actor))
    if consultation is not None:
        slug = _unique_slug(consultation.slug)
    copy.slug = slug
    db.session.add(copy)
    copy.consultation = consultation
    with db.session.no_autoflush:
        _copy_sections(survey, copy)
    db.session.flush()
    record_change("survey.duplicate", copy, before={"from": survey.id}, after=_survey_snapshot(copy), actor=actor,
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


# --- XLSForm ----------------------------------------------------------------------------------------------


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
            slug = _check_slug(slug, None) if slug else _unique_slug(parsed.form_id or title[default])
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
    _check_all_conditions(survey)
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


# --- answering --------------------------------------------------------------------------------------------


def steps(survey: Survey) -> list[flow.Step]:
    return [flow.Step(q.code, q.section_id, q.condition) for q in survey.ordered_questions()]


def pages(survey: Survey) -> list[flow.Page]:
    return flow.paginate(steps(survey))


def questions_by_code(survey: Survey) -> dict[str, SurveyQuestion]:
    return {q.code: q for q in survey.ordered_questions()}


def _week_or_day(survey: Survey, now: datetime) -> date:
    day = now.date()
    return day - timedelta(days=day.weekday()) if survey.anonymous else day


def _new_reference() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        reference = f"SV-{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.reference == reference)) is None:
            return reference


def start_response(survey: Survey, *, locale: str, easy_read: bool = False, user=None, channel: str = "web",
                   now: datetime | None = None) -> SurveyResponse:
    """Begin answering. Anonymous surveys keep no user; a named survey takes one response per person."""
    now = now or utcnow()
    if channel == "web" and not survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))
    user_id = None
    if not survey.anonymous and user is not None and getattr(user, "is_authenticated", False):
        user_id = user.id
        existing = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                                  SurveyResponse.user_id == user_id))
        if existing is not None:
            return existing
    response = SurveyResponse(survey=survey, reference=_new_reference(), status="in_progress", channel=channel,
                              locale=locale if locale in enabled_locales() else survey.default_locale,
                              easy_read=bool(easy_read), user_id=user_id, answers={},
                              started_on=_week_or_day(survey, now))
    db.session.add(response)
    db.session.flush()
    return response


def _question_name(question: SurveyQuestion) -> str:
    text = tr(question.text, None, question.survey.default_locale)
    return text if len(text) <= 90 else text[:87] + "…"


def field_name(question: SurveyQuestion) -> str:
    return f"q-{question.code}"


def clean_answer(question: SurveyQuestion, raw: Mapping[str, Sequence[str]], *, require: bool) -> Any:
    """One answer from the submitted form, or None when left blank; SurveyError with a clear message if wrong."""
    name = field_name(question)
    label = _question_name(question)
    kind = question.kind
    values = [v for v in raw.get(name, []) if v is not None]
    if kind == "note":
        return None
    if kind in CHOICE_KINDS:
        allowed = option_values(question)
        chosen = [v.strip() for v in values if v.strip()]
        if not chosen:
            if require and question.required:
                message = (_("Select at least one answer for “%(question)s”", question=label) if kind == "multiple"
                           else _("Select an answer for “%(question)s”", question=label))
                raise SurveyError(message, name)
            return None
        if any(v not in allowed for v in chosen) or (kind != "multiple" and len(chosen) > 1):
            raise SurveyError(_("Choose one of the options for “%(question)s”", question=label), name)
        if kind == "multiple":
            return [v for v in allowed if v in set(chosen)]
        return chosen[0]
    if kind == "date":
        parts = [(raw.get(f"{name}-{part}") or [""])[0].strip() for part in ("day", "month", "year")]
        if not any(parts):
            if require and question.required:
                raise SurveyError(_("Enter a date for “%(question)s”", question=label), f"{name}-day")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            if not 1900 <= year <= 2100:
                raise ValueError
            return date(year, month, day).isoformat()
        except ValueError:
            raise SurveyError(_("“%(question)s” must be a real date, like 27 3 2027", question=label),
                              f"{name}-day") from None
    value = (values[0] if values else "").replace("\x00", "")
    if len(values) > 1:
        raise SurveyError(_("Give one answer for “%(question)s”", question=label), name)
    if kind in ("short_text", "long_text"):
        limit = SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
        value = value.replace("\r\n", "\n").strip()
        if len(value) > limit:
            raise SurveyError(_("“%(question)s” must be %(max)s characters or fewer", question=label, max=limit),
                              name)
        if not value:
            if require and question.required:
                raise SurveyError(_("Enter an answer for “%(question)s”", question=label), name)
            return None
        return value
    # number and decimal
    value = value.strip().replace(",", "").replace(" ", "")
    if not value:
        if require and question.required:
            message = (_("Enter a whole number for “%(question)s”", question=label) if kind == "number"
                       else _("Enter a number for “%(question)s”", question=label))
            raise SurveyError(message, name)
        return None
    pattern = r"^-?\d{1,13}$" if kind == "number" else r"^-?\d{1,13}(\.\d{1,6})?$"
    if not re.match(pattern, value):
        message = (_("“%(question)s” must be a whole number, like 12", question=label) if kind == "number"
                   else _("“%(question)s” must be a number, like 2.5", question=label))
        raise SurveyError(message, name)
    number = Decimal(value)
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        fmt = (lambda d: f"{d.normalize():f}") if kind == "decimal" else (lambda d: str(int(d)))
        if low is not None and high is not None:
            message = _("“%(question)s” must be between %(min)s and %(max)s", question=label, min=fmt(low),
                        max=fmt(high))
        elif low is not None:
            message = _("“%(question)s” must be %(min)s or more", question=label, min=fmt(low))
        else:
            message = _("“%(question)s” must be %(max)s or less", question=label, max=fmt(high))
        raise SurveyError(message, name)
    return int(number) if kind == "number" else f"{number.normalize():f}"


def clean_answers(questions: Sequence[SurveyQuestion], raw: Mapping[str, Sequence[str]], *,
                  require: bool) -> dict[str, Any]:
    """Answers to these questions; AnswerError lists every problem at once, in page order."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            value = clean_answer(question, raw, require=require)
        except SurveyError as exc:
            errors[exc.field] = str(exc)
            continue
        if value is not None:
            answers[question.code] = value
    if errors:
        raise AnswerError(errors)
    return answers


def page_questions(survey: Survey, response_answers: Mapping[str, Any], index: int) -> list[SurveyQuestion]:
    """The questions shown on page `index`, given the answers so far."""
    all_pages = pages(survey)
    if not 0 <= index < len(all_pages):
        return []
    shown = set(flow.visible_codes(steps(survey), response_answers))
    by_code = questions_by_code(survey)
    return [by_code[code] for code in all_pages[index].codes if code in shown]


def save_page(response: SurveyResponse, index: int, raw: Mapping[str, Sequence[str]], *, require: bool = True,
              now: datetime | None = None) -> None:
    """Keep the answers given on one page (all or nothing) and forget answers to questions now hidden."""
    survey = response.survey
    if response.status != "in_progress":
        raise SurveyError(_("These answers have already been sent."))
    if response.channel == "web" and not survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))
    questions = page_questions(survey, response.answers or {}, index)
    given = clean_answers(questions, raw, require=require)
    answers = {k: v for k, v in (response.answers or {}).items() if k not in {q.code for q in questions}}
    answers.update(given)
    response.answers = flow.effective_answers(steps(survey), answers)
    db.session.flush()


def _profile_choice(field: str, value: str | None, allowed: Sequence[str]) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise SurveyError(_("Choose one of the options"), field)
    return value


def clean_profile(survey: Survey, raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The "about you" answers (every one optional); tampered values are refused."""
    first = {name: (raw.get(name) or [""])[0] for name in profile.FIELDS}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    groups = {g.code: g for g in stakeholder_groups_for(survey)}
    places = {loc.code: loc for loc in localities_for(survey)}
    for name in profile.FIELDS:
        allowed = (list(groups) if name == "stakeholder_group" else list(places) if name == "locality"
                   else [code for code, _label in profile.FIXED[name]])
        try:
            cleaned[name] = _profile_choice(name, first[name], allowed)
        except SurveyError as exc:
            errors[name] = str(exc)
    if errors:
        raise AnswerError(errors)
    cleaned["stakeholder_group"] = groups.get(cleaned["stakeholder_group"])
    cleaned["locality"] = places.get(cleaned["locality"])
    return cleaned


def save_profile(response: SurveyResponse, raw: Mapping[str, Sequence[str]], *, skip: bool = False,
                 now: datetime | None = None) -> None:
    """Keep the optional "about you" answers; skipping clears them."""
    survey = response.survey
    if response.status != "in_progress":
        raise SurveyError(_("These answers have already been sent."))
    if response.channel == "web" and not survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))
    cleaned = {name: None for name in profile.FIELDS} if skip else clean_profile(survey, raw)
    _apply_profile(response, cleaned)
    db.session.flush()


def _apply_profile(response: SurveyResponse, cleaned: Mapping[str, Any]) -> None:
    response.stakeholder_group = cleaned["stakeholder_group"]
    response.locality = cleaned["locality"]
    response.age_band, response.ethnic_group = cleaned["age_band"], cleaned["ethnic_group"]
    response.main_language, response.disability = cleaned["main_language"], cleaned["disability"]


def unanswered_required(response: SurveyResponse) -> list[tuple[int, SurveyQuestion]]:
    """Required questions shown to this person but not answered, with the page each is on."""
    survey = response.survey
    answers = response.answers or {}
    shown = set(flow.visible_codes(steps(survey), answers))
    by_code = questions_by_code(survey)
    missing = []
    for index, page in enumerate(pages(survey)):
        for code in page.codes:
            question = by_code[code]
            if code in shown and question.required and answers.get(code) in (None, "", []):
                missing.append((index, question))
    return missing


def submit_response(response: SurveyResponse, *, now: datetime | None = None) -> SurveyResponse:
    """Send the answers: every required question shown must be answered; only the date (or week) is kept."""
    now = now or utcnow()
    survey = response.survey
    if response.status != "in_progress":
        raise SurveyError(_("These answers have already been sent."))
    if response.channel == "web" and not survey.accepts_responses(now):
        raise SurveyError(_("This survey is not open for answers."))
    missing = unanswered_required(response)
    if missing:
        raise AnswerError({field_name(q): _("Answer “%(question)s”", question=_question_name(q))
                           for _index, q in missing})
    response.answers = flow.effective_answers(steps(survey), response.answers or {})
    response.status = "submitted"
    response.submitted_on = _week_or_day(survey, now)
    response.resume_code_hash = None
    db.session.flush()
    return response


def _hash_code(code: str) -> str:
    normalised = re.sub(r"[^A-Z0-9]", "", (code or "").upper())
    return hashlib.sha256(normalised.encode()).hexdigest()


def issue_resume_code(response: SurveyResponse) -> str:
    """A new code to come back with later (any earlier code stops working); only its hash is kept."""
    if response.status != "in_progress":
        raise SurveyError(_("These answers have already been sent."))
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    response.resume_code_hash = _hash_code(raw)
    db.session.flush()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def resume(survey: Survey, code: str) -> SurveyResponse:
    """The unfinished answers saved with this code."""
    if not re.sub(r"[^A-Za-z0-9]", "", code or ""):
        raise SurveyError(_("Enter the code you were given"), "code")
    response = db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.resume_code_hash == _hash_code(code),
        SurveyResponse.status == "in_progress"))
    if response is None:
        raise SurveyError(_("We could not find answers saved with that code. Check the code and try again."),
                          "code")
    return response


def first_unanswered_page(response: SurveyResponse) -> int | None:
    """Where to carry on: the first page shown with nothing answered on it (None: go to check your answers)."""
    survey = response.survey
    answers = response.answers or {}
    all_pages = pages(survey)
    shown = flow.visible_pages(all_pages, steps(survey), answers)
    for index in shown:
        if not any(code in answers for code in all_pages[index].codes):
            return index
    return None


def enter_paper_response(survey: Survey, raw: Mapping[str, Sequence[str]], *, locale: str, actor,
                         now: datetime | None = None) -> SurveyResponse:
    """Type in a paper form: answers are checked like on the web, but blanks are allowed (people skip
    questions on paper). Answers to questions that the form's own answers hide are not kept."""
    now = now or utcnow()
    if survey.consultation is not None and survey.consultation.status == "published":
        raise SurveyError(_("The results of this consultation are published, so no more answers can be added."))
    if locale not in enabled_locales():
        raise AnswerError({"locale": _("Choose one of the options")})
    errors: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for question in survey.ordered_questions():
        try:
            value = clean_answer(question, raw, require=False)
        except SurveyError as exc:
            errors[exc.field] = str(exc)
            continue
        if value is not None:
            answers[question.code] = value
    cleaned_profile = None
    if survey.ask_about_you:
        try:
            cleaned_profile = clean_profile(survey, raw)
        except AnswerError as exc:
            errors.update(exc.errors)
    if errors:
        raise AnswerError(errors)
    response = start_response(survey, locale=locale, channel="paper", now=now)
    response.entered_by_id = getattr(actor, "id", None)
    response.answers = flow.effective_answers(steps(survey), answers)
    if cleaned_profile:
        _apply_profile(response, cleaned_profile)
    response.status = "submitted"
    response.submitted_on = _week_or_day(survey, now)
    db.session.flush()
    record_change("survey_response.paper", response, after={"reference": response.reference,
                                                            "survey": survey.id,
                                                            "answers": len(response.answers)},
                  actor=actor, channel="paper")
    return response


# --- results ----------------------------------------------------------------------------------------------


def submitted_responses(survey: Survey, *, stakeholder_group: str | None = None,
                        locality: str | None = None) -> list[SurveyResponse]:
    stmt = (select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                         SurveyResponse.status == "submitted").order_by(SurveyResponse.id))
    if stakeholder_group:
        stmt = stmt.join(StakeholderGroup, SurveyResponse.stakeholder_group_id == StakeholderGroup.id).where(
            StakeholderGroup.code == stakeholder_group)
    if locality:
        stmt = stmt.join(Locality, SurveyResponse.locality_id == Locality.id).where(Locality.code == locality)
    return list(db.session.scalars(stmt))


def _row(response: SurveyResponse) -> dict[str, Any]:
    return {
        "reference": response.reference,
        "channel": response.channel,
        "submitted_on": response.submitted_on.isoformat() if response.submitted_on else None,
        "locale": response.locale,
        "easy_read": response.easy_read,
        "stakeholder_group": response.stakeholder_group.code if response.stakeholder_group else None,
        "locality": response.locality.code if response.locality else None,
        "age_band": response.age_band,
        "ethnic_group": response.ethnic_group,
        "main_language": response.main_language,
        "disability": response.disability,
        "answers": dict(response.answers or {}),
    }


def participation_rows(target: Consultation | Survey, **filters) -> list[dict[str, Any]]:
    """One plain dict per submitted response, for reports and representativeness.

    Keys: reference, channel ("web" | "paper"), submitted_on (ISO date; for anonymous surveys the Monday of the
    week), locale, easy_read, stakeholder_group (code or None), locality (code or None), age_band,
    ethnic_group, main_language, disability (codes from consult/surveys/profile.py or None), and answers
    ({question code: value}). A consultation without a survey gives [].
    """
    survey = target if isinstance(target, Survey) else getattr(target, "survey", None)
    if survey is None:
        return []
    return [_row(r) for r in submitted_responses(survey, **filters)]


def question_specs(survey: Survey) -> list[dict[str, Any]]:
    return [{"code": q.code, "kind": q.kind, "options": option_values(q)} for q in survey.ordered_questions()]


def survey_results(survey: Survey, *, stakeholder_group: str | None = None, locality: str | None = None,
                   breakdown: str | None = None) -> dict[str, Any]:
    """Counts and percentages per question (see results.question_results), for the filtered responses."""
    rows = participation_rows(survey, stakeholder_group=stakeholder_group, locality=locality)
    return {"responses": len(rows), "questions": question_results(question_specs(survey), rows, breakdown)}


def text_answers(survey: Survey, code: str, *, stakeholder_group: str | None = None, locality: str | None = None,
                 search: str | None = None) -> list[dict[str, Any]]:
    """The free-text answers to one question, with who gave them (group, locality), newest first."""
    search = (search or "").strip().lower()
    out = []
    for response in reversed(submitted_responses(survey, stakeholder_group=stakeholder_group, locality=locality)):
        value = (response.answers or {}).get(code)
        if not value or (search and search not in str(value).lower()):
            continue
        out.append({"reference": response.reference, "text": str(value), "locale": response.locale,
                    "stakeholder_group": response.stakeholder_group, "locality": response.locality,
                    "submitted_on": response.submitted_on, "channel": response.channel})
    return out


def export_table(survey: Survey, locale: str) -> tuple[list[str], list[list[Any]]]:
    """All submitted responses: one row each, one column per question, option labels in `locale`."""
    questions = [q for q in survey.ordered_questions() if q.kind != "note"]
    groups = {g.code: g for g in db.session.scalars(select(StakeholderGroup))}
    places = {loc.code: loc for loc in db.session.scalars(select(Locality))}
    from flask_babel import force_locale

    with force_locale(locale):
        header = [_("Reference"), _("Channel"), _("Date"), _("Language"), _("Stakeholder group"), _("Locality"),
                  _("Age band"), _("Ethnic group"), _("Main language"), _("Disability")]
        header += [f"{q.code}: {tr(q.text, locale, survey.default_locale)}" for q in questions]
        data = []
        for row in participation_rows(survey):
            line = [row["reference"], row["channel"], row["submitted_on"], row["locale"],
                    tr(groups[row["stakeholder_group"]].name, locale) if row["stakeholder_group"] in groups else "",
                    tr(places[row["locality"]].name, locale) if row["locality"] in places else "",
                    profile.label("age_band", row["age_band"]), profile.label("ethnic_group", row["ethnic_group"]),
                    profile.label("main_language", row["main_language"]),
                    profile.label("disability", row["disability"])]
            for question in questions:
                value = row["answers"].get(question.code)
                if value is None:
                    line.append("")
                elif question.kind in CHOICE_KINDS:
                    chosen = value if isinstance(value, list) else [value]
                    line.append("; ".join(option_label(question, v, locale) for v in chosen))
                elif question.kind == "number":
                    line.append(int(value))
                else:
                    line.append(value)
            data.append(line)
    return header, data
