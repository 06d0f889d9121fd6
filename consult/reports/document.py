"""A report's figures laid out for readers in one language: sections of headings, charts and tables.

HTML, PDF and XLSX all render this one layout, so every format shows the same figures in the same order.
Interface text comes from Flask-Babel (call inside `flask_babel.force_locale`); content (names, questions,
priorities, themes) is stored per locale and read with `tr`. Each figure cell carries a stable key
(`figure`), which the HTML keeps as a data attribute so that tests and scripts can find it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from consult.core.i18n import locale_name, tr
from consult.reports import sources
from consult.reports.charts import bar_chart
from consult.reports.data import NOT_GIVEN

#: Sections in report order; XLSX gives each its own sheet.
SECTIONS = ("summary", "participation", "over_time", "representativeness", "survey", "free_text", "themes",
            "priorities")


def cell(value: Any, text: str | None = None, *, figure: str | None = None, numeric: bool = False,
         header: bool = False, flag: bool = False, written: bool = False, unit: str | None = None) -> dict[str, Any]:
    """One table cell: the value (for spreadsheets and tests) and the text readers see.

    `unit` is "percent" or "points" (percentage points) for numbers shown with one decimal place. `written`
    marks what a respondent wrote, in a language and direction of its own (not always their interface's)."""
    return {"value": value, "text": text if text is not None else ("" if value is None else str(value)),
            "figure": figure, "numeric": numeric, "header": header, "flag": flag, "written": written, "unit": unit}


def count_cell(value: int | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:,}", figure=figure, numeric=True)


def percent_cell(value: float | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:.1f}%", figure=figure, numeric=True, unit="percent")


def points_cell(value: float | None, figure: str | None = None) -> dict[str, Any]:
    return cell(value, "–" if value is None else f"{value:+.1f}", figure=figure, numeric=True, unit="points")


def table(table_id: str, caption: str, columns: list[tuple[str, bool]], rows: list[list[dict]], *,
          groups: list[tuple[str, int]] | None = None) -> dict[str, Any]:
    """A table: its caption, column headings (text, numeric?), rows of cells, and optional headings over
    groups of columns (text, how many columns)."""
    return {"id": table_id, "caption": caption, "groups": [{"text": t, "span": n} for t, n in groups or []],
            "columns": [{"text": text, "numeric": numeric} for text, numeric in columns], "rows": rows}


def chart(**kwargs) -> dict[str, Any]:
    """A bar chart (charts.bar_chart) with its title, which is also shown as the figure's caption."""
    return {"svg": bar_chart(**kwargs), "title": kwargs["title"]}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


class Labels:
    """Names for codes, in the reader's language."""

    def __init__(self, data: dict[str, Any], locale: str):
        self.data, self.locale = data, locale
        self.fallback = data["consultation"]["default_locale"]
        self.channels = {"web": _("Online"), "code": _("Online, with a voting code"), "paper": _("Paper form"),
                         "meeting": _("At a meeting"), "import": _("Imported")}
        self.dimensions = {"stakeholder_group": _("Stakeholder group"), "locality": _("Locality"),
                           "language": _("Language"), "channel": _("How they took part")}
        self.band_types = {"age_band": _("Age"), "ethnic_group": _("Ethnic group"),
                           "main_language": _("Main language"), "disability": _("Disability"),
                           "stakeholder_group": _("Stakeholder group")}
        self.schemes = {"equal_people": _("Every vote counts the same"),
                        "group_weights": _("Each vote counts its group's weight"),
                        "group_shares": _("Each group's votes together carry its weight")}
        self.statuses = {"draft": _("Draft"), "open": _("Open"), "closed": _("Closed"),
                         "published": _("Results published")}
        self.not_given = _("Not given")

    def content(self, text: dict[str, str] | None) -> str:
        return tr(text, self.locale, self.fallback)

    def group(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.content(self.data["group_names"].get(code)) or code

    def locality(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.content(self.data["locality_names"].get(code)) or code

    def language(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return locale_name(code)

    def channel(self, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        return self.channels.get(code, code)

    def key(self, dimension: str, code: str | None) -> str:
        return {"stakeholder_group": self.group, "locality": self.locality, "language": self.language,
                "channel": self.channel}[dimension](code)

    def band(self, band_type: str, code: str | None) -> str:
        if not code or code == NOT_GIVEN:
            return self.not_given
        if band_type == "stakeholder_group":
            return self.group(code)
        return sources.profile_label(band_type, code) or code

    def option(self, option: dict[str, Any]) -> str:
        if option.get("label") is None:
            return sources.builtin_option_label(option["value"])
        return self.content(option["label"]) or option["value"]

    def theme(self, theme: dict[str, Any]) -> str:
        return self.content(theme["name"])

    def priority(self, code: str) -> str:
        return self.content(self.data["priorities"]["titles"].get(code)) or code

    def scope(self, code: str | None) -> str:
        return _("All localities") if code is None else self.locality(code)


def _when(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), "d MMMM yyyy, HH:mm")


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "d MMM yyyy")


def _summary(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    part = data["participation"]
    rows = [[cell(_("Status"), header=True), cell(data["consultation"]["status"],
                                                   labels.statuses.get(data["consultation"]["status"]))],
            [cell(_("Figures as of"), header=True), cell(data["as_of"], _when(data["as_of"]))],
            [cell(_("Open from"), header=True), cell(data["consultation"]["opens_at"],
                                                      _when(data["consultation"]["opens_at"]))],
            [cell(_("Closing"), header=True), cell(data["consultation"]["closes_at"],
                                                    _when(data["consultation"]["closes_at"]))]]
    if data["has_survey"]:
        rows.append([cell(_("Survey responses"), header=True), count_cell(part["responses"], "summary.responses")])
    if data["has_vote"]:
        rows.append([cell(_("Ballots"), header=True), count_cell(part["ballots"], "summary.ballots")])
    margin = data["representativeness"]["margin"]
    rows.append([cell(_("Under-representation margin"), header=True),
                 cell(margin, _("%(points)s percentage points", points=f"{margin:g}"), numeric=True,
                      figure="summary.margin")])
    flagged: list[str] = []
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    for item in data["representativeness"]["under_represented"]:
        key = (item["band_type"], item["locality"]) if item["kind"] == "band" else (None, None)
        name = labels.locality(item["locality"]) if item["kind"] == "locality" else labels.band(item["band_type"],
                                                                                               item["band"])
        groups.setdefault(key, []).append(f"{name} ({item['difference']:+.1f})")
    for (band_type, scope), names in groups.items():
        what = _("Localities") if band_type is None else _("%(what)s, %(scope)s", what=labels.band_types[band_type],
                                                          scope=labels.scope(scope))
        flagged.append(f"{what}: {', '.join(names)}")
    blocks = [{"table": table("summary", _("This report at a glance"), [(_("Item"), False), (_("Value"), False)],
                              rows)}]
    paragraphs = ([_("In brackets: percentage points below the group's share of the population. Groups are "
                     "compared with the population of the consultation's localities; see \"How representative are "
                     "the people who took part?\".")] if flagged
                  else [_("No group is under-represented by more than the margin.")])
    blocks.append({"heading": _("Groups under-represented by more than %(points)s percentage points",
                                points=f"{margin:g}"), "list": flagged or None, "paragraphs": paragraphs})
    return {"id": "summary", "title": _("Summary"), "sheet": _("Summary"), "paragraphs": [], "blocks": blocks}


def _participation(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    part = data["participation"]
    has_survey, has_vote = data["has_survey"], data["has_vote"]
    blocks = []
    for dimension, rows in part["by"].items():
        name = labels.dimensions[dimension]
        columns = [(name, False)]
        if has_survey:
            columns += [(_("Survey responses"), True), (_("Share of responses"), True)]
        if has_vote:
            columns += [(_("Ballots"), True), (_("Share of ballots"), True)]
        body = []
        for row in rows:
            line = [cell(row["key"], labels.key(dimension, row["key"]), header=True)]
            prefix = f"participation.{dimension}.{row['key']}"
            if has_survey:
                line += [count_cell(row["responses"], f"{prefix}.responses"),
                         percent_cell(row["responses_percent"], f"{prefix}.responses_percent")]
            if has_vote:
                line += [count_cell(row["ballots"], f"{prefix}.ballots"),
                         percent_cell(row["ballots_percent"], f"{prefix}.ballots_percent")]
            body.append(line)
        series = []
        if has_survey:
            series.append(_("Survey responses"))
        if has_vote:
            series.append(_("Ballots"))
        categories = [{"label": labels.key(dimension, row["key"]),
                       "values": ([row["responses"]] if has_survey else []) + ([row["ballots"]] if has_vote else [])}
                      for row in rows]
        values = [v for c in categories for v in c["values"]]
        figure = chart(chart_id=f"chart-participation-{dimension}",
                          title=_("Who took part, by %(dimension)s", dimension=name.lower()),
                          description=_("A bar chart. The table after it gives the same numbers."),
                          categories=categories, series=series, value_text=lambda v: f"{v or 0:,}") \
            if any(values) else None
        blocks.append({"heading": name, "chart": figure,
                       "table": table(f"participation-{dimension}",
                                      _("Who took part, by %(dimension)s", dimension=name.lower()), columns, body)})
    paragraphs = [_("Survey responses are counted when they were submitted; each ballot is one person's vote. "
                    "Someone who answered the survey and voted is counted in both.")]
    return {"id": "participation", "title": _("Who took part"), "sheet": _("Participation"),
            "paragraphs": paragraphs, "blocks": blocks}


def _over_time(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    timing = data["over_time"]
    has_survey, has_vote = data["has_survey"], data["has_vote"]
    blocks = []
    columns = [(_("Week beginning"), False)]
    if has_survey:
        columns.append((_("Survey responses"), True))
    if has_vote:
        columns.append((_("Ballots"), True))
    rows = []
    for week in timing["weeks"]:
        line = [cell(week["week"], _day(week["week"]), header=True)]
        if has_survey:
            line.append(count_cell(week["responses"], f"over_time.week.{week['week']}.responses"))
        if has_vote:
            line.append(count_cell(week["ballots"], f"over_time.week.{week['week']}.ballots"))
        rows.append(line)
    categories = [{"label": _day(w["week"]), "values": ([w["responses"]] if has_survey else [])
                   + ([w["ballots"]] if has_vote else [])} for w in timing["weeks"]]
    series = ([_("Survey responses")] if has_survey else []) + ([_("Ballots")] if has_vote else [])
    blocks.append({"heading": _("By week"),
                   "chart": chart(chart_id="chart-over-time-weeks", title=_("Responses and ballots each week"),
                                      description=_("A bar chart. The table after it gives the same numbers."),
                                      categories=categories, series=series, value_text=lambda v: f"{v or 0:,}")
                   if rows else None,
                   "table": table("over-time-weeks", _("Responses and ballots each week"), columns, rows),
                   "paragraphs": [] if rows else [_("Nobody has taken part yet.")]})
    if timing["days"]:
        by_day = timing["responses_by_day"]
        columns = [(_("Day"), False)]
        if by_day:
            columns.append((_("Survey responses"), True))
        columns.append((_("Ballots"), True))
        rows = []
        for day in timing["days"]:
            line = [cell(day["day"], _day(day["day"]), header=True)]
            if by_day:
                line.append(count_cell(day["responses"], f"over_time.day.{day['day']}.responses"))
            line.append(count_cell(day["ballots"], f"over_time.day.{day['day']}.ballots"))
            rows.append(line)
        paragraphs = [] if by_day else [_("The survey is anonymous, so responses are dated by week only; "
                                          "this table counts ballots.")]
        blocks.append({"heading": _("By day"), "paragraphs": paragraphs,
                       "table": table("over-time-days", _("Ballots each day") if not by_day
                                      else _("Responses and ballots each day"), columns, rows)})
    return {"id": "over-time", "title": _("Taking part over time"), "sheet": _("Over time"), "paragraphs": [],
            "blocks": blocks}


def _flag_cell(under: bool, figure: str) -> dict[str, Any]:
    return cell(under, _("Under-represented") if under else "", figure=figure, flag=under)


def _representativeness(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    rep = data["representativeness"]
    has_survey, has_vote = data["has_survey"], data["has_vote"]
    margin = f"{rep['margin']:g}"
    paragraphs = [_("Each group's share of the people who took part, against its share of the people who live "
                    "in the area. The difference is in percentage points; a group more than %(points)s points "
                    "below its population share is marked as under-represented. People who did not say are "
                    "left out of the shares.", points=margin)]
    blocks = []
    loc = rep["localities"]
    columns = [(_("Locality"), False), (_("Population"), True), (_("Share of population"), True)]
    groups = [("", 3)]
    for included, name in ((has_survey, _("Survey responses")), (has_vote, _("Ballots"))):
        if included:
            columns += [(_("People"), True), (_("Share"), True), (_("Difference"), True),
                        (_("Representation"), False)]
            groups.append((name, 4))
    rows = []
    for row in loc["rows"]:
        prefix = f"representativeness.locality.{row['locality']}"
        line = [cell(row["locality"], labels.locality(row["locality"]), header=True),
                count_cell(row["population"], f"{prefix}.population"),
                percent_cell(row["population_share"], f"{prefix}.population_share")]
        if has_survey:
            line += [count_cell(row["responses"], f"{prefix}.responses"),
                     percent_cell(row["responses_share"], f"{prefix}.responses_share"),
                     points_cell(row["responses_difference"], f"{prefix}.responses_difference"),
                     _flag_cell(row["responses_under"], f"{prefix}.responses_under")]
        if has_vote:
            line += [count_cell(row["ballots"], f"{prefix}.ballots"),
                     percent_cell(row["ballots_share"], f"{prefix}.ballots_share"),
                     points_cell(row["ballots_difference"], f"{prefix}.ballots_difference"),
                     _flag_cell(row["ballots_under"], f"{prefix}.ballots_under")]
        rows.append(line)
    series = [_("Population")] + ([_("Survey responses")] if has_survey else []) + ([_("Ballots")] if has_vote else [])
    categories = [{"label": labels.locality(r["locality"]),
                   "values": [r["population_share"]] + ([r["responses_share"]] if has_survey else [])
                   + ([r["ballots_share"]] if has_vote else [])} for r in loc["rows"]]
    notes = []
    if has_survey and loc["responses_elsewhere"]:
        notes.append(_("%(n)s survey responses did not give one of these localities.",
                       n=f"{loc['responses_elsewhere']:,}"))
    blocks.append({"heading": _("By locality"), "paragraphs": notes,
                   "chart": chart(chart_id="chart-rep-locality", title=_("Share of population and of the people "
                                                                             "who took part, by locality"),
                                      description=_("A bar chart. The table after it gives the same numbers."),
                                      categories=categories, series=series, value_text=_pct) if rows else None,
                   "table": table("rep-locality", _("Share of population and of the people who took part, "
                                                    "by locality"), columns, rows, groups=groups)})
    for t in rep["bands"]:
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
            figure = chart(chart_id=f"chart-rep-{t['band_type']}",
                              title=caption, description=_("A bar chart. The table after it gives the same numbers."),
                              categories=[{"label": labels.band(t["band_type"], r["band"]),
                                           "values": [r["population_share"], r["share"]]} for r in t["rows"]],
                              series=[_("Population"), _("Survey responses")], value_text=_pct)
        blocks.append({"heading": caption, "level": 3 if t["locality"] is None else 4, "paragraphs": notes,
                       "chart": figure, "table": table(f"rep-{t['band_type']}-{scope}", caption, columns, rows)})
    if rep["missing_population"]:
        blocks.append({"paragraphs": [_("No population figures by age, ethnic group or language have been "
                                        "imported for: %(places)s.",
                                        places=", ".join(labels.locality(c) for c in rep["missing_population"]))]})
    return {"id": "representativeness", "title": _("How representative are the people who took part?"),
            "sheet": _("Representativeness"), "paragraphs": paragraphs, "blocks": blocks}


def _survey(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
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
                              value_text=_pct, max_value=100) if q["base"] else None
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


def _free_text(data: dict[str, Any], labels: Labels, audience: str) -> dict[str, Any] | None:
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


def _themes(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
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
            + [count_cell(r["by_group"][g], f"themes.{r['theme']}.{g}") for g in themes["groups"]]
            for r in themes["rows"]]
    figure = chart(chart_id="chart-themes", title=_("Written answers with each theme"),
                      description=_("A bar chart. The table after it gives the same numbers, by stakeholder group."),
                      categories=[{"label": labels.theme(r), "values": [r["total"]]} for r in themes["rows"]],
                      value_text=lambda v: f"{v or 0:,}") if any(r["total"] for r in themes["rows"]) else None
    return {"id": "themes", "title": _("Themes in what people wrote"), "sheet": _("Themes"),
            "paragraphs": paragraphs,
            "blocks": [{"chart": figure, "table": table("themes", _("Written answers with each theme, by "
                                                                   "stakeholder group"), columns, rows)}]}


def _priorities(data: dict[str, Any], labels: Labels) -> dict[str, Any] | None:
    p = data["priorities"]
    if not data["has_vote"]:
        return None
    if p is None:
        return {"id": "priorities", "title": _("Priority vote"), "sheet": _("Priorities"),
                "paragraphs": [_("The priority vote's results have not been calculated.")], "blocks": []}
    main = p["weighting"]
    paragraphs = [_("Results calculated %(when)s from %(n)s ballots. The places use \"%(scheme)s\", the weighting "
                    "chosen for this consultation; the other weightings are shown beside it for comparison.",
                    when=_when(p["computed_at"]), n=f"{p['ballots']:,}", scheme=labels.schemes.get(main, main))]
    if p["resamples"]:
        paragraphs.append(_("\"Likely places\" come from counting the votes again %(n)s times, each time picking "
                            "ballots at random from each stakeholder group's own ballots: a priority came within "
                            "that range of places in 90 out of 100 counts.", n=f"{p['resamples']:,}"))
    columns = [(_("Priority"), False)]
    groups = [("", 1)]
    for s in p["schemes"]:
        columns += [(_("Place"), True), (_("Share"), True), (_("Likely places"), False)]
        groups.append((labels.schemes.get(s, s), 3))
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
    scheme_name = labels.schemes.get(main, main)
    blocks = [{"heading": _("The weighting schemes side by side"),
               "chart": chart(chart_id="chart-priorities",
                                  title=_("Share of the total score: %(scheme)s", scheme=scheme_name),
                                  description=_("A bar chart. The table after it gives the same numbers."),
                                  categories=[{"label": labels.priority(r["code"]),
                                               "values": [r["schemes"][main]["share"]]} for r in p["rows"]],
                                  value_text=_pct) if p["rows"] and main else None,
               "table": table("priorities", _("Priorities in order, under each weighting scheme"), columns, rows,
                              groups=groups)}]
    if p["localities"]:
        codes = [r["code"] for r in p["rows"]]
        places = sorted(p["localities"])
        columns = [(_("Priority"), False)] + [(labels.locality(c), True) for c in places]
        rank_of = {c: {r["code"]: r["rank"] for r in p["localities"][c]} for c in places}
        rows = [[cell(code, labels.priority(code), header=True)]
                + [count_cell(rank_of[c].get(code), f"priorities.{code}.locality.{c}.rank") for c in places]
                for code in codes]
        blocks.append({"heading": _("Places in each locality"),
                       "paragraphs": [_("Each locality's own ballots, with \"%(scheme)s\".",
                                        scheme=labels.schemes.get(main, main))],
                       "table": table("priorities-localities", _("Place of each priority in each locality"),
                                      columns, rows)})
    return {"id": "priorities", "title": _("Priority vote"), "sheet": _("Priorities"), "paragraphs": paragraphs,
            "blocks": blocks}


def build_document(data: dict[str, Any], *, locale: str, audience: str = "full",
                   sections: tuple[str, ...] = SECTIONS) -> dict[str, Any]:
    """The report in one language for one audience ("full" or "public"): title, and its sections in order.

    `sections` picks some of SECTIONS (the live participation view shows the first four)."""
    labels = Labels(data, locale)
    makers = {"summary": lambda: _summary(data, labels), "participation": lambda: _participation(data, labels),
              "over_time": lambda: _over_time(data, labels),
              "representativeness": lambda: _representativeness(data, labels),
              "survey": lambda: _survey(data, labels), "free_text": lambda: _free_text(data, labels, audience),
              "themes": lambda: _themes(data, labels), "priorities": lambda: _priorities(data, labels)}
    built = [makers[name]() for name in SECTIONS if name in sections]
    title = labels.content(data["consultation"]["title"])
    return {"title": _("Consultation report: %(title)s", title=title), "consultation_title": title,
            "locale": locale, "audience": audience, "as_of": data["as_of"], "as_of_text": _when(data["as_of"]),
            "sections": [s for s in built if s is not None]}
