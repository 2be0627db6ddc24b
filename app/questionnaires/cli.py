"""``flask questionnaires check|load|import-xlsform|schema|paper``: questionnaire and strategy files on the command line, and paper questionnaires.

A file named ``strategy.yaml`` is the network's strategy; every other file is
a questionnaire.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.db import command_session
from app.network.strategy import model as strategy_model
from app.network.strategy import store as strategy_store
from app.questionnaires import versions
from app.questionnaires.model import QuestionnaireError, check_questionnaire, json_schema
from app.questionnaires.workbook import UnreadableWorkbook, read_xlsform
from app.workbooks import MAX_FILE_BYTES
from app.yaml_documents import Problem, read_source_file

cli = AppGroup("questionnaires", help="Check, load and describe questionnaire and strategy files.")

STRATEGY_FILE = "strategy.yaml"


def _files(files: tuple[str, ...]) -> list[Path]:
    if files:
        return [Path(f) for f in files]
    return sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml"))


def _report(path: Path, problems: tuple[Problem, ...], strict: bool) -> bool:
    """Print the problems; whether any is an error."""
    failed = False
    for problem in problems:
        if strict and problem.warning:
            problem = problem.as_error()
        click.echo(problem.format(str(path)), err=not problem.warning)
        failed = failed or not problem.warning
    return failed


def _source(path: Path) -> str | None:
    """The file's text, or None after saying why it has none."""
    read = read_source_file(path)
    if isinstance(read, Problem):
        click.echo(read.format(str(path)), err=True)
        return None
    return read


def _coverage(result) -> str:
    return ", ".join(f"{language} {present}/{total}" for language, (present, total) in result.coverage.items())


@cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat missing translations as errors.")
@click.option(
    "--strategy",
    "strategy_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The strategy whose Mittlerziele the questionnaires must name (default: a strategy.yaml among FILES).",
)
def check_command(files: tuple[str, ...], strict: bool, strategy_file: str | None) -> None:
    """Validate questionnaire and strategy files (default: every file in questionnaires/).

    Options taken from the network's actor groups are not known here: they are
    checked when a version is stored (`load`, or publishing in the workspace).
    """
    paths = _files(files)
    strategies = [p for p in paths if p.name == STRATEGY_FILE]
    if strategy_file and Path(strategy_file) not in strategies:
        strategies.insert(0, Path(strategy_file))
    goals = None  # the first valid strategy's
    failed = False
    for path in strategies:
        source = _source(path)
        if source is None:
            failed = True
            continue
        result = strategy_model.check_strategy(source)
        failed = _report(path, result.problems, strict) or failed
        if result.strategy is not None and goals is None:
            goals = result.strategy.goals
            click.echo(
                f"{path}: strategy, Mittlerziele {', '.join(result.strategy.goals)}: translations {_coverage(result)}"
            )
    for path in (p for p in paths if p.name != STRATEGY_FILE):
        source = _source(path)
        if source is None:
            failed = True
            continue
        result = check_questionnaire(source, goals=goals)
        failed = _report(path, result.problems, strict) or failed
        if result.questionnaire is not None:
            q = result.questionnaire
            click.echo(f"{path}: {q.id} version {q.version}: translations {_coverage(result)}")
    sys.exit(1 if failed else 0)


@cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def load_command(file: str) -> None:
    """Store FILE as a questionnaire version, checked against the network's
    strategy and actor groups; a strategy.yaml is published as the network's strategy."""
    path = Path(file)
    source = _source(path)
    if source is None:
        sys.exit(1)
    if path.name == STRATEGY_FILE:
        _load_strategy(file, source)
        return
    with command_session() as session:
        result = versions.check_for_network(session, source)
        if result.errors or result.questionnaire is None:
            _fail(file, result.errors)
        try:
            version, outcome = versions.store_parsed(session, result.questionnaire, source)
        except QuestionnaireError as exc:
            _fail(file, exc.problems)
        except versions.VersionFrozen as exc:
            click.echo(f"{file}: {exc}", err=True)
            sys.exit(1)
    click.echo(f"{file}: {version.questionnaire_key} version {version.version} {outcome}")


def _load_strategy(file: str, source: str) -> None:
    result = strategy_model.check_strategy(source)
    if result.errors or result.strategy is None:
        _fail(file, result.errors)
    with command_session() as session:
        version, outcome = strategy_store.store_parsed(session, result.strategy, source)
    click.echo(f"{file}: strategy version {version.number} {outcome}")


def _fail(file: str, errors) -> None:
    for problem in errors:
        click.echo(problem.format(file), err=True)
    sys.exit(1)


@cli.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The YAML file to write.")
def import_xlsform_command(file: str, out: str) -> None:
    """Turn the XLSForm workbook FILE into a questionnaire (YAML) and list,
    with sheet and row, everything that was not carried over."""
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        click.echo(f"{file}: the file cannot be read ({exc.strerror})", err=True)
        sys.exit(1)
    try:
        conversion = read_xlsform(data)
    except UnreadableWorkbook as exc:
        click.echo(f"{file}: this file could not be read: {exc}", err=True)
        sys.exit(1)
    Path(out).write_text(conversion.source, "utf-8")
    for note in conversion.notes:
        click.echo(f"{file}: {note.english()}")
    result = check_questionnaire(conversion.source)
    _report(Path(out), result.problems, strict=False)
    questions = len(result.questionnaire.questions) if result.questionnaire else 0
    click.echo(f"wrote {out}: {questions} questions; edit it, then check it with 'flask questionnaires check {out}'")


@cli.command("schema")
@click.option("--out", default=None, help="The folder to write to (default: questionnaires/).")
def schema_command(out: str | None) -> None:
    """Write the JSON Schemas that editors use to autocomplete questionnaire and strategy files."""
    folder = Path(out or current_app.config["QUESTIONNAIRE_DIR"])
    for name, schema in (("schema.json", json_schema()), ("strategy.schema.json", strategy_model.json_schema())):
        target = folder / name
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        click.echo(f"wrote {target}")


@cli.command("paper")
@click.argument("version_id", type=int)
@click.option("--lang", "language", help="One of the questionnaire's languages (default: its first).")
@click.option("--meeting", "meeting_code", help="The meeting (the end of its link) whose name and date to print.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="PDF file to write (a new one).")
def paper_command(version_id: int, language: str | None, meeting_code: str | None, out: str) -> None:
    """Print the questionnaire version VERSION_ID (its id in the workspace) as a paper questionnaire (PDF)."""
    from sqlalchemy import select

    from app.models import Meeting, QuestionnaireVersion
    from app.questionnaires import paper

    with command_session() as session, current_app.test_request_context():
        version = session.get(QuestionnaireVersion, version_id)
        if version is None:
            _stop(f"there is no questionnaire version with the id {version_id}")
        questionnaire = versions.questionnaire_of(version)
        meeting = None
        if meeting_code:
            meeting = session.scalars(select(Meeting).filter_by(public_code=meeting_code.strip().lower())).first()
            if meeting is None:
                _stop(f"there is no meeting with the code {meeting_code!r}")
        language = language or questionnaire.default_language
        if language not in questionnaire.languages:
            _stop(
                f"{version.questionnaire_key} is written in {', '.join(questionnaire.languages)}, not in {language!r}"
            )
        body = paper.paper_pdf(questionnaire, language, meeting)
    try:
        with open(out, "xb") as target:
            target.write(body)
    except FileExistsError:
        _stop(f"{out} exists; choose a new file name")
    except OSError as exc:
        _stop(f"cannot write {out}: {exc.strerror}")
    click.echo(
        f"Wrote the paper questionnaire {version.questionnaire_key} version {version.version} ({language}) to {out}."
    )


def _stop(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
