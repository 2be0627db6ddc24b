"""The form explains itself: a language switch that keeps every answer and
stores nothing, the chosen language carried on after answering, conditional
questions introduced in words, error summaries in whole sentences, every hint
tied to its field; and the front door at ``/``."""

import re

import pytest

from app.models import Response, SubmissionReceipt
from tests.conftest import VALID_ANSWERS, add_meeting, count, open_form

HALF = {"actor_group": "school", "knows_more_offers": "yes", "new_contacts": "no", "comment": "Gern wieder!"}


def checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{value}" checked', html) is not None


@pytest.mark.parametrize("language", ["ar", "uk", "fr"])
def test_switching_language_keeps_every_answer_and_stores_nothing(client, db, meeting, language):
    page = open_form(client, meeting.public_code, lang="de")
    switched = client.post(f"/m/{meeting.public_code}", data=page.fields(HALF) | {"switch_language": language})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200
    assert f'<html lang="{language}"' in html
    assert f'name="language" type="hidden" value="{language}"' in html
    for name, value in HALF.items():
        if name == "comment":
            assert ">Gern wieder!</textarea>" in html
        else:
            assert checked(html, name, value), name
    assert f'value="{page.submission_id}"' in html  # the same form, so sending it stores once
    assert 'class="error' not in html  # nothing was judged yet
    assert "Set-Cookie" not in switched.headers
    assert count(db) == 0 and count(db, SubmissionReceipt) == 0


def test_a_switch_to_a_language_the_form_does_not_offer_keeps_the_language(client, meeting):
    page = open_form(client, meeting.public_code, lang="tr")
    html = client.post(f"/m/{meeting.public_code}", data=page.fields(HALF) | {"switch_language": "xx"}).get_data(
        as_text=True
    )
    assert '<html lang="tr"' in html and checked(html, "new_contacts", "no")


def test_the_chosen_language_carries_on_after_answering(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="de")
    client.post(f"/m/{meeting.public_code}", data=page.fields(HALF) | {"switch_language": "fa"})
    sent = client.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS) | {"language": "fa"})
    assert sent.status_code == 303 and "lang=fa" in sent.headers["Location"]
    assert '<html lang="fa"' in client.get(sent.headers["Location"]).get_data(as_text=True)
    # Opened again without a choice, by a browser that prefers German: the page answers in Persian.
    again = client.get(f"/m/{meeting.public_code}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fa"' in again and "already" not in again  # Persian, not the English fallback
    assert count(db) == 1
    # A choice made now still wins.
    assert '<html lang="en"' in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)


def test_a_conditional_question_says_when_it_applies_and_carries_no_required_marker(client, meeting):
    html = open_form(client, meeting.public_code, lang="de").html
    block = html[html.index('id="q-new_partners"') : html.index('id="q-central_topics"')]
    assert 'data-show-if="new_contacts" data-any-of="yes"' in block
    assert "Nur wenn Sie bei Frage 3 „Ja“ geantwortet haben." in block
    assert 'class="req"' not in block and "(Pflichtangabe)" not in block
    assert 'aria-describedby="q-new_partners-when"' in block
    # Its question is numbered 3 on the page.
    assert '<span class="no">3.</span>' in html[html.index('id="q-new_contacts"') :][:400]


def test_a_conditional_question_is_required_only_when_its_condition_holds(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="de")
    answers = {k: v for k, v in VALID_ANSWERS.items() if k != "new_partners"}
    missing = client.post(f"/m/{meeting.public_code}", data=page.fields(answers))
    assert missing.status_code == 422 and 'id="new_partners-error"' in missing.get_data(as_text=True)
    assert count(db) == 0
    not_asked = client.post(f"/m/{meeting.public_code}", data=page.fields(answers | {"new_contacts": "no"}))
    assert not_asked.status_code == 303 and count(db) == 1


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("de", "Frage 1: "),
        ("ar", "السؤال 1: "),
        ("en", "Question 1: "),
    ],
)
def test_the_error_summary_reads_as_whole_sentences(client, meeting, language, sentence):
    page = open_form(client, meeting.public_code, lang=language)
    html = client.post(f"/m/{meeting.public_code}", data=page.fields({})).get_data(as_text=True)
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert items and all(re.fullmatch(r'<a href="#q-\w+">[^<]+</a>', item.strip()) for item in items), items
    assert sentence in items[0]


def test_every_hint_is_tied_to_its_field(client, meeting):
    html = open_form(client, meeting.public_code, lang="en").html
    for hint in re.findall(r'<p class="help" id="([\w-]+)"', html):
        assert re.search(rf'aria-describedby="[^"]*\b{hint}\b', html), hint
    assert "A whole number from" in html[html.index('id="meetings_attended-hint"') :][:120]


def test_the_meeting_date_never_breaks(client, meeting):
    html = open_form(client, meeting.public_code, lang="ar").html
    assert re.search(r'<p class="meeting"><bdi>[^<]+</bdi> · <bdi class="nowrap">[^<]+</bdi>', html)


# --- the front door ------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "ru", "uk", "fa", "fr"])
def test_the_front_door_names_the_network_and_asks_for_the_code(client, language):
    response = client.get(f"/?lang={language}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{language}"' in html
    assert 'name="code"' in html and 'href="/privacy?lang=' in html
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("typed", ["{code}", "{upper}", " {first} {rest} ", "https://umfrage.example.org/m/{code}"])
def test_a_typed_code_leads_to_the_form(client, meeting, typed):
    code = meeting.public_code
    sent = typed.format(code=code, upper=code.upper(), first=code[:5], rest=code[5:])
    response = client.get("/", query_string={"code": sent, "lang": "uk"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/m/{code}?lang=uk"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("zzzzzzzzzz", "Опитування з таким кодом немає."),
        ("K7PM-3QXD", "Схоже, це особистий код доступу з картки."),
        ("x" * 5000, "Опитування з таким кодом немає."),
        ("\u202e\x00<script>", "Опитування з таким кодом немає."),
    ],
)
def test_a_wrong_code_gets_a_clear_answer_in_the_visitors_language(client, typed, message):
    response = client.get("/", query_string={"code": typed, "lang": "uk"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and message in html and "<script>" not in html
    assert 'aria-invalid="true"' in html


def test_a_closed_meetings_code_says_so(client, db):
    meeting = add_meeting(db, opens=-48, closes=-24)
    html = client.get("/", query_string={"code": meeting.public_code, "lang": "de"}).get_data(as_text=True)
    assert "Die Befragung zu diesem Treffen ist geschlossen." in html
    assert count(db, Response) == 0


def test_a_marker_given_before_it_kept_the_language_still_counts(app, client, meeting):
    from itsdangerous import URLSafeSerializer

    old_marker = URLSafeSerializer("test-secret", salt="answered-meeting").dumps(meeting.public_code)
    client.set_cookie("resonanz_answered", old_marker, path=f"/m/{meeting.public_code}")
    html = client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    assert "You have already answered" in html and "<form" not in html
