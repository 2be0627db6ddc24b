"""The installation's commands: ``flask db upgrade``, ``flask setup``, ``flask demo load``.

The demo network (with its published passwords) is for development only:
outside it (``RESONANZ_ENV`` other than ``development``) ``flask setup`` only
migrates and ``flask demo load`` refuses.

Each command that writes commits once, at its end.  The features' own
commands (questionnaires, users, export, responses) live in their packages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from app import db as database
from app import demo
from app.accounts import users as accounts
from app.network import services as network_services
from app.network import settings

db = AppGroup("db", help="Database schema (Alembic).")
demo_group = AppGroup("demo", help="The demo network.")


@db.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    database.upgrade(current_app.config["DATABASE_URL"], revision)


PRODUCTION_REFUSAL = (
    "RESONANZ_ENV is {env!r}: the demo network, with its published passwords, is loaded in development "
    "only. Set up your own network with 'flask network init' (README, 'Setting up your own network')."
)


def _in_development() -> bool:
    return current_app.config["ENV"] == "development"


def _why_not_demo(session) -> str | None:
    """Why the demo network may not be loaded into this database, or None."""
    if demo.is_loaded(session):
        return "The database already holds meetings; the demo network was not loaded."
    if network_services.is_set_up(session):
        return "The database holds a network of its own; the demo network was not loaded."
    return None


@demo_group.command("load")
def demo_load_command() -> None:
    """Load the demo network into an empty database (development only)."""
    if not _in_development():
        click.echo(f"Error: {PRODUCTION_REFUSAL.format(env=current_app.config['ENV'])}", err=True)
        sys.exit(1)
    with database.command_session() as session:
        refusal = _why_not_demo(session)
        if refusal:
            click.echo(refusal)
            return
        demo.load_demo(session, Path(current_app.config["QUESTIONNAIRE_DIR"]), now=settings.now())
    click.echo("Demo network loaded.")


@click.command("setup")
@click.option("--base-url", default="http://127.0.0.1:5000", help="Where the service will be reachable.")
@with_appcontext
def setup_command(base_url: str) -> None:
    """Migrate; in development also load the demo network into an empty database and print the links."""
    database.upgrade(current_app.config["DATABASE_URL"])
    workspace = f"Workspace: {base_url.rstrip('/')}/workspace/"
    if not _in_development():
        # A real installation: never the demo, never its accounts.
        with database.command_session() as session:
            set_up = network_services.is_set_up(session)
        click.echo("Database migrated.")
        if not set_up:
            click.echo(
                'Next, once: flask network init --name "…" --time-zone Europe/Berlin --languages de,en --admin NAME'
            )
        click.echo(workspace)
        return
    with database.command_session() as session:
        if _why_not_demo(session) is None:
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
        click.echo(workspace)


COMMANDS = (db, demo_group, setup_command)
