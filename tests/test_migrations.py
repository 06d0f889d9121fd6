"""Migrations: one head, upgrade from empty, downgrade to base, and the same schema as the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from consult import ROOT
from consult.extensions import db


@pytest.fixture
def migration_app(make_test_app):
    app = make_test_app("migrations")
    with app.app_context():
        yield app
        db.engine.dispose()


def test_single_head():
    script = ScriptDirectory(str(ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_upgrade_matches_models_and_downgrades_to_base(migration_app):
    upgrade(directory=str(ROOT / "migrations"))
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    downgrade(directory=str(ROOT / "migrations"), revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
