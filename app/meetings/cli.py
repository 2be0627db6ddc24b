"""``flask meetings codes|handout|shuffle``: access codes, printed handouts and storage order on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.db import UNAVAILABLE, command_session
from app.meetings import access_codes, handouts, storage_order
from app.meetings.codes import MAX_ACCESS_CODES_AT_ONCE, proposed_access_code_count
from app.models import Meeting
from app.network import settings
from app.questionnaires.versions import questionnaire_of

cli = AppGroup("meetings", help="Meetings: access codes, handouts, storage order.")

# Where links point when PUBLIC_URL is not set (development), as `flask setup` assumes.
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@cli.command("codes")
@click.argument("meeting_code")
@click.option("--count", type=int, required=True, help=f"How many codes to make (1 to {MAX_ACCESS_CODES_AT_ONCE}).")
@click.option("--out", type=click.Path(dir_okay=False), help="CSV file to write (a new one); default: standard output.")
@click.option("--cards", type=click.Path(dir_okay=False), help="Also a PDF of one card per code, four to a page.")
@click.option(
    "--lang", "language", help="With --cards: the language of their labels (default: the questionnaire's first)."
)
def codes_command(meeting_code: str, count: int, out: str | None, cards: str | None, language: str | None) -> None:
    """Make COUNT single-use access codes for the meeting MEETING_CODE (the end of its link).

    The codes are written once, as CSV (code, link), and with --cards as
    cards to print: only their digests are stored, so keep the files.  Run it
    again to make more.
    """
    if not 1 <= count <= MAX_ACCESS_CODES_AT_ONCE:
        _fail(f"--count must be from 1 to {MAX_ACCESS_CODES_AT_ONCE}, not {count}")
    target = None
    try:
        with command_session() as session:
            meeting = _meeting(session, meeting_code)
            if not meeting.needs_access_code:
                _fail(
                    f"the survey of {meeting.title!r} is an open link; choose access codes in the meeting's "
                    "settings first"
                )
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"] or DEVELOPMENT_URL):
                if cards:
                    language = _card_language(meeting, language, cards)
                target = _new_file(out) if out else None
                made = access_codes.make_codes(session, meeting, count)
                text = access_codes.codes_csv(meeting, made)
                if cards:
                    try:
                        _write_new(cards, handouts.access_code_cards_pdf(meeting, made, language), True)
                    except SystemExit:  # nothing is kept: neither the codes nor an empty CSV file
                        if target is not None:
                            target.close()
                            Path(out).unlink()
                        raise
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
        + (f", their cards to {cards}" if cards else "")
        + ". Keep them: the codes cannot be shown again.",
        err=True,
    )


def _write_new(out: str, body: bytes, with_codes: bool) -> None:
    """Write ``body`` to the new file ``out``; a failed write leaves no file behind."""
    try:
        with open(out, "xb") as target:
            target.write(body)
    except OSError as exc:
        Path(out).unlink(missing_ok=True)
        _fail(f"cannot write {out}: {exc.strerror}" + ("; no codes were made" if with_codes else ""))


def _new_file(out: str):
    """Open ``out`` for the codes, never over an existing file (that file may hold codes too)."""
    try:
        return open(out, "x", encoding="utf-8", newline="")
    except FileExistsError:
        _fail(f"{out} exists; choose a new file name (no codes were made)")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror} (no codes were made)")


def _card_language(meeting: Meeting, language: str | None, out: str) -> str:
    """The language of a handout to ``out``, after checking that it can be printed there."""
    offered = settings.participant_languages(questionnaire_of(meeting.questionnaire_version))
    language = language or offered[1]
    if language not in offered[0]:
        _fail(f"the handout is printed in one of {', '.join(offered[0])}, not in {language!r}")
    if meeting.closes_at is None:
        _fail(f"{meeting.title!r} has no survey window; set the survey's closing first (it is printed)")
    if Path(out).exists():
        _fail(f"{out} exists; choose a new file name (nothing was printed)")
    return language


def _meeting(session, meeting_code: str) -> Meeting:
    meeting = session.scalars(select(Meeting).filter_by(public_code=meeting_code.strip().lower())).first()
    if meeting is None:
        _fail(f"there is no meeting with the code {meeting_code!r}")
    return meeting


@cli.command("handout")
@click.argument("meeting_code")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="PDF file to write (a new one).")
@click.option("--lang", "language", help="The language of the labels (default: the questionnaire's first).")
@click.option("--codes", "with_codes", is_flag=True, help="Make new access codes and print one card for each.")
@click.option(
    "--count", type=int, help="With --codes: how many (default: the attendees and 10 % more, less those made)."
)
def handout_command(meeting_code: str, out: str, language: str | None, with_codes: bool, count: int | None) -> None:
    """Print the handout of the meeting MEETING_CODE as a PDF: an A4 poster and
    a sheet of four A6 cards.

    With --codes, new single-use access codes are made and each gets a card of
    its own (four to a sheet, in random order); only their digests are
    stored, so the PDF is the one copy of the codes.  The codes are kept only
    if the file was written.
    """
    try:
        with (
            command_session() as session,
            current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"] or DEVELOPMENT_URL),
        ):
            meeting = _meeting(session, meeting_code)
            language = _card_language(meeting, language, out)
            if with_codes:
                if not meeting.needs_access_code:
                    _fail(f"the survey of {meeting.title!r} is an open link; it has no access codes")
                counted = access_codes.code_count(session, meeting)
                if count is None:
                    count = proposed_access_code_count(meeting.attended, meeting.invited, counted.total)
                    if count is None:
                        _fail("say how many codes to make with --count (the meeting records no attendees)")
                if not 1 <= count <= MAX_ACCESS_CODES_AT_ONCE:
                    _fail(f"--count must be from 1 to {MAX_ACCESS_CODES_AT_ONCE}, not {count}")
            elif count is not None:
                _fail("--count goes with --codes")
            if with_codes:
                made = access_codes.make_codes(session, meeting, count)
                body = handouts.access_code_cards_pdf(meeting, made, language)
            else:
                body = handouts.handout_pdf(meeting, language)
            _write_new(out, body, with_codes)  # before the commit: codes are kept only when their cards are
    except UNAVAILABLE:
        _fail("the database cannot be reached; nothing was printed")
    if with_codes:
        click.echo(
            f"Wrote {len(made)} access code cards for {meeting.title!r} to {out}. Keep it: the codes cannot be shown again."
        )
    else:
        click.echo(f"Wrote the handout of {meeting.title!r} to {out}.")


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
