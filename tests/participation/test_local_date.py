"""One clock for dates: "today" is the date where the network meets
(``TIME_ZONE``, Europe/Berlin by default), never the server's nor the UTC date.

The app runs at a chosen moment through its ``CLOCK`` setting, years away
from the machine's own date: a page that asked the system clock instead
(``date.today()``, ``datetime.now()``) would find the survey not open yet or
the meeting not held, and the test would fail.  Two moments around a
Berlin New Year's Eve: 23:30 on 31 December (22:30 UTC) is still that day
and year; 00:30 on 1 January (23:30 UTC, still 31 December in UTC) is
already the new one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.meetings import codes
from app.models import Meeting, Response
from app.network.strategy.store import store_strategy
from tests.conftest import IV1, PASSWORDS, VALID_ANSWERS, login, open_form, store_questionnaire

MOMENTS = {
    "23:30 on 31 December": (dt.datetime(2030, 12, 31, 22, 30), dt.date(2030, 12, 31)),
    "00:30 on 1 January": (dt.datetime(2030, 12, 31, 23, 30), dt.date(2031, 1, 1)),
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_submission_counts_for_the_day_and_year_in_berlin(app, client, db, staff, moment):
    utc, berlin_day = MOMENTS[moment]
    app.config["CLOCK"] = lambda: utc
    version, _ = store_questionnaire(db)
    # The demo's strategy: its attendance indicator counts the meetings held so far.
    store_strategy(db, (IV1.parent / "strategy.yaml").read_text("utf-8"))
    meeting = Meeting(
        public_code=codes.new_public_code(),
        title="Silvester-Treffen",
        date=berlin_day,
        place="Freiburg",
        questionnaire_version=version,
        invited=100,
        attended=40,
        opens_at=utc - dt.timedelta(minutes=30),
        closes_at=utc + dt.timedelta(minutes=10),
        paper_entry_finished=True,  # no paper forms to wait for
    )
    db.add(meeting)
    db.commit()
    code, version_id = meeting.public_code, version.id
    db.rollback()

    for _ in range(5):  # the network's k: a meeting's results are shown from five responses on
        phone = app.test_client()
        page = open_form(phone, code)  # the survey is open at that moment
        assert phone.post(f"/m/{code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    assert db.scalars(select(Response.submitted_on)).all() == [berlin_day] * 5
    db.rollback()

    evaluator = app.test_client()
    login(evaluator, "evaluator", PASSWORDS["evaluator"])
    codebook = evaluator.get(f"/workspace/exports/codebook/{version_id}.md")
    assert f"_{berlin_day:%Y%m%d}.md" in codebook.headers["Content-Disposition"]
    # Once the survey has closed, the responses count for the meeting's year,
    # and the meeting, held that day, is among the meetings held so far.
    app.config["CLOCK"] = lambda: utc + dt.timedelta(minutes=10)
    report = evaluator.get(f"/workspace/reports/{version_id}?lang=en").get_data(as_text=True)
    assert f'<th scope="row">{berlin_day.year}</th>' in report
    assert "All 1 meetings held are included" in report
