"""Consultations: creating them (by form or JSON spec), their weights, and moving through their statuses."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import Role
from consult.consultations.models import Consultation, ConsultationGroupWeight, ConsultationStatus
from consult.core.i18n import locale_name, missing_locales
from consult.core.models import utcnow
from consult.core.permissions import can_manage_consultation, is_admin
from consult.core.services import record_change
from consult.extensions import db
from consult.localities.models import Locality, StakeholderGroup
from consult.voting.models import METHODS, SCHEMES, Ballot, Priority, Vote
from consult.voting.results import latest_snapshot
from consult.voting.services import vote_is_locked

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


class ConsultationError(ValueError):
    """A change that breaks a rule; str() is shown to the person and `field` names the form field or spec path."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def get_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def consultations_for(user) -> list[Consultation]:
    """Everyone's for administrators and commissioners; a facilitator's own and their localities'."""
    stmt = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.slug)
    items = list(db.session.scalars(stmt))
    if is_admin(user) or user.role == Role.COMMISSIONER.value:
        return items
    return [c for c in items if can_manage_consultation(user, c)]


def _check_slug(slug: str, consultation: Consultation | None) -> str:
    slug = (slug or "").strip()
    if not SLUG_PATTERN.match(slug):
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


def _check_vote_settings(method: str, points_budget: int | None, max_choices: int | None, weighting: str,
                         prefix: str = "") -> None:
    if method not in METHODS:
        raise ConsultationError(_("Choose how people vote."), f"{prefix}method")
    if weighting not in SCHEMES:
        raise ConsultationError(_("Choose how stakeholder groups are weighted."), f"{prefix}weighting")
    if method == "points" and (points_budget is None or points_budget < 1 or points_budget > 1000):
        raise ConsultationError(_("Enter the points each person may spread, from 1 to 1,000."),
                                f"{prefix}points_budget")
    if max_choices is not None and not 1 <= max_choices <= 100:
        raise ConsultationError(_("The most choices must be between 1 and 100, or left empty."),
                                f"{prefix}max_choices")


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
        consultation = Consultation(created_by_id=getattr(actor, "id", None), group_weights=weights)
    else:
        if consultation.status in (ConsultationStatus.CLOSED.value, ConsultationStatus.PUBLISHED.value):
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
    """What the audit log keeps of a consultation's settings."""
    vote = consultation.vote
    return {
        "slug": consultation.slug, "status": consultation.status, "default_locale": consultation.default_locale,
        "title": consultation.title, "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "localities": [loc.code for loc in consultation.localities],
        "weights": consultation.weights(),
        "vote": None if vote is None else {"method": vote.method, "points_budget": vote.points_budget,
                                           "max_choices": vote.max_choices, "weighting": vote.weighting},
    }


def set_reminder_days(consultation: Consultation, days: int | None, *, actor=None) -> None:
    """How many days before closing to remind invitees who have not responded (None: no reminder)."""
    if days is not None and not 1 <= days <= 60:
        raise ConsultationError(_("Enter the days before closing as a whole number from 1 to 60."), "reminder_days")
    if consultation.reminder_days != days:
        record_change("consultation.reminder_days", consultation, before={"reminder_days": consultation.reminder_days},
                      after={"reminder_days": days}, actor=actor)
        consultation.reminder_days = days


def save_vote_settings(consultation: Consultation, *, enabled: bool, method: str | None = None,
                       points_budget: int | None = None, max_choices: int | None = None,
                       weighting: str | None = None, actor=None, channel: str = "web") -> Vote | None:
    """Add, change or remove the priority vote; the method is fixed once anyone has voted."""
    vote = consultation.vote
    if not enabled:
        if vote is not None:
            if vote_is_locked(consultation):
                raise ConsultationError(_("People have already voted, so the vote cannot be removed."), "has_vote")
            consultation.vote = None
            db.session.flush()
            record_change("vote.remove", consultation, actor=actor, channel=channel)
        return None
    _check_vote_settings(method, points_budget, max_choices, weighting)
    if vote is not None and vote_is_locked(consultation):
        changed = (vote.method, vote.points_budget, vote.max_choices) != (
            method, points_budget if method == "points" else None, max_choices)
        if changed:
            raise ConsultationError(_("People have already voted, so how they vote cannot change. "
                                      "You can still change the weighting used for results."), "method")
    before = None if vote is None else {"method": vote.method, "points_budget": vote.points_budget,
                                        "max_choices": vote.max_choices, "weighting": vote.weighting}
    if vote is None:
        vote = Vote(consultation=consultation)
        db.session.add(vote)
    vote.method, vote.weighting, vote.max_choices = method, weighting, max_choices
    vote.points_budget = points_budget if method == "points" else None
    db.session.flush()
    record_change("vote.settings", consultation, before=before,
                  after={"method": method, "points_budget": vote.points_budget, "max_choices": max_choices,
                         "weighting": weighting}, actor=actor, channel=channel)
    return vote


def set_group_weights(consultation: Consultation, weights: dict[int, float], *, actor=None,
                      channel: str = "web") -> None:
    """Choose which stakeholder groups take part and this consultation's weight for each."""
    if not weights:
        raise ConsultationError(_("Choose at least one stakeholder group."), "groups")
    for group_id, weight in weights.items():
        if weight is None or not 0 <= weight <= 1000:
            raise ConsultationError(_("Each weight must be a number from 0 to 1,000."), f"weight_{group_id}")
    groups = {sg.id: sg for sg in db.session.scalars(select(StakeholderGroup).where(
        StakeholderGroup.id.in_(list(weights))))}
    if len(groups) != len(weights):
        raise ConsultationError(_("Choose stakeholder groups from the list."), "groups")
    if vote_is_locked(consultation):
        voted = set(db.session.scalars(select(Ballot.stakeholder_group_id).where(
            Ballot.consultation_id == consultation.id).distinct()))
        dropped = voted - set(weights)
        if dropped:
            raise ConsultationError(_("A group whose members have voted cannot be removed from the consultation."),
                                    "groups")
    before = consultation.weights()
    current = {gw.stakeholder_group_id: gw for gw in consultation.group_weights}
    rows = []
    for group_id, weight in weights.items():
        row = current.get(group_id) or ConsultationGroupWeight(stakeholder_group=groups[group_id])
        row.weight = float(weight)
        rows.append(row)
    consultation.group_weights = rows
    db.session.flush()
    record_change("consultation.weights", consultation, before={"weights": before},
                  after={"weights": consultation.weights()}, actor=actor, channel=channel)


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


def open_consultation(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Make a draft live; people can respond between its opening and closing times."""
    if consultation.status != ConsultationStatus.DRAFT.value:
        raise ConsultationError(_("Only a draft consultation can be opened."), "status")
    if not consultation.group_weights:
        raise ConsultationError(_("Choose at least one stakeholder group before opening."), "status")
    if consultation.vote is not None and len(consultation.vote.priorities) < 2:
        raise ConsultationError(_("Add at least two priorities to vote on before opening."), "status")
    if consultation.closes_at <= utcnow():
        raise ConsultationError(_("The closing date has passed. Change it before opening."), "status")
    _transition(consultation, ConsultationStatus.OPEN, "opened_at", actor, channel)


def close_consultation(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Stop responses now (the caller queues the tally and report jobs)."""
    if consultation.status != ConsultationStatus.OPEN.value:
        raise ConsultationError(_("Only an open consultation can be closed."), "status")
    _transition(consultation, ConsultationStatus.CLOSED, "closed_at", actor, channel)


def publish_results(consultation: Consultation, *, actor=None, channel: str = "web") -> None:
    """Make the results public; a vote needs a results snapshot first."""
    if consultation.status != ConsultationStatus.CLOSED.value:
        raise ConsultationError(_("Only a closed consultation's results can be published."), "status")
    if consultation.vote is not None and latest_snapshot(consultation) is None:
        raise ConsultationError(_("The results have not been calculated yet. Wait for the tally to finish."),
                                "status")
    _transition(consultation, ConsultationStatus.PUBLISHED, "published_at", actor, channel)


def _transition(consultation, status: ConsultationStatus, stamp: str, actor, channel) -> None:
    before = consultation.status
    consultation.status = status.value
    setattr(consultation, stamp, utcnow())
    db.session.flush()
    record_change(f"consultation.{status.value}", consultation, before={"status": before},
                  after={"status": status.value}, actor=actor, channel=channel)


# --- the JSON spec of `flask --app consult consultation import` (README, "Consultation spec") ---------------

def _text(value: Any, path: str, *, required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConsultationError(f"{path}: expected an object of language code to text, like {{\"en\": \"...\"}}",
                                path)
    unknown = [k for k in value if k not in current_app.config["LOCALES"]]
    if unknown:
        raise ConsultationError(f"{path}: language {unknown[0]!r} is not enabled "
                                f"(enabled: {', '.join(current_app.config['LOCALES'])})", path)
    text = {k: v.strip() for k, v in value.items() if v.strip()}
    if required and not text:
        raise ConsultationError(f"{path}: give the text in at least one language", path)
    return text


def _datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str):
        raise ConsultationError(f"{path}: expected an ISO 8601 date-time with a time zone", path)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConsultationError(f"{path}: {value!r} is not an ISO 8601 date-time", path) from None
    if moment.tzinfo is None:
        raise ConsultationError(f"{path}: give a time zone, like 2027-01-10T09:00:00+00:00", path)
    return moment


def _whole(value: Any, path: str, *, minimum: int = 0, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConsultationError(f"{path}: expected a whole number of at least {minimum}", path)
    return value


def _list(value: Any, path: str, *, optional: bool = False) -> list:
    if value is None and optional:
        return []
    if not isinstance(value, list) or not value:
        raise ConsultationError(f"{path}: expected a non-empty list", path)
    return value


def _code(value: Any, path: str) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ConsultationError(f"{path}: a code is 1 to 32 letters, digits, '-' or '_'", path)
    return value


def _reference_rows(items: Any, key: str, model, expected: str):
    """Localities or stakeholder groups of a spec, matched by code: (path, item, code, existing row, name)."""
    seen = set()
    for i, item in enumerate(_list(items, key)):
        path = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise ConsultationError(f"{path}: expected an object with {expected}", path)
        code = _code(item.get("code"), f"{path}.code")
        if code in seen:
            raise ConsultationError(f"{path}.code: {code!r} appears twice", path)
        seen.add(code)
        existing = db.session.scalar(select(model).where(model.code == code))
        # A new row needs a name; an existing one keeps its own.
        yield path, item, code, existing, _text(item.get("name"), f"{path}.name", required=existing is None)


def import_consultation(spec: Any, *, actor=None, channel: str = "cli") -> Consultation:
    """Create a consultation from a JSON spec (DESIGN section 8); every problem is found before anything is stored."""
    if not isinstance(spec, dict):
        raise ConsultationError("the file must hold one JSON object", "")
    known = {"slug", "default_locale", "title", "summary", "easy_read", "opens_at", "closes_at", "localities",
             "stakeholder_groups", "vote"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ConsultationError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})", unknown[0])
    default_locale = spec.get("default_locale", current_app.config["BABEL_DEFAULT_LOCALE"])
    if default_locale not in current_app.config["LOCALES"]:
        raise ConsultationError(f"default_locale: {default_locale!r} is not an enabled language", "default_locale")
    slug = spec.get("slug")
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise ConsultationError("slug: 1 to 64 lower-case letters, digits or hyphens, like older-people-2027",
                                "slug")
    if get_by_slug(slug) is not None:
        raise ConsultationError(f"slug: a consultation {slug!r} already exists", "slug")
    title = _text(spec.get("title"), "title")
    if not title.get(default_locale):
        raise ConsultationError(f"title: give the title in the default language {default_locale!r}", "title")
    summary = _text(spec.get("summary"), "summary", required=False)
    easy_read = _text(spec.get("easy_read"), "easy_read", required=False)
    opens_at, closes_at = _datetime(spec.get("opens_at"), "opens_at"), _datetime(spec.get("closes_at"), "closes_at")
    if closes_at <= opens_at:
        raise ConsultationError("closes_at: must be after opens_at", "closes_at")

    localities = []
    for path, item, code, existing, name in _reference_rows(spec.get("localities"), "localities", Locality,
                                                          "code, name and population"):
        population = _whole(item.get("population"), f"{path}.population", optional=existing is not None)
        localities.append((code, existing, name, population))

    groups = []
    for path, item, code, existing, name in _reference_rows(spec.get("stakeholder_groups"), "stakeholder_groups",
                                                          StakeholderGroup, "code, name and weight"):
        weight = item.get("weight", existing.weight if existing else 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1000:
            raise ConsultationError(f"{path}.weight: expected a number from 0 to 1000", path)
        groups.append((code, existing, name, float(weight)))

    vote_spec = spec.get("vote")
    priorities = []
    if vote_spec is not None:
        if not isinstance(vote_spec, dict):
            raise ConsultationError("vote: expected an object", "vote")
        unknown = sorted(set(vote_spec) - {"method", "points_budget", "max_choices", "weighting", "priorities"})
        if unknown:
            raise ConsultationError(f"vote: unknown key {unknown[0]!r}", "vote")
        method, weighting = vote_spec.get("method"), vote_spec.get("weighting", "group_shares")
        if method not in METHODS:
            raise ConsultationError(f"vote.method: one of {', '.join(METHODS)}", "vote.method")
        if weighting not in SCHEMES:
            raise ConsultationError(f"vote.weighting: one of {', '.join(SCHEMES)}", "vote.weighting")
        points_budget = _whole(vote_spec.get("points_budget"), "vote.points_budget", minimum=1,
                               optional=method != "points")
        max_choices = _whole(vote_spec.get("max_choices"), "vote.max_choices", minimum=1, optional=True)
        seen = set()
        for i, item in enumerate(_list(vote_spec.get("priorities"), "vote.priorities")):
            path = f"vote.priorities[{i}]"
            if not isinstance(item, dict):
                raise ConsultationError(f"{path}: expected an object with code and title", path)
            code = _code(item.get("code"), f"{path}.code")
            if code in seen:
                raise ConsultationError(f"{path}.code: {code!r} appears twice", path)
            seen.add(code)
            ptitle = _text(item.get("title"), f"{path}.title")
            cost = item.get("cost")
            if cost is not None:
                try:
                    cost = Decimal(str(cost))
                except InvalidOperation:
                    cost = None
                if isinstance(item.get("cost"), bool) or cost is None or cost < 0 or not cost.is_finite():
                    raise ConsultationError(f"{path}.cost: expected an amount of 0 or more", path)
            priorities.append(Priority(code=code, title=ptitle,
                                       description=_text(item.get("description"), f"{path}.description",
                                                         required=False),
                                       easy_read=_text(item.get("easy_read"), f"{path}.easy_read", required=False),
                                       cost=cost, position=i))
        if len(priorities) < 2:
            raise ConsultationError("vote.priorities: give at least two priorities", "vote.priorities")

    # Everything is valid: now store it.
    from consult.localities.services import save_locality, save_stakeholder_group

    locality_rows = [existing or save_locality(None, code=code, name=name, population=population,
                                               default_locale=next(iter(name)), actor=actor, channel=channel)
                     for code, existing, name, population in localities]
    group_rows = [(existing or save_stakeholder_group(None, code=code, name=name, weight=weight,
                                                      default_locale=next(iter(name)), actor=actor,
                                                      channel=channel), weight)
                  for code, existing, name, weight in groups]
    consultation = Consultation(slug=slug, default_locale=default_locale, title=title, summary=summary,
                                easy_read=easy_read, opens_at=opens_at, closes_at=closes_at,
                                localities=locality_rows, created_by_id=getattr(actor, "id", None),
                                group_weights=[ConsultationGroupWeight(stakeholder_group=sg, weight=w)
                                               for sg, w in group_rows])
    if vote_spec is not None:
        consultation.vote = Vote(method=method, points_budget=points_budget if method == "points" else None,
                                 max_choices=max_choices, weighting=weighting, priorities=priorities)
    db.session.add(consultation)
    db.session.flush()
    record_change("consultation.import", consultation, after=snapshot(consultation), actor=actor, channel=channel)
    return consultation
