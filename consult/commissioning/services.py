"""Commissioning rules: planning years and budgets, drafting intentions from results, deciding them, feedback.

Drafting (a background job) reads the latest results snapshot of each chosen consultation and keeps one
intention per (planning year, consultation, priority): a second run updates the evidence and the fields
nobody has edited, never the fields a person changed. Decisions that depart from what the consultation
said need a rationale (departures.py); the Best Value check follows bestvalue.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.commissioning import bestvalue, departures, drafting
from consult.commissioning.models import (
    FUNDING_ROUTES,
    PARTNERS,
    RELATIVE,
    SERVICE_AREAS,
    SERVICE_CHANGES,
    STATUSES,
    Budget,
    BudgetContribution,
    DraftRun,
    Intention,
    IntentionEvidence,
    PlanningYear,
    YouSaidWeDid,
)
from consult.consultations.models import Consultation, ConsultationStatus
from consult.core.errors import RuleError
from consult.core.i18n import locale_name, tr
from consult.core.models import AuditEvent, utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality
from consult.voting.results import latest_snapshot

MAX_AMOUNT = Decimal("1000000000000")
YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")

STATUS_LABELS = {
    "draft": _l("Draft"), "proposed": _l("Proposed"), "agreed": _l("Agreed"), "contracted": _l("Contracted"),
    "delivered": _l("Delivered"), "deferred": _l("Deferred"), "declined": _l("Declined"),
}
ROUTE_LABELS = {"health": _l("Health"), "social_care": _l("Social care"), "aligned": _l("Aligned"),
                "pooled": _l("Pooled")}
PARTNER_LABELS = {"health": _l("Health (NHS)"), "council": _l("Council")}
AREA_LABELS = {
    "older_people": _l("Older people"), "carers": _l("Carers"), "learning_disability": _l("Learning disability"),
    "mental_health": _l("Mental health"), "physical_disability": _l("Physical disability"),
    "children_families": _l("Children and families"), "public_health": _l("Public health"), "other": _l("Other"),
}
CHANGE_LABELS = {"none": _l("A new or continuing service"), "replace": _l("Replaces an existing service"),
                 "decommission": _l("Decommissions an existing service")}
RELATIVE_LABELS = {"lower": _l("Lower"), "same": _l("The same"), "higher": _l("Higher")}
JUDGEMENT_LABELS = {
    bestvalue.BEST_VALUE: _l("Best value"),
    bestvalue.NOT_BEST_VALUE: _l("Not best value"),
    bestvalue.JUDGEMENT_REQUIRED: _l("Judgement required on non-financial costs and benefits"),
    bestvalue.NO_DISCERNIBLE_CHANGE: _l("No discernible gain or loss"),
}
COMBINE_LABELS = {"equal": _l("Every locality counts the same"),
                  "population": _l("Each locality counts by its population")}

#: Where an intention may go next. Deferring or declining is open until a contract exists.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("proposed", "agreed", "deferred", "declined"),
    "proposed": ("draft", "agreed", "deferred", "declined"),
    "agreed": ("proposed", "contracted", "deferred", "declined"),
    "contracted": ("agreed", "delivered"),
    "delivered": ("contracted",),
    "deferred": ("draft", "proposed", "agreed", "declined"),
    "declined": ("draft", "proposed", "deferred"),
}
#: Fields a person sets; once changed by a person, the draft job leaves them alone.
HUMAN_FIELDS = ("title", "description", "easy_read", "service_area", "localities", "amount", "funding_route",
                "lead_commissioner", "status", "planned_start", "planned_end", "rationale", "service_change",
                "relative_cost", "relative_quality", "best_value_note")
#: Fields the draft job fills from the priority (unless a person has edited them).
JOB_FIELDS = ("title", "description", "easy_read", "amount", "localities")
FIELD_LABELS = {
    "title": _l("Title"), "description": _l("Description"), "easy_read": _l("Easy read"),
    "service_area": _l("Service area"), "localities": _l("Localities"), "amount": _l("Amount"),
    "funding_route": _l("Funding route"), "lead_commissioner": _l("Lead commissioner"), "status": _l("Status"),
    "planned_start": _l("Planned start"), "planned_end": _l("Planned end"), "rationale": _l("Rationale"),
    "service_change": _l("Effect on existing services"), "relative_cost": _l("Relative cost"),
    "relative_quality": _l("Relative quality"), "best_value_note": _l("Best Value notes"), "rank": _l("Rank"),
    "rationale_explains": _l("Rationale explains"),
}


class CommissioningError(RuleError):
    """A refusal shown to the person: str() is a translated sentence; `field` names the form field."""


def _default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _clean_text(content: Mapping[str, str] | None) -> dict[str, str]:
    enabled = current_app.config["LOCALES"]
    return {k: v.strip() for k, v in (content or {}).items() if k in enabled and v and v.strip()}


def _money(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise CommissioningError(_("Enter an amount in pounds, like 25000 or 25000.50."), field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise CommissioningError(_("Enter an amount of 0 or more, in pounds."), field)
    return amount.quantize(Decimal("0.01"))


def pounds(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    value = Decimal(str(value))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


# --------------------------------------------------------------------------
# Planning years and budgets
# --------------------------------------------------------------------------


def planning_years() -> list[PlanningYear]:
    return list(db.session.scalars(select(PlanningYear).order_by(PlanningYear.starts_on.desc())))


def year_by_label(label: str) -> PlanningYear | None:
    return db.session.scalar(select(PlanningYear).where(PlanningYear.label == label))


def financial_year_dates(label: str) -> tuple[date, date] | None:
    """A label like 2027/28 as the UK financial year, 1 April 2027 to 31 March 2028."""
    match = YEAR_LABEL.match(label or "")
    if not match:
        return None
    first = int(match.group(1))
    return date(first, 4, 1), date(first + 1, 3, 31)


def save_planning_year(year: PlanningYear | None, *, label: str, starts_on: date | None = None,
                       ends_on: date | None = None, actor=None, channel: str = "web") -> PlanningYear:
    """Add or change a planning year: a label like 2027/28 (unique), ending after it starts (default April-March)."""
    label = (label or "").strip()
    match = YEAR_LABEL.match(label)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise CommissioningError(_("Enter the year as the first year and the next, like 2027/28."), "label")
    clash = year_by_label(label)
    if clash is not None and clash is not year:
        raise CommissioningError(_("This planning year already exists."), "label")
    default_start, default_end = financial_year_dates(label)
    starts_on, ends_on = starts_on or default_start, ends_on or default_end
    if ends_on <= starts_on:
        raise CommissioningError(_("The year must end after it starts."), "ends_on")
    before = None if year is None else _year_snapshot(year)
    if year is None:
        year = PlanningYear()
        db.session.add(year)
    year.label, year.starts_on, year.ends_on = label, starts_on, ends_on
    db.session.flush()
    record_change("planning_year.save", year, before=before, after=_year_snapshot(year), actor=actor,
                  channel=channel)
    return year


def _year_snapshot(year: PlanningYear) -> dict[str, Any]:
    return {"label": year.label, "starts_on": year.starts_on.isoformat(), "ends_on": year.ends_on.isoformat()}


def _budget_snapshot(year: PlanningYear) -> dict[str, Any]:
    return {b.funding_route: {"amount": str(b.amount),
                              **({"contributions": {c.partner: str(c.amount) for c in b.contributions}}
                                 if b.contributions else {})} for b in year.budgets}


def set_budgets(year: PlanningYear, *, amounts: Mapping[str, Any], contributions: Mapping[str, Any],
                actor=None, channel: str = "web") -> None:
    """Set the year's money by funding route; a pooled budget is the sum of each partner's contribution.

    `amounts` covers health, social_care and aligned (empty means no budget by that route);
    `contributions` gives each partner's part of the pooled budget.
    """
    checked = {route: _money(amounts.get(route), f"amount_{route}") for route in FUNDING_ROUTES if route != "pooled"}
    parts = {partner: _money(contributions.get(partner), f"pooled_{partner}") for partner in PARTNERS}
    before = _budget_snapshot(year)
    for route, amount in checked.items():
        budget = year.budget(route)
        if amount is None:
            if budget is not None:
                year.budgets.remove(budget)
            continue
        if budget is None:
            budget = Budget(funding_route=route)
            year.budgets.append(budget)
        budget.amount = amount
    pooled = year.budget("pooled")
    given = {p: a for p, a in parts.items() if a is not None}
    if not given:
        if pooled is not None:
            year.budgets.remove(pooled)
    else:
        if pooled is None:
            pooled = Budget(funding_route="pooled")
            year.budgets.append(pooled)
        current = {c.partner: c for c in pooled.contributions}
        for partner in PARTNERS:
            if partner in given:
                row = current.get(partner) or BudgetContribution(partner=partner)
                row.amount = given[partner]
                if partner not in current:
                    pooled.contributions.append(row)
            elif partner in current:
                pooled.contributions.remove(current[partner])
        pooled.amount = sum(given.values(), Decimal("0"))
    db.session.flush()
    record_change("planning_year.budgets", year, before={"budgets": before},
                  after={"budgets": _budget_snapshot(year)}, actor=actor, channel=channel)


def budget_summary(year: PlanningYear) -> list[dict[str, Any]]:
    """Per funding route: the budget, what agreed intentions commit, what is proposed, and any overspend.

    Committed means agreed, contracted or delivered; proposed intentions are shown beside them, so the
    board sees the overspend a proposal would cause before agreeing it. Drafts are not counted.
    """
    committed: dict[str | None, Decimal] = {}
    proposed: dict[str | None, Decimal] = {}
    for intention in db.session.scalars(select(Intention).where(Intention.planning_year_id == year.id)):
        if intention.amount is None:
            continue
        if intention.status in departures.COMMITTED:
            committed[intention.funding_route] = committed.get(intention.funding_route, Decimal("0")) + \
                intention.amount
        elif intention.status == "proposed":
            proposed[intention.funding_route] = proposed.get(intention.funding_route, Decimal("0")) + \
                intention.amount
    rows = []
    for route in (*FUNDING_ROUTES, None):
        budget = year.budget(route) if route else None
        c, p = committed.get(route, Decimal("0")), proposed.get(route, Decimal("0"))
        if route is None and not (c or p):
            continue
        available = budget.amount if budget is not None else None
        rows.append({
            "route": route, "budget": available, "committed": c, "proposed": p,
            "contributions": {x.partner: x.amount for x in budget.contributions} if budget is not None else {},
            "remaining": (available - c) if available is not None else None,
            "over": c > (available or Decimal("0")),
            "over_with_proposed": c + p > (available or Decimal("0")),
        })
    return rows


# --------------------------------------------------------------------------
# Drafting intentions from results (the "commissioning.draft" job)
# --------------------------------------------------------------------------


def eligible_consultations() -> list[Consultation]:
    """Closed or published consultations with a vote and calculated results: what a draft run may read."""
    stmt = (select(Consultation)
            .where(Consultation.status.in_((ConsultationStatus.CLOSED.value, ConsultationStatus.PUBLISHED.value)))
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
        before = None if created else _snapshot(intention)
        for name in JOB_FIELDS:
            if name not in (intention.edited_fields or []):
                setattr(intention, name, suggested[name])
        intention.rank, intention.priorities_in_vote = item.combined.rank, item.n_priorities
        intention.last_run_id = run.id
        _store_evidence(intention, item, snapshot.id, run.id)
        db.session.flush()
        after = _snapshot(intention)
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
                          status="draft", edited_fields=[], **{k: suggested[k] for k in ("title", "description",
                                                                                           "easy_read", "amount")})
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


# --------------------------------------------------------------------------
# Intentions
# --------------------------------------------------------------------------


def _snapshot(i: Intention) -> dict[str, Any]:
    """What the audit log keeps of an intention."""
    return {
        "title": i.title, "description": i.description or {}, "easy_read": i.easy_read or {},
        "service_area": i.service_area, "localities": sorted(loc.code for loc in i.localities),
        "amount": str(i.amount) if i.amount is not None else None, "funding_route": i.funding_route,
        "lead_commissioner": i.lead_commissioner, "status": i.status,
        "planned_start": i.planned_start.isoformat() if i.planned_start else None,
        "planned_end": i.planned_end.isoformat() if i.planned_end else None,
        "rationale": i.rationale or {}, "rationale_explains": list(i.rationale_explains or []),
        "service_change": i.service_change, "relative_cost": i.relative_cost,
        "relative_quality": i.relative_quality, "best_value_note": i.best_value_note, "rank": i.rank,
    }


def intentions_for(year: PlanningYear) -> list[Intention]:
    """The year's intentions: by consultation (newest first), then the consultation's rank, then title."""
    items = list(db.session.scalars(select(Intention).where(Intention.planning_year_id == year.id)))
    return sorted(items, key=lambda i: (i.consultation_id is None, -(i.consultation_id or 0),
                                        i.rank if i.rank is not None else 10**6, tr(i.title)))


def intentions_for_consultation(consultation: Consultation) -> list[Intention]:
    return list(db.session.scalars(select(Intention).where(Intention.consultation_id == consultation.id)
                                   .order_by(Intention.planning_year_id, Intention.rank, Intention.id)))


def _siblings(intention: Intention) -> list[Intention]:
    if intention.consultation_id is None:
        return []
    return list(db.session.scalars(select(Intention).where(
        Intention.planning_year_id == intention.planning_year_id,
        Intention.consultation_id == intention.consultation_id, Intention.id != intention.id)))


def departures_for(intention: Intention, status: str | None = None) -> list[departures.Departure]:
    """This intention's departures from its consultation, as things stand (or if its status became `status`)."""
    if intention.consultation_id is None or intention.rank is None:
        return []
    decisions = [departures.Decision(s.priority_code, s.rank, s.status) for s in _siblings(intention)]
    decisions.append(departures.Decision(intention.priority_code, intention.rank, status or intention.status))
    found = departures.find_departures(decisions, intention.priorities_in_vote or len(decisions))
    return found.get(intention.priority_code, [])


def unexplained_departures(intention: Intention) -> list[departures.Departure]:
    return departures.unexplained(departures_for(intention), bool(_clean_text(intention.rationale)),
                                  intention.rationale_explains or [])


def _ordinal_rank(rank: int, total: int | None) -> str:
    return _("%(rank)s of %(total)s", rank=rank, total=total) if total else str(rank)


def describe_departure(dep: Mapping[str, Any] | departures.Departure, titles: Mapping[str, Any],
                       total: int | None) -> str:
    """One sentence saying how a decision departs from the consultation (for commissioners and the public)."""
    d = dep.as_dict() if isinstance(dep, departures.Departure) else dep
    name = tr(titles.get(d["code"])) or d["code"]
    status = str(STATUS_LABELS.get(d["status"], d["status"])).lower()
    if d["kind"] == departures.TOP_NOT_PURSUED:
        return _("%(priority)s was ranked %(rank)s, a top priority, but the decision is: %(status)s.",
                 priority=name, rank=_ordinal_rank(d["rank"], total), status=status)
    higher = "; ".join(_("%(priority)s (ranked %(rank)s, %(status)s)", priority=tr(titles.get(code)) or code,
                         rank=_ordinal_rank(rank, total), status=str(STATUS_LABELS.get(s, s)).lower())
                       for code, rank, s in d["higher"])
    return _("%(priority)s (ranked %(rank)s) is %(status)s while higher-ranked priorities are not agreed: "
             "%(higher)s.", priority=name, rank=_ordinal_rank(d["rank"], total), status=status, higher=higher)


def titles_for(intention_or_consultation) -> dict[str, dict[str, str]]:
    """Priority code -> title, for the consultation an intention answers."""
    consultation = getattr(intention_or_consultation, "consultation", intention_or_consultation)
    if consultation is None or getattr(consultation, "vote", None) is None:
        return {}
    return {p.code: p.title for p in consultation.vote.priorities}


def _check_choice(value, allowed, field, message) -> None:
    """`message` is lazy, so that nothing is translated unless someone is refused."""
    if value is not None and value not in allowed:
        raise CommissioningError(str(message), field)


def save_intention(intention: Intention | None, year: PlanningYear | None = None, *, data: Mapping[str, Any],
                   actor=None, channel: str = "web") -> Intention:
    """Create or change an intention as a person; what they change is theirs, and the draft job leaves it alone.

    Refused, with nothing saved: a title missing in the default language, an impossible status move, an agreed
    intention without amount, funding route and lead commissioner, a replaced or decommissioned service agreed
    without its Best Value check, and any departure from the consultation without a rationale.
    """
    default = intention.consultation.default_locale if intention is not None and intention.consultation else \
        _default_locale()
    title = _clean_text(data.get("title"))
    if not title.get(default):
        raise CommissioningError(_("Enter a title in %(language)s.", language=locale_name(default)),
                                 f"title_{default}")
    status = data.get("status") or (intention.status if intention is not None else "draft")
    _check_choice(status, STATUSES, "status", _l("Choose a status."))
    current = intention.status if intention is not None else "draft"
    if status != current and status not in TRANSITIONS[current]:
        raise CommissioningError(
            _("An intention that is %(current)s cannot become %(new)s. It can become: %(allowed)s.",
              current=str(STATUS_LABELS[current]).lower(), new=str(STATUS_LABELS[status]).lower(),
              allowed=", ".join(str(STATUS_LABELS[s]).lower() for s in TRANSITIONS[current])), "status")
    route, lead, area = data.get("funding_route") or None, data.get("lead_commissioner") or None, \
        data.get("service_area") or None
    _check_choice(route, FUNDING_ROUTES, "funding_route", _l("Choose a funding route."))
    _check_choice(lead, PARTNERS, "lead_commissioner", _l("Choose the lead commissioner."))
    _check_choice(area, SERVICE_AREAS, "service_area", _l("Choose a service area."))
    change = data.get("service_change") or "none"
    _check_choice(change, SERVICE_CHANGES, "service_change", _l("Choose what this does to existing services."))
    cost, quality = data.get("relative_cost") or None, data.get("relative_quality") or None
    _check_choice(cost, RELATIVE, "relative_cost", _l("Choose whether the cost is lower, the same or higher."))
    _check_choice(quality, RELATIVE, "relative_quality",
                  _l("Choose whether the quality is lower, the same or higher."))
    amount = _money(data.get("amount"), "amount")
    start, end = data.get("planned_start"), data.get("planned_end")
    if start and end and end < start:
        raise CommissioningError(_("The planned end must be on or after the planned start."), "planned_end")
    locality_ids = [int(x) for x in (data.get("localities") or [])]
    localities = list(db.session.scalars(select(Locality).where(Locality.id.in_(locality_ids)))) \
        if locality_ids else []
    if len(localities) != len(set(locality_ids)):
        raise CommissioningError(_("Choose localities from the list."), "localities")
    if status in departures.COMMITTED:
        if amount is None:
            raise CommissioningError(_("Enter the amount before agreeing the intention."), "amount")
        if route is None:
            raise CommissioningError(_("Choose the funding route before agreeing the intention."), "funding_route")
        if lead is None:
            raise CommissioningError(_("Choose the lead commissioner before agreeing the intention."),
                                     "lead_commissioner")
        if change != "none" and (cost is None or quality is None):
            raise CommissioningError(_("This intention replaces or decommissions a service: record its relative "
                                       "cost and quality (the Best Value check) before agreeing it."),
                                     "relative_cost" if cost is None else "relative_quality")
    rationale = _clean_text(data.get("rationale"))
    explains: list[str] = []
    if intention is not None:
        found = departures_for(intention, status)
        if found and not rationale.get(default):
            titles = titles_for(intention)
            reasons = " ".join(describe_departure(d, titles, intention.priorities_in_vote) for d in found)
            raise CommissioningError(
                _("Give a rationale in %(language)s: this decision departs from what the consultation said. "
                  "%(reasons)s", language=locale_name(default), reasons=reasons), f"rationale_{default}")
        explains = [d.kind for d in found] if rationale else []

    values = {
        "title": title, "description": _clean_text(data.get("description")),
        "easy_read": _clean_text(data.get("easy_read")), "service_area": area, "localities": localities,
        "amount": amount, "funding_route": route, "lead_commissioner": lead, "status": status,
        "planned_start": start, "planned_end": end, "rationale": rationale, "service_change": change,
        "relative_cost": cost, "relative_quality": quality,
        "best_value_note": (data.get("best_value_note") or "").strip() or None,
    }
    if intention is None:
        if year is None:
            raise CommissioningError(_("Choose a planning year."), "planning_year")
        intention = Intention(planning_year_id=year.id, edited_fields=list(HUMAN_FIELDS))
        db.session.add(intention)
        before, edited = None, set(HUMAN_FIELDS)
    else:
        before = _snapshot(intention)
        edited = set(intention.edited_fields or [])
        for name in HUMAN_FIELDS:
            old = before[name]
            new = _snapshot_value(name, values[name])
            if old != new:
                edited.add(name)
    for name, value in values.items():
        setattr(intention, name, value)
    intention.rationale_explains = explains
    intention.edited_fields = [f for f in HUMAN_FIELDS if f in edited]
    intention.updated_at = utcnow()
    db.session.flush()
    record_change("intention.create" if before is None else "intention.update", intention, before=before,
                  after=_snapshot(intention), actor=actor, channel=channel)
    return intention


def _snapshot_value(name: str, value: Any) -> Any:
    """A value in the form _snapshot() keeps it, to tell whether a person changed it."""
    if name == "localities":
        return sorted(loc.code for loc in value)
    if name == "amount":
        return str(value) if value is not None else None
    if isinstance(value, date):
        return value.isoformat()
    if name in ("title", "description", "easy_read", "rationale"):
        return value or {}
    return value


def judgement(intention: Intention) -> str | None:
    """The Best Value judgement, for intentions that replace or decommission a service."""
    if intention.service_change == "none":
        return None
    return bestvalue.judge(intention.relative_cost, intention.relative_quality)


def intention_history(intention: Intention) -> list[dict[str, Any]]:
    """Every recorded change to an intention, newest first: who, when, how, and each field before and after."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == Intention.__tablename__,
                                                         AuditEvent.entity_id == str(intention.id))
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    names = {}
    out = []
    for event in events:
        if event.actor_id and event.actor_id not in names:
            user = db.session.get(User, event.actor_id)
            names[event.actor_id] = user.name if user else str(event.actor_id)
        before, after = event.before or {}, event.after or {}
        changes = [{"field": key, "label": FIELD_LABELS.get(key, key), "before": before.get(key),
                    "after": after.get(key)}
                   for key in sorted(set(before) | set(after), key=_field_order)
                   if before.get(key) != after.get(key) and not (_empty(before.get(key)) and _empty(after.get(key)))]
        out.append({"at": event.at, "actor": names.get(event.actor_id), "channel": event.channel,
                    "action": event.action, "changes": changes})
    return out


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == [] or value == ""


def _field_order(name: str) -> int:
    order = (*HUMAN_FIELDS, "rationale_explains", "rank")
    return order.index(name) if name in order else len(order)


def year_warnings(year: PlanningYear) -> list[Intention]:
    """Intentions whose departure from the consultation has no rationale yet (a change elsewhere can cause one)."""
    return [i for i in intentions_for(year) if unexplained_departures(i)]


# --------------------------------------------------------------------------
# "You said, we did"
# --------------------------------------------------------------------------


def build_you_said_we_did(consultation: Consultation) -> dict[str, Any]:
    """The content of the public page: each priority, what each group said, what was decided and why."""
    snapshot = latest_snapshot(consultation)
    groups = sorted((gw.stakeholder_group for gw in consultation.group_weights), key=lambda g: (g.position, g.code))
    content: dict[str, Any] = {
        "consultation": {"slug": consultation.slug, "title": consultation.title,
                         "default_locale": consultation.default_locale},
        "groups": [{"code": g.code, "name": g.name} for g in groups],
        "localities": [{"code": loc.code, "name": loc.name} for loc in consultation.localities],
        "priorities": [], "scopes": {}, "decisions": {}, "snapshot": None,
    }
    if consultation.vote is None or snapshot is None:
        return content
    evidence = drafting.read_snapshot(snapshot.data)
    content["snapshot"] = {"id": snapshot.id, "computed_at": snapshot.computed_at.isoformat(),
                           "weighting": evidence.scheme, "ballots": evidence.overall.ballots}

    def scope(result: drafting.ScopeResult) -> dict[str, Any]:
        group_ranks = {}
        for g in result.ballots_by_group:
            ranks = drafting.competition_ranks({c: p["by_group"].get(g, 0.0) for c, p in result.priorities.items()})
            group_ranks[g] = ranks if result.ballots_by_group.get(g) else {}
        total = sum(p["score"] for p in result.priorities.values())
        return {"ballots": result.ballots, "ballots_by_group": result.ballots_by_group,
                "priorities": {c: {"rank": p["rank"], "share": p["share"],
                                   "by_group": {g: (v / total if total else 0.0) for g, v in p["by_group"].items()},
                                   "group_ranks": {g: r[c] for g, r in group_ranks.items() if c in r}}
                               for c, p in result.priorities.items()}}

    content["scopes"]["all"] = scope(evidence.overall)
    for code, result in evidence.localities.items():
        content["scopes"][code] = scope(result)
    ordered = sorted(consultation.vote.priorities,
                     key=lambda p: (evidence.overall.priorities.get(p.code, {}).get("rank", 10**6), p.code))
    content["priorities"] = [{"code": p.code, "title": p.title, "description": p.description or {},
                              "easy_read": p.easy_read or {}} for p in ordered]
    content["n_priorities"] = len(ordered)
    titles = {p.code: p.title for p in ordered}
    for intention in intentions_for_consultation(consultation):
        if intention.status == "draft":
            continue  # not a decision yet
        content["decisions"].setdefault(intention.priority_code, []).append({
            "year": intention.planning_year.label, "status": intention.status,
            "amount": str(intention.amount) if intention.amount is not None else None,
            "funding_route": intention.funding_route, "lead_commissioner": intention.lead_commissioner,
            "title": intention.title, "description": intention.description or {},
            "easy_read": intention.easy_read or {}, "rationale": intention.rationale or {},
            "departures": [d.as_dict() for d in departures_for(intention)],
            "localities": [loc.code for loc in intention.localities],
            "planned_start": intention.planned_start.isoformat() if intention.planned_start else None,
            "planned_end": intention.planned_end.isoformat() if intention.planned_end else None,
        })
    content["titles"] = titles
    return content


def published_feedback(consultation: Consultation) -> YouSaidWeDid | None:
    return db.session.scalar(select(YouSaidWeDid).where(YouSaidWeDid.consultation_id == consultation.id))


def publication_problems(consultation: Consultation) -> list[str]:
    """What stops "you said, we did" being published, as sentences (empty when it can be)."""
    problems = []
    if consultation.status != ConsultationStatus.PUBLISHED.value:
        problems.append(_("The consultation's results must be published first."))
    intentions = intentions_for_consultation(consultation)
    if not any(i.status != "draft" for i in intentions):
        problems.append(_("No decision has been made yet: every intention from this consultation is a draft."))
    for intention in intentions:
        missing = unexplained_departures(intention)
        if missing:
            titles = titles_for(consultation)
            problems.append(_("%(title)s needs a rationale: %(reason)s", title=tr(intention.title),
                              reason=" ".join(describe_departure(d, titles, intention.priorities_in_vote)
                                              for d in missing)))
    return problems


def publish_you_said_we_did(consultation: Consultation, *, actor=None,
                            channel: str = "web") -> tuple[YouSaidWeDid, int]:
    """Publish (or update) the public page; the first publication queues messages for people who asked to hear.

    Returns the publication and how many notifications were queued.
    """
    problems = publication_problems(consultation)
    if problems:
        raise CommissioningError(" ".join(problems), "publish")
    content = build_you_said_we_did(consultation)
    feedback = published_feedback(consultation)
    now = utcnow()
    if feedback is None:
        feedback = YouSaidWeDid(consultation_id=consultation.id, content=content, version=1, first_published_at=now,
                                published_at=now, published_by_id=getattr(actor, "id", None))
        db.session.add(feedback)
        before = None
    else:
        before = {"version": feedback.version}
        feedback.content, feedback.version = content, feedback.version + 1
        feedback.published_at, feedback.published_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    record_change("you_said_we_did.publish", feedback, before=before,
                  after={"consultation": consultation.slug, "version": feedback.version}, actor=actor, channel=channel)
    from consult.notifications.services import queue_notifications

    queued = queue_notifications(consultation, "you_said_we_did", actor=actor, channel=channel)
    return feedback, queued


def you_said_we_did_items(content: Mapping[str, Any], locality: str | None = None) -> list[dict[str, Any]]:
    """The public page's rows for all areas or one locality: each priority in that area's order, its result there,
    and the decisions that cover that area (an intention with no localities covers them all)."""
    scope = (content.get("scopes") or {}).get(locality or "all") or {"priorities": {}}
    results = scope.get("priorities") or {}
    items = []
    for priority in content.get("priorities") or []:
        decisions = [d for d in (content.get("decisions") or {}).get(priority["code"], [])
                     if locality is None or not d.get("localities") or locality in d["localities"]]
        items.append({"priority": priority, "result": results.get(priority["code"]), "decisions": decisions})
    items.sort(key=lambda item: ((item["result"] or {}).get("rank", 10**6), item["priority"]["code"]))
    return items
