"""Themes on written answers: facilitators name themes per consultation and tag answers with them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from consult.consultations.models import Consultation
from consult.core.i18n import locale_name
from consult.core.models import utcnow
from consult.core.services import record_change
from consult.extensions import db
from consult.reports import sources
from consult.reports.data import NOT_GIVEN
from consult.reports.errors import ReportError
from consult.reports.models import FreeTextTag, FreeTextTheme
from consult.surveys.kinds import TEXT_KINDS

THEME_NAME_MAX = 100


def themes_of(consultation: Consultation) -> list[FreeTextTheme]:
    return list(db.session.scalars(select(FreeTextTheme).where(FreeTextTheme.consultation_id == consultation.id)
                                   .order_by(FreeTextTheme.position, FreeTextTheme.id)))


def save_theme(consultation: Consultation, theme: FreeTextTheme | None, *, name: Mapping[str, str],
               actor=None) -> FreeTextTheme:
    """Add (or rename) a theme; it needs a name in the consultation's default language, unique among its themes."""
    name = {k: v.strip() for k, v in (name or {}).items() if v and v.strip()}
    default = consultation.default_locale
    if not name.get(default):
        raise ReportError(_("Enter the theme's name in %(language)s", language=locale_name(default)),
                          f"name_{default}")
    if any(len(v) > THEME_NAME_MAX for v in name.values()):
        raise ReportError(_("A theme's name must be %(n)s characters or fewer", n=THEME_NAME_MAX), f"name_{default}")
    for other in themes_of(consultation):
        if other is not theme and (other.name.get(default) or "").casefold() == name[default].casefold():
            raise ReportError(_("There is already a theme called \"%(name)s\"", name=name[default]),
                              f"name_{default}")
    before = dict(theme.name) if theme is not None else None
    if theme is None:
        theme = FreeTextTheme(consultation_id=consultation.id, name=name, created_by_id=getattr(actor, "id", None),
                              position=len(themes_of(consultation)))
        db.session.add(theme)
    else:
        theme.name = name
    db.session.flush()
    record_change("free_text_theme.save", theme, before={"name": before} if before else None,
                  after={"name": name, "consultation": consultation.slug}, actor=actor)
    return theme


def delete_theme(theme: FreeTextTheme, *, actor=None) -> None:
    """Remove a theme and its tags."""
    record_change("free_text_theme.delete", theme, before={"name": dict(theme.name), "tags": len(theme.tags)},
                  actor=actor)
    db.session.delete(theme)
    db.session.flush()


def text_questions(consultation: Consultation) -> list[dict[str, Any]]:
    """The survey's free-text questions, each with how many people answered it."""
    survey = sources.survey_source(consultation, answers=False)
    if survey is None:
        return []
    out = []
    for q in survey["questions"]:
        if q["kind"] in TEXT_KINDS:
            answered = sources.survey_source(consultation, text_question=q["code"])["rows"]
            out.append({"code": q["code"], "text": q["text"], "answers": len(answered)})
    return out


def _tags_on(consultation: Consultation, question_code: str,
             response_ids: Iterable[int] | None = None) -> tuple[dict[int, set[int]], set[int]]:
    """{response id: theme ids} on the answers to one question (of the responses given, or of all), and the
    responses whose answer is chosen for quoting."""
    where = [FreeTextTheme.consultation_id == consultation.id, FreeTextTag.question_code == question_code]
    if response_ids is not None:
        where.append(FreeTextTag.response_id.in_(list(response_ids)))
    tags: dict[int, set[int]] = {}
    quoted: set[int] = set()
    for response_id, theme_id, is_quoted in db.session.execute(
            select(FreeTextTag.response_id, FreeTextTag.theme_id, FreeTextTag.quoted).join(FreeTextTheme)
            .where(*where)):
        tags.setdefault(response_id, set()).add(theme_id)
        if is_quoted:
            quoted.add(response_id)
    return tags, quoted


def tagging_page(consultation: Consultation, question_code: str, *, page: int = 1, per_page: int = 20,
                 untagged: bool = False, group: str | None = None) -> dict[str, Any]:
    """One page of written answers to a question, newest first, with the themes already on each."""
    question = next((q for q in text_questions(consultation) if q["code"] == question_code), None)
    if question is None:
        raise ReportError(_("That question has no written answers to tag."), "question")
    answers = sources.survey_source(consultation, text_question=question_code)["rows"]
    tags, quoted = _tags_on(consultation, question_code)
    if group:
        answers = [a for a in answers if (a["stakeholder_group"] or NOT_GIVEN) == group]
    if untagged:
        answers = [a for a in answers if not tags.get(a["id"])]
    answers.reverse()
    pages = max(1, -(-len(answers) // per_page))
    page = min(max(1, page), pages)
    shown = answers[(page - 1) * per_page: page * per_page]
    for a in shown:
        a["themes"] = tags.get(a["id"], set())
        a["quoted"] = a["id"] in quoted
    return {"question": question, "answers": shown, "total": len(answers), "page": page, "pages": pages}


def set_tags(consultation: Consultation, question_code: str, assignments: Mapping[int, set[int]], *,
             quoted: Iterable[int] = (), actor=None) -> int:
    """Set the themes on written answers to one question, and which of them are quoted under their themes in
    the full report (`quoted`: response ids); returns how many answers changed.

    Every answer must be a written answer to that question in this consultation, every theme one of its
    themes; an answer is quoted only with a theme on it; otherwise nothing changes."""
    answered = {a["id"] for a in (sources.survey_source(consultation, text_question=question_code) or
                                  {"rows": []})["rows"]}
    known = {t.id: t for t in themes_of(consultation)}
    if any(response_id not in answered for response_id in assignments):
        raise ReportError(_("Some of those answers are not written answers to this question."), "answers")
    if any(theme_id not in known for ids in assignments.values() for theme_id in ids):
        raise ReportError(_("Choose themes from this consultation's list."), "answers")
    quoted = set(quoted)
    if any(response_id not in assignments for response_id in quoted):
        raise ReportError(_("Some of those answers are not written answers to this question."), "answers")
    if any(not assignments[response_id] for response_id in quoted):
        raise ReportError(_("Give an answer a theme before quoting it: quotes are shown under their themes."),
                          "answers")
    current, was_quoted = _tags_on(consultation, question_code, assignments) if assignments else ({}, set())
    changed = 0
    now = utcnow()
    for response_id, wanted in assignments.items():
        have = current.get(response_id, set())
        quote = response_id in quoted
        if have == set(wanted) and quote == (response_id in was_quoted):
            continue
        changed += 1
        removed, added = have - set(wanted), set(wanted) - have
        if removed:
            db.session.execute(delete(FreeTextTag).where(
                FreeTextTag.response_id == response_id, FreeTextTag.question_code == question_code,
                FreeTextTag.theme_id.in_(removed)))
        for theme_id in sorted(added):
            db.session.add(FreeTextTag(theme_id=theme_id, response_id=response_id, question_code=question_code,
                                       tagged_by_id=getattr(actor, "id", None), tagged_at=now, quoted=quote))
        db.session.flush()
        db.session.execute(update(FreeTextTag).where(
            FreeTextTag.response_id == response_id, FreeTextTag.question_code == question_code)
            .values(quoted=quote).execution_options(synchronize_session=False))
        record_change("free_text.tags", consultation,
                      before={"response": response_id, "question": question_code, "themes": sorted(have),
                              "quoted": response_id in was_quoted},
                      after={"response": response_id, "question": question_code, "themes": sorted(wanted),
                             "quoted": quote},
                      actor=actor)
    db.session.flush()
    return changed
