"""A ranking answered on a phone without JavaScript, in German and in Arabic:
one list per place chosen by keyboard, the same item twice pointed out and
corrected, the places stored; axe-core on each page state."""

import datetime as dt

import pytest
from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import Session

from app.meetings import codes
from app.models import Answer, Meeting, QuestionnaireVersion, Response
from app.questionnaires import versions
from tests.browser.conftest import axe, shot
from tests.browser.test_accessibility import STRUCTURE
from tests.browser.test_journeys import answer, send
from tests.conftest import VALID_ANSWERS, now
from tests.questionnaires.ranking import with_ranking


@pytest.fixture
def ranking_meeting(server):
    """A meeting asking IV.1 with a ranking, as a questionnaire of its own; removed
    afterwards, so the other browser tests keep the demo's version as the latest."""
    engine = create_engine(f"sqlite:///{server.database}")
    with Session(engine) as session, session.begin():
        version, _ = versions.store_questionnaire(
            session, with_ranking().replace("\nid: iv-1\n", "\nid: ranking-test\n")
        )
        start = now()
        meeting = Meeting(
            public_code=codes.new_public_code(),
            title="Bedarfe",
            date=start.date(),
            place="Freiburg",
            questionnaire_version_id=version.id,
            opens_at=start - dt.timedelta(hours=1),
            closes_at=start + dt.timedelta(hours=24),
        )
        session.add(meeting)
        session.flush()
        code, meeting_id, version_id = meeting.public_code, meeting.id, version.id
    yield code
    with Session(engine) as session, session.begin():
        responses = select(Response.id).where(Response.meeting_id == meeting_id)
        session.execute(delete(Answer).where(Answer.response_id.in_(responses)))
        session.execute(delete(Response).where(Response.meeting_id == meeting_id))
        session.execute(delete(Meeting).where(Meeting.id == meeting_id))
        session.execute(delete(QuestionnaireVersion).where(QuestionnaireVersion.id == version_id))
    engine.dispose()


def grave(page) -> list:
    return [(v["id"], v["impact"]) for v in axe(page) if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_ranking_without_javascript_with_a_duplicate_corrected(server, new_phone, ranking_meeting, language):
    page = new_phone(javascript=False)
    page.goto(f"/m/{ranking_meeting}?lang={language}")
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    assert page.evaluate(STRUCTURE) == []
    answer(page, VALID_ANSWERS)
    # By keyboard: focus the first place's list and choose with the arrow keys.
    first = page.get_by_label(page.locator("label[for='needs-1']").inner_text(), exact=True)
    first.focus()
    first.press("ArrowDown")
    first.press("ArrowDown")  # the second item: "staff"
    assert first.input_value() == "staff"
    page.locator("#needs-2").select_option("staff")  # the same item again
    send(page)
    page.wait_for_selector("#needs-error")
    assert page.evaluate(STRUCTURE) == []
    shot(page, f"ranking-{language}-duplicate")
    # Every answer kept, the places as chosen.
    assert page.locator("#needs-1").input_value() == "staff" and page.locator("#needs-2").input_value() == "staff"
    assert page.locator("textarea[name='comment']").input_value() == VALID_ANSWERS["comment"]
    page.locator("#needs-2").select_option("refugees")
    send(page)
    page.wait_for_url("**/thanks?lang=*")
    (stored,) = server.query(
        "SELECT group_concat(answer.code || ':' || answer.number, ' ') FROM answer JOIN response ON response.id = answer.response_id "
        "JOIN meeting ON meeting.id = response.meeting_id WHERE meeting.public_code = ? AND answer.question_id = 'needs'",
        ranking_meeting,
    )
    assert sorted(stored[0].split()) == ["refugees:2", "staff:1"]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_ranking_and_its_error_are_axe_clean(server, new_phone, ranking_meeting, language):
    # axe-core runs as a script, so this phone has scripts; the form is the same.
    page = new_phone(audit=True)
    page.goto(f"/m/{ranking_meeting}?lang={language}")
    assert grave(page) == []
    page.locator("#needs-1").select_option("language")
    page.locator("#needs-3").select_option("transitions")  # a gap at the second place
    send(page)
    page.wait_for_selector("#needs-error")
    assert page.locator("#needs-1").input_value() == "language" and page.locator("#needs-2").input_value() == ""
    assert grave(page) == []
