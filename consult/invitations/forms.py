from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class ContactsForm(FlaskForm):
    file = FileField(_l("Contact list (CSV)"), widget=GovFileInput(),
                     description=_l("A CSV file whose first line is: name,email,language,group,locality"),
                     validators=[FileRequired(message=_l("Choose a CSV file"))])
    submit = SubmitField(_l("Upload and invite"), widget=GovSubmitInput())
