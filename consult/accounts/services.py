"""Creating users, signing in (rate-limited), passwords and language preference."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from consult.accounts.models import LoginFailure, User
from consult.core.errors import RuleError
from consult.core.models import utcnow
from consult.core.permissions import ROLE_VALUES
from consult.core.services import record_change
from consult.extensions import db

MIN_PASSWORD_LENGTH = 12


class AccountError(RuleError):
    """A request about an account that breaks a rule; str() is shown to the person."""


class TooManyAttempts(AccountError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(*, email: str, name: str, role: str, password: str | None = None,
                preferred_locale: str | None = None, actor=None, channel: str = "web") -> User:
    """Add a person; e-mail addresses are unique regardless of case."""
    email = normalise_email(email)
    if role not in ROLE_VALUES:
        raise AccountError(_("Choose a role."), "role")
    if find_user_by_email(email):
        raise AccountError(_("A user with this email address already exists."), "email")
    if password is not None:
        check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role, preferred_locale=preferred_locale)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_change("user.create", user, after={"email": email, "name": user.name, "role": role},
                  actor=actor, channel=channel)
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Password must be %(n)d characters or more.", n=MIN_PASSWORD_LENGTH), "password")


def _recent_failures(email: str, address: str) -> tuple[int, int]:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    by_email = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email, LoginFailure.at >= since))
    by_address = db.session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.address == address, LoginFailure.at >= since))
    return by_email, by_address


def authenticate(email: str, password: str, address: str) -> User:
    """Check a sign-in; after too many failures for the account or the address, refuse for a while."""
    email = normalise_email(email)
    address = (address or "unknown")[:64]
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    by_email, by_address = _recent_failures(email, address)
    if by_email >= limit or by_address >= limit * 4:
        minutes = current_app.config["LOGIN_WINDOW_SECONDS"] // 60
        raise TooManyAttempts(_("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                                minutes=minutes))
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(email=email, address=address))
        raise AccountError(_("Enter a correct email address and password."), "email")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def forget_old_failures() -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.execute(delete(LoginFailure).where(LoginFailure.at < since)).rowcount


def change_password(user: User, current: str, new: str) -> None:
    """A person changes their own password, proving they know the current one."""
    if not user.check_password(current):
        raise AccountError(_("Your current password is not correct."), "current_password")
    check_password_rules(new)
    user.set_password(new)
    record_change("user.password", user, actor=user)


def set_preferred_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LOCALES"]:
        raise AccountError(_("Choose a language."), "preferred_locale")
    before = user.preferred_locale
    user.preferred_locale = locale
    record_change("user.locale", user, before={"preferred_locale": before}, after={"preferred_locale": locale},
                  actor=user)


def update_user(user: User, *, name: str, role: str, active: bool, actor) -> User:
    """An administrator changes someone's name, role or whether they may sign in."""
    if role not in ROLE_VALUES:
        raise AccountError(_("Choose a role."), "role")
    if user.id == getattr(actor, "id", None) and (role != user.role or not active):
        raise AccountError(_("You cannot change your own role or deactivate yourself."), "role")
    before = {"name": user.name, "role": user.role, "active": user.active}
    user.name, user.role, user.active = name.strip(), role, active
    record_change("user.update", user, before=before, after={"name": user.name, "role": role, "active": active},
                  actor=actor)
    return user


def list_users(query: str | None = None) -> list[User]:
    stmt = select(User).order_by(User.name)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    return list(db.session.scalars(stmt))
