"""Themes on written answers: naming themes, one page of answers to tag, and setting the tags (services)."""

import pytest
from sqlalchemy import func, select

from consult.core.models import AuditEvent
from consult.extensions import db
from consult.reports import tagging
from consult.reports.errors import ReportError
from consult.reports.models import FreeTextTag, FreeTextTheme
from factories import make_consultation, make_reported_consultation, make_theme


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def reported():
    return make_reported_consultation()


def test_a_theme_needs_a_name_in_the_default_language(reported):
    consultation, _parts = reported
    with pytest.raises(ReportError) as caught:
        tagging.save_theme(consultation, None, name={"en": "  ", "cy": "Trafnidiaeth"})
    assert str(caught.value) == "Enter the theme's name in English" and caught.value.field == "name_en"


def test_a_theme_name_has_at_most_100_characters_in_any_language(reported):
    consultation, _parts = reported
    assert tagging.save_theme(consultation, None, name={"en": "x" * 100}).name == {"en": "x" * 100}
    with pytest.raises(ReportError) as caught:
        tagging.save_theme(consultation, None, name={"en": "Short", "cy": "y" * 101})
    assert str(caught.value) == "A theme's name must be 100 characters or fewer"


def test_theme_names_are_unique_in_a_consultation_whatever_their_case(reported):
    consultation, parts = reported
    with pytest.raises(ReportError) as caught:
        tagging.save_theme(consultation, None, name={"en": " TRANSPORT "})
    assert str(caught.value) == "There is already a theme called \"TRANSPORT\""
    # Renaming a theme to its own name (in another case) is fine, and so is the same name elsewhere.
    assert tagging.save_theme(consultation, parts["theme"], name={"en": "transport"}).name == {"en": "transport"}
    assert tagging.save_theme(make_consultation(), None, name={"en": "Transport"}).id


def test_new_themes_go_last_and_are_recorded(reported):
    consultation, parts = reported
    added = tagging.save_theme(consultation, None, name={"en": "Night help", "cy": ""})
    assert added.name == {"en": "Night help"}
    assert [t.id for t in tagging.themes_of(consultation)] == [parts["theme"].id, added.id]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "free_text_theme.save",
                                                       AuditEvent.entity_id == str(added.id)))
    assert event.before is None and event.after == {"name": {"en": "Night help"}, "consultation": consultation.slug}


def test_the_tagging_page_lists_answers_newest_first_with_their_themes(reported):
    consultation, parts = reported
    first, welsh, formula = parts["responses"][0], parts["responses"][2], parts["responses"][4]
    # A tag on the same response's answer to another question is not a tag on this one.
    db.session.add(FreeTextTag(theme_id=parts["theme"].id, response_id=formula.id, question_code="other"))
    db.session.flush()
    page = tagging.tagging_page(consultation, "ideas")
    assert [a["id"] for a in page["answers"]] == [formula.id, welsh.id, first.id]
    assert {a["id"]: a["themes"] for a in page["answers"]}[first.id] == {parts["theme"].id}
    assert page["total"] == 3 and page["pages"] == 1 and page["question"]["answers"] == 3
    untagged = tagging.tagging_page(consultation, "ideas", untagged=True)
    assert [a["id"] for a in untagged["answers"]] == [formula.id, welsh.id]
    carers = tagging.tagging_page(consultation, "ideas", group=parts["carer"].code, per_page=1, page=9)
    assert carers["pages"] == 2 and carers["page"] == 2 and [a["id"] for a in carers["answers"]] == [first.id]
    with pytest.raises(ReportError):
        tagging.tagging_page(consultation, "carer")  # not a written question


def test_set_tags_changes_only_what_differs_and_counts_the_answers_changed(reported):
    consultation, parts = reported
    night = make_theme(consultation, "Night")
    first, welsh = parts["responses"][0], parts["responses"][2]
    changed = tagging.set_tags(consultation, "ideas", {first.id: {parts["theme"].id}, welsh.id: {night.id}})
    assert changed == 1
    assert count(FreeTextTag, FreeTextTag.response_id == welsh.id, FreeTextTag.theme_id == night.id) == 1
    assert tagging.set_tags(consultation, "ideas", {first.id: {night.id}}) == 1
    assert {t.theme_id for t in db.session.scalars(select(FreeTextTag).where(FreeTextTag.response_id == first.id))} \
        == {night.id}
    assert count(AuditEvent, AuditEvent.action == "free_text.tags") == 2


def test_set_tags_refuses_other_answers_and_other_consultations_themes(reported):
    consultation, parts = reported
    foreign = FreeTextTheme(consultation_id=make_consultation().id, name={"en": "Elsewhere"})
    db.session.add(foreign)
    db.session.flush()
    welsh, silent = parts["responses"][2], parts["responses"][5]
    with pytest.raises(ReportError, match="not written answers to this question"):
        tagging.set_tags(consultation, "ideas", {silent.id: {parts["theme"].id}})
    with pytest.raises(ReportError, match="Choose themes from this consultation's list"):
        tagging.set_tags(consultation, "ideas", {welsh.id: {foreign.id}})
    assert count(FreeTextTag, FreeTextTag.response_id.in_([welsh.id, silent.id])) == 0
