from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DecimalField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from consult.commissioning.labels import (
    AREA_LABELS,
    CHANGE_LABELS,
    COMBINE_LABELS,
    PARTNER_LABELS,
    RELATIVE_LABELS,
    ROUTE_LABELS,
    STATUS_LABELS,
)
from consult.core.forms import ChoiceMultipleField, ChoiceRadioField, ChoiceSelectField, GovDateField, LocalizedForm


class DateField(GovDateField):
    """A GOV.UK day/month/year date that also survives a request without its three inputs (a tampered or
    scripted POST): the widget needs exactly three raw values to re-render."""

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:
            self.raw_data = (list(valuelist) + ["", "", ""])[:3]
            if any(part.strip() for part in valuelist):
                self.data = None
                raise ValueError(_l("Enter a real date, like 27 3 2027"))
            self.data = None
            return
        super().process_formdata(valuelist)


AMOUNT_RANGE = NumberRange(min=0, max=999_999_999_999, message=_l("Enter an amount of 0 or more, in pounds"))


def _finite(form, field):
    """Decimal accepts "NaN" and "Infinity", which cannot even be compared with a range: refuse them first."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(str(_l("Enter an amount of 0 or more, in pounds")))


def _amount(label, description=None):
    return DecimalField(label, places=2, widget=GovTextInput(), description=description,
                        validators=[Optional(), _finite, AMOUNT_RANGE])


class PlanningYearForm(FlaskForm):
    label = StringField(_l("Planning year"), widget=GovTextInput(), description=_l("Like 2027/28"),
                        validators=[InputRequired(message=_l("Enter the planning year, like 2027/28")),
                                    Length(max=16)])
    starts_on = DateField(_l("Starts on (optional)"),
                             description=_l("Leave empty for 1 April of the first year"), validators=[Optional()])
    ends_on = DateField(_l("Ends on (optional)"),
                           description=_l("Leave empty for 31 March of the next year"), validators=[Optional()])
    submit = SubmitField(_l("Save planning year"), widget=GovSubmitInput())


class BudgetForm(FlaskForm):
    amount_health = _amount(_l("Health budget in pounds"), _l("Leave empty if there is none"))
    amount_social_care = _amount(_l("Social care budget in pounds"), _l("Leave empty if there is none"))
    amount_aligned = _amount(_l("Aligned budget in pounds"),
                             _l("Money each partner keeps in its own accounts but plans together"))
    pooled_health = _amount(_l("Health (NHS) contribution to the pooled budget, in pounds"))
    pooled_council = _amount(_l("Council contribution to the pooled budget, in pounds"))
    submit = SubmitField(_l("Save budgets"), widget=GovSubmitInput())


class DraftForm(FlaskForm):
    consultations = ChoiceMultipleField(_l("Consultations to draft from"), coerce=int, widget=GovCheckboxesInput(),
                                        validators=[InputRequired(message=_l("Choose at least one consultation"))])
    combine = ChoiceRadioField(_l("How should the localities be combined?"), widget=GovRadioInput(),
                               choices=list(COMBINE_LABELS.items()), default="equal",
                               validators=[InputRequired(message=_l("Choose how to combine the localities"))])
    submit = SubmitField(_l("Draft intentions"), widget=GovSubmitInput())


def _with_none(labels, none_label):
    return [("", none_label), *labels.items()]


class IntentionForm(LocalizedForm):
    localized_fields = (
        ("title", _l("Title"), 200, False),
        ("description", _l("Description"), 4000, True),
        ("easy_read", _l("Easy read description"), 2000, True),
        ("rationale", _l("Rationale"), 4000, True),
    )
    service_area = ChoiceSelectField(_l("Service area"), widget=GovSelect(),
                                     choices=_with_none(AREA_LABELS, _l("Not chosen yet")), default="")
    localities = ChoiceMultipleField(_l("Localities"), coerce=int, widget=GovCheckboxesInput(),
                                     validators=[Optional()])
    amount = _amount(_l("Amount in pounds for the year"))
    funding_route = ChoiceRadioField(_l("Funding route"), widget=GovRadioInput(), default="",
                                     choices=_with_none(ROUTE_LABELS, _l("Not decided yet")))
    lead_commissioner = ChoiceRadioField(_l("Lead commissioner"), widget=GovRadioInput(), default="",
                                         choices=_with_none(PARTNER_LABELS, _l("Not decided yet")))
    status = ChoiceRadioField(_l("Status"), widget=GovRadioInput(), choices=list(STATUS_LABELS.items()),
                              validators=[InputRequired(message=_l("Choose a status"))])
    planned_start = DateField(_l("Planned start (optional)"), validators=[Optional()])
    planned_end = DateField(_l("Planned end (optional)"), validators=[Optional()])
    service_change = ChoiceRadioField(_l("What does this do to existing services?"), widget=GovRadioInput(),
                                      choices=list(CHANGE_LABELS.items()), default="none",
                                      validators=[InputRequired(message=_l("Choose what this does to existing "
                                                                           "services"))])
    relative_cost = ChoiceRadioField(_l("Cost compared with the service it replaces"), widget=GovRadioInput(),
                                     default="", choices=_with_none(RELATIVE_LABELS, _l("Not assessed")))
    relative_quality = ChoiceRadioField(_l("Quality or effectiveness compared with the service it replaces"),
                                        widget=GovRadioInput(), default="",
                                        choices=_with_none(RELATIVE_LABELS, _l("Not assessed")))
    best_value_note = TextAreaField(_l("Best Value notes (optional)"), widget=GovTextArea(),
                                    description=_l("For example the non-financial costs and benefits weighed"),
                                    validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save intention"), widget=GovSubmitInput())
