"""A report's figures laid out for readers in one language: sections of headings, charts and tables.

HTML, PDF and XLSX all render this one layout, so every format shows the same figures in the same order.
Interface text comes from Flask-Babel (call inside `flask_babel.force_locale`); content (names, questions,
priorities, themes) is stored per locale and read with `tr`. Each figure cell carries a stable key
(`figure`), which the HTML keeps as a data attribute so that tests and scripts can find it.

Findings first: the summary (and its easy-read version), then the vote, what people said, who took part and
how representative they were, a page for each locality, and the detail (over time, every written answer, the
method) at the end. One module per part: summary, priorities, survey (results, what people wrote, themes),
participation (at a glance, who took part, over time), representativeness, localities and method; cells and
labels are what they are built of.

Besides headings, paragraphs, lists, charts and tables, a section may say `page_break` (it starts a new page in
print and in Word), `appendix`, and `compact` (printed close, to fit a page: the summary); a block may say
`spreadsheet_only` (its table is in the XLSX only: the HTML, PDF and Word documents leave the block out) and
carry `quotes` ([{"text", "by"}]: answers quoted as written).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import when_text
from consult.reports.document.labels import Labels
from consult.reports.document.localities import locality_sections
from consult.reports.document.method import method_section
from consult.reports.document.participation import glance_section, over_time_section, participation_section
from consult.reports.document.priorities import priorities_section
from consult.reports.document.representativeness import representativeness_section
from consult.reports.document.summary import easy_read_section, summary_section
from consult.reports.document.survey import free_text_section, survey_section, themes_section

#: Sections in report order ("localities" is one section per locality); XLSX gives each its own sheet.
#: "glance" (the figures at a glance) opens the live participation page; the report has them in "method".
SECTIONS = ("summary", "easy_read", "priorities", "themes", "survey", "participation", "representativeness",
            "localities", "over_time", "free_text", "method")


def build_document(data: dict[str, Any], *, locale: str, audience: str = "full",
                   sections: tuple[str, ...] = SECTIONS) -> dict[str, Any]:
    """The report in one language for one audience ("full" or "public"): title, and its sections in order.

    `sections` picks some of SECTIONS, or "glance" (the live participation view shows the glance, participation,
    over time and representativeness). Figures about too few people are hidden for the public and marked for
    staff (cells.Guard); `notice` says which, if any."""
    labels = Labels(data, locale, audience)
    makers = {"glance": lambda: [glance_section(data, labels)],
              "summary": lambda: [summary_section(data, labels)],
              "easy_read": lambda: [easy_read_section(data, labels)],
              "participation": lambda: [participation_section(data, labels)],
              "over_time": lambda: [over_time_section(data, labels)],
              "representativeness": lambda: [representativeness_section(data, labels)],
              "survey": lambda: [survey_section(data, labels)],
              "free_text": lambda: [free_text_section(data, labels, audience)],
              "themes": lambda: [themes_section(data, labels, audience)],
              "priorities": lambda: [priorities_section(data, labels)],
              "localities": lambda: locality_sections(data, labels),
              "method": lambda: [method_section(data, labels)]}
    built = [s for name in ("glance", *SECTIONS) if name in sections for s in makers[name]()]
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
