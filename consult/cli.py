"""flask --app consult …: commands for operators and scripts (see README, "Commands")."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from consult.extensions import db


def fail(message: str) -> NoReturn:
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
    app.cli.add_command(ballots_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(survey_cli)
    app.cli.add_command(report_command)
    app.cli.add_command(population_cli)


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
    from werkzeug.serving import run_simple

    from consult.jobs.queue import redis_url

    env = dict(os.environ, REDIS_URL=redis_url())
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "consult", "worker"], env=env)
    try:
        click.echo(f"consult is running at http://{host}:{port}/ (press Ctrl+C to stop)")
        # Flask refuses app.run() inside its own CLI, so serve with Werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True)
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

    from consult.consultations.services import import_consultation
    from consult.core.errors import RuleError

    try:
        with open(file, encoding="utf-8") as handle:
            spec = json.load(handle)
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{file}: not valid JSON ({exc})")
    try:
        consultation = import_consultation(spec, channel="cli")
    except RuleError as exc:
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


ballots_cli = AppGroup("ballots", help="Ballots of priority votes (stable interface: see README).")


def _read_text(file: str) -> str:
    """A CSV file's text (a spreadsheet's byte-order mark dropped); a clear message if it cannot be read."""
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")


def _consultation_or_fail(slug: str):
    from consult.consultations.models import Consultation

    consultation = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        fail(f"No consultation with the slug {slug!r}.")
    return consultation


@ballots_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False))
def ballots_import(slug: str, file: str):
    """Add the ballots in a CSV file (voter,group,locality,priority,value): all of them, or none."""
    from consult.voting.ballots_csv import BallotsFileError
    from consult.voting.services.importing import import_ballots

    consultation = _consultation_or_fail(slug)
    text = _read_text(file)
    try:
        count = import_ballots(consultation, text)
    except BallotsFileError as exc:
        fail(f"{file}: rejected, nothing was stored:\n" + "\n".join(
            f"  line {line}: {reason}" if line else f"  {reason}" for line, reason in exc.problems))
    db.session.commit()
    click.echo(f"{count} ballot(s) imported into {consultation.slug}.")


class ResultsGroup(AppGroup):
    """`results SLUG …` (DESIGN section 8) is `results show SLUG …`; `results verify FILE` checks open data."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


results_cli = ResultsGroup("results", help="Priority-vote results: `results SLUG …` prints them (same as `results "
                                            "show SLUG …`); `results verify FILE.json` checks an open-data file.")


@results_cli.command("show")
@click.argument("slug")
@click.option("--locality", default=None, help="A locality code of the consultation (default: all localities).")
@click.option("--weighting", default=None, help="equal_people, group_weights or group_shares "
                                                "(default: the consultation's own).")
@click.option("--format", "output", type=click.Choice(["json"]), default="json", show_default=True)
def results_command(slug: str, locality: str | None, weighting: str | None, output: str):
    """Print a consultation's priority-vote results, computed from the ballots stored now."""
    import json

    from consult.voting.results import ResultsError, results_json

    consultation = _consultation_or_fail(slug)
    try:
        data = results_json(consultation, locality=locality, weighting=weighting)
    except ResultsError as exc:
        fail(str(exc))
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class BadFile(click.ClickException):
    """A file that cannot be read or is not what the command expects: exit 2 (1 means "checked, differs")."""

    exit_code = 2


@results_cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
def results_verify(file: str):
    """Recompute a published result from its open-data file alone; exit 0 if it matches, 1 if a figure differs."""
    import json

    from consult.voting.open_data_check import OpenDataError, summary, verify

    try:
        with open(file, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise BadFile(f"{file}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadFile(f"{file}: not JSON ({exc})") from None
    try:
        mismatches = verify(document)
    except OpenDataError as exc:
        raise BadFile(f"{file}: not a valid open-data file: {exc}") from None
    if mismatches:
        more = f" (and {len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
        raise click.ClickException(f"does not match: {mismatches[0]}{more}")
    click.echo(f"matches: {summary(document)}")


survey_cli = AppGroup("survey", help="Surveys (stable interface: see README).")


@survey_cli.command("import-xlsform")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Replace the questions of the consultation's survey (refused once anyone has answered it).")
@click.option("--standalone", is_flag=True,
              help="SLUG names a new standalone survey (answered at /s/SLUG) instead of a consultation.")
def survey_import_xlsform(slug: str, file: str, replace: bool, standalone: bool):
    """Attach a survey read from an XLSForm to consultation SLUG; every label::Language (code) column is kept."""
    from flask_babel import force_locale

    from consult.consultations.services import get_by_slug
    from consult.surveys.errors import SurveyError
    from consult.surveys.services.importing import import_xlsform
    from consult.surveys.xlsform import XLSFormError

    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    consultation = None
    if not standalone:
        consultation = get_by_slug(slug)
        if consultation is None:
            fail(f"No consultation with slug {slug}.")
    # Messages in the service's default language: there is no request to choose one from.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            survey = import_xlsform(data, consultation=consultation, slug=slug if standalone else None,
                                    replace=replace, channel="cli")
        except XLSFormError as exc:
            fail(f"{file}: nothing was imported.\n" + "\n".join(f"  {problem}" for problem in exc.problems))
        except SurveyError as exc:
            fail(f"{file}: {exc}")
    db.session.commit()
    locales = sorted({code for q in survey.ordered_questions() for code in q.text})
    click.echo(f"{survey.slug}: {len(survey.sections)} sections, {len(survey.ordered_questions())} questions; "
               f"languages: {', '.join(locales)}")


@click.command("report")
@click.argument("slug")
@click.option("--format", "output_format", required=True,
              type=click.Choice(["html", "pdf", "xlsx", "csv", "docx"], case_sensitive=False),
              help="The file format.")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--locale", default=None, help="Language of the interface text (default: the consultation's).")
@click.option("--margin", default=None, type=float,
              help="Under-representation margin in percentage points (default: REPORT_MARGIN, 5).")
def report_command(slug: str, output_format: str, output: str, locale: str | None, margin: float | None):
    """Build a consultation's report now, without the queue, and write it to a file (stable interface).

    The snapshot is kept, as when the report is built in the app. A published report is not rebuilt:
    its published snapshot is written instead."""
    from flask_babel import force_locale

    from consult.reports.services import ReportError, build_report, latest_report, report_file

    consultation = _consultation_or_fail(slug)
    locale = locale or consultation.default_locale
    if locale not in current_app.config["LOCALES"]:
        fail(f"Unknown language {locale!r}; expected one of {', '.join(current_app.config['LOCALES'])}.")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        fail(f"{output}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (os.path.exists(output) and not os.access(output, os.W_OK)):
        fail(f"{output}: cannot write there (permission denied).")
    output_format = output_format.lower()
    with force_locale(locale):
        try:
            snapshot = latest_report(consultation) if consultation.status.is_published else None
            if snapshot is None:
                build_report(consultation.id, locale=locale, margin=margin, formats=(), channel="cli")
                snapshot = latest_report(consultation)
            content = report_file(snapshot, output_format, locale).content
        except ReportError as exc:
            fail(f"{slug}: {exc}")
    try:
        with open(output, "wb") as handle:
            handle.write(content)
    except OSError as exc:
        fail(f"{output}: {exc.strerror}")
    db.session.commit()
    click.echo(f"Wrote {output} ({len(content):,} bytes): the {output_format} report of {consultation.slug}, "
               f"figures as of {snapshot.as_of:%Y-%m-%d %H:%M} UTC.")


population_cli = AppGroup("population", help="Population figures by locality, for representativeness in reports.")


@population_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def population_import(file: str):
    """Import population figures from a CSV (locality,band_type,band,population): every row, or none."""
    from flask_babel import force_locale

    from consult.reports.errors import PopulationFileError
    from consult.reports.populations import import_population

    text = _read_text(file)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            count = import_population(text, channel="cli")
        except PopulationFileError as exc:
            fail(f"{file}: rejected, nothing was imported:\n" + "\n".join(
                f"  line {line}: {reason}" if line else f"  {reason}" for line, reason in exc.problems))
    db.session.commit()
    click.echo(f"{count} population figure(s) imported from {file}.")
