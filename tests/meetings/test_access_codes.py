"""Access codes in the workspace and on the command line: the meeting's
choice, codes made and shown once (a printable list, a CSV), counted as used,
and refused for a bad count or an open-link meeting."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from app.meetings.codes import normalised_access_code
from app.models import AccessCode, Base, Meeting
from tests.conftest import PROJECT, VALID_ANSWERS, add_meeting, csrf_of, meeting_form, open_form, token

CODE_LINE = re.compile(
    r'<span class="access-code">([A-Z0-9]{4}-[A-Z0-9]{4})</span> <span class="link" dir="ltr">([^<]+)</span>'
)


def codes_stored(db, meeting) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(AccessCode).where(AccessCode.meeting_id == meeting.id))


def make(coordinator, meeting, how_many) -> list[tuple[str, str]]:
    page = f"/workspace/meetings/{meeting.id}/codes"
    response = coordinator.post(f"{page}?lang=en", data={"csrf_token": token(coordinator, page), "count": how_many})
    assert response.status_code == 200, response.status_code
    return CODE_LINE.findall(response.get_data(as_text=True))


@pytest.fixture
def coded(db):
    return add_meeting(db, survey_access=Meeting.ACCESS_CODES, attended=140, invited=300)


def test_the_meeting_form_chooses_open_link_or_access_codes(coordinator, db, meeting):
    page = coordinator.get("/workspace/meetings/new?lang=en").get_data(as_text=True)
    assert 'checked id="survey_access-0"' in page and "With access codes" in page
    data = meeting_form(meeting.questionnaire_version_id, csrf_token=csrf_of(page), survey_access="access_codes")
    assert coordinator.post("/workspace/meetings/new", data=data).status_code == 302
    db.rollback()
    created = db.scalars(select(Meeting).filter_by(title="Netzwerktreffen Frühjahr")).one()
    assert created.survey_access == Meeting.ACCESS_CODES
    edit = coordinator.get(f"/workspace/meetings/{created.id}/edit").get_data(as_text=True)
    assert 'checked id="survey_access-1"' in edit
    refused = coordinator.post("/workspace/meetings/new", data=data | {"survey_access": "everyone"})
    assert refused.status_code == 422


def test_the_page_proposes_the_attendees_and_ten_percent(coordinator, db, coded):
    page = coordinator.get(f"/workspace/meetings/{coded.id}/codes?lang=en").get_data(as_text=True)
    assert 'name="count"' in page and 'value="154"' in page  # 140 attended, 10 % more
    assert "0 of 0 access codes used" in page
    make(coordinator, coded, 100)
    page = coordinator.get(f"/workspace/meetings/{coded.id}/codes?lang=en").get_data(as_text=True)
    assert 'value="54"' in page and "0 of 100 access codes used" in page
    unrecorded = add_meeting(db, survey_access=Meeting.ACCESS_CODES, invited=50)
    page = coordinator.get(f"/workspace/meetings/{unrecorded.id}/codes").get_data(as_text=True)
    assert 'value="55"' in page  # the invited, when attendance is not recorded


def test_codes_are_shown_once_with_their_links_and_only_digests_are_kept(coordinator, db, coded):
    lines = make(coordinator, coded, 12)
    assert len(lines) == len({code for code, _link in lines}) == 12
    for code, link in lines:
        assert link == f"http://localhost/m/{coded.public_code}?code={code}"
    html = coordinator.post(
        f"/workspace/meetings/{coded.id}/codes?lang=en",
        data={"csrf_token": token(coordinator, f"/workspace/meetings/{coded.id}/codes"), "count": 1},
    ).get_data(as_text=True)
    assert "Keep this list; the codes cannot be shown again." in html and "12 of 13" not in html
    assert "0 of 13 access codes used" in html
    assert codes_stored(db, coded) == 13

    # Nothing in the database, and no later page, holds a code in clear.
    dump = " ".join(
        str(value) for table in Base.metadata.sorted_tables for row in db.execute(select(table)) for value in row
    )
    page = coordinator.get(f"/workspace/meetings/{coded.id}/codes").get_data(as_text=True)
    for code, _link in lines:
        for form in (code, normalised_access_code(code), code.replace("-", "")):
            assert form not in dump and form not in page


def test_the_list_prints_one_code_per_line(coordinator, coded):
    page = f"/workspace/meetings/{coded.id}/codes"
    html = coordinator.post(page, data={"csrf_token": token(coordinator, page), "count": 3}).get_data(as_text=True)
    listed = html.split('<ol class="code-list">', 1)[1].split("</ol>", 1)[0]
    assert listed.count("<li>") == 3 and len(CODE_LINE.findall(listed)) == 3
    assert html.index('<div class="no-print">') < html.index("codes.csv") < html.index('<ol class="code-list">')
    css = (PROJECT / "app/http/static/style.css").read_text("utf-8")
    print_rules = css.split("@media print{", 1)[1]
    assert ".top,.no-print" in print_rules  # the navigation and the buttons stay off the paper
    assert ".code-list li{" in css and "break-inside:avoid" in css


def test_the_csv_holds_the_codes_just_shown(coordinator, db, coded):
    lines = make(coordinator, coded, 5)
    data = {"csrf_token": token(coordinator), "code": [code for code, _link in lines]}
    download = coordinator.post(f"/workspace/meetings/{coded.id}/codes.csv", data=data)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert f"resonanz-codes-{coded.date.isoformat()}-{coded.public_code}.csv" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows == [["code", "link"], *[[code, link] for code, link in lines]]

    forged = data | {"code": [lines[0][0], "ABCD-EFGH"]}
    refused = coordinator.post(f"/workspace/meetings/{coded.id}/codes.csv?lang=en", data=forged)
    assert refused.status_code == 422 and "not this meeting" in refused.get_data(as_text=True)
    other = add_meeting(db, survey_access=Meeting.ACCESS_CODES)
    assert coordinator.post(f"/workspace/meetings/{other.id}/codes.csv", data=data).status_code == 422


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "Number must be between 1 and 5000."),
        ("5001", "Number must be between 1 and 5000."),
        ("viele", "Not a valid integer value."),
        ("", "Please enter how many codes to make."),
    ],
)
def test_a_bad_count_is_refused_beside_the_field(coordinator, db, coded, value, message):
    page = f"/workspace/meetings/{coded.id}/codes"
    response = coordinator.post(f"{page}?lang=en", data={"csrf_token": token(coordinator, page), "count": value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and f'value="{value}"' in html
    assert codes_stored(db, coded) == 0


def test_an_open_link_meeting_makes_no_codes(coordinator, db, meeting):
    page = f"/workspace/meetings/{meeting.id}/codes"
    shown = coordinator.get(f"{page}?lang=en").get_data(as_text=True)
    assert "is an open link" in shown and 'name="count"' not in shown
    refused = coordinator.post(f"{page}?lang=en", data={"csrf_token": token(coordinator, page), "count": "5"})
    assert refused.status_code == 422 and codes_stored(db, meeting) == 0


def test_only_coordinators_make_codes(client, staff, coded):
    from tests.conftest import PASSWORDS, login

    assert client.get(f"/workspace/meetings/{coded.id}/codes").status_code == 302  # to the login
    login(client, "evaluator", PASSWORDS["evaluator"])
    assert client.get(f"/workspace/meetings/{coded.id}/codes").status_code == 403


def test_used_codes_are_counted_in_the_list_and_on_the_home_page(app, coordinator, db, coded):
    lines = make(coordinator, coded, 3)
    phone = app.test_client()
    page = open_form(phone, coded.public_code, code=lines[0][0])
    assert phone.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    listing = coordinator.get("/workspace/meetings/?lang=en").get_data(as_text=True)
    row = listing.split(f'id="meeting-{coded.id}"', 1)[1].split("</tr>", 1)[0]
    assert "1 of 3 access codes used" in row and f"/workspace/meetings/{coded.id}/codes" in row
    home = coordinator.get("/workspace/?lang=en").get_data(as_text=True)
    assert "1 of 3 access codes used" in home


# --- the command line ------------------------------------------------------------


def test_the_cli_writes_codes_that_the_form_takes(app, runner, db, coded, tmp_path):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["meetings", "codes", coded.public_code, "--count", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Made 4 access codes" in result.output and "cannot be shown again" in result.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["code", "link"] and len(rows) == 5
    assert rows[1][1] == f"http://127.0.0.1:5000/m/{coded.public_code}?code={rows[1][0]}"
    assert codes_stored(db, coded) == 4

    phone = app.test_client()
    page = open_form(phone, coded.public_code, code=rows[1][0])
    assert phone.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303

    to_stdout = runner.invoke(args=["meetings", "codes", coded.public_code.upper(), "--count", "2"])
    assert to_stdout.exit_code == 0 and to_stdout.output.count(f"/m/{coded.public_code}?code=") == 2
    assert codes_stored(db, coded) == 6


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--count", "0"], "--count must be from 1 to 5000, not 0"),
        (["--count", "5001"], "--count must be from 1 to 5000, not 5001"),
        (["--count", "many"], "'many' is not a valid integer"),
    ],
)
def test_the_cli_refuses_a_bad_count(runner, db, coded, arguments, message):
    result = runner.invoke(args=["meetings", "codes", coded.public_code, *arguments])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert codes_stored(db, coded) == 0


def test_the_cli_refuses_an_unknown_or_open_link_meeting_and_an_existing_file(runner, db, meeting, coded, tmp_path):
    unknown = runner.invoke(args=["meetings", "codes", "nosuchcode", "--count", "3"])
    assert unknown.exit_code == 1 and "there is no meeting with the code 'nosuchcode'" in unknown.output
    open_link = runner.invoke(args=["meetings", "codes", meeting.public_code, "--count", "3"])
    assert open_link.exit_code == 1 and "is an open link" in open_link.output
    existing = tmp_path / "codes.csv"
    existing.write_text("earlier codes\n", "utf-8")
    kept = runner.invoke(args=["meetings", "codes", coded.public_code, "--count", "3", "--out", str(existing)])
    assert kept.exit_code == 1 and "exists; choose a new file name" in kept.output
    assert existing.read_text("utf-8") == "earlier codes\n"
    assert codes_stored(db, meeting) == codes_stored(db, coded) == 0
