"""``flask questionnaires check|load|schema``: questionnaire files on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.db import command_session
from app.questionnaires import versions
from app.questionnaires.model import check_questionnaire, json_schema

cli = AppGroup("questionnaires", help="Check, load and describe questionnaire files.")


def _questionnaire_files(files: tuple[str, ...]) -> list[Path]:
    if files:
        return [Path(f) for f in files]
    return sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml"))


@cli.command("check")
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
            click.echo(
                f"{path}: {result.questionnaire.id} version {result.questionnaire.version}: translations {coverage}"
            )
    sys.exit(1 if failed else 0)


@cli.command("load")
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
        with command_session() as session:
            version, outcome = versions.store_questionnaire(session, path.read_text("utf-8"))
    except versions.VersionFrozen as exc:
        click.echo(f"{file}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{file}: {version.questionnaire_key} version {version.version} {outcome}")


@cli.command("schema")
@click.option("--out", default=None, help="Where to write (default: questionnaires/schema.json).")
def schema_command(out: str | None) -> None:
    """Write the JSON Schema that editors use to autocomplete questionnaire files."""
    target = Path(out or Path(current_app.config["QUESTIONNAIRE_DIR"]) / "schema.json")
    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    click.echo(f"wrote {target}")
