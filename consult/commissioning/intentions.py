"""Commissioning intentions as people read and decide them: their departures from what the consultation said,
saving one (named checks, then one write that records the change), and the history of who changed what.

Departures follow departures.py; the Best Value check follows bestvalue.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.accounts.models import User
from consult.commissioning import bestvalue, departures
from consult.commissioning.common import CommissioningError, check_choice, clean_text, default_locale, money
from consult.commissioning.labels import FIELD_LABELS, status_name
from consult.commissioning.models import (
    FUNDING_ROUTES,
    PARTNERS,
    RELATIVE,
    SERVICE_AREAS,
    SERVICE_CHANGES,
    STATUSES,
    Intention,
    IntentionStatus,
    PlanningYear,
)
from consult.consultations.models import Consultation
from consult.core.i18n import locale_name, tr
from consult.core.models import AuditEvent, utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality

#: Fields a person sets; once changed by a person, the draft job leaves them alone.
HUMAN_FIELDS = ("title", "description", "easy_read", "service_area", "localities", "amount", "funding_route",
                "lead_commissioner", "status", "planned_start", "planned_end", "rationale", "service_change",
                "relative_cost", "relative_quality", "best_value_note")
#: Fields the draft job fills from the priority (unless a person has edited them).
JOB_FIELDS = ("title", "description", "easy_read", "amount", "localities")
#: Each field chosen from a list: what may be chosen, what empty means, and what to say otherwise (lazy, so that
#: nothing is translated unless someone is refused).
CHOICES: tuple[tuple[str, tuple[str, ...], str | None, Any], ...] = (
    ("funding_route", FUNDING_ROUTES, None, _l("Choose a funding route.")),
    ("lead_commissioner", PARTNERS, None, _l("Choose the lead commissioner.")),
    ("service_area", SERVICE_AREAS, None, _l("Choose a service area.")),
    ("service_change", SERVICE_CHANGES, "none", _l("Choose what this does to existing services.")),
    ("relative_cost", RELATIVE, None, _l("Choose whether the cost is lower, the same or higher.")),
    ("relative_quality", RELATIVE, None, _l("Choose whether the quality is lower, the same or higher.")),
)


def audit_snapshot(i: Intention) -> dict[str, Any]:
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
    return departures.unexplained(departures_for(intention), bool(clean_text(intention.rationale)),
                                  intention.rationale_explains or [])


def year_warnings(year: PlanningYear) -> list[Intention]:
    """Intentions whose departure from the consultation has no rationale yet (a change elsewhere can cause one)."""
    return [i for i in intentions_for(year) if unexplained_departures(i)]


def _ordinal_rank(rank: int, total: int | None) -> str:
    return _("%(rank)s of %(total)s", rank=rank, total=total) if total else str(rank)


def describe_departure(dep: Mapping[str, Any] | departures.Departure, titles: Mapping[str, Any],
                       total: int | None) -> str:
    """One sentence saying how a decision departs from the consultation (for commissioners and the public)."""
    d = dep.as_dict() if isinstance(dep, departures.Departure) else dep
    name = tr(titles.get(d["code"])) or d["code"]
    if d["kind"] == departures.TOP_NOT_PURSUED:
        return _("%(priority)s was ranked %(rank)s, a top priority, but the decision is: %(status)s.",
                 priority=name, rank=_ordinal_rank(d["rank"], total), status=status_name(d["status"]))
    higher = "; ".join(_("%(priority)s (ranked %(rank)s, %(status)s)", priority=tr(titles.get(code)) or code,
                         rank=_ordinal_rank(rank, total), status=status_name(s))
                       for code, rank, s in d["higher"])
    return _("%(priority)s (ranked %(rank)s) is %(status)s while higher-ranked priorities are not agreed: "
             "%(higher)s.", priority=name, rank=_ordinal_rank(d["rank"], total), status=status_name(d["status"]),
             higher=higher)


def titles_for(intention_or_consultation) -> dict[str, dict[str, str]]:
    """Priority code -> title, for the consultation an intention answers."""
    consultation = getattr(intention_or_consultation, "consultation", intention_or_consultation)
    if consultation is None or getattr(consultation, "vote", None) is None:
        return {}
    return {p.code: p.title for p in consultation.vote.priorities}


def evidence_table(intention: Intention) -> dict[str, Any]:
    """What the consultation said about an intention, as its page shows it: the combined row first, then all
    ballots, then each locality; columns for the groups that voted, in the consultation's order (any group no
    longer taking part after them)."""
    evidence = sorted(intention.evidence, key=lambda e: ({"combined": 0, "all": 1}.get(e.scope, 2), e.scope))
    taking_part = intention.consultation.groups_taking_part() if intention.consultation else []
    group_names = {g.code: g.name for g in taking_part}
    present = {code for e in evidence for code in e.by_group}
    group_order = [g.code for g in taking_part if g.code in present] + sorted(present - set(group_names))
    return {"evidence": evidence, "group_names": group_names, "group_order": group_order}


def judgement(intention: Intention) -> str | None:
    """The Best Value judgement, for intentions that replace or decommission a service."""
    if intention.service_change == "none":
        return None
    return bestvalue.judge(intention.relative_cost, intention.relative_quality)


# --- the checks a person's intention must pass, in the order they are made ---------------------------------------

def content_locale(intention: Intention | None) -> str:
    """The language an intention must have its title (and any rationale) in: its consultation's, else the site's."""
    if intention is not None and intention.consultation:
        return intention.consultation.default_locale
    return default_locale()


def check_title(title: Mapping[str, str] | None, locale: str) -> dict[str, str]:
    """A title in `locale` is required; the title per language comes back trimmed."""
    title = clean_text(title)
    if not title.get(locale):
        raise CommissioningError(_("Enter a title in %(language)s.", language=locale_name(locale)), f"title_{locale}")
    return title


def check_status(status: str | None, current: IntentionStatus) -> IntentionStatus:
    """A known status the current one may move to (see IntentionStatus); none given keeps the current one."""
    status = status or current
    check_choice(status, STATUSES, "status", _l("Choose a status."))
    status = IntentionStatus(status)
    if not current.can_become(status):
        raise CommissioningError(
            _("An intention that is %(current)s cannot become %(new)s. It can become: %(allowed)s.",
              current=status_name(current), new=status_name(status),
              allowed=", ".join(status_name(s) for s in current.next_statuses)), "status")
    return status


def check_choices(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Each field of CHOICES empty or one of its choices; they come back by field, empty ones as their default."""
    chosen: dict[str, str | None] = {}
    for field, allowed, empty, message in CHOICES:
        chosen[field] = data.get(field) or empty
        check_choice(chosen[field], allowed, field, message)
    return chosen


def check_planned_dates(start: date | None, end: date | None) -> None:
    """A planned end, if given with a start, is on or after it."""
    if start and end and end < start:
        raise CommissioningError(_("The planned end must be on or after the planned start."), "planned_end")


def check_localities(ids: Iterable[Any] | None) -> list[Locality]:
    """Localities chosen from the list (by id); none means the intention covers them all."""
    wanted = [int(x) for x in (ids or [])]
    found = list(db.session.scalars(select(Locality).where(Locality.id.in_(wanted)))) if wanted else []
    if len(found) != len(set(wanted)):
        raise CommissioningError(_("Choose localities from the list."), "localities")
    return found


def check_funding(status: IntentionStatus, amount: Decimal | None, route: str | None) -> None:
    """An agreed (contracted, delivered) intention has its amount and the budget it comes from, its funding route."""
    if not status.is_committed:
        return
    if amount is None:
        raise CommissioningError(_("Enter the amount before agreeing the intention."), "amount")
    if route is None:
        raise CommissioningError(_("Choose the funding route before agreeing the intention."), "funding_route")


def check_lead(status: IntentionStatus, lead: str | None) -> None:
    """An agreed (contracted, delivered) intention has a lead commissioner."""
    if status.is_committed and lead is None:
        raise CommissioningError(_("Choose the lead commissioner before agreeing the intention."),
                                 "lead_commissioner")


def check_best_value(status: IntentionStatus, change: str, cost: str | None, quality: str | None) -> None:
    """An agreed intention that replaces or decommissions a service has its relative cost and quality recorded."""
    if status.is_committed and change != "none" and (cost is None or quality is None):
        raise CommissioningError(_("This intention replaces or decommissions a service: record its relative "
                                   "cost and quality (the Best Value check) before agreeing it."),
                                 "relative_cost" if cost is None else "relative_quality")


def check_rationale(intention: Intention | None, status: IntentionStatus, rationale: Mapping[str, str],
                    locale: str) -> list[str]:
    """A decision that would depart from what the consultation said needs a rationale in `locale`. Returns the
    departure kinds the rationale was written to explain (none without a rationale)."""
    if intention is None:
        return []
    found = departures_for(intention, status)
    if found and not rationale.get(locale):
        titles = titles_for(intention)
        reasons = " ".join(describe_departure(d, titles, intention.priorities_in_vote) for d in found)
        raise CommissioningError(
            _("Give a rationale in %(language)s: this decision departs from what the consultation said. "
              "%(reasons)s", language=locale_name(locale), reasons=reasons), f"rationale_{locale}")
    return [d.kind for d in found]


def check_year(intention: Intention | None, year: PlanningYear | None) -> None:
    """A new intention belongs to a planning year."""
    if intention is None and year is None:
        raise CommissioningError(_("Choose a planning year."), "planning_year")


def save_intention(intention: Intention | None, year: PlanningYear | None = None, *, data: Mapping[str, Any],
                   actor=None, channel: str = "web") -> Intention:
    """Create or change an intention as a person; what they change is theirs, and the draft job leaves it alone.

    Refused, with nothing saved: a title missing in the default language, an impossible status move, an agreed
    intention without amount, funding route and lead commissioner, a replaced or decommissioned service agreed
    without its Best Value check, and any departure from the consultation without a rationale.
    """
    locale = content_locale(intention)
    title = check_title(data.get("title"), locale)
    status = check_status(data.get("status"), intention.status if intention is not None else IntentionStatus.DRAFT)
    chosen = check_choices(data)
    amount = money(data.get("amount"), "amount")
    start, end = data.get("planned_start"), data.get("planned_end")
    check_planned_dates(start, end)
    localities = check_localities(data.get("localities"))
    check_funding(status, amount, chosen["funding_route"])
    check_lead(status, chosen["lead_commissioner"])
    check_best_value(status, chosen["service_change"], chosen["relative_cost"], chosen["relative_quality"])
    rationale = clean_text(data.get("rationale"))
    explains = check_rationale(intention, status, rationale, locale)
    check_year(intention, year)
    values = {
        **chosen, "title": title, "description": clean_text(data.get("description")),
        "easy_read": clean_text(data.get("easy_read")), "localities": localities, "amount": amount, "status": status,
        "planned_start": start, "planned_end": end, "rationale": rationale,
        "best_value_note": (data.get("best_value_note") or "").strip() or None,
    }
    return _write(intention, year, values, explains, actor=actor, channel=channel)


def _write(intention: Intention | None, year: PlanningYear | None, values: Mapping[str, Any], explains: list[str],
           *, actor, channel: str) -> Intention:
    """Store what a person saved, mark each field they changed as theirs, and record the change."""
    if intention is None:
        intention = Intention(planning_year_id=year.id, edited_fields=list(HUMAN_FIELDS))
        db.session.add(intention)
        before, edited = None, set(HUMAN_FIELDS)
    else:
        before = audit_snapshot(intention)
        edited = set(intention.edited_fields or []) | {
            name for name in HUMAN_FIELDS if before[name] != _snapshot_value(name, values[name])}
    for name, value in values.items():
        setattr(intention, name, value)
    intention.rationale_explains = explains
    intention.edited_fields = [f for f in HUMAN_FIELDS if f in edited]
    intention.updated_at = utcnow()
    db.session.flush()
    record_change("intention.create" if before is None else "intention.update", intention, before=before,
                  after=audit_snapshot(intention), actor=actor, channel=channel)
    return intention


def _snapshot_value(name: str, value: Any) -> Any:
    """A value in the form audit_snapshot() keeps it, to tell whether a person changed it."""
    if name == "localities":
        return sorted(loc.code for loc in value)
    if name == "amount":
        return str(value) if value is not None else None
    if isinstance(value, date):
        return value.isoformat()
    if name in ("title", "description", "easy_read", "rationale"):
        return value or {}
    return value


# --- history -----------------------------------------------------------------------------------------------------

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
