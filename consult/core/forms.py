"""Form helpers shared by every domain: a text field per enabled language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from consult.core.i18n import locale_name


class LocalizedForm(FlaskForm):
    """A form with some content fields repeated per enabled locale (`name_en`, `name_cy`, ...)."""

    #: (field base name, label, max length, textarea?) for each piece of content in the form.
    localized_fields: tuple[tuple[str, str, int, bool], ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._locale_classes = {}

    @classmethod
    def build(cls, *args, **kwargs) -> "LocalizedForm":
        """Instantiate with one field per enabled locale; the default locale's field is required."""
        locales = tuple(current_app.config["LOCALES"])
        subclass = cls._locale_classes.get(locales)
        if subclass is None:
            attrs = {}
            for base, label, max_length, textarea in cls.localized_fields:
                for code in locales:
                    field_cls, widget = (TextAreaField, GovTextArea()) if textarea else (StringField, GovTextInput())
                    attrs[f"{base}_{code}"] = field_cls(
                        _LocaleLabel(label, code),
                        validators=[Optional(), Length(max=max_length)],
                        widget=widget,
                        render_kw={"lang": code, "dir": "rtl" if code in ("ur", "ar") else "ltr"},
                    )
            subclass = type(cls.__name__, (cls,), attrs)
            cls._locale_classes[locales] = subclass
        return subclass(*args, **kwargs)

    def localized(self, base: str) -> dict[str, str]:
        return {code: (self[f"{base}_{code}"].data or "").strip()
                for code in current_app.config["LOCALES"] if (self[f"{base}_{code}"].data or "").strip()}

    def fill_localized(self, base: str, content: dict[str, str] | None) -> None:
        for code in current_app.config["LOCALES"]:
            self[f"{base}_{code}"].data = (content or {}).get(code, "")


class _LocaleLabel:
    """A label such as "Name (Cymraeg)", translated when rendered."""

    def __init__(self, label, code):
        self.label, self.code = label, code

    def __str__(self):
        return f"{self.label} ({locale_name(self.code)})"


class _ClearChoiceMixin:
    """Choice fields whose refusal of a tampered or unknown value says what to do, in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_("Choose one of the options")) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(_("Choose one of the options")) from None


class ChoiceRadioField(_ClearChoiceMixin, RadioField):
    pass


class ChoiceSelectField(_ClearChoiceMixin, SelectField):
    pass


class ChoiceMultipleField(_ClearChoiceMixin, SelectMultipleField):
    pass


class LocalizedDateInput(GovDateInput):
    """GOV.UK date input whose Day/Month/Year labels are in the reader's language."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            # A tampered or incomplete post: show what there is instead of failing to unpack it.
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year"))):
            item["label"] = label
        return params


class Finite:
    """Refuse NaN and infinity, which number fields otherwise accept and databases cannot store."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        import math

        if field.data is not None and not math.isfinite(field.data):
            raise ValidationError(self.message or _("Enter a number"))


class GovDateField(DateField):
    """A day/month/year date whose refusal of an impossible date is clear and translated."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d %m %Y")
        kwargs.setdefault("widget", LocalizedDateInput())
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a real date, like 27 3 2027")) from None


class ConfirmForm(FlaskForm):
    """A bare form for POST-only buttons (remove, run job), so CSRF is still checked."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


