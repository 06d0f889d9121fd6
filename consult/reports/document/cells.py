"""The pieces a report section is made of: table cells, tables, charts, and dates as readers see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from consult.core import privacy
from consult.reports.charts import bar_chart


def cell(value: Any, text: str | None = None, *, figure: str | None = None, numeric: bool = False,
         header: bool = False, flag: bool = False, written: bool = False, unit: str | None = None,
         small: bool = False, hidden: bool = False) -> dict[str, Any]:
    """One table cell: the value (for spreadsheets and tests) and the text readers see.

    `unit` is "percent" or "points" (percentage points) for numbers shown with one decimal place. `written`
    marks what a respondent wrote, in a language and direction of its own (not always their interface's).
    `small` marks a figure about too few people that staff see and the public does not; `hidden`, the cell
    the public sees in its place (see Guard)."""
    return {"value": value, "text": text if text is not None else ("" if value is None else str(value)),
            "figure": figure, "numeric": numeric, "header": header, "flag": flag, "written": written, "unit": unit,
            "small": small, "hidden": hidden}


class Guard:
    """The small-numbers rule (consult.core.privacy) for one document: figures about fewer than
    MIN_PUBLIC_COUNT people in a locality, stakeholder group or band are hidden from the public and marked for
    staff. It remembers whether it did either, so that the document can say so."""

    def __init__(self, public: bool):
        self.public = public
        self.hid = self.marked = False

    def hides(self, people: int | None) -> bool:
        """Whether a figure about `people` people is left out here (and note it, or note that it is marked)."""
        people = people or 0
        if privacy.hidden(people, public=self.public):
            self.hid = True
            return True
        if privacy.marked(people, public=self.public):
            self.marked = True
        return False

    def cells(self, people: int | None, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Figure cells about `people` people: as they are, marked for staff, or "fewer than 5" for the public."""
        if self.hides(people):
            return [cell(None, privacy.fewer_than_text(), figure=c["figure"], numeric=c["numeric"], hidden=True)
                    for c in cells]
        small = not self.public and privacy.too_few(people or 0)
        return [{**c, "small": small} for c in cells]

    def value(self, people: int | None, value: Any) -> Any:
        """A figure for a chart: None when the public may not see it."""
        return None if self.hides(people) else value

    def text(self, people: int | None, text: str) -> str:
        """A figure in a sentence: "fewer than 5" when the public may not see it."""
        return privacy.fewer_than_text() if self.hides(people) else text

    def notice(self) -> str | None:
        """What the document says about the figures it hid or marked (None when it did neither)."""
        if self.hid:
            return privacy.public_notice()
        return privacy.staff_notice() if self.marked else None


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
    return "–" if value is None else f"{value:,}"


def when_text(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "d MMMM yyyy, HH:mm")


def day_text(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "d MMM yyyy")
