"""A meeting changed while phones have its form open: closed, opened, edited
or moved to another questionnaire version.  The database decides each
submission at the moment it is stored, and no phone sees another's
submission id or messages."""

import datetime as dt

import pytest
from sqlalchemy import update

from app.models import Meeting, Response, SubmissionReceipt
from app.questionnaires import versions
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, count, meeting_form, now, open_form, token


def change_elsewhere(db, meeting, **values):
    """What a coordinator does through another server process."""
    db.execute(update(Meeting).where(Meeting.id == meeting.id).values(**values))
    db.commit()


def test_a_survey_closed_elsewhere_takes_no_more_answers(app, client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en")
    change_elsewhere(db, meeting, closes_at=now() - dt.timedelta(seconds=1))
    # Nothing stored, not even the receipt.
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    assert response.status_code == 200 and "has closed" in response.get_data(as_text=True)
    assert count(db) == 0 and count(db, SubmissionReceipt) == 0
    # And the form page says so too.
    assert "has closed" in app.test_client().get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)


def test_a_survey_opened_elsewhere_shows_at_once(client, db):
    meeting = add_meeting(db, opens=None, closes=None)
    assert "not open yet" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    change_elsewhere(db, meeting, opens_at=now() - dt.timedelta(seconds=1))
    assert open_form(client, meeting.public_code).submission_id


def test_a_new_questionnaire_version_since_the_form_was_opened(client, db, meeting):
    page = open_form(client, meeting.public_code)
    newer, _ = versions.store_questionnaire(db, IV1.read_text("utf-8").replace("version: 1", "version: 2", 1))
    db.commit()
    change_elsewhere(db, meeting, questionnaire_version_id=newer.id)
    # The answers fit the new version too: stored once, under the version the meeting asks now.
    assert client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    db.rollback()
    assert [r.questionnaire_version_id for r in db.query(Response)] == [newer.id]
    db.rollback()


def test_each_phone_gets_its_own_submission_id_in_the_same_page(app, meeting):
    one, other = (open_form(app.test_client(), meeting.public_code) for _ in range(2))
    assert one.submission_id != other.submission_id
    assert one.html.replace(one.submission_id, "ID") == other.html.replace(other.submission_id, "ID")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_page_follows_the_language(client, meeting, language):
    html = open_form(client, meeting.public_code, lang=language).html
    assert f'<html lang="{language}"' in html
    assert f'name="language" type="hidden" value="{language}"' in html


def test_an_edited_meeting_shows_its_new_title_at_once(coordinator, client, db, meeting):
    assert "Netzwerktreffen" in open_form(client, meeting.public_code).html
    data = meeting_form(
        meeting.questionnaire_version_id,
        title="Herbsttreffen",
        csrf_token=token(coordinator, f"/workspace/meetings/{meeting.id}/edit"),
        opens_at="2020-01-01T00:00",
        closes_at="2099-01-01T00:00",
    )
    thanks = f"/m/{meeting.public_code}/thanks"
    assert f"<bdi>{meeting.title}</bdi>" in client.get(f"{thanks}?lang=de").get_data(as_text=True)
    assert coordinator.post(f"/workspace/meetings/{meeting.id}/edit", data=data).status_code == 302
    assert "Herbsttreffen" in open_form(client, meeting.public_code).html
    for language, thanked in (("de", "Vielen Dank"), ("ar", 'lang="ar"')):
        page = client.get(f"{thanks}?lang={language}").get_data(as_text=True)
        assert "<bdi>Herbsttreffen</bdi>" in page and f"<bdi>{meeting.title}</bdi>" not in page and thanked in page


def test_a_waiting_message_is_shown_once_and_only_to_its_own_browser(coordinator, client, db):
    meeting = add_meeting(db, opens=None, closes=None)
    coordinator.post(f"/workspace/meetings/{meeting.id}/open?lang=en", data={"csrf_token": token(coordinator)})
    # The coordinator opens the participant link before the meetings list shows the message.
    assert "The survey is open." in open_form(coordinator, meeting.public_code).html
    assert "The survey is open." not in open_form(coordinator, meeting.public_code).html
    assert "The survey is open." not in open_form(client, meeting.public_code).html
