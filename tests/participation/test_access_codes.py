"""A meeting whose survey needs access codes: each response needs an unused
code of the meeting, the code is used in the transaction that stores the
response, and a refused code stores nothing and keeps every answer."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app import create_app
from app.meetings import access_codes
from app.meetings.codes import (
    ACCESS_CODE_LENGTH,
    CODE_ALPHABET,
    new_access_code,
    normalised_access_code,
    shown_access_code,
)
from app.models import AccessCode, Answer, Meeting, Response, SubmissionReceipt
from tests.conftest import VALID_ANSWERS, add_meeting, assert_kept, count, open_form


@pytest.fixture
def coded(db):
    return add_meeting(db, survey_access=Meeting.ACCESS_CODES)


def make_codes(app, db, meeting, how_many=3) -> list[str]:
    with app.app_context():
        made = access_codes.make_codes(db, db.get(Meeting, meeting.id), how_many)
    db.commit()
    return made


def used_codes(db) -> int:
    db.rollback()
    try:
        return db.scalar(select(func.count()).select_from(AccessCode).where(AccessCode.used))
    finally:
        db.rollback()


def stored(db) -> tuple[int, int, int, int]:
    return count(db, Response), count(db, Answer), count(db, SubmissionReceipt), used_codes(db)


# --- the codes themselves ------------------------------------------------------


def test_codes_are_short_unambiguous_and_typed_any_way():
    code = new_access_code()
    assert len(code) == ACCESS_CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("01ilo")
    shown = shown_access_code(code)
    assert shown == f"{code[:4].upper()}-{code[4:].upper()}"
    for typed in (shown, shown.lower(), shown.replace("-", ""), f" {code[:4]} {code[4:]} ", shown.replace("-", "–")):
        assert normalised_access_code(typed) == code, typed
    assert normalised_access_code("K7PM-۳QXD") == "k7pm3qxd"  # a digit typed on a Persian keyboard
    for wrong in ("", None, "K7PM-3QX", "K7PM-3QXDD", "K7PM-3QX0", "K7PM-3QXL", "K7PM 3QX!"):
        assert normalised_access_code(wrong) is None, wrong


# --- the participant -------------------------------------------------------------


def test_a_code_in_the_cards_link_lets_exactly_one_response_in(app, client, db, coded):
    code = make_codes(app, db, coded)[0]
    page = open_form(client, coded.public_code, code=shown_access_code(code))
    assert f'name="access_code" type="hidden" value="{shown_access_code(code)}"' in page.html
    assert 'id="q-access_code"' not in page.html  # no field to type it in
    sent = client.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS) | {"access_code": code})
    assert sent.status_code == 303
    assert stored(db) == (1, 12, 1, 1)

    # The same card on another phone: nothing more is stored, every answer comes back.
    other = app.test_client()
    page = open_form(other, coded.public_code, code=shown_access_code(code), lang="en")
    again = other.post(
        f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS) | {"access_code": shown_access_code(code)}
    )
    html = again.get_data(as_text=True)
    assert again.status_code == 422 and "This access code has already been used" in html
    assert_kept(html, VALID_ANSWERS)
    assert f'id="access_code" name="access_code" value="{shown_access_code(code)}"' in html
    assert stored(db) == (1, 12, 1, 1)


def test_without_a_code_in_the_link_the_form_asks_for_it(app, client, db, coded):
    code = make_codes(app, db, coded)[1]
    german = open_form(client, coded.public_code)
    assert 'id="q-access_code"' in german.html and "Zugangscode" in german.html
    english = open_form(app.test_client(), coded.public_code, lang="en")
    assert "Access code" in english.html and "Capital or small letters" in english.html

    missing = client.post(f"/m/{coded.public_code}", data=german.fields(VALID_ANSWERS))
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422 and 'href="#q-access_code"' in html and 'aria-invalid="true"' in html
    assert_kept(html, VALID_ANSWERS)
    assert stored(db) == (0, 0, 0, 0)

    typed = f"{code[:4]} {code[4:]}".upper()  # as read off the card, with a space
    taken = client.post(f"/m/{coded.public_code}", data=german.fields(VALID_ANSWERS) | {"access_code": typed})
    assert taken.status_code == 303 and stored(db) == (1, 12, 1, 1)


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "ru", "uk", "fa", "fr"])
def test_the_code_field_speaks_every_language(app, coded, language):
    page = open_form(app.test_client(), coded.public_code, lang=language)
    english = ("Access code", "The code on your card")
    assert 'for="access_code"' in page.html
    if language != "en":
        assert not any(text in page.html for text in english), language


def test_an_unknown_code_stores_nothing(app, client, db, coded):
    another = add_meeting(db, survey_access=Meeting.ACCESS_CODES)
    someone_elses = make_codes(app, db, another)[0]
    make_codes(app, db, coded)
    for typed in (shown_access_code(someone_elses), "ABCD-EFGH", "ABCD-EF"):
        page = open_form(app.test_client(), coded.public_code, lang="en")
        refused = client.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS) | {"access_code": typed})
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "This access code is not one of this meeting" in html, typed
        assert_kept(html, VALID_ANSWERS)
        assert f'value="{typed}"' in html  # kept for correcting
    assert stored(db) == (0, 0, 0, 0)


def test_an_answer_error_keeps_the_code_unused(app, client, db, coded):
    code = make_codes(app, db, coded)[0]
    page = open_form(client, coded.public_code, code=code)
    wrong = client.post(
        f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS | {"satisfaction": "9"}) | {"access_code": code}
    )
    assert wrong.status_code == 422 and stored(db) == (0, 0, 0, 0)
    right = client.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS) | {"access_code": code})
    assert right.status_code == 303 and stored(db) == (1, 12, 1, 1)


def test_a_retry_of_a_stored_form_is_thanked_not_refused(app, db, coded):
    code = make_codes(app, db, coded)[0]
    phone = app.test_client()
    page = open_form(phone, coded.public_code, code=code)
    fields = page.fields(VALID_ANSWERS) | {"access_code": code}
    assert phone.post(f"/m/{coded.public_code}", data=fields).status_code == 303
    # The answer was lost on the way back: the phone sends the same form again, without its cookie.
    retry = app.test_client().post(f"/m/{coded.public_code}", data=fields)
    assert retry.status_code == 303 and stored(db) == (1, 12, 1, 1)


def test_an_open_link_ignores_a_code(client, db, meeting):
    page = open_form(client, meeting.public_code, code="ABCD-EFGH")
    assert "access_code" not in page.html
    sent = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"access_code": "ABCD-EFGH"})
    assert sent.status_code == 303 and count(db) == 1


def test_a_code_made_before_a_key_change_still_counts(app, database_url, db, coded):
    code = make_codes(app, db, coded)[0]
    renewed = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "the-new-secret",
            "SECRET_KEY_FALLBACKS": ["test-secret"],
        }
    )
    try:
        phone = renewed.test_client()
        page = open_form(phone, coded.public_code, code=code)
        assert phone.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    finally:
        renewed.extensions["resonanz.db"].dispose()
    assert stored(db) == (1, 12, 1, 1)


@pytest.mark.slow
def test_one_card_on_eight_phones_at_once_stores_one_response(app, db, coded):
    code = shown_access_code(make_codes(app, db, coded)[0])
    phones = [app.test_client() for _ in range(8)]
    pages = [open_form(phone, coded.public_code, code=code) for phone in phones]
    start = threading.Barrier(len(phones))
    statuses = []

    def send(phone, page):
        start.wait()
        statuses.append(phone.post(f"/m/{coded.public_code}", data=page.fields(VALID_ANSWERS)).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(phones, pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303] + [422] * 7
    assert stored(db) == (1, 12, 1, 1)
