"""The pieces a report section is made of: table cells, tables, charts, and dates as readers see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from consult.reports.charts import bar_chart


def cell(value: Any, text: str | None = None, *, figure: str | None = None, numeric: bool = False,
         header: bool = False, flag: bool = False, written: bool = False, unit: str | None = None) -> dict[str, Any]:
    """One table cell: the value (for spreadsheets and tests) and the text readers see.

    `unit` is "percent" or "points" (percentage points) for numbers shown with one decimal place. `written`
    marks what a respondent wrote, in a language and direction of its own (not always their interface's)."""
    return {"value": value, "text": text if text is not None else ("" if value is None else str(value)),
            "figure": figure, "numeric": numeric, "header": header, "flag": flag, "written": written, "unit": unit}


def count_cell(value: int | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:,}", figure=figure, numeric=True)


def percent_cell(value: float | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:.1f}%", figure=figure, numeric=True, unit="percent")


def points_cell(value: float | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:+.1f}", figure=figure, numeric=True, unit="points")


def table(table_id: str, caption: str, columns: list[tuple[str, bool]], rows: list[list[dict]], *,
          groups: list[tuple[str, int]] | None = None) -> dict[str, Any]:
    """A table: its caption, column headings (text, numeric?), rows of cells, and optional headings over
    groups of columns (text, how many columns)."""
    return {"id": table_id, "caption": caption, "groups": [{"text": t, "span": n} for t, n in groups or []],
            "columns": [{"text": text, "numeric": numeric} for text, numeric in columns], "rows": rows}


def chart(**kwargs) -> dict[str, Any]:
    """A bar chart (charts.bar_chart) with its title, which is also shown as the figure's caption; unless told
    otherwise, its description says that the table after it gives the same numbers."""
    kwargs.setdefault("description", _("A bar chart. The table after it gives the same numbers."))
    return {"svg": bar_chart(**kwargs), "title": kwargs["title"]}


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def count_text(value: int | None) -> str:
    return f"{value or 0:,}"


def when_text(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "d MMMM yyyy, HH:mm")


def day_text(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "d MMM yyyy")
