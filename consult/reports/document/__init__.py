"""A report's figures laid out for readers in one language: sections of headings, charts and tables.

HTML, PDF and XLSX all render this one layout, so every format shows the same figures in the same order.
Interface text comes from Flask-Babel (call inside `flask_babel.force_locale`); content (names, questions,
priorities, themes) is stored per locale and read with `tr`. Each figure cell carries a stable key
(`figure`), which the HTML keeps as a data attribute so that tests and scripts can find it.

One module per part of the report: participation (summary, who took part, over time), representativeness,
survey (results, what people wrote, themes) and priorities; cells and labels are what they are built of.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import when_text
from consult.reports.document.labels import Labels
from consult.reports.document.participation import over_time_section, participation_section, summary_section
from consult.reports.document.priorities import priorities_section
from consult.reports.document.representativeness import representativeness_section
from consult.reports.document.survey import free_text_section, survey_section, themes_section

#: Sections in report order; XLSX gives each its own sheet.
SECTIONS = ("summary", "participation", "over_time", "representativeness", "survey", "free_text", "themes",
            "priorities")


def build_document(data: dict[str, Any], *, locale: str, audience: str = "full",
                   sections: tuple[str, ...] = SECTIONS) -> dict[str, Any]:
    """The report in one language for one audience ("full" or "public"): title, and its sections in order.

    `sections` picks some of SECTIONS (the live participation view shows the first four). Figures about too
    few people are hidden for the public and marked for staff (cells.Guard); `notice` says which, if any."""
    labels = Labels(data, locale, audience)
    makers = {"summary": lambda: summary_section(data, labels),
              "participation": lambda: participation_section(data, labels),
              "over_time": lambda: over_time_section(data, labels),
              "representativeness": lambda: representativeness_section(data, labels),
              "survey": lambda: survey_section(data, labels),
              "free_text": lambda: free_text_section(data, labels, audience),
              "themes": lambda: themes_section(data, labels), "priorities": lambda: priorities_section(data, labels)}
    built = [makers[name]() for name in SECTIONS if name in sections]
    title = labels.content(data["consultation"]["title"])
    return {"title": _("Consultation report: %(title)s", title=title), "consultation_title": title,
            "locale": locale, "audience": audience, "as_of": data["as_of"], "as_of_text": when_text(data["as_of"]),
            "cover": _cover(data, labels), "sections": [s for s in built if s is not None],
            "notice": labels.guard.notice()}


def _cover(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """What the printed report's first page says: the status, and the consultation's dates."""
    consultation = data["consultation"]
    return {"status": consultation["status"], "status_text": labels.statuses.get(consultation["status"]),
            "rows": [{"label": _("Open from"), "text": when_text(consultation["opens_at"])},
                     {"label": _("Closing"), "text": when_text(consultation["closes_at"])},
                     {"label": _("Figures as of"), "text": when_text(data["as_of"])}]}
