import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.models import Consultation
from consult.core.forms import ConfirmForm
from consult.core.i18n import current_locale, tr
from consult.core.web import carry_out, form_error, form_page, save_form
from consult.extensions import db
from consult.jobs import queue
from consult.jobs import services as jobs
from consult.jobs.models import JobStatus
from consult.reports import populations, services, sources, tagging
from consult.reports.codes import BAND_TYPES
from consult.reports.document import build_document
from consult.reports.errors import PopulationFileError, ReportError
from consult.reports.forms import AnswerFilterForm, BuildReportForm, MarginForm, PopulationImportForm, ThemeForm
from consult.reports.models import FORMATS, FreeTextTheme
from consult.reports.permissions import (
    can_build_report,
    can_choose_target_population,
    can_import_population,
    can_tag_free_text,
    can_view_full_report,
    can_view_live_participation,
    can_view_published_report,
)

bp = Blueprint("reports", __name__)

#: Reports are downloaded in the formats named by the stable command: html, pdf, xlsx, csv, docx.
FORMAT_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "csv": "CSV"}


def _consultation(consultation_id: int, allowed) -> Consultation:
    consultation = sources.consultation_by_id(consultation_id)
    if consultation is None:
        abort(404)
    if not allowed(current_user, consultation):
        abort(403)
    return consultation


def _job_state(consultation: Consultation) -> dict | None:
    """The latest report build of the consultation: its status and progress, for the page and its script."""
    record = queue.latest_report_build(consultation)
    if record is None:
        return None
    percent, _message = queue.read_progress(record)
    texts = {JobStatus.PENDING: _("Waiting for the job service to start the report."),
             JobStatus.QUEUED: _("Waiting to start building the report."),
             JobStatus.RUNNING: _("Building the report: %(percent)s%% done.", percent=percent),
             JobStatus.FINISHED: _("The report is ready."),
             JobStatus.FAILED: _("The report could not be built.")}
    return {"record": record, "status": record.status, "progress": percent, "done": record.status.is_done,
            "failed": record.status.is_failed, "text": texts[record.status]}


def _report_page(consultation: Consultation, form: BuildReportForm | None = None, status: int = 200):
    if form is None:
        form = BuildReportForm(formdata=None)
        form.margin.data = services.default_margin()
    snapshot = services.latest_report(consultation)
    return render_template("reports/report.html", consultation=consultation, snapshot=snapshot,
                           job=_job_state(consultation), form=form, confirm=ConfirmForm(),
                           formats=FORMAT_NAMES, can_build=can_build_report(current_user, consultation),
                           can_tag=can_tag_free_text(current_user, consultation),
                           can_import=can_import_population(current_user)), status


@bp.route("/consultations/<int:consultation_id>/report", methods=["GET", "POST"])
@login_required
def report(consultation_id):
    consultation = _consultation(consultation_id, can_view_full_report)
    if request.method == "GET":
        return _report_page(consultation)
    if not can_build_report(current_user, consultation):
        abort(403)
    form = BuildReportForm()
    if not form.validate_on_submit():
        return _report_page(consultation, form, 400)

    def build():
        services.check_can_build(consultation)
        margin = services.margin_or_default(form.margin.data)
        return queue.submit_report(consultation, actor=current_user, locale=current_locale(), margin=margin)

    def refused(exc):
        """A margin out of range is the form's fault (400); a build the consultation refuses, a conflict (409)."""
        form_error(form, "margin" if exc.field == "margin" else "submit", str(exc))
        return _report_page(consultation, form, 400 if exc.field == "margin" else 409)

    return carry_out(build, done=_("The report is being built. This page shows how it is going."),
                     then=url_for("reports.report", consultation_id=consultation.id), refused=refused,
                     commit=queue.commit_and_dispatch)


@bp.route("/consultations/<int:consultation_id>/report/progress")
@login_required
def progress(consultation_id):
    consultation = _consultation(consultation_id, can_view_full_report)
    state = _job_state(consultation)
    if state is None:
        return jsonify(status=None, progress=0, done=True, failed=False, text="")
    return jsonify(status=state["status"], progress=state["progress"], done=state["done"], failed=state["failed"],
                   text=state["text"])


@bp.route("/consultations/<int:consultation_id>/report/retry", methods=["POST"])
@login_required
def retry(consultation_id):
    consultation = _consultation(consultation_id, can_build_report)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record = queue.latest_report_build(consultation)
    if record is None or not record.status.is_failed:
        flash(_("There is no failed report build to try again."), "info")
        return redirect(url_for("reports.report", consultation_id=consultation.id))
    jobs.retry(record)
    queue.commit_and_dispatch()
    flash(_("Trying to build the report again."), "success")
    return redirect(url_for("reports.report", consultation_id=consultation.id))


def _latest_or_404(consultation: Consultation):
    snapshot = services.latest_report(consultation)
    if snapshot is None:
        abort(404)
    return snapshot


def _show(consultation: Consultation, audience: str):
    snapshot = _latest_or_404(consultation)
    document = build_document(snapshot.data, locale=current_locale(), audience=audience)
    return render_template("reports/view.html", consultation=consultation, snapshot=snapshot, document=document,
                           formats=FORMAT_NAMES, public_formats=services.PUBLIC_FORMATS, audience=audience)


def _download(consultation: Consultation, fmt: str, audience: str):
    if fmt not in FORMATS or (audience == "public" and fmt not in services.PUBLIC_FORMATS):
        abort(404)
    snapshot = _latest_or_404(consultation)
    locale = current_locale()
    stored = services.report_file(snapshot, fmt, locale, audience)
    db.session.commit()  # keep a newly rendered file for the next reader
    return send_file(io.BytesIO(stored.content), mimetype=services.CONTENT_TYPES[fmt], as_attachment=True,
                     download_name=services.file_name(snapshot, fmt, locale))


@bp.route("/consultations/<int:consultation_id>/report/view")
@login_required
def view(consultation_id):
    return _show(_consultation(consultation_id, can_view_full_report), "full")


@bp.route("/consultations/<int:consultation_id>/report/download/<fmt>")
@login_required
def download(consultation_id, fmt):
    return _download(_consultation(consultation_id, can_view_full_report), fmt, "full")


def _published(slug: str) -> Consultation:
    consultation = sources.consultation_by_slug(slug)
    if consultation is None or not can_view_published_report(consultation):
        abort(404)
    return consultation


@bp.route("/c/<slug>/report")
def public_view(slug):
    return _show(_published(slug), "public")


@bp.route("/c/<slug>/report/download/<fmt>")
def public_download(slug, fmt):
    return _download(_published(slug), fmt, "public")


@bp.route("/consultations/<int:consultation_id>/participation")
@login_required
def participation(consultation_id):
    consultation = _consultation(consultation_id, can_view_live_participation)
    form = MarginForm(request.args)
    margin = services.default_margin()
    if request.args and form.validate() and form.margin.data is not None:
        margin = float(form.margin.data)
    elif not request.args:
        form.margin.data = margin
    figures = services.live_figures(consultation, margin)
    document = build_document(figures, locale=current_locale(),
                              sections=("glance", "participation", "over_time", "representativeness"))
    return (render_template("reports/participation.html", consultation=consultation, document=document,
                            form=form, margin=margin, can_import=can_import_population(current_user),
                            can_choose_target=can_choose_target_population(current_user, consultation)),
            400 if form.errors else 200)


# --- themes on written answers -----------------------------------------------------------------------------------

@bp.route("/consultations/<int:consultation_id>/themes", methods=["GET", "POST"])
@login_required
def themes(consultation_id):
    consultation = _consultation(consultation_id, can_tag_free_text)
    form = ThemeForm.build()
    if form.validate_on_submit():
        done = save_form(form, lambda: tagging.save_theme(consultation, None, name=form.localized("name"),
                                                          actor=current_user),
                         done=_("Theme added."), then=url_for("reports.themes", consultation_id=consultation.id))
        if done:
            return done
    return form_page("reports/themes.html", form, consultation=consultation, themes=tagging.themes_of(consultation),
                     questions=tagging.text_questions(consultation), confirm=ConfirmForm())


@bp.route("/consultations/<int:consultation_id>/themes/<int:theme_id>/delete", methods=["POST"])
@login_required
def delete_theme(consultation_id, theme_id):
    consultation = _consultation(consultation_id, can_tag_free_text)
    theme = db.get_or_404(FreeTextTheme, theme_id)
    if theme.consultation_id != consultation.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tagging.delete_theme(theme, actor=current_user)
    db.session.commit()
    flash(_("Theme removed, with its tags."), "success")
    return redirect(url_for("reports.themes", consultation_id=consultation.id))


def _group_choices(reference: dict) -> list[tuple[str, str]]:
    return ([("", _("All groups"))] + [(code, tr(reference["group_names"][code])) for code in reference["groups"]]
            + [("not_given", _("Not given"))])


@bp.route("/consultations/<int:consultation_id>/themes/answers/<code>", methods=["GET", "POST"])
@login_required
def tag_answers(consultation_id, code):
    consultation = _consultation(consultation_id, can_tag_free_text)
    reference = sources.reference_source(consultation)
    filters = AnswerFilterForm(request.args)
    filters.group.choices = _group_choices(reference)
    if not filters.validate():
        filters.group.data = ""
    page_number = request.args.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() else 1
    themes = tagging.themes_of(consultation)
    errors: list[str] = []
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        shown = [int(v) for v in request.form.getlist("answer") if v.isdigit()]
        assignments = {rid: {int(v) for v in request.form.getlist(f"themes-{rid}") if v.isdigit()} for rid in shown}
        quoted = [rid for rid in shown if request.form.get(f"quote-{rid}") == "1"]
        done = carry_out(lambda: tagging.set_tags(consultation, code, assignments, quoted=quoted,
                                                  actor=current_user),
                         done=lambda changed: _("Themes saved for %(n)s answers.", n=changed),
                         then=request.full_path if request.query_string else request.path,
                         refused=lambda exc: errors.append(str(exc)))
        if done:
            return done
    error = errors[0] if errors else None
    try:
        page = tagging.tagging_page(consultation, code, page=page_number, untagged=bool(filters.untagged.data),
                                     group=filters.group.data or None)
    except ReportError:
        abort(404)
    names = dict(_group_choices(reference)[1:-1])
    places = {code: tr(reference["locality_names"][code]) for code in reference["localities"]}
    return (render_template("reports/tag_answers.html", consultation=consultation, page=page, themes=themes,
                            filters=filters, confirm=ConfirmForm(), error=error, code=code, group_names=names,
                            locality_names=places),
            400 if error else 200)


# --- population figures ------------------------------------------------------------------------------------------

#: Problems listed on the page; a file with more says how many more.
PROBLEMS_SHOWN = 100


def _uploaded_text(form: PopulationImportForm) -> str | None:
    """The uploaded file's text; None, with the reason on the form's file field, when there is none."""
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form_error(form, "file", _("Select a CSV file of population figures"))
        return None
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form_error(form, "file", _("The file must be UTF-8 text (save it as \"CSV UTF-8\")"))
        return None


def _problem_lines(exc: PopulationFileError) -> list[str]:
    lines = [_("Line %(line)s: %(reason)s", line=line, reason=reason) if line else reason
             for line, reason in exc.problems[:PROBLEMS_SHOWN]]
    if len(exc.problems) > PROBLEMS_SHOWN:
        lines.append(_("… and %(n)s more problems.", n=len(exc.problems) - PROBLEMS_SHOWN))
    return lines


@bp.route("/population", methods=["GET", "POST"])
@login_required
def population():
    if not can_import_population(current_user):
        abort(403)
    form = PopulationImportForm()
    problems: list[str] = []
    text = _uploaded_text(form) if form.validate_on_submit() else None
    if text is not None:

        def refused(exc: PopulationFileError) -> None:
            form_error(form, "file", str(exc))
            problems.extend(_problem_lines(exc))

        done = carry_out(lambda: populations.import_population(text, actor=current_user),
                         done=lambda count: _("%(n)s population figures imported.", n=count),
                         then=url_for("reports.population"), refused=refused)
        if done:
            return done
    return form_page("reports/population.html", form, overview=populations.population_overview(),
                     problems=problems, band_codes={t: populations.allowed_bands(t) for t in BAND_TYPES})


# --- who the consultation is for -----------------------------------------------------------------------------

def _target_page(consultation: Consultation, chosen: dict[str, list[str]], error: tuple[str, str] | None = None):
    return (render_template("reports/target_population.html", consultation=consultation, chosen=chosen,
                            choices=populations.band_choices(), type_names=populations.band_type_names(),
                            error=error, confirm=ConfirmForm()),
            400 if error else 200)


@bp.route("/consultations/<int:consultation_id>/target-population", methods=["GET", "POST"])
@login_required
def target_population(consultation_id):
    consultation = _consultation(consultation_id, can_choose_target_population)
    if request.method == "GET":
        return _target_page(consultation, dict(consultation.target_population or {}))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    chosen = {key: request.form.getlist(key) for key in request.form if key not in ("csrf_token", "submit")}
    return carry_out(lambda: populations.set_target_population(consultation, chosen, actor=current_user),
                     done=_("Target population saved. Representativeness now compares people with it."),
                     then=url_for("reports.participation", consultation_id=consultation.id)
                     if not consultation.status.is_draft else url_for("consultations.show",
                                                                      consultation_id=consultation.id),
                     refused=lambda exc: _target_page(consultation, chosen, (exc.field or "target", str(exc))))
