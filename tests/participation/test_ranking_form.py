"""A ranking on the participant form, without JavaScript: one list per place,
a duplicate or a gap comes back with every answer kept, and the places are stored."""

import re

from sqlalchemy import select

from app.models import Answer
from tests.conftest import VALID_ANSWERS, add_meeting, assert_kept, count, open_form
from tests.questionnaires.ranking import with_ranking


def places_sent(html: str) -> list[str]:
    """The value selected in each place's list, in order ("" for none)."""
    lists = re.findall(r'<select id="needs-\d" name="needs"[^>]*>(.*?)</select>', html, re.S)
    return [(re.findall(r'<option value="([^"]*)" selected>', body) or [""])[0] for body in lists]


def test_one_labelled_list_per_place_inside_a_fieldset(client, db):
    meeting = add_meeting(db, with_ranking())
    page = open_form(client, meeting.public_code, lang="de")
    block = page.html.split('id="q-needs"')[1].split("</fieldset>")[0]
    assert "<legend>" in block
    for place, word in ((1, "Erster Platz"), (2, "Zweiter Platz"), (3, "Dritter Platz")):
        assert f'<label class="rank" for="needs-{place}">{word}' in block
        assert f'<select id="needs-{place}" name="needs"' in block
    assert places_sent(page.html) == ["", "", ""]


def test_the_same_item_twice_comes_back_with_a_message_and_every_answer(client, db):
    meeting = add_meeting(db, with_ranking())
    page = open_form(client, meeting.public_code, lang="de")
    answers = {**VALID_ANSWERS, "needs": ["staff", "staff", "language"]}
    response = client.post(f"/m/{meeting.public_code}", data=page.fields(answers))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="needs-error">')[1].split("</p>")[0]
    assert "Platz 2" in error or "2" in error
    assert 'aria-describedby="needs-error"' in html
    assert places_sent(html) == ["staff", "staff", "language"]
    assert_kept(html, VALID_ANSWERS)
    assert count(db) == 0


def test_a_gap_is_refused_in_arabic_too(client, db):
    meeting = add_meeting(db, with_ranking())
    page = open_form(client, meeting.public_code, lang="ar")
    assert 'dir="rtl"' in page.html
    response = client.post(
        f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "needs": ["staff", "", "language"]})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="needs-error"' in html
    assert places_sent(html) == ["staff", "", "language"]
    assert count(db) == 0


def test_a_corrected_ranking_is_stored_with_its_places(client, db):
    meeting = add_meeting(db, with_ranking())
    page = open_form(client, meeting.public_code, lang="de")
    response = client.post(
        f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "needs": ["refugees", "language", ""]})
    )
    assert response.status_code == 303
    db.rollback()
    rows = db.execute(select(Answer.code, Answer.number).where(Answer.question_id == "needs")).all()
    assert sorted(rows) == [("language", 2), ("refugees", 1)]


def test_the_form_with_a_ranking_fits_the_page_weight_budget(client, db):
    from app.config import Config
    from benchmarks.page_weight import BUDGET, measure

    meeting = add_meeting(db, with_ranking())
    for language in Config.LANGUAGES:
        weight = measure(client, f"/m/{meeting.public_code}?lang={language}")
        assert weight.foreign == [] and weight.uncompressed == []
        assert weight.total <= BUDGET, (language, weight.total, weight.sent)
