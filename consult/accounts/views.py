from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts import services
from consult.accounts.forms import ROLE_CHOICES, ChangePasswordForm, LanguageForm, LoginForm, UserEditForm, UserForm
from consult.accounts.models import User
from consult.accounts.permissions import can_manage_users
from consult.core.i18n import LANG_COOKIE, enabled_locales, locale_name
from consult.core.web import form_error, form_page, safe_next, save_form
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
        done = save_form(form, lambda: services.change_password(current_user, form.current_password.data,
                                                                form.new_password.data),
                         done=_("Your password has been changed."), then=url_for("accounts.account"),
                         fields={"password": "new_password"})
        if done:
            return done
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
        done = save_form(form, lambda: services.create_user(email=form.email.data, name=form.name.data,
                                                            role=form.role.data, password=form.password.data or None),
                         done=lambda user: _("%(name)s has been added.", name=user.name),
                         then=url_for("accounts.users"))
        if done:
            return done
    return form_page("accounts/user_form.html", form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    _require_admin()
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        done = save_form(form, lambda: services.update_user(user, name=form.name.data, role=form.role.data,
                                                            active=form.active.data, actor=current_user),
                         done=_("Changes saved."), then=url_for("accounts.users"))
        if done:
            return done
    return form_page("accounts/user_edit.html", form, user=user)
