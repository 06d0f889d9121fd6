"""Forms for building surveys. (Answer pages are built from the questions themselves: see views.py.)"""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from consult.core.forms import ChoiceRadioField, ChoiceSelectField, LocalizedForm
from consult.surveys.kinds import KIND_LABELS
from consult.surveys.models import SurveyStatus

STATUS_LABELS = ((SurveyStatus.DRAFT, _l("Draft: not open yet")), (SurveyStatus.OPEN, _l("Open for answers")),
                 (SurveyStatus.CLOSED, _l("Closed")))

YES_NO = (("yes", _l("Yes")), ("no", _l("No")))


def _iso_day(message):
    def check(form, field):
        value = (field.data or "").strip()
        if not value:
            return
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise ValidationError(message) from None
    return check


def day_start(value: str | None) -> datetime | None:
    """A YYYY-MM-DD day as the start of that day in UTC (None when blank)."""
    if not (value or "").strip():
        return None
    return datetime.combine(datetime.strptime(value.strip(), "%Y-%m-%d").date(), time.min, tzinfo=timezone.utc)


class SurveyForm(LocalizedForm):
    localized_fields = (
        ("title", _l("Title"), 200, False),
        ("intro", _l("Introduction"), 2000, True),
        ("easy_intro", _l("Easy read introduction"), 2000, True),
    )
    slug = StringField(_l("Web address name"), widget=GovTextInput(),
                       description=_l("Used in the survey's address, like /s/older-people-2027. Lower-case letters, "
                                      "digits and hyphens."),
                       validators=[Optional(), Length(max=64)])
    anonymous = ChoiceRadioField(_l("Keep answers anonymous?"), choices=YES_NO, default="yes",
                                 widget=GovRadioInput(),
                                 description=_l("Anonymous answers are kept with no name, no address and only the "
                                                "week they were sent."),
                                 validators=[InputRequired(message=_l("Choose yes or no"))])
    ask_about_you = BooleanField(_l("Ask the optional “about you” questions (stakeholder group, area, age, "
                                    "ethnic group, language, disability)"), default=True, widget=GovCheckboxInput())
    status = ChoiceSelectField(_l("Status"), choices=STATUS_LABELS, default=SurveyStatus.DRAFT, widget=GovSelect(),
                               validators=[Optional()])
    opens_on = StringField(_l("Opens on (optional)"), widget=GovTextInput(),
                           description=_l("For example, 2027-01-10"),
                           validators=[Optional(), _iso_day(_l("Enter the opening date like 2027-01-10"))])
    closes_on = StringField(_l("Closes on (optional)"), widget=GovTextInput(),
                            description=_l("For example, 2027-03-31. The survey closes at the start of this day."),
                            validators=[Optional(), _iso_day(_l("Enter the closing date like 2027-03-31"))])
    submit = SubmitField(_l("Save survey"), widget=GovSubmitInput())


class SectionForm(LocalizedForm):
    localized_fields = (
        ("title", _l("Section title"), 200, False),
        ("intro", _l("Section introduction"), 2000, True),
        ("easy_intro", _l("Easy read introduction"), 2000, True),
    )
    submit = SubmitField(_l("Save section"), widget=GovSubmitInput())


class QuestionForm(LocalizedForm):
    localized_fields = (
        ("text", _l("Question"), 2000, True),
        ("help", _l("Hint"), 2000, True),
        ("easy_text", _l("Easy read question"), 2000, True),
        ("easy_help", _l("Easy read hint"), 2000, True),
        ("options", _l("Options, one on each line"), 20000, True),
        ("easy_options", _l("Easy read options, one on each line"), 20000, True),
        ("image_alt", _l("Picture description"), 200, False),
    )
    kind = ChoiceSelectField(_l("Type of question"), choices=KIND_LABELS, widget=GovSelect(),
                             validators=[InputRequired(message=_l("Choose the type of question"))])
    code = StringField(_l("Short name (optional)"), widget=GovTextInput(),
                       description=_l("Used in exports and show-if conditions, like carer or age. "
                                      "Left blank, one is made for you."),
                       validators=[Optional(), Length(max=64),
                                   Regexp(r"^[A-Za-z_][A-Za-z0-9_.\-]*$",
                                          message=_l("The short name must start with a letter and have only "
                                                     "letters, digits, dots, hyphens or underscores"))])
    required = BooleanField(_l("People must answer this question"), widget=GovCheckboxInput())
    min_value = StringField(_l("Smallest answer allowed (optional)"), widget=GovTextInput(),
                            validators=[Optional(), Length(max=20)])
    max_value = StringField(_l("Largest answer allowed (optional)"), widget=GovTextInput(),
                            validators=[Optional(), Length(max=20)])
    show_if = ChoiceSelectField(_l("Show this question only when"), widget=GovSelect(), validators=[Optional()],
                                description=_l("Conditions can use answers to choice questions asked earlier."))
    show_if_op = ChoiceRadioField(_l("The answer"), choices=(("eq", _l("is")), ("ne", _l("is not"))), default="eq",
                                  widget=GovRadioInput(), validators=[Optional()])
    image = FileField(_l("Picture for easy read (optional)"), widget=GovFileInput(),
                      description=_l("A PNG, JPEG, GIF or WebP image smaller than 2 MB."))
    remove_image = BooleanField(_l("Remove the picture"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Save question"), widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField(_l("XLSForm file (.xlsx)"), widget=GovFileInput(),
                     description=_l("Every label::Language (code) and hint::Language (code) column becomes that "
                                    "language's text."))
    slug = StringField(_l("Web address name (optional)"), widget=GovTextInput(),
                       validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("Import survey"), widget=GovSubmitInput())


class DuplicateForm(FlaskForm):
    consultation = ChoiceSelectField(_l("Use the copy for"), widget=GovSelect(), validators=[Optional()])
    slug = StringField(_l("Web address name for a standalone copy (optional)"), widget=GovTextInput(),
                       validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("Make a copy"), widget=GovSubmitInput())


class ResumeForm(FlaskForm):
    code = StringField(_l("Your code"), widget=GovTextInput(), description=_l("For example, ABCD-EFGH-JKLM"),
                       validators=[InputRequired(message=_l("Enter the code you were given")), Length(max=40)])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
