"""Who asked to hear back, and queuing the messages they asked for (a later sender delivers them)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.errors import RuleError
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.notifications.models import KINDS, Notification, Subscription


class NotificationError(RuleError):
    """A refusal shown to the person; `field` names the form field it concerns."""


def _signed_in(user) -> bool:
    return bool(user) and getattr(user, "is_authenticated", False) and getattr(user, "id", None) is not None


def find_subscription(user, consultation: Consultation) -> Subscription | None:
    if not _signed_in(user):
        return None
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user.id,
                                                        Subscription.consultation_id == consultation.id))


def is_subscribed(user, consultation: Consultation) -> bool:
    subscription = find_subscription(user, consultation)
    return subscription is not None and subscription.unsubscribed_at is None


def subscribe(user, consultation: Consultation, *, channel: str = "web") -> Subscription:
    """A signed-in person asks to be told what happens; asking twice keeps one subscription."""
    if not _signed_in(user):
        raise NotificationError(_("Sign in to be told what was decided."))
    if consultation.status.is_draft:
        raise NotificationError(_("This consultation has not started yet."))
    subscription = find_subscription(user, consultation)
    if subscription is None:
        subscription = Subscription(user_id=user.id, consultation_id=consultation.id)
        db.session.add(subscription)
    elif subscription.unsubscribed_at is None:
        return subscription
    subscription.unsubscribed_at = None
    db.session.flush()
    record_change("subscription.add", subscription, after={"user": user.id, "consultation": consultation.slug},
                  actor=user, channel=channel)
    return subscription


def unsubscribe(user, consultation: Consultation, *, channel: str = "web") -> None:
    """Stop telling this person about this consultation (the sender skips what was already queued for them)."""
    subscription = find_subscription(user, consultation)
    if subscription is None or subscription.unsubscribed_at is not None:
        return
    subscription.unsubscribed_at = utcnow()
    db.session.flush()
    record_change("subscription.remove", subscription, before={"user": user.id, "consultation": consultation.slug},
                  actor=user, channel=channel)


def queue_notifications(consultation: Consultation, kind: str, *, actor=None, channel: str = "web") -> int:
    """Queue one `kind` message for each active subscriber not already sent one; returns how many were queued."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    already = set(db.session.scalars(select(Notification.user_id).where(
        Notification.consultation_id == consultation.id, Notification.kind == kind)))
    rows = db.session.execute(
        select(User.id, User.preferred_locale).join(Subscription, Subscription.user_id == User.id)
        .where(Subscription.consultation_id == consultation.id, Subscription.unsubscribed_at.is_(None),
               User.active.is_(True))
        .order_by(User.id))
    enabled = current_app.config["LOCALES"]
    queued = 0
    for user_id, locale in rows:
        if user_id in already:
            continue
        db.session.add(Notification(user_id=user_id, consultation_id=consultation.id, kind=kind,
                                    locale=locale if locale in enabled else consultation.default_locale))
        queued += 1
    db.session.flush()
    if queued:
        record_change("notifications.queue", consultation, after={"kind": kind, "queued": queued}, actor=actor,
                      channel=channel)
    return queued
