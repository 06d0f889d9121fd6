"""Rules for localities, stakeholder groups, planning groups and their members."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Callable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.accounts.services import create_user, find_user_by_email
from consult.core.errors import RuleError
from consult.core.i18n import locale_name
from consult.core.models import utcnow
from consult.core.patterns import is_code
from consult.core.permissions import Role, has_role
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import (
    Locality,
    Membership,
    PlanningGroup,
    StakeholderGroup,
    planning_group_facilitators,
)


class LocalityError(RuleError):
    """A change that breaks a rule; str() is shown to the person, field names the form field."""


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not is_code(code):
        raise LocalityError(_("Code must be 1 to 32 letters, digits, hyphens or underscores."), "code")
    return code


def _check_name(name: dict[str, str], default_locale: str) -> dict[str, str]:
    name = {k: v.strip() for k, v in (name or {}).items() if v and v.strip()}
    if not name.get(default_locale):
        raise LocalityError(_("Enter a name in %(language)s.", language=locale_name(default_locale)),
                            f"name_{default_locale}")
    return name


def localities() -> list[Locality]:
    return list(db.session.scalars(select(Locality).order_by(Locality.code)))


def stakeholder_groups() -> list[StakeholderGroup]:
    return list(db.session.scalars(select(StakeholderGroup).order_by(StakeholderGroup.position,
                                                                     StakeholderGroup.code)))


def save_locality(locality: Locality | None, *, code: str, name: dict[str, str], population: int,
                  default_locale: str, actor=None, channel: str = "web") -> Locality:
    """Create or change a locality; codes are unique and populations not negative."""
    code = _check_code(code)
    name = _check_name(name, default_locale)
    if population is None or population < 0:
        raise LocalityError(_("Population must be 0 or more."), "population")
    clash = db.session.scalar(select(Locality).where(Locality.code == code))
    if clash is not None and clash is not locality:
        raise LocalityError(_("A locality with this code already exists."), "code")
    before = None
    if locality is None:
        locality = Locality()
        db.session.add(locality)
    else:
        before = {"code": locality.code, "name": locality.name, "population": locality.population}
    locality.code, locality.name, locality.population = code, name, population
    db.session.flush()
    record_change("locality.save", locality, before=before,
                  after={"code": code, "name": name, "population": population}, actor=actor, channel=channel)
    return locality


def save_stakeholder_group(group: StakeholderGroup | None, *, code: str, name: dict[str, str], weight: float,
                           default_locale: str, position: int | None = None, actor=None,
                           channel: str = "web") -> StakeholderGroup:
    """Create or change a stakeholder group; weights are not negative."""
    code = _check_code(code)
    name = _check_name(name, default_locale)
    if weight is None or weight < 0:
        raise LocalityError(_("Weight must be 0 or more."), "weight")
    clash = db.session.scalar(select(StakeholderGroup).where(StakeholderGroup.code == code))
    if clash is not None and clash is not group:
        raise LocalityError(_("A stakeholder group with this code already exists."), "code")
    before = None
    if group is None:
        group = StakeholderGroup(position=position if position is not None else len(stakeholder_groups()))
        db.session.add(group)
    else:
        before = {"code": group.code, "name": group.name, "weight": group.weight}
    group.code, group.name, group.weight = code, name, float(weight)
    db.session.flush()
    record_change("stakeholder_group.save", group, before=before,
                  after={"code": code, "name": name, "weight": float(weight)}, actor=actor, channel=channel)
    return group


def facilitator_candidates() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role.in_((Role.FACILITATOR, Role.ADMIN)), User.active.is_(True))
        .order_by(User.name)))


def save_planning_group(group: PlanningGroup | None, *, locality: Locality, name: dict[str, str],
                        devolved_budget: Decimal | None, facilitator_ids: list[int], default_locale: str,
                        actor=None, channel: str = "web") -> PlanningGroup:
    """Create or change a planning group and who facilitates it."""
    name = _check_name(name, default_locale)
    if devolved_budget is not None and devolved_budget < 0:
        raise LocalityError(_("Devolved budget must be 0 or more."), "devolved_budget")
    allowed = {u.id: u for u in facilitator_candidates()}
    unknown = [i for i in facilitator_ids if i not in allowed]
    if unknown:
        raise LocalityError(_("Choose facilitators from the list."), "facilitators")
    before = None
    if group is None:
        group = PlanningGroup()
        db.session.add(group)
    else:
        before = _group_snapshot(group)
    group.locality, group.name, group.devolved_budget = locality, name, devolved_budget
    group.facilitators = [allowed[i] for i in facilitator_ids]
    db.session.flush()
    record_change("planning_group.save", group, before=before, after=_group_snapshot(group), actor=actor,
                  channel=channel)
    return group


def _group_snapshot(group: PlanningGroup) -> dict[str, Any]:
    return {
        "locality": group.locality.code if group.locality else None,
        "name": group.name,
        "devolved_budget": str(group.devolved_budget) if group.devolved_budget is not None else None,
        "facilitators": sorted(u.id for u in group.facilitators),
    }


def planning_groups_for(user) -> list[PlanningGroup]:
    """The planning groups a person may see in lists: all for admins and commissioners, else their own."""
    stmt = (select(PlanningGroup).join(Locality).options(selectinload(PlanningGroup.locality))
            .order_by(Locality.code, PlanningGroup.id))
    if not has_role(user, Role.ADMIN, Role.COMMISSIONER):
        mine = select(planning_group_facilitators.c.planning_group_id).where(
            planning_group_facilitators.c.user_id == user.id)
        member_of = select(Membership.planning_group_id).where(Membership.user_id == user.id)
        stmt = stmt.where(PlanningGroup.id.in_(mine) | PlanningGroup.id.in_(member_of))
    return list(db.session.scalars(stmt))


def add_member(group: PlanningGroup, *, name: str, email: str, stakeholder_group: StakeholderGroup,
               preferred_locale: str | None = None, actor=None, channel: str = "web") -> Membership:
    """Add a person to a planning group as one stakeholder group; a new address becomes a member account."""
    user = find_user_by_email(email)
    if user is None:
        user = create_user(email=email, name=name, role=Role.MEMBER, preferred_locale=preferred_locale,
                           actor=actor, channel=channel)
    elif any(m.user_id == user.id for m in group.memberships):
        raise LocalityError(_("This person is already a member of the group."), "email")
    membership = Membership(user=user, planning_group=group, stakeholder_group=stakeholder_group)
    db.session.add(membership)
    db.session.flush()
    record_change("membership.add", membership,
                  after={"user": user.id, "planning_group": group.id, "stakeholder_group": stakeholder_group.code},
                  actor=actor, channel=channel)
    return membership


def remove_member(membership: Membership, *, actor=None) -> None:
    record_change("membership.remove", membership,
                  before={"user": membership.user_id, "planning_group": membership.planning_group_id,
                          "stakeholder_group": membership.stakeholder_group.code}, actor=actor)
    membership.planning_group.memberships.remove(membership)
    db.session.flush()


def membership_profile(group: PlanningGroup) -> dict[str, int]:
    """Members per stakeholder group code, every configured group listed (0 where none)."""
    counts = Counter(db.session.scalars(
        select(StakeholderGroup.code).join(Membership, Membership.stakeholder_group_id == StakeholderGroup.id)
        .where(Membership.planning_group_id == group.id)))
    return {sg.code: counts.get(sg.code, 0) for sg in stakeholder_groups()}


def recompute_membership_profile(planning_group_id: int,
                                 progress: Callable[[int, str | None], None] | None = None) -> dict[str, Any]:
    """Store the group's membership profile by stakeholder group (run as a background job)."""
    group = db.session.get(PlanningGroup, planning_group_id)
    if group is None:
        raise LookupError(f"planning group {planning_group_id} does not exist")
    if progress:
        progress(10, "counting")
    profile = membership_profile(group)
    group.profile = profile
    group.profile_computed_at = utcnow()
    db.session.flush()
    if progress:
        progress(90, "saving")
    return {"planning_group": planning_group_id, "members": sum(profile.values()), "profile": profile}
