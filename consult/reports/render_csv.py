"""The raw, anonymised data as CSV: one row per survey response and per ballot.

Column headings are in the reader's language; values stay as stored codes (group, locality and answer
codes, option values) so that the file can be analysed and joined reliably, except theme columns, which
name the themes. Cells a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core.i18n import tr

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Free text comes from the public: never let a spreadsheet run it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def field_names() -> dict[str, str]:
    return {"record": _("Record"), "number": _("Number"), "channel": _("Channel"), "week": _("Week beginning"),
            "language": _("Language"), "stakeholder_group": _("Stakeholder group"), "locality": _("Locality"),
            "age_band": _("Age band"), "ethnic_group": _("Ethnic group"), "main_language": _("Main language"),
            "disability": _("Disability")}


def header(columns: Sequence[dict[str, Any]], *, locale: str, fallback: str) -> list[str]:
    """Column headings in the reader's language (call under force_locale)."""
    names = field_names()
    out = []
    for column in columns:
        kind, key = column["kind"], column["key"]
        if kind == "field":
            out.append(names.get(key, key))
        elif kind == "question":
            out.append(f"{key}: {tr(column.get('text'), locale, fallback)}")
        elif kind == "themes":
            out.append(_("Themes in %(question)s", question=key))
        else:
            out.append(_("Priority %(code)s: %(title)s", code=key, title=tr(column.get("text"), locale, fallback)))
    return out


def cells(columns: Sequence[dict[str, Any]], row: Sequence[Any], theme_names: dict[int, str]) -> list[Any]:
    """One raw row as plain cell values: theme ids named, nothing left as a list."""
    out = []
    for column, value in zip(columns, row):
        if column["kind"] == "themes":
            value = "; ".join(theme_names.get(t, str(t)) for t in value or [])
        out.append(safe_cell(value))
    return out


def theme_names(data: dict[str, Any], locale: str) -> dict[int, str]:
    fallback = data["consultation"]["default_locale"]
    return {t["id"]: tr(t["name"], locale, fallback) for t in data["themes"]["themes"]}


def render(data: dict[str, Any], raw: dict[str, Any], *, locale: str) -> bytes:
    """The raw rows as UTF-8 CSV with a byte-order mark (so spreadsheets read Welsh and Urdu correctly)."""
    fallback = data["consultation"]["default_locale"]
    names = theme_names(data, locale)
    out = io.StringIO()
    writer = csv.writer(out)
    with force_locale(locale):
        writer.writerow(header(raw["columns"], locale=locale, fallback=fallback))
    for row in raw["rows"]:
        writer.writerow(["" if v is None else v for v in cells(raw["columns"], row, names)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
