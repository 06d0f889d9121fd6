"""Answering a survey, for everyone: /c/<slug>/survey or /s/<slug> → start → each page → about you → check
your answers → done; saving to come back later with a code, and resuming."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.forms import ConfirmForm
from consult.core.i18n import current_locale
from consult.core.web import form_error
from consult.extensions import db
from consult.invitations.services import mark_responded
from consult.invitations.web import followed_invitation
from consult.surveys import flow, profile
from consult.surveys.errors import AnswerError, SurveyError
from consult.surveys.forms import ResumeForm
from consult.surveys.kinds import field_name, form_value, is_answerable
from consult.surveys.models import Survey, SurveyResponse
from consult.surveys.permissions import can_answer_survey, can_view_survey
from consult.surveys.services import answering, finding, resuming, translation
from consult.surveys.views import bp
from consult.surveys.views.common import survey_url, values_from_raw

SESSION_RESPONSES = "survey_responses"
SESSION_EASY = "survey_easy"


def public_route(suffix: str, **options):
    """Register a respondent page at both /c/<slug>/survey<suffix> and /s/<slug><suffix>."""
    def decorator(view):
        bp.add_url_rule(f"/c/<slug>/survey{suffix}", view_func=view, defaults={"scope": "c"}, **options)
        bp.add_url_rule(f"/s/<slug>{suffix}", view_func=view, defaults={"scope": "s"}, **options)
        return view
    return decorator


def _public_survey(scope: str, slug: str) -> Survey:
    survey = finding.survey_of_consultation(slug) if scope == "c" else finding.survey_by_slug(slug)
    if survey is None or not can_view_survey(current_user, survey):
        abort(404)  # a draft is nobody's business yet
    return survey


def _easy_mode(survey: Survey) -> bool:
    chosen = dict(session.get(SESSION_EASY) or {})
    asked = request.args.get("easy")
    if asked in ("0", "1"):
        chosen[str(survey.id)] = asked == "1"
        session[SESSION_EASY] = chosen
    return bool(chosen.get(str(survey.id)))


def _current_response(survey: Survey):
    response_id = (session.get(SESSION_RESPONSES) or {}).get(str(survey.id))
    response = db.session.get(SurveyResponse, response_id) if response_id else None
    if response is None or response.survey_id != survey.id or response.is_submitted:
        return None
    return response


def _remember(survey: Survey, response) -> None:
    held = dict(session.get(SESSION_RESPONSES) or {})
    if response is None:
        held.pop(str(survey.id), None)
    else:
        held[str(survey.id)] = response.id
    session[SESSION_RESPONSES] = held


def _closed(survey: Survey):
    return render_template("surveys/closed.html", survey=survey), 403


def _respondent(survey: Survey, **context) -> dict:
    locale = current_locale()
    return {"survey": survey, "easy": _easy_mode(survey), "unreviewed": translation.is_unreviewed(survey, locale),
            "fallback": survey.default_locale, **context}


def _values_from_answers(questions, answers) -> dict[str, Any]:
    return {question.code: form_value(question, answers.get(question.code)) for question in questions}


def _after_page(survey: Survey, response, index: int):
    all_pages, steps = answering.pages(survey), answering.steps(survey)
    following = flow.next_page(all_pages, steps, response.answers or {}, index)
    if following is not None:
        return survey_url(survey, "answer_page", n=following + 1)
    if survey.ask_about_you:
        return survey_url(survey, "about_you")
    return survey_url(survey, "check")


@public_route("")
def start(scope, slug):
    survey = _public_survey(scope, slug)
    return render_template("surveys/start.html", **_respondent(
        survey, open=can_answer_survey(current_user, survey), response=_current_response(survey),
        confirm=ConfirmForm()))


@public_route("/start", methods=["POST"])
def begin(scope, slug):
    survey = _public_survey(scope, slug)
    if not can_answer_survey(current_user, survey):
        return _closed(survey)
    response = _current_response(survey)
    if response is None:
        response = answering.start_response(survey, locale=current_locale(), easy_read=_easy_mode(survey),
                                           user=current_user)
        if response.is_submitted:
            db.session.rollback()
            flash(_("You have already answered this survey."), "info")
            return redirect(survey_url(survey, "start"))
        db.session.commit()
        _remember(survey, response)
    first = answering.first_unanswered_page(response)
    if first is None and response.answers:
        return redirect(survey_url(survey, "check"))
    return redirect(survey_url(survey, "answer_page", n=(first or 0) + 1))


def _answering(scope: str, slug: str):
    """The survey and this browser's unfinished response, or a response to send instead."""
    survey = _public_survey(scope, slug)
    if not can_answer_survey(current_user, survey):
        return survey, None, _closed(survey)
    response = _current_response(survey)
    if response is None:
        return survey, None, redirect(survey_url(survey, "start"))
    return survey, response, None


@public_route("/page/<int:n>", methods=["GET", "POST"])
def answer_page(scope, slug, n):
    survey, response, early = _answering(scope, slug)
    if early is not None:
        return early
    all_pages = answering.pages(survey)
    index = n - 1
    if not 0 <= index < len(all_pages):
        abort(404)
    questions = answering.page_questions(survey, response.answers or {}, index)
    if not questions:
        return redirect(_after_page(survey, response, index))
    errors: dict[str, str] = {}
    values = _values_from_answers(questions, response.answers or {})
    status = 200
    if request.method == "POST":
        raw = request.form.to_dict(flat=False)
        action = request.form.get("action", "continue")
        try:
            answering.save_page(response, index, raw, require=action != "save")
        except AnswerError as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
            values = values_from_raw(questions, raw)
        except SurveyError:
            db.session.rollback()
            return _closed(survey)
        else:
            if action == "save":
                session["survey_code"] = resuming.issue_resume_code(response)
                db.session.commit()
                return redirect(survey_url(survey, "saved"))
            db.session.commit()
            if request.args.get("return") == "check":
                return redirect(survey_url(survey, "check"))
            return redirect(_after_page(survey, response, index))
    previous = flow.previous_page(all_pages, answering.steps(survey), response.answers or {}, index)
    back = survey_url(survey, "answer_page", n=previous + 1) if previous is not None else survey_url(survey, "start")
    shown = flow.visible_pages(all_pages, answering.steps(survey), response.answers or {})
    position = shown.index(index) + 1 if index in shown else None
    page = all_pages[index]
    section = next(s for s in survey.sections if s.id == page.section)
    return render_template("surveys/page.html", **_respondent(
        survey, section=section, page=page, questions=questions, values=values, errors=errors, n=n, back=back,
        position=position, total=len(shown), returning=request.args.get("return") == "check")), status


@public_route("/about-you", methods=["GET", "POST"])
def about_you(scope, slug):
    survey, response, early = _answering(scope, slug)
    if early is not None:
        return early
    if not survey.ask_about_you:
        return redirect(survey_url(survey, "check"))
    errors: dict[str, str] = {}
    status = 200
    values = {"stakeholder_group": response.stakeholder_group.code if response.stakeholder_group else "",
              "locality": response.locality.code if response.locality else "", "age_band": response.age_band,
              "ethnic_group": response.ethnic_group, "main_language": response.main_language,
              "disability": response.disability}
    if request.method == "POST":
        raw = request.form.to_dict(flat=False)
        try:
            answering.save_profile(response, raw, skip=request.form.get("action") == "skip")
        except AnswerError as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
            values = {name: (raw.get(name) or [""])[0] for name in profile.FIELDS}
        except SurveyError:
            db.session.rollback()
            return _closed(survey)
        else:
            db.session.commit()
            return redirect(survey_url(survey, "check"))
    last = flow.previous_page(answering.pages(survey), answering.steps(survey), response.answers or {}, 10 ** 6)
    back = survey_url(survey, "answer_page", n=last + 1) if last is not None else survey_url(survey, "start")
    return render_template("surveys/about_you.html", **_respondent(
        survey, values=values, errors=errors, back=back, groups=finding.stakeholder_groups_for(survey),
        places=finding.localities_for(survey), profile=profile)), status


def _invitation_answered(survey) -> None:
    """Someone who came by a personal invitation link has answered: they are not reminded again."""
    invitation = followed_invitation(survey.consultation_id)
    if invitation is not None:
        # For an anonymous survey only the day is kept, so the time cannot tie the invitee to an answer.
        mark_responded(invitation, coarse=survey.anonymous)


@public_route("/check", methods=["GET", "POST"])
def check(scope, slug):
    survey, response, early = _answering(scope, slug)
    if early is not None:
        return early
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            answering.submit_response(response)
            _invitation_answered(survey)
        except AnswerError as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
        except SurveyError:
            db.session.rollback()
            return _closed(survey)
        else:
            db.session.commit()
            _remember(survey, None)
            session["survey_done"] = {"survey": survey.id, "reference": response.reference}
            return redirect(survey_url(survey, "done"))
    answers = response.answers or {}
    all_pages, steps = answering.pages(survey), answering.steps(survey)
    shown = set(flow.visible_codes(steps, answers))
    by_code = answering.questions_by_code(survey)
    blocks = []
    for index in flow.visible_pages(all_pages, steps, answers):
        page = all_pages[index]
        section = next(s for s in survey.sections if s.id == page.section)
        questions = [by_code[c] for c in page.codes if c in shown and is_answerable(by_code[c].kind)]
        if not questions:
            continue
        if blocks and blocks[-1]["section"] is section:
            blocks[-1]["rows"].extend((q, index) for q in questions)
        else:
            blocks.append({"section": section, "rows": [(q, index) for q in questions]})
    error_pages = {field_name(q): index for index, q in answering.unanswered_required(response)}
    last = flow.previous_page(all_pages, steps, answers, 10 ** 6)
    back = (survey_url(survey, "about_you") if survey.ask_about_you
            else survey_url(survey, "answer_page", n=last + 1) if last is not None else survey_url(survey, "start"))
    return render_template("surveys/check.html", **_respondent(
        survey, response=response, blocks=blocks, answers=answers, errors=errors, error_pages=error_pages,
        back=back, profile=profile)), status


@public_route("/done")
def done(scope, slug):
    survey = _public_survey(scope, slug)
    finished = session.get("survey_done") or {}
    if finished.get("survey") != survey.id:
        return redirect(survey_url(survey, "start"))
    return render_template("surveys/done.html", **_respondent(survey, reference=finished["reference"]))


@public_route("/saved")
def saved(scope, slug):
    survey = _public_survey(scope, slug)
    code = session.pop("survey_code", None)
    return render_template("surveys/saved.html", **_respondent(survey, code=code))


@public_route("/resume", methods=["GET", "POST"])
def resume(scope, slug):
    survey = _public_survey(scope, slug)
    if not can_answer_survey(current_user, survey):
        return _closed(survey)
    form = ResumeForm()
    if form.validate_on_submit():
        try:
            response = resuming.resume(survey, form.code.data)
        except SurveyError as exc:
            form_error(form, "code", str(exc))
        else:
            _remember(survey, response)
            first = answering.first_unanswered_page(response)
            return redirect(survey_url(survey, "answer_page", n=first + 1) if first is not None
                            else survey_url(survey, "about_you" if survey.ask_about_you else "check"))
    return render_template("surveys/resume.html", form=form, **_respondent(survey)), 400 if form.errors else 200
