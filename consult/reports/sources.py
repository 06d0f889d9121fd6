"""Reading other domains' data for reports: one adapter per source, each returning plain data.

Surveys, ballots and vote results belong to other packages; if their shape changes, only the matching
function here changes. Everything after this module (data.py and the renderers) works on plain dicts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.consultations.services import get_by_slug
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.reports.models import FreeTextTag, FreeTextTheme, PopulationBand
from consult.surveys.kinds import FIXED_VALUES, builtin_option_labels, is_answerable, option_values
from consult.surveys.models import ResponseStatus, SurveyResponse

#: "About you" fields a survey response carries (besides stakeholder group and locality).
PROFILE_FIELDS = ("age_band", "ethnic_group", "main_language", "disability")


def _iso(day: date | datetime | None) -> str | None:
    if day is None:
        return None
    return (day.date() if isinstance(day, datetime) else day).isoformat()


# --- reference data -----------------------------------------------------------------------------------------

def consultation_by_id(consultation_id: int) -> Consultation | None:
    return db.session.get(Consultation, consultation_id)


def consultation_by_slug(slug: str) -> Consultation | None:
    return get_by_slug(slug)


def user_by_id(user_id: int | None) -> User | None:
    """Who asked for a report (a job carries only their id)."""
    return db.session.get(User, user_id) if user_id else None


def localities_by_code() -> dict[str, Locality]:
    """Every locality, in order of code."""
    return {loc.code: loc for loc in db.session.scalars(select(Locality).order_by(Locality.code))}


def stakeholder_group_codes() -> list[str]:
    """Every stakeholder group's code, in their order."""
    return list(db.session.scalars(select(StakeholderGroup.code).order_by(StakeholderGroup.position,
                                                                          StakeholderGroup.code)))


def stakeholder_group_names() -> dict[str, dict[str, str]]:
    """Every stakeholder group's name per locale, by code."""
    return {g.code: dict(g.name) for g in db.session.scalars(select(StakeholderGroup))}


def reference_source(consultation: Consultation) -> dict[str, Any]:
    """The consultation itself, its stakeholder groups (in order) and localities, with names per locale."""
    groups = consultation.groups_taking_part()
    known = {g.code for g in groups}
    # Groups no longer taking part can still appear on old responses and ballots: name them too.
    others = [g for g in db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.position,
                                                                              StakeholderGroup.code))
              if g.code not in known]
    everywhere = list(db.session.scalars(select(Locality).order_by(Locality.code)))
    covered = [loc.code for loc in consultation.localities]
    return {
        "consultation": {"id": consultation.id, "slug": consultation.slug, "title": dict(consultation.title),
                         "summary": dict(consultation.summary or {}), "easy_read": dict(consultation.easy_read or {}),
                         "default_locale": consultation.default_locale, "status": consultation.status,
                         "opens_at": consultation.opens_at.isoformat(),
                         "closes_at": consultation.closes_at.isoformat()},
        "groups": [g.code for g in groups],
        "group_names": {g.code: dict(g.name) for g in groups + others},
        "localities": covered,
        "locality_names": {loc.code: dict(loc.name) for loc in everywhere},
        "locality_population": {loc.code: int(loc.population or 0) for loc in everywhere},
        "target_population": {band_type: list(bands)
                              for band_type, bands in (consultation.target_population or {}).items()},
    }


# --- surveys (consult/surveys) ------------------------------------------------------------------------------

def survey_source(consultation: Consultation, *, answers: bool = True,
                  text_question: str | None = None) -> dict[str, Any] | None:
    """The consultation's survey and its submitted responses as plain data; None when it has no survey.

    rows: {"id", "channel", "date" (ISO; the Monday of the week for anonymous surveys), "locale",
    "stakeholder_group", "locality", "age_band", "ethnic_group", "main_language", "disability", "answers"}.
    `answers=False` leaves the answers out (the live view only counts people). `text_question` keeps only
    the responses that answered that question, with `text` instead of `answers` (the tagging screen).
    """
    survey = getattr(consultation, "survey", None)
    if survey is None:
        return None
    questions = []
    for q in survey.ordered_questions():
        if not is_answerable(q.kind):
            continue
        if q.kind in FIXED_VALUES:
            options = [{"value": v, "label": None} for v in option_values(q)]
        else:
            options = [{"value": o.value, "label": dict(o.label)} for o in q.options]
        questions.append({"code": q.code, "kind": q.kind, "text": dict(q.text), "options": options})

    group, place = aliased(StakeholderGroup), aliased(Locality)
    columns = [SurveyResponse.id, SurveyResponse.channel, SurveyResponse.submitted_on, SurveyResponse.locale,
               group.code, place.code, SurveyResponse.age_band, SurveyResponse.ethnic_group,
               SurveyResponse.main_language, SurveyResponse.disability]
    where = [SurveyResponse.survey_id == survey.id, SurveyResponse.status == ResponseStatus.SUBMITTED]
    if text_question is not None:
        text = SurveyResponse.answers[text_question].as_string()
        columns.append(text)
        where += [text.is_not(None), text != ""]
    elif answers:
        columns.append(SurveyResponse.answers)
    stmt = (select(*columns)
            .outerjoin(group, SurveyResponse.stakeholder_group_id == group.id)
            .outerjoin(place, SurveyResponse.locality_id == place.id)
            .where(*where).order_by(SurveyResponse.id))
    rows = []
    for row in db.session.execute(stmt):
        item = {"id": row[0], "channel": row[1], "date": _iso(row[2]), "locale": row[3],
                "stakeholder_group": row[4], "locality": row[5], "age_band": row[6], "ethnic_group": row[7],
                "main_language": row[8], "disability": row[9]}
        if text_question is not None:
            item["text"] = row[10]
        elif answers:
            item["answers"] = dict(row[10] or {})
        rows.append(item)
    return {"title": dict(survey.title), "default_locale": survey.default_locale, "anonymous": survey.anonymous,
            "questions": questions, "rows": rows}


def builtin_option_label(value: str) -> str:
    """The interface label of an agreement-scale or yes/no answer, in the current language."""
    return builtin_option_labels().get(value, value)


def profile_label(field: str, code: str) -> str:
    """The interface label of an "about you" answer code, in the current language."""
    from consult.surveys import profile

    return profile.label(field, code)


def profile_codes(field: str) -> list[str]:
    """The answer codes of an "about you" question, in the order asked (without "prefer not to say")."""
    from consult.surveys import profile

    return [code for code, _label in profile.FIXED[field] if code != profile.PREFER_NOT]


# --- ballots and vote results (consult/voting) ---------------------------------------------------------------

def ballot_source(consultation: Consultation, *, choices: bool = False) -> dict[str, Any] | None:
    """The consultation's ballots as plain data; None when it has no priority vote.

    rows: {"id", "channel", "locale", "date" (ISO day cast), "stakeholder_group", "locality"} and, with
    `choices`, {"choices": {priority code: value as entered}}.
    """
    from consult.voting.models import Ballot, BallotChoice

    vote = consultation.vote
    if vote is None:
        return None
    group, place = aliased(StakeholderGroup), aliased(Locality)
    stmt = (select(Ballot.id, Ballot.channel, Ballot.locale, Ballot.cast_at, group.code, place.code)
            .join(group, Ballot.stakeholder_group_id == group.id).join(place, Ballot.locality_id == place.id)
            .where(Ballot.consultation_id == consultation.id).order_by(Ballot.id))
    rows = [{"id": r[0], "channel": r[1], "locale": r[2], "date": _iso(r[3]), "stakeholder_group": r[4],
             "locality": r[5]} for r in db.session.execute(stmt)]
    if choices:
        code_of = {p.id: p.code for p in vote.priorities}
        by_ballot: dict[int, dict[str, int]] = {}
        for ballot_id, priority_id, value in db.session.execute(
                select(BallotChoice.ballot_id, BallotChoice.priority_id, BallotChoice.value)
                .where(BallotChoice.consultation_id == consultation.id)):
            by_ballot.setdefault(ballot_id, {})[code_of[priority_id]] = value
        for row in rows:
            row["choices"] = by_ballot.get(row["id"], {})
    return {"method": vote.method, "priorities": [{"code": p.code, "title": dict(p.title)} for p in vote.priorities],
            "rows": rows}


def vote_results_source(consultation: Consultation, *, job_id: str | None = None,
                        progress: Callable[[int, str | None], None] | None = None) -> dict[str, Any] | None:
    """The weighted priority results, from the vote's latest results snapshot, as plain data.

    Before publication a missing or out-of-date snapshot (ballots added or changed since) is recalculated
    first, by the same service the tally job runs, so the report never shows older figures than its own.
    After publication the published snapshot is used as it is.
    """
    from consult.voting.disagreement import snapshot_places
    from consult.voting.models import Ballot
    from consult.voting.results import compute_results, latest_snapshot
    from consult.voting.tipping import from_snapshot

    vote = consultation.vote
    if vote is None:
        return None
    snapshot = latest_snapshot(consultation)
    if not consultation.status.is_published:
        count, changed = db.session.execute(select(func.count(), func.max(Ballot.updated_at))
                                            .where(Ballot.consultation_id == consultation.id)).one()
        if changed is not None and changed.tzinfo is None:  # SQLite forgets the zone of an aggregate
            from datetime import timezone

            changed = changed.replace(tzinfo=timezone.utc)
        if snapshot is None or snapshot.ballots != count or (changed is not None and changed > snapshot.computed_at):
            compute_results(consultation.id, progress=progress, job_id=job_id)
            snapshot = latest_snapshot(consultation)
    if snapshot is None:
        return None
    data = snapshot.data
    weighting = data.get("weighting") or vote.weighting

    def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"code": p["code"], "rank": p["rank"], "score": p["score"], "share": p["share"]}
                for p in result["priorities"]]

    return {
        "computed_at": snapshot.computed_at.isoformat(),
        "method": data.get("method", vote.method),
        "weighting": weighting,
        "ballots": snapshot.ballots,
        "ballots_by_group": dict(data.get("ballots_by_group", {})),
        "weights": dict(data.get("weights", {})),
        "priorities": list(data.get("priorities", [])),
        "titles": {p.code: dict(p.title) for p in vote.priorities},
        "schemes": {scheme: rows(entry["overall"]) for scheme, entry in data.get("schemes", {}).items()},
        "localities": {code: rows(result) for code, result in
                       data.get("schemes", {}).get(weighting, {}).get("localities", {}).items()},
        "intervals": {scheme: {code: list(pair) for code, pair in values.items()}
                      for scheme, values in data.get("intervals", {}).items()},
        "resamples": data.get("resamples", 0),
        "level": data.get("level"),
        # None for a snapshot older than the aggregate table (version 1).
        "tipping": from_snapshot(data),
        "group_places": snapshot_places(data),
        "compare": list(data.get("compare") or current_app.config["COMPARE_GROUPS"]),
        "open_data": _open_data_reference(consultation),
    }


def _open_data_reference(consultation: Consultation) -> dict[str, str] | None:
    """Where the vote's open data is served once published, and its SHA-256: the file depends on the results
    snapshot alone, so a report built before publication already knows the fingerprint of the file served later."""
    from consult.core.privacy import min_public_count
    from consult.voting.open_data import fingerprint, hidden_groups
    from consult.voting.results import open_data

    document = open_data(consultation, min_public_count())
    if document is None:
        return None
    return {"path": f"/c/{consultation.slug}/results/open-data.json", "sha256": fingerprint(document),
            "hidden_groups": sorted(hidden_groups(document))}


# --- this package's own data ------------------------------------------------------------------------------------

def population_source(locality_codes: list[str] | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """{locality code: {band type: {band: population}}} from the imported population figures."""
    stmt = select(Locality.code, PopulationBand.band_type, PopulationBand.band, PopulationBand.population).join(
        Locality, PopulationBand.locality_id == Locality.id)
    if locality_codes is not None:
        stmt = stmt.where(Locality.code.in_(locality_codes))
    out: dict[str, dict[str, dict[str, int]]] = {}
    for code, band_type, band, population in db.session.execute(stmt):
        out.setdefault(code, {}).setdefault(band_type, {})[band] = int(population)
    return out


def theme_source(consultation: Consultation) -> dict[str, Any]:
    """The consultation's themes and the tags on its free-text answers."""
    themes = list(db.session.scalars(select(FreeTextTheme).where(FreeTextTheme.consultation_id == consultation.id)
                                     .order_by(FreeTextTheme.position, FreeTextTheme.id)))
    tags = db.session.execute(
        select(FreeTextTag.response_id, FreeTextTag.question_code, FreeTextTag.theme_id, FreeTextTag.quoted)
        .join(FreeTextTheme, FreeTextTag.theme_id == FreeTextTheme.id)
        .where(FreeTextTheme.consultation_id == consultation.id)
        .order_by(FreeTextTag.tagged_at.desc(), FreeTextTag.id.desc())).all()
    return {"themes": [{"id": t.id, "name": dict(t.name)} for t in themes],
            "tags": [{"response": r, "question": q, "theme": t, "quoted": bool(quoted)} for r, q, t, quoted in tags]}
