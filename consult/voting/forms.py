"""Forms for priorities, ballots (built per vote), voting codes, paper entry and the results filter."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DecimalField, IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from consult.core.forms import ChoiceMultipleField, ChoiceRadioField, ChoiceSelectField, LocalizedForm
from consult.voting.services.codes import MAX_CODES_PER_BATCH

#: Ballot inputs are named "p-<priority code>"; approval uses one checkbox group.
FIELD_PREFIX = "p-"
APPROVE_FIELD = "approve"


class _AmountField(DecimalField):
    """A DecimalField whose refusal of text says what to type, in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter an amount in pounds, like 25000")) from None


class PriorityForm(LocalizedForm):
    localized_fields = (
        ("title", _l("Title"), 200, False),
        ("description", _l("Short description"), 1000, True),
        ("easy_read", _l("Easy read version"), 1000, True),
    )
    code = StringField(_l("Code"), widget=GovTextInput(), description=_l("A short code, like P01"),
                       validators=[InputRequired(message=_l("Enter a code")), Length(max=32)])
    cost = _AmountField(_l("Estimated yearly cost in pounds (optional)"), places=2, widget=GovTextInput(),
                        validators=[Optional(), NumberRange(min=0, max=10_000_000_000,
                                                            message=_l("Enter an amount of 0 or more"))])
    submit = SubmitField(_l("Save priority"), widget=GovSubmitInput())


class _WholeNumberField(IntegerField):
    """An IntegerField whose refusal of text says what to type, in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Enter a whole number, like 20")) from None


class VotingCodesForm(FlaskForm):
    count = _WholeNumberField(_l("How many codes do you need?"), widget=GovTextInput(),
                         description=_l("Up to %(max)s at a time. Each code can be used once.",
                                        max=MAX_CODES_PER_BATCH),
                         validators=[InputRequired(message=_l("Enter how many codes you need, as a number")),
                                     NumberRange(min=1, max=MAX_CODES_PER_BATCH,
                                                 message=_l("Enter a number from 1 to %(max)s",
                                                            max=MAX_CODES_PER_BATCH))])
    submit = SubmitField(_l("Make the codes"), widget=GovSubmitInput())


class CodeEntryForm(FlaskForm):
    code = StringField(_l("Your voting code"), widget=GovTextInput(),
                       description=_l("It is printed on the slip you were given, like ACDEF-GHJKM"),
                       validators=[InputRequired(message=_l("Enter your voting code")), Length(max=40)])
    stakeholder_group = ChoiceRadioField(_l("Which of these describes you best?"), coerce=int,
                                         widget=GovRadioInput(),
                                         validators=[InputRequired(message=_l("Choose which group you belong to"))])
    locality = ChoiceRadioField(_l("Which area do you live or work in?"), coerce=int, widget=GovRadioInput(),
                                validators=[InputRequired(message=_l("Choose your area"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ResultsFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    locality = ChoiceSelectField(_l("Show results for"), widget=GovSelect(), validators=[Optional()])


def _number(raw: str | None) -> int | None:
    """A whole number as typed (any script's digits, spaces around it), None when blank; ValueError otherwise."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdecimal() or len(text) > 6:
        raise ValueError(text)
    return int(text)


class _WholeNumber:
    """Blank, or a whole number in a range; the message names the priority so the error summary is clear."""

    def __init__(self, title: str, method: str, m: int):
        self.title, self.method, self.m = title, method, m

    def __call__(self, form, field):
        try:
            value = _number(field.data)
        except ValueError:
            if self.method == "ranking":
                raise ValidationError(_("Enter a number for %(title)s, like 1 or 2, or leave it empty",
                                        title=self.title)) from None
            raise ValidationError(_("Enter a whole number of points for %(title)s, like 2, or leave it empty",
                                    title=self.title)) from None
        if value is not None and self.method == "ranking" and not 1 <= value <= self.m:
            raise ValidationError(_("Enter a number from 1 to %(max)s for %(title)s", max=self.m, title=self.title))


class BallotForm(FlaskForm):
    """A ballot for one vote: a number per priority (ranking, points) or one checkbox each (approval).

    Built per request by :func:`ballot_form`, because the fields are the vote's priorities.
    """

    method: str = "ranking"
    codes: tuple[str, ...] = ()

    @staticmethod
    def field_name(method: str, code: str) -> str:
        return APPROVE_FIELD if method == "approval" else FIELD_PREFIX + code

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Inputs for priorities that are not on the ballot mean a stale or tampered page: refuse, store nothing.
        stray = [k for k in request.form if k.startswith(FIELD_PREFIX) and k[len(FIELD_PREFIX):] not in self.codes]
        if stray:
            first = self._fields[self.field_name(self.method, self.codes[0])] if self.codes else None
            if first is not None:
                first.errors = list(first.errors or []) + [
                    _("Your vote names a priority that is not on this ballot. Go back to the ballot, reload it "
                      "and try again.")]
                self._errors = None
            ok = False
        return ok

    def values(self) -> dict[str, int]:
        """The ballot as {priority code: value}: blanks left out (not ranked, no points)."""
        if self.method == "approval":
            return {code: 1 for code in (self[APPROVE_FIELD].data or [])}
        out = {}
        for code in self.codes:
            value = _number(self[FIELD_PREFIX + code].data)
            if value is not None:
                out[code] = value
        return out

    def fill(self, values: Mapping[str, int]) -> None:
        if self.method == "approval":
            self[APPROVE_FIELD].data = [code for code in self.codes if values.get(code)]
            return
        for code in self.codes:
            value = values.get(code)
            self[FIELD_PREFIX + code].data = "" if value is None else str(value)


def ballot_form(vote, titles: Mapping[str, str], *, speak_as: list[tuple[int, str]] | None = None,
                paper: dict | None = None, **kwargs) -> BallotForm:
    """Build the ballot form for `vote`; `titles` gives each priority's title in the reader's language.

    `speak_as` adds "who are you voting as" (a member with several memberships); `paper` adds the data-entry
    fields (channel, stakeholder group, locality choices) and two submit buttons.
    """
    codes = tuple(p.code for p in vote.priorities)
    attrs: dict = {"method": vote.method, "codes": codes}
    if paper is not None:
        attrs["channel"] = ChoiceRadioField(_l("Where was this ballot collected?"), widget=GovRadioInput(),
                                            choices=[("paper", _l("On a paper form")), ("meeting", _l("At a meeting"))],
                                            validators=[InputRequired(message=_l("Choose where the ballot was "
                                                                                 "collected"))])
        attrs["stakeholder_group"] = ChoiceSelectField(
            _l("Stakeholder group"), coerce=int, widget=GovSelect(), choices=paper["groups"],
            validators=[InputRequired(message=_l("Choose the voter's stakeholder group"))])
        attrs["locality"] = ChoiceSelectField(
            _l("Area"), coerce=int, widget=GovSelect(), choices=paper["localities"],
            validators=[InputRequired(message=_l("Choose the voter's area"))])
    if speak_as:
        attrs["speak_as"] = ChoiceRadioField(_l("Who are you voting as?"), coerce=int, widget=GovRadioInput(),
                                             choices=speak_as,
                                             validators=[InputRequired(message=_l("Choose which group you are "
                                                                                  "voting as"))])
    if vote.method == "approval":
        attrs[APPROVE_FIELD] = ChoiceMultipleField(_l("Choose the priorities you support"), widget=GovCheckboxesInput(),
                                                   choices=[(code, titles[code]) for code in codes],
                                                   validators=[Optional()])
    else:
        for code in codes:
            attrs[FIELD_PREFIX + code] = StringField(titles[code], widget=GovTextInput(),
                                                     validators=[_WholeNumber(titles[code], vote.method, len(codes))])
    if paper is not None:
        attrs["save_another"] = SubmitField(_l("Save and enter another"), widget=GovSubmitInput())
        attrs["save_finish"] = SubmitField(_l("Save and finish"), widget=GovSubmitInput())
    else:
        attrs["submit"] = SubmitField(_l("Continue"), widget=GovSubmitInput())
    cls = type("BallotForm", (BallotForm,), attrs)
    return cls(**kwargs)
