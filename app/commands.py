"""The installation's commands: ``flask db upgrade``, ``flask setup``, ``flask demo load``.

Each command that writes commits once, at its end.  The features' own
commands (questionnaires, users, export, responses) live in their packages.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app import db as database
from app import demo
from app.accounts import users as accounts
from app.network import settings

db = AppGroup("db", help="Database schema (Alembic).")
demo_group = AppGroup("demo", help="The demo network.")


@db.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    database.upgrade(current_app.config["DATABASE_URL"], revision)


@demo_group.command("load")
def demo_load_command() -> None:
    """Load the demo network unless the database already holds meetings."""
    with database.command_session() as session:
        if demo.is_loaded(session):
            click.echo("The database already holds meetings; the demo network was not loaded.")
            return
        demo.load_demo(session, Path(current_app.config["QUESTIONNAIRE_DIR"]), now=settings.now())
    click.echo("Demo network loaded.")


@click.command("setup")
@click.option("--base-url", default="http://127.0.0.1:5000", help="Where the service will be reachable.")
def setup_command(base_url: str) -> None:
    """Migrate, load the demo network into an empty database and print the links."""
    database.upgrade(current_app.config["DATABASE_URL"])
    with database.command_session() as session:
        if not demo.is_loaded(session):
            demo.load_demo(session, Path(current_app.config["QUESTIONNAIRE_DIR"]), now=settings.now())
        open_now = demo.open_meetings(session, settings.now())
        for meeting in open_now[:1]:
            click.echo(f"Participant link: {base_url.rstrip('/')}/m/{meeting.public_code}")
        if not open_now:
            click.echo("No survey is open right now; open one in the workspace.")
        labels = {"coordinator": "Coordinator login", "evaluator": "Evaluator login", "admin": "Admin login"}
        for username, password, role in demo.DEMO_ACCOUNTS:
            if accounts.find_user(session, username) is not None:
                click.echo(f"{labels[role]}: {username} / {password}")
        click.echo(f"Workspace: {base_url.rstrip('/')}/workspace/")


COMMANDS = (db, demo_group, setup_command)
