"""Helpers for views: form errors from services, safe redirects, locale-aware URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


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
