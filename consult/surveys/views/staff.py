"""A survey's answers, for the staff: results with filters and breakdowns, the text answers, the export as
CSV or Excel, and entering responses from paper."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.consultations.permissions import localities_worked_by
from consult.core import privacy
from consult.core.i18n import enabled_locales, tr
from consult.extensions import db
from consult.surveys import exports, profile
from consult.surveys.errors import AnswerError, SurveyError
from consult.surveys.kinds import TEXT_KINDS
from consult.surveys.models import Survey
from consult.surveys.permissions import (
    can_enter_paper_responses,
    can_manage_survey,
    can_view_survey_results,
    response_localities,
)
from consult.surveys.services import answering, finding, reading
from consult.surveys.services import paper as paper_forms
from consult.surveys.views import bp
from consult.surveys.views.common import condition_text, survey_or_404, values_from_raw


def _places(survey: Survey, scope: set[int] | None) -> list:
    """The localities a reader may filter by: all of the survey's, or those of their scope."""
    return [loc for loc in finding.localities_for(survey) if scope is None or loc.id in scope]


def _scope_note(places: list, scope: set[int] | None) -> str | None:
    """Said to a reader who sees only some localities' responses (`places`, from _places)."""
    if scope is None:
        return None
    names = ", ".join(tr(loc.name) for loc in places)
    return _("You see the responses from the areas where you facilitate a planning group: %(areas)s.",
             areas=names or "–")


def _filters(survey: Survey, places: list) -> dict[str, str | None]:
    """The group and locality asked for; `places` are the localities the reader may filter by (_places)."""
    groups = {g.code for g in finding.stakeholder_groups_for(survey)}
    places = {loc.code for loc in places}
    group, place = request.args.get("group") or None, request.args.get("locality") or None
    if (group and group not in groups) or (place and place not in places):
        abort(400, description=_("Choose one of the options"))
    return {"stakeholder_group": group, "locality": place}


def _small_notice(data: dict[str, Any]) -> str | None:
    """Staff see every breakdown figure; those about fewer people than the public may see are marked."""
    small = any(privacy.too_few(n) for r in data["questions"] for part in r.get("by", {}).values()
                for n in [part["base"], *part["counts"].values()])
    return privacy.staff_notice() if small else None


@bp.route("/surveys/<int:survey_id>/results")
@login_required
def results(survey_id):
    survey = survey_or_404(survey_id, may=can_view_survey_results)
    scope = response_localities(current_user, survey)
    groups, places = finding.stakeholder_groups_for(survey), _places(survey, scope)
    filters = _filters(survey, places)
    breakdown = request.args.get("by") or None
    if breakdown not in (None, "stakeholder_group", "locality"):
        abort(400, description=_("Choose one of the options"))
    data = reading.survey_results(survey, breakdown=breakdown, locality_ids=scope, **filters)
    if breakdown == "stakeholder_group":
        columns = [(g.code, tr(g.name)) for g in groups]
    elif breakdown == "locality":
        columns = [(loc.code, tr(loc.name)) for loc in places]
    else:
        columns = []
    if columns:
        columns.append(("not_given", _("Not given")))
    return render_template("surveys/results.html", survey=survey, data=data, filters=filters, breakdown=breakdown,
                           columns=columns, groups=groups, places=places,
                           by_code=answering.questions_by_code(survey), text_kinds=TEXT_KINDS,
                           can_manage=can_manage_survey(current_user, survey), too_few=privacy.too_few,
                           small_notice=_small_notice(data), scope_note=_scope_note(places, scope))


@bp.route("/surveys/<int:survey_id>/results/text")
@login_required
def text_answers(survey_id):
    survey = survey_or_404(survey_id, may=can_view_survey_results)
    scope = response_localities(current_user, survey)
    places = _places(survey, scope)
    filters = _filters(survey, places)
    questions = [q for q in survey.ordered_questions() if q.kind in TEXT_KINDS]
    code = request.args.get("question") or (questions[0].code if questions else None)
    question = next((q for q in questions if q.code == code), None)
    if questions and question is None:
        abort(400, description=_("Choose one of the options"))
    search = (request.args.get("q") or "")[:200]
    answers = (reading.text_answers(survey, question.code, search=search, locality_ids=scope, **filters)
               if question else [])
    return render_template("surveys/text_answers.html", survey=survey, questions=questions, question=question,
                           answers=answers, filters=filters, search=search, scope_note=_scope_note(places, scope),
                           groups=finding.stakeholder_groups_for(survey), places=places)


@bp.route("/surveys/<int:survey_id>/export")
@login_required
def export(survey_id):
    survey = survey_or_404(survey_id, may=can_view_survey_results)
    fmt = request.args.get("format", "csv")
    locale = request.args.get("lang_labels") or survey.default_locale
    if fmt not in ("csv", "xlsx") or locale not in enabled_locales():
        abort(400, description=_("Choose one of the options"))
    header, rows = reading.export_table(survey, locale, locality_ids=response_localities(current_user, survey))
    name = f"{survey.slug}-responses-{locale}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(header, rows).encode("utf-8"), "text/csv"
    else:
        body = exports.to_xlsx(header, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.route("/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@login_required
def paper(survey_id):
    survey = survey_or_404(survey_id, may=can_enter_paper_responses)
    places = (localities_worked_by(current_user, survey.consultation) if survey.consultation is not None
              else None)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        raw = request.form.to_dict(flat=False)
        try:
            saved = paper_forms.enter_paper_response(survey, raw, locale=request.form.get("locale", ""),
                                                     actor=current_user, localities=places)
        except AnswerError as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
            values = values_from_raw(survey.ordered_questions(), raw)
        except SurveyError as exc:
            db.session.rollback()
            errors, status = {"locale": str(exc)}, 400
            values = values_from_raw(survey.ordered_questions(), raw)
        else:
            db.session.commit()
            flash(_("Paper response saved with reference %(reference)s. Enter the next one.",
                    reference=saved.reference), "success")
            return redirect(url_for("surveys.paper", survey_id=survey.id))
    return render_template("surveys/paper.html", survey=survey, errors=errors, values=values,
                           raw=request.form if request.method == "POST" else {},
                           groups=finding.stakeholder_groups_for(survey),
                           places=finding.localities_for(survey) if places is None else places,
                           profile=profile, condition_text=condition_text,
                           submitted=finding.response_count(survey)), status
