"""The report's first pages: findings first, for a board member with two minutes, and the same in easy read.

What was asked; how many took part and how representative they were; the priorities in order with how settled
each place is and how much rests on the weights; where stakeholder groups disagree; the main themes in what
people wrote; what happens next. Every figure here is one the sections after it give in full.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.reports.document.cells import cell, count_cell, count_text, percent_cell, table, when_text
from consult.reports.document.labels import Labels
from consult.reports.document.priorities import group_disagreement, tipping_block
from consult.voting.disagreement_text import lines, names_list, overview
from consult.voting.tipping_text import nearest
from consult.voting.top import top_cutoff

#: Themes the summary names.
THEMES_NAMED = 3
#: Tipping points the summary names (the nearest; every group's are in the vote's section).
SUMMARY_TIPPING = 1


def _asked(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    consultation = data["consultation"]
    paragraphs = [text for text in [labels.content(consultation.get("summary"))] if text]
    if paragraphs:  # the consultation says what it asks in its own words
        return {"heading": _("What was asked"), "paragraphs": paragraphs}
    if data["has_survey"] and data["has_vote"]:
        paragraphs.append(_("People were asked to answer a survey and to vote on which priorities matter most."))
    elif data["has_vote"]:
        paragraphs.append(_("People were asked to vote on which priorities matter most."))
    elif data["has_survey"]:
        paragraphs.append(_("People were asked to answer a survey."))
    return {"heading": _("What was asked"), "paragraphs": paragraphs}


def flagged_names(data: dict[str, Any], labels: Labels, locality: str | None = None) -> list[str]:
    """Who took part less than their share of the population by more than the margin, from the rows the tables
    flag: for all localities, the localities flagged (by responses or ballots) and the bands of the whole area;
    for one locality, the locality itself and its own bands."""
    names = []
    for item in data["representativeness"]["under_represented"]:
        if item["kind"] == "locality":
            if locality is None:
                name = labels.locality(item["locality"])
            elif item["locality"] == locality:
                name = _("This locality as a whole")
            else:
                continue
        elif item.get("locality") == locality:
            name = _("%(what)s: %(band)s", what=labels.band_types[item["band_type"]],
                     band=labels.band(item["band_type"], item["band"]))
        else:
            continue
        if name not in names:
            names.append(name)
    return names


def _took_part(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    part = data["participation"]
    margin = f"{data['representativeness']['margin']:g}"
    if data["has_survey"] and data["has_vote"]:
        told = _("%(responses)s survey responses and %(ballots)s ballots.", responses=count_text(part["responses"]),
                 ballots=count_text(part["ballots"]))
    elif data["has_vote"]:
        told = _("%(ballots)s ballots.", ballots=count_text(part["ballots"]))
    else:
        told = _("%(responses)s survey responses.", responses=count_text(part["responses"]))
    flagged = flagged_names(data, labels)
    representative = (_("Fewer took part than their share of the population, by more than %(points)s percentage "
                        "points: %(names)s.", points=margin, names=names_list(flagged)) if flagged else
                      _("No locality or group of the whole area took part less than its share of the population by "
                        "more than %(points)s percentage points.", points=margin))
    kinds = [kind for kind, held in (("responses", data["has_survey"]), ("ballots", data["has_vote"])) if held]
    titles = {"responses": (_("Survey responses"), _("Share of responses")),
              "ballots": (_("Ballots"), _("Share of ballots"))}
    rows = []
    for row in part["by"].get("stakeholder_group", []):
        if not any(row[kind] for kind in kinds):
            continue
        line = [cell(row["key"], labels.group(row["key"]), header=True)]
        for kind in kinds:
            prefix = f"summary.group.{row['key']}.{kind}"
            line += labels.guard.cells(row[kind], [count_cell(row[kind], prefix),
                                                   percent_cell(row[f"{kind}_percent"], f"{prefix}_percent")])
        rows.append(line)
    columns = [(_("Stakeholder group"), False)] + [(text, True) for kind in kinds for text in titles[kind]]
    return {"heading": _("Who took part"), "paragraphs": [told, representative],
            "table": table("summary-groups", _("Who took part, by stakeholder group"), columns, rows)}


def settled_text(interval: list[int] | None) -> str:
    """How settled a place is, from its likely places (the bootstrap's 90% interval)."""
    if not interval:
        return "–"
    if interval[0] == interval[1]:
        return _("Settled")
    return _("%(low)s to %(high)s", low=interval[0], high=interval[1])


def _priorities(data: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    p = data["priorities"]
    if p is None:
        return [{"heading": _("The priorities in order"),
                 "paragraphs": [_("The priority vote's results have not been calculated.")]}]
    main = p["weighting"]
    rows = [[cell(r["code"], labels.priority(r["code"]), header=True),
             count_cell(r["schemes"][main]["rank"], f"summary.priorities.{r['code']}.rank"),
             percent_cell(r["schemes"][main]["share"], f"summary.priorities.{r['code']}.share"),
             cell(r["schemes"][main]["interval"], settled_text(r["schemes"][main]["interval"]),
                  figure=f"summary.priorities.{r['code']}.settled")] for r in p["rows"]]
    paragraphs = [_("Counted with \"%(scheme)s\". \"Settled\": the same place in at least 90 of 100 recounts of "
                    "random samples of each group's ballots; otherwise, the places it came between.",
                    scheme=labels.schemes.get(main, main)) if p["resamples"] else
                  _("In order of their share of the total score, counted with \"%(scheme)s\".",
                    scheme=labels.schemes.get(main, main))]
    blocks = [{"heading": _("The priorities in order"), "paragraphs": paragraphs,
               "table": table("summary-priorities", _("The priorities in order"),
                              [(_("Priority"), False), (_("Place"), True), (_("Share"), True),
                               (_("How settled"), False)], rows)}]
    tipping = tipping_block(p, labels)
    if tipping and p["tipping"]["weighted"]:
        near = nearest(tipping["tipping"], labels.group, labels.priority, limit=SUMMARY_TIPPING)
        blocks.append({"heading": tipping["heading"], "list": near or None, "paragraphs": [
            _("The nearest change of one group's weight that would change the first place or the top "
              "priorities:") if near else
            _("No stakeholder group's weight would have to move by less than half before the first place or the "
              "top priorities changed.")]})
    elif tipping:
        blocks.append({"heading": tipping["heading"], "paragraphs": tipping["paragraphs"]})
    return blocks


def _disagree(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    d = group_disagreement(data, labels)
    if d is None:
        return None
    # The two widest, and the named pair's widest: every priority's places are in "Priority vote".
    brief = dict(d, widest=d["widest"][:2], pair_widest=d["pair_widest"][:1])
    said = lines(brief, labels.group, labels.priority) if len(d["groups"]) > 1 else []
    return {"heading": _("Where stakeholder groups disagree"), "paragraphs": [overview(d)], "list": said or None}


def top_theme_rows(data: dict[str, Any], count=lambda r: r["total"]) -> list[dict[str, Any]]:
    """The themes written about most (by `count` of a theme row: all answers, or one locality's), most first."""
    rows = [r for r in data["themes"]["rows"] if count(r)]
    rows.sort(key=lambda r: -count(r))
    return rows[:THEMES_NAMED]


def top_themes(data: dict[str, Any], labels: Labels, count=lambda r: r["total"]) -> list[str]:
    """The themes written about most, with how many answers carry each ("Transport (34)")."""
    return [_("%(theme)s (%(n)s)", theme=labels.theme(r), n=count_text(count(r)))
            for r in top_theme_rows(data, count)]


def _themes(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    if not data["has_survey"] or not data.get("themes", {}).get("answers"):
        return None
    named = top_themes(data, labels)
    text = (_("The themes written about most, with how many written answers carry each: %(themes)s.",
              themes=names_list(named)) if named else
            _("No written answers have been tagged with themes yet."))
    return {"heading": _("What people wrote"), "paragraphs": [text]}


def hear_back_path(data: dict[str, Any]) -> str:
    return f"/c/{data['consultation']['slug']}/you-said-we-did"


def _next(data: dict[str, Any]) -> dict[str, Any]:
    """Dates, who decides, and where everyone hears back, in one paragraph."""
    consultation = data["consultation"]
    kw = {"date": when_text(consultation["closes_at"]), "path": hear_back_path(data)}
    if consultation["status"] == "published":
        text = _("The results are published. Commissioners decide on each priority and say why, on the "
                 "\"You said, we did\" page: %(path)s.", **kw)
    elif consultation["status"] == "closed":
        text = _("Closed on %(date)s. Once the results are published, commissioners decide on each priority and "
                 "say why, on the \"You said, we did\" page: %(path)s.", **kw)
    else:
        text = _("Closes on %(date)s. Once the results are published, commissioners decide on each priority and "
                 "say why, on the \"You said, we did\" page: %(path)s.", **kw)
    return {"heading": _("What happens next"), "paragraphs": [text]}


def summary_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    blocks = [_asked(data, labels), _took_part(data, labels)]
    if data["has_vote"]:
        blocks += _priorities(data, labels)
        disagree = _disagree(data, labels)
        if disagree:
            blocks.append(disagree)
    themes = _themes(data, labels)
    if themes:
        blocks.append(themes)
    blocks.append(_next(data))
    return {"id": "summary", "title": _("Summary"), "sheet": _("Summary"), "paragraphs": [], "blocks": blocks,
            "page_break": True, "compact": True}


def easy_read_section(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """The summary in easy read: short sentences, one idea each, and the top priorities as a list."""
    part = data["participation"]
    paragraphs = [text for text in [labels.content(data["consultation"].get("easy_read"))] if text]
    paragraphs.append(_("We asked people what matters most to them."))
    if data["has_vote"] and part["ballots"]:
        paragraphs.append(_("%(n)s people voted.", n=count_text(part["ballots"])))
    if data["has_survey"] and part["responses"]:
        paragraphs.append(_("%(n)s people answered the survey.", n=count_text(part["responses"])))
    if not part["ballots"] and not part["responses"]:
        paragraphs.append(_("Nobody has taken part yet."))
    blocks = []
    p = data["priorities"]
    if data["has_vote"] and p and p["rows"]:
        main = p["weighting"]
        cutoff = top_cutoff(len(p["rows"]))
        top = [labels.priority(r["code"]) for r in p["rows"] if (r["schemes"][main]["rank"] or 0) <= cutoff]
        blocks.append({"heading": _("What people chose"),
                       "paragraphs": [_("These came top:")], "list": top})
        d = group_disagreement(data, labels)
        if d and d["pair"] and d["pair_widest"]:
            a, b = (labels.group(g) for g in d["pair"])
            blocks.append({"paragraphs": [_("%(a)s and %(b)s did not always want the same things.", a=a, b=b)]})
    named = top_theme_rows(data) if data["has_survey"] else []
    if named:
        blocks.append({"heading": _("What people told us"), "paragraphs": [_("People wrote most about:")],
                       "list": [labels.theme(r) for r in named]})
    blocks.append({"heading": _("What happens next"),
                   "paragraphs": [_("Commissioners will decide what to do."),
                                  _("They will say why."),
                                  _("You can read what they decided here: %(path)s", path=hear_back_path(data))]})
    return {"id": "easy-read", "title": _("Summary in easy read"), "sheet": _("Easy read"),
            "paragraphs": paragraphs, "blocks": blocks}
