"""What every commissioning service shares: its refusal, and how money and text that people type are read."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from consult.core.errors import RuleError

MAX_AMOUNT = Decimal("1000000000000")


class CommissioningError(RuleError):
    """A refusal shown to the person: str() is a translated sentence; `field` names the form field."""


def default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def clean_text(content: Mapping[str, str] | None) -> dict[str, str]:
    """Text per language, trimmed, keeping only the languages this site offers and that were filled in."""
    enabled = current_app.config["LOCALES"]
    return {k: v.strip() for k, v in (content or {}).items() if k in enabled and v and v.strip()}


def money(value: Any, field: str) -> Decimal | None:
    """An amount in pounds to the penny (empty for none); refused unless it is a number from 0 below a trillion."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise CommissioningError(_("Enter an amount in pounds, like 25000 or 25000.50."), field) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise CommissioningError(_("Enter an amount of 0 or more, in pounds."), field)
    return amount.quantize(Decimal("0.01"))


def check_choice(value: str | None, allowed: Collection[str], field: str, message) -> None:
    """Nothing chosen, or one of `allowed`. `message` is lazy, so that nothing is translated unless someone is
    refused."""
    if value is not None and value not in allowed:
        raise CommissioningError(str(message), field)
