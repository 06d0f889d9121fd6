from flask_babel import gettext as _
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
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from consult.core.forms import (
    ChoiceMultipleField,
    ChoiceRadioField,
    ChoiceSelectField,
    GovDateField,
    LocalizedForm,
)
from consult.core.i18n import tr

TIME = Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$", message=_l("Enter a time on the 24-hour clock, like 09:00 or 17:30"))

METHOD_CHOICES = [
    ("ranking", _l("Ranking: people put priorities in order")),
    ("approval", _l("Approval: people tick the priorities they support")),
    ("points", _l("Points: people spread a number of points over the priorities")),
]
WEIGHTING_CHOICES = [
    ("group_shares", _l("Each stakeholder group's votes together carry the group's weight, however many voted")),
    ("group_weights", _l("Each vote counts its stakeholder group's weight")),
    ("equal_people", _l("Every vote counts the same")),
]


class ConsultationForm(LocalizedForm):
    localized_fields = (
        ("title", _l("Title"), 200, False),
        ("summary", _l("Summary"), 4000, True),
        ("easy_read", _l("Easy read summary"), 4000, True),
    )
    slug = StringField(_l("Web address name"), widget=GovTextInput(),
                       description=_l("Lower-case letters, digits and hyphens. It appears in links, like /c/older-people-2027"),
                       validators=[InputRequired(message=_l("Enter a web address name")), Length(max=64)])
    default_locale = ChoiceSelectField(_l("Default language"), widget=GovSelect(),
                                       description=_l("Text falls back to this language where a translation is missing."),
                                       validators=[InputRequired(message=_l("Choose the default language"))])
    opens_on = GovDateField(_l("Opens on"),
                         validators=[InputRequired(message=_l("Enter the date the consultation opens, like 10 1 2027"))])
    opens_time = StringField(_l("Opening time"), default="09:00", widget=GovTextInput(),
                             validators=[InputRequired(message=_l("Enter the opening time")), TIME])
    closes_on = GovDateField(_l("Closes on"),
                          validators=[InputRequired(message=_l("Enter the date the consultation closes, like 31 3 2027"))])
    closes_time = StringField(_l("Closing time"), default="17:00", widget=GovTextInput(),
                              validators=[InputRequired(message=_l("Enter the closing time")), TIME])
    reminder_days = IntegerField(_l("Remind people who have not responded, this many days before closing (optional)"),
                                 widget=GovTextInput(), default=3,
                                 validators=[Optional(), NumberRange(min=1, max=60,
                                                                     message=_l("Enter a whole number from 1 to 60"))])
    localities = ChoiceMultipleField(_l("Localities covered"), coerce=int, widget=GovCheckboxesInput(),
                                     validators=[InputRequired(message=_l("Choose at least one locality"))])
    has_vote = ChoiceRadioField(_l("Does it include a priority vote?"), widget=GovRadioInput(),
                                choices=[("yes", _l("Yes")), ("no", _l("No"))], default="yes",
                                validators=[InputRequired(message=_l("Say whether it includes a priority vote"))])
    method = ChoiceRadioField(_l("How do people vote?"), widget=GovRadioInput(), choices=METHOD_CHOICES,
                              default="ranking", validators=[Optional()])
    points_budget = IntegerField(_l("Points each person may spread (points voting only)"), widget=GovTextInput(),
                                 validators=[Optional(), NumberRange(min=1, max=1000,
                                                                     message=_l("Enter a whole number from 1 to 1,000"))])
    max_choices = IntegerField(_l("Most priorities one person may choose (optional)"), widget=GovTextInput(),
                               validators=[Optional(), NumberRange(min=1, max=100,
                                                                   message=_l("Enter a whole number from 1 to 100"))])
    weighting = ChoiceRadioField(_l("How are stakeholder groups weighted in the results?"), widget=GovRadioInput(),
                                 choices=WEIGHTING_CHOICES, default="group_shares", validators=[Optional()])
    submit = SubmitField(_l("Save consultation"), widget=GovSubmitInput())


class WeightsForm:
    """The stakeholder groups and weights page: for each group a "takes part" box (take_<id>) and a weight
    (weight_<id>), as plain fields so that the page holds however many groups there are.

    `chosen` is {group id: weight} for the groups ticked; `values` is what to show again, per group;
    `errors` holds a message per field. The consultation's own rules are set_group_weights'."""

    def __init__(self, consultation, groups, data=None):
        current = {gw.stakeholder_group_id: gw.weight for gw in consultation.group_weights}
        self.values = {sg.id: (sg.id in current, current.get(sg.id, sg.weight)) for sg in groups}
        self.chosen: dict[int, float] = {}
        self.errors: dict[str, str] = {}
        if data is not None:
            for group in groups:
                self._read(group, data)

    def _read(self, group, data) -> None:
        takes_part = data.get(f"take_{group.id}") == "y"
        raw = (data.get(f"weight_{group.id}") or "").strip()
        self.values[group.id] = (takes_part, raw)
        try:
            weight = float(raw)
        except ValueError:
            weight = None
        if weight is None or not 0 <= weight <= 1000:  # also refuses NaN
            if takes_part:
                self.errors[f"weight_{group.id}"] = _("Enter a weight for %(group)s as a number from 0 to 1,000",
                                                      group=tr(group.name))
        elif takes_part:
            self.chosen[group.id] = weight

    def add_error(self, field: str | None, message: str) -> None:
        self.errors[field or "groups"] = message

    @property
    def error_list(self) -> list[dict[str, str]]:
        return [{"text": message, "href": f"#{field}"} for field, message in self.errors.items()]


class AgreeCountingForm(FlaskForm):
    """A commissioner agrees how votes are counted, saying why (kept in the audit log)."""

    reason = TextAreaField(_l("Why these weights are right for this consultation"), widget=GovTextArea(),
                           validators=[InputRequired(_l("Say why these weights are right for this consultation.")),
                                       Length(max=2000, message=_l("The reason must be 2,000 characters or fewer."))])
    submit = SubmitField(_l("Agree how votes are counted"), widget=GovSubmitInput())


class LeadForm(FlaskForm):
    """Who leads the consultation; the choices (active facilitators and commissioners) are set by the view."""

    lead = ChoiceRadioField(_l("Who leads this consultation?"), coerce=int, widget=GovRadioInput(),
                            description=_l("The lead manages the consultation's settings. Facilitators of the "
                                           "localities it covers still issue codes and enter paper ballots there."),
                            validators=[InputRequired(message=_l("Choose who leads the consultation"))])
    submit = SubmitField(_l("Save the lead"), widget=GovSubmitInput())
