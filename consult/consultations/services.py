"""Consultations: their description, window, localities and stakeholder groups (by form or JSON spec).

Moving through the statuses is consult.consultations.lifecycle; the priority vote is consult.voting's, reached
through consult.consultations.parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations import counting, parts
from consult.consultations.models import Consultation, ConsultationGroupWeight
from consult.consultations.permissions import LEAD_ROLES, can_work_consultation
from consult.consultations.spec import ReferenceSpec, SpecError, read_spec
from consult.core.errors import RuleError
from consult.core.i18n import locale_name, missing_locales
from consult.core.patterns import is_slug
from consult.core.permissions import Role, has_role
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.localities.services import save_locality, save_stakeholder_group


class ConsultationError(RuleError):
    """A change that breaks a rule; str() is shown to the person and `field` names the form field."""


def get_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def consultations_for(user) -> list[Consultation]:
    """Everyone's for administrators and commissioners; for a facilitator, those they lead and those covering a
    locality where they facilitate a planning group."""
    stmt = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.slug)
    items = list(db.session.scalars(stmt))
    if has_role(user, Role.ADMIN, Role.COMMISSIONER):
        return items
    return [c for c in items if can_work_consultation(user, c)]


def _check_slug(slug: str, consultation: Consultation | None) -> str:
    slug = (slug or "").strip()
    if not is_slug(slug):
        raise ConsultationError(_("The web address name must be 1 to 64 lower-case letters, digits or hyphens, "
                                  "like older-people-2027."), "slug")
    clash = get_by_slug(slug)
    if clash is not None and clash is not consultation:
        raise ConsultationError(_("Another consultation already uses this web address name."), "slug")
    return slug


def _check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at is None:
        raise ConsultationError(_("Enter the date and time the consultation opens."), "opens_at")
    if closes_at is None:
        raise ConsultationError(_("Enter the date and time the consultation closes."), "closes_at")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise ConsultationError(_("Give times with a time zone, like 2027-01-10T09:00:00+00:00."), "opens_at")
    if closes_at <= opens_at:
        raise ConsultationError(_("The closing date must be after the opening date."), "closes_at")


def save_consultation(consultation: Consultation | None, *, slug: str, default_locale: str, title: dict[str, str],
                      summary: dict[str, str], easy_read: dict[str, str], opens_at: datetime, closes_at: datetime,
                      localities: list[Locality], actor=None, channel: str = "web") -> Consultation:
    """Create or change a consultation's description, window and localities (not once it has closed)."""
    if default_locale not in current_app.config["LOCALES"]:
        raise ConsultationError(_("Choose the default language."), "default_locale")
    slug = _check_slug(slug, consultation)
    if not (title or {}).get(default_locale):
        raise ConsultationError(_("Enter a title in %(language)s, the default language.",
                                  language=locale_name(default_locale)), f"title_{default_locale}")
    _check_window(opens_at, closes_at)
    if not localities:
        raise ConsultationError(_("Choose at least one locality."), "localities")
    before = None
    if consultation is None:
        # Every stakeholder group takes part by default, with its usual weight.
        weights = [ConsultationGroupWeight(stakeholder_group=sg, weight=sg.weight)
                   for sg in db.session.scalars(select(StakeholderGroup))]
        # Whoever creates a consultation leads it; one made with no person behind it (the command line) has no lead
        # until an administrator chooses one.
        consultation = Consultation(created_by_id=getattr(actor, "id", None), lead_id=getattr(actor, "id", None),
                                    group_weights=weights)
    else:
        if consultation.status.has_ended:
            raise ConsultationError(_("A closed consultation cannot be changed."), "slug")
        before = snapshot(consultation)
    consultation.slug, consultation.default_locale = slug, default_locale
    consultation.title, consultation.summary, consultation.easy_read = title, summary or {}, easy_read or {}
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.localities = list(localities)
    db.session.add(consultation)
    db.session.flush()
    record_change("consultation.save", consultation, before=before, after=snapshot(consultation), actor=actor,
                  channel=channel)
    return consultation


def snapshot(consultation: Consultation) -> dict[str, Any]:
    """What the audit log keeps of a consultation's settings (with the counting rules, as counting.rules)."""
    return {
        "slug": consultation.slug, "status": consultation.status, "default_locale": consultation.default_locale,
        "title": consultation.title, "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "localities": [loc.code for loc in consultation.localities],
        **counting.rules(consultation),
    }


def lead_candidates() -> list[User]:
    """The people who may lead a consultation: active facilitators and commissioners, by name."""
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(LEAD_ROLES))
                                   .order_by(User.name, User.id)))


def set_lead(consultation: Consultation, lead: User | None, *, actor=None, channel: str = "web") -> None:
    """Choose who leads the consultation: an active facilitator or commissioner."""
    if lead is None or not lead.active or lead.role not in LEAD_ROLES:
        raise ConsultationError(_("Choose an active facilitator or commissioner to lead the consultation."), "lead")
    before = {"lead": consultation.lead.email if consultation.lead else None}
    consultation.lead = lead
    db.session.flush()
    record_change("consultation.lead", consultation, before=before, after={"lead": lead.email}, actor=actor,
                  channel=channel)


def set_reminder_days(consultation: Consultation, days: int | None, *, actor=None) -> None:
    """How many days before closing to remind invitees who have not responded (None: no reminder)."""
    if days is not None and not 1 <= days <= 60:
        raise ConsultationError(_("Enter the days before closing as a whole number from 1 to 60."), "reminder_days")
    if consultation.reminder_days != days:
        record_change("consultation.reminder_days", consultation, before={"reminder_days": consultation.reminder_days},
                      after={"reminder_days": days}, actor=actor)
        consultation.reminder_days = days


def set_group_weights(consultation: Consultation, weights: dict[int, float], *, actor=None,
                      channel: str = "web") -> None:
    """Choose which stakeholder groups take part and this consultation's weight for each (only while a draft;
    a change withdraws a commissioner's agreement of how votes are counted)."""
    counting.refuse_if_locked(consultation, "groups")
    if not weights:
        raise ConsultationError(_("Choose at least one stakeholder group."), "groups")
    for group_id, weight in weights.items():
        if weight is None or not 0 <= weight <= 1000:
            raise ConsultationError(_("Each weight must be a number from 0 to 1,000."), f"weight_{group_id}")
    groups = {sg.id: sg for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.id.in_(list(weights))))}
    if len(groups) != len(weights):
        raise ConsultationError(_("Choose stakeholder groups from the list."), "groups")
    before = consultation.weights()
    current = {gw.stakeholder_group_id: gw for gw in consultation.group_weights}
    rows = []
    for group_id, weight in weights.items():
        row = current.get(group_id) or ConsultationGroupWeight(stakeholder_group=groups[group_id])
        row.weight = float(weight)
        rows.append(row)
    consultation.group_weights = rows
    db.session.flush()
    if consultation.weights() == before:
        return
    record_change("consultation.weights", consultation, before={"weights": before},
                  after={"weights": consultation.weights()}, actor=actor, channel=channel)
    counting.withdraw_agreement(consultation, actor=actor, channel=channel)


def translation_status(consultation: Consultation) -> dict[str, dict[str, Any]]:
    """For each enabled locale: which texts are missing, and whether a person has reviewed the translation."""
    status = {}
    texts = [("title", consultation.title), ("summary", consultation.summary)]
    if consultation.vote is not None:
        for priority in consultation.vote.priorities:
            texts.append((f"priority {priority.code}", priority.title))
    for code in current_app.config["LOCALES"]:
        missing = [name for name, content in texts if code in missing_locales(content)]
        status[code] = {"missing": missing, "total": len(texts), "done": len(texts) - len(missing),
                        "reviewed": code == consultation.default_locale or code in (consultation.reviewed_locales
                                                                                       or [])}
    return status


def mark_reviewed(consultation: Consultation, locale: str, reviewed: bool, *, actor=None) -> None:
    """A person vouches for (or withdraws) the translation into `locale`; unreviewed ones are labelled to readers."""
    if locale not in current_app.config["LOCALES"]:
        raise ConsultationError(_("Choose a language."), "locale")
    locales = set(consultation.reviewed_locales or [])
    locales.add(locale) if reviewed else locales.discard(locale)
    consultation.reviewed_locales = sorted(locales)
    record_change("consultation.translation_reviewed", consultation, after={"locale": locale,
                                                                            "reviewed": reviewed}, actor=actor)


# --- `flask --app consult consultation import FILE.json` (DESIGN section 8) -----------------------------------

@contextmanager
def _in_file(path: str | Callable[[str | None], str]) -> Iterator[None]:
    """A service's refusal, reported at its place in the file (`path`, or path(the refused field))."""
    try:
        yield
    except SpecError:
        raise
    except RuleError as exc:
        raise SpecError(path(exc.field) if callable(path) else path, str(exc)) from None


def _new_name(ref: ReferenceSpec) -> dict[str, str]:
    if not ref.name:
        raise SpecError(f"{ref.path}.name", "give the text in at least one language")
    return ref.name


def _import_locality(ref: ReferenceSpec, *, actor, channel: str) -> Locality:
    existing = db.session.scalar(select(Locality).where(Locality.code == ref.code))
    if existing is not None:
        return existing  # a locality keeps its own name and population
    name = _new_name(ref)
    if ref.number is None:
        raise SpecError(f"{ref.path}.population", "expected a whole number of at least 0")
    with _in_file(lambda field: f"{ref.path}.{(field or 'code').split('_')[0]}"):
        return save_locality(None, code=ref.code, name=name, population=ref.number, default_locale=next(iter(name)),
                             actor=actor, channel=channel)


def _import_group(ref: ReferenceSpec, *, actor, channel: str) -> tuple[StakeholderGroup, float]:
    """The group (created if new, its usual weight then the one given) and its weight in this consultation."""
    existing = db.session.scalar(select(StakeholderGroup).where(StakeholderGroup.code == ref.code))
    if existing is not None:
        return existing, ref.number if ref.number is not None else existing.weight
    name = _new_name(ref)
    weight = ref.number if ref.number is not None else 1.0
    with _in_file(lambda field: f"{ref.path}.{(field or 'code').split('_')[0]}"):
        return save_stakeholder_group(None, code=ref.code, name=name, weight=weight, default_locale=next(iter(name)),
                                      actor=actor, channel=channel), weight


def import_consultation(raw: Any, *, actor=None, channel: str = "cli") -> Consultation:
    """Create a consultation from a JSON spec, through the same rules as the web forms.

    Each refusal is a SpecError naming its place in the file; the caller stores nothing unless all went well."""
    spec = read_spec(raw, locales=current_app.config["LOCALES"],
                     default_locale=current_app.config["BABEL_DEFAULT_LOCALE"])
    if get_by_slug(spec.slug) is not None:
        raise SpecError("slug", f"a consultation {spec.slug!r} already exists")
    localities = [_import_locality(ref, actor=actor, channel=channel) for ref in spec.localities]
    groups = [_import_group(ref, actor=actor, channel=channel) for ref in spec.stakeholder_groups]
    with _in_file(lambda field: "title" if (field or "").startswith("title_") else field or "slug"):
        consultation = save_consultation(None, slug=spec.slug, default_locale=spec.default_locale, title=spec.title,
                                         summary=spec.summary, easy_read=spec.easy_read, opens_at=spec.opens_at,
                                         closes_at=spec.closes_at, localities=localities, actor=actor,
                                         channel=channel)
    paths = {f"weight_{group.id}": f"{ref.path}.weight" for (group, _weight), ref in zip(groups, spec.stakeholder_groups)}
    with _in_file(lambda field: paths.get(field, "stakeholder_groups")):
        set_group_weights(consultation, {group.id: weight for group, weight in groups}, actor=actor, channel=channel)
    if spec.vote is not None:
        _import_vote(consultation, spec, actor=actor, channel=channel)
    return consultation


def _import_vote(consultation: Consultation, spec, *, actor, channel: str) -> None:
    vote = spec.vote
    with _in_file(lambda field: f"vote.{field or 'method'}"):
        saved = parts.vote().save_settings(consultation, enabled=True, method=vote.method,
                                           points_budget=vote.points_budget, max_choices=vote.max_choices,
                                           weighting=vote.weighting, actor=actor, channel=channel)
    for priority in vote.priorities:
        with _in_file(lambda field: f"{priority.path}.{(field or 'code').split('_')[0]}"):
            parts.vote().add_priority(saved, None, code=priority.code, title=priority.title,
                                      description=priority.description, easy_read=priority.easy_read,
                                      cost=priority.cost, actor=actor, channel=channel)
