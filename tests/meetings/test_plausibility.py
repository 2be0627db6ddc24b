"""More responses than attendees (or than invited, when attendance is not
recorded): said beside the meeting's figures on the dashboard, the meeting
list and the report."""

import re

import pytest

from app.meetings.plausibility import TooManyResponses, too_many_responses
from tests.conftest import PASSWORDS, add_meeting, login, store_response

ANSWERS = {"actor_group": ["school"], "knows_more_offers": ["yes"], "new_contacts": ["no"], "central_topics": ["yes"]}
ATTENDED = "More responses than attendees recorded (4): some answers may not come from attendees."
INVITED = (
    "More responses than people invited (3), and attendance is not recorded: some answers may not come from attendees."
)


@pytest.mark.parametrize(
    ("responses", "attended", "invited", "expected"),
    [
        (5, 4, 300, TooManyResponses(5, "attended", 4)),
        (4, 4, 300, None),
        (1, 0, 300, TooManyResponses(1, "attended", 0)),
        (5, None, 4, TooManyResponses(5, "invited", 4)),
        (4, None, 4, None),
        (400, None, None, None),  # nothing to go by
        (5, 10, 3, None),  # attendance recorded: the invitations do not matter
    ],
)
def test_too_many_responses(responses, attended, invited, expected):
    assert too_many_responses(responses, attended, invited) == expected


def rows_of(html: str, title: str) -> str:
    """The table rows that name ``title``."""
    return " ".join(row for row in re.findall(r"<tr.*?</tr>", html, re.S) if title in row)


def test_the_dashboard_and_the_report_say_so_beside_the_meetings_figures(app, db, staff):
    client = app.test_client()
    login(client, "coordinator", PASSWORDS["coordinator"])
    # Surveys that close within the hour (the staff session stays valid when the clock moves on).
    counted = add_meeting(db, title="Zu viele Antworten", closes=1, attended=4, invited=300)
    uncounted = add_meeting(db, title="Ohne Anwesenheit", closes=1, attended=None, invited=3)
    plausible = add_meeting(db, title="Stimmig", closes=1, attended=40, invited=3)
    for meeting in (counted, uncounted, plausible):
        for _ in range(5):
            store_response(db, meeting, ANSWERS)
    db.commit()

    for page in ("/workspace/?lang=en", "/workspace/meetings/?lang=en"):
        html = client.get(page).get_data(as_text=True)
        assert ATTENDED in rows_of(html, "Zu viele Antworten")
        assert INVITED in rows_of(html, "Ohne Anwesenheit")
        assert "More responses" not in rows_of(html, "Stimmig")

    # The report says so too, while the surveys are open (only the count is shown) and after they closed.
    version_id = counted.questionnaire_version_id
    for moment in ("open", "closed"):
        if moment == "closed":
            app.config["CLOCK"] = lambda: max(m.closes_at for m in (counted, uncounted, plausible))
        html = client.get(f"/workspace/reports/{version_id}?lang=en").get_data(as_text=True)
        meetings = html[html.index('id="meetings"') :]
        assert ATTENDED in rows_of(meetings, "Zu viele Antworten")
        assert INVITED in rows_of(meetings, "Ohne Anwesenheit")
        assert "More responses" not in rows_of(meetings, "Stimmig")
    # Beside the figures of each indicator, once they are shown.
    figures = html[html.index("Indicators over time") : html.index('id="meetings"')]
    assert rows_of(figures, "Zu viele Antworten").count(ATTENDED) == 4  # one row in each indicator's table
    assert rows_of(figures, "Ohne Anwesenheit").count(INVITED) == 4
    assert "More responses" not in rows_of(figures, "Stimmig")


def test_the_note_is_translated(app, db, staff):
    client = app.test_client()
    login(client, "coordinator", PASSWORDS["coordinator"], lang="de")
    meeting = add_meeting(db, attended=1)
    for _ in range(2):
        store_response(db, meeting, ANSWERS)
    db.commit()
    html = client.get("/workspace/?lang=de").get_data(as_text=True)
    assert "More responses" not in html and "Mehr Antworten" in html
