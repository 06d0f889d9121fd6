"""The kinds of survey question and what each one accepts. Pure: no database, no request.

One table of kinds replaces the `if kind == ...` chains that were spread over building, answering, exporting
and reporting: which kinds have options and where those come from, which are counted, which are free text,
which take bounds, and how a submitted form field becomes a stored answer (`clean_answer`).

A question here is anything with `code`, `kind`, `required`, `options` (objects with `value`), `min_value`
and `max_value` (Decimal or None): the SurveyQuestion model, or a plain stand-in in tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core.i18n import tr
from consult.surveys.errors import SurveyError


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    #: Five-point agreement scale; its options are fixed (see SCALE_VALUES) and labelled by the interface.
    SCALE = "scale"
    YES_NO = "yes_no"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    #: A whole number, optionally between min_value and max_value.
    NUMBER = "number"
    #: A number with decimals (XLSForm `decimal`).
    DECIMAL = "decimal"
    DATE = "date"
    #: Text only: nothing to answer.
    NOTE = "note"


KINDS = tuple(k.value for k in QuestionKind)
#: What each kind is called in the builder, in the order it offers them.
KIND_LABELS = (
    ("single", _l("Single choice (radio buttons)")),
    ("multiple", _l("Multiple choice (checkboxes)")),
    ("scale", _l("Agreement scale (5 points)")),
    ("yes_no", _l("Yes or no")),
    ("short_text", _l("Short text")),
    ("long_text", _l("Long text")),
    ("number", _l("Whole number")),
    ("decimal", _l("Number with decimals")),
    ("date", _l("Date")),
    ("note", _l("Note (text only, no answer)")),
)
#: Kinds whose answers are option values (and so can be counted, and used in show-if conditions).
CHOICE_KINDS = ("single", "multiple", "scale", "yes_no")
#: Kinds whose options the survey's author writes (the others' options are built in).
OWN_OPTION_KINDS = ("single", "multiple")
TEXT_KINDS = ("short_text", "long_text")
#: Kinds that take a smallest and largest allowed answer.
NUMBER_KINDS = ("number", "decimal")
SCALE_VALUES = ("strongly_agree", "agree", "neither", "disagree", "strongly_disagree")
YES_NO_VALUES = ("yes", "no")
#: The options of the kinds whose options are built in.
FIXED_VALUES = {"scale": SCALE_VALUES, "yes_no": YES_NO_VALUES}
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
#: The most options a question may have, built on screen or read from an XLSForm's choice list.
MAX_OPTIONS = 100
TEXT_LIMITS = {"short_text": SHORT_TEXT_MAX, "long_text": LONG_TEXT_MAX}
#: Digits an answer may have before and after the point (the column holds 18 digits, 6 of them decimals).
_NUMBER_PATTERNS = {"number": re.compile(r"-?\d{1,13}\Z"), "decimal": re.compile(r"-?\d{1,13}(\.\d{1,6})?\Z")}


def is_answerable(kind: str) -> bool:
    """A note is only text: it is never answered, required or read by a condition."""
    return kind != QuestionKind.NOTE


def option_values(question) -> list[str]:
    """The values a choice question's answer may take, in order; [] for kinds without options."""
    if question.kind in FIXED_VALUES:
        return list(FIXED_VALUES[question.kind])
    return [o.value for o in question.options]


def builtin_option_labels() -> dict[str, str]:
    """Labels of the built-in options (agreement scale, yes/no), in the interface language."""
    return {"strongly_agree": _("Strongly agree"), "agree": _("Agree"), "neither": _("Neither agree nor disagree"),
            "disagree": _("Disagree"), "strongly_disagree": _("Strongly disagree"), "yes": _("Yes"), "no": _("No")}


def field_name(question) -> str:
    """The form field a question's answer arrives in (a date's three boxes add -day, -month and -year)."""
    return f"q-{question.code}"


def clean_answer(question, raw: Mapping[str, Sequence[str]], *, require: bool, label: str) -> Any:
    """One answer from the submitted form, or None when left blank; SurveyError with a clear message if wrong.

    `require`: refuse a blank answer to a required question (False where blanks are allowed, as on paper).
    `label`: the question as the person reads it, quoted in every message.
    """
    if not is_answerable(question.kind):
        return None
    name = field_name(question)
    values = [v for v in raw.get(name, []) if v is not None]
    return _CLEANERS[question.kind](question, raw, values, name=name, label=label,
                                    required=require and question.required)


def _clean_choice(question, raw, values: list[str], *, name: str, label: str, required: bool) -> Any:
    allowed = option_values(question)
    multiple = question.kind == QuestionKind.MULTIPLE
    chosen = [v.strip() for v in values if v.strip()]
    if not chosen:
        if required:
            raise SurveyError(_("Select at least one answer for “%(question)s”", question=label) if multiple
                              else _("Select an answer for “%(question)s”", question=label), name)
        return None
    if any(v not in allowed for v in chosen) or (not multiple and len(chosen) > 1):
        raise SurveyError(_("Choose one of the options for “%(question)s”", question=label), name)
    if multiple:
        return [v for v in allowed if v in set(chosen)]
    return chosen[0]


def _clean_date(question, raw, values: list[str], *, name: str, label: str, required: bool) -> str | None:
    parts = [(raw.get(f"{name}-{part}") or [""])[0].strip() for part in ("day", "month", "year")]
    if not any(parts):
        if required:
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


def _one_value(values: list[str], *, name: str, label: str) -> str:
    """The single text a text or number field sent (a tampered form may send several)."""
    if len(values) > 1:
        raise SurveyError(_("Give one answer for “%(question)s”", question=label), name)
    return (values[0] if values else "").replace("\x00", "")


def _clean_text(question, raw, values: list[str], *, name: str, label: str, required: bool) -> str | None:
    limit = TEXT_LIMITS[question.kind]
    value = _one_value(values, name=name, label=label).replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise SurveyError(_("“%(question)s” must be %(max)s characters or fewer", question=label, max=limit), name)
    if not value:
        if required:
            raise SurveyError(_("Enter an answer for “%(question)s”", question=label), name)
        return None
    return value


def _clean_number(question, raw, values: list[str], *, name: str, label: str, required: bool) -> int | str | None:
    """A whole number is stored as an int; a decimal as its shortest exact text ("2.5"), never a float."""
    whole = question.kind == QuestionKind.NUMBER
    value = _one_value(values, name=name, label=label).strip().replace(",", "").replace(" ", "")
    if not value:
        if required:
            raise SurveyError(_("Enter a whole number for “%(question)s”", question=label) if whole
                              else _("Enter a number for “%(question)s”", question=label), name)
        return None
    if not _NUMBER_PATTERNS[question.kind].match(value):
        raise SurveyError(_("“%(question)s” must be a whole number, like 12", question=label) if whole
                          else _("“%(question)s” must be a number, like 2.5", question=label), name)
    number = Decimal(value)
    _check_bounds(number, question.min_value, question.max_value, whole=whole, name=name, label=label)
    return int(number) if whole else f"{number.normalize():f}"


def _check_bounds(number: Decimal, low: Decimal | None, high: Decimal | None, *, whole: bool, name: str,
                  label: str) -> None:
    if (low is None or number >= low) and (high is None or number <= high):
        return
    shown: Callable[[Decimal], str] = (lambda d: str(int(d))) if whole else (lambda d: f"{d.normalize():f}")
    if low is not None and high is not None:
        message = _("“%(question)s” must be between %(min)s and %(max)s", question=label, min=shown(low),
                    max=shown(high))
    elif low is not None:
        message = _("“%(question)s” must be %(min)s or more", question=label, min=shown(low))
    else:
        message = _("“%(question)s” must be %(max)s or less", question=label, max=shown(high))
    raise SurveyError(message, name)


_CLEANERS = {
    **dict.fromkeys(CHOICE_KINDS, _clean_choice),
    "date": _clean_date,
    **dict.fromkeys(TEXT_KINDS, _clean_text),
    **dict.fromkeys(NUMBER_KINDS, _clean_number),
}


def option_label(question, value: str, locale: str | None = None) -> str:
    """An option's label in `locale` (or the reader's language); the value itself if the option is gone."""
    if question.kind in FIXED_VALUES:
        return builtin_option_labels().get(value, value)
    option = next((o for o in question.options if o.value == value), None)
    return tr(option.label, locale, question.survey.default_locale) if option else value


def answer_text(question, value: Any) -> str:
    """A stored answer as a person reads it back ("check your answers"): option labels, a date as 27 3 2027."""
    if value in (None, "", []):
        return ""
    if question.kind in CHOICE_KINDS:
        return ", ".join(option_label(question, v) for v in _as_list(value))
    if question.kind == QuestionKind.DATE:
        year, month, day = str(value).split("-")
        return f"{int(day)} {int(month)} {year}"
    return str(value)


def export_cell(question, value: Any, locale: str) -> Any:
    """A stored answer as a spreadsheet cell: option labels in `locale` joined by "; ", whole numbers as numbers."""
    if value is None:
        return ""
    if question.kind in CHOICE_KINDS:
        return "; ".join(option_label(question, v, locale) for v in _as_list(value))
    if question.kind == QuestionKind.NUMBER:
        return int(value)
    return value


def form_value(question, value: Any) -> Any:
    """A stored answer shaped as the answer page's fields show it (a date as its three boxes)."""
    if question.kind == QuestionKind.DATE:
        parts = str(value).split("-") if value else ["", "", ""]
        return {"year": parts[0], "month": parts[1].lstrip("0"), "day": parts[2].lstrip("0")}
    return value


def posted_value(question, raw: Mapping[str, Sequence[str]]) -> Any:
    """What was posted for a question, shaped as the answer page's fields show it, so a refused page keeps
    what was typed: a date's three boxes, every ticked box of a multiple choice, otherwise the one value."""
    name = field_name(question)
    if question.kind == QuestionKind.DATE:
        return {part: (raw.get(f"{name}-{part}") or [""])[0] for part in ("day", "month", "year")}
    if question.kind == QuestionKind.MULTIPLE:
        return raw.get(name, [])
    return (raw.get(name) or [""])[0]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]
