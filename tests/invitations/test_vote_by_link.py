"""End to end with a real worker: an invitation e-mail's personal link lets its holder vote once."""

import re

from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.invitations.models import Invitation
from consult.invitations.services import Invitee, create_invitations
from consult.mail.models import MailMessage
from consult.voting.models import Ballot
from factories import login, make_consultation, make_locality, make_planning_group, make_stakeholder_group, make_user


def test_the_personal_link_in_the_invitation_votes_once(live_app, work_queue):
    pet = make_locality(code="PET")
    carer = make_stakeholder_group(code="carer")
    facilitator = make_user(role="facilitator")
    make_planning_group(locality=pet, facilitators=[facilitator])
    consultation = make_consultation(localities=[pet], groups=[carer], status="draft", lead=facilitator,
                                     vote={"method": "ranking", "priorities": ["P1", "P2", "P3"]})
    create_invitations(consultation, [Invitee("Carys Evans", "carys@example.org", "cy", carer.id, pet.id)])
    db.session.commit()
    staff = live_app.test_client()
    login(staff, facilitator)
    staff.post(f"/consultations/{consultation.id}/open")
    work_queue()

    message = db.session.scalar(select(MailMessage).where(MailMessage.kind == "invitation"))
    assert message.locale == "cy" and message.status == "outbox"
    link = re.search(r"https?://\S+/i/\S+", message.text_body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    voter = live_app.test_client()
    response = voter.get("/" + path)
    assert response.status_code == 302 and "lang=cy" in response.location
    assert 'lang="cy"' in voter.get(response.location).get_data(as_text=True)  # the landing page, in Welsh
    assert voter.post(f"/c/{consultation.slug}/vote", data={"p-P2": "1", "p-P1": "2"}).status_code == 302
    assert voter.post(f"/c/{consultation.slug}/vote/check").status_code == 302
    db.session.rollback()
    ballot = db.session.scalar(select(Ballot))
    assert ballot.voter_key.startswith("invite:") and ballot.stakeholder_group_id == carer.id
    assert ballot.locality_id == pet.id and ballot.locale == "cy"
    assert db.session.scalar(select(Invitation)).responded_at is not None
    # The secret ballot stays secret: the audit log says a ballot was cast, not how.
    cast = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.cast"))
    assert "values" not in cast.after

    # Once used, the link does not vote again: not through the ballot page, nor by following it again.
    again = voter.get(f"/c/{consultation.slug}/vote")
    assert again.status_code == 302 and again.location.endswith("/vote/done")
    voter.post(f"/c/{consultation.slug}/vote", data={"p-P3": "1"})
    voter.post(f"/c/{consultation.slug}/vote/check")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert live_app.test_client().get("/" + path).status_code == 410
