"""One page per locality, for its planning group: what its own people said, beside the whole consultation.

A locality's figures are about the people who took part there, so they go through the small-numbers guard:
a locality with too few voters has no places of its own in public, and counts about too few people read
"fewer than 5"."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import cell, count_cell, count_text, table
from consult.reports.document.labels import Labels
from consult.reports.document.summary import flagged_names, top_theme_rows
from consult.voting.disagreement_text import names_list


def _people_paragraph(data: dict[str, Any], labels: Labels, row: dict[str, Any]) -> str:
    part = data["participation"]
    responses = labels.guard.text(row["responses"], count_text(row["responses"]))
    ballots = labels.guard.text(row["ballots"], count_text(row["ballots"]))
    if data["has_survey"] and data["has_vote"]:
        return _("From here: %(responses)s survey responses and %(ballots)s ballots, of %(all_responses)s and "
                 "%(all_ballots)s in all.", responses=responses, ballots=ballots,
                 all_responses=count_text(part["responses"]), all_ballots=count_text(part["ballots"]))
    if data["has_vote"]:
        return _("From here: %(ballots)s ballots, of %(all_ballots)s in all.", ballots=ballots,
                 all_ballots=count_text(part["ballots"]))
    return _("From here: %(responses)s survey responses, of %(all_responses)s in all.", responses=responses,
             all_responses=count_text(part["responses"]))


def _places_block(data: dict[str, Any], labels: Labels, code: str, voters: int) -> dict[str, Any] | None:
    p = data["priorities"]
    if not data["has_vote"] or not p or code not in p["localities"]:
        return None
    main = p["weighting"]
    here = {r["code"]: r["rank"] for r in p["localities"][code]}
    if labels.guard.hides(voters):
        return {"heading": _("Priorities here"),
                "paragraphs": [_("Too few people voted here for this locality's own places to be published.")]}
    rows = [[cell(r["code"], labels.priority(r["code"]), header=True),
             *labels.guard.cells(voters, [count_cell(here.get(r["code"]), f"locality.{code}.{r['code']}.rank")]),
             count_cell(r["schemes"][main]["rank"])] for r in p["rows"]]
    return {"heading": _("Priorities here"),
            "table": table(f"locality-{code}-priorities", _("Place of each priority here and in all localities"),
                           [(_("Priority"), False), (_("Place here"), True), (_("Place in all localities"), True)],
                           rows)}


def locality_sections(data: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    by_locality = {row["key"]: row for row in data["participation"]["by"].get("locality", [])}
    margin = f"{data['representativeness']['margin']:g}"
    sections = []
    for code in data["localities"]:
        row = by_locality.get(code, {"responses": 0, "ballots": 0})
        blocks = []
        places = _places_block(data, labels, code, row["ballots"])
        if places:
            blocks.append(places)
        if data["has_survey"] and data.get("themes", {}).get("answers"):
            themes = [_("%(theme)s (%(n)s)", theme=labels.theme(r),
                        n=labels.guard.text(r["by_locality"][code], count_text(r["by_locality"][code])))
                      for r in top_theme_rows(data, lambda r, code=code: r.get("by_locality", {}).get(code, 0))]
            blocks.append({"heading": _("What people here wrote about most"),
                           "paragraphs": [names_list(themes) if themes else _("No written answers from here have "
                                                                               "been tagged with themes yet.")]})
        flagged = flagged_names(data, labels, code)
        blocks.append({"heading": _("How representative"), "paragraphs": [
            _("Fewer took part than their share of this locality's population, by more than %(points)s percentage "
              "points: %(names)s.", points=margin, names=names_list(flagged)) if flagged else
            _("No group here took part less than its share of the population by more than %(points)s percentage "
              "points.", points=margin)]})
        sections.append({"id": f"locality-{code}", "title": _("%(locality)s: summary", locality=labels.locality(code)),
                         "sheet": labels.locality(code), "paragraphs": [_people_paragraph(data, labels, row)],
                         "blocks": blocks, "page_break": True})
    return sections
