"""The report as a spreadsheet: one sheet per section, with the same tables (and figures) as the HTML."""

from __future__ import annotations

import io
import re
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core.i18n import tr
from consult.reports import render_csv
from consult.reports.document import build_document

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _value(c: dict[str, Any]) -> Any:
    """What a cell holds in the sheet: numbers as numbers, everything else as the text readers see."""
    if c["numeric"] and isinstance(c["value"], (int, float)) and not isinstance(c["value"], bool):
        return c["value"]
    return render_csv.safe_cell(c["text"]) if c["text"] != "" else None


#: Spreadsheet number formats for the units of document cells.
NUMBER_FORMATS = {"percent": '0.0"%"', "points": '+0.0;-0.0;0.0'}
#: The same, marked * for figures about fewer people than the public may see (the summary sheet says so).
SMALL_FORMATS = {None: '#,##0"*"', "percent": '0.0"%*"', "points": '+0.0"*";-0.0"*";0.0"*"'}


def _styled(sheet, value: Any, font) -> Any:
    from openpyxl.cell import WriteOnlyCell

    item = WriteOnlyCell(sheet, value=value)
    item.font = font
    return item


def _write_table(sheet, t: dict[str, Any], bold) -> None:
    """A document table: its caption, the headings over groups of columns, the column headings, the rows."""
    from openpyxl.cell import WriteOnlyCell

    sheet.append([_styled(sheet, t["caption"], bold)])
    if t["groups"]:
        line = []
        for group in t["groups"]:
            line += [_styled(sheet, group["text"], bold)] + [None] * (group["span"] - 1)
        sheet.append(line)
    sheet.append([_styled(sheet, col["text"], bold) for col in t["columns"]])
    for row in t["rows"]:
        line = []
        for c in row:
            item = WriteOnlyCell(sheet, value=_value(c))
            if c["header"]:
                item.font = bold
            elif isinstance(item.value, (int, float)):
                number_format = NUMBER_FORMATS.get(c.get("unit"))
                if c.get("small"):  # staff see it; the public file has "fewer than 5" here (see the notice)
                    number_format = SMALL_FORMATS.get(c.get("unit"), SMALL_FORMATS[None])
                if number_format:
                    item.number_format = number_format
            line.append(item)
        sheet.append(line)


def _write_block(sheet, block: dict[str, Any], bold) -> None:
    """A document block after a blank line: its heading, paragraphs, list and table (the chart is the table's)."""
    sheet.append([])
    if block.get("heading"):
        sheet.append([_styled(sheet, block["heading"], bold)])
    for text in block.get("paragraphs") or []:
        sheet.append([text])
    for item in block.get("list") or []:
        sheet.append([f"• {item}"])
    for quote in block.get("quotes") or []:
        sheet.append([render_csv.safe_cell(quote["text"]), quote["by"]])
    if block.get("table"):
        _write_table(sheet, block["table"], bold)


def render(data: dict[str, Any], raw: dict[str, Any] | None, *, locale: str, audience: str = "full") -> bytes:
    """The report in `locale` for `audience` as XLSX bytes. `raw` (the anonymised rows) fills the free-text
    sheet with every written answer; without it the sheet lists the answers the HTML lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold, heading_font = Font(bold=True), Font(bold=True, size=14)
    book = Workbook(write_only=True)
    used: set[str] = set()
    with force_locale(locale):
        document = build_document(data, locale=locale, audience=audience)
        for section in document["sections"]:
            sheet = book.create_sheet(_sheet_title(section["sheet"], used))
            sheet.column_dimensions["A"].width = 42
            for letter in "BCDEFGHIJKLMN":
                sheet.column_dimensions[letter].width = 16
            if section["id"] == "summary":
                sheet.append([_styled(sheet, document["title"], heading_font)])
                sheet.append([_("Figures as of %(when)s.", when=document["as_of_text"])])
                if document["notice"]:
                    sheet.append([document["notice"]])
                sheet.append([])
            sheet.append([_styled(sheet, section["title"], heading_font)])
            for text in section["paragraphs"]:
                sheet.append([text])
            if section["id"] == "free-text" and audience == "full" and raw is not None:
                _all_free_text(sheet, data, raw, locale, bold)
                continue
            for block in section["blocks"]:
                _write_block(sheet, block, bold)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _all_free_text(sheet, data, raw, locale, bold) -> None:
    """Every written answer from the raw rows, one per line, with who wrote it and its themes."""
    from consult.reports.document.labels import Labels

    labels = Labels(data, locale)
    names = render_csv.theme_names(data, locale)
    fallback = data["survey"]["default_locale"] if data.get("survey") else data["consultation"]["default_locale"]
    columns = raw["columns"]
    index = {(c["kind"], c["key"]): i for i, c in enumerate(columns)}
    fields = {c["key"]: i for i, c in enumerate(columns) if c["kind"] == "field"}
    for q in (data.get("survey") or {}).get("free_text", []):
        at, themes_at = index.get(("question", q["code"])), index.get(("themes", q["code"]))
        if at is None:
            continue
        sheet.append([])
        sheet.append([_styled(sheet, tr(q["text"], locale, fallback), bold)])
        sheet.append([_("%(n)s people wrote an answer.", n=f"{q['total']:,}")])
        sheet.append([_styled(sheet, text, bold) for text in
                      (_("Answer"), _("Stakeholder group"), _("Locality"), _("Language"), _("Themes"))])
        for row in raw["rows"]:
            text = row[at]
            if row[0] != "response" or text in (None, ""):
                continue
            themes = "; ".join(names.get(t, str(t)) for t in (row[themes_at] if themes_at is not None else []) or [])
            sheet.append([render_csv.safe_cell(str(text)), labels.group(row[fields["stakeholder_group"]]),
                          labels.locality(row[fields["locality"]]), labels.language(row[fields["language"]]),
                          themes])
