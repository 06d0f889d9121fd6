from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, DecimalField, SubmitField
from wtforms.validators import NumberRange, Optional

from consult.core.forms import ChoiceSelectField, LocalizedForm

MARGIN_HELP = _l("How many percentage points below its share of the population a group may fall before it is "
                 "marked as under-represented, like 5")


def _margin_field():
    return DecimalField(_l("Under-representation margin (percentage points)"), places=1, widget=GovTextInput(),
                        description=MARGIN_HELP,
                        validators=[Optional(), NumberRange(min=0, max=50, message=_l(
                            "Enter a margin from 0 to 50 percentage points"))])


class BuildReportForm(FlaskForm):
    margin = _margin_field()
    submit = SubmitField(_l("Build the report now"), widget=GovSubmitInput())


class MarginForm(FlaskForm):
    """The live view's settings (a GET form: nothing is changed)."""

    class Meta:
        csrf = False

    margin = _margin_field()
    submit = SubmitField(_l("Show"), widget=GovSubmitInput())


class PopulationImportForm(FlaskForm):
    file = FileField(_l("Population file (.csv)"), widget=GovFileInput(),
                     description=_l("Columns: locality,band_type,band,population. One row per locality and band."))
    submit = SubmitField(_l("Import population figures"), widget=GovSubmitInput())


class ThemeForm(LocalizedForm):
    localized_fields = (("name", _l("Theme"), 100, False),)
    submit = SubmitField(_l("Add theme"), widget=GovSubmitInput())


class AnswerFilterForm(FlaskForm):
    """Which written answers to show for tagging (a GET form)."""

    class Meta:
        csrf = False

    group = ChoiceSelectField(_l("Stakeholder group"), widget=GovSelect(), validators=[Optional()])
    untagged = BooleanField(_l("Only answers without a theme"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Show answers"), widget=GovSubmitInput())
