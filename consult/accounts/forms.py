from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from consult.core.forms import ChoiceRadioField
from consult.core.permissions import Role

ROLE_CHOICES = [
    (Role.MEMBER.value, _l("Member")),
    (Role.FACILITATOR.value, _l("Facilitator")),
    (Role.COMMISSIONER.value, _l("Commissioner")),
    (Role.ADMIN.value, _l("Administrator")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter your email address")),
                                   Length(max=254)])
    password = PasswordField(_l("Password"), widget=GovPasswordInput(),
                             validators=[InputRequired(message=_l("Enter your password")), Length(max=200)])
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), widget=GovPasswordInput(),
                                     validators=[InputRequired(message=_l("Enter your current password"))])
    new_password = PasswordField(_l("New password"), widget=GovPasswordInput(),
                                 description=_l("Use 12 characters or more."),
                                 validators=[InputRequired(message=_l("Enter a new password")), Length(max=200)])
    confirm = PasswordField(_l("Confirm new password"), widget=GovPasswordInput(),
                            validators=[InputRequired(message=_l("Confirm your new password")),
                                        EqualTo("new_password", message=_l("The passwords do not match"))])
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class LanguageForm(FlaskForm):
    preferred_locale = ChoiceRadioField(_l("Language"), widget=GovRadioInput(),
                                  validators=[InputRequired(message=_l("Choose a language"))])
    submit = SubmitField(_l("Save language"), widget=GovSubmitInput())


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter a name")), Length(max=200)])
    email = EmailField(_l("Email address"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter an email address")),
                                   Email(message=_l("Enter an email address in the correct format, like name@example.com"),
                                         check_deliverability=False),
                                   Length(max=254)])
    role = ChoiceRadioField(_l("Role"), choices=ROLE_CHOICES, default=Role.MEMBER.value, widget=GovRadioInput(),
                      validators=[InputRequired(message=_l("Choose a role"))])
    password = PasswordField(_l("Password (optional)"), widget=GovPasswordInput(),
                             description=_l("Leave empty if the person will be invited to set their own."),
                             validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Create user"), widget=GovSubmitInput())


class UserEditForm(FlaskForm):
    name = StringField(_l("Full name"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter a name")), Length(max=200)])
    role = ChoiceRadioField(_l("Role"), choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message=_l("Choose a role"))])
    active = BooleanField(_l("Can sign in"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())
