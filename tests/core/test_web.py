"""The view helpers every domain's views use to carry out a change (consult/core/web.py)."""

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from consult.core.errors import RuleError
from consult.core.web import carry_out, form_page, save_form
from consult.extensions import db
from consult.localities.models import Locality
from factories import make_locality


class NameForm(FlaskForm):
    code = StringField()
    name = StringField()


def count_localities():
    return db.session.scalar(select(func.count()).select_from(Locality))


def test_a_change_that_goes_through_is_committed_flashed_and_redirected(app):
    commits = []
    with app.test_request_context("/", method="POST"):
        response = carry_out(lambda: make_locality(code="PET"), done=lambda loc: f"{loc.code} saved.",
                             then=lambda loc: f"/localities/{loc.code}", refused=lambda exc: "refused",
                             commit=lambda: (commits.append(True), db.session.commit()))
        assert response.status_code == 302 and response.location == "/localities/PET"
        assert get_flashed_messages(with_categories=True) == [("success", "PET saved.")]
    assert commits == [True]
    db.session.rollback()  # what was committed stays
    assert count_localities() == 1


def test_a_refusal_is_rolled_back_and_handed_to_the_view():
    def change():
        make_locality(code="HALF")  # flushed before the service refuses: it must not stay
        raise RuleError("No, because.", "name")

    seen = []
    with db.session.no_autoflush:
        result = carry_out(change, done="Saved.", then="/", refused=lambda exc: seen.append((str(exc), exc.field))
                           or "shown again")
    assert result == "shown again" and seen == [("No, because.", "name")]
    assert count_localities() == 0


def test_other_errors_are_not_swallowed(app):
    import pytest

    with app.test_request_context("/", method="POST"), pytest.raises(ZeroDivisionError):
        carry_out(lambda: 1 / 0, done="Saved.", then="/", refused=lambda exc: None)


def test_a_forms_refusal_is_shown_by_its_field_with_a_400(app):
    with app.test_request_context("/", method="POST", data={"code": "x", "name": "y"}):
        form = NameForm(meta={"csrf": False})

        def refuse():
            raise RuleError("Enter a shorter name.", "name")

        assert save_form(form, refuse, done="Saved.", then="/") is None
        assert form.errors == {"name": ["Enter a shorter name."]}
        body, status = form_page("core/accessibility.html", form)
        assert status == 400


def test_a_forms_refusal_can_be_renamed_or_pinned_to_one_field(app):
    def refuse(field):
        def change():
            raise RuleError("Wrong.", field)
        return change

    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})
        save_form(form, refuse("password"), done="Saved.", then="/", fields={"password": "name"})
        save_form(form, refuse(None), done="Saved.", then="/", fields={None: "code"})
        assert form.errors == {"name": ["Wrong."], "code": ["Wrong."]}
        other = NameForm(meta={"csrf": False})
        save_form(other, refuse("anything"), done="Saved.", then="/", field="code")
        assert other.errors == {"code": ["Wrong."]}


def test_a_form_without_errors_is_a_200(app):
    with app.test_request_context("/"):
        assert form_page("core/accessibility.html", NameForm(meta={"csrf": False}))[1] == 200
