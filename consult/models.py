"""Imports every domain's models, so that SQLAlchemy's metadata holds the whole schema."""

from importlib import import_module
from importlib.util import find_spec

from consult import DOMAINS

for _domain in DOMAINS:
    if find_spec(f"consult.{_domain}") is not None and find_spec(f"consult.{_domain}.models") is not None:
        import_module(f"consult.{_domain}.models")
