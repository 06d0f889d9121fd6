import pytest
from sqlalchemy import select

from consult.core.models import AppendOnlyError, AuditEvent
from consult.core.services import record_change
from consult.extensions import db
from factories import make_user


def test_changes_are_recorded_with_actor_and_before_after():
    actor = make_user(role="admin")
    target = make_user()
    record_change("user.update", target, before={"name": "a"}, after={"name": "b"}, actor=actor)
    db.session.flush()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert (event.entity_type, event.entity_id, event.actor_id) == ("users", str(target.id), actor.id)
    assert event.before == {"name": "a"} and event.after == {"name": "b"}
    assert event.at.tzinfo is not None


def test_audit_events_cannot_be_changed_or_deleted():
    event = record_change("x", make_user())
    db.session.commit()
    event_id = event.id
    event = db.session.get(AuditEvent, event_id)
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    event = db.session.get(AuditEvent, event_id)
    assert event.action == "x"
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_audit_page_is_for_admins_and_commissioners(client):
    from factories import login

    member = make_user()
    commissioner = make_user(role="commissioner")
    record_change("user.create", member, after={"email": member.email}, actor=commissioner)
    db.session.commit()
    login(client, member)
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    login(client, commissioner)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "user.create" in page.get_data(as_text=True)
