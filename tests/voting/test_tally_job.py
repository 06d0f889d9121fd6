"""The "consultation.tally" job on a real RQ worker: closing a consultation, or the recalculate button, stores a
results snapshot."""

from sqlalchemy import select

from consult.extensions import db
from consult.jobs.models import JobRecord
from consult.voting.models import ResultsSnapshot
from factories import login, make_ballot, make_consultation, make_planning_group, make_user


def _consultation_with_ballots():
    consultation = make_consultation(vote={"method": "points", "points_budget": 5, "priorities": ["A", "B", "C"]})
    carer, prac = (gw.stakeholder_group for gw in consultation.group_weights)
    for i in range(30):
        make_ballot(consultation, {"A": 3, "B": 2} if i % 3 else {"C": 5}, group=carer if i % 2 else prac)
    facilitator = make_user(role="facilitator")
    consultation.lead = facilitator
    make_planning_group(locality=consultation.localities[0], facilitators=[facilitator])
    db.session.commit()
    return consultation, facilitator


def test_closing_a_consultation_tallies_it_on_the_worker(live_app, work_queue):
    consultation, facilitator = _consultation_with_ballots()
    client = live_app.test_client()
    login(client, facilitator)
    assert client.post(f"/consultations/{consultation.id}/close").status_code == 302
    db.session.rollback()
    record = db.session.scalar(select(JobRecord).where(JobRecord.kind == "consultation.tally"))
    assert record.subject == f"consultation:{consultation.id}" and record.status == "queued"

    assert work_queue() is True
    db.session.rollback()  # end SQLite's read snapshot and see the worker's commits
    record = db.session.get(JobRecord, record.id)
    assert record.status == "finished", record.error
    snapshot = db.session.scalar(select(ResultsSnapshot))
    assert record.result == {"consultation_id": consultation.id, "snapshot_id": snapshot.id, "ballots": 30}
    assert snapshot.job_id == record.id and snapshot.ballots == 30
    assert set(snapshot.data["intervals"]) == {"equal_people", "group_weights", "group_shares"}
    page = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert "Priorities in order" in page and "Likely places" in page


def test_recalculate_button_runs_the_job_and_the_page_shows_it_meanwhile(live_app, work_queue):
    consultation, facilitator = _consultation_with_ballots()
    client = live_app.test_client()
    login(client, facilitator)
    response = client.post(f"/consultations/{consultation.id}/results/recalculate")
    job_id = response.location.rsplit("/", 1)[1]
    page = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert f"/jobs/{job_id}" in page and "being recalculated" in page
    work_queue()
    db.session.rollback()
    assert db.session.get(JobRecord, job_id).status == "finished"
    page = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert "being recalculated" not in page and "Priorities in order" in page
