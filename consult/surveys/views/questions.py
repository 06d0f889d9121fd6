"""The builder's sections and questions: adding and editing them (a question's options in every language, the
condition that shows it, its image), moving them up and down, and removing them."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from consult.core.forms import ConfirmForm
from consult.core.i18n import enabled_locales, locale_name, tr
from consult.core.web import form_page, save_form
from consult.extensions import db
from consult.surveys.errors import SurveyError
from consult.surveys.forms import QuestionForm, SectionForm
from consult.surveys.kinds import CHOICE_KINDS, OWN_OPTION_KINDS, QuestionKind, option_label, option_values
from consult.surveys.models import Survey, SurveyQuestion, SurveySection
from consult.surveys.services import answering, building, finding, images
from consult.surveys.services import questions as question_rules
from consult.surveys.services.questions import QuestionDraft
from consult.surveys.views import bp
from consult.surveys.views.common import condition_text, survey_or_404


@bp.route("/surveys/<int:survey_id>/sections/new", methods=["GET", "POST"], defaults={"section_id": None})
@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(survey_id, section_id):
    survey = survey_or_404(survey_id)
    section = _section_of(survey, section_id) if section_id else None
    form = SectionForm.build()
    if section is not None and not form.is_submitted():
        for base in ("title", "intro", "easy_intro"):
            form.fill_localized(base, getattr(section, base))
    if form.validate_on_submit():
        saved = save_form(form, lambda: building.save_section(
                              survey, section, title=form.localized("title"), intro=form.localized("intro"),
                              easy_intro=form.localized("easy_intro")),
                          done=_("Section saved."), then=url_for("surveys.builder", survey_id=survey.id))
        if saved:
            return saved
    return form_page("surveys/section_form.html", form, survey=survey, section=section)


def _section_of(survey: Survey, section_id: int) -> SurveySection:
    section = db.get_or_404(SurveySection, section_id)
    if section.survey_id != survey.id:
        abort(404)
    return section


def _question_of(survey: Survey, question_id: int) -> SurveyQuestion:
    question = db.get_or_404(SurveyQuestion, question_id)
    if question.survey_id != survey.id:
        abort(404)
    return question


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _direction() -> int:
    return -1 if request.form.get("direction") == "up" else 1


def _builder_change(survey, change, *, anchor: str = "", done: str | None = None):
    """Run one change from the builder page's buttons; a refusal is shown back on the builder."""
    _confirmed()
    try:
        change()
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        if done:
            flash(done, "success")
    return redirect(url_for("surveys.builder", survey_id=survey.id) + anchor)


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/move", methods=["POST"])
@login_required
def move_section(survey_id, section_id):
    survey = survey_or_404(survey_id)
    section = _section_of(survey, section_id)
    return _builder_change(survey, lambda: building.move_section(section, _direction()),
                           anchor=f"#section-{section_id}")


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/delete", methods=["POST"])
@login_required
def delete_section(survey_id, section_id):
    survey = survey_or_404(survey_id)
    section = _section_of(survey, section_id)
    return _builder_change(survey, lambda: building.delete_section(section), done=_("Section removed."))


def _condition_choices(survey: Survey, question: SurveyQuestion | None, section: SurveySection):
    """Pairs "code=value" for each option of each choice question asked before this one."""
    choices = [("", _("Always show it"))]
    if question is not None and question.condition and not _is_simple(question.condition):
        choices.append(("keep", _("Keep the current condition: %(text)s",
                                  text=condition_text(survey, question.condition))))
    positions = {s.id: s.position for s in survey.sections}
    for other in survey.ordered_questions():
        if other is question or (question is None and positions[other.section_id] > section.position):
            break
        if other.kind in CHOICE_KINDS:
            name = tr(other.text, None, survey.default_locale)
            for value in option_values(other):
                choices.append((f"{other.code}={value}",
                                f"{other.code}: {name[:60]} — {option_label(other, value)}"))
    return choices


def _is_simple(condition: dict) -> bool:
    return set(condition) == {"q", "op", "value"} and condition["op"] in ("eq", "ne", "selected")


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _options_from_form(form: QuestionForm, default_locale: str) -> list[dict]:
    labels = {code: _split_lines(form[f"options_{code}"].data) for code in enabled_locales()}
    easy = {code: _split_lines(form[f"easy_options_{code}"].data) for code in enabled_locales()}
    count = len(labels.get(default_locale, []))
    for code in enabled_locales():
        if len(labels[code]) > count or len(easy[code]) > count:
            raise SurveyError(
                _("%(language)s has more options than %(default)s: put one option on each line, in the same order.",
                  language=locale_name(code), default=locale_name(default_locale)),
                f"options_{code}" if len(labels[code]) > count else f"easy_options_{code}")
    return [{"label": {code: lines[i] for code, lines in labels.items() if i < len(lines)},
             "easy_label": {code: lines[i] for code, lines in easy.items() if i < len(lines)}}
            for i in range(count)]


def _question_form(survey: Survey, section: SurveySection, question: SurveyQuestion | None) -> QuestionForm:
    form = QuestionForm.build()
    form.show_if.choices = _condition_choices(survey, question, section)
    if not form.is_submitted():
        if question is not None:
            form.kind.data, form.code.data, form.required.data = question.kind, question.code, question.required
            for base in ("text", "help", "easy_text", "easy_help", "image_alt"):
                form.fill_localized(base, getattr(question, base))
            for code in enabled_locales():
                form[f"options_{code}"].data = "\n".join(o.label.get(code, "") for o in question.options).rstrip()
                form[f"easy_options_{code}"].data = "\n".join(o.easy_label.get(code, "")
                                                               for o in question.options).rstrip()
            form.min_value.data = "" if question.min_value is None else f"{question.min_value.normalize():f}"
            form.max_value.data = "" if question.max_value is None else f"{question.max_value.normalize():f}"
            condition = question.condition
            if condition and _is_simple(condition):
                form.show_if.data = f"{condition['q']}={condition['value']}"
                form.show_if_op.data = "ne" if condition["op"] == "ne" else "eq"
            elif condition:
                form.show_if.data = "keep"
        else:
            kind = request.args.get("kind")
            form.kind.data = kind if kind in dict(form.kind.choices) else "single"
    return form


@bp.route("/surveys/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"],
          defaults={"question_id": None})
@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"],
          defaults={"section_id": None})
@login_required
def edit_question(survey_id, section_id, question_id):
    survey = survey_or_404(survey_id)
    question = _question_of(survey, question_id) if question_id else None
    section = question.section if question is not None else _section_of(survey, section_id)
    form = _question_form(survey, section, question)
    if form.validate_on_submit():
        saved = save_form(form, lambda: question_rules.save_question(section, question, _question_draft(form, survey)),
                          done=_("Question saved."),
                          then=url_for("surveys.builder", survey_id=survey.id) + f"#section-{section.id}")
        if saved:
            return saved
    return form_page("surveys/question_form.html", form, survey=survey, section=section, question=question,
                     locked=finding.has_responses(survey))


def _question_draft(form: QuestionForm, survey: Survey) -> QuestionDraft:
    kind = form.kind.data
    show_if = form.show_if.data or ""
    image = None
    upload = form.image.data
    if upload and getattr(upload, "filename", ""):
        image = images.store_image(upload.read(current_app.config.get("SURVEY_IMAGE_MAX_BYTES",
                                                                         images.IMAGE_MAX_BYTES) + 1))
    return QuestionDraft(
        code=form.code.data, kind=kind, required=form.required.data, text=form.localized("text"),
        help=form.localized("help"), easy_text=form.localized("easy_text"), easy_help=form.localized("easy_help"),
        min_value=form.min_value.data, max_value=form.max_value.data,
        options=_options_from_form(form, survey.default_locale) if kind in OWN_OPTION_KINDS else None,
        condition=_condition_from(show_if, form.show_if_op.data, survey) if show_if != "keep" else None,
        keep_condition=show_if == "keep", image=image, remove_image=form.remove_image.data,
        image_alt=form.localized("image_alt"))


def _condition_from(show_if: str, op: str | None, survey: Survey) -> dict | None:
    """The form's "show if <question> is / is not <option>" as a condition; for a multiple choice question,
    "includes" (or does not)."""
    if not show_if:
        return None
    code, _sep, value = show_if.partition("=")
    other = answering.questions_by_code(survey).get(code)
    negate = op == "ne"
    if other is not None and other.kind == QuestionKind.MULTIPLE:
        condition = {"q": code, "op": "selected", "value": value}
        return {"not": condition} if negate else condition
    return {"q": code, "op": "ne" if negate else "eq", "value": value}


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
@login_required
def move_question(survey_id, question_id):
    survey = survey_or_404(survey_id)
    question = _question_of(survey, question_id)
    return _builder_change(survey, lambda: question_rules.move_question(question, _direction()),
                           anchor=f"#question-{question_id}")


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(survey_id, question_id):
    survey = survey_or_404(survey_id)
    question = _question_of(survey, question_id)
    return _builder_change(survey, lambda: question_rules.delete_question(question), done=_("Question removed."))
