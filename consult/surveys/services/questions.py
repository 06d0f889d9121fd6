"""A survey's questions: writing and checking one, its options, and moving or removing it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.i18n import locale_name
from consult.core.patterns import is_question_name
from consult.core.services import record_change
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.kinds import KINDS, MAX_OPTIONS, NUMBER_KINDS, OWN_OPTION_KINDS, QuestionKind, is_answerable
from consult.surveys.models import Survey, SurveyImage, SurveyOption, SurveyQuestion, SurveySection
from consult.surveys.services.common import (
    TEXT_MAX,
    TITLE_MAX,
    check_all_conditions,
    clean_content,
    renumber,
    require_default,
    slugify,
)
from consult.surveys.services.finding import has_responses

NUMBER_LIMIT = Decimal("1000000000000")


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
        label = clean_content(option.get("label"), TITLE_MAX, "options")
        easy = clean_content(option.get("easy_label"), TITLE_MAX, "easy_options")
        if not label.get(default_locale):
            raise SurveyError(_("Option %(n)s has no text in %(language)s.", n=index + 1,
                                language=locale_name(default_locale)), f"options_{default_locale}")
        value = option.get("value") or by_label.get(label[default_locale])
        if not value:
            value = slugify(label[default_locale]).replace("-", "_")[:40] or f"option_{index + 1}"
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


@dataclass
class QuestionDraft:
    """What the builder's form (or the demo, or a test) asks a question to become; save_question checks it.

    `options` are only read for kinds whose options the author writes: [{"label": {locale: text},
    "easy_label": {...}, "value": optional}]. `keep_condition` leaves the show-if condition as it is (the
    form could not show it); `image` is a newly stored picture, `remove_image` drops the current one.
    """

    kind: str
    text: dict[str, str]
    code: str | None = None
    required: bool = False
    help: dict[str, str] | None = None
    easy_text: dict[str, str] | None = None
    easy_help: dict[str, str] | None = None
    min_value: Any = None
    max_value: Any = None
    options: Sequence[Mapping[str, Any]] | None = None
    condition: dict | None = None
    keep_condition: bool = False
    image: SurveyImage | None = None
    remove_image: bool = False
    image_alt: dict[str, str] | None = None


@dataclass
class _Checked:
    """A draft that passed every check, ready to write."""

    code: str
    texts: dict[str, dict[str, str]]
    low: Decimal | None
    high: Decimal | None
    options: list[tuple[str, dict[str, str], dict[str, str]]]
    image_alt: dict[str, str]
    has_image: bool


def save_question(section: SurveySection, question: SurveyQuestion | None, draft: QuestionDraft, *, actor=None,
                  channel: str = "web") -> SurveyQuestion:
    """Create or change a question; codes are unique in the survey and conditions read only earlier answers.

    Once anyone has answered the survey, a question keeps its kind, its short name and its options' values.
    """
    survey = section.survey
    creating = question is None
    before = None if creating else _question_snapshot(question)
    question = _checked_write(section, question, draft)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    check_all_conditions(survey)
    record_change("survey_question.create" if creating else "survey_question.update", question, before=before,
                  after=_question_snapshot(question), actor=actor, channel=channel)
    return question


def add_question(section: SurveySection, draft: QuestionDraft) -> SurveyQuestion:
    """A question read from a file, at the end of its section, checked by the same rules as the builder's form.

    Not audited one by one and its condition not yet checked: the import checks every condition once the whole
    survey is in, and records one event for the file.
    """
    return _checked_write(section, None, draft)


def _checked_write(section: SurveySection, question: SurveyQuestion | None, draft: QuestionDraft) -> SurveyQuestion:
    survey = section.survey
    locked = question is not None and has_responses(survey)
    checked = _check_draft(survey, question, draft, locked)
    if question is None:
        question = SurveyQuestion(survey=survey, section=section, position=len(section.questions))
        db.session.add(question)
    _write(question, draft, checked)
    return question


def _check_draft(survey: Survey, question: SurveyQuestion | None, draft: QuestionDraft, locked: bool) -> _Checked:
    """Every rule a question must pass, in the order the form shows its fields."""
    locale = survey.default_locale
    _check_kind(question, draft.kind, locked)
    code = _check_code(survey, question, draft.code, locked)
    texts = {"text": clean_content(draft.text, TEXT_MAX, "text")}
    require_default(texts["text"], locale, "text", _("the question"))
    texts.update((field, clean_content(getattr(draft, field), TEXT_MAX, field))
                 for field in ("help", "easy_text", "easy_help"))
    low, high = _check_bounds(draft)
    options = (_parse_options(draft.options or [], question.options if question else [], locale, locked)
               if draft.kind in OWN_OPTION_KINDS else [])
    image_alt = clean_content(draft.image_alt, TITLE_MAX, "image_alt")
    has_image = draft.image is not None or (question is not None and question.image_id is not None
                                            and not draft.remove_image)
    if has_image:
        require_default(image_alt, locale, "image_alt", _("a description of the picture"))
    return _Checked(code, texts, low, high, options, image_alt, has_image)


def _check_kind(question: SurveyQuestion | None, kind: str, locked: bool) -> None:
    if kind not in KINDS:
        raise SurveyError(_("Choose one of the options"), "kind")
    if locked and kind != question.kind:
        raise SurveyError(_("People have already answered this survey, so the type of question cannot change."),
                          "kind")


def _check_code(survey: Survey, question: SurveyQuestion | None, code: str | None, locked: bool) -> str:
    """The short name given, or the question's own, or the next free q1, q2 ...; unique in the survey."""
    code = (code or "").strip()
    if not code:
        code = question.code if question is not None else _next_code(survey)
    if not is_question_name(code):
        raise SurveyError(_("The short name must start with a letter and have only letters, digits, dots, hyphens "
                            "or underscores (up to 64)."), "code")
    if locked and code != question.code:
        raise SurveyError(_("People have already answered this survey, so the short name cannot change."), "code")
    clash = db.session.scalar(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id,
                                                           SurveyQuestion.code == code))
    if clash is not None and clash is not question:
        raise SurveyError(_("Another question in this survey already has this short name."), "code")
    return code


def _check_bounds(draft: QuestionDraft) -> tuple[Decimal | None, Decimal | None]:
    """The smallest and largest allowed answers of a number question (None for other kinds, or no bound)."""
    if draft.kind not in NUMBER_KINDS:
        return None, None
    low, high = _decimal(draft.min_value, "min_value"), _decimal(draft.max_value, "max_value")
    if draft.kind == QuestionKind.NUMBER:
        for value, field in ((low, "min_value"), (high, "max_value")):
            if value is not None and value != value.to_integral_value():
                raise SurveyError(_("Enter a whole number"), field)
    if low is not None and high is not None and low > high:
        raise SurveyError(_("The smallest allowed answer must not be more than the largest."), "max_value")
    return low, high


def _write(question: SurveyQuestion, draft: QuestionDraft, checked: _Checked) -> None:
    question.code, question.kind = checked.code, draft.kind
    question.required = bool(draft.required) and is_answerable(draft.kind)
    for field, content in checked.texts.items():
        setattr(question, field, content)
    question.min_value, question.max_value = checked.low, checked.high
    if not draft.keep_condition:
        question.condition = draft.condition or None
    if draft.image is not None:
        question.image = draft.image
    elif draft.remove_image:
        question.image = None
    question.image_alt = checked.image_alt if checked.has_image else {}
    existing = {o.value: o for o in question.options}
    kept = []
    for position, (value, label, easy) in enumerate(checked.options):
        option = existing.get(value) or SurveyOption(value=value)
        option.position, option.label, option.easy_label = position, label, easy
        kept.append(option)
    question.options = kept


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
        renumber(items)
    else:
        neighbour = sections.index(section) + offset
        if not 0 <= neighbour < len(sections):
            return
        other = sections[neighbour]
        items.remove(question)
        renumber(items)
        others = list(other.questions)
        others.insert(0 if offset > 0 else len(others), question)
        question.section = other
        renumber(others)
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    for s in survey.sections:
        db.session.expire(s, ["questions"])
    check_all_conditions(survey)
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
    renumber(section.questions)
    db.session.expire(survey, ["questions"])
    check_all_conditions(survey)
    db.session.flush()
