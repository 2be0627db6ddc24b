"""Command line: ``flask export …`` and ``flask responses purge …``."""

from __future__ import annotations

import getpass
import re
import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.db import command_session, database
from app.evaluation import retention
from app.evaluation.anonymise import CellSizeTooSmall
from app.evaluation.export import exporting
from app.evaluation.report import stored_counts
from app.meetings import storage_order
from app.models import Meeting, QuestionnaireVersion
from app.network import settings
from app.questionnaires.model import MAX_VERSION
from app.questionnaires.versions import latest_version_number

ERRORS = {
    "unknown_version": "there is no such questionnaire version",
    "unknown_meeting": "there is no such meeting",
    "meeting_not_in_version": "this meeting used another questionnaire version",
    "no_responses": "no responses to a closed survey match this selection",
    "survey_open": "this meeting's survey has not closed yet; export it once it has",
    "too_few_responses": "every meeting of this selection has fewer than {k} responses; nothing can be exported",
    "unknown_language": "the questionnaire has no texts in this language",
    "unknown_format": "unknown format",
    "too_many_rows": "too many rows for one worksheet; choose csv or a smaller selection",
    "name_too_long": "variable names too long for SPSS",
}


# Bounds of the numbers the commands take: click refuses the others with a
# usage message, before they could reach a date or an integer column.
VERSION_NUMBER = click.IntRange(1, MAX_VERSION)
YEAR = click.IntRange(1900, 2999)
CELL_SIZE = click.IntRange(max=1_000_000)  # the floor is the network's k, said in words below


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _shuffle_closed_surveys() -> None:
    """As staff requests do before reading (app/meetings/views.py): the rows of
    surveys that have closed are rewritten in random order first, and the
    counts of released meetings stored, in a transaction of their own."""
    now = settings.now()
    with command_session() as session:
        if storage_order.due(session, now):
            storage_order.shuffle_closed_surveys(session, now)
        if stored_counts.due(session, now):
            stored_counts.store_closed_meetings(session, now)


def _operator() -> str:
    # Who ran the command, as the operating system knows them.
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _version(session, key: str, number: int) -> QuestionnaireVersion | None:
    return session.scalars(select(QuestionnaireVersion).filter_by(questionnaire_key=key, version=number)).first()


def _find_version(session, key: str, number: int | None) -> QuestionnaireVersion:
    number = number or latest_version_number(session, key)
    version = _version(session, key, number)
    if version is None:
        _fail(f"there is no questionnaire {key!r} version {number}")
    return version


@click.command("export")
@click.option("--questionnaire", "key", required=True, help="Questionnaire id, e.g. iv-1.")
@click.option("--version", "number", type=VERSION_NUMBER, help="Version number (default: the newest).")
@click.option("--meeting", "code", help="Only this meeting (its public code).")
@click.option("--year", type=YEAR, help="Only meetings of this calendar year.")
@click.option("--format", "format_", type=click.Choice(list(exporting.FORMATS)), required=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="File to write.")
@click.option(
    "--free-text/--no-free-text", default=False, show_default=True, help="Include free-text answers (scrubbed)."
)
@click.option(
    "--k", type=CELL_SIZE, help="Minimum cell size (default and least: the network's, 5 unless set; at most 1000000)."
)
@click.option("--language", help="Language of question texts and labels (default: the questionnaire's).")
@with_appcontext
def export_command(key, number, code, year, format_, out, free_text, k, language) -> None:
    """Export anonymised responses of a questionnaire version to OUT."""
    if code and year:
        _fail("choose --meeting or --year, not both")
    today, now = settings.today(), settings.now()
    floor = settings.min_cell_size()
    if k is None:
        k = floor
    elif k < floor:
        _fail(
            f"--k must be at least {floor}, the network's minimum cell size: smaller groups could single out a person"
        )
    _shuffle_closed_surveys()
    try:
        with command_session() as session:
            version = _find_version(session, key, number)
            meeting = None
            if code:
                meeting = session.scalars(select(Meeting).filter_by(public_code=code)).one_or_none()
                if meeting is None:
                    _fail(f"there is no meeting with the code {code!r}")
            request = exporting.ExportRequest(
                version.id,
                format_,
                meeting_id=meeting.id if meeting else None,
                year=year,
                language=language,
                free_text=free_text,
                k=k,
            )
            plan = exporting.plan_export(session, request, today=today, now=now)
            exporting.record_export(
                session, plan, user_id=None, username=_operator(), channel="cli", now=settings.now()
            )
    except CellSizeTooSmall as exc:
        _fail(str(exc))
    except exporting.ExportError as exc:
        _fail(ERRORS.get(exc.code, exc.code).format(**exc.params))
    with open(out, "wb") as file:
        for chunk in exporting.export_bytes(database().engine, plan, today=today):
            file.write(chunk)
    click.echo(f"wrote {out} ({plan.responses} responses; suggested name {plan.filename})")


responses = AppGroup("responses", help="Stored responses: retention.")


def _months(value: str | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,3})\s*m\s*", value)
    if not match or int(match.group(1)) == 0:
        _fail(f"--free-text-older-than takes months, e.g. 12m (got {value!r})")
    return int(match.group(1))


def _version_by_reference(session, reference: str) -> QuestionnaireVersion:
    """A version by database id (as in the report's address) or as KEY:N."""
    if reference.isdigit():
        version = session.get(QuestionnaireVersion, int(reference)) if int(reference) <= MAX_VERSION else None
    else:
        key, _sep, number = reference.partition(":")
        version = _version(session, key, int(number)) if number.isdigit() and int(number) <= MAX_VERSION else None
    if version is None:
        _fail(f"there is no questionnaire version {reference!r} (give its id or KEY:N, e.g. iv-1:1)")
    return version


@responses.command("purge")
@click.option(
    "--free-text-older-than",
    "older_than",
    metavar="Nm",
    help="Delete free-text answers of meetings held more than N months ago.",
)
@click.option("--version", "reference", help="With --all: the questionnaire version (id or KEY:N).")
@click.option("--all", "everything", is_flag=True, help="With --version: delete all its responses.")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
def purge_command(older_than, reference, everything, dry_run) -> None:
    """Delete stored responses for good (free text after a while, or a whole version)."""
    months = _months(older_than)
    if (months is None) == (reference is None):
        _fail("give either --free-text-older-than Nm or --version ID --all")
    if reference is not None and not everything:
        _fail("--version deletes every response of that version; add --all to confirm")
    would = "would delete" if dry_run else "deleted"
    _shuffle_closed_surveys()
    with command_session() as session:
        if months is not None:
            before = retention.months_before(settings.today(), months)
            found = retention.purge_free_text(session, before=before, dry_run=dry_run)
            click.echo(
                f"{would} {found.answers} free-text answers of {found.responses} responses "
                f"to meetings before {before.isoformat()}"
            )
        else:
            version = _version_by_reference(session, reference)
            found = retention.purge_version(session, version, dry_run=dry_run)
            click.echo(
                f"{would} {found.responses} responses ({found.answers} answers) of "
                f"{version.questionnaire_key} version {version.version}"
            )
        if dry_run:
            session.rollback()


COMMANDS = (export_command, responses)
