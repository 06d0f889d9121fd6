"""Composing messages under the recipient's locale, and delivering them with retries."""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from consult.core.models import utcnow
from consult.extensions import db
from consult.mail.models import MailMessage, MailStatus

#: Seconds to wait before each retry; after the last, the message is marked failed.
BACKOFF = (60, 300, 1800, 7200)


def compose(kind: str, *, to_email: str, to_name: str | None, locale: str, context: dict[str, Any],
            user=None, consultation=None, unsubscribe_url: str | None = None) -> MailMessage:
    """Render templates/mail/<kind>.txt and .html in the recipient's language and queue the message."""
    if locale not in current_app.config["LOCALES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    context = {**context, "to_name": to_name, "locale": locale, "unsubscribe_url": unsubscribe_url,
               "consultation": consultation}
    with force_locale(locale):
        subject = render_template(f"mail/{kind}.subject.txt", **context).strip()
        text_body = render_template(f"mail/{kind}.txt", **context)
        html_body = render_template(f"mail/{kind}.html", **context)
    message = MailMessage(to_email=to_email, to_name=to_name, user_id=getattr(user, "id", None),
                          consultation_id=getattr(consultation, "id", None), kind=kind, locale=locale,
                          subject=subject[:300], text_body=text_body, html_body=html_body,
                          unsubscribe_url=unsubscribe_url)
    db.session.add(message)
    db.session.flush()
    return message


def _email(message: MailMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = formataddr((message.to_name or "", message.to_email))
    email["Message-ID"] = make_msgid(domain=current_app.config["MAIL_FROM"].rpartition("@")[2] or None)
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    email["Content-Language"] = message.locale  # after set_content, which drops Content-* headers
    return email


def _send_smtp(message: MailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(_email(message))


def deliver(message_id: int) -> dict[str, Any]:
    """Send one message (SMTP if configured, else the in-app outbox); on failure say when to try again."""
    message = db.session.get(MailMessage, message_id)
    if message is None:
        raise LookupError(f"mail message {message_id} does not exist")
    if message.status.is_settled:
        return {"message": message_id, "status": message.status}  # already done: never send twice
    message.attempts += 1
    if not current_app.config["MAIL_SERVER"]:
        message.status, message.sent_at = MailStatus.OUTBOX, utcnow()
        return {"message": message_id, "status": message.status}
    try:
        _send_smtp(message)
    except (smtplib.SMTPException, OSError) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts > len(BACKOFF):
            message.status, message.next_attempt_at = MailStatus.FAILED, None
            return {"message": message_id, "status": message.status}
        message.status = MailStatus.RETRYING
        message.next_attempt_at = utcnow() + timedelta(seconds=BACKOFF[message.attempts - 1])
        return {"message": message_id, "status": message.status,
                "retry_at": message.next_attempt_at.isoformat()}
    message.status, message.sent_at, message.next_attempt_at = MailStatus.SENT, utcnow(), None
    return {"message": message_id, "status": message.status}


def outbox(kind: str | None = None, status: str | None = None, limit: int = 200) -> list[MailMessage]:
    stmt = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if kind:
        stmt = stmt.where(MailMessage.kind == kind)
    if status:
        stmt = stmt.where(MailMessage.status == status)
    return list(db.session.scalars(stmt))
