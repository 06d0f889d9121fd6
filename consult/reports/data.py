"""What a consultation report says, computed from plain data. Pure: no request, no database.

Inputs are the shapes of consult/reports/sources.py:
- responses: [{"id", "channel", "date", "locale", "stakeholder_group", "locality", "age_band", "ethnic_group",
  "main_language", "disability", "answers"}] (answers may be absent when only people are counted);
- ballots: [{"id", "channel", "locale", "date", "stakeholder_group", "locality", "choices"?}];
- populations: {locality code: {band type: {band: population}}}.

Percentages are rounded to one decimal place here, once, so that every format shows the same figure.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from consult.reports.codes import NOT_GIVEN, ordered
from consult.reports.representation import DEFAULT_MARGIN, DEFAULT_MIN_BAND, representativeness
from consult.surveys.kinds import CHOICE_KINDS, NUMBER_KINDS, TEXT_KINDS
from consult.voting.tally import SCHEMES

#: Free-text answers listed per question in the HTML and PDF (all of them go to the XLSX and CSV).
FREE_TEXT_SHOWN = 200
#: Quoted answers shown under each theme in the full report (the ones chosen most recently).
QUOTES_PER_THEME = 3
#: Dimensions of participation, in the order the report shows them.
DIMENSIONS = ("stakeholder_group", "locality", "language", "channel")
CHANNEL_ORDER = ("web", "code", "paper", "meeting", "import")
SCHEME_ORDER = SCHEMES
DATA_VERSION = 1


def percent(count: int | float, base: int | float) -> float | None:
    """count as a percentage of base, one decimal place; None when there is no base."""
    return round(100.0 * count / base, 1) if base else None


def _key(row: Mapping[str, Any], field: str) -> str:
    return row.get(field) or NOT_GIVEN


# --- participation ----------------------------------------------------------------------------------------------

def participation(responses: Sequence[Mapping[str, Any]], ballots: Sequence[Mapping[str, Any]], *,
                  groups: Sequence[str] = (), localities: Sequence[str] = (),
                  locales: Sequence[str] = ()) -> dict[str, Any]:
    """Survey responses and ballots counted by stakeholder group, locality, language and channel."""
    fields = {"stakeholder_group": "stakeholder_group", "locality": "locality", "language": "locale",
              "channel": "channel"}
    preferred = {"stakeholder_group": groups, "locality": localities, "language": locales,
                 "channel": CHANNEL_ORDER}
    by: dict[str, list[dict[str, Any]]] = {}
    for dimension in DIMENSIONS:
        field = fields[dimension]
        r_counts = Counter(_key(row, field) for row in responses)
        b_counts = Counter(_key(row, field) for row in ballots)
        keys = ordered(set(r_counts) | set(b_counts) | set(preferred[dimension] if dimension != "channel" else ()),
                        preferred[dimension])
        by[dimension] = [{"key": k, "responses": r_counts.get(k, 0), "ballots": b_counts.get(k, 0),
                          "responses_percent": percent(r_counts.get(k, 0), len(responses)),
                          "ballots_percent": percent(b_counts.get(k, 0), len(ballots))} for k in keys]
    return {"responses": len(responses), "ballots": len(ballots), "by": by}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def over_time(responses: Sequence[Mapping[str, Any]], ballots: Sequence[Mapping[str, Any]], *,
              responses_by_day: bool = False) -> dict[str, Any]:
    """Responses and ballots per week (Monday), and per day where the day is known.

    Anonymous surveys keep only the week of a response, so days count ballots only unless
    `responses_by_day` says the response dates are real days."""
    def days(rows):
        return [date.fromisoformat(r["date"]) for r in rows if r.get("date")]

    r_days, b_days = days(responses), days(ballots)
    r_weeks, b_weeks = Counter(map(monday, r_days)), Counter(map(monday, b_days))
    weeks = []
    if r_weeks or b_weeks:
        week, last = min([*r_weeks, *b_weeks]), max([*r_weeks, *b_weeks])
        while week <= last:
            weeks.append({"week": week.isoformat(), "responses": r_weeks.get(week, 0),
                          "ballots": b_weeks.get(week, 0)})
            week += timedelta(days=7)
    r_daily = Counter(r_days) if responses_by_day else Counter()
    b_daily = Counter(b_days)
    daily = []
    if r_daily or b_daily:
        day, last = min([*r_daily, *b_daily]), max([*r_daily, *b_daily])
        while day <= last:
            entry = {"day": day.isoformat(), "ballots": b_daily.get(day, 0)}
            if responses_by_day:
                entry["responses"] = r_daily.get(day, 0)
            daily.append(entry)
            day += timedelta(days=1)
    return {"weeks": weeks, "days": daily, "responses_by_day": responses_by_day}


# --- survey results ---------------------------------------------------------------------------------------------

def _answered(value: Any) -> bool:
    return value not in (None, "", [])


def question_results(questions: Sequence[Mapping[str, Any]],
                     responses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per question: how many answered, and counts and percentages (choices) or a summary (numbers).

    Percentages are of the people who answered the question (multiple choice can add up to more than 100)."""
    out = []
    for question in questions:
        code, kind = question["code"], question["kind"]
        values = [r["answers"].get(code) for r in responses if _answered(r["answers"].get(code))]
        result: dict[str, Any] = {"code": code, "kind": kind, "text": question["text"], "base": len(values)}
        if kind in CHOICE_KINDS:
            counts = Counter(v for value in values for v in (value if isinstance(value, list) else [value]))
            result["options"] = [{"value": o["value"], "label": o["label"], "count": counts.get(o["value"], 0),
                                  "percent": percent(counts.get(o["value"], 0), len(values)) or 0.0}
                                 for o in question["options"]]
        elif kind in NUMBER_KINDS:
            numbers = []
            for value in values:
                try:
                    numbers.append(Decimal(str(value)))
                except (InvalidOperation, ValueError):
                    continue
            result["base"] = len(numbers)
            if numbers:
                result["summary"] = {"mean": round(float(sum(numbers) / len(numbers)), 2),
                                     "median": float(statistics.median(numbers)),
                                     "min": float(min(numbers)), "max": float(max(numbers))}
        out.append(result)
    return out


def answer_key(response_id: int, question: str) -> str:
    return f"{response_id}:{question}"


def tag_index(tags: Iterable[Mapping[str, Any]]) -> dict[str, list[int]]:
    """{"<response id>:<question code>": [theme ids]} from tag rows."""
    index: dict[str, list[int]] = defaultdict(list)
    for tag in tags:
        index[answer_key(tag["response"], tag["question"])].append(tag["theme"])
    return {key: sorted(ids) for key, ids in index.items()}


def free_text(questions: Sequence[Mapping[str, Any]], responses: Sequence[Mapping[str, Any]],
              tags: Mapping[str, list[int]], *, shown: int = FREE_TEXT_SHOWN) -> list[dict[str, Any]]:
    """The free-text answers of each text question, newest first, with the themes tagged on each."""
    out = []
    for question in questions:
        if question["kind"] not in TEXT_KINDS:
            continue
        code = question["code"]
        answers = [r for r in responses if _answered(r["answers"].get(code))]
        listed = [{"text": str(r["answers"][code]), "stakeholder_group": r.get("stakeholder_group"),
                   "locality": r.get("locality"), "locale": r.get("locale"),
                   "themes": tags.get(answer_key(r["id"], code), [])}
                  for r in reversed(answers[-shown:])] if shown else []
        out.append({"code": code, "text": question["text"], "total": len(answers), "answers": listed})
    return out


def theme_counts(themes: Sequence[Mapping[str, Any]], questions: Sequence[Mapping[str, Any]],
                 responses: Sequence[Mapping[str, Any]], tags: Mapping[str, list[int]], *,
                 groups: Sequence[str] = ()) -> dict[str, Any]:
    """How many free-text answers carry each theme, overall and by the respondent's stakeholder group."""
    text_codes = [q["code"] for q in questions if q["kind"] in TEXT_KINDS]
    counts: dict[int, Counter] = {t["id"]: Counter() for t in themes}
    places: dict[int, Counter] = {t["id"]: Counter() for t in themes}
    answers = tagged = 0
    seen_groups = set()
    for r in responses:
        group = _key(r, "stakeholder_group")
        for code in text_codes:
            if not _answered(r["answers"].get(code)):
                continue
            answers += 1
            ids = tags.get(answer_key(r["id"], code), [])
            if ids:
                tagged += 1
            for theme in ids:
                if theme in counts:
                    counts[theme][group] += 1
                    places[theme][_key(r, "locality")] += 1
                    seen_groups.add(group)
    columns = ordered(set(groups) | seen_groups, groups)
    rows = [{"theme": t["id"], "name": t["name"], "total": sum(counts[t["id"]].values()),
             "by_group": {g: counts[t["id"]].get(g, 0) for g in columns},
             "by_locality": dict(places[t["id"]])} for t in themes]
    return {"groups": columns, "rows": rows, "answers": answers, "tagged": tagged}


def theme_quotes(tag_rows: Iterable[Mapping[str, Any]], responses: Sequence[Mapping[str, Any]], *,
                 per_theme: int = QUOTES_PER_THEME) -> dict[str, list[dict[str, Any]]]:
    """{theme id (as text): the answers a facilitator chose to quote under it}, the most recently chosen first
    (tag rows come newest first), at most `per_theme` each. For the full report only: never published."""
    by_id = {r["id"]: r for r in responses}
    out: dict[str, list[dict[str, Any]]] = {}
    for tag in tag_rows:
        response = by_id.get(tag["response"])
        if not tag.get("quoted") or response is None or not _answered(response["answers"].get(tag["question"])):
            continue
        quotes = out.setdefault(str(tag["theme"]), [])
        if len(quotes) < per_theme:
            quotes.append({"text": str(response["answers"][tag["question"]]),
                           "stakeholder_group": response.get("stakeholder_group"),
                           "locality": response.get("locality"), "locale": response.get("locale")})
    return out


# --- priority vote ------------------------------------------------------------------------------------------------

def priority_results(vote: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The weighting schemes side by side: per priority, each scheme's place, share and likely places."""
    if not vote:
        return None
    schemes = [s for s in SCHEME_ORDER if s in vote["schemes"]]
    main = vote["weighting"] if vote["weighting"] in schemes else (schemes[0] if schemes else None)
    by_scheme = {s: {row["code"]: row for row in vote["schemes"][s]} for s in schemes}
    order = [row["code"] for row in vote["schemes"][main]] if main else list(vote["priorities"])
    rows = []
    for code in order:
        cells = {}
        for s in schemes:
            row = by_scheme[s].get(code)
            interval = vote["intervals"].get(s, {}).get(code)
            cells[s] = {"rank": row["rank"] if row else None,
                        "score": round(row["score"], 2) if row else None,
                        "share": round(100.0 * row["share"], 1) if row else None,
                        "interval": list(interval) if interval else None}
        rows.append({"code": code, "schemes": cells})
    localities = {code: [{"code": r["code"], "rank": r["rank"], "share": round(100.0 * r["share"], 1)}
                         for r in result] for code, result in vote["localities"].items()}
    return {"computed_at": vote["computed_at"], "method": vote["method"], "weighting": main,
            "ballots": vote["ballots"], "ballots_by_group": vote.get("ballots_by_group", {}),
            "weights": vote.get("weights", {}), "titles": vote["titles"], "schemes": schemes, "rows": rows,
            "localities": localities, "resamples": vote.get("resamples", 0), "level": vote.get("level"),
            "tipping": vote.get("tipping"), "open_data": vote.get("open_data"),
            "group_places": vote.get("group_places"), "compare": vote.get("compare")}


# --- the whole report -----------------------------------------------------------------------------------------

def _representativeness(reference: Mapping[str, Any], responses: Sequence[Mapping[str, Any]],
                        ballots: Sequence[Mapping[str, Any]],
                        populations: Mapping[str, Mapping[str, Mapping[str, int]]],
                        band_orders: Mapping[str, Sequence[str]] | None, *, margin: float,
                        min_band: int) -> dict[str, Any]:
    """representation.representativeness for the consultation's localities and target population."""
    return representativeness(responses, ballots, localities=reference["localities"],
                              locality_population=reference["locality_population"], populations=populations,
                              band_orders={**(band_orders or {}), "stakeholder_group": reference["groups"]},
                              target=reference.get("target_population"), margin=margin, min_band=min_band)


def build_report_data(*, reference: Mapping[str, Any], survey: Mapping[str, Any] | None,
                      ballots: Mapping[str, Any] | None, vote: Mapping[str, Any] | None,
                      populations: Mapping[str, Mapping[str, Mapping[str, int]]],
                      themes: Mapping[str, Any], band_orders: Mapping[str, Sequence[str]] | None = None,
                      locales: Sequence[str] = (), margin: float = DEFAULT_MARGIN,
                      min_band: int = DEFAULT_MIN_BAND, as_of: str, shown: int = FREE_TEXT_SHOWN) -> dict[str, Any]:
    """Everything the report shows, from the sources' plain data."""
    responses = survey["rows"] if survey else []
    ballot_rows = ballots["rows"] if ballots else []
    questions = survey["questions"] if survey else []
    tags = tag_index(themes.get("tags", []))
    survey_part = None
    if survey is not None:
        survey_part = {"title": survey["title"], "default_locale": survey["default_locale"],
                       "anonymous": survey["anonymous"], "responses": len(responses),
                       "questions": question_results(questions, responses),
                       "free_text": free_text(questions, responses, tags, shown=shown)}
    return {
        "version": DATA_VERSION,
        "as_of": as_of,
        "consultation": dict(reference["consultation"]),
        "groups": list(reference["groups"]),
        "group_names": dict(reference["group_names"]),
        "localities": list(reference["localities"]),
        "locality_names": dict(reference["locality_names"]),
        "has_survey": survey is not None,
        "has_vote": ballots is not None,
        "participation": participation(responses, ballot_rows, groups=reference["groups"],
                                       localities=reference["localities"], locales=locales),
        "over_time": over_time(responses, ballot_rows, responses_by_day=bool(survey) and not survey["anonymous"]),
        "representativeness": _representativeness(reference, responses, ballot_rows, populations, band_orders,
                                                  margin=margin, min_band=min_band),
        "survey": survey_part,
        "themes": {"themes": [{"id": t["id"], "name": t["name"]} for t in themes.get("themes", [])],
                   **theme_counts(themes.get("themes", []), questions, responses, tags, groups=reference["groups"]),
                   "quotes": theme_quotes(themes.get("tags", []), responses)},
        "priorities": priority_results(vote),
    }


def live_participation(*, reference: Mapping[str, Any], responses: Sequence[Mapping[str, Any]],
                       ballots: Sequence[Mapping[str, Any]],
                       populations: Mapping[str, Mapping[str, Mapping[str, int]]],
                       band_orders: Mapping[str, Sequence[str]] | None = None, locales: Sequence[str] = (),
                       margin: float = DEFAULT_MARGIN, min_band: int = DEFAULT_MIN_BAND,
                       anonymous: bool = True) -> dict[str, Any]:
    """The report's participation and representativeness figures, for a consultation still running."""
    return {
        "participation": participation(responses, ballots, groups=reference["groups"],
                                       localities=reference["localities"], locales=locales),
        "over_time": over_time(responses, ballots, responses_by_day=not anonymous),
        "representativeness": _representativeness(reference, responses, ballots, populations, band_orders,
                                                  margin=margin, min_band=min_band),
    }
