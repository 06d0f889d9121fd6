from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts import services
from consult.accounts.forms import ROLE_CHOICES, ChangePasswordForm, LanguageForm, LoginForm, UserEditForm, UserForm
from consult.accounts.models import User
from consult.accounts.permissions import can_manage_users
from consult.core.i18n import LANG_COOKIE, enabled_locales, locale_name
from consult.core.web import form_error, safe_next
from consult.extensions import db

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except services.TooManyAttempts as exc:
            db.session.commit()
            form_error(form, "email", str(exc))
            status = 429
        except services.AccountError as exc:
            db.session.commit()  # keep the failure: it counts towards the limit
            form_error(form, "email", str(exc))
            status = 400
        else:
            db.session.commit()
            session.pop(LANG_COOKIE, None)  # the person's own preference applies from now on
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/account")
@login_required
def account():
    return render_template("accounts/account.html", password_form=ChangePasswordForm(prefix="pw"),
                           language_form=_language_form(), locale_name=locale_name)


def _language_form(**kwargs) -> LanguageForm:
    form = LanguageForm(prefix="lang", **kwargs)
    form.preferred_locale.choices = [(code, locale_name(code)) for code in enabled_locales()]
    return form


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as exc:
            form_error(form, exc.field == "password" and "new_password" or exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form, language_form=_language_form(),
                           locale_name=locale_name), 400


@bp.route("/account/language", methods=["POST"])
@login_required
def change_language():
    form = _language_form()
    if form.validate_on_submit():
        services.set_preferred_locale(current_user, form.preferred_locale.data)
        db.session.commit()
        session.pop(LANG_COOKIE, None)
        flash(_("Your language has been saved."), "success")
        return redirect(url_for("accounts.account", lang=form.preferred_locale.data))
    return render_template("accounts/account.html", password_form=ChangePasswordForm(prefix="pw"),
                           language_form=form, locale_name=locale_name), 400


def _require_admin():
    if not can_manage_users(current_user):
        abort(403)


@bp.route("/admin/users")
@login_required
def users():
    _require_admin()
    return render_template("accounts/users.html", users=services.list_users(request.args.get("q")),
                           role_names=dict(ROLE_CHOICES),
                           q=request.args.get("q", ""))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    _require_admin()
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                        password=form.password.data or None)
        except services.AccountError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("%(name)s has been added.", name=user.name), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form), 400 if form.errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    _require_admin()
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(user, name=form.name.data, role=form.role.data, active=form.active.data,
                                 actor=current_user)
        except services.AccountError as exc:
            db.session.rollback()
            form_error(form, exc.field, str(exc))
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_edit.html", form=form, user=user), 400 if form.errors else 200
