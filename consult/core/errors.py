"""The one kind of refusal every service raises, so that one view helper can show it."""

from __future__ import annotations


class RuleError(ValueError):
    """A change a service refuses because it breaks a rule.

    str() is the sentence shown to the person; ``field`` names the form field (or file path) it concerns,
    so that views show it beside that field and commands name where the problem is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
