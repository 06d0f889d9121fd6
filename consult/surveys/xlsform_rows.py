"""Opening an XLSForm workbook and reading its sheets' cells and columns: header rows, language columns, limits.

Pure helpers for xlsform.py, which holds the rules of each sheet. Each takes the problems and notes lists to
append to, so the caller lists every problem in the order the sheet is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

MAX_ROWS = 2000
MAX_TEXT = 2000
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


class XLSFormError(ValueError):
    """The file cannot be imported; `problems` lists every reason, each naming its sheet and row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.field = "file"


def workbook_sheets(data: bytes) -> dict:
    """The workbook's sheets by name, matched without regard to case or surrounding spaces.

    Refuses a file that is not a workbook before openpyxl reads it, and any error openpyxl raises after.
    """
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise XLSFormError([_("The file is not an Excel workbook (.xlsx).")])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error for a damaged file
        raise XLSFormError([_("The file is not an Excel workbook (.xlsx), or it is damaged.")]) from None
    return {name.strip().lower(): book[name] for name in book.sheetnames}


def cell_text(value: Any) -> str:
    """A cell as stripped text; a whole number typed into Excel (3.0) reads as "3", as the author sees it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def locale_of(spec: str) -> str | None:
    """The locale named by `Welsh (cy)` (the code wins) or by a bare known language name; None otherwise."""
    match = _LANG.match(spec)
    if match:
        return match.group("code").lower().replace("_", "-")
    return LANGUAGE_NAMES.get(spec.strip().lower())


def sheet_rows(sheet) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header's names and each filled row as (sheet row number, {column: text}).

    Blank rows are skipped but keep their numbers, so problems name the row the author sees. Reading stops
    one row past MAX_ROWS, enough for the caller to tell the sheet is too long without reading all of it.
    """
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], []
    names = [cell_text(h) for h in header]
    out = []
    for number, values in enumerate(rows, start=2):
        record = {names[i]: cell_text(v) for i, v in enumerate(values) if i < len(names) and names[i]}
        if any(record.values()):
            out.append((number, record))
        if len(out) > MAX_ROWS:
            break
    return names, out


def group_columns(names: list[str], sheet: str, problems: list[str], notes: list[str],
                  known: set[str]) -> dict[str, dict[str | None, str]]:
    """Group columns by base name: {"label": {None: "label", "cy": "label::Welsh (cy)"}, ...}.

    A label or hint column must name its language (a problem otherwise); a column the sheet does not use is
    noted. Unsupported and ignored columns are kept, so the caller can refuse a value in an unsupported one.
    """
    grouped: dict[str, dict[str | None, str]] = {}
    for name in names:
        if not name:
            continue
        base, _sep, spec = name.partition("::")
        base = base.strip().lower()
        locale = None
        if spec:
            if base in ("label", "hint"):
                locale = locale_of(spec)
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


def localized(record: dict[str, str], columns: dict[str | None, str], default: str, sheet: str, row: int,
              problems: list[str]) -> dict[str, str]:
    """A row's text in each language ({locale: text}), a plain column being the default language's.

    Empty cells are left out; of two columns for one language the later filled one wins.
    """
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


def bounds(expression: str, kind: str) -> tuple[Decimal | None, Decimal | None]:
    """A constraint like `. >= 0 and . <= 120` as (minimum, maximum); ValueError for anything else.

    A strict bound (`. > 3`) is read as the next whole number, so it is allowed only on integers.
    """
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
