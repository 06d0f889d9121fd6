"""The report's sections on who took part: at a glance, by group, locality, language and channel, and over time."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import (
    cell,
    chart,
    count_cell,
    count_text,
    day_text,
    percent_cell,
    table,
    when_text,
)
from consult.reports.document.labels import Labels

#: Who took part, by what: figures by these are about a group of people, so the small-numbers rule applies.
PEOPLE_DIMENSIONS = ("stakeholder_group", "locality", "language")


def _people_of(rep: dict[str, Any], item: dict[str, Any]) -> int:
    """How many people a flag is about, from its table row (snapshots from before flags carried it)."""
    if item["kind"] == "locality":
        rows = [r.get(item.get("measure", "responses"), 0) for r in rep["localities"]["rows"]
                if r["locality"] == item["locality"]]
    else:
        rows = [r["count"] for t in rep["bands"] if (t["band_type"], t["locality"]) == (item["band_type"],
                                                                                        item["locality"])
                for r in t["rows"] if r["band"] == item["band"]]
    return rows[0] if rows else 0


def _flagged_lines(rep: dict[str, Any], labels: Labels) -> list[str]:
    """The representativeness table's flags, one line per table: localities by survey responses and by ballots,
    then each band type for all localities and for each. A difference about too few people is left out."""
    groups: dict[tuple[str, str | None, str | None], list[str]] = {}
    for item in rep["under_represented"]:
        measure = item.get("measure", "responses")
        if item["kind"] == "locality":
            key, name = (measure, None, None), labels.locality(item["locality"])
        else:
            key, name = (measure, item["band_type"], item["locality"]), labels.band(item["band_type"], item["band"])
        shown = not labels.guard.hides(item["people"] if "people" in item else _people_of(rep, item))
        groups.setdefault(key, []).append(f"{name} ({item['difference']:+.1f})" if shown else name)
    lines = []
    for (measure, band_type, scope), names in groups.items():
        if band_type is None:
            what = _("Localities, by survey responses") if measure == "responses" else _("Localities, by ballots")
        else:
            what = _("%(what)s, %(scope)s", what=labels.band_types[band_type], scope=labels.scope(scope))
        lines.append(f"{what}: {', '.join(names)}")
    return lines


def glance_blocks(data: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    """The report at a glance (status, dates, totals, margin) and the groups flagged as under-represented."""
    part = data["participation"]
    rows = [[cell(_("Status"), header=True), cell(data["consultation"]["status"],
                                                   labels.statuses.get(data["consultation"]["status"]))],
            [cell(_("Figures as of"), header=True), cell(data["as_of"], when_text(data["as_of"]))],
            [cell(_("Open from"), header=True), cell(data["consultation"]["opens_at"],
                                                      when_text(data["consultation"]["opens_at"]))],
            [cell(_("Closing"), header=True), cell(data["consultation"]["closes_at"],
                                                    when_text(data["consultation"]["closes_at"]))]]
    if data["has_survey"]:
        rows.append([cell(_("Survey responses"), header=True), count_cell(part["responses"], "summary.responses")])
    if data["has_vote"]:
        rows.append([cell(_("Ballots"), header=True), count_cell(part["ballots"], "summary.ballots")])
    margin = data["representativeness"]["margin"]
    rows.append([cell(_("Under-representation margin"), header=True),
                 cell(margin, _("%(points)s percentage points", points=f"{margin:g}"), numeric=True,
                      figure="summary.margin")])
    flagged = _flagged_lines(data["representativeness"], labels)
    blocks = [{"table": table("glance-table", _("This report at a glance"), [(_("Item"), False), (_("Value"), False)],
                              rows)}]
    paragraphs = ([_("In brackets: percentage points below the group's share of the population. Groups are "
                     "compared with the population of the consultation's localities; see \"How representative are "
                     "the people who took part?\".")] if flagged
                  else [_("No group is under-represented by more than the margin.")])
    blocks.append({"heading": _("Groups under-represented by more than %(points)s percentage points",
                                points=f"{margin:g}"), "list": flagged or None, "paragraphs": paragraphs})
    return blocks


def glance_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """glance_blocks as a section of their own (the live participation page starts with it)."""
    return {"id": "glance", "title": _("At a glance"), "sheet": _("At a glance"), "paragraphs": [],
            "blocks": glance_blocks(data, labels)}


def _dimension_block(dimension: str, rows: list[dict[str, Any]], labels: Labels, kinds: list[str]) -> dict[str, Any]:
    """Who took part by one dimension: a table of counts and shares of each kind ("responses", "ballots"), and
    its chart. By group, locality and language, figures about too few people go through the guard."""
    name = labels.dimensions[dimension]
    titles = {"responses": (_("Survey responses"), _("Share of responses")),
              "ballots": (_("Ballots"), _("Share of ballots"))}
    columns = [(name, False)] + [(text, True) for kind in kinds for text in titles[kind]]
    guarded = dimension in PEOPLE_DIMENSIONS
    body = []
    for row in rows:
        line = [cell(row["key"], labels.key(dimension, row["key"]), header=True)]
        prefix = f"participation.{dimension}.{row['key']}"
        for kind in kinds:
            figures = [count_cell(row[kind], f"{prefix}.{kind}"),
                       percent_cell(row[f"{kind}_percent"], f"{prefix}.{kind}_percent")]
            line += labels.guard.cells(row[kind], figures) if guarded else figures
        body.append(line)
    categories = [{"label": labels.key(dimension, row["key"]),
                   "values": [labels.guard.value(row[kind], row[kind]) if guarded else row[kind] for kind in kinds]}
                  for row in rows]
    title = _("Who took part, by %(dimension)s", dimension=name.lower())
    figure = chart(chart_id=f"chart-participation-{dimension}", title=title, categories=categories,
                   series=[titles[kind][0] for kind in kinds],
                   value_text=count_text) if any(v for c in categories for v in c["values"]) else None
    return {"heading": name, "chart": figure, "table": table(f"participation-{dimension}", title, columns, body)}


def participation_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    kinds = [kind for kind, held in (("responses", data["has_survey"]), ("ballots", data["has_vote"])) if held]
    blocks = [_dimension_block(dimension, rows, labels, kinds)
              for dimension, rows in data["participation"]["by"].items()]
    paragraphs = [_("Survey responses are counted when they were submitted; each ballot is one person's vote. "
                    "Someone who answered the survey and voted is counted in both.")]
    return {"id": "participation", "title": _("Who took part"), "sheet": _("Participation"),
            "paragraphs": paragraphs, "blocks": blocks}


def _by_date(entries: list[dict[str, Any]], key: str, kinds: list[str]) -> list[list[dict[str, Any]]]:
    """One row per week or day (`key`): the date, then the count of each kind ("responses", "ballots")."""
    return [[cell(e[key], day_text(e[key]), header=True)]
            + [count_cell(e[kind], f"over_time.{key}.{e[key]}.{kind}") for kind in kinds] for e in entries]


def over_time_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    timing = data["over_time"]
    names = {"responses": _("Survey responses"), "ballots": _("Ballots")}
    kinds = [kind for kind, held in (("responses", data["has_survey"]), ("ballots", data["has_vote"])) if held]
    rows = _by_date(timing["weeks"], "week", kinds)
    categories = [{"label": day_text(w["week"]), "values": [w[kind] for kind in kinds]} for w in timing["weeks"]]
    busiest = max(timing["weeks"], key=lambda w: sum(w[kind] for kind in kinds), default=None)
    description = (_("A bar chart of the responses and ballots each week, from the week beginning %(first)s to the "
                     "week beginning %(last)s; the busiest week began on %(busiest)s. The spreadsheet (XLSX) gives "
                     "the numbers for every week and day.", first=day_text(timing["weeks"][0]["week"]),
                     last=day_text(timing["weeks"][-1]["week"]), busiest=day_text(busiest["week"]))
                   if busiest else "")
    blocks = [{"heading": _("By week"),
               "chart": chart(chart_id="chart-over-time-weeks", title=_("Responses and ballots each week"),
                              description=description, categories=categories, series=[names[kind] for kind in kinds],
                              value_text=count_text) if rows else None,
               "paragraphs": [] if rows else [_("Nobody has taken part yet.")]}]
    if rows:
        blocks.append({"spreadsheet_only": True,
                       "table": table("over-time-weeks", _("Responses and ballots each week"),
                                      [(_("Week beginning"), False)] + [(names[kind], True) for kind in kinds],
                                      rows)})
    if timing["days"]:
        by_day = timing["responses_by_day"]
        kinds = ["responses", "ballots"] if by_day else ["ballots"]
        paragraphs = [] if by_day else [_("The survey is anonymous, so responses are dated by week only; "
                                          "this table counts ballots.")]
        blocks.append({"heading": _("By day"), "paragraphs": paragraphs, "spreadsheet_only": True,
                       "table": table("over-time-days", _("Ballots each day") if not by_day
                                      else _("Responses and ballots each day"),
                                      [(_("Day"), False)] + [(names[kind], True) for kind in kinds],
                                      _by_date(timing["days"], "day", kinds))})
    return {"id": "over-time", "title": _("Taking part over time"), "sheet": _("Over time"), "paragraphs": [],
            "blocks": blocks}
