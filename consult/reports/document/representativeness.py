"""The report's section on how representative the people who took part are: by locality, and by each band."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import cell, chart, count_cell, percent_cell, percent_text, points_cell, table
from consult.reports.document.labels import Labels


def _flag_cell(under: bool, figure: str) -> dict[str, Any]:
    return cell(under, _("Under-represented") if under else "", figure=figure, flag=under)


def _locality_block(rep: dict[str, Any], labels: Labels, kinds: list[tuple[str, str]]) -> dict[str, Any]:
    """Each locality's share of the population against its share of the survey responses and of the ballots
    (`kinds`: ("responses" or "ballots", its heading), for what the consultation holds)."""
    loc = rep["localities"]
    columns = [(_("Locality"), False), (_("Population"), True), (_("Share of population"), True)]
    groups = [("", 3)]
    for _kind, name in kinds:
        columns += [(_("People"), True), (_("Share"), True), (_("Difference"), True), (_("Representation"), False)]
        groups.append((name, 4))
    rows = []
    for row in loc["rows"]:
        prefix = f"representativeness.locality.{row['locality']}"
        line = [cell(row["locality"], labels.locality(row["locality"]), header=True),
                count_cell(row["population"], f"{prefix}.population"),
                percent_cell(row["population_share"], f"{prefix}.population_share")]
        for kind, _name in kinds:
            line += [count_cell(row[kind], f"{prefix}.{kind}"),
                     percent_cell(row[f"{kind}_share"], f"{prefix}.{kind}_share"),
                     points_cell(row[f"{kind}_difference"], f"{prefix}.{kind}_difference"),
                     _flag_cell(row[f"{kind}_under"], f"{prefix}.{kind}_under")]
        rows.append(line)
    categories = [{"label": labels.locality(r["locality"]),
                   "values": [r["population_share"]] + [r[f"{kind}_share"] for kind, _name in kinds]}
                  for r in loc["rows"]]
    notes = []
    if any(kind == "responses" for kind, _name in kinds) and loc["responses_elsewhere"]:
        notes.append(_("%(n)s survey responses did not give one of these localities.",
                       n=f"{loc['responses_elsewhere']:,}"))
    caption = _("Share of population and of the people who took part, by locality")
    figure = chart(chart_id="chart-rep-locality", title=caption, categories=categories,
                   series=[_("Population")] + [name for _kind, name in kinds],
                   value_text=percent_text) if rows else None
    return {"heading": _("By locality"), "paragraphs": notes, "chart": figure,
            "table": table("rep-locality", caption, columns, rows, groups=groups)}


def _band_block(t: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """One band type's survey respondents against the population, for all localities or for one."""
    scope = "all" if t["locality"] is None else t["locality"]
    what = labels.band_types[t["band_type"]]
    caption = _("%(what)s: survey respondents against the population – %(scope)s", what=what,
                scope=labels.scope(t["locality"]))
    columns = [(what, False), (_("Population"), True), (_("Share of population"), True),
               (_("Survey responses"), True), (_("Share of responses"), True), (_("Difference"), True),
               (_("Representation"), False)]
    rows = []
    for row in t["rows"]:
        prefix = f"representativeness.{t['band_type']}.{scope}.{row['band']}"
        rows.append([cell(row["band"], labels.band(t["band_type"], row["band"]), header=True),
                     count_cell(row["population"], f"{prefix}.population"),
                     percent_cell(row["population_share"], f"{prefix}.population_share"),
                     count_cell(row["count"], f"{prefix}.count"),
                     percent_cell(row["share"], f"{prefix}.share"),
                     points_cell(row["difference"], f"{prefix}.difference"),
                     _flag_cell(row["under"], f"{prefix}.under")])
    notes = [_("%(n)s people answered this question; %(not_given)s did not say.", n=f"{t['base']:,}",
               not_given=f"{t['not_given']:,}")]
    figure = None
    if t["locality"] is None and t["base"]:
        figure = chart(chart_id=f"chart-rep-{t['band_type']}", title=caption,
                       categories=[{"label": labels.band(t["band_type"], r["band"]),
                                    "values": [r["population_share"], r["share"]]} for r in t["rows"]],
                       series=[_("Population"), _("Survey responses")], value_text=percent_text)
    return {"heading": caption, "level": 3 if t["locality"] is None else 4, "paragraphs": notes,
            "chart": figure, "table": table(f"rep-{t['band_type']}-{scope}", caption, columns, rows)}


def representativeness_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    rep = data["representativeness"]
    kinds = [kind for kind, held in ((("responses", _("Survey responses")), data["has_survey"]),
                                     (("ballots", _("Ballots")), data["has_vote"])) if held]
    paragraphs = [_("Each group's share of the people who took part, against its share of the people who live "
                    "in the area. The difference is in percentage points; a group more than %(points)s points "
                    "below its population share is marked as under-represented. People who did not say are "
                    "left out of the shares.", points=f"{rep['margin']:g}")]
    blocks = [_locality_block(rep, labels, kinds)] + [_band_block(t, labels) for t in rep["bands"]]
    if rep["missing_population"]:
        blocks.append({"paragraphs": [_("No population figures by age, ethnic group or language have been "
                                        "imported for: %(places)s.",
                                        places=", ".join(labels.locality(c) for c in rep["missing_population"]))]})
    return {"id": "representativeness", "title": _("How representative are the people who took part?"),
            "sheet": _("Representativeness"), "paragraphs": paragraphs, "blocks": blocks}
