"""Command line: ``flask questionnaires …``, ``flask db …``, ``flask demo …``, ``flask setup``.

Each command that writes commits once, at its end.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import accounts, demo, services
from .domain.questionnaire import check_questionnaire, json_schema
from .persistence import migrate

questionnaires = AppGroup("questionnaires", help="Check, load and describe questionnaire files.")
db = AppGroup("db", help="Database schema (Alembic).")
demo_group = AppGroup("demo", help="The demo network.")


def _database():
    return current_app.extensions["resonanz.db"]


@contextmanager
def _writing():
    """A writing session for one command: committed once at the end, closed always."""
    session = _database().session(write=True)
    try:
        yield session
        session.commit()
    finally:
        session.close()


def _questionnaire_files(files: tuple[str, ...]) -> list[Path]:
    if files:
        return [Path(f) for f in files]
    return sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml"))


@questionnaires.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat missing translations as errors.")
def check_command(files: tuple[str, ...], strict: bool) -> None:
    """Validate questionnaire files (default: every file in questionnaires/)."""
    failed = False
    for path in _questionnaire_files(files):
        result = check_questionnaire(path.read_text("utf-8"))
        for problem in result.problems:
            if strict and problem.warning:
                problem = type(problem)(problem.line, problem.path, problem.message)
            click.echo(problem.format(str(path)), err=not problem.warning)
            failed = failed or not problem.warning
        if result.questionnaire is not None:
            coverage = ", ".join(
                f"{language} {present}/{total}" for language, (present, total) in result.coverage.items()
            )
            click.echo(f"{path}: {result.questionnaire.id} version {result.questionnaire.version}: "
                       f"translations {coverage}")
    sys.exit(1 if failed else 0)


@questionnaires.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def load_command(file: str) -> None:
    """Store FILE as a questionnaire version."""
    path = Path(file)
    result = check_questionnaire(path.read_text("utf-8"))
    if result.errors:
        for problem in result.errors:
            click.echo(problem.format(file), err=True)
        sys.exit(1)
    try:
        with _writing() as session:
            version, outcome = services.store_questionnaire(session, path.read_text("utf-8"))
    except services.VersionFrozen as exc:
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{file}: {version.questionnaire_key} version {version.version} {outcome}")


@questionnaires.command("schema")
@click.option("--out", default=None, help="Where to write (default: questionnaires/schema.json).")
def schema_command(out: str | None) -> None:
    """Write the JSON Schema that editors use to autocomplete questionnaire files."""
    target = Path(out or Path(current_app.config["QUESTIONNAIRE_DIR"]) / "schema.json")
    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    click.echo(f"wrote {target}")


@db.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)


@demo_group.command("load")
def demo_load_command() -> None:
    """Load the demo network unless the database already holds meetings."""
    with _writing() as session:
        if demo.is_loaded(session):
            click.echo("The database already holds meetings; the demo network was not loaded.")
            return
        demo.load_demo(session, Path(current_app.config["QUESTIONNAIRE_DIR"]), now=services.utcnow())
    click.echo("Demo network loaded.")


@click.command("setup")
@click.option("--base-url", default="http://127.0.0.1:5000", help="Where the service will be reachable.")
def setup_command(base_url: str) -> None:
    """Migrate, load the demo network into an empty database and print the links."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    with _writing() as session:
        if not demo.is_loaded(session):
            demo.load_demo(session, Path(current_app.config["QUESTIONNAIRE_DIR"]), now=services.utcnow())
        open_now = demo.open_meetings(session, services.utcnow())
        for meeting in open_now[:1]:
            click.echo(f"Participant link: {base_url.rstrip('/')}/m/{meeting.public_code}")
        if not open_now:
            click.echo("No survey is open right now; open one in the workspace.")
        labels = {"coordinator": "Coordinator login", "evaluator": "Evaluator login", "admin": "Admin login"}
        for username, password, role in demo.DEMO_ACCOUNTS:
            if accounts.find_user(session, username) is not None:
                click.echo(f"{labels[role]}: {username} / {password}")
        click.echo(f"Workspace: {base_url.rstrip('/')}/workspace/")


def init_app(app: Flask) -> None:
    from .cli_exports import export_command, responses

    for command in (questionnaires, db, demo_group, users, setup_command, export_command, responses):
        app.cli.add_command(command)


users = AppGroup("users", help="Accounts of coordinators, evaluators and admins.")


def _password_option():
    return click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                        help="Asked for when not given.")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@_password_option()
def users_create(username: str, role: str, password: str) -> None:
    """Create an account."""
    _account_change(lambda s: accounts.create_user(s, username, password, role), f"created {role} {username}")


@users.command("set-password")
@click.argument("username")
@_password_option()
def users_set_password(username: str, password: str) -> None:
    """Give an account a new password."""
    _account_change(lambda s: accounts.set_password(s, _existing(s, username), password),
                    f"new password set for {username}")


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Stop an account from logging in (its history stays)."""
    def deactivate(session):
        _existing(session, username).active = False
    _account_change(deactivate, f"deactivated {username}")


def _existing(session, username: str):
    user = accounts.find_user(session, username)
    if user is None:
        raise accounts.AccountError(f"there is no user {username!r}")
    return user


def _account_change(change, done: str) -> None:
    try:
        with _writing() as session:
            change(session)
    except accounts.AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(done)
