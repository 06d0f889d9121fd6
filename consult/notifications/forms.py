from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import HiddenField, SubmitField


class HearBackForm(FlaskForm):
    """The "tell me what was decided" button; `next` brings the person back to the page they were on."""

    next = HiddenField()
    submit = SubmitField(_l("Tell me what was decided"), widget=GovSubmitInput())
