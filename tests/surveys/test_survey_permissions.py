"""Who may see, build and read a survey, by role, locality and status (consult/surveys/permissions.py)."""

import pytest
from flask_login import AnonymousUserMixin

from consult.surveys import permissions as perm
from factories import make_consultation, make_locality, make_planning_group, make_survey, make_user

EVERYONE = {"anonymous", "member", "creator", "local facilitator", "other facilitator", "commissioner", "admin"}


@pytest.fixture
def people():
    home, elsewhere = make_locality(), make_locality()
    local, other, creator = (make_user(role="facilitator") for _ in range(3))
    make_planning_group(locality=home, facilitators=[local])
    make_planning_group(locality=elsewhere, facilitators=[other])
    return home, {"anonymous": AnonymousUserMixin(), "member": make_user(role="member"), "creator": creator,
                  "local facilitator": local, "other facilitator": other,
                  "commissioner": make_user(role="commissioner"), "admin": make_user(role="admin")}


def allowed(predicate, who, survey):
    return {name for name, user in who.items() if predicate(user, survey)}


@pytest.mark.parametrize("status, seen_by", [
    ("draft", {"creator", "admin"}),
    ("open", EVERYONE),
    ("closed", EVERYONE),
])
def test_a_standalone_draft_survey_is_seen_only_by_the_people_who_manage_it(people, status, seen_by):
    _home, who = people
    survey = make_survey(status=status, created_by=who["creator"])
    assert allowed(perm.can_view_survey, who, survey) == seen_by


@pytest.mark.parametrize("status, seen_by", [
    ("draft", {"local facilitator", "admin"}),
    ("open", EVERYONE),
    ("published", EVERYONE),
])
def test_a_consultations_survey_is_seen_when_the_consultation_is(people, status, seen_by):
    home, who = people
    # The survey's own status does not matter: the consultation decides.
    survey = make_survey(consultation=make_consultation(localities=[home], status=status), status="draft",
                         created_by=who["creator"])
    assert allowed(perm.can_view_survey, who, survey) == seen_by


def test_who_builds_and_reads_the_answers(people):
    home, who = people
    standalone = make_survey(created_by=who["creator"])
    # A consultation's survey is built by the consultation's lead (here its creator) and administrators; the
    # facilitator of a covered locality keys in paper forms and reads the answers, but does not build it.
    attached = make_survey(consultation=make_consultation(localities=[home], lead=who["creator"]),
                           created_by=who["creator"])
    assert allowed(perm.can_manage_survey, who, standalone) == {"creator", "admin"}
    assert allowed(perm.can_manage_survey, who, attached) == {"creator", "admin"}
    assert allowed(perm.can_view_survey_results, who, attached) == {"creator", "local facilitator", "commissioner",
                                                                    "admin"}
    assert allowed(perm.can_enter_paper_responses, who, standalone) == {"creator", "admin"}
    assert allowed(perm.can_enter_paper_responses, who, attached) == {"creator", "local facilitator", "admin"}
    assert {n for n, u in who.items() if perm.can_create_survey(u)} == {"creator", "local facilitator",
                                                                         "other facilitator", "admin"}
