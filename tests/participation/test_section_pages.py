"""A questionnaire in sections: headings on one page, or one section per page
without a session (answers carried in the form, each page checked before the
next, nothing stored before the last), and what tampering gets."""

import re

import pytest

from app.models import Answer, Response, SubmissionReceipt
from app.participation.pages import BACK, NEXT, next_step, page_number
from app.questionnaires.answers import FieldError
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, count, open_form

PAGED_IV1 = IV1.read_text("utf-8").replace("\nquestions:\n", "\nsection_pages: true\nquestions:\n", 1)
PARTS = (
    ["actor_group"],
    ["knows_more_offers", "new_contacts", "new_partners"],
    ["central_topics", "satisfaction", "impulses", "benefit", "relevant_topics", "transparency"],
    ["meetings_attended", "topic_proposal", "comment"],
)


def on_page(html: str) -> list[str]:
    """The questions the page asks (as fields, not carried)."""
    return re.findall(r'<div class="q[^"]*" id="q-([a-z_]+)"', html)


def carried(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', html))


def answers_of(part: int) -> dict[str, str]:
    return {name: VALID_ANSWERS[name] for name in PARTS[part - 1] if name in VALID_ANSWERS}


def upto(part: int) -> dict[str, str]:
    return {name: value for n in range(1, part + 1) for name, value in answers_of(n).items()}


@pytest.fixture
def paged(db):
    return add_meeting(db, PAGED_IV1)


def test_a_short_questionnaire_stays_one_page_with_its_section_headings(client, meeting):
    html = open_form(client, meeting.public_code, lang="de").html
    assert on_page(html) == [name for part in PARTS for name in part]
    headings = re.findall(r'<h2 class="part"><span class="part-no">(.*?)</span> (.*?)</h2>', html)
    assert headings == [
        ("Teil 1 von 4", "Über Sie"),
        ("Teil 2 von 4", "Kontakte und Angebote"),
        ("Teil 3 von 4", "Das Treffen"),
        ("Teil 4 von 4", "Zum Schluss"),
    ]
    assert 'name="page"' not in html and 'name="step"' not in html


def test_the_first_page_asks_the_first_section_only(client, paged):
    html = open_form(client, paged.public_code, lang="de").html
    assert on_page(html) == PARTS[0]
    assert "Teil 1 von 4" in html and "Über Sie" in html
    assert 'name="step" value="next">Weiter</button>' in html
    assert 'value="back"' not in html and "Antworten senden" not in html


def test_going_through_every_page_stores_once_at_the_end(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    sent = {}
    for part in range(1, 4):
        sent |= answers_of(part)
        response = client.post(f"/m/{paged.public_code}", data=page.fields(sent) | {"page": part, "step": NEXT})
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert on_page(html) == PARTS[part]
        assert f"Teil {part + 1} von 4" in html
        assert {name: carried(html)[name] for name in sent} == sent  # the earlier pages' answers travel along
        assert count(db) == 0 and count(db, SubmissionReceipt) == 0  # nothing is stored before the last page
        assert "Set-Cookie" not in response.headers
    assert "Antworten senden" in html and 'value="back"' in html
    done = client.post(f"/m/{paged.public_code}", data=page.fields(upto(4)) | {"page": 4})
    assert done.status_code == 303
    assert count(db) == 1 and count(db, Answer) == len(VALID_ANSWERS)


def test_going_back_keeps_every_answer_of_every_page(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    everything = upto(3)
    html = client.post(f"/m/{paged.public_code}", data=page.fields(everything) | {"page": 3, "step": BACK}).get_data(
        as_text=True
    )
    assert on_page(html) == PARTS[1]
    assert 'name="knows_more_offers" value="yes" checked' in html  # shown, filled in
    kept = carried(html)
    for name in PARTS[0] + PARTS[2]:
        assert kept[name] == VALID_ANSWERS[name]  # carried, for going on again
    assert 'class="error' not in html  # going back judges nothing
    assert count(db) == 0


def test_a_page_with_an_error_comes_back_with_its_answers_and_does_not_go_on(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    sent = answers_of(1) | {"knows_more_offers": "yes", "new_contacts": "maybe"}
    response = client.post(f"/m/{paged.public_code}", data=page.fields(sent) | {"page": 2, "step": NEXT})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert on_page(html) == PARTS[1] and "Teil 2 von 4" in html
    assert 'id="new_contacts-error"' in html
    assert 'name="knows_more_offers" value="yes" checked' in html
    assert carried(html)["actor_group"] == "school"


def test_a_last_page_sent_out_of_order_comes_back_as_the_first_page_missing_answers(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    sent = answers_of(1) | answers_of(4)  # pages 2 and 3 skipped
    response = client.post(f"/m/{paged.public_code}", data=page.fields(sent) | {"page": 4})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert on_page(html) == PARTS[1]  # knows_more_offers and new_contacts are required
    assert "Frage 2:" in html  # the summary names the question by its number in the whole form
    kept = carried(html)
    assert kept["actor_group"] == "school" and kept["comment"] == VALID_ANSWERS["comment"]
    assert count(db) == 0 and count(db, SubmissionReceipt) == 0


def test_a_tampered_carried_answer_brings_back_its_page(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    sent = upto(3) | {"actor_group": "not-a-group"}
    response = client.post(f"/m/{paged.public_code}", data=page.fields(sent) | {"page": 3, "step": NEXT})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert on_page(html) == PARTS[0] and 'id="actor_group-error"' in html
    for name in PARTS[1] + PARTS[2]:
        assert carried(html)[name] == VALID_ANSWERS[name]  # every valid answer kept
    sent_everything = client.post(f"/m/{paged.public_code}", data=page.fields(upto(4) | {"actor_group": "x"}))
    assert sent_everything.status_code == 422
    assert count(db) == 0


@pytest.mark.parametrize("page_sent", ["0", "99", "-3", "zwei", "", "1" * 400])
def test_a_nonsense_page_number_never_fails(client, db, paged, page_sent):
    page = open_form(client, paged.public_code, lang="de")
    response = client.post(f"/m/{paged.public_code}", data=page.fields(upto(2)) | {"page": page_sent, "step": NEXT})
    assert response.status_code in (200, 422)
    assert count(db) == 0


def test_switching_language_keeps_the_page_and_every_answer(client, db, paged):
    page = open_form(client, paged.public_code, lang="de")
    sent = upto(2)
    html = client.post(
        f"/m/{paged.public_code}", data=page.fields(sent) | {"page": 2, "switch_language": "uk"}
    ).get_data(as_text=True)
    assert '<html lang="uk"' in html
    assert on_page(html) == PARTS[1] and "Частина 2 з 4" in html
    assert 'name="new_contacts" value="yes" checked' in html and carried(html)["actor_group"] == "school"
    assert count(db) == 0


def test_a_condition_on_an_earlier_page_is_settled_on_the_later_one(client, db):
    source = PAGED_IV1.replace(
        "  - first_question: central_topics\n", "  - first_question: new_partners\n", 1
    )  # new_partners (only if new_contacts is "yes") begins the third page
    meeting = add_meeting(db, source)
    page = open_form(client, meeting.public_code, lang="de")
    said_no = answers_of(1) | {"knows_more_offers": "yes", "new_contacts": "no"}
    html = client.post(f"/m/{meeting.public_code}", data=page.fields(said_no) | {"page": 2, "step": NEXT}).get_data(
        as_text=True
    )
    assert "new_partners" not in on_page(html)  # it does not apply
    said_yes = said_no | {"new_contacts": "yes"}
    html = client.post(f"/m/{meeting.public_code}", data=page.fields(said_yes) | {"page": 2, "step": NEXT}).get_data(
        as_text=True
    )
    assert on_page(html)[0] == "new_partners"
    assert 'id="q-new_partners-when"' not in html and "data-show-if" not in html  # settled: no script, no sentence


def test_the_preview_shows_every_part_of_a_questionnaire_in_parts(client, db, staff):
    from tests.conftest import login, store_questionnaire

    version, _ = store_questionnaire(db, PAGED_IV1)
    db.commit()
    login(client, "coordinator", "coord-password-1")
    html = client.get(f"/workspace/questionnaires/versions/{version.id}/preview?lang=de").get_data(as_text=True)
    assert on_page(html) == [name for part in PARTS for name in part]
    assert "Teil 4 von 4" in html and 'name="step"' not in html


def test_next_step_judges_the_pages_up_to_the_one_sent():
    from app.questionnaires.model import Part

    pages = tuple(Part(n, None, tuple(type("Q", (), {"id": i})() for i in ids)) for n, ids in enumerate(PARTS, 1))
    missing = {"new_contacts": (FieldError("required"),), "comment": (FieldError("too_long"),)}
    assert next_step(pages, "1", NEXT, missing).page == 2  # page 1 is fine
    assert next_step(pages, "2", NEXT, missing).errors == {"new_contacts": missing["new_contacts"]}
    assert next_step(pages, "3", BACK, missing).page == 2 and not next_step(pages, "3", BACK, missing).errors
    assert next_step(pages, "4", None, {}).store
    assert not next_step(pages, "4", NEXT, {}).store  # "next" on the last page sends nothing
    assert next_step(pages, "4", None, {"comment": ()} | missing).page == 2
    assert [page_number(sent, 4) for sent in ("3", "0", "9", "x", None)] == [3, 1, 4, 1, 1]


def test_responses_and_answers_hold_no_page(db):
    assert "page" not in Response.__table__.columns and "page" not in Answer.__table__.columns
