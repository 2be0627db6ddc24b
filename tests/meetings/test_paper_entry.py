"""Paper forms typed in by a coordinator: validated and stored like online
responses, counted per meeting only, refused once the paper entry is finished."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import Answer, Meeting, Response
from app.questionnaires.paper import OPTION_KEYS
from tests.conftest import VALID_ANSWERS, add_meeting, count, csrf_of, now, parse_iv1, store_response, token


def typed_keys(answers: dict) -> dict:
    """What the coordinator types for ``answers``: the key printed beside each ticked box."""
    questionnaire = parse_iv1()
    typed = {}
    for question_id, value in answers.items():
        codes = questionnaire.question(question_id).codes
        typed[question_id] = OPTION_KEYS[codes.index(value)] if codes else value
    return typed


def entry_page(client, meeting):
    response = client.get(f"/workspace/meetings/{meeting.id}/paper?lang=en")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    form_id = re.search(r'name="form_id" value="([^"]+)"', html).group(1)
    return html, {"csrf_token": csrf_of(html), "form_id": form_id}


def answer_rows(db, meeting_id):
    db.rollback()
    rows = db.execute(
        select(Answer.question_id, Answer.code, Answer.number, Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.meeting_id == meeting_id)
    ).all()
    db.rollback()
    return sorted(rows)


def paper_count(db, meeting_id) -> int:
    db.rollback()
    try:
        return db.get(Meeting, meeting_id).paper_responses
    finally:
        db.rollback()


def test_a_paper_form_is_stored_like_an_online_response(coordinator, db):
    paper = add_meeting(db, paper_entry_finished=False)
    online = add_meeting(db, paper_entry_finished=False)
    _html, hidden = entry_page(coordinator, paper)
    response = coordinator.post(f"/workspace/meetings/{paper.id}/paper", data={**hidden, **typed_keys(VALID_ANSWERS)})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/meetings/{paper.id}/paper?paper_language=de"
    )
    store_response(db, online, {k: [v] for k, v in VALID_ANSWERS.items()})
    db.commit()
    assert answer_rows(db, paper.id) == answer_rows(db, online.id) != []
    assert count(db) == 2 and paper_count(db, paper.id) == 1 and paper_count(db, online.id) == 0
    # The next screen is an empty form with a new id.
    html, again = entry_page(coordinator, paper)
    assert again["form_id"] != hidden["form_id"] and "Paper forms entered: 1" in html
    # Enter pressed twice on one form stores it once.
    coordinator.post(f"/workspace/meetings/{paper.id}/paper", data={**hidden, **typed_keys(VALID_ANSWERS)})
    assert count(db) == 2 and paper_count(db, paper.id) == 1


def test_a_paper_form_with_errors_stays_with_every_entry(coordinator, db):
    meeting = add_meeting(db, paper_entry_finished=False)
    _html, hidden = entry_page(coordinator, meeting)
    typed = typed_keys(VALID_ANSWERS) | {"satisfaction": "7", "meetings_attended": "500", "knows_more_offers": ""}
    response = coordinator.post(f"/workspace/meetings/{meeting.id}/paper?lang=en", data={**hidden, **typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was stored" in html
    assert "“7” is no key of this question." in html and "Please answer this question." in html
    for question_id, value in typed.items():
        assert f'name="{question_id}" value="{value}"' in html.replace("&#34;", '"'), question_id
    assert count(db) == 0 and paper_count(db, meeting.id) == 0


def test_a_meeting_with_access_codes_takes_paper_forms_without_a_code(coordinator, db):
    meeting = add_meeting(db, paper_entry_finished=False, survey_access=Meeting.ACCESS_CODES)
    _html, hidden = entry_page(coordinator, meeting)
    response = coordinator.post(f"/workspace/meetings/{meeting.id}/paper", data={**hidden, **typed_keys(VALID_ANSWERS)})
    assert response.status_code == 302 and count(db) == 1 and paper_count(db, meeting.id) == 1


def test_paper_forms_after_the_survey_closed_until_entry_is_finished(coordinator, db):
    meeting = add_meeting(db, paper_entry_finished=False, opens=-48, closes=-24)
    _html, hidden = entry_page(coordinator, meeting)
    assert (
        coordinator.post(
            f"/workspace/meetings/{meeting.id}/paper", data={**hidden, **typed_keys(VALID_ANSWERS)}
        ).status_code
        == 302
    )
    finish = coordinator.post(
        f"/workspace/meetings/{meeting.id}/paper/finish", data={"csrf_token": hidden["csrf_token"]}
    )
    assert finish.status_code == 302
    db.rollback()
    assert db.get(Meeting, meeting.id).paper_entry_finished
    db.rollback()
    late = coordinator.post(
        f"/workspace/meetings/{meeting.id}/paper?lang=en",
        data={**hidden, "form_id": "another-form-id-0123456789", **typed_keys(VALID_ANSWERS)},
    )
    assert late.status_code == 422 and "paper entry of this meeting is finished" in late.get_data(as_text=True)
    assert coordinator.get(f"/workspace/meetings/{meeting.id}/paper?lang=en").status_code == 422
    assert count(db) == 1 and paper_count(db, meeting.id) == 1


@pytest.mark.parametrize("opens", [None, 5])
def test_no_paper_forms_before_the_survey_opened(coordinator, db, opens):
    meeting = add_meeting(db, paper_entry_finished=False, opens=opens, closes=None if opens is None else 24)
    response = coordinator.get(f"/workspace/meetings/{meeting.id}/paper?lang=en")
    assert response.status_code == 422 and "has not opened" in response.get_data(as_text=True)


def test_the_report_counts_paper_forms_like_online_responses(coordinator, db):
    from app.evaluation.report import reporting
    from app.models import QuestionnaireVersion

    meeting = add_meeting(db, paper_entry_finished=False, opens=-48, closes=-1)  # closed, paper forms to come
    for group in ("school", "kita", "school", "administration", "politics", "school"):
        _html, hidden = entry_page(coordinator, meeting)
        typed = typed_keys(VALID_ANSWERS | {"actor_group": group})
        assert coordinator.post(f"/workspace/meetings/{meeting.id}/paper", data={**hidden, **typed}).status_code == 302
    for _ in range(4):
        store_response(db, meeting, {k: [v] for k, v in VALID_ANSWERS.items()})
    db.commit()

    def report_now():
        db.rollback()
        return reporting.build_report(
            db,
            db.get(QuestionnaireVersion, meeting.questionnaire_version_id),
            reporting.ReportOptions(min_cell=3),
            today=meeting.date,
            now=now(),
        )

    # Results wait for the paper entry to be finished, then count paper and online alike.
    (waiting,) = report_now().meetings
    assert waiting.status == "paper" and waiting.results == () and report_now().overall.respondents == 0
    finish = f"/workspace/meetings/{meeting.id}/paper/finish"
    assert coordinator.post(finish, data={"csrf_token": token(coordinator)}).status_code == 302
    report = report_now()
    (scope,) = report.meetings
    assert scope.respondents == report.overall.respondents == 10 and paper_count(db, meeting.id) == 6
    # Each indicator counts the paper forms too: every answer here says "yes" to new contacts.
    contacts = next(result for result in scope.results if result.indicator.question == "new_contacts")
    assert contacts.n == 10 and contacts.k == 10
