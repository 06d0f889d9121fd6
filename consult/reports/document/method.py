"""The report's appendix: the figures at a glance, and the method in plain words (weights, weighting schemes,
likely places, where groups disagree, small numbers, and how anyone can check the published figures)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.privacy import min_public_count
from consult.reports.document.cells import cell, count_cell, table
from consult.reports.document.labels import Labels
from consult.reports.document.participation import glance_blocks
from consult.voting.disagreement import NOTABLE
from consult.voting.tipping_text import weight_text


def _scheme_text(scheme: str, name: str) -> str:
    """A weighting scheme in plain words (DESIGN section 6)."""
    if scheme == "equal_people":
        return _("\"%(name)s\": every ballot counts the same, whoever cast it.", name=name)
    if scheme == "group_weights":
        return _("\"%(name)s\": each ballot counts its stakeholder group's weight, so a group's say grows with its "
                 "number of ballots.", name=name)
    return _("\"%(name)s\": each group's ballots together carry the group's weight, however many ballots it cast; "
             "within a group every ballot counts the same.", name=name)


def _counting_block(p: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """The three weighting schemes, the consultation's weights, and the ballots of each group."""
    main = p["weighting"]
    paragraphs = [_("This consultation's result uses \"%(scheme)s\". The other two schemes are shown beside it only "
                    "to say what the result would have been: they are not the result.",
                    scheme=labels.schemes.get(main, main))]
    paragraphs += [_scheme_text(s, labels.schemes.get(s, s)) for s in p["schemes"]]
    counts = p.get("ballots_by_group", {})
    rows = [[cell(g, labels.group(g), header=True),
             cell(w, weight_text(float(w)), numeric=True, figure=f"method.weights.{g}"),
             *labels.guard.cells(counts.get(g, 0), [count_cell(counts.get(g, 0), f"method.ballots.{g}")])]
            for g, w in p.get("weights", {}).items()]
    return {"heading": _("How the votes were counted"), "paragraphs": paragraphs,
            "table": table("method-weights", _("Weight and ballots of each stakeholder group"),
                           [(_("Stakeholder group"), False), (_("Weight"), True), (_("Ballots"), True)], rows)
            if rows else None}


def _checking_block(p: dict[str, Any]) -> dict[str, Any] | None:
    paragraphs = []
    if p["resamples"]:
        paragraphs.append(_("\"Likely places\" come from counting the votes again %(n)s times, each time picking "
                            "ballots at random from each stakeholder group's own ballots: a priority came within "
                            "that range of places in 90 out of 100 counts.", n=f"{p['resamples']:,}"))
    paragraphs.append(_("Where stakeholder groups disagree: each group's own places come from its ballots alone, so "
                        "they are the same under every weighting scheme. A priority's places apart are its lowest "
                        "place among the groups less its highest; the summary names those %(n)s or more places "
                        "apart.", n=NOTABLE))
    if p.get("open_data"):
        paragraphs.append(_("Anyone can check these figures once they are published: the open data they come from "
                            "is at %(path)s (also as CSV), and the SHA-256 fingerprint of that JSON file is "
                            "%(sha256)s. The command \"flask --app consult results verify FILE.json\" works every "
                            "score, share and place out again from the file alone.", path=p["open_data"]["path"],
                            sha256=p["open_data"]["sha256"]))
    return {"heading": _("Likely places, disagreement and checking"), "paragraphs": paragraphs}


def method_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    blocks = glance_blocks(data, labels)
    p = data["priorities"]
    if data["has_vote"] and p:
        blocks += [_counting_block(p, labels), _checking_block(p)]
    blocks.append({"heading": _("Small numbers"), "paragraphs": [
        _("No published figure is about fewer than %(n)s people in a locality, stakeholder group or band: such "
          "figures read \"fewer than %(n)s\", and a stakeholder group with fewer ballots than that is not shown on "
          "its own. Totals for the whole consultation are always shown. The version for staff shows every figure, "
          "marking those the public does not see.", n=min_public_count())]})
    return {"id": "method", "title": _("About the figures"), "sheet": _("About the figures"), "paragraphs": [],
            "blocks": blocks, "page_break": True, "appendix": True}
