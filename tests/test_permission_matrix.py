"""Who may use every page of the consultation, voting, survey, report and commissioning blueprints: each role,
in each phase of a consultation (draft, open, closed, published), against one world.

The world: localities A and B, each with a planning group and its facilitator; a consultation covering A and B
(with a survey, ballots, responses, a theme, results and a report) led by a third facilitator; another,
closed consultation elsewhere, with its own facilitator, that commissioning drafts from; a standalone survey;
an administrator, a commissioner, a member of A's planning group and the anonymous visitor.

Every route of those blueprints must be in MATRIX (test_the_matrix_names_every_route), so a new route is
given its rule here. A page is allowed when it answers 2xx, 3xx (except to the sign-in page), 400 or 409 (a
refusal by the state of things, not by who asks); refused when it answers 403, 404 or sends to sign in. A
refused POST changes nothing in the database."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from consult.extensions import db
from factories import (
    login,
    make_membership,
    make_planning_group,
    make_planning_year,
    make_reported_consultation,
    make_results_snapshot,
    make_survey,
    make_user,
    make_voted_consultation,
)

ROLES = ("anonymous", "member", "facilitator A", "facilitator B", "other facilitator", "lead", "commissioner",
         "admin")
PHASES = ("draft", "open", "closed", "published")
BLUEPRINTS = ("consultations", "voting", "surveys", "reports", "commissioning")

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
STAFF = frozenset({"facilitator A", "facilitator B", "other facilitator", "lead", "commissioner", "admin"})
CREATORS = STAFF - {"commissioner"}  # facilitators and administrators make consultations and surveys
MANAGERS = frozenset({"lead", "admin"})  # the consultation's settings and steps
WORKERS = MANAGERS | {"facilitator A", "facilitator B"}  # codes, paper ballots and forms, for their localities
RESULTS = WORKERS | {"commissioner"}  # unpublished results, survey answers, the full report
COMMISSIONER = frozenset({"commissioner"})
ADMIN = frozenset({"admin"})
NOBODY = frozenset()


def always(roles) -> dict[str, frozenset]:
    return dict.fromkeys(PHASES, frozenset(roles))


def during(roles, *phases) -> dict[str, frozenset]:
    return {phase: frozenset(roles) if phase in phases else NOBODY for phase in PHASES}


def public(draft=WORKERS, **later) -> dict[str, frozenset]:
    """Anyone once the consultation is out of draft (or as `later` says), only the people who run it before."""
    return {"draft": frozenset(draft), **{p: frozenset(later.get(p, ALL)) for p in PHASES[1:]}}


NOT_DRAFT = ("open", "closed", "published")
UNPUBLISHED = ("draft", "open", "closed")
#: The staff page of a consultation: the people who run it and commissioners; once its results are published,
#: everyone signed in (the page shows them).
STAFF_PAGE = {**always(RESULTS), "published": SIGNED_IN}
#: The results of the vote: before publication as RESULTS; after, anyone.
VOTE_RESULTS = {**always(RESULTS), "published": ALL}

#: Voting and answering: anyone, while the consultation is open; before and after, the page says why not (403),
#: to the people who run it too.
ANSWERING = during(ALL, "open")

#: (rule, method) -> {phase: the roles allowed}.
MATRIX: dict[tuple[str, str], dict[str, frozenset]] = {
    # consultations
    ("/consultations", "GET"): always(STAFF),
    ("/consultations/new", "GET"): always(CREATORS),
    ("/consultations/new", "POST"): always(CREATORS),
    ("/consultations/<int:consultation_id>", "GET"): STAFF_PAGE,
    ("/consultations/<int:consultation_id>/edit", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/edit", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/weights", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/weights", "POST"): always(MANAGERS),
    # Agreeing how votes are counted: commissioners, while it is a draft (then it is locked).
    ("/consultations/<int:consultation_id>/agree-counting", "POST"): during(COMMISSIONER, "draft"),
    ("/consultations/<int:consultation_id>/lead", "GET"): always(ADMIN),
    ("/consultations/<int:consultation_id>/lead", "POST"): always(ADMIN),
    ("/consultations/<int:consultation_id>/open", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/close", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/publish", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/translations/<locale>", "POST"): always(MANAGERS),
    ("/c/<slug>", "GET"): public(),
    # voting: the staff's pages
    ("/consultations/<int:consultation_id>/priorities", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/new", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/new", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/<int:priority_id>/edit", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/<int:priority_id>/edit", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/<int:priority_id>/remove", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/priorities/<int:priority_id>/move", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/codes", "GET"): always(WORKERS),
    ("/consultations/<int:consultation_id>/codes", "POST"): always(WORKERS),  # 409 once voting has closed
    ("/consultations/<int:consultation_id>/paper", "GET"): always(WORKERS),
    ("/consultations/<int:consultation_id>/paper", "POST"): always(WORKERS),  # 409 outside the entry window
    ("/consultations/<int:consultation_id>/results", "GET"): VOTE_RESULTS,
    ("/consultations/<int:consultation_id>/results/recalculate", "POST"): during(MANAGERS, *UNPUBLISHED),
    # voting: the public's pages
    ("/c/<slug>/vote", "GET"): public(),
    ("/c/<slug>/vote", "POST"): ANSWERING,
    ("/c/<slug>/vote/code", "GET"): public(),
    ("/c/<slug>/vote/code", "POST"): ANSWERING,
    ("/c/<slug>/vote/check", "GET"): public(),
    ("/c/<slug>/vote/check", "POST"): ANSWERING,
    ("/c/<slug>/vote/done", "GET"): public(),
    ("/c/<slug>/results", "GET"): VOTE_RESULTS,
    ("/c/<slug>/results/open-data.<fmt>", "GET"): during(ALL, "published"),
    # surveys: building (a consultation's survey is the consultation's managers')
    ("/surveys", "GET"): always(CREATORS),
    ("/surveys/new", "GET"): always(CREATORS),
    ("/surveys/new", "POST"): always(CREATORS),
    ("/surveys/import", "GET"): always(CREATORS),
    ("/surveys/import", "POST"): always(CREATORS),
    ("/surveys/<int:survey_id>", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/settings", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/settings", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/reviewed", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/duplicate", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/duplicate", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/import", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/import", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/preview", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/new", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/new", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/edit", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/edit", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/move", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/delete", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/questions/new", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/sections/<int:section_id>/questions/new", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/questions/<int:question_id>/edit", "GET"): always(MANAGERS),
    ("/surveys/<int:survey_id>/questions/<int:question_id>/edit", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/questions/<int:question_id>/move", "POST"): always(MANAGERS),
    ("/surveys/<int:survey_id>/questions/<int:question_id>/delete", "POST"): always(MANAGERS),
    # surveys: the answers, and paper forms
    ("/surveys/<int:survey_id>/results", "GET"): always(RESULTS),
    ("/surveys/<int:survey_id>/results/text", "GET"): always(RESULTS),
    ("/surveys/<int:survey_id>/export", "GET"): always(RESULTS),
    ("/surveys/<int:survey_id>/paper", "GET"): always(WORKERS),
    ("/surveys/<int:survey_id>/paper", "POST"): always(WORKERS),
    # surveys: answering a consultation's survey
    ("/c/<slug>/survey", "GET"): public(),
    ("/c/<slug>/survey/start", "POST"): ANSWERING,
    ("/c/<slug>/survey/about-you", "GET"): ANSWERING,
    ("/c/<slug>/survey/about-you", "POST"): ANSWERING,
    ("/c/<slug>/survey/page/<int:n>", "GET"): ANSWERING,
    ("/c/<slug>/survey/page/<int:n>", "POST"): ANSWERING,
    ("/c/<slug>/survey/check", "GET"): ANSWERING,
    ("/c/<slug>/survey/check", "POST"): ANSWERING,
    ("/c/<slug>/survey/done", "GET"): public(),
    ("/c/<slug>/survey/resume", "GET"): ANSWERING,
    ("/c/<slug>/survey/resume", "POST"): ANSWERING,
    ("/c/<slug>/survey/saved", "GET"): public(),
    # surveys: a standalone survey (open; the consultation's phase is nothing to it)
    ("/s/<slug>", "GET"): always(ALL),
    ("/s/<slug>/start", "POST"): always(ALL),
    ("/s/<slug>/about-you", "GET"): always(ALL),
    ("/s/<slug>/about-you", "POST"): always(ALL),
    ("/s/<slug>/page/<int:n>", "GET"): always(ALL),
    ("/s/<slug>/page/<int:n>", "POST"): always(ALL),
    ("/s/<slug>/check", "GET"): always(ALL),
    ("/s/<slug>/check", "POST"): always(ALL),
    ("/s/<slug>/done", "GET"): always(ALL),
    ("/s/<slug>/resume", "GET"): always(ALL),
    ("/s/<slug>/resume", "POST"): always(ALL),
    ("/s/<slug>/saved", "GET"): always(ALL),
    # An uploaded image, by its unguessable token: nobody's by role (an unknown token is 404 for everyone).
    ("/survey-images/<token>", "GET"): always(NOBODY),
    # reports
    ("/consultations/<int:consultation_id>/report", "GET"): always(RESULTS),
    ("/consultations/<int:consultation_id>/report", "POST"): during(RESULTS, *NOT_DRAFT),
    ("/consultations/<int:consultation_id>/report/progress", "GET"): always(RESULTS),
    ("/consultations/<int:consultation_id>/report/retry", "POST"): during(RESULTS, *NOT_DRAFT),
    ("/consultations/<int:consultation_id>/report/view", "GET"): during(RESULTS, *NOT_DRAFT),
    ("/consultations/<int:consultation_id>/report/download/<fmt>", "GET"): during(RESULTS, *NOT_DRAFT),
    ("/consultations/<int:consultation_id>/participation", "GET"): during(RESULTS, *NOT_DRAFT),
    ("/consultations/<int:consultation_id>/themes", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/themes", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/themes/<int:theme_id>/delete", "POST"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/themes/answers/<code>", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/themes/answers/<code>", "POST"): always(MANAGERS),
    ("/c/<slug>/report", "GET"): during(ALL, "published"),
    ("/c/<slug>/report/download/<fmt>", "GET"): during(ALL, "published"),
    ("/consultations/<int:consultation_id>/target-population", "GET"): always(MANAGERS),
    ("/consultations/<int:consultation_id>/target-population", "POST"): always(MANAGERS),
    ("/population", "GET"): always(ADMIN),
    ("/population", "POST"): always(ADMIN),
    # commissioning (the board's: commissioners decide; everyone signed in reads)
    ("/commissioning", "GET"): always(SIGNED_IN),
    ("/commissioning/years/new", "GET"): always(COMMISSIONER),
    ("/commissioning/years/new", "POST"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>", "GET"): always(SIGNED_IN),
    ("/commissioning/years/<int:year_id>/edit", "GET"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/edit", "POST"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/budgets", "GET"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/budgets", "POST"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/draft", "GET"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/draft", "POST"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/intentions/new", "GET"): always(COMMISSIONER),
    ("/commissioning/years/<int:year_id>/intentions/new", "POST"): always(COMMISSIONER),
    ("/commissioning/intentions/<int:intention_id>", "GET"): always(SIGNED_IN),
    ("/commissioning/intentions/<int:intention_id>/edit", "GET"): always(COMMISSIONER),
    ("/commissioning/intentions/<int:intention_id>/edit", "POST"): always(COMMISSIONER),
    ("/commissioning/consultations/<int:consultation_id>/you-said-we-did", "GET"): always(COMMISSIONER),
    ("/commissioning/consultations/<int:consultation_id>/you-said-we-did", "POST"): always(COMMISSIONER),
    ("/c/<slug>/you-said-we-did", "GET"): during(ALL, "published"),
}


def test_the_matrix_names_every_route(app):
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert sorted(routes - set(MATRIX)) == [], "give these routes their rule in MATRIX"
    assert sorted(set(MATRIX) - routes) == [], "these routes are gone: take them out of MATRIX"


def _world(phase: str) -> dict:
    """The one world every role is tried against (see the module's docstring)."""
    people = {role: make_user(role=kind) for role, kind in [
        ("facilitator A", "facilitator"), ("facilitator B", "facilitator"), ("other facilitator", "facilitator"),
        ("lead", "facilitator"), ("commissioner", "commissioner"), ("admin", "admin")]}
    # Results are calculated before they are published (published results are never recalculated).
    consultation, parts = make_reported_consultation(status="closed" if phase == "published" else phase,
                                                     facilitator=people["facilitator A"])
    consultation.lead = people["lead"]
    make_planning_group(locality=parts["small"], facilitators=[people["facilitator B"]])
    people["member"] = make_membership(planning_group=parts["big"].planning_groups[0],
                                       stakeholder_group=parts["carer"]).user
    elsewhere = make_voted_consultation()
    make_planning_group(locality=elsewhere.localities[0], facilitators=[people["other facilitator"]])
    year = make_planning_year()
    from consult.commissioning import draft_runs
    from consult.commissioning.models import Intention

    draft_runs.run_draft(draft_runs.start_draft_run(year, [elsewhere.id], "equal",
                                                    actor=people["commissioner"]).id)
    if phase != "draft":
        make_results_snapshot(consultation, resamples=20)
        from consult.reports import services as reports

        reports.build_report(consultation.id, formats=("html",), locale="en")
    consultation.status = phase
    survey = parts["survey"]
    standalone = make_survey(created_by=people["lead"])
    db.session.commit()
    section, question = survey.sections[0], survey.ordered_questions()[0]
    return {"people": people, "values": {
        "consultation_id": consultation.id, "slug": consultation.slug, "survey_slug": standalone.slug,
        "survey_id": survey.id, "section_id": section.id, "question_id": question.id,
        "priority_id": consultation.vote.priorities[0].id, "theme_id": parts["theme"].id, "code": "ideas",
        "fmt": "html", "locale": "cy", "n": 1, "token": "no-such-image", "year_id": year.id,
        "intention_id": db.session.scalar(select(Intention.id).limit(1)), "elsewhere_id": elsewhere.id}}


def _url(rule: str, values: dict) -> str:
    values = {**values, "slug": values["survey_slug"]} if rule.startswith("/s/") else values
    values = {**values, "fmt": "json"} if "open-data" in rule else values
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and "/login" in (response.location or "")


def _fingerprint() -> str:
    """Everything stored, as one hash: a refused POST must leave it as it was."""
    digest = hashlib.sha256()
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        for row in connection.execute(select(table)).all():
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("phase", PHASES)
def test_every_route_for_every_role(app, phase):
    world = _world(phase)
    clients = {role: app.test_client() for role in ROLES}
    for role, person in world["people"].items():
        login(clients[role], person)
    connection = db.session.connection()
    wrong = []
    for (rule, method), allowed in MATRIX.items():
        url = _url(rule, world["values"])
        for role in ROLES:
            before = _fingerprint() if method == "POST" and role not in allowed[phase] else None
            savepoint = connection.begin_nested()
            try:
                response = clients[role].open(url, method=method, data={})
                refused = _refused(response)
                if before is not None and refused and _fingerprint() != before:
                    wrong.append(f"{method} {url} as {role}: refused ({response.status_code}) but changed data")
            finally:
                savepoint.rollback()
                db.session.expire_all()
            if refused == (role in allowed[phase]):
                wrong.append(f"{method} {url} as {role}: {'refused' if refused else 'allowed'} "
                             f"({response.status_code})")
    assert not wrong, "\n".join(wrong)


def test_running_one_consultation_gives_no_say_in_another(app):
    """The closed consultation elsewhere: its own locality's facilitator keys in its paper ballots; the lead and
    the facilitators of A and B, who run the first consultation, are refused there."""
    world = _world("open")
    allowed = {"/edit": ADMIN, "/weights": ADMIN, "/codes": ADMIN | {"other facilitator"},
               "/paper": ADMIN | {"other facilitator"}, "": ADMIN | {"other facilitator", "commissioner"}}
    wrong = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(client, world["people"][role])
        for path, roles in allowed.items():
            response = client.get(f"/consultations/{world['values']['elsewhere_id']}{path}")
            if _refused(response) == (role in roles):
                wrong.append(f"{path or '/'} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
