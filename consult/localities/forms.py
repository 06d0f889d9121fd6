from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    DecimalField,
    EmailField,
    FloatField,
    IntegerField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from consult.core.forms import ChoiceMultipleField, ChoiceRadioField, ChoiceSelectField, Finite, LocalizedForm


class LocalityForm(LocalizedForm):
    localized_fields = (("name", _l("Name"), 200, False),)
    code = StringField(_l("Code"), widget=GovTextInput(), description=_l("A short code, like PET"),
                       validators=[InputRequired(message=_l("Enter a code")), Length(max=32)])
    population = IntegerField(_l("Population"), widget=GovTextInput(),
                              validators=[InputRequired(message=_l("Enter the population as a whole number")),
                                          NumberRange(min=0, max=100_000_000,
                                                      message=_l("Population must be between 0 and 100,000,000"))])
    submit = SubmitField(_l("Save locality"), widget=GovSubmitInput())


class StakeholderGroupForm(LocalizedForm):
    localized_fields = (("name", _l("Name"), 200, False),)
    code = StringField(_l("Code"), widget=GovTextInput(), description=_l("A short code, like carer"),
                       validators=[InputRequired(message=_l("Enter a code")), Length(max=32)])
    weight = FloatField(_l("Weight"), widget=GovTextInput(),
                        description=_l("How much this group's voice counts when votes are combined, like 1 or 2.5"),
                        validators=[InputRequired(message=_l("Enter a weight as a number")),
                                    Finite(_l("Enter a weight as a number")),
                                    NumberRange(min=0, max=1000, message=_l("Weight must be between 0 and 1,000"))])
    submit = SubmitField(_l("Save stakeholder group"), widget=GovSubmitInput())


class PlanningGroupForm(LocalizedForm):
    localized_fields = (("name", _l("Name"), 200, False),)
    locality = ChoiceSelectField(_l("Locality"), coerce=int, widget=GovSelect(),
                           validators=[InputRequired(message=_l("Choose a locality"))])
    devolved_budget = DecimalField(_l("Devolved budget in pounds (optional)"), places=2, widget=GovTextInput(),
                                   validators=[Optional(), Finite(_l("Enter an amount of 0 or more")),
                                               NumberRange(min=0, max=1_000_000_000,
                                                                       message=_l("Enter an amount of 0 or more"))])
    facilitators = ChoiceMultipleField(_l("Facilitators"), coerce=int, widget=GovCheckboxesInput(),
                                       validators=[Optional()])
    submit = SubmitField(_l("Save planning group"), widget=GovSubmitInput())


class MemberForm(FlaskForm):
    name = StringField(_l("Full name"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter the member's name")), Length(max=200)])
    email = EmailField(_l("Email address"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter the member's email address")),
                                   Email(message=_l("Enter an email address in the correct format, like name@example.com"),
                                         check_deliverability=False),
                                   Length(max=254)])
    stakeholder_group = ChoiceRadioField(_l("Stakeholder group"), coerce=int, widget=GovRadioInput(),
                                   validators=[InputRequired(message=_l("Choose the stakeholder group they speak for"))])
    submit = SubmitField(_l("Add member"), widget=GovSubmitInput())
