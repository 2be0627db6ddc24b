"""``flask users …``: accounts on the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.accounts import users as accounts
from app.db import command_session

cli = AppGroup("users", help="Accounts of coordinators, evaluators and admins.")


def _password_option():
    return click.option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when not given."
    )


@cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@_password_option()
def users_create(username: str, role: str, password: str) -> None:
    """Create an account."""
    _account_change(lambda s: accounts.create_user(s, username, password, role), f"created {role} {username}")


@cli.command("set-password")
@click.argument("username")
@_password_option()
def users_set_password(username: str, password: str) -> None:
    """Give an account a new password."""
    _account_change(
        lambda s: accounts.set_password(s, _existing(s, username), password), f"new password set for {username}"
    )


@cli.command("deactivate")
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
        with command_session() as session:
            change(session)
    except accounts.AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(done)
