"""Reading an XLSForm (.xlsx) into plain data, refusing the whole file if any part is not supported.

Supported: the `survey`, `choices` and `settings` sheets; types select_one, select_multiple, text, integer,
decimal, date, note, begin group / end group; `required`; simple `relevant` expressions (see conditions.py);
simple numeric `constraint`s (`. >= 0 and . <= 120`, read as a minimum and maximum); and every
`label::Language (code)` and `hint::Language (code)` column as that locale's content (a plain `label` is the
settings' `default_language`, or the survey's default). Metadata types (start, end, today, deviceid ...) are
listed as not stored: this service keeps no times or devices with answers. Everything else is listed, with its
sheet and row, as a problem, and nothing is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from consult.core.patterns import is_question_name
from consult.surveys.conditions import ConditionError, check, combine, parse_relevant
from consult.surveys.kinds import MAX_OPTIONS, is_answerable
from consult.surveys.xlsform_choices import ParsedOption, read_choices
from consult.surveys.xlsform_rows import (
    MAX_ROWS,
    MAX_TEXT,
    UNSUPPORTED_COLUMNS,
    XLSFormError,
    bounds,
    group_columns,
    locale_of,
    localized,
    sheet_rows,
    workbook_sheets,
)

#: What other modules use; the limits are here too, so callers need not know which module reads the cells.
__all__ = ["MAX_OPTIONS", "MAX_ROWS", "MAX_TEXT", "ParsedForm", "ParsedOption", "ParsedQuestion", "ParsedSection",
           "XLSFormError", "parse_xlsform"]

METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
                  "email", "audit", "start-geopoint", "imei", "uri:deviceid"}
SIMPLE_TYPES = {"text": "short_text", "integer": "number", "int": "number", "decimal": "decimal", "date": "date",
                "note": "note"}
_SELECT = re.compile(r"^select[_ ](one|multiple)\s+(\S+)$", re.IGNORECASE)
_TRUE = {"yes", "true", "true()", "1", "y"}
_FALSE = {"no", "false", "false()", "0", "n", ""}


@dataclass
class ParsedQuestion:
    row: int
    code: str
    kind: str
    required: bool
    text: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    options: list[ParsedOption] = field(default_factory=list)
    condition: dict | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@dataclass
class ParsedSection:
    title: dict[str, str]
    questions: list[ParsedQuestion] = field(default_factory=list)


@dataclass
class ParsedForm:
    title: dict[str, str]
    form_id: str | None
    default_locale: str
    sections: list[ParsedSection]
    #: Locales that have at least one label or hint.
    locales: list[str]
    #: Things read but not stored (metadata rows, presentation columns), each with its row.
    notes: list[str]

    @property
    def questions(self) -> list[ParsedQuestion]:
        return [q for s in self.sections for q in s.questions]


def parse_xlsform(data: bytes, *, default_locale: str = "en") -> ParsedForm:
    """Read an XLSForm; raise XLSFormError listing every problem (nothing is half-read).

    The sheets are read in the order they depend on each other: settings (the default language), choices
    (the lists selects use), then the survey, so problems are listed sheet by sheet, row by row.
    """
    sheets = workbook_sheets(data)
    problems: list[str] = []
    notes: list[str] = []
    if "survey" not in sheets:
        raise XLSFormError([_("The workbook has no “survey” sheet.")])
    settings = _read_settings(sheets["settings"]) if "settings" in sheets else {}
    default = _default_language(settings, default_locale, problems)
    lists = read_choices(sheets["choices"], default, problems, notes) if "choices" in sheets else {}
    survey = _read_survey(sheets["survey"], default, lists, problems, notes)
    if problems:
        raise XLSFormError(problems)
    title = {default: settings["form_title"][:200]} if settings.get("form_title") else {}
    return ParsedForm(title=title, form_id=settings.get("form_id") or None, default_locale=default,
                      sections=survey.sections, locales=sorted(survey.locales | {default}), notes=notes)


def _read_settings(sheet) -> dict[str, str]:
    """The settings sheet's first filled row, keyed by lower-case column name; {} without one."""
    _names, rows = sheet_rows(sheet)
    return {k.strip().lower(): v for k, v in rows[0][1].items()} if rows else {}


def _default_language(settings: dict[str, str], fallback: str, problems: list[str]) -> str:
    """The locale of plain `label` and `hint` columns: the settings' default_language, else the caller's."""
    spec = settings.get("default_language")
    if not spec:
        return fallback
    locale = locale_of(spec)
    if not locale:
        problems.append(_("settings sheet: default_language “%(value)s” does not name a language as "
                          "Language (code).", value=spec))
        return fallback
    return locale


def _kind_of(raw_type: str) -> tuple[str | None, str | None]:
    """A question type's kind and, for a select, its choice list's name; (None, None) when not supported."""
    match = _SELECT.match(raw_type)
    if match and match.group(2).lower() != "or_other":
        return ("single" if match.group(1).lower() == "one" else "multiple"), match.group(2)
    return SIMPLE_TYPES.get(raw_type.lower()), None


class _SurveyReader:
    """Reads the survey sheet one row at a time, keeping what a row needs from the rows above it.

    Groups become sections: a question after an `end group` starts a new section titled by the group still
    open around it (untitled at the top level). Each question's condition is its groups' and its own.
    """

    def __init__(self, columns: dict[str, dict[str | None, str]], default: str,
                 lists: dict[str, list[ParsedOption]], problems: list[str], notes: list[str]):
        self.columns = columns
        #: The plain (language-free) column of each base name.
        self.col = {base: cols.get(None) for base, cols in columns.items()}
        self.default, self.lists, self.problems, self.notes = default, lists, problems, notes
        self.sections: list[ParsedSection] = []
        #: The groups open around this row: the row that began each, its `relevant` condition, its label.
        self.groups: list[tuple[int, dict | None, dict[str, str]]] = []
        #: Earlier questions a condition may read: code -> (kind, option values or None).
        self.seen: dict[str, tuple[str, frozenset[str] | None]] = {}
        self.codes: set[str] = set()
        self.locales: set[str] = set()
        self.after_group = False

    def read(self, row: int, record: dict[str, str]) -> None:
        """One row: a metadata row, the start or end of a group, or a question."""
        raw_type = re.sub(r"\s+", " ", record.get(self.col["type"], "")).strip()
        self._check_unsupported_columns(row, record)
        if not raw_type:
            self.problems.append(_("survey sheet, row %(row)s: the type is empty.", row=row))
            return
        if raw_type.lower() in METADATA_TYPES:
            self.notes.append(_("survey sheet, row %(row)s: “%(type)s” is not stored (this service keeps no times "
                                "or devices with answers).", row=row, type=raw_type))
            return
        relevant = self._relevant(row, record)
        kind_word = raw_type.lower().replace("_", " ")
        if kind_word == "begin group":
            self._begin_group(row, record, relevant)
        elif kind_word == "end group":
            self._end_group(row)
        else:
            question = self._question(row, record, raw_type, relevant)
            if question is not None:
                self._place(question)

    def finish(self) -> None:
        """After the last row: groups left open are problems, and sections without questions are dropped."""
        for row, _relevant, _title in self.groups:
            self.problems.append(_("survey sheet, row %(row)s: “begin group” without an “end group”.", row=row))
        self.sections = [s for s in self.sections if s.questions]
        if not self.sections and not self.problems:
            self.problems.append(_("survey sheet: there are no questions."))

    def _check_unsupported_columns(self, row: int, record: dict[str, str]) -> None:
        """Checked on every row, whatever its type: the value would change what the form does."""
        # In the sheet's column order, so that the same file always lists its problems in the same order.
        for base, columns in self.columns.items():
            if base not in UNSUPPORTED_COLUMNS:
                continue
            for column in columns.values():
                if record.get(column):
                    self.problems.append(_("survey sheet, row %(row)s: the column “%(column)s” is not supported.",
                                           row=row, column=column))

    def _relevant(self, row: int, record: dict[str, str]) -> dict | None:
        """The row's own `relevant` condition; None when it has none or it cannot be read (a problem)."""
        column = self.col.get("relevant")
        if not (column and record.get(column)):
            return None
        try:
            return parse_relevant(record[column])
        except ConditionError as exc:
            self.problems.append(_("survey sheet, row %(row)s: relevant “%(expr)s”: %(reason)s", row=row,
                                   expr=record[column], reason=str(exc)))
            return None

    def _localized(self, record: dict[str, str], base: str, row: int) -> dict[str, str]:
        return localized(record, self.columns.get(base, {}), self.default, "survey", row, self.problems)

    def _begin_group(self, row: int, record: dict[str, str], relevant: dict | None) -> None:
        """A group opens a section titled by its label; its condition applies to every question inside."""
        label = self._localized(record, "label", row)
        self.groups.append((row, relevant, label))
        self.sections.append(ParsedSection(label or {}))
        self.after_group = False

    def _end_group(self, row: int) -> None:
        if not self.groups:
            self.problems.append(_("survey sheet, row %(row)s: “end group” without a “begin group”.", row=row))
            return
        self.groups.pop()
        self.after_group = True

    def _question(self, row: int, record: dict[str, str], raw_type: str,
                  relevant: dict | None) -> ParsedQuestion | None:
        """The row as a question, every problem with it listed; None when it is refused outright."""
        kind, list_name = _kind_of(raw_type)
        if kind is None:
            self.problems.append(_("survey sheet, row %(row)s: the type “%(type)s” is not supported.", row=row,
                                   type=raw_type))
            return None
        code = record.get(self.col["name"], "")
        if not self._code_ok(row, code):
            return None
        text, hint = self._texts(row, record, code)
        question = ParsedQuestion(row=row, code=code, kind=kind, text=text, help=hint,
                                  required=self._required(row, record) and kind != "note")
        appearance = next((record.get(c, "") for c in self.columns.get("appearance", {}).values()), "")
        if kind == "short_text" and "multiline" in appearance.lower():
            question.kind = "long_text"
        self._constraint(row, record, question, kind)
        if list_name is not None:
            self._options(row, question, list_name)
        self._condition(row, question, relevant)
        if is_answerable(kind):
            values = frozenset(o.value for o in question.options) if question.options else None
            self.seen[code] = (question.kind, values)
        return question

    def _code_ok(self, row: int, code: str) -> bool:
        """A question's name is a code used once (answers, exports and conditions refer to it)."""
        if not is_question_name(code):
            self.problems.append(_("survey sheet, row %(row)s: the name “%(name)s” must start with a letter and "
                                   "have only letters, digits, dots, hyphens or underscores (up to 64).", row=row,
                                   name=code))
            return False
        if code in self.codes:
            self.problems.append(_("survey sheet, row %(row)s: the name “%(name)s” is used twice.", row=row, name=code))
            return False
        self.codes.add(code)
        return True

    def _texts(self, row: int, record: dict[str, str], code: str) -> tuple[dict[str, str], dict[str, str]]:
        """The question's label and hint in each language; the label is needed in the default language."""
        text, hint = self._localized(record, "label", row), self._localized(record, "hint", row)
        if not text.get(self.default):
            self.problems.append(_("survey sheet, row %(row)s: “%(name)s” has no label in the default language "
                                   "(%(locale)s).", row=row, name=code, locale=self.default))
        self.locales.update(text, hint)
        return text, hint

    def _required(self, row: int, record: dict[str, str]) -> bool:
        """Yes or no in XLSForm's spellings; an expression (required only when ...) is a problem."""
        column = self.col.get("required")
        value = record.get(column, "").lower() if column else ""
        if value not in _TRUE | _FALSE:
            self.problems.append(_("survey sheet, row %(row)s: required must be yes or no, not “%(value)s”.",
                                   row=row, value=record.get(column)))
        return value in _TRUE

    def _constraint(self, row: int, record: dict[str, str], question: ParsedQuestion, kind: str) -> None:
        """A number's constraint as its minimum and maximum; any other constraint is a problem."""
        column = self.col.get("constraint")
        if not (column and record.get(column)):
            return
        if kind not in ("number", "decimal"):
            self.problems.append(_("survey sheet, row %(row)s: constraints are supported only on integer and "
                                   "decimal questions.", row=row))
            return
        try:
            question.min_value, question.max_value = bounds(record[column], kind)
        except ValueError:
            self.problems.append(_("survey sheet, row %(row)s: the constraint “%(expr)s” is not supported "
                                   "(only a minimum and maximum like . >= 0 and . <= 120).", row=row,
                                   expr=record[column]))

    def _options(self, row: int, question: ParsedQuestion, list_name: str) -> None:
        """A select's own copy of its choice list's options."""
        if list_name not in self.lists:
            self.problems.append(_("survey sheet, row %(row)s: the choice list “%(list)s” is not in the choices "
                                   "sheet.", row=row, list=list_name))
            return
        question.options = [ParsedOption(o.value, dict(o.label)) for o in self.lists[list_name]]
        self.locales.update(*(option.label for option in question.options))

    def _condition(self, row: int, question: ParsedQuestion, relevant: dict | None) -> None:
        """The question's groups' conditions and its own, which may read only questions above it."""
        question.condition = combine(*(rel for _r, rel, _t in self.groups), relevant)
        if question.condition is None:
            return
        try:
            check(question.condition, self.seen)
        except ConditionError as exc:
            self.problems.append(_("survey sheet, row %(row)s: %(reason)s", row=row, reason=str(exc)))

    def _place(self, question: ParsedQuestion) -> None:
        """Into the current section, or a new one when this is the first question or follows an `end group`."""
        if self.after_group or not self.sections:
            title = self.groups[-1][2] if self.groups else None
            self.sections.append(ParsedSection(title or {}))
        self.after_group = False
        self.sections[-1].questions.append(question)


def _read_survey(sheet, default: str, lists: dict[str, list[ParsedOption]], problems: list[str],
                 notes: list[str]) -> _SurveyReader:
    """The survey sheet's sections and questions; stops at once without a type or name column or if too long."""
    names, rows = sheet_rows(sheet)
    columns = group_columns(names, "survey", problems, notes,
                            {"type", "name", "label", "hint", "required", "relevant", "constraint"})
    if "type" not in columns or "name" not in columns:
        problems.append(_("survey sheet: it needs type and name columns."))
        raise XLSFormError(problems)
    if len(rows) > MAX_ROWS:
        problems.append(_("survey sheet: more than %(max)s rows.", max=MAX_ROWS))
        raise XLSFormError(problems)
    reader = _SurveyReader(columns, default, lists, problems, notes)
    for row, record in rows:
        reader.read(row, record)
    reader.finish()
    return reader
