"""``flask network init``: a real installation's settings and its first admin."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import inspect

from app.accounts import users as accounts
from app.db import command_session, database
from app.languages import SUPPORTED_LANGUAGES
from app.models import NetworkSettings
from app.network import rules, services

cli = AppGroup("network", help="The network's own settings.")

PASSWORD_VARIABLE = "RESONANZ_ADMIN_PASSWORD"
SET_UP_ALREADY = "the network is set up already; admins change its settings in the workspace (Network settings)"


def _fail(*messages: str) -> None:
    for message in messages:
        click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _problems(name: str, time_zone: str, languages: tuple[str, ...], default_language: str) -> list[str]:
    problems = []
    if not name.strip() or len(name) > 200 or rules.has_control_characters(name):
        problems.append("--name: give the network's name (1 to 200 characters)")
    if not rules.is_time_zone(time_zone):
        problems.append(f"--time-zone: unknown time zone {time_zone!r} (an IANA name such as Europe/Berlin)")
    unknown = rules.unknown_languages(languages)
    choices = ",".join(SUPPORTED_LANGUAGES)
    if not languages:
        problems.append(f"--languages: give at least one of {choices}")
    elif unknown:
        problems.append(f"--languages: unknown language {', '.join(unknown)} (choose among {choices})")
    elif default_language not in languages:
        problems.append(f"--default-language: {default_language!r} is not among --languages {','.join(languages)}")
    return problems


@cli.command("init")
@click.option("--name", required=True, help="The network's name, shown on every page.")
@click.option("--time-zone", required=True, help="Where the network meets, e.g. Europe/Berlin.")
@click.option(
    "--languages", required=True, help=f"Offered languages, comma-separated ({','.join(SUPPORTED_LANGUAGES)})."
)
@click.option("--default-language", help="The language pages start in (default: the first of --languages).")
@click.option("--admin", required=True, help="User name of the first admin.")
def init_command(name: str, time_zone: str, languages: str, default_language: str | None, admin: str) -> None:
    """Create the network's settings and its first admin (once).

    The admin's password is asked for, or taken from RESONANZ_ADMIN_PASSWORD
    for scripted installs.  Operator, imprint and privacy notice are then
    filled in by the admin in the workspace.
    """
    codes = rules.split_languages(languages)
    default_language = (default_language or (codes[0] if codes else "")).strip().lower()
    problems = _problems(name, time_zone, codes, default_language)
    if problems:
        _fail(*problems)
    if not inspect(database().engine).has_table(NetworkSettings.__tablename__):
        _fail("the database has no tables yet: run 'flask setup' first")
    with command_session() as session:
        if services.is_set_up(session):
            _fail(SET_UP_ALREADY)
    password = os.environ.get(PASSWORD_VARIABLE) or click.prompt(
        f"Password for {admin}", hide_input=True, confirmation_prompt=True
    )
    network = rules.Network(name=name.strip(), languages=codes, default_language=default_language, time_zone=time_zone)
    try:
        with command_session() as session:
            services.set_up(session, network, admin=admin, password=password)
    except services.AlreadySetUp:
        _fail(SET_UP_ALREADY)
    except accounts.AccountError as exc:
        _fail(f"{exc}; nothing was stored")
    click.echo(f"Network {network.name!r} set up; admin {admin!r} created.")
    click.echo(
        "Next: log in as that admin and fill in the operator, imprint and privacy notice under Network settings."
    )
