"""Sending queued notifications as e-mail in each person's language, with a working unsubscribe link."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.core.models import utcnow
from consult.extensions import db
from consult.mail.services import compose
from consult.notifications.models import Notification, NotificationStatus, Subscription

_SALT = "consult-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return _serializer().dumps(subscription.id)


def subscription_for_token(token: str) -> Subscription | None:
    try:
        subscription_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(Subscription, subscription_id) if isinstance(subscription_id, int) else None


def _link(consultation: Consultation, kind: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    page = "results" if kind == "results_published" else "you-said-we-did"
    return f"{base}/c/{consultation.slug}/{page}"


def send_queued(consultation_id: int) -> list[int]:
    """Compose a message for each queued notification of a consultation whose person still wants to hear."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise LookupError(f"consultation {consultation_id} does not exist")
    base = current_app.config["BASE_URL"].rstrip("/")
    messages = []
    rows = db.session.execute(
        select(Notification, User, Subscription)
        .join(User, User.id == Notification.user_id)
        .join(Subscription, (Subscription.user_id == Notification.user_id)
              & (Subscription.consultation_id == Notification.consultation_id))
        .where(Notification.consultation_id == consultation_id, Notification.status == NotificationStatus.QUEUED)
        .order_by(Notification.id))
    for notification, user, subscription in rows:
        if subscription.unsubscribed_at is not None or not user.active:
            notification.status = NotificationStatus.FAILED  # they asked to stop: never send
            continue
        message = compose(notification.kind, to_email=user.email, to_name=user.name, locale=notification.locale,
                          context={"link": _link(consultation, notification.kind)}, user=user,
                          consultation=consultation,
                          unsubscribe_url=f"{base}/unsubscribe/{unsubscribe_token(subscription)}")
        notification.status, notification.sent_at = NotificationStatus.SENT, utcnow()
        messages.append(message.id)
    return messages
