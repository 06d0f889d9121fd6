"""The staff's survey builder, survey by survey: the list, a new survey and its settings, the builder page,
translations checked, copying, importing an XLSForm, the preview, and the images questions show. Sections and
questions themselves are edited in questions.py."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.permissions import can_manage_consultation
from consult.consultations.services import get_by_slug
from consult.core.forms import ConfirmForm
from consult.core.i18n import current_locale, locale_name, tr
from consult.core.web import form_error, form_page, save_form
from consult.extensions import db
from consult.surveys import profile
from consult.surveys.errors import SurveyError
from consult.surveys.forms import DuplicateForm, ImportForm, SurveyForm, day_start
from consult.surveys.kinds import KIND_LABELS
from consult.surveys.models import Survey, SurveyStatus
from consult.surveys.permissions import can_create_survey
from consult.surveys.services import answering, building, finding, images, importing, translation
from consult.surveys.views import bp
from consult.surveys.views.common import condition_text, require, survey_or_404
from consult.surveys.xlsform import XLSFormError


@bp.route("/surveys")
@login_required
def index():
    require(can_create_survey(current_user))
    surveys = finding.surveys_managed_by(current_user)
    return render_template("surveys/index.html", surveys=surveys,
                           counts={s.id: finding.response_count(s) for s in surveys})


def _consultation_arg():
    slug = request.args.get("consultation")
    if not slug:
        return None
    consultation = get_by_slug(slug)
    if consultation is None:
        abort(404)
    require(can_manage_consultation(current_user, consultation))
    return consultation


def _survey_form(survey: Survey | None, attached) -> SurveyForm:
    form = SurveyForm.build(obj=survey)
    if attached:
        del form.slug, form.status, form.opens_on, form.closes_on
    if survey is not None and not form.is_submitted():
        for base in ("title", "intro", "easy_intro"):
            form.fill_localized(base, getattr(survey, base))
        form.anonymous.data = "yes" if survey.anonymous else "no"
        form.ask_about_you.data = survey.ask_about_you
        if not attached:
            form.opens_on.data = survey.opens_at.strftime("%Y-%m-%d") if survey.opens_at else ""
            form.closes_on.data = survey.closes_at.strftime("%Y-%m-%d") if survey.closes_at else ""
    return form


def _save_survey_from(form: SurveyForm, survey: Survey | None, consultation) -> Survey:
    attached = consultation is not None or (survey is not None and survey.consultation is not None)
    kwargs = {}
    if not attached:
        kwargs = {"slug": form.slug.data, "status": form.status.data or SurveyStatus.DRAFT,
                  "opens_at": day_start(form.opens_on.data), "closes_at": day_start(form.closes_on.data)}
    return building.save_survey(survey, title=form.localized("title"), intro=form.localized("intro"),
                                easy_intro=form.localized("easy_intro"), consultation=consultation,
                                anonymous=form.anonymous.data == "yes", ask_about_you=form.ask_about_you.data,
                                **kwargs)


def _to_builder(survey: Survey) -> str:
    return url_for("surveys.builder", survey_id=survey.id)


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def new_survey():
    require(can_create_survey(current_user))
    consultation = _consultation_arg()
    form = _survey_form(None, consultation is not None)
    if consultation is not None and not form.is_submitted():
        form.fill_localized("title", consultation.title)
    if form.validate_on_submit():
        saved = save_form(form, lambda: _save_survey_from(form, None, consultation),
                          done=_("Survey created. Add sections and questions."), then=_to_builder)
        if saved:
            return saved
    return form_page("surveys/survey_form.html", form, survey=None, consultation=consultation)


@bp.route("/surveys/<int:survey_id>/settings", methods=["GET", "POST"])
@login_required
def settings(survey_id):
    survey = survey_or_404(survey_id)
    form = _survey_form(survey, survey.consultation is not None)
    if form.validate_on_submit():
        saved = save_form(form, lambda: _save_survey_from(form, survey, None), done=_("Survey saved."),
                          then=_to_builder)
        if saved:
            return saved
    return form_page("surveys/survey_form.html", form, survey=survey, consultation=survey.consultation)


@bp.route("/surveys/<int:survey_id>")
@login_required
def builder(survey_id):
    survey = survey_or_404(survey_id)
    return render_template("surveys/builder.html", survey=survey, status=translation.translation_status(survey),
                           responses=finding.response_count(survey), locked=finding.has_responses(survey),
                           condition_text=condition_text, kind_labels=dict(KIND_LABELS),
                           confirm=ConfirmForm())


@bp.route("/surveys/<int:survey_id>/reviewed", methods=["POST"])
@login_required
def mark_reviewed(survey_id):
    survey = survey_or_404(survey_id)
    locale = request.form.get("locale", "")
    try:
        translation.set_reviewed(survey, locale, request.form.get("reviewed") == "yes")
    except SurveyError:
        db.session.rollback()
        abort(400)
    db.session.commit()
    flash(_("%(language)s translation marked as checked.", language=locale_name(locale))
          if request.form.get("reviewed") == "yes"
          else _("%(language)s translation marked as not checked.", language=locale_name(locale)), "success")
    return redirect(url_for("surveys.builder", survey_id=survey.id) + "#translations")


@bp.route("/surveys/<int:survey_id>/duplicate", methods=["GET", "POST"])
@login_required
def duplicate(survey_id):
    survey = survey_or_404(survey_id)
    require(can_create_survey(current_user))
    form = DuplicateForm()
    targets = finding.consultations_without_survey(current_user)
    form.consultation.choices = [("", _("A standalone survey"))] + [(c.slug, tr(c.title)) for c in targets]
    if form.validate_on_submit():
        consultation = next((c for c in targets if c.slug == form.consultation.data), None)
        copied = save_form(form, lambda: building.duplicate_survey(survey, slug=form.slug.data or None,
                                                                   consultation=consultation),
                           done=_("Copy made. This is the copy."), then=_to_builder)
        if copied:
            return copied
    return form_page("surveys/duplicate.html", form, survey=survey)


def _import_upload(form: ImportForm, **kwargs) -> Survey | None:
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form_error(form, "file", _("Select an XLSForm file (.xlsx)"))
        return None
    data = upload.read(importing.XLSFORM_MAX_BYTES + 1)
    try:
        return importing.import_xlsform(data, **kwargs)
    except XLSFormError as exc:
        db.session.rollback()
        for problem in exc.problems[:50]:
            form_error(form, "file", problem)
        if len(exc.problems) > 50:
            form_error(form, "file", _("… and %(n)s more problems.", n=len(exc.problems) - 50))
    except SurveyError as exc:
        db.session.rollback()
        form_error(form, exc.field if exc.field in ("file", "slug") else "file", str(exc))
    return None


@bp.route("/surveys/import", methods=["GET", "POST"])
@login_required
def import_new():
    require(can_create_survey(current_user))
    consultation = _consultation_arg()
    form = ImportForm()
    if consultation is not None:
        del form.slug
    if form.validate_on_submit():
        survey = _import_upload(form, consultation=consultation,
                                slug=form.slug.data if consultation is None else None)
        if survey is not None:
            db.session.commit()
            flash(_("Survey imported."), "success")
            return redirect(url_for("surveys.builder", survey_id=survey.id))
    return (render_template("surveys/import.html", form=form, survey=None, consultation=consultation),
            400 if form.errors else 200)


@bp.route("/surveys/<int:survey_id>/import", methods=["GET", "POST"])
@login_required
def import_into(survey_id):
    survey = survey_or_404(survey_id)
    form = ImportForm()
    del form.slug
    if form.validate_on_submit():
        imported = _import_upload(form, survey=survey)
        if imported is not None:
            db.session.commit()
            flash(_("Questions replaced from the XLSForm."), "success")
            return redirect(url_for("surveys.builder", survey_id=survey.id))
    return (render_template("surveys/import.html", form=form, survey=survey, consultation=survey.consultation),
            400 if form.errors else 200)


@bp.route("/surveys/<int:survey_id>/preview")
@login_required
def preview(survey_id):
    survey = survey_or_404(survey_id)
    easy = request.args.get("easy") == "1"
    all_pages = answering.pages(survey)
    by_code = answering.questions_by_code(survey)
    unreviewed = translation.is_unreviewed(survey, current_locale())
    return render_template("surveys/preview.html", survey=survey, easy=easy, pages=all_pages, by_code=by_code,
                           condition_text=condition_text, unreviewed=unreviewed,
                           groups=finding.stakeholder_groups_for(survey), places=finding.localities_for(survey),
                           profile=profile)


@bp.route("/survey-images/<token>")
def image(token):
    if len(token) != 32 or not token.isalnum():
        abort(404)
    stored = images.image_by_token(token)
    if stored is None:
        abort(404)
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
