"""At most SUBMISSIONS_PER_ADDRESS stored submissions per client address and
meeting; the counter never holds an address."""

from __future__ import annotations

from app import create_app
from app.models import Response, SubmissionReceipt
from tests.conftest import VALID_ANSWERS, add_meeting, assert_kept, count, open_form

VENUE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.9"}


def _app(database_url, storage="memory://"):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "SUBMISSIONS_PER_ADDRESS": "3 per hour",
            "RATELIMIT_STORAGE_URI": storage,
        }
    )


def _answer(app, code, address, lang="en"):
    phone = app.test_client()
    phone.environ_base.update(address)
    page = open_form(phone, code, lang=lang)
    return phone.post(f"/m/{code}", data=page.fields(VALID_ANSWERS))


def test_beyond_the_limit_nothing_is_stored_and_the_answers_come_back(database_url, db):
    app = _app(database_url)
    try:
        meeting, other = add_meeting(db), add_meeting(db, title="Zweites Treffen")
        assert [_answer(app, meeting.public_code, VENUE).status_code for _ in range(3)] == [303] * 3
        refused = _answer(app, meeting.public_code, VENUE)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "Very many answers came from your network" in html
        assert_kept(html, VALID_ANSWERS)
        assert (count(db, Response), count(db, SubmissionReceipt)) == (3, 3)
        # Another address, or another meeting, counts on its own.
        assert _answer(app, meeting.public_code, ELSEWHERE).status_code == 303
        assert _answer(app, other.public_code, VENUE).status_code == 303
        assert count(db, Response) == 5
    finally:
        app.extensions["resonanz.db"].dispose()


def test_refused_forms_and_forms_with_errors_do_not_count(database_url, db):
    app = _app(database_url)
    try:
        meeting = add_meeting(db)
        for _ in range(5):  # five forms with an error: nothing stored, nothing counted
            phone = app.test_client()
            phone.environ_base.update(VENUE)
            page = open_form(phone, meeting.public_code)
            assert phone.post(f"/m/{meeting.public_code}", data=page.fields({"satisfaction": "9"})).status_code == 422
        assert [_answer(app, meeting.public_code, VENUE).status_code for _ in range(3)] == [303] * 3
    finally:
        app.extensions["resonanz.db"].dispose()


def test_the_count_is_shared_through_redis_and_holds_no_address(database_url, db, redis_url):
    import redis

    store = redis.Redis.from_url(redis_url)
    first, second = _app(database_url, redis_url), _app(database_url, redis_url)
    try:
        meeting = add_meeting(db)
        statuses = [_answer(app, meeting.public_code, VENUE).status_code for app in (first, second, first, second)]
        assert statuses == [303, 303, 303, 429]
        keys = [key.decode() for key in store.keys("*")]
        assert keys and not any("203.0.113" in key for key in keys)
        assert not any("203.0.113" in str(store.dump(key)) for key in keys)
    finally:
        for app in (first, second):
            app.extensions["resonanz.db"].dispose()
