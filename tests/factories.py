"""Callable factories: make_x(**overrides) builds a valid object, flushes it and returns it."""

from __future__ import annotations

import itertools
from decimal import Decimal

from consult.accounts.models import User
from consult.core.permissions import Role
from consult.extensions import db
from consult.localities.models import Locality, Membership, PlanningGroup, StakeholderGroup

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_user(*, role: str = Role.MEMBER.value, password: str | None = PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(email=kw.pop("email", f"user{n}@example.org"), name=kw.pop("name", f"Person {n}"), role=role, **kw)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_locality(**kw) -> Locality:
    n = next(_seq)
    loc = Locality(code=kw.pop("code", f"L{n}"), name=kw.pop("name", {"en": f"Locality {n}", "cy": f"Ardal {n}"}),
                   population=kw.pop("population", 10_000), **kw)
    db.session.add(loc)
    db.session.flush()
    return loc


def make_stakeholder_group(**kw) -> StakeholderGroup:
    n = next(_seq)
    sg = StakeholderGroup(code=kw.pop("code", f"sg{n}"), name=kw.pop("name", {"en": f"Group {n}"}),
                          weight=kw.pop("weight", 1.0), position=kw.pop("position", n), **kw)
    db.session.add(sg)
    db.session.flush()
    return sg


def make_planning_group(*, locality: Locality | None = None, facilitators=(), **kw) -> PlanningGroup:
    n = next(_seq)
    group = PlanningGroup(locality=locality or make_locality(), name=kw.pop("name", {"en": f"Planning group {n}"}),
                          devolved_budget=kw.pop("devolved_budget", Decimal("1000")), **kw)
    group.facilitators = list(facilitators)
    db.session.add(group)
    db.session.flush()
    return group


def make_membership(*, user: User | None = None, planning_group: PlanningGroup | None = None,
                    stakeholder_group: StakeholderGroup | None = None) -> Membership:
    membership = Membership(user=user or make_user(), planning_group=planning_group or make_planning_group(),
                            stakeholder_group=stakeholder_group or make_stakeholder_group())
    db.session.add(membership)
    db.session.flush()
    return membership


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:2000]
    return response


def make_consultation(*, localities=None, groups=None, vote: dict | None = None, status: str = "open",
                      opens_in_days: float = -1, closes_in_days: float = 30, agreed: bool = True, **kw):
    """A consultation (open now by default) with its localities, participating groups and optional vote.

    `agreed`: a commissioner has agreed how its votes are counted (so a draft with a vote may open).

    `vote`: {"method": ..., "points_budget": ..., "max_choices": ..., "weighting": ..., "priorities": ["P1", ...]}.
    """
    from datetime import timedelta

    from consult.consultations.models import Consultation, ConsultationGroupWeight
    from consult.core.models import utcnow
    from consult.voting.models import Priority, Vote

    n = next(_seq)
    now = utcnow()
    localities = localities if localities is not None else [make_locality()]
    groups = groups if groups is not None else [make_stakeholder_group(code=f"carer{n}", weight=2.0),
                                                make_stakeholder_group(code=f"practitioner{n}", weight=1.0)]
    consultation = Consultation(
        slug=kw.pop("slug", f"consultation-{n}"), default_locale=kw.pop("default_locale", "en"),
        title=kw.pop("title", {"en": f"Consultation {n}", "cy": f"Ymgynghoriad {n}"}),
        summary=kw.pop("summary", {"en": "What we want to know."}),
        opens_at=now + timedelta(days=opens_in_days), closes_at=now + timedelta(days=closes_in_days),
        status=status, localities=list(localities),
        group_weights=[ConsultationGroupWeight(stakeholder_group=g, weight=g.weight) for g in groups],
        weights_agreed_at=now if agreed else None, weights_agreed_reason="Agreed in a test." if agreed else None,
        **kw)
    if vote is not None:
        spec = dict(vote)
        codes = spec.pop("priorities", ["P1", "P2", "P3"])
        spec.setdefault("method", "ranking")
        consultation.vote = Vote(**spec, priorities=[
            Priority(code=code, title={"en": f"Priority {code}", "cy": f"Blaenoriaeth {code}"}, position=i)
            for i, code in enumerate(codes)])
    db.session.add(consultation)
    db.session.flush()
    return consultation


def make_ballot(consultation, values: dict, *, group=None, locality=None, voter_key: str | None = None,
                channel: str = "import", user=None):
    """A ballot checked and stored by the voting service (as every channel is), whatever the voting window."""
    from consult.voting.services.casting import store_ballot
    from consult.voting.services.voters import Voter

    voter = Voter(voter_key or f"ref:factory-{next(_seq)}", group or consultation.group_weights[0].stakeholder_group,
                  locality or consultation.localities[0], channel, user_id=getattr(user, "id", None),
                  audit_channel="cli")
    ballot, _replaced = store_ballot(consultation, voter, values)
    return ballot


def make_voting_code(consultation, *, used: bool = False):
    """One single-use voting code of the consultation: (the code as printed, its VotingCode row)."""
    from sqlalchemy import select

    from consult.core.models import utcnow
    from consult.voting.models import VotingCode
    from consult.voting.services.codes import hash_code, issue_codes

    code = issue_codes(consultation, 1)[0]
    row = db.session.scalar(select(VotingCode).where(VotingCode.code_hash == hash_code(code)))
    if used:
        row.used_at = utcnow()
        db.session.flush()
    return code, row


def make_survey(*, consultation=None, sections: list[dict] | None = None, created_by=None, **kw):
    """A survey: standalone and open by default, or attached to `consultation` (which then decides when it is open).

    `sections`: [{"title": {...}, "questions": [{"code", "kind", "text", "required", "options": [(value, label)],
    "condition", "min_value", "max_value", "help", "easy_text"}]}]; by default one page with a yes/no question.
    """
    from consult.surveys.models import Survey, SurveyOption, SurveyQuestion, SurveySection

    n = next(_seq)
    survey = Survey(slug=kw.pop("slug", f"survey-{n}"), consultation=consultation,
                    default_locale=consultation.default_locale if consultation is not None else "en",
                    title=kw.pop("title", {"en": f"Survey {n}", "cy": f"Arolwg {n}", "ur": f"سروے {n}"}),
                    intro=kw.pop("intro", {"en": "Tell us what you think."}), easy_intro=kw.pop("easy_intro", {}),
                    reviewed_locales=kw.pop("reviewed_locales", []), status=kw.pop("status", "open"),
                    created_by_id=getattr(created_by, "id", None), **kw)
    db.session.add(survey)
    specs = sections if sections is not None else [{"title": {"en": "About care"}, "questions": [
        {"code": "carer", "kind": "yes_no", "text": {"en": "Do you look after someone?"}, "required": True}]}]
    for s_pos, spec in enumerate(specs):
        section = SurveySection(survey=survey, position=s_pos, title=spec.get("title", {}), intro={}, easy_intro={})
        db.session.add(section)
        for q_pos, q in enumerate(spec.get("questions", [])):
            question = SurveyQuestion(
                survey=survey, section=section, position=q_pos, code=q["code"], kind=q["kind"],
                required=q.get("required", False), text=q["text"], help=q.get("help", {}),
                easy_text=q.get("easy_text", {}), easy_help={}, condition=q.get("condition"),
                min_value=q.get("min_value"), max_value=q.get("max_value"), image_alt={})
            question.options = [SurveyOption(position=i, value=value, label=label, easy_label={})
                                for i, (value, label) in enumerate(q.get("options", []))]
            db.session.add(question)
    db.session.flush()
    return survey


def make_results_snapshot(consultation, *, resamples: int = 200):
    """The consultation's results as stored by the real tally service (with a smaller bootstrap, for speed)."""
    from consult.voting.models import ResultsSnapshot
    from consult.voting.results import compute_results

    summary = compute_results(consultation.id, resamples=resamples)
    return db.session.get(ResultsSnapshot, summary["snapshot_id"])


def make_planning_year(label: str = "2027/28", *, budgets: dict | None = None, pooled: dict | None = None):
    """A planning year (1 April to 31 March) with optional budgets by route and pooled contributions by partner."""
    from consult.commissioning.budgets import save_planning_year, set_budgets

    year = save_planning_year(None, label=label, channel="cli")
    if budgets or pooled:
        set_budgets(year, amounts=budgets or {}, contributions=pooled or {}, channel="cli")
    return year


def make_voted_consultation(*, status: str = "closed", snapshot: bool = True, populations=(20_000, 5_000)):
    """A ranking vote on P1..P5 in two localities (big, small) by carers (weight 2) and GPs (weight 1), with six
    ballots and, by default, its results snapshot. P1 leads overall; titles are in English, Welsh and Urdu."""
    big, small = (make_locality(population=p) for p in populations)
    carer = make_stakeholder_group(weight=2.0, name={"en": "Carers", "cy": "Gofalwyr", "ur": "نگہداشت کرنے والے"})
    gp = make_stakeholder_group(weight=1.0, name={"en": "GPs", "cy": "Meddygon teulu", "ur": "جی پیز"})
    consultation = make_consultation(localities=[big, small], groups=[carer, gp], status="closed", opens_in_days=-40,
                                     closes_in_days=-1, vote={"method": "ranking",
                                                              "priorities": ["P1", "P2", "P3", "P4", "P5"]})
    for i, p in enumerate(consultation.vote.priorities):
        p.cost = Decimal(10_000 * (i + 1))
        p.title = {"en": f"Service {p.code}", "cy": f"Gwasanaeth {p.code}", "ur": f"خدمت {p.code}"}
        p.easy_read = {"en": f"Easy {p.code}"}
    in_order = {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 5}
    for _ in range(3):
        make_ballot(consultation, in_order, group=carer, locality=big)
    for _ in range(2):
        make_ballot(consultation, {"P2": 1, "P1": 2, "P3": 3, "P4": 4, "P5": 5}, group=gp, locality=big)
    make_ballot(consultation, {"P1": 1, "P3": 2, "P2": 3, "P4": 4, "P5": 5}, group=carer, locality=small)
    if snapshot:
        make_results_snapshot(consultation)
    consultation.status = status  # published results are calculated before they are published
    return consultation


def make_survey_response(survey, *, answers: dict | None = None, group=None, locality=None, channel: str = "web",
                         locale: str = "en", submitted_on=None, **profile):
    """A submitted survey response with its "about you" answers (age_band, ethnic_group, main_language, disability)."""
    from consult.core.models import utcnow
    from consult.surveys.models import SurveyResponse

    day = submitted_on or utcnow().date()
    response = SurveyResponse(survey=survey, reference=f"R{next(_seq):07d}", status="submitted", channel=channel,
                              locale=locale, answers=answers or {}, started_on=day, submitted_on=day,
                              stakeholder_group=group, locality=locality, **profile)
    db.session.add(response)
    db.session.flush()
    return response


def make_population(locality, band_type: str, bands: dict[str, int]):
    """Population figures of one locality for one band type, e.g. make_population(pet, "age_band", {"65_74": 900})."""
    from consult.reports.models import PopulationBand

    rows = [PopulationBand(locality_id=locality.id, band_type=band_type, band=band, population=n)
            for band, n in bands.items()]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def make_theme(consultation, name: str = "Transport", **names):
    """A theme for tagging the consultation's written answers."""
    from consult.reports.models import FreeTextTheme

    theme = FreeTextTheme(consultation_id=consultation.id, name={"en": name, **names})
    db.session.add(theme)
    db.session.flush()
    return theme


def make_reported_consultation(*, status: str = "open", facilitator=None):
    """A consultation with a survey (yes/no, choice, number and written questions), six responses with their
    "about you" answers, a ranking vote with four ballots, population figures for its two localities, and a
    "Transport" theme on one written answer. Returns (consultation, parts: dict of what was made)."""
    big = make_locality(population=6_000, name={"en": "Bigtown", "cy": "Trefawr"})
    small = make_locality(population=4_000, name={"en": "Smallville", "cy": "Trefach"})
    carer = make_stakeholder_group(weight=2.0, name={"en": "Carers", "cy": "Gofalwyr"})
    gp = make_stakeholder_group(weight=1.0, name={"en": "GPs", "cy": "Meddygon teulu"})
    consultation = make_consultation(localities=[big, small], groups=[carer, gp], status=status, opens_in_days=-20,
                                     closes_in_days=10 if status == "open" else -1,
                                     vote={"method": "ranking", "weighting": "group_shares",
                                           "priorities": ["P1", "P2", "P3"]})
    if facilitator is not None:
        make_planning_group(locality=big, facilitators=[facilitator])
    survey = make_survey(consultation=consultation, sections=[{"title": {"en": "Care"}, "questions": [
        {"code": "carer", "kind": "yes_no", "text": {"en": "Do you look after someone?", "cy": "Ydych chi'n gofalu?"}},
        {"code": "help", "kind": "single", "text": {"en": "Which would help most?"},
         "options": [("sitting", {"en": "Night sitting"}), ("bus", {"en": "Transport"})]},
        {"code": "hours", "kind": "number", "text": {"en": "Hours a week caring?"}},
        {"code": "ideas", "kind": "long_text", "text": {"en": "Anything else?"}},
    ]}])
    people = [
        (carer, big, "65_74", "white", {"carer": "yes", "help": "sitting", "hours": 20, "ideas": "The bus is gone"}),
        (carer, big, "75_84", "white", {"carer": "yes", "help": "sitting", "hours": 40}),
        (carer, small, "65_74", "asian", {"carer": "yes", "help": "bus", "ideas": "Mwy o help yn y nos"}),
        (gp, big, "45_54", "white", {"carer": "no", "help": "bus"}),
        (gp, small, "prefer_not", None, {"carer": "no", "ideas": "=HYPERLINK(\"x\")"}),
        (None, None, None, None, {"carer": "no"}),
    ]
    responses = [make_survey_response(survey, group=g, locality=loc, age_band=age, ethnic_group=eth,
                                      answers=answers, locale="cy" if i == 2 else "en",
                                      channel="paper" if i == 3 else "web")
                 for i, (g, loc, age, eth, answers) in enumerate(people)]
    ballots = [make_ballot(consultation, {"P1": 1, "P2": 2}, group=carer, locality=big),
               make_ballot(consultation, {"P1": 1, "P3": 2}, group=carer, locality=small),
               make_ballot(consultation, {"P2": 1, "P1": 2, "P3": 3}, group=gp, locality=big, channel="paper"),
               make_ballot(consultation, {"P3": 1}, group=gp, locality=big)]
    make_population(big, "age_band", {"18_24": 1_500, "45_54": 1_500, "65_74": 2_000, "75_84": 1_000})
    make_population(small, "age_band", {"18_24": 1_000, "45_54": 1_000, "65_74": 1_500, "75_84": 500})
    make_population(big, "ethnic_group", {"white": 5_400, "asian": 600})
    theme = make_theme(consultation, "Transport", cy="Trafnidiaeth")
    from consult.reports.models import FreeTextTag

    db.session.add(FreeTextTag(theme_id=theme.id, response_id=responses[0].id, question_code="ideas"))
    db.session.flush()
    return consultation, {"big": big, "small": small, "carer": carer, "gp": gp, "survey": survey,
                          "responses": responses, "ballots": ballots, "theme": theme}
