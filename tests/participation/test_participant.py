"""The participant form over HTTP: every bad input comes back filled in, nothing
half-valid is stored, retries store once, a second answer is refused."""

import datetime as dt
import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app.models import Answer, Response, SubmissionReceipt
from app.network import settings
from app.participation import signed
from tests.conftest import VALID_ANSWERS, add_meeting, assert_kept, count, open_form


def stored_answers(db) -> dict:
    db.rollback()
    rows = db.execute(select(Answer.question_id, Answer.code, Answer.number, Answer.text)).all()
    db.rollback()
    return {(q, c): (n, t) for q, c, n, t in rows}


def test_form_renders_every_question_with_stable_names(client, meeting):
    page = open_form(client, meeting.public_code)
    for name in VALID_ANSWERS:
        assert f'name="{name}"' in page.html
    assert page.html.count("<fieldset") == 10  # the choice questions
    assert '<label for="comment"' in page.html and '<label for="meetings_attended"' in page.html


def test_valid_submission_is_stored_and_thanked(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en")
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    assert response.status_code == 303
    # The language goes along: participants have no session to keep it in.
    assert response.headers["Location"].endswith(f"/m/{meeting.public_code}/thanks?lang=en")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "Thank you" in thanks.get_data(as_text=True)
    assert count(db) == 1
    stored = db.scalars(select(Response)).one()
    assert stored.language == "en" and stored.meeting_id == meeting.id
    answers = stored_answers(db)
    assert answers[("actor_group", "school")] == (None, None)
    assert answers[("meetings_attended", "value")] == (3, None)
    assert answers[("comment", "value")] == (None, VALID_ANSWERS["comment"])
    assert ("new_partners", "no") in answers


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("knows_more_offers", None, "Please answer this question."),
        ("actor_group", "spaceship", "This answer is not one of the options."),
        ("meetings_attended", "99", "Please enter a number from 1 to 50."),
        ("meetings_attended", "drei", "Please enter a whole number."),
        ("comment", "x" * 1001, "Please shorten your text to at most 1,000 characters."),
        ("satisfaction", ["4", "5"], "Please choose only one answer."),
    ],
)
def test_bad_answer_comes_back_with_message_and_every_other_answer(client, db, meeting, field, value, message):
    page = open_form(client, meeting.public_code, lang="en")
    answers = dict(VALID_ANSWERS)
    if value is None:
        del answers[field]
    else:
        answers[field] = value
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(answers))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in html and message in html
    # The message sits next to its question and is tied to it.
    block = html.split(f'id="q-{field}"', 1)[1].split('<div class="q', 1)[0]
    assert message in block and f"{field}-error" in block
    assert_kept(html, VALID_ANSWERS, except_for={field})
    assert count(db) == 0 and count(db, Answer) == 0 and count(db, SubmissionReceipt) == 0


def test_too_long_text_is_kept_for_shortening(client, meeting):
    page = open_form(client, meeting.public_code)
    long_text = "Lang " * 300
    html = client.post(f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "comment": long_text})).get_data(
        as_text=True
    )
    assert long_text.strip() in html


def test_tampered_extra_field_is_refused_and_answers_kept(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en")
    response = client.post(f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "role": "admin"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "do not belong to it" in html
    assert_kept(html, VALID_ANSWERS)
    assert count(db) == 0


def test_body_over_64_kb_is_refused_with_answers_kept(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en")
    padding = {f"pad{i}": "y" * 1000 for i in range(70)}
    response = client.post(f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, **padding}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "too large" in html
    assert_kept(html, VALID_ANSWERS)
    assert count(db) == 0


def test_body_over_the_hard_limit_gets_a_friendly_page(client, db, meeting):
    response = client.post(f"/m/{meeting.public_code}", data={"comment": "z" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)
    assert count(db) == 0


def test_participants_get_no_cookie_before_they_answer(client, meeting):
    response = client.get(f"/m/{meeting.public_code}?lang=ar")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    page = open_form(client, meeting.public_code, lang="en")
    refused = client.post(f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "comment": "x" * 2000}))
    assert refused.status_code == 422 and "Set-Cookie" not in refused.headers
    thanked = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    assert [c.split("=", 1)[0] for c in thanked.headers.getlist("Set-Cookie")] == ["resonanz_answered"]


# What browsers send with a form, by where the form was: Fetch Metadata, and
# before it (iPhones until 2023) only Origin, which is our own from our pages
# (their referrer policy is same-origin).
FROM_ANOTHER_SITE = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
    {"Sec-Fetch-Site": "same-site", "Origin": "null"},  # a sibling subdomain is another site too
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost:8080"},  # another port, another origin
    {"Origin": "null"},  # a sandboxed frame or a data: page on another site
]
FROM_OUR_PAGE = [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Sec-Fetch-Site": "none"},  # sent by the person (reload and send again)
    {"Origin": "http://localhost"},  # the test client's own origin
    {},  # a program, not a page
]


@pytest.mark.parametrize("headers", FROM_ANOTHER_SITE)
def test_a_form_sent_from_another_site_is_refused(client, db, meeting, headers):
    page = open_form(client, meeting.public_code, lang="en")
    response = client.post(
        f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS), headers={**headers, "Accept-Language": "en"}
    )
    assert response.status_code == 403 and "another website" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    assert count(db) == 0 and count(db, SubmissionReceipt) == 0


@pytest.mark.parametrize("headers", FROM_OUR_PAGE)
def test_a_form_sent_from_our_page_is_taken(client, db, meeting, headers):
    page = open_form(client, meeting.public_code)
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS), headers=headers)
    assert response.status_code == 303 and count(db) == 1


def test_repeated_post_of_the_same_form_stores_once(client, db, meeting):
    page = open_form(client, meeting.public_code)
    data = page.fields(VALID_ANSWERS)
    first = client.post(f"/m/{meeting.public_code}", data=data)
    second = client.post(f"/m/{meeting.public_code}", data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(db) == 1


def test_a_message_waiting_in_a_workspace_session_shows_once_on_the_form(client, meeting):
    """Someone of the workspace (with a session) opens the participant link
    while a message waits: it shows on the form once, and the session that
    carried it is saved without it; phones without a session get none."""
    with client.session_transaction("/workspace/") as session:
        session["_flashes"] = [("message", "Die Befragung ist geöffnet.")]
    first = client.get(f"/m/{meeting.public_code}")
    assert "Die Befragung ist geöffnet." in first.get_data(as_text=True)
    assert any(c.startswith("session=") for c in first.headers.getlist("Set-Cookie"))
    assert "Die Befragung ist geöffnet." not in client.get(f"/m/{meeting.public_code}").get_data(as_text=True)


def test_retry_without_cookie_stores_once(app, db, meeting):
    # A slow network: the first POST was stored but its answer never arrived,
    # so the browser has no cookie when it sends the same form again.
    client = app.test_client()
    page = open_form(client, meeting.public_code)
    data = page.fields(VALID_ANSWERS)
    client.post(f"/m/{meeting.public_code}", data=data)
    client.delete_cookie("resonanz_answered", path=f"/m/{meeting.public_code}")
    assert client.post(f"/m/{meeting.public_code}", data=data).status_code == 303
    assert count(db) == 1


def test_second_new_submission_from_the_same_browser_is_refused(client, db, meeting):
    first = open_form(client, meeting.public_code, lang="en")
    client.post(f"/m/{meeting.public_code}", data=first.fields(VALID_ANSWERS))
    again = client.get(f"/m/{meeting.public_code}?lang=en")
    assert "You have already answered" in again.get_data(as_text=True)
    forged = first.fields(VALID_ANSWERS) | {"submission_id": "N" * 32}
    response = client.post(f"/m/{meeting.public_code}", data=forged)
    assert "You have already answered" in response.get_data(as_text=True)
    assert count(db) == 1


def test_answered_cookie_says_only_which_meeting_and_in_which_language(client, meeting):
    page = open_form(client, meeting.public_code)
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("resonanz_answered="))
    value = cookie.split(";")[0].split("=", 1)[1]
    said = URLSafeSerializer("test-secret", salt="answered-meeting").loads(value)
    assert said == {"meeting": meeting.public_code, "language": page.language}
    assert f"Path=/m/{meeting.public_code}" in cookie and "HttpOnly" in cookie


def test_answering_another_meeting_is_allowed(client, db, meeting):
    other = add_meeting(db, title="Zweites Treffen")
    for m in (meeting, other):
        page = open_form(client, m.public_code)
        assert client.post(f"/m/{m.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    assert count(db) == 2


@pytest.mark.parametrize("made_up", ["<script>", "A" * 64, "W1siYWJjIl0.bad-signature-0123456789abcdefghijklmnop"])
def test_an_id_the_server_never_issued_stores_nothing_and_keeps_the_answers(client, db, meeting, made_up):
    page = open_form(client, meeting.public_code, lang="en")
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"submission_id": made_up})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "This form has expired" in html
    assert count(db) == 0 and count(db, SubmissionReceipt) == 0
    assert_kept(html, VALID_ANSWERS)
    fresh = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', html).group(1)
    assert fresh not in (made_up, page.submission_id)
    # Sent again with the fresh id, as the phone does: stored once.
    again = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"submission_id": fresh})
    assert again.status_code == 303 and count(db) == 1


def test_an_id_issued_for_another_meeting_stores_nothing(client, db, meeting):
    other = add_meeting(db, title="Anderes Treffen")
    foreign = open_form(client, other.public_code).submission_id
    page = open_form(client, meeting.public_code, lang="en")
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"submission_id": foreign})
    assert response.status_code == 422 and count(db) == 0


def test_an_id_from_before_the_survey_opened_stores_nothing(app, client, db):
    """An id is valid for the survey's window: one issued before the survey
    (re)opened has expired, though it is ours and names this meeting."""
    meeting = add_meeting(db, opens=-0.01)  # opened a moment ago
    with app.test_request_context():
        today = settings.today()
        old = signed.new_submission_id(meeting.public_code, today - dt.timedelta(days=2))
        current = signed.new_submission_id(meeting.public_code, today)
    page = open_form(client, meeting.public_code, lang="en")
    expired = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"submission_id": old})
    assert expired.status_code == 422 and count(db) == 0
    taken = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"submission_id": current})
    assert taken.status_code == 303 and count(db) == 1


@pytest.mark.parametrize("code", ["doesnotexist", "aaaaaaaaaa", "x" * 300, "%00"])
def test_unknown_code_is_a_friendly_404(client, code):
    response = client.get(f"/m/{code}")
    assert response.status_code == 404 and "<h1>" in response.get_data(as_text=True)
    assert client.post(f"/m/{code}", data={"a": "b"}).status_code == 404


def test_before_the_window_the_link_says_when_it_opens(client, db):
    meeting = add_meeting(db, opens=48, closes=72)
    html = client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    assert "not open yet" in html and "It opens on" in html and "<form" not in html


def test_survey_without_opening_time_is_not_open(client, db):
    meeting = add_meeting(db, opens=None, closes=None)
    assert "not open yet" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)


def test_after_the_window_nothing_is_accepted(client, db):
    meeting = add_meeting(db, opens=-48, closes=-1)
    html = client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    assert "has closed" in html and "<form" not in html
    response = client.post(f"/m/{meeting.public_code}", data={**VALID_ANSWERS, "language": "en"})
    assert "has closed" in response.get_data(as_text=True)
    assert count(db) == 0


def test_hidden_question_answer_is_not_stored(client, db, meeting):
    page = open_form(client, meeting.public_code)
    answers = {**VALID_ANSWERS, "new_contacts": "no", "new_partners": "yes"}
    assert client.post(f"/m/{meeting.public_code}", data=page.fields(answers)).status_code == 303
    assert not any(q == "new_partners" for q, _ in stored_answers(db))


def test_answered_marker_outlives_a_key_change_only_with_the_old_key_as_fallback(app, client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en")
    assert client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    old = app.secret_key
    app.config.update(SECRET_KEY="the-new-key", SECRET_KEY_FALLBACKS=[old])
    assert "already answered" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert "<form" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    # Markers given from now on are signed with the new key.
    other_phone = app.test_client()
    page = open_form(other_phone, meeting.public_code, lang="en")
    response = other_phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("resonanz_answered="))
    marker = cookie.split(";")[0].split("=", 1)[1]
    assert URLSafeSerializer("the-new-key", salt="answered-meeting").loads(marker)["meeting"] == meeting.public_code
