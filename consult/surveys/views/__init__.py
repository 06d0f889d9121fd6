"""Survey screens, split by who uses them: the staff's builder (builder.py, with sections and questions in
questions.py), the staff's results, export and paper entry (staff.py), and answering for everyone (public.py).
What several of them share, and the helpers templates call, are in common.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("surveys", __name__)


# The routes and template helpers register on bp as their modules are imported.
from consult.surveys.views import builder, common, public, questions, staff  # noqa: E402, F401
