"""Invitations: contact lists, planning-group members, personal links."""

import io

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.invitations.models import Invitation
from consult.invitations.services import invitation_for_token, token_for
from consult.mail.models import MailMessage
from factories import (
    login,
    make_consultation,
    make_locality,
    make_membership,
    make_planning_group,
    make_stakeholder_group,
    make_user,
)


@pytest.fixture
def setting():
    pet = make_locality(code="PET")
    carer = make_stakeholder_group(code="carer")
    resident = make_stakeholder_group(code="resident")
    facilitator = make_user(role="facilitator")
    group = make_planning_group(locality=pet, facilitators=[facilitator])
    consultation = make_consultation(localities=[pet], groups=[carer, resident], status="draft",
                                     vote={"method": "ranking"}, lead=facilitator)
    db.session.commit()
    return facilitator, consultation, group, carer


def upload(client, consultation, text):
    return client.post(f"/consultations/{consultation.id}/invitations/import",
                       data={"file": (io.BytesIO(text.encode()), "contacts.csv")},
                       content_type="multipart/form-data")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


GOOD = ("name,email,language,group,locality\n"
        "Ann Jones,ann@example.org,en,carer,PET\n"
        "Carys Evans,Carys@Example.org,cy,resident,PET\n"
        "Farah Khan,farah@example.org,ur,carer,PET\n")


def test_contact_list_is_imported_and_waits_for_the_opening(client, setting):
    facilitator, consultation, *_ = setting
    login(client, facilitator)
    response = upload(client, consultation, GOOD)
    assert response.status_code == 302
    invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [(i.email, i.locale) for i in invitations] == [("ann@example.org", "en"), ("carys@example.org", "cy"),
                                                          ("farah@example.org", "ur")]
    assert all(i.sent_at is None for i in invitations)  # a draft: nothing is sent yet
    assert count(MailMessage) == 0


def test_contact_list_for_an_open_consultation_is_sent_at_once_in_each_language(client, setting):
    facilitator, consultation, *_ = setting
    consultation.status = "open"
    db.session.commit()
    login(client, facilitator)
    assert upload(client, consultation, GOOD).status_code == 302
    messages = db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
    assert [m.locale for m in messages] == ["en", "cy", "ur"]
    assert all(m.kind == "invitation" and "/i/" in m.text_body for m in messages)


HEADER_AND_GOOD_LINE = "name,email,language,group,locality\nBob,bob@example.org,en,carer,PET\n"


@pytest.mark.parametrize("bad, problem", [
    ("Ann,not-an-email,en,carer,PET\n", "Line 3: not-an-email is not an email"),
    ("Ann,a@example.org,fr,carer,PET\n", "Line 3: language must be one of"),
    ("Ann,a@example.org,en,martian,PET\n", "Line 3: group martian does not take part"),
    ("Ann,a@example.org,en,carer,XYZ\n", "Line 3: locality XYZ is not covered"),
    ("Ann,BOB@example.org,en,carer,PET\n", "Line 3: bob@example.org appears twice"),
    ("Ann,a@example.org,en,carer\n", "Line 3: expected 5 values"),
])
def test_a_bad_contact_list_imports_nobody_and_says_which_lines(client, setting, bad, problem):
    facilitator, consultation, *_ = setting
    login(client, facilitator)
    response = upload(client, consultation, HEADER_AND_GOOD_LINE + bad)
    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    assert count(Invitation) == 0


@pytest.mark.parametrize("text, problem", [
    ("nome,email\nx,y\n", "The first line must be exactly"),
    ("name,email,language,group,locality\n", "no people"),
])
def test_a_contact_list_without_the_header_or_people_is_refused(client, setting, text, problem):
    facilitator, consultation, *_ = setting
    login(client, facilitator)
    response = upload(client, consultation, text)
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    assert count(Invitation) == 0


def test_not_utf8_and_no_file(client, setting):
    facilitator, consultation, *_ = setting
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/invitations/import",
                           data={"file": (io.BytesIO("name\xff".encode("latin-1")), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)
    assert client.post(f"/consultations/{consultation.id}/invitations/import", data={}).status_code == 400


def test_already_invited_people_are_reported(client, setting):
    facilitator, consultation, *_ = setting
    login(client, facilitator)
    upload(client, consultation, GOOD)
    again = upload(client, consultation, "name,email,language,group,locality\nAnn,ann@example.org,en,carer,PET\n")
    assert again.status_code == 400 and "already invited" in again.get_data(as_text=True)
    assert count(Invitation) == 3


def test_invite_planning_group_members(client, setting):
    facilitator, consultation, group, carer = setting
    member = make_user(preferred_locale="ur")
    make_membership(user=member, planning_group=group, stakeholder_group=carer)
    outsider = make_membership(planning_group=group, stakeholder_group=make_stakeholder_group(code="other"))
    db.session.commit()
    login(client, facilitator)
    assert client.post(f"/consultations/{consultation.id}/invitations/members").status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.locale, invitation.user_id) == (member.email, "ur", member.id)
    assert count(Invitation) == 1 and outsider  # a group not taking part is not invited
    client.post(f"/consultations/{consultation.id}/invitations/members")
    assert count(Invitation) == 1


def test_only_managers_invite(client, setting):
    _, consultation, *_ = setting
    login(client, make_user(role="facilitator"))
    assert client.get(f"/consultations/{consultation.id}/invitations").status_code == 403
    assert upload(client, consultation, GOOD).status_code == 403
    assert count(Invitation) == 0


def test_personal_links(client, setting):
    facilitator, consultation, *_ = setting
    consultation.status = "open"
    login(client, facilitator)
    upload(client, consultation, GOOD)
    client.post("/logout")
    invitation = db.session.scalar(select(Invitation).where(Invitation.locale == "cy"))
    token = token_for(invitation)
    assert invitation_for_token(token) == invitation
    response = client.get(f"/i/{token}")
    assert response.status_code == 302 and f"/c/{consultation.slug}" in response.location
    assert "lang=cy" in response.location
    with client.session_transaction() as session:
        assert session["invitation_id"] == invitation.id
    # Tampered and foreign links are refused.
    tampered = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert client.get(f"/i/{tampered}").status_code == 404
    assert client.get(f"/i/{invitation.id}.{'0' * 32}.{'0' * 32}").status_code == 404
    assert client.get("/i/nonsense").status_code == 404
    # A spent link (its ballot exists), or a closed consultation's, is gone.
    from consult.voting.models import Ballot
    from consult.voting.services.voters import invitation_key as voter_key

    db.session.add(Ballot(consultation_id=consultation.id, voter_key=voter_key(invitation),
                          stakeholder_group_id=invitation.stakeholder_group_id, locality_id=invitation.locality_id))
    db.session.commit()
    spent = client.get(f"/i/{token}")
    assert spent.status_code == 410 and "already taken part" in spent.get_data(as_text=True)
    other = db.session.scalar(select(Invitation).where(Invitation.locale == "ur"))
    consultation.status = "closed"
    db.session.commit()
    assert client.get(f"/i/{token_for(other)}").status_code == 410


def test_answering_the_survey_by_link_counts_as_responding_but_keeps_the_time_coarse(client, setting):
    from consult.invitations.models import Invitation as Inv
    from factories import make_survey

    facilitator, consultation, *_ = setting
    consultation.status = "open"
    make_survey(consultation=consultation, anonymous=True)
    login(client, facilitator)
    upload(client, consultation, GOOD)
    client.post("/logout")
    invitation = db.session.scalar(select(Inv).where(Inv.locale == "en"))
    client.get(f"/i/{token_for(invitation)}")
    base = f"/c/{consultation.slug}/survey"
    assert client.post(base + "/start").status_code == 302
    client.post(base + "/page/1", data={"q-carer": "yes"})
    client.post(base + "/about-you", data={"action": "skip"})
    assert client.post(base + "/check").status_code == 302
    db.session.expire_all()
    answered = db.session.get(Inv, invitation.id)
    assert answered.responded_at is not None
    assert (answered.responded_at.hour, answered.responded_at.minute) == (0, 0)  # the day only
    # The vote is still to cast: the link keeps working for it.
    assert client.get(f"/i/{token_for(invitation)}").status_code == 302
