"""What the survey rules refuse with: a message for the person and the form field it is about."""

from __future__ import annotations

from consult.core.errors import RuleError


class SurveyError(RuleError):
    """A change or an answer that breaks a rule; str() is shown to the person, `field` names the form field."""


class AnswerError(SurveyError):
    """Answers that cannot be accepted; `errors` maps each form field name to its message, in page order."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors
