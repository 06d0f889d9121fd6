"""The report's sections on the survey: its results, what people wrote, and the themes in what they wrote."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.i18n import tr
from consult.reports.document.cells import cell, chart, count_cell, count_text, percent_cell, percent_text, table
from consult.reports.document.labels import Labels


def survey_section(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    survey = data["survey"]
    if survey is None:
        return None
    fallback = survey["default_locale"]
    blocks = []
    for q in survey["questions"]:
        text = tr(q["text"], labels.locale, fallback)
        prefix = f"survey.{q['code']}"
        notes = [_("%(n)s people answered.", n=f"{q['base']:,}")]
        if "options" in q:
            columns = [(_("Answer"), False), (_("People"), True), (_("Percentage"), True)]
            rows = [[cell(o["value"], labels.option(o), header=True),
                     count_cell(o["count"], f"{prefix}.{o['value']}.count"),
                     percent_cell(o["percent"], f"{prefix}.{o['value']}.percent")] for o in q["options"]]
            if q["kind"] == "multiple":
                notes.append(_("People could choose more than one answer, so the percentages can add up to more "
                               "than 100."))
            figure = chart(chart_id=f"chart-q-{q['code']}", title=text,
                           description=_("A bar chart of the percentage of people giving each answer. The table "
                                         "after it gives the same numbers."),
                           categories=[{"label": labels.option(o), "values": [o["percent"]]} for o in q["options"]],
                           value_text=percent_text, max_value=100) if q["base"] else None
            blocks.append({"heading": text, "paragraphs": notes, "chart": figure,
                           "table": table(f"q-{q['code']}", text, columns, rows)})
        elif "summary" in q:
            s = q["summary"]
            rows = [[cell(_("Average (mean)"), header=True), cell(s["mean"], f"{s['mean']:g}", numeric=True,
                                                                   figure=f"{prefix}.mean")],
                    [cell(_("Middle value (median)"), header=True), cell(s["median"], f"{s['median']:g}",
                                                                          numeric=True, figure=f"{prefix}.median")],
                    [cell(_("Lowest"), header=True), cell(s["min"], f"{s['min']:g}", numeric=True,
                                                          figure=f"{prefix}.min")],
                    [cell(_("Highest"), header=True), cell(s["max"], f"{s['max']:g}", numeric=True,
                                                           figure=f"{prefix}.max")]]
            blocks.append({"heading": text, "paragraphs": notes,
                           "table": table(f"q-{q['code']}", text, [(_("Summary"), False), (_("Value"), True)], rows)})
        else:
            if q["kind"] in ("short_text", "long_text"):
                notes.append(_("The answers are listed under \"What people wrote\"."))
            blocks.append({"heading": text, "paragraphs": notes,
                           "table": table(f"q-{q['code']}", text, [(_("Item"), False), (_("People"), True)],
                                          [[cell(_("Answered"), header=True),
                                            count_cell(q["base"], f"{prefix}.base")]])})
    return {"id": "survey", "title": _("Survey results"), "sheet": _("Survey results"),
            "paragraphs": [tr(survey["title"], labels.locale, fallback),
                           _("Percentages are of the people who answered each question.")], "blocks": blocks}


def free_text_section(data: dict[str, Any], labels: Labels, audience: str) -> dict[str, Any] | None:
    survey = data["survey"]
    if survey is None or not survey["free_text"]:
        return None
    themes = {t["id"]: labels.theme(t) for t in data["themes"]["themes"]}
    blocks = []
    for q in survey["free_text"]:
        text = tr(q["text"], labels.locale, survey["default_locale"])
        if audience != "full":
            blocks.append({"heading": text, "paragraphs": [
                _("%(n)s people wrote an answer. Written answers are not published; the themes in them are "
                  "counted under \"Themes in what people wrote\".", n=f"{q['total']:,}")]})
            continue
        notes = [_("%(n)s people wrote an answer.", n=f"{q['total']:,}")]
        if len(q["answers"]) < q["total"]:
            notes.append(_("The %(shown)s most recent are listed here; the spreadsheet (XLSX) and the data file "
                           "(CSV) hold them all.", shown=f"{len(q['answers']):,}"))
        rows = [[cell(a["text"], written=True),
                 cell(a["stakeholder_group"], labels.group(a["stakeholder_group"])),
                 cell(a["locality"], labels.locality(a["locality"])),
                 cell(a["themes"], ", ".join(themes.get(t, "") for t in a["themes"]) or "–")]
                for a in q["answers"]]
        blocks.append({"heading": text, "paragraphs": notes,
                       "table": table(f"free-text-{q['code']}", text,
                                      [(_("Answer"), False), (_("Stakeholder group"), False), (_("Locality"), False),
                                       (_("Themes"), False)], rows) if rows else None})
    return {"id": "free-text", "title": _("What people wrote"), "sheet": _("Free text"), "paragraphs": [],
            "blocks": blocks}


def _quotes_blocks(data: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    """For staff: under each theme, the answers a facilitator chose to quote, as written, with who wrote them."""
    quotes = data["themes"].get("quotes") or {}
    blocks = []
    for theme in data["themes"]["rows"]:
        chosen = quotes.get(str(theme["theme"]))
        if not chosen:
            continue
        blocks.append({"heading": _("In their own words: %(theme)s", theme=labels.theme(theme)), "level": 4,
                       "quotes": [{"text": q["text"], "by": _("%(group)s, %(locality)s",
                                                               group=labels.group(q["stakeholder_group"]),
                                                               locality=labels.locality(q["locality"]))}
                                  for q in chosen]})
    if blocks:
        blocks[0]["paragraphs"] = [_("Answers chosen by the facilitators to show each theme in people's own words. "
                                     "They are in this version for staff only: written answers are never "
                                     "published.")]
    return blocks


def themes_section(data: dict[str, Any], labels: Labels, audience: str = "full") -> dict[str, Any] | None:
    themes = data["themes"]
    if data["survey"] is None:
        return None
    paragraphs = [_("Facilitators tag written answers with themes. %(tagged)s of %(answers)s written answers "
                    "have at least one theme.", tagged=f"{themes['tagged']:,}", answers=f"{themes['answers']:,}")]
    if not themes["rows"]:
        paragraphs.append(_("No themes have been added yet."))
        return {"id": "themes", "title": _("Themes in what people wrote"), "sheet": _("Themes"),
                "paragraphs": paragraphs, "blocks": []}
    columns = [(_("Theme"), False), (_("All answers"), True)] + [(labels.group(g), True) for g in themes["groups"]]
    rows = [[cell(r["theme"], labels.theme(r), header=True), count_cell(r["total"], f"themes.{r['theme']}.total")]
            + [c for g in themes["groups"] for c in labels.guard.cells(
                r["by_group"][g], [count_cell(r["by_group"][g], f"themes.{r['theme']}.{g}")])]
            for r in themes["rows"]]
    figure = chart(chart_id="chart-themes", title=_("Written answers with each theme"),
                   description=_("A bar chart. The table after it gives the same numbers, by stakeholder group."),
                   categories=[{"label": labels.theme(r), "values": [r["total"]]} for r in themes["rows"]],
                   value_text=count_text) if any(r["total"] for r in themes["rows"]) else None
    blocks = [{"chart": figure, "table": table("themes-by-group",
                                               _("Written answers with each theme, by stakeholder group"), columns,
                                               rows)}]
    if audience == "full":
        blocks += _quotes_blocks(data, labels)
    return {"id": "themes", "title": _("Themes in what people wrote"), "sheet": _("Themes"),
            "paragraphs": paragraphs, "blocks": blocks}
