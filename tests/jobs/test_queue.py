"""The job pipeline, with a real Redis and a real RQ worker in burst mode."""

from sqlalchemy import func, select

from consult.extensions import db
from consult.jobs import queue
from consult.jobs.models import JobRecord
from consult.localities.models import PlanningGroup
from factories import login, make_membership, make_planning_group, make_stakeholder_group, make_user


def _group_with_members(carers=2, users=1):
    facilitator = make_user(role="facilitator")
    group = make_planning_group(facilitators=[facilitator])
    carer = make_stakeholder_group(code="carer")
    user_group = make_stakeholder_group(code="service_user")
    for _ in range(carers):
        make_membership(planning_group=group, stakeholder_group=carer)
    for _ in range(users):
        make_membership(planning_group=group, stakeholder_group=user_group)
    db.session.commit()
    return facilitator, group


def test_profile_job_runs_on_a_real_worker_and_the_page_shows_it(live_app, work_queue):
    facilitator, group = _group_with_members(carers=2, users=1)
    client = live_app.test_client()
    login(client, facilitator)
    response = client.post(f"/planning-groups/{group.id}/profile")
    assert response.status_code == 302
    job_id = response.location.rsplit("/", 1)[1]
    db.session.rollback()
    assert db.session.get(JobRecord, job_id).status == "queued"
    assert "Queued" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    assert work_queue() is True
    db.session.rollback()  # end the read snapshot (SQLite WAL) and see the worker's commits
    record = db.session.get(JobRecord, job_id)
    assert record.status == "finished" and record.progress == 100 and record.attempts == 1
    assert record.result["profile"] == {"carer": 2, "service_user": 1}
    assert db.session.get(PlanningGroup, group.id).profile == {"carer": 2, "service_user": 1}
    page = client.get(f"/planning-groups/{group.id}").get_data(as_text=True)
    assert "Members by stakeholder group" in page
    status = client.get(f"/jobs/{job_id}?format=json").get_json()
    assert status["status"] == "finished"


def test_redis_down_records_the_job_and_it_runs_once_redis_is_back(live_app, work_queue):
    facilitator, group = _group_with_members()
    client = live_app.test_client()
    login(client, facilitator)
    real_url = live_app.config["REDIS_URL"]
    live_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.post(f"/planning-groups/{group.id}/profile")
        assert response.status_code == 302
        job_id = response.location.rsplit("/", 1)[1]
        db.session.rollback()
        assert db.session.get(JobRecord, job_id).status == "pending"
        follow = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert "Waiting for the job service" in follow
    finally:
        live_app.config["REDIS_URL"] = real_url
    # Redis is back: the worker dispatches what was left pending, then runs it.
    work_queue()
    db.session.rollback()  # end the read snapshot (SQLite WAL) and see the worker's commits
    record = db.session.get(JobRecord, job_id)
    assert record.status == "finished" and record.attempts == 1


def test_a_job_enqueued_twice_runs_once(live_app, work_queue):
    _, group = _group_with_members()
    record = queue.submit("planning_group.profile", args={"planning_group_id": group.id})
    queue.commit_and_dispatch()
    # Simulate a second dispatch of the same record (e.g. a crash between enqueue and marking it queued).
    queue.get_queue().enqueue("consult.jobs.tasks.run", record.id, job_id=record.id + "-again")
    work_queue()
    db.session.rollback()  # end the read snapshot (SQLite WAL) and see the worker's commits
    assert db.session.get(JobRecord, record.id).attempts == 1


def test_a_failing_job_is_recorded_with_its_error(live_app, work_queue):
    record = queue.submit("planning_group.profile", args={"planning_group_id": 987654})
    queue.commit_and_dispatch()
    work_queue()
    db.session.rollback()  # end the read snapshot (SQLite WAL) and see the worker's commits
    failed = db.session.get(JobRecord, record.id)
    assert failed.status == "failed" and "987654" in failed.error


def test_unknown_job_kinds_are_refused(live_app):
    import pytest

    with pytest.raises(ValueError):
        queue.submit("no.such.kind")
    assert db.session.scalar(select(func.count()).select_from(JobRecord)) == 0


def test_only_the_requester_and_overseers_see_a_job(live_app, work_queue):
    facilitator, group = _group_with_members()
    record = queue.submit("planning_group.profile", args={"planning_group_id": group.id}, actor=facilitator)
    db.session.commit()
    other = make_user(role="facilitator")
    commissioner = make_user(role="commissioner")
    db.session.commit()
    client = live_app.test_client()
    login(client, other)
    assert client.get(f"/jobs/{record.id}").status_code == 403
    client.post("/logout")
    login(client, commissioner)
    assert client.get(f"/jobs/{record.id}").status_code == 200


def test_the_forking_worker_that_production_runs_works_the_job_in_a_fresh_process(live_app):
    """`flask --app consult worker` forks a work horse per job; it must not reuse the parent's connections."""
    from consult.jobs.queue import run_worker

    _, group = _group_with_members(carers=1, users=2)
    job_id = queue.submit("planning_group.profile", args={"planning_group_id": group.id}).id
    queue.commit_and_dispatch()
    db.session.rollback()
    assert run_worker(burst=True) is True
    db.session.rollback()
    finished = db.session.get(JobRecord, job_id)
    assert finished.status == "finished" and finished.result["profile"] == {"carer": 1, "service_user": 2}
