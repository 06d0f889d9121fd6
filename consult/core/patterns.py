"""The shapes of identifiers people type: one rule each, used by every form, service and imported file.

The patterns end in \\Z, not $: "$" also matches before a final newline, which would let "P01\\n" through.
"""

from __future__ import annotations

import re

#: A web address name, as in /c/<slug>: 1 to 64 lower-case letters, digits or hyphens, starting and ending with
#: a letter or digit.
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")

#: A reference code (localities, stakeholder groups, priorities, voters in a file): 1 to 32 letters, digits,
#: hyphens or underscores, starting with a letter or digit.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}\Z")

#: A survey question's short name (an XLSForm `name`): answers, conditions and exports refer to it. 1 to 64
#: letters, digits, dots, hyphens or underscores, starting with a letter or underscore.
QUESTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}\Z")


def is_slug(value) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def is_code(value) -> bool:
    return isinstance(value, str) and CODE.match(value) is not None


def is_question_name(value) -> bool:
    return isinstance(value, str) and QUESTION_NAME.match(value) is not None
