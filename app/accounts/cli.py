"""``flask users …``: accounts on the command line, under the same rules as
the admins' pages (password strength, security log, sessions that end)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts import users as accounts
from app.accounts.access import now
from app.accounts.security_log import Actor
from app.db import command_session

cli = AppGroup("users", help="Accounts of coordinators, evaluators and admins.")


def _password_option():
    return click.option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when not given."
    )


def _operator() -> Actor:
    return Actor(None, "cli", now(), current_app.config["SECURITY_LOG_DAYS"])


@cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--email", default=None, help="Where links to set a password are mailed (optional).")
@_password_option()
def users_create(username: str, role: str, email: str | None, password: str) -> None:
    """Create an account."""
    _account_change(
        lambda s: accounts.create_user(s, username, password, role, email=email, by=_operator()),
        f"created {role} {username}",
    )


@cli.command("set-password")
@click.argument("username")
@_password_option()
def users_set_password(username: str, password: str) -> None:
    """Give an account a new password (its sessions end)."""
    _account_change(
        lambda s: accounts.set_password(s, _existing(s, username), password, by=_operator(), kind="password_set"),
        f"new password set for {username}",
    )


@cli.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Stop an account from logging in and end its sessions (its history stays)."""
    _account_change(lambda s: accounts.deactivate(s, _existing(s, username), by=_operator()), f"deactivated {username}")


@cli.command("reactivate")
@click.argument("username")
def users_reactivate(username: str) -> None:
    """Let a deactivated account log in again."""
    _account_change(lambda s: accounts.reactivate(s, _existing(s, username), by=_operator()), f"reactivated {username}")


def _existing(session, username: str):
    user = accounts.find_user(session, username)
    if user is None:
        raise accounts.AccountError(("There is no account named %(name)s.", {"name": username}))
    return user


def _account_change(change, done: str) -> None:
    try:
        with command_session() as session:
            change(session)
    except accounts.AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(done)
