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

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from consult.surveys.conditions import ConditionError, check, combine, parse_relevant

MAX_ROWS = 2000
MAX_TEXT = 2000
MAX_OPTIONS = 300
CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
CHOICE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
                  "email", "audit", "start-geopoint", "imei", "uri:deviceid"}
SIMPLE_TYPES = {"text": "short_text", "integer": "number", "int": "number", "decimal": "decimal", "date": "date",
                "note": "note"}
#: Columns whose values change how a question behaves in ways this service does not (a value is a problem).
UNSUPPORTED_COLUMNS = {"calculation", "default", "choice_filter", "repeat_count", "read_only", "trigger",
                       "parameters", "media", "body", "image", "audio", "video", "big-image"}
#: Columns that only tune presentation or messages elsewhere; their values are ignored.
IGNORED_COLUMNS = {"appearance", "required_message", "constraint_message", "guidance_hint", "autoplay",
                   "instance_name", "note", "notes", "comment", "comments"}
LANGUAGE_NAMES = {"english": "en", "welsh": "cy", "cymraeg": "cy", "urdu": "ur", "arabic": "ar",
                  "punjabi": "pa", "bengali": "bn", "polish": "pl", "french": "fr", "spanish": "es"}
_LANG = re.compile(r"^\s*(?P<name>.*?)\s*\(\s*(?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")
_BOUND = re.compile(r"^\s*\.\s*(?P<op>>=|<=|>|<)\s*(?P<number>-?\d+(?:\.\d+)?)\s*$")
_TRUE = {"yes", "true", "true()", "1", "y"}
_FALSE = {"no", "false", "false()", "0", "n", ""}


class XLSFormError(ValueError):
    """The file cannot be imported; `problems` lists every reason, each naming its sheet and row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.field = "file"


@dataclass
class ParsedOption:
    value: str
    label: dict[str, str]


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _locale_of(spec: str) -> str | None:
    match = _LANG.match(spec)
    if match:
        return match.group("code").lower().replace("_", "-")
    return LANGUAGE_NAMES.get(spec.strip().lower())


def _sheet_rows(sheet) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], []
    names = [_text(h) for h in header]
    out = []
    for number, values in enumerate(rows, start=2):
        record = {names[i]: _text(v) for i, v in enumerate(values) if i < len(names) and names[i]}
        if any(record.values()):
            out.append((number, record))
        if len(out) > MAX_ROWS:
            break
    return names, out


def _columns(names: list[str], sheet: str, problems: list[str], notes: list[str],
             known: set[str]) -> dict[str, dict[str | None, str]]:
    """Group columns by base name: {"label": {None: "label", "cy": "label::Welsh (cy)"}, ...}."""
    grouped: dict[str, dict[str | None, str]] = {}
    for name in names:
        if not name:
            continue
        base, _sep, spec = name.partition("::")
        base = base.strip().lower()
        locale = None
        if spec:
            if base in ("label", "hint"):
                locale = _locale_of(spec)
                if locale is None:
                    problems.append(_("%(sheet)s sheet: the column “%(column)s” does not name a language as "
                                      "Language (code), like label::Cymraeg (cy).", sheet=sheet, column=name))
                    continue
            elif base not in UNSUPPORTED_COLUMNS | IGNORED_COLUMNS:
                notes.append(_("%(sheet)s sheet: the column “%(column)s” is not used.", sheet=sheet, column=name))
                continue
        if base not in known and base not in UNSUPPORTED_COLUMNS | IGNORED_COLUMNS:
            notes.append(_("%(sheet)s sheet: the column “%(column)s” is not used.", sheet=sheet, column=name))
            continue
        grouped.setdefault(base, {})[locale] = name
    return grouped


def _localized(record: dict[str, str], columns: dict[str | None, str], default: str, sheet: str, row: int,
               problems: list[str]) -> dict[str, str]:
    content: dict[str, str] = {}
    for locale, column in columns.items():
        value = record.get(column, "")
        if not value:
            continue
        if len(value) > MAX_TEXT:
            problems.append(_("%(sheet)s sheet, row %(row)s: the text in “%(column)s” is longer than %(max)s "
                              "characters.", sheet=sheet, row=row, column=column, max=MAX_TEXT))
            continue
        content[locale or default] = value
    return content


def _bounds(expression: str, kind: str) -> tuple[Decimal | None, Decimal | None]:
    low = high = None
    for part in re.split(r"\s+and\s+", expression.strip()):
        match = _BOUND.match(part)
        if not match:
            raise ValueError(part)
        number, op = Decimal(match.group("number")), match.group("op")
        if op in (">", "<"):
            if kind != "number" or number != number.to_integral_value():
                raise ValueError(part)
            number = number + 1 if op == ">" else number - 1
        if op in (">=", ">"):
            low = number if low is None else max(low, number)
        else:
            high = number if high is None else min(high, number)
    if low is not None and high is not None and low > high:
        raise ValueError(expression)
    return low, high


def _open(data: bytes):
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise XLSFormError([_("The file is not an Excel workbook (.xlsx).")])
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise XLSFormError([_("The file is not an Excel workbook (.xlsx), or it is damaged.")]) from None


def _sheets(book) -> dict:
    """The workbook's sheets by name, matched without regard to case or surrounding spaces."""
    return {name.strip().lower(): book[name] for name in book.sheetnames}


def _read_settings(sheet) -> dict[str, str]:
    """The settings sheet's first filled row, keyed by lower-case column name; {} without one."""
    if sheet is None:
        return {}
    _names, rows = _sheet_rows(sheet)
    if not rows:
        return {}
    return {k.strip().lower(): v for k, v in rows[0][1].items()}


def _default_language(settings: dict[str, str], fallback: str, problems: list[str]) -> str:
    """The locale of plain `label` and `hint` columns: the settings' default_language, else the caller's."""
    spec = settings.get("default_language")
    if not spec:
        return fallback
    locale = _locale_of(spec)
    if not locale:
        problems.append(_("settings sheet: default_language “%(value)s” does not name a language as "
                          "Language (code).", value=spec))
        return fallback
    return locale


def _read_choices(sheet, default: str, problems: list[str], notes: list[str]) -> dict[str, list[ParsedOption]]:
    """Each choice list by its name, options in sheet order; a refused row is listed and left out."""
    names, rows = _sheet_rows(sheet)
    columns = _columns(names, "choices", problems, notes, {"list_name", "list name", "name", "label"})
    list_col = (columns.get("list_name") or columns.get("list name") or {}).get(None)
    name_col = (columns.get("name") or {}).get(None)
    lists: dict[str, list[ParsedOption]] = {}
    if rows and (not list_col or not name_col or "label" not in columns):
        problems.append(_("choices sheet: it needs list_name, name and label columns."))
        return lists
    for row, record in rows:
        list_name, value = record.get(list_col, ""), record.get(name_col, "")
        if not list_name:
            problems.append(_("choices sheet, row %(row)s: the list_name is empty.", row=row))
            continue
        # The list exists from its first row on, even if every one of its options is refused.
        options = lists.setdefault(list_name, [])
        if not _option_name_ok(row, value, list_name, options, problems):
            continue
        label = _localized(record, columns["label"], default, "choices", row, problems)
        if _option_fits(row, value, label, list_name, options, default, problems):
            options.append(ParsedOption(value, label))
    return lists


def _option_name_ok(row: int, value: str, list_name: str, options: list[ParsedOption], problems: list[str]) -> bool:
    """An option's name is a short code, once in its list (answers store it)."""
    if not CHOICE_PATTERN.match(value):
        problems.append(_("choices sheet, row %(row)s: the name “%(name)s” must be 1 to 64 letters, "
                          "digits, dots, hyphens or underscores.", row=row, name=value))
        return False
    if any(o.value == value for o in options):
        problems.append(_("choices sheet, row %(row)s: “%(name)s” appears twice in the list "
                          "“%(list)s”.", row=row, name=value, list=list_name))
        return False
    return True


def _option_fits(row: int, value: str, label: dict[str, str], list_name: str, options: list[ParsedOption],
                 default: str, problems: list[str]) -> bool:
    """An option has a label in the default language, and its list stays within MAX_OPTIONS."""
    if not label.get(default):
        problems.append(_("choices sheet, row %(row)s: the option “%(name)s” has no label in the "
                          "default language (%(locale)s).", row=row, name=value, locale=default))
        return False
    if len(options) >= MAX_OPTIONS:
        problems.append(_("choices sheet, row %(row)s: the list “%(list)s” has more than %(max)s "
                          "options.", row=row, list=list_name, max=MAX_OPTIONS))
        return False
    return True


def parse_xlsform(data: bytes, *, default_locale: str = "en") -> ParsedForm:
    """Read an XLSForm; raise XLSFormError listing every problem (nothing is half-read)."""
    sheets = _sheets(_open(data))
    problems: list[str] = []
    notes: list[str] = []
    if "survey" not in sheets:
        raise XLSFormError([_("The workbook has no “survey” sheet.")])
    settings = _read_settings(sheets.get("settings"))
    default = _default_language(settings, default_locale, problems)
    lists = _read_choices(sheets["choices"], default, problems, notes) if "choices" in sheets else {}

    names, rows = _sheet_rows(sheets["survey"])
    columns = _columns(names, "survey", problems, notes,
                       {"type", "name", "label", "hint", "required", "relevant", "constraint"})
    if "type" not in columns or "name" not in columns:
        problems.append(_("survey sheet: it needs type and name columns."))
        raise XLSFormError(problems)
    col = {base: cols.get(None) for base, cols in columns.items()}
    if len(rows) > MAX_ROWS:
        problems.append(_("survey sheet: more than %(max)s rows.", max=MAX_ROWS))
        raise XLSFormError(problems)

    sections: list[ParsedSection] = []
    group_stack: list[tuple[int, dict | None, dict[str, str]]] = []
    seen: dict[str, tuple[str, frozenset[str] | None]] = {}
    codes: set[str] = set()
    locales: set[str] = set()

    def current_section(title: dict[str, str] | None = None, new: bool = False) -> ParsedSection:
        if new or not sections:
            sections.append(ParsedSection(title or {}))
        return sections[-1]

    after_group = False
    for row, record in rows:
        raw_type = re.sub(r"\s+", " ", record.get(col["type"], "")).strip()
        kind_word = raw_type.lower().replace("_", " ")
        code = record.get(col["name"], "")
        for base in UNSUPPORTED_COLUMNS:
            for column in columns.get(base, {}).values():
                if record.get(column):
                    problems.append(_("survey sheet, row %(row)s: the column “%(column)s” is not supported.",
                                      row=row, column=column))
        if not raw_type:
            problems.append(_("survey sheet, row %(row)s: the type is empty.", row=row))
            continue
        if raw_type.lower() in METADATA_TYPES:
            notes.append(_("survey sheet, row %(row)s: “%(type)s” is not stored (this service keeps no times or "
                           "devices with answers).", row=row, type=raw_type))
            continue
        relevant = None
        if col.get("relevant") and record.get(col["relevant"]):
            try:
                relevant = parse_relevant(record[col["relevant"]])
            except ConditionError as exc:
                problems.append(_("survey sheet, row %(row)s: relevant “%(expr)s”: %(reason)s", row=row,
                                  expr=record[col["relevant"]], reason=str(exc)))
        if kind_word == "begin group":
            label = _localized(record, columns.get("label", {}), default, "survey", row, problems)
            group_stack.append((row, relevant, label))
            current_section(label, new=True)
            after_group = False
            continue
        if kind_word == "end group":
            if not group_stack:
                problems.append(_("survey sheet, row %(row)s: “end group” without a “begin group”.", row=row))
            else:
                group_stack.pop()
                after_group = True
            continue
        kind, list_name = None, None
        match = re.match(r"^select[_ ](one|multiple)\s+(\S+)$", raw_type, re.I)
        if match and match.group(2).lower() != "or_other":
            kind = "single" if match.group(1).lower() == "one" else "multiple"
            list_name = match.group(2)
        elif raw_type.lower() in SIMPLE_TYPES:
            kind = SIMPLE_TYPES[raw_type.lower()]
        if kind is None:
            problems.append(_("survey sheet, row %(row)s: the type “%(type)s” is not supported.", row=row,
                              type=raw_type))
            continue
        if not CODE_PATTERN.match(code):
            problems.append(_("survey sheet, row %(row)s: the name “%(name)s” must start with a letter and have "
                              "only letters, digits, dots, hyphens or underscores (up to 64).", row=row, name=code))
            continue
        if code in codes:
            problems.append(_("survey sheet, row %(row)s: the name “%(name)s” is used twice.", row=row, name=code))
            continue
        codes.add(code)
        text = _localized(record, columns.get("label", {}), default, "survey", row, problems)
        hint = _localized(record, columns.get("hint", {}), default, "survey", row, problems)
        if not text.get(default):
            problems.append(_("survey sheet, row %(row)s: “%(name)s” has no label in the default language "
                              "(%(locale)s).", row=row, name=code, locale=default))
        locales.update(text, hint)
        required_text = record.get(col["required"], "").lower() if col.get("required") else ""
        if required_text not in _TRUE | _FALSE:
            problems.append(_("survey sheet, row %(row)s: required must be yes or no, not “%(value)s”.", row=row,
                              value=record.get(col["required"])))
        question = ParsedQuestion(row=row, code=code, kind=kind, required=required_text in _TRUE and kind != "note",
                                  text=text, help=hint)
        appearance = next((record.get(c, "") for c in columns.get("appearance", {}).values()), "")
        if kind == "short_text" and "multiline" in appearance.lower():
            question.kind = "long_text"
        if col.get("constraint") and record.get(col["constraint"]):
            if kind not in ("number", "decimal"):
                problems.append(_("survey sheet, row %(row)s: constraints are supported only on integer and "
                                  "decimal questions.", row=row))
            else:
                try:
                    question.min_value, question.max_value = _bounds(record[col["constraint"]], kind)
                except ValueError:
                    problems.append(_("survey sheet, row %(row)s: the constraint “%(expr)s” is not supported "
                                      "(only a minimum and maximum like . >= 0 and . <= 120).", row=row,
                                      expr=record[col["constraint"]]))
        if list_name is not None:
            if list_name not in lists:
                problems.append(_("survey sheet, row %(row)s: the choice list “%(list)s” is not in the choices "
                                  "sheet.", row=row, list=list_name))
            else:
                question.options = [ParsedOption(o.value, dict(o.label)) for o in lists[list_name]]
                for option in question.options:
                    locales.update(option.label)
        question.condition = combine(*(rel for _r, rel, _t in group_stack), relevant)
        if question.condition is not None:
            try:
                check(question.condition, seen)
            except ConditionError as exc:
                problems.append(_("survey sheet, row %(row)s: %(reason)s", row=row, reason=str(exc)))
        if kind != "note":
            values = frozenset(o.value for o in question.options) if question.options else None
            seen[code] = (question.kind, values)
        section = current_section(group_stack[-1][2] if group_stack else None, new=after_group)
        after_group = False
        section.questions.append(question)

    for row, _relevant, _title in group_stack:
        problems.append(_("survey sheet, row %(row)s: “begin group” without an “end group”.", row=row))
    sections = [s for s in sections if s.questions]
    if not sections and not problems:
        problems.append(_("survey sheet: there are no questions."))
    if problems:
        raise XLSFormError(problems)
    title = {default: settings["form_title"][:200]} if settings.get("form_title") else {}
    form_id = settings.get("form_id") or None
    return ParsedForm(title=title, form_id=form_id, default_locale=default, sections=sections,
                      locales=sorted(locales | {default}), notes=notes)
