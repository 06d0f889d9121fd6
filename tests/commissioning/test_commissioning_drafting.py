"""Drafting intentions from results snapshots: evidence, no duplicates, human edits kept (service and real worker)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from consult.commissioning import draft_runs, intentions
from consult.commissioning.common import CommissioningError
from consult.commissioning.models import DraftRun, Intention, IntentionEvidence
from consult.core.models import AuditEvent
from consult.extensions import db
from consult.jobs.models import JobRecord
from factories import (
    login,
    make_ballot,
    make_planning_year,
    make_results_snapshot,
    make_user,
    make_voted_consultation,
)


def closed_vote(*, status="closed", snapshot=True):
    consultation = make_voted_consultation(status=status, snapshot=snapshot)
    return (consultation, tuple(consultation.localities),
            tuple(sorted((gw.stakeholder_group for gw in consultation.group_weights), key=lambda g: -g.weight)))


def intention(year, consultation, code) -> Intention:
    return db.session.scalar(select(Intention).where(Intention.planning_year_id == year.id,
                                                     Intention.consultation_id == consultation.id,
                                                     Intention.priority_code == code))


def test_a_run_drafts_one_intention_per_priority_with_its_evidence(app):
    commissioner = make_user(role="commissioner")
    consultation, (big, small), (carer, gp) = closed_vote()
    year = make_planning_year()
    run = draft_runs.start_draft_run(year, [consultation.id], "population", actor=commissioner)
    result = draft_runs.run_draft(run.id)
    assert result["created"] == 5 and result["updated"] == 0
    assert db.session.get(DraftRun, run.id).combine == "population"  # the choice is recorded on the run

    p1 = intention(year, consultation, "P1")
    assert p1.status == "draft" and p1.rank == 1 and p1.priorities_in_vote == 5
    assert p1.title["cy"] == "Gwasanaeth P1" and p1.amount == Decimal("10000")
    assert {loc.code for loc in p1.localities} == {big.code, small.code}
    assert p1.edited_fields == [] and p1.last_run_id == run.id
    scopes = {e.scope: e for e in p1.evidence}
    assert set(scopes) == {"combined", "all", f"locality:{big.code}", f"locality:{small.code}"}
    assert scopes["all"].ballots == 6 and scopes["all"].rank == 1
    assert scopes["all"].interval_low is not None and scopes["all"].interval_low <= 1 <= scopes["all"].interval_high
    assert scopes[f"locality:{big.code}"].ballots == 5
    assert scopes[f"locality:{big.code}"].weight == pytest.approx(0.8)  # 20,000 of 25,000 people
    assert set(scopes["all"].by_group) == {carer.code, gp.code}
    assert sum(scopes["combined"].by_group.values()) == pytest.approx(scopes["combined"].score)
    # The drafting is in the audit log, as the commissioner's run, through the job channel.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "commissioning_intentions",
                                                       AuditEvent.entity_id == str(p1.id)))
    assert event.action == "intention.draft" and event.channel == "job" and event.actor_id == commissioner.id


def test_rerunning_updates_evidence_but_never_duplicates_or_overwrites_edits(app):
    commissioner = make_user(role="commissioner")
    consultation, (big, small), (carer, gp) = closed_vote()
    year = make_planning_year()
    draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal", actor=commissioner).id)
    p5 = intention(year, consultation, "P5")
    data = {"title": {"en": "Carers' night service, as the board wrote it"}, "status": "draft",
            "localities": [small.id], "amount": "", "service_change": "none"}
    intentions.save_intention(p5, data=data, actor=commissioner)
    assert set(p5.edited_fields) >= {"title", "localities", "amount"}
    small_scope = f"locality:{small.code}"
    assert {e.scope: e.rank for e in p5.evidence}[small_scope] == 5

    # More ballots arrive (paper forms after closing): P5 now leads in the small locality.
    for _ in range(6):
        make_ballot(consultation, {"P5": 1, "P4": 2, "P3": 3, "P2": 4, "P1": 5}, group=carer, locality=small)
    make_results_snapshot(consultation)
    result = draft_runs.run_draft(draft_runs.start_draft_run(year, [consultation.id], "equal",
                                                             actor=commissioner).id)

    assert db.session.scalar(select(func.count()).select_from(Intention)) == 5
    assert result["created"] == 0 and result["updated"] >= 1 and result["kept_edits"] == 1
    db.session.refresh(p5)
    assert p5.title == {"en": "Carers' night service, as the board wrote it"}
    assert [loc.code for loc in p5.localities] == [small.code] and p5.amount is None
    evidence = {e.scope: e for e in p5.evidence}
    assert evidence[small_scope].rank == 1 and evidence[small_scope].ballots == 7
    assert evidence["all"].ballots == 12
    # A field nobody touched still follows the priority.
    p2 = intention(year, consultation, "P2")
    assert p2.amount == Decimal("20000") and p2.edited_fields == []
    # Exactly one evidence row per scope, updated in place.
    rows = db.session.scalars(select(IntentionEvidence.scope).where(IntentionEvidence.intention_id == p5.id)).all()
    assert sorted(rows) == sorted(set(rows)) and len(rows) == 4


@pytest.mark.parametrize("case", ["open", "no_snapshot", "nothing", "bad_combine"])
def test_a_run_needs_closed_consultations_with_results(app, case):
    consultation, _, _ = closed_vote(status="open" if case == "open" else "closed",
                                     snapshot=case != "no_snapshot")
    year = make_planning_year()
    ids = [] if case == "nothing" else [consultation.id]
    with app.test_request_context(), pytest.raises(CommissioningError) as refused:
        draft_runs.start_draft_run(year, ids, "loudest" if case == "bad_combine" else "equal")
    assert refused.value.field in ("consultations", "combine")
    assert db.session.scalar(select(func.count()).select_from(DraftRun)) == 0


def test_the_draft_job_runs_on_a_real_worker_and_a_rerun_keeps_human_edits(live_app, work_queue):
    commissioner = make_user(role="commissioner")
    consultation, (big, small), (carer, gp) = closed_vote()
    year = make_planning_year()
    db.session.commit()
    client = live_app.test_client()
    login(client, commissioner)

    response = client.post(f"/commissioning/years/{year.id}/draft",
                           data={"consultations": [consultation.id], "combine": "population"})
    assert response.status_code == 302
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    db.session.rollback()
    job = db.session.scalar(select(JobRecord).where(JobRecord.kind == "commissioning.draft"))
    assert f"/jobs/{job.id}" in page and "Queued" in page  # the page shows the job and links to its progress

    assert work_queue() is True
    db.session.rollback()
    assert db.session.get(JobRecord, job.id).status == "finished"
    assert db.session.scalar(select(func.count()).select_from(Intention)) == 5
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "5 intentions created, 0 updated" in page and "Each locality counts by its population" in page

    # A commissioner edits P3's title and amount in the browser form.
    p3 = intention(year, consultation, "P3")
    big, small = (db.session.merge(x) for x in (big, small))
    response = client.post(f"/commissioning/intentions/{p3.id}/edit", data={
        "title_en": "Memory clinic in every locality", "status": "proposed", "amount": "12345",
        "localities": [big.id, small.id], "service_change": "none", "funding_route": "", "lead_commissioner": "",
        "relative_cost": "", "relative_quality": "", "service_area": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.rollback()

    # More ballots arrive, the results are recalculated, and the commissioner drafts again.
    consultation, carer, small = (db.session.merge(x) for x in (consultation, carer, small))
    for _ in range(8):
        make_ballot(consultation, {"P3": 1, "P4": 2, "P5": 3, "P2": 4, "P1": 5}, group=carer, locality=small)
    make_results_snapshot(consultation)
    db.session.commit()
    response = client.post(f"/commissioning/years/{year.id}/draft",
                           data={"consultations": [consultation.id], "combine": "population"})
    assert response.status_code == 302
    db.session.rollback()  # end this session's read snapshot: the worker shares it
    work_queue()
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(Intention)) == 5
    p3 = intention(year, consultation, "P3")
    assert p3.title == {"en": "Memory clinic in every locality"} and p3.amount == Decimal("12345.00")
    assert p3.status == "proposed"
    assert {e.scope: e.ballots for e in p3.evidence}[f"locality:{small.code}"] == 9
    assert db.session.scalar(select(func.count()).select_from(DraftRun)) == 2
    assert all(j.status == "finished" for j in db.session.scalars(select(JobRecord)))
    page = client.get(f"/commissioning/years/{year.id}").get_data(as_text=True)
    assert "0 intentions created" in page and "Edits made by people were kept on 1" in page
