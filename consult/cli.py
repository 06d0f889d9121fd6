"""flask --app consult …: commands for operators and scripts (see README, "Commands")."""

from __future__ import annotations

import os
import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from consult.extensions import db


def fail(message: str) -> None:
    """Stop a command with a clear message and a non-zero exit, storing nothing."""
    db.session.rollback()
    raise click.ClickException(message)


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(consultation_cli)


@click.command("demo")
def demo_command():
    """Load the demo county (idempotent: running it again adds nothing)."""
    from consult.demo import load_demo

    created = load_demo()
    db.session.commit()
    if created:
        click.echo("Demo data loaded. Accounts (passwords are shown only this once):")
        for email, role, password in created:
            click.echo(f"  {role:<13} {email:<34} {password}")
    else:
        click.echo("Demo data already present; nothing changed. "
                   "Set a password with: flask --app consult users set-password EMAIL")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queue is empty, then stop.")
def worker_command(burst: bool):
    """Run a background worker for this app's queue."""
    from consult.jobs.queue import run_worker

    run_worker(burst=burst)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int):
    """Run the web app and a worker together (embedded Redis unless REDIS_URL is set). For trying it out."""
    from consult.jobs.queue import redis_url

    env = dict(os.environ, REDIS_URL=redis_url())
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "consult", "worker"], env=env)
    try:
        click.echo(f"consult is running at http://{host}:{port}/ (press Ctrl+C to stop)")
        current_app.run(host=host, port=port, debug=False, use_reloader=False)
    finally:
        worker.terminate()
        worker.wait(timeout=10)


jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("dispatch")
def jobs_dispatch():
    """Enqueue jobs that were recorded while Redis was unreachable."""
    from consult.jobs.queue import dispatch_pending

    click.echo(f"{dispatch_pending()} job(s) enqueued.")


users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "commissioner", "facilitator", "member"]), default="member")
@click.password_option()
def users_create(email: str, name: str, role: str, password: str):
    """Create a user account."""
    from consult.accounts.services import AccountError, create_user

    try:
        create_user(email=email, name=name, role=role, password=password, channel="cli")
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option()
def users_set_password(email: str, password: str):
    """Set someone's password (for operators; people change their own in the app)."""
    from consult.accounts.services import AccountError, check_password_rules, find_user_by_email
    from consult.core.services import record_change

    user = find_user_by_email(email)
    if user is None:
        fail(f"No user with email {email}.")
    try:
        check_password_rules(password)
    except AccountError as exc:
        fail(str(exc))
    user.set_password(password)
    record_change("user.password", user, channel="cli")
    db.session.commit()
    click.echo(f"Password set for {user.email}.")


consultation_cli = AppGroup("consultation", help="Consultations (stable interface: see README).")


@consultation_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def consultation_import(file: str):
    """Create a consultation from a JSON spec and print its slug."""
    import json

    from consult.consultations.services import ConsultationError, import_consultation

    try:
        with open(file, encoding="utf-8") as handle:
            spec = json.load(handle)
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{file}: not valid JSON ({exc})")
    try:
        consultation = import_consultation(spec, channel="cli")
    except ConsultationError as exc:
        fail(f"{file}: {exc}")
    db.session.commit()
    click.echo(consultation.slug)


@consultation_cli.command("list")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="text", show_default=True)
def consultation_list(output: str):
    """List consultations: slug, status and title (in the default language)."""
    import json

    from sqlalchemy import select

    from consult.consultations.models import Consultation
    from consult.core.i18n import tr

    rows = [{"slug": c.slug, "status": c.status, "title": tr(c.title, c.default_locale)}
            for c in db.session.scalars(select(Consultation).order_by(Consultation.slug))]
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            click.echo(f"{row['slug']}\t{row['status']}\t{row['title']}")
