"""The command line, through Flask's CLI runner."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import QuestionnaireVersion, Response
from app.questionnaires import versions
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, open_form


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def test_check_passes_the_shipped_questionnaires(runner):
    result = runner.invoke(args=["questionnaires", "check", "--strict"])
    assert result.exit_code == 0, result.output
    assert "iv-1 version 1: translations" in result.output


def test_check_prints_file_line_path_and_message(runner, tmp_path):
    broken = IV1.read_text("utf-8").replace("    type: likert\n", "    type: likrt\n", 1)
    path = write(tmp_path, "broken.yaml", broken)
    line = broken.splitlines().index("    type: likrt") + 1
    result = runner.invoke(args=["questionnaires", "check", path])
    assert result.exit_code == 1
    assert f"{path}:{line - 1}: questions[5]: unknown question type 'likrt'" in result.output


def test_check_strict_turns_missing_translations_into_errors(runner, tmp_path):
    text = IV1.read_text("utf-8").replace("        en: rather dissatisfied\n", "", 1)
    path = write(tmp_path, "partial.yaml", text)
    lenient = runner.invoke(args=["questionnaires", "check", path])
    assert lenient.exit_code == 0 and "questions[5].labels[1].en: warning: missing translation" in lenient.output
    strict = runner.invoke(args=["questionnaires", "check", "--strict", path])
    assert strict.exit_code == 1 and "questions[5].labels[1].en: missing translation" in strict.output


def test_check_reports_yaml_syntax_errors_with_line(runner, tmp_path):
    path = write(tmp_path, "syntax.yaml", "id: x\nversion: 1\ntitle: {de: a\n")
    result = runner.invoke(args=["questionnaires", "check", path])
    assert result.exit_code == 1 and f"{path}:4: (document): YAML syntax error" in result.output


def test_load_stores_a_version_once(runner, db, demo_actor_groups):
    first = runner.invoke(args=["questionnaires", "load", str(IV1)])
    again = runner.invoke(args=["questionnaires", "load", str(IV1)])
    assert first.exit_code == again.exit_code == 0
    assert "created" in first.output and "unchanged" in again.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1


def test_load_refuses_an_invalid_file(runner, db, tmp_path, demo_actor_groups):
    path = write(tmp_path, "bad.yaml", IV1.read_text("utf-8").replace("target: 0.2", "target: 2"))
    result = runner.invoke(args=["questionnaires", "load", path])
    assert result.exit_code == 1 and "target must lie strictly between 0 and 1" in result.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


CHANGED = ("Was möchten Sie dem Netzwerk noch mitteilen?", "Was möchten Sie uns noch sagen?")


def test_unanswered_version_may_still_change(runner, tmp_path, demo_actor_groups):
    assert runner.invoke(args=["questionnaires", "load", str(IV1)]).exit_code == 0
    changed = write(tmp_path, "iv-1.yaml", IV1.read_text("utf-8").replace(*CHANGED))
    result = runner.invoke(args=["questionnaires", "load", changed])
    assert result.exit_code == 0 and "replaced" in result.output


def test_answered_version_is_immutable(app, runner, client, db, tmp_path):
    meeting = add_meeting(db)
    page = open_form(client, meeting.public_code)
    assert client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    changed = write(tmp_path, "iv-1.yaml", IV1.read_text("utf-8").replace(*CHANGED))
    result = runner.invoke(args=["questionnaires", "load", changed])
    assert result.exit_code == 1
    assert "already has responses and cannot change; raise 'version' to 2" in result.output
    db.rollback()
    version = db.scalars(select(QuestionnaireVersion)).one()
    assert CHANGED[0] in version.source and CHANGED[1] not in version.source
    with pytest.raises(versions.VersionFrozen):
        versions.store_questionnaire(db, Path(changed).read_text("utf-8"))
    db.rollback()
    # Raising the version publishes it beside the old one.
    bumped = write(tmp_path, "iv-1b.yaml", Path(changed).read_text("utf-8").replace("version: 1", "version: 2", 1))
    assert runner.invoke(args=["questionnaires", "load", bumped]).exit_code == 0
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 2
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_demo_load_reproduces_the_network_and_an_open_meeting(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    from app.models import Meeting

    db.rollback()
    assert db.scalar(select(func.count()).select_from(Meeting)) == 14
    responses = db.scalar(select(func.count()).select_from(Response))
    assert 700 < responses < 2000
    again = runner.invoke(args=["demo", "load"])
    assert "already holds meetings" in again.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Response)) == responses
