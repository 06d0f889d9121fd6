"""The optional "about you" questions: fixed answer codes, labelled in the interface language.

Stakeholder group and locality come from reference data (the consultation's groups and localities, or all of
them for a standalone survey); the other lists are here. Codes are stored on SurveyResponse and read by
reports through consult.surveys.services.reading.participation_rows().
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PREFER_NOT = "prefer_not"

#: Age bands in years (ONS-style, with the older bands a health and care consultation needs).
AGE_BANDS = (
    ("under_18", _l("Under 18")),
    ("18_24", _l("18 to 24")),
    ("25_34", _l("25 to 34")),
    ("35_44", _l("35 to 44")),
    ("45_54", _l("45 to 54")),
    ("55_64", _l("55 to 64")),
    ("65_74", _l("65 to 74")),
    ("75_84", _l("75 to 84")),
    ("85_plus", _l("85 or over")),
    (PREFER_NOT, _l("Prefer not to say")),
)

#: The high-level ethnic groups of the 2021 census in England and Wales.
ETHNIC_GROUPS = (
    ("asian", _l("Asian or Asian British")),
    ("black", _l("Black, Black British, Caribbean or African")),
    ("mixed", _l("Mixed or multiple ethnic groups")),
    ("white", _l("White")),
    ("other", _l("Another ethnic group")),
    (PREFER_NOT, _l("Prefer not to say")),
)

LANGUAGES = (
    ("en", _l("English")),
    ("cy", _l("Welsh")),
    ("ur", _l("Urdu")),
    ("pa", _l("Punjabi")),
    ("bn", _l("Bengali")),
    ("pl", _l("Polish")),
    ("ar", _l("Arabic")),
    ("bsl", _l("British Sign Language")),
    ("other", _l("Another language")),
    (PREFER_NOT, _l("Prefer not to say")),
)

DISABILITY = (
    ("yes", _l("Yes")),
    ("no", _l("No")),
    (PREFER_NOT, _l("Prefer not to say")),
)

#: Field name -> its fixed list, for the lists that are not reference data.
FIXED = {"age_band": AGE_BANDS, "ethnic_group": ETHNIC_GROUPS, "main_language": LANGUAGES,
         "disability": DISABILITY}
#: Every "about you" field, in the order asked.
FIELDS = ("stakeholder_group", "locality", "age_band", "ethnic_group", "main_language", "disability")


def label(field: str, code: str | None) -> str:
    """The interface label of a fixed-list code ("" when not given)."""
    if not code:
        return ""
    return str(dict(FIXED[field]).get(code, code))
