"""Mail: rendered in the recipient's language, delivered to the outbox or through a real SMTP server."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from consult.extensions import db
from consult.jobs import queue
from consult.mail.models import MailMessage
from consult.mail.services import BACKOFF, compose, deliver
from factories import login, make_consultation, make_user


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()
    app.config.update(MAIL_SERVER="", MAIL_PORT=25)


def _invitation(locale):
    consultation = make_consultation(title={"en": "Older people", "cy": "Pobl hŷn", "ur": "بزرگ افراد"})
    return compose("invitation", to_email="ann@example.org", to_name="Ann", locale=locale,
                   context={"link": "http://x/i/abc"}, consultation=consultation)


@pytest.mark.parametrize("locale, words", [("en", "You are invited"), ("cy", "Pobl hŷn"), ("ur", "بزرگ افراد")])
def test_messages_are_rendered_in_the_recipients_language(locale, words):
    message = _invitation(locale)
    assert message.locale == locale
    assert words in message.text_body and words in message.html_body
    assert f'lang="{locale}"' in message.html_body
    assert "http://x/i/abc" in message.text_body


def test_without_smtp_messages_go_to_the_outbox_once():
    message = _invitation("en")
    assert deliver(message.id)["status"] == "outbox"
    assert deliver(message.id)["status"] == "outbox"
    assert message.attempts == 1 and message.sent_at is not None


def test_real_smtp_server_receives_text_and_html_parts(smtp_server):
    message = _invitation("cy")
    assert deliver(message.id)["status"] == "sent"
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == "Ann <ann@example.org>"
    assert received["Content-Language"] == "cy"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in received.walk()
             if not part.is_multipart()}
    assert "Pobl hŷn" in parts["text/plain"] and "Pobl hŷn" in parts["text/html"]


def test_smtp_failures_back_off_and_then_fail_visibly(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    try:
        message = _invitation("en")
        first = deliver(message.id)
        assert first["status"] == "retrying" and "retry_at" in first
        assert message.last_error and message.next_attempt_at > message.created_at
        for _ in BACKOFF:
            result = deliver(message.id)
        assert result["status"] == "failed" and message.attempts == len(BACKOFF) + 1
    finally:
        app.config.update(MAIL_SERVER="", MAIL_PORT=25)


def test_a_failed_send_is_retried_by_the_worker_later(live_app, work_queue):
    live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        message = _invitation("en")
        queue.submit("mail.send", args={"message_id": message.id})
        queue.commit_and_dispatch()
        work_queue()
        db.session.rollback()
        retry = db.session.get(MailMessage, message.id)
        assert retry.status == "retrying" and retry.attempts == 1
    finally:
        live_app.config.update(MAIL_SERVER="", MAIL_PORT=25)
    from datetime import timedelta

    from consult.core.clock import travel

    with travel(timedelta(seconds=BACKOFF[0] + 5)):
        work_queue()
    db.session.rollback()
    assert db.session.get(MailMessage, message.id).status == "outbox"


def test_only_administrators_read_the_outbox(client):
    message = _invitation("ur")
    db.session.commit()
    login(client, make_user(role="facilitator"))
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    client.post("/logout")
    login(client, make_user(role="admin"))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "ann@example.org" in page
    assert "بزرگ افراد" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert client.get("/admin/outbox?status=bogus").status_code == 400
