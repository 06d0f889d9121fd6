"""The report's section on the priority vote: the weighting schemes side by side, and places by locality."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.core.privacy import too_few
from consult.reports.document.cells import cell, chart, count_cell, percent_cell, percent_text, table, when_text
from consult.reports.document.labels import Labels
from consult.voting.disagreement import disagreement
from consult.voting.disagreement_text import lines
from consult.voting.tipping import without
from consult.voting.tipping_text import intro, sentences


def _localities_block(p: dict[str, Any], labels: Labels, scheme_name: str,
                      voters: dict[str, int]) -> dict[str, Any]:
    """Each priority's place among each locality's own ballots, under the consultation's weighting. A locality's
    places are a figure about the people who voted there (`voters`), so they go through the guard."""
    codes = [r["code"] for r in p["rows"]]
    places = sorted(p["localities"])
    columns = [(_("Priority"), False)] + [(labels.locality(c), True) for c in places]
    rank_of = {c: {r["code"]: r["rank"] for r in p["localities"][c]} for c in places}

    def place_cell(code: str, place: str) -> dict[str, Any]:
        rank = count_cell(rank_of[place].get(code), f"priorities.{code}.locality.{place}.rank")
        return labels.guard.cells(voters.get(place, 0), [rank])[0]

    rows = [[cell(code, labels.priority(code), header=True)] + [place_cell(code, place) for place in places]
            for code in codes]
    return {"heading": _("Places in each locality"),
            "paragraphs": [_("Each locality's own ballots, with \"%(scheme)s\".", scheme=scheme_name)],
            "table": table("priorities-localities", _("Place of each priority in each locality"), columns, rows)}


def tipping_block(p: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    """How far each group's weight could move before the first place or the top set changes (the results
    page says the same); none for results kept before the aggregate table was."""
    tipping = p.get("tipping")
    if not tipping:
        return None
    # As on the public results page: no tipping point of a group the public does not see on its own.
    hidden = hidden_groups(p, labels, [point["group"] for point in tipping["groups"]])
    if hidden:
        tipping = without(tipping, hidden)
    return {"heading": _("How much rests on the weights"), "paragraphs": [intro(tipping)],
            "list": sentences(tipping, labels.group, labels.priority), "tipping": tipping}


def hidden_groups(p: dict[str, Any], labels: Labels, groups: list[str]) -> set[str]:
    """Those of `groups` this audience may not see on their own: none for staff; for the public, the groups the
    open data pools (so that a group's figures can't be had by subtraction), or, for results kept before the
    open data was, groups with too few ballots. Leaving any out is noted for the document's notice."""
    if not labels.guard.public:
        return set()
    open_data = p.get("open_data")
    pooled = (set(open_data.get("hidden_groups", [])) if open_data else
              {g for g, n in p.get("ballots_by_group", {}).items() if too_few(n)})
    hidden = pooled & set(groups)
    labels.guard.hid = labels.guard.hid or bool(hidden)
    return hidden


def shown_groups(data: dict[str, Any], labels: Labels) -> list[str]:
    """The stakeholder groups with places of their own that this audience sees on their own."""
    p = data["priorities"]
    groups = list(p.get("group_places") or {})
    hidden = hidden_groups(p, labels, groups)
    return [g for g in groups if g not in hidden]


def group_disagreement(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    """consult.voting.disagreement for the groups this audience sees, in the consultation's group order."""
    p = data["priorities"]
    if not p or not p.get("group_places"):
        return None
    shown = set(shown_groups(data, labels))
    order = [g for g in data["groups"] if g in shown] + sorted(shown - set(data["groups"]))
    return disagreement([r["code"] for r in p["rows"]], {g: p["group_places"][g] for g in shown}, groups=order,
                        pair=p.get("compare"))


def _disagreement_block(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    """Each priority's place overall and in each stakeholder group's own ballots, and how far apart they are."""
    d = group_disagreement(data, labels)
    if d is None or len(d["groups"]) < 2:
        return None
    p = data["priorities"]
    main = p["weighting"]
    overall = {r["code"]: r["schemes"][main]["rank"] for r in p["rows"]}
    counts = p.get("ballots_by_group", {})
    columns = ([(_("Priority"), False), (_("Place overall"), True)] + [(labels.group(g), True) for g in d["groups"]]
               + [(_("Places apart"), True)])
    rows = []
    for row in d["priorities"]:
        code = row["code"]
        line = [cell(code, labels.priority(code), header=True), count_cell(overall.get(code))]
        for g in d["groups"]:
            line += labels.guard.cells(counts.get(g, 0), [count_cell(row["places"].get(g),
                                                                     f"disagreement.{code}.{g}")])
        line.append(count_cell(row["spread"], f"disagreement.{code}.spread"))
        rows.append(line)
    return {"heading": _("Where stakeholder groups disagree"),
            "paragraphs": [_("Each group's own places come from its own ballots only, before any weighting: the "
                             "same under every weighting scheme. \"Places apart\" is the lowest place less the "
                             "highest.")],
            "list": lines(d, labels.group, labels.priority) or None,
            "table": table("disagreement", _("Place of each priority in each stakeholder group's own ballots"),
                           columns, rows)}


def priorities_section(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    p = data["priorities"]
    if not data["has_vote"]:
        return None
    if p is None:
        return {"id": "priorities", "title": _("Priority vote"), "sheet": _("Priorities"),
                "paragraphs": [_("The priority vote's results have not been calculated.")], "blocks": []}
    main = p["weighting"]
    scheme_name = labels.schemes.get(main, main)
    paragraphs = [_("Results calculated %(when)s from %(n)s ballots. The places use \"%(scheme)s\", the weighting "
                    "chosen for this consultation; the other weightings are shown beside it for comparison.",
                    when=when_text(p["computed_at"]), n=f"{p['ballots']:,}", scheme=scheme_name)]
    if p["resamples"] or p.get("open_data"):
        paragraphs.append(_("How the likely places are worked out, and how anyone can check these figures, is in "
                            "\"About the figures\" at the end."))
    columns = [(_("Priority"), False)]
    groups = [("", 1)]
    for s in p["schemes"]:
        columns += [(_("Place"), True), (_("Share"), True), (_("Likely places"), False)]
        # Only the consultation's own weighting is the result; the others are "what if" comparisons.
        groups.append((_("%(scheme)s (the result)", scheme=labels.schemes.get(s, s)) if s == main else
                       _("%(scheme)s (what if: not the result)", scheme=labels.schemes.get(s, s)), 3))
    rows = []
    for row in p["rows"]:
        line = [cell(row["code"], labels.priority(row["code"]), header=True)]
        for s in p["schemes"]:
            c = row["schemes"][s]
            interval = c["interval"]
            interval_text = "–" if not interval else (str(interval[0]) if interval[0] == interval[1]
                                                      else _("%(low)s to %(high)s", low=interval[0], high=interval[1]))
            line += [count_cell(c["rank"], f"priorities.{row['code']}.{s}.rank"),
                     percent_cell(c["share"], f"priorities.{row['code']}.{s}.share"),
                     cell(interval, interval_text, figure=f"priorities.{row['code']}.{s}.interval")]
        rows.append(line)
    blocks = [{"heading": _("The weighting schemes side by side"),
               "chart": chart(chart_id="chart-priorities",
                              title=_("Share of the total score: %(scheme)s", scheme=scheme_name),
                              categories=[{"label": labels.priority(r["code"]),
                                           "values": [r["schemes"][main]["share"]]} for r in p["rows"]],
                              value_text=percent_text) if p["rows"] and main else None,
               "table": table("priorities-schemes", _("Priorities in order, under each weighting scheme"), columns,
                              rows, groups=groups)}]
    tipping = tipping_block(p, labels)
    if tipping:
        blocks.append(tipping)
    disagree = _disagreement_block(data, labels)
    if disagree:
        blocks.append(disagree)
    if p["localities"]:
        voters = {row["key"]: row["ballots"] for row in data["participation"]["by"].get("locality", [])}
        blocks.append(_localities_block(p, labels, scheme_name, voters))
    return {"id": "priorities", "title": _("Priority vote"), "sheet": _("Priorities"), "paragraphs": paragraphs,
            "blocks": blocks}
