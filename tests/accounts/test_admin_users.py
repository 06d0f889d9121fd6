import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.core.models import AuditEvent
from consult.extensions import db
from factories import login, make_user


@pytest.mark.parametrize("role", ["member", "facilitator", "commissioner"])
def test_only_admins_manage_users(client, role):
    user = make_user(role=role)
    login(client, user)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403
    assert client.post("/admin/users/new", data={"name": "X", "email": "x@example.org",
                                                 "role": "admin"}).status_code == 403
    assert client.get(f"/admin/users/{user.id}").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.location


def test_admin_creates_a_user_and_it_is_audited(client):
    admin = make_user(role="admin")
    login(client, admin)
    response = client.post("/admin/users/new", data={"name": "Nia Jones", "email": "Nia@Example.org",
                                                     "role": "facilitator", "password": "long enough pass"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    assert user.role == "facilitator" and user.check_password("long enough pass")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.create", AuditEvent.actor_id == admin.id)) == 1


@pytest.mark.parametrize("data, message", [
    ({"name": "", "email": "a@example.org", "role": "member"}, "Enter a name"),
    ({"name": "A", "email": "not-an-email", "role": "member"}, "correct format"),
    ({"name": "A", "email": "a@example.org", "role": "emperor"}, "Choose one of the options"),
    ({"name": "A", "email": "a@example.org", "role": "member", "password": "short"}, "12 characters"),
])
def test_bad_user_input_is_refused_and_nothing_saved(client, data, message):
    login(client, make_user(role="admin"))
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_duplicate_email_is_refused(client):
    existing = make_user(email="taken@example.org")
    login(client, make_user(role="admin"))
    response = client.post("/admin/users/new", data={"name": "B", "email": "TAKEN@example.org", "role": "member"})
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)
    assert existing


def test_admin_cannot_demote_themselves(client):
    admin = make_user(role="admin")
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "member", "active": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_admin_deactivates_someone(client):
    target = make_user()
    login(client, make_user(role="admin"))
    response = client.post(f"/admin/users/{target.id}", data={"name": target.name, "role": "member"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).active is False
