"""Who may see and run a consultation, by role, locality and status (consult/consultations/permissions.py)."""

import pytest
from flask_login import AnonymousUserMixin

from consult.consultations import permissions as perm
from consult.consultations.models import Consultation, ConsultationStatus
from consult.extensions import db
from factories import make_consultation, make_locality, make_planning_group, make_user


@pytest.fixture
def people():
    home, elsewhere = make_locality(), make_locality()
    local, other = make_user(role="facilitator"), make_user(role="facilitator")
    make_planning_group(locality=home, facilitators=[local])
    make_planning_group(locality=elsewhere, facilitators=[other])
    return home, {"anonymous": AnonymousUserMixin(), "member": make_user(role="member"),
                  "lead": make_user(role="facilitator"), "local facilitator": local, "other facilitator": other,
                  "commissioner": make_user(role="commissioner"), "admin": make_user(role="admin"),
                  "deactivated admin": make_user(role="admin", active=False)}


EVERYONE = {"anonymous", "member", "lead", "local facilitator", "other facilitator", "commissioner", "admin",
            "deactivated admin"}


@pytest.mark.parametrize("status, allowed", [
    ("draft", {"lead", "local facilitator", "admin"}),
    ("open", EVERYONE),
    ("published", EVERYONE),
])
def test_a_draft_is_seen_only_by_the_people_who_run_it(people, status, allowed):
    home, who = people
    consultation = make_consultation(localities=[home], status=status, lead=who["lead"])
    assert {name for name, user in who.items() if perm.can_view_consultation(user, consultation)} == allowed


def test_its_lead_and_administrators_manage_it_and_facilitators_of_its_localities_work_it(people):
    home, who = people
    consultation = make_consultation(localities=[home, make_locality()], lead=who["lead"])
    assert {n for n, u in who.items() if perm.can_manage_consultation(u, consultation)} == {"lead", "admin"}
    assert {n for n, u in who.items() if perm.can_work_consultation(u, consultation)} == {
        "lead", "local facilitator", "admin"}
    assert perm.localities_worked_by(who["local facilitator"], consultation) == [home]
    assert perm.localities_worked_by(who["lead"], consultation) == consultation.localities
    assert perm.localities_worked_by(who["other facilitator"], consultation) == []


def test_who_lists_creates_and_chooses_the_lead(people):
    _home, who = people
    assert {n for n, u in who.items() if perm.can_list_consultations(u)} == {
        "lead", "local facilitator", "other facilitator", "commissioner", "admin"}
    assert {n for n, u in who.items() if perm.can_create_consultation(u)} == {
        "lead", "local facilitator", "other facilitator", "admin"}
    assert {n for n, u in who.items() if perm.can_choose_lead(u)} == {"admin"}


def test_the_lead_is_a_person_not_whoever_created_it(people):
    home, who = people
    consultation = make_consultation(localities=[home], created_by_id=who["other facilitator"].id)
    assert {n for n, u in who.items() if perm.can_manage_consultation(u, consultation)} == {"admin"}
    commissioner = who["commissioner"]
    consultation.lead = commissioner
    assert perm.can_manage_consultation(commissioner, consultation)
    commissioner.role = "member"  # a lead who is no longer staff leads nothing
    assert not perm.can_manage_consultation(commissioner, consultation)


@pytest.mark.parametrize("status, public", [("draft", False), ("open", False), ("closed", False),
                                            ("published", True)])
def test_results_are_public_once_published(people, status, public):
    home, who = people
    consultation = make_consultation(localities=[home], status=status, lead=who["lead"])
    assert {n for n, u in who.items() if perm.can_view_results(u, consultation)} == (
        set(who) if public else {"lead", "local facilitator", "commissioner", "admin"})


def test_a_status_is_read_as_its_member_with_named_properties():
    consultation = make_consultation(status="closed")
    db.session.expire(consultation)
    assert consultation.status is ConsultationStatus.CLOSED  # read back from the database
    assert (consultation.status.is_closed, consultation.status.has_ended, consultation.status.is_published) == (
        True, True, False)
    consultation.status = "published"  # a plain string becomes the member
    assert consultation.status is ConsultationStatus.PUBLISHED and consultation.status.has_ended
    assert Consultation(slug="new").status is ConsultationStatus.DRAFT  # before it is stored, too
    with pytest.raises(ValueError):
        consultation.status = "finished"
    assert [s.label for s in ConsultationStatus] == ["Draft", "Open", "Closed", "Results published"]
