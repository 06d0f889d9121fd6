"""Job kinds registered by the domains that do the work, and the typed helpers that submit them."""

import pytest
from sqlalchemy import select

from consult.jobs import queue
from consult.jobs.models import JobRecord, JobStatus
from consult.jobs.registry import KINDS, back_link, task
from factories import login, make_consultation, make_planning_group, make_user


def test_every_kind_the_queue_submits_is_registered_by_its_domain():
    assert {kind: KINDS[kind].run.__module__ for kind in KINDS} == {
        "planning_group.profile": "consult.localities.tasks",
        "consultation.tally": "consult.voting.tasks",
        "consultation.opening": "consult.invitations.tasks",
        "consultation.reminder": "consult.invitations.tasks",
        "consultation.closing": "consult.consultations.tasks",
        "mail.send": "consult.mail.tasks",
        "notifications.send": "consult.notifications.tasks",
        "commissioning.draft": "consult.commissioning.tasks",
        "report.build": "consult.reports.tasks",
    }


def test_a_kind_cannot_be_registered_twice_for_different_work():
    with pytest.raises(ValueError, match="registered twice"):
        task("mail.send")(lambda message_id, progress: None)
    # Registering the same function again (a module imported twice) is harmless.
    task("mail.send")(KINDS["mail.send"].run)


def test_the_typed_helpers_name_each_jobs_subject_and_args():
    consultation = make_consultation()
    group = make_planning_group()
    actor = make_user(role="facilitator")
    records = [
        queue.submit_tally(consultation, actor=actor),
        queue.submit_report(consultation, actor=actor, locale="cy", margin=10.0),
        queue.submit_mail(42),
        queue.submit_notices(consultation),
        queue.submit_profile(group),
    ]
    assert [(r.kind, r.subject, r.args, r.created_by_id) for r in records] == [
        ("consultation.tally", f"consultation:{consultation.id}", {"consultation_id": consultation.id}, actor.id),
        ("report.build", f"report:{consultation.id}",
         {"consultation_id": consultation.id, "locale": "cy", "margin": 10.0, "actor_id": actor.id}, actor.id),
        ("mail.send", "mail:42", {"message_id": 42}, None),
        ("notifications.send", f"consultation-notify:{consultation.id}", {"consultation_id": consultation.id}, None),
        ("planning_group.profile", f"planning_group:{group.id}", {"planning_group_id": group.id}, None),
    ]
    assert all(r.status is JobStatus.PENDING for r in records)
    again = queue.submit_tally(consultation)
    assert queue.latest_tally(consultation) in (records[0], again)  # the latest of the same subject
    assert queue.latest_report_build(consultation) == records[1]
    assert queue.latest_profile(group) == records[4]


def test_a_jobs_page_leads_back_to_where_it_was_asked_for(client):
    consultation = make_consultation()
    group = make_planning_group()
    admin = make_user(role="admin")
    tally, report, profile, mail = (queue.submit_tally(consultation, actor=admin),
                                    queue.submit_report(consultation, actor=admin),
                                    queue.submit_profile(group, actor=admin), queue.submit_mail(1, actor=admin))
    login(client, admin)
    for record, href, text in [(tally, f"/consultations/{consultation.id}", "Back to the consultation"),
                               (report, f"/consultations/{consultation.id}/report", "Back to the report page"),
                               (profile, f"/planning-groups/{group.id}", "Back to the planning group")]:
        page = client.get(f"/jobs/{record.id}").get_data(as_text=True)
        assert f'href="{href}"' in page and text in page
    with client.application.test_request_context():
        assert back_link(mail) is None  # a message's job has nowhere to go back to
    assert db_jobs() == 4


def db_jobs():
    from consult.extensions import db

    return len(db.session.scalars(select(JobRecord)).all())
