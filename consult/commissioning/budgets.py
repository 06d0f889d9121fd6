"""Planning years and their budgets: money by funding route, a pooled budget made of the partners' contributions,
and what the year's intentions commit against it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.commissioning.common import CommissioningError, money
from consult.commissioning.models import FUNDING_ROUTES, PARTNERS, Budget, BudgetContribution, Intention, PlanningYear
from consult.core.services import record_change
from consult.extensions import db

YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


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
    checked = {route: money(amounts.get(route), f"amount_{route}") for route in FUNDING_ROUTES if route != "pooled"}
    parts = {partner: money(contributions.get(partner), f"pooled_{partner}") for partner in PARTNERS}
    before = _budget_snapshot(year)
    for route, amount in checked.items():
        budget = _budget_for(year, route, wanted=amount is not None)
        if budget is not None:
            budget.amount = amount
    given = {p: a for p, a in parts.items() if a is not None}
    pooled = _budget_for(year, "pooled", wanted=bool(given))
    if pooled is not None:
        _set_contributions(pooled, given)
    db.session.flush()
    record_change("planning_year.budgets", year, before={"budgets": before},
                  after={"budgets": _budget_snapshot(year)}, actor=actor, channel=channel)


def _budget_for(year: PlanningYear, route: str, *, wanted: bool) -> Budget | None:
    """The year's budget by `route`, added if wanted and missing, removed (and None) if not wanted."""
    budget = year.budget(route)
    if not wanted:
        if budget is not None:
            year.budgets.remove(budget)
        return None
    if budget is None:
        budget = Budget(funding_route=route)
        year.budgets.append(budget)
    return budget


def _set_contributions(pooled: Budget, given: Mapping[str, Decimal]) -> None:
    """Each partner's part as given (a partner not given puts nothing in); the pooled amount is their sum."""
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
        if intention.status.is_committed:
            committed[intention.funding_route] = committed.get(intention.funding_route, Decimal("0")) + \
                intention.amount
        elif intention.status.is_proposed:
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
