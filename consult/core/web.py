"""Helpers for views: carrying out a change, form errors from services, safe redirects, locale-aware URLs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from consult.core.errors import RuleError
from consult.extensions import db

T = TypeVar("T")


def carry_out(change: Callable[[], T], *, done: str | Callable[[T], str], then: str | Callable[[T], str],
              refused: Callable[[RuleError], Any], commit: Callable[[], Any] | None = None) -> Any:
    """One change from a POST, as every view makes it: call the service; if it refuses, roll back and return
    refused(its error), with nothing changed; else commit once (with `commit`, e.g. the queue's
    commit_and_dispatch when the change asked for background work), flash `done` and redirect to `then`.

    `done` and `then` may be functions of what the service returned."""
    try:
        result = change()
    except RuleError as exc:
        db.session.rollback()
        return refused(exc)
    (commit or db.session.commit)()
    flash(done(result) if callable(done) else done, "success")
    return redirect(then(result) if callable(then) else then)


def save_form(form, change: Callable[[], T], *, done: str | Callable[[T], str], then: str | Callable[[T], str],
              field: str | None = None, fields: dict[str, str] | None = None,
              commit: Callable[[], Any] | None = None) -> Response | None:
    """carry_out for a form: a refusal is shown by the field it concerns (`field` always, or the service's
    field renamed by `fields`) and None comes back, so the view shows the form again (see form_page)."""

    def by_its_field(exc: RuleError) -> None:
        form_error(form, field or (fields or {}).get(exc.field, exc.field), str(exc))

    return carry_out(change, done=done, then=then, refused=by_its_field, commit=commit)


def form_page(template: str, form, **context):
    """A form's page: 400 once it holds an error (of its own validators or a service's), else 200."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def form_error(form, field_name: str | None, message: str) -> None:
    """Attach a service's refusal to the field it concerns, so the error summary links to it."""
    field = form._fields.get(field_name) if field_name else None
    if field is None:
        field = next(iter(form._fields.values()))
    field.errors = list(field.errors or []) + [message]
    form._errors = None  # WTForms caches form.errors; let it see the new one


def safe_next(target: str | None) -> str | None:
    """Only follow ?next= to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def url_for_locale(locale: str) -> str:
    """This page, in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [locale]
    endpoint = request.endpoint or "core.home"
    return url_for(endpoint, **(request.view_args or {}), **{k: v for k, v in args.items()})


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
