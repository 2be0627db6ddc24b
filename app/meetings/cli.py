"""``flask meetings codes|shuffle``: access codes and storage order on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.db import UNAVAILABLE, command_session
from app.meetings import access_codes, storage_order
from app.meetings.codes import MAX_ACCESS_CODES_AT_ONCE
from app.models import Meeting
from app.network import settings

cli = AppGroup("meetings", help="Meetings: access codes, storage order.")

# Where links point when PUBLIC_URL is not set (development), as `flask setup` assumes.
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@cli.command("codes")
@click.argument("meeting_code")
@click.option("--count", type=int, required=True, help=f"How many codes to make (1 to {MAX_ACCESS_CODES_AT_ONCE}).")
@click.option("--out", type=click.Path(dir_okay=False), help="CSV file to write (a new one); default: standard output.")
def codes_command(meeting_code: str, count: int, out: str | None) -> None:
    """Make COUNT single-use access codes for the meeting MEETING_CODE (the end of its link).

    The codes are written once, as CSV (code, link): only their digests are
    stored, so keep the file.  Run it again to make more.
    """
    if not 1 <= count <= MAX_ACCESS_CODES_AT_ONCE:
        _fail(f"--count must be from 1 to {MAX_ACCESS_CODES_AT_ONCE}, not {count}")
    target = None
    try:
        with command_session() as session:
            meeting = session.scalars(select(Meeting).filter_by(public_code=meeting_code.strip().lower())).first()
            if meeting is None:
                _fail(f"there is no meeting with the code {meeting_code!r}")
            if not meeting.needs_access_code:
                _fail(
                    f"the survey of {meeting.title!r} is an open link; choose access codes in the meeting's "
                    "settings first"
                )
            target = _new_file(out) if out else None
            made = access_codes.make_codes(session, meeting, count)
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"] or DEVELOPMENT_URL):
                text = access_codes.codes_csv(meeting, made)
            counted = access_codes.code_count(session, meeting)
    except UNAVAILABLE:
        if target is not None:
            target.close()
            Path(out).unlink()
        _fail("the database cannot be reached; no codes were made")
    if target is None:
        click.echo(text, nl=False)
    else:
        try:
            with target:
                target.write(text)
        except OSError as exc:
            _fail(f"the codes were made but {out} could not be written ({exc.strerror}); make new ones")
    click.echo(
        f"Made {len(made)} access codes for {meeting.title!r} ({counted.used} of {counted.total} used)"
        + (f", written to {out}" if out else "")
        + ". Keep them: the codes cannot be shown again.",
        err=True,
    )


def _new_file(out: str):
    """Open ``out`` for the codes, never over an existing file (that file may hold codes too)."""
    try:
        return open(out, "x", encoding="utf-8", newline="")
    except FileExistsError:
        _fail(f"{out} exists; choose a new file name (no codes were made)")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror} (no codes were made)")


@cli.command("shuffle")
def shuffle_command() -> None:
    """Rewrite the rows of closed surveys in random order (also done by staff requests)."""
    try:
        with command_session() as session:
            done = storage_order.shuffle_closed_surveys(session, settings.now())
    except UNAVAILABLE:
        _fail("the database cannot be reached; nothing was rewritten")
    if done:
        click.echo(f"Rewrote the rows of {len(done)} closed survey(s) in random order.")
    else:
        click.echo("No closed survey is waiting to be rewritten.")
