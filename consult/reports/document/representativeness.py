"""The report's section on how representative the people who took part are: by locality, and by each band."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import (
    cell,
    chart,
    count_cell,
    percent_cell,
    percent_text,
    points_cell,
    table,
)
from consult.reports.document.labels import Labels
from consult.voting.disagreement_text import names_list


def _flag_cell(under: bool, too_few: bool, figure: str) -> dict[str, Any]:
    """Under-represented (flagged), too few to say (never flagged), or nothing to say."""
    if too_few:
        return cell("too_few", _("Too few to say"), figure=figure)
    return cell(under, _("Under-represented") if under else "", figure=figure, flag=under)


def _people_cells(labels: Labels, people: int, figures: list[tuple[str, Any, str]]) -> list[dict[str, Any]]:
    """The count, share and difference of `people` people (figures: (kind, value, figure key)), guarded."""
    makers = {"count": count_cell, "share": percent_cell, "difference": points_cell}
    return labels.guard.cells(people, [makers[kind](value, key) for kind, value, key in figures])


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
            line += _people_cells(labels, row[kind], [("count", row[kind], f"{prefix}.{kind}"),
                                                      ("share", row[f"{kind}_share"], f"{prefix}.{kind}_share"),
                                                      ("difference", row[f"{kind}_difference"],
                                                       f"{prefix}.{kind}_difference")])
            line.append(_flag_cell(row[f"{kind}_under"], row.get(f"{kind}_too_few", False),
                                   f"{prefix}.{kind}_under"))
        rows.append(line)
    categories = [{"label": labels.locality(r["locality"]),
                   "values": [r["population_share"]] + [labels.guard.value(r[kind], r[f"{kind}_share"])
                                                        for kind, _name in kinds]}
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


def _band_note(t: dict[str, Any], labels: Labels) -> str:
    """For one area: how many answered, did not say, and (for a targeted band type) were outside the target
    population. For one locality these are figures about its people, so they are guarded; for all, totals."""
    def figure(n: int) -> str:
        return f"{n:,}" if t["locality"] is None else labels.guard.text(n, f"{n:,}")

    note = _("%(n)s people answered this question; %(not_given)s did not say.", n=figure(t["base"]),
             not_given=figure(t["not_given"]))
    if t.get("targeted") and t["other"]:
        note += " " + _("%(n)s gave an answer outside the target population and are not compared.",
                        n=figure(t["other"]))
    return f"{labels.scope(t['locality'])}: {note}"


def _band_type_block(band_type: str, tables: list[dict[str, Any]], labels: Labels) -> dict[str, Any]:
    """One band type's survey respondents against the population: one table, all localities first, then each
    locality where somebody answered; bands with neither people nor population are left out."""
    what = labels.band_types[band_type]
    caption = _("%(what)s: survey respondents against the population", what=what)
    columns = [(_("Area"), False), (what, False), (_("Population"), True), (_("Share of population"), True),
               (_("Survey responses"), True), (_("Share of responses"), True), (_("Difference"), True),
               (_("Representation"), False)]
    rows = []
    for t in tables:
        scope = "all" if t["locality"] is None else t["locality"]
        for row in t["rows"]:
            if not row["population"] and not row["count"]:
                continue
            prefix = f"representativeness.{band_type}.{scope}.{row['band']}"
            rows.append([cell(t["locality"], labels.scope(t["locality"])),
                         cell(row["band"], labels.band(band_type, row["band"]), header=True),
                         count_cell(row["population"], f"{prefix}.population"),
                         percent_cell(row["population_share"], f"{prefix}.population_share")]
                        + _people_cells(labels, row["count"], [("count", row["count"], f"{prefix}.count"),
                                                               ("share", row["share"], f"{prefix}.share"),
                                                               ("difference", row["difference"],
                                                                f"{prefix}.difference")])
                        + [_flag_cell(row["under"], row.get("too_few", False), f"{prefix}.under")])
    whole = next((t for t in tables if t["locality"] is None), None)
    figure = None
    if whole is not None and whole["base"]:
        figure = chart(chart_id=f"chart-rep-{band_type}", title=_("%(what)s – %(scope)s", what=caption,
                                                                  scope=labels.scope(None)),
                       categories=[{"label": labels.band(band_type, r["band"]),
                                    "values": [r["population_share"], labels.guard.value(r["count"], r["share"])]}
                                   for r in whole["rows"] if r["population"] or r["count"]],
                       series=[_("Population"), _("Survey responses")], value_text=percent_text)
    return {"heading": what, "paragraphs": [_band_note(t, labels) for t in tables], "chart": figure,
            "table": table(f"rep-{band_type}", caption, columns, rows)}


def _band_blocks(rep: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    """A block per band type somebody answered about, and a line naming those nobody answered about."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for t in rep["bands"]:
        if t["base"] or t["locality"] is None:
            by_type.setdefault(t["band_type"], []).append(t)
    blocks, unanswered = [], []
    for band_type, tables in by_type.items():
        if not any(t["base"] for t in tables):
            unanswered.append(labels.band_types[band_type].lower())
            continue
        blocks.append(_band_type_block(band_type, [t for t in tables if t["base"] or t["locality"] is None],
                                       labels))
    if unanswered:
        blocks.append({"paragraphs": [_("Nobody answered the questions about %(what)s, so they are not compared.",
                                        what=names_list(unanswered))]})
    return blocks


def _rule_paragraphs(rep: dict[str, Any], labels: Labels) -> list[str]:
    """Who the people who took part are compared with (the target population), and when there are too few to say."""
    target = rep.get("target") or {}
    if target:
        who = "; ".join(_("%(what)s: %(bands)s", what=labels.band_types[band_type],
                          bands=", ".join(labels.band(band_type, b) for b in bands))
                        for band_type, bands in target.items())
        out = [_("The target population of this consultation is %(who)s. Only those bands are compared, and "
                 "shares are of the people in them; other bands are not compared or flagged.", who=who)]
        band_type = rep["localities"].get("population_band_type")
        if band_type:
            out.append(_("Localities are compared by their population in the target bands of %(what)s.",
                         what=labels.band_types[band_type].lower()))
    else:
        out = [_("The target population of this consultation is everyone who lives in its localities.")]
    if "min_band" in rep:
        out.append(_("A group is marked \"too few to say\" and not flagged when fewer than %(n)s people in it took "
                     "part and fewer than %(n)s would be expected at its share of the population.",
                     n=rep["min_band"]))
    return out


def representativeness_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    rep = data["representativeness"]
    kinds = [kind for kind, held in ((("responses", _("Survey responses")), data["has_survey"]),
                                     (("ballots", _("Ballots")), data["has_vote"])) if held]
    paragraphs = [_("Each group's share of the people who took part, against its share of the people who live "
                    "in the area. The difference is in percentage points; a group more than %(points)s points "
                    "below its population share is marked as under-represented. People who did not say are "
                    "left out of the shares.", points=f"{rep['margin']:g}")] + _rule_paragraphs(rep, labels)
    blocks = [_locality_block(rep, labels, kinds)] + _band_blocks(rep, labels)
    if rep["missing_population"]:
        blocks.append({"paragraphs": [_("No population figures by age, ethnic group or language have been "
                                        "imported for: %(places)s.",
                                        places=", ".join(labels.locality(c) for c in rep["missing_population"]))]})
    return {"id": "representativeness", "title": _("How representative are the people who took part?"),
            "sheet": _("Representativeness"), "paragraphs": paragraphs, "blocks": blocks}
