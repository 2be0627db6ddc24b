"""Downloads in the browser and on the command line: who may, what is
logged, what a bad request gets; and the retention commands."""

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app import clock
from app.models import Answer, ExportLog, Meeting, QuestionnaireVersion, Response
from tests.conftest import IV1, PASSWORDS, add_meeting, csrf_of, login
from tests.evaluation.export.conftest import answer
from tests.evaluation.export.readers import read_csv


def form_data(client, chosen, **fields):
    page = client.get("/workspace/exports/?lang=en").get_data(as_text=True)
    return {
        "csrf_token": csrf_of(page),
        "version": str(chosen.id),
        "selection": "all",
        "format": "csv",
        "language": "",
        "k": "5",
        **fields,
    }


def test_an_evaluator_downloads_and_the_download_is_logged(client, db, staff, survey):
    version, spring, _autumn = survey
    login(client, "evaluator", PASSWORDS["evaluator"])
    response = client.post("/workspace/exports/", data=form_data(client, version, selection="year:2016"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    today = dt.date.today().strftime("%Y%m%d")
    assert response.headers["Content-Disposition"] == f'attachment; filename="resonanz_iv-1_v1_2016_{today}.csv"'
    rows = read_csv(response.get_data())
    assert len(rows) == 22 and "comment" not in rows[0]  # free text is left out unless ticked
    db.rollback()
    entry = db.scalars(select(ExportLog)).one()
    assert (entry.username, entry.channel, entry.scope, entry.year, entry.format, entry.free_text, entry.k) == (
        "evaluator",
        "web",
        "year",
        2016,
        "csv",
        False,
        5,
    )
    assert entry.user_id is not None and entry.questionnaire_version_id == version.id
    assert (dt.datetime.now(dt.UTC).replace(tzinfo=None) - entry.created_at) < dt.timedelta(minutes=5)


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "json", "datapackage", "csv-de"])
def test_every_format_downloads_in_the_browser(client, db, staff, survey, fmt):
    version, *_ = survey
    login(client, "admin", PASSWORDS["admin"])
    response = client.post("/workspace/exports/", data=form_data(client, version, format=fmt, free_text="y"))
    assert response.status_code == 200 and len(response.get_data()) > 500
    assert "attachment" in response.headers["Content-Disposition"]
    db.rollback()
    assert db.scalars(select(ExportLog)).one().free_text is True


def test_coordinators_and_strangers_cannot_download(app, client, db, staff, survey):
    version, *_ = survey
    login(client, "coordinator", PASSWORDS["coordinator"])
    assert client.get("/workspace/exports/").status_code == 403
    page = client.get("/workspace/").get_data(as_text=True)
    assert "/workspace/exports/" not in page  # no link to a door that stays shut
    response = client.post(
        "/workspace/exports/",
        data={"csrf_token": csrf_of(page), "version": str(version.id), "selection": "all", "format": "csv", "k": "5"},
    )
    assert response.status_code == 403
    assert client.get(f"/workspace/exports/codebook/{version.id}").status_code == 403
    anonymous = app.test_client()
    for url in ("/workspace/exports/", f"/workspace/exports/codebook/{version.id}.md", "/workspace/exports/log"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ExportLog)) == 0


def test_only_admins_read_the_log(app, client, db, staff, survey):
    version, *_ = survey
    login(client, "evaluator", PASSWORDS["evaluator"])
    download = client.post("/workspace/exports/", data=form_data(client, version, format="json"))
    assert download.status_code == 200 and download.get_data()  # read to the end: the stream holds a connection
    assert client.get("/workspace/exports/log").status_code == 403
    admin = app.test_client()
    login(admin, "admin", PASSWORDS["admin"])
    html = admin.get("/workspace/exports/log?lang=en").get_data(as_text=True)
    assert "evaluator" in html and "JSON Lines" in html and "all meetings" in html


def test_bad_requests_get_the_form_back(client, db, staff, survey):
    version, spring, _autumn = survey
    other = add_meeting(db, IV1.read_text("utf-8").replace("version: 1", "version: 2", 1), title="Anderes")
    still_open = add_meeting(db, title="Offen")
    answer(db, still_open)
    db.commit()
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/exports/?lang=en").get_data(as_text=True)
    assert "· Offen (open)</option>" in page and "· Frühjahrstreffen</option>" in page
    cases = [
        ({"selection": f"meeting:{still_open.id}"}, "This meeting&#39;s survey has not closed yet"),
        ({"k": "4"}, "Choose a minimum cell size from 5 to 10000: smaller groups could single out a person."),
        ({"selection": f"meeting:{other.id}"}, "This meeting used another questionnaire version."),
        ({"selection": "year:1999"}, "Not a valid choice"),
        (
            {"version": str(other.questionnaire_version_id), "selection": "all"},
            "No responses to a closed survey match this selection.",
        ),
        ({"format": "exe"}, "Not a valid choice"),
        ({"k": "zehn"}, "Not a valid integer value"),
        ({"version": "999999"}, "Not a valid choice"),
    ]
    for fields, message in cases:
        response = client.post("/workspace/exports/", data=form_data(client, version, **fields))
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ExportLog)) == 0


def test_codebook_page_and_markdown(client, db, staff, survey):
    version, *_ = survey
    login(client, "evaluator", PASSWORDS["evaluator"])
    html = client.get(f"/workspace/exports/codebook/{version.id}?language=tr&lang=en").get_data(as_text=True)
    assert "Hangi alanda çalışıyorsunuz?" in html  # the question in Turkish
    html = client.get(f"/workspace/exports/codebook/{version.id}?language=en&lang=en").get_data(as_text=True)
    assert "satisfaction" in html and "ordinal" in html and "at least 60 %" in html
    assert "those who answered, without “don&#39;t know”" in html
    response = client.get(f"/workspace/exports/codebook/{version.id}.md?language=en&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.startswith("# Codebook") and "| actor_group | Which field do you work in? |" in text
    # A CSV has no room for a codebook: this one, for its readers, names the marker.
    assert "- **Marker of a value not shown:** *" in text and "“*” counting as a value of its own" in text
    assert "Marker of a value not shown" in html
    assert 'filename="resonanz_iv-1_v1_codebook_' in response.headers["Content-Disposition"]
    assert client.get("/workspace/exports/codebook/999999").status_code == 404
    assert client.get(f"/workspace/exports/codebook/{version.id}?language=xx&k=-3").status_code == 200


def test_an_interrupted_download_lets_go_of_the_database(app, runner, db, survey):
    """A browser that stops reading closes the stream: its transaction ends,
    and a purge (which needs the tables) goes through at once."""
    from app.evaluation.export import exporting

    version, spring, _autumn = survey
    for _ in range(600):  # more than one chunk
        answer(db, spring)
    db.commit()
    with app.app_context():
        request = exporting.ExportRequest(version.id, "csv")
        plan = exporting.plan_export(db, request, today=dt.date.today(), now=clock.utcnow())
        db.rollback()
        stream = exporting.export_bytes(app.extensions["resonanz.db"].engine, plan, today=dt.date.today())
        assert next(stream).startswith(b"row_id,")
        stream.close()
    result = runner.invoke(args=["responses", "purge", "--version", str(version.id), "--all"])
    assert result.exit_code == 0 and "deleted 640 responses" in result.output


# --- the command line --------------------------------------------------------


def test_cli_export_writes_the_file_and_logs_it(runner, db, survey, tmp_path):
    version, spring, _autumn = survey
    out = tmp_path / "export.csv"
    result = runner.invoke(
        args=[
            "export",
            "--questionnaire",
            "iv-1",
            "--meeting",
            spring.public_code,
            "--format",
            "csv",
            "--out",
            str(out),
            "--free-text",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "resonanz_iv-1_v1_m20160316_" in result.output
    rows = read_csv(out.read_bytes())
    assert len(rows) == 22 and {row["meeting_date"] for row in rows} == {"2016-03-16"} and "comment" in rows[0]
    db.rollback()
    entry = db.scalars(select(ExportLog)).one()
    assert entry.channel == "cli" and entry.username.startswith("cli") and entry.user_id is None
    assert entry.meeting_id == spring.id and entry.scope == "meeting" and entry.free_text is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--questionnaire", "nope"], "there is no questionnaire 'nope'"),
        (["--questionnaire", "iv-1", "--version", "7"], "there is no questionnaire 'iv-1' version 7"),
        (["--questionnaire", "iv-1", "--meeting", "zzzzzzzzzz"], "no meeting with the code"),
        (["--questionnaire", "iv-1", "--year", "1999"], "no responses to a closed survey match"),
        (["--questionnaire", "iv-1", "--language", "xx"], "no texts in this language"),
    ],
)
def test_cli_export_refuses_clearly(runner, db, survey, tmp_path, args, message):
    result = runner.invoke(args=["export", *args, "--format", "csv", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and message in result.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ExportLog)) == 0


# --- retention -----------------------------------------------------------------


def _counts(db):
    db.rollback()
    return (
        db.scalar(select(func.count()).select_from(Response)),
        db.scalar(select(func.count()).select_from(Answer)),
        db.scalar(select(func.count()).select_from(Answer).where(Answer.text.is_not(None))),
    )


def test_purge_free_text_of_old_meetings(runner, db, survey):
    version, spring, autumn = survey
    recent = add_meeting(db, title="Neulich")
    for _ in range(3):
        answer(db, recent, comment="Frisch")
    db.commit()
    before = _counts(db)
    assert before[0] == 43 and before[2] == 30 + 3  # 30 free texts in the old meetings
    dry = runner.invoke(args=["responses", "purge", "--free-text-older-than", "12m", "--dry-run"])
    assert dry.exit_code == 0 and "would delete 30 free-text answers of 30 responses" in dry.output
    assert _counts(db) == before
    done = runner.invoke(args=["responses", "purge", "--free-text-older-than", "12m"])
    assert done.exit_code == 0 and "deleted 30 free-text answers" in done.output
    responses, answers, texts = _counts(db)
    assert (responses, answers, texts) == (before[0], before[1] - 30, 3)
    assert db.scalars(select(Answer.text).where(Answer.text.is_not(None))).all() == ["Frisch"] * 3


def test_purge_a_whole_version(runner, db, survey):
    version, *_ = survey
    other = add_meeting(db, IV1.read_text("utf-8").replace("version: 1", "version: 2", 1), title="Neu")
    answer(db, other)
    db.commit()
    before = _counts(db)
    refused = runner.invoke(args=["responses", "purge", "--version", str(version.id)])
    assert refused.exit_code == 1 and "add --all" in refused.output
    dry = runner.invoke(args=["responses", "purge", "--version", "iv-1:1", "--all", "--dry-run"])
    assert dry.exit_code == 0 and "would delete 40 responses" in dry.output and _counts(db) == before
    done = runner.invoke(args=["responses", "purge", "--version", str(version.id), "--all"])
    assert done.exit_code == 0 and "deleted 40 responses" in done.output, done.output
    assert _counts(db)[0] == 1
    assert db.scalar(select(Response.questionnaire_version_id)) == other.questionnaire_version_id
    assert db.scalar(select(func.count()).select_from(Meeting)) == 3  # meetings and versions stay
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 2


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--free-text-older-than", "12"],
        ["--free-text-older-than", "0m"],
        ["--version", "nope:1", "--all"],
        ["--free-text-older-than", "6m", "--version", "1"],
    ],
)
def test_purge_refuses_unclear_requests(runner, db, survey, args):
    before = _counts(db)
    result = runner.invoke(args=["responses", "purge", *args])
    assert result.exit_code != 0 and "Error" in result.output
    assert _counts(db) == before


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--questionnaire", "iv-1", "--format", "csv"],
        ["responses", "purge", "--free-text-older-than", "12m", "--dry-run"],
    ],
    ids=["export", "purge"],
)
def test_the_commands_rewrite_closed_surveys_first(runner, db, survey, tmp_path, command):
    """As a staff request does, `flask export` and `flask responses purge`
    first rewrite the rows of closed surveys in random order
    (app/meetings/storage_order.py); on PostgreSQL every response is then a
    row written anew, by another transaction."""
    postgresql = db.get_bind().dialect.name == "postgresql"
    written_by = select(func.distinct(text("response.xmin::text"))).select_from(Response)
    db.rollback()
    assert db.scalars(select(Meeting.rows_shuffled)).all() == [False, False]
    before = set(db.scalars(written_by)) if postgresql else set()
    db.rollback()
    args = [*command, "--out", str(tmp_path / "x.csv")] if command[0] == "export" else command
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    db.rollback()
    assert db.scalars(select(Meeting.rows_shuffled)).all() == [True, True]
    if postgresql:
        assert before and before.isdisjoint(db.scalars(written_by))
