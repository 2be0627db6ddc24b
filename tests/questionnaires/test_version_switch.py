"""Versions that do not surprise: publishing a new version lists the meetings
still asking an older one and offers to switch them; a meeting with responses
switches only after a confirmation that its results will be split; the report
links the versions, and an indicator is the same one across versions by its id."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Meeting, QuestionnaireVersion
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, csrf_of, meeting_form, store_response, token


def version_two() -> str:
    return IV1.read_text("utf-8").replace("version: 1", "version: 2", 1).replace("Bitte nennen Sie", "Nennen Sie")


def answered(db, meeting) -> None:
    store_response(db, meeting, {name: [value] for name, value in VALID_ANSWERS.items()})
    db.commit()


def version_of(db, meeting) -> int:
    db.rollback()
    number = db.get(QuestionnaireVersion, db.get(Meeting, meeting.id).questionnaire_version_id).version
    db.rollback()
    return number


def publish(client, source: str):
    page = client.get("/workspace/questionnaires/").get_data(as_text=True)
    draft = client.post("/workspace/questionnaires/drafts", data={"csrf_token": csrf_of(page), "source": source})
    draft_url = draft.headers["Location"]
    return client.post(draft_url + "/publish?lang=en", data={"csrf_token": token(client, draft_url)})


def test_publishing_offers_to_switch_the_open_meetings(coordinator, db):
    fresh = add_meeting(db, title="Ohne Antworten")
    busy = add_meeting(db, title="Mit Antworten")
    over = add_meeting(db, title="Vorbei", opens=-48, closes=-24)
    answered(db, busy)
    published = publish(coordinator, version_two())
    assert published.status_code == 302 and "/meetings" in published.headers["Location"]
    page = coordinator.get(published.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Ohne Antworten" in page and "Mit Antworten" in page and "Vorbei" not in page
    assert f'name="switch" value="{fresh.id}" checked' in page  # no responses: offered, ticked
    assert f'name="switch" value="{busy.id}" aria' in page  # responses: not ticked
    assert "Its results will be split: the responses so far (1) stay with version 1" in page

    # Ticking the answered meeting without the confirmation switches nothing.
    url = published.headers["Location"]
    refused = coordinator.post(
        url + "?lang=en", data={"csrf_token": csrf_of(page), "switch": [str(fresh.id), str(busy.id)]}
    )
    assert refused.status_code == 422
    assert "Please confirm that its results will be split, or untick it." in refused.get_data(as_text=True)
    assert (version_of(db, fresh), version_of(db, busy), version_of(db, over)) == (1, 1, 1)

    done = coordinator.post(
        url + "?lang=en",
        data={"csrf_token": csrf_of(page), "switch": [str(fresh.id), str(busy.id)], "split": str(busy.id)},
        follow_redirects=True,
    )
    assert "2 meetings now ask version 2." in done.get_data(as_text=True)
    assert (version_of(db, fresh), version_of(db, busy), version_of(db, over)) == (2, 2, 1)


def test_publishing_without_meetings_on_older_versions_goes_back_to_the_list(coordinator, demo_actor_groups):
    published = publish(coordinator, IV1.read_text("utf-8"))
    assert published.headers["Location"].endswith("/workspace/questionnaires/")


def test_a_meeting_with_responses_changes_version_only_when_confirmed(coordinator, db):
    meeting = add_meeting(db)
    answered(db, meeting)
    assert publish(coordinator, version_two()).status_code == 302
    db.rollback()
    newer = db.scalars(select(QuestionnaireVersion).filter_by(version=2)).one().id
    db.rollback()
    url = f"/workspace/meetings/{meeting.id}/edit"
    form = coordinator.get(url + "?lang=en").get_data(as_text=True)
    assert "This meeting has 1 response to iv-1 version 1." in form
    data = meeting_form(newer, csrf_token=csrf_of(form))
    refused = coordinator.post(url + "?lang=en", data=data)
    assert refused.status_code == 422 and "Tick the confirmation to switch." in refused.get_data(as_text=True)
    assert version_of(db, meeting) == 1
    assert coordinator.post(url, data={**data, "split_confirmed": "y"}).status_code == 302
    assert version_of(db, meeting) == 2
    # Other changes to an answered meeting need no confirmation.
    assert coordinator.post(url, data={**data, "title": "Neuer Titel"}).status_code == 302


def test_the_report_links_the_versions_and_each_indicator_across_them(coordinator, db):
    first = add_meeting(db)
    answered(db, first)
    publish(coordinator, version_two())
    db.rollback()
    one, two = db.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.version)).all()
    db.rollback()
    page = coordinator.get(f"/workspace/reports/{two.id}?lang=en").get_data(as_text=True)
    assert "Versions of this questionnaire" in page
    assert f'href="/workspace/reports/{one.id}"' in page and '<strong aria-current="page">version 2</strong>' in page
    assert 'id="indicator-new_contacts"' in page
    assert f'href="/workspace/reports/{one.id}#indicator-new_contacts"' in page
