
from consult.accounts.models import User
from consult.extensions import db
from factories import PASSWORD, login, make_user


def test_sign_in_and_out(client):
    user = make_user(name="Ann Example")
    db.session.commit()
    login(client, user)
    assert "You are signed in as Ann Example" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_wrong_password_is_a_400_with_a_clear_message(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a correct email address and password" in html
    assert "govuk-error-summary" in html


def test_missing_fields_are_reported(client):
    response = client.post("/login", data={})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter your email address" in html and "Enter your password" in html


def test_email_is_case_insensitive(client):
    user = make_user(email="mixed@example.org")
    response = client.post("/login", data={"email": "  MIXED@Example.org ", "password": PASSWORD})
    assert response.status_code == 302 and user


def test_inactive_users_cannot_sign_in(client):
    user = make_user(active=False)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400


def test_failed_sign_ins_are_rate_limited(client, app):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert client.post("/login", data={"email": user.email, "password": "nope nope"}).status_code == 400
    # Now even the right password is refused for a while.
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_success_clears_earlier_failures(client, app):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/login", data={"email": user.email, "password": "nope nope"})
    login(client, user)
    client.post("/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/login", data={"email": user.email, "password": "nope nope"})
    login(client, user)


def test_next_only_goes_to_local_pages(client):
    user = make_user()
    ok = client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert ok.location.endswith("/account")
    client.post("/logout")
    evil = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert evil.location == "/"


def test_change_password(client):
    user = make_user()
    login(client, user)
    bad = client.post("/account/password", data={"pw-current_password": "wrong", "pw-new_password": "a" * 12,
                                                 "pw-confirm": "a" * 12})
    assert bad.status_code == 400 and "Your current password is not correct" in bad.get_data(as_text=True)
    short = client.post("/account/password", data={"pw-current_password": PASSWORD, "pw-new_password": "short",
                                                   "pw-confirm": "short"})
    assert short.status_code == 400 and "12 characters or more" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"pw-current_password": PASSWORD,
                                                "pw-new_password": "a brand new passphrase",
                                                "pw-confirm": "a brand new passphrase"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("a brand new passphrase")


def test_change_preferred_language(client):
    user = make_user()
    login(client, user)
    assert client.post("/account/language", data={"lang-preferred_locale": "xx"}).status_code == 400
    response = client.post("/account/language", data={"lang-preferred_locale": "ur"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).preferred_locale == "ur"


def test_passwords_are_argon2_hashes():
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password(PASSWORD) and not user.check_password("x")
