"""An XLSForm's choices sheet: each choice list by its name, every refused row listed with its number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from consult.surveys.kinds import MAX_OPTIONS
from consult.surveys.xlsform_rows import MAX_ROWS, group_columns, localized, sheet_rows

#: An option's name (stored in answers): letters, digits, dots, hyphens or underscores.
CHOICE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}\Z")


@dataclass
class ParsedOption:
    value: str
    label: dict[str, str]


def read_choices(sheet, default: str, problems: list[str], notes: list[str]) -> dict[str, list[ParsedOption]]:
    """Each choice list by its name, options in sheet order; a refused row is listed and left out."""
    names, rows = sheet_rows(sheet)
    columns = group_columns(names, "choices", problems, notes, {"list_name", "list name", "name", "label"})
    list_col = (columns.get("list_name") or columns.get("list name") or {}).get(None)
    name_col = (columns.get("name") or {}).get(None)
    lists: dict[str, list[ParsedOption]] = {}
    if rows and (not list_col or not name_col or "label" not in columns):
        problems.append(_("choices sheet: it needs list_name, name and label columns."))
        return lists
    if len(rows) > MAX_ROWS:
        # Not cut off quietly: the options past the limit would be missing from the survey.
        problems.append(_("choices sheet: more than %(max)s rows.", max=MAX_ROWS))
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
        label = localized(record, columns["label"], default, "choices", row, problems)
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
