"""Drafting intentions from results: starting a run, and the "commissioning.draft" job that does it.

A run reads the latest results snapshot of each chosen consultation and keeps one intention per (planning year,
consultation, priority): a second run updates the evidence and the fields nobody has edited, never the fields a
person changed. The ranking itself is drafting.py's (pure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.commissioning import drafting
from consult.commissioning.common import CommissioningError
from consult.commissioning.intentions import JOB_FIELDS, audit_snapshot
from consult.commissioning.models import DraftRun, Intention, IntentionEvidence, IntentionStatus, PlanningYear
from consult.consultations.models import Consultation, ConsultationStatus
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.voting.results import latest_snapshot


def eligible_consultations() -> list[Consultation]:
    """Closed or published consultations with a vote and calculated results: what a draft run may read."""
    stmt = (select(Consultation)
            .where(Consultation.status.in_((ConsultationStatus.CLOSED, ConsultationStatus.PUBLISHED)))
            .order_by(Consultation.closes_at.desc(), Consultation.slug))
    return [c for c in db.session.scalars(stmt) if c.vote is not None and latest_snapshot(c) is not None]


def start_draft_run(year: PlanningYear, consultation_ids: Iterable[int], combine: str, *, actor=None,
                    channel: str = "web") -> DraftRun:
    """Record a draft run for the chosen consultations and way of combining localities (the job does the work)."""
    if combine not in drafting.COMBINE_METHODS:
        raise CommissioningError(_("Choose how to combine the localities."), "combine")
    ids = sorted({int(i) for i in consultation_ids})
    if not ids:
        raise CommissioningError(_("Choose at least one consultation."), "consultations")
    eligible = {c.id for c in eligible_consultations()}
    if any(i not in eligible for i in ids):
        raise CommissioningError(_("Choose consultations that have closed and whose results have been calculated."),
                                 "consultations")
    run = DraftRun(planning_year_id=year.id, combine=combine, consultation_ids=ids,
                   created_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    record_change("draft_run.start", run, after={"planning_year": year.label, "combine": combine,
                                                 "consultations": ids}, actor=actor, channel=channel)
    return run


def latest_run(year: PlanningYear) -> DraftRun | None:
    return db.session.scalar(select(DraftRun).where(DraftRun.planning_year_id == year.id)
                             .order_by(DraftRun.created_at.desc(), DraftRun.id.desc()).limit(1))


def run_draft(run_id: int, progress: Callable[[int, str | None], None] | None = None) -> dict[str, Any]:
    """Build or refresh draft intentions for each consultation of a run (run as a background job)."""
    run = db.session.get(DraftRun, run_id)
    if run is None:
        raise LookupError(f"draft run {run_id} does not exist")
    year = db.session.get(PlanningYear, run.planning_year_id)
    actor = db.session.get(User, run.created_by_id) if run.created_by_id else None
    totals = {"created": 0, "updated": 0, "unchanged": 0, "kept_edits": 0}
    per_consultation: dict[str, Any] = {}
    skipped: list[str] = []
    for i, consultation_id in enumerate(run.consultation_ids):
        consultation = db.session.get(Consultation, consultation_id)
        if progress:
            progress(int(100 * i / max(len(run.consultation_ids), 1)),
                     f"reading {consultation.slug if consultation else consultation_id}")
        snapshot = latest_snapshot(consultation) if consultation is not None else None
        if snapshot is None or consultation.vote is None:
            skipped.append(consultation.slug if consultation else str(consultation_id))
            continue
        counts = _draft_from_snapshot(run, year, consultation, snapshot, actor)
        per_consultation[consultation.slug] = {**counts, "snapshot": snapshot.id, "ballots": snapshot.ballots}
        for key in totals:
            totals[key] += counts[key]
    run.finished_at = utcnow()
    run.summary = {**totals, "consultations": per_consultation, "skipped": skipped}
    db.session.flush()
    if progress:
        progress(100, "done")
    return {"run": run.id, "planning_year": year.label, "combine": run.combine, **totals, "skipped": skipped}


def _draft_from_snapshot(run: DraftRun, year: PlanningYear, consultation: Consultation, snapshot, actor) -> dict:
    priorities = {p.code: p for p in consultation.vote.priorities}
    evidence = drafting.read_snapshot(snapshot.data)
    codes = [p.code for p in consultation.vote.priorities]
    populations = {loc.code: loc.population for loc in consultation.localities}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept_edits": 0}
    for item in drafting.build_evidence(codes, evidence, populations, run.combine):
        priority = priorities[item.code]
        suggested = {"title": dict(priority.title), "description": dict(priority.description or {}),
                     "easy_read": dict(priority.easy_read or {}), "amount": priority.cost,
                     "localities": list(consultation.localities)}
        intention = _find_intention(year, consultation, item.code)
        created = False
        if intention is None:
            intention, created = _create_drafted(year, consultation, item.code, suggested)
        before = None if created else audit_snapshot(intention)
        for name in JOB_FIELDS:
            if name not in (intention.edited_fields or []):
                setattr(intention, name, suggested[name])
        # The one ranking: the published result's place (all ballots, the consultation's own weighting), never
        # the run's combination of localities, which is evidence shown beside it and labelled as another view.
        intention.rank, intention.priorities_in_vote = item.rank, item.n_priorities
        intention.last_run_id = run.id
        _store_evidence(intention, item, snapshot.id, run.id)
        db.session.flush()
        after = audit_snapshot(intention)
        if created:
            counts["created"] += 1
            record_change("intention.draft", intention, after=after, actor=actor, channel="job")
        elif before != after:
            counts["updated"] += 1
            record_change("intention.redraft", intention, before=before, after=after, actor=actor, channel="job")
        else:
            counts["unchanged"] += 1
        if not created and set(intention.edited_fields or []) & set(JOB_FIELDS):
            counts["kept_edits"] += 1
    return counts


def _find_intention(year: PlanningYear, consultation: Consultation, code: str) -> Intention | None:
    return db.session.scalar(select(Intention).where(Intention.planning_year_id == year.id,
                                                     Intention.consultation_id == consultation.id,
                                                     Intention.priority_code == code))


def _create_drafted(year, consultation, code, suggested) -> tuple[Intention, bool]:
    """A new draft and True; or the one another run created a moment ago and False (the unique key decides)."""
    intention = Intention(planning_year_id=year.id, consultation_id=consultation.id, priority_code=code,
                          status=IntentionStatus.DRAFT, edited_fields=[],
                          **{k: suggested[k] for k in ("title", "description", "easy_read", "amount")})
    intention.localities = list(suggested["localities"])
    try:
        with db.session.begin_nested():
            db.session.add(intention)
            db.session.flush()
    except IntegrityError:
        existing = _find_intention(year, consultation, code)
        if existing is None:
            raise
        return existing, False
    return intention, True


def _store_evidence(intention: Intention, item: drafting.PriorityEvidence, snapshot_id: int, run_id: int) -> None:
    """Update evidence rows in place by scope (never delete-and-insert: the unique key would clash in one flush)."""
    now = utcnow()
    rows = {"combined": {"rank": item.combined.rank, "score": item.combined.score, "share": None, "ballots": None,
                         "by_group": item.combined.by_group, "weight": None}}
    rows.update(item.scopes)
    existing = {e.scope: e for e in intention.evidence}
    for scope, values in rows.items():
        row = existing.pop(scope, None)
        if row is None:
            row = IntentionEvidence(scope=scope)
            intention.evidence.append(row)
        row.rank, row.score, row.share = int(values["rank"]), float(values["score"]), values.get("share")
        row.ballots, row.by_group, row.weight = values.get("ballots"), dict(values["by_group"]), values.get("weight")
        interval = item.interval if scope == "all" else None
        row.interval_low, row.interval_high = (interval or (None, None))
        row.snapshot_id, row.run_id, row.computed_at = snapshot_id, run_id, now
    for stale in existing.values():
        intention.evidence.remove(stale)
