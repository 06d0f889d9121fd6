"""All responses as a table (one row per response, one column per question), written as CSV or XLSX. Pure.

Cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) are prefixed
with an apostrophe: free-text answers come from the public.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    # A byte-order mark lets spreadsheet programs read Welsh and Urdu text as UTF-8.
    return "\ufeff" + out.getvalue()


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]], sheet_title: str = "Responses") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31] or "Responses")
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
