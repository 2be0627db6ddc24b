"""The paper questionnaire, read back from the real PDF."""

from __future__ import annotations

import re

from babel.dates import format_date

from app.languages import pick
from app.questionnaires import paper
from app.questionnaires.model import parse_questionnaire
from tests.conftest import EVERY_SHAPE, add_meeting, parse_iv1
from tests.printed import is_a4, scan


def flat(text: str) -> str:
    # Persian's zero-width non-joiner is not kept by text extraction; nor are line breaks.
    return " ".join(text.replace("\u200c", "").split())


def words_of(text: str) -> set[str]:
    # Words without punctuation: right-to-left lines come out of the PDF with brackets mirrored.
    return set(re.findall(r"\w+", flat(text)))


def test_the_paper_questionnaire_in_german(coordinator, db):
    meeting = add_meeting(db, title="Netzwerktreffen Herbst")
    url = f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/paper.pdf?language=de&meeting={meeting.id}"
    response = coordinator.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = scan(response.data)
    assert all(is_a4(page) for page in pages) and not any(page.codes for page in pages)
    text = flat("\n".join(page.text for page in pages))
    questionnaire = parse_iv1()
    assert "Netzwerktreffen Herbst" in text and format_date(meeting.date, "long", locale="de") in text
    for question in questionnaire.questions:
        assert flat(question.text["de"]) in text, question.id
    for option in questionnaire.question("actor_group").options:
        assert option.label["de"] in text
    # The sections' titles as headings, each before its first question.
    for part in questionnaire.parts:
        heading, first = part.title["de"], flat(part.questions[0].text["de"])
        assert heading in text and text.index(heading) < text.index(first), heading
    assert "Ja" in text and "Weiß nicht" in text
    # show_if as a plain instruction, with the answer and the question's number.
    number = [q.id for q in questionnaire.questions].index("new_contacts") + 1
    assert f"Nur wenn Sie bei Frage {number} „Ja“ geantwortet haben." in text
    # Nothing tells one sheet from another: a second copy reads exactly the same.
    again = scan(coordinator.get(url).data)
    assert [page.text for page in again] == [page.text for page in pages]


def test_the_paper_questionnaire_in_persian_from_the_command_line(runner, db, tmp_path):
    meeting = add_meeting(db)
    out = tmp_path / "paper-fa.pdf"
    result = runner.invoke(
        args=[
            "questionnaires",
            "paper",
            str(meeting.questionnaire_version_id),
            "--lang",
            "fa",
            "--meeting",
            meeting.public_code,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    pages = scan(out.read_bytes())
    text = "\n".join(page.text for page in pages)
    found = words_of(text)
    questionnaire = parse_iv1()
    for question in questionnaire.questions:
        assert words_of(question.text["fa"]) <= found, question.id
    assert words_of(pick(questionnaire.title, "fa", "de").text) <= found
    for part in questionnaire.parts:
        assert words_of(part.title["fa"]) <= found
    assert "Tick one box" not in text  # labelled in Persian, not in English


def test_every_question_type_is_printed_for_paper(app):
    questionnaire = parse_questionnaire(
        EVERY_SHAPE.replace(
            "    text: {de: Notiz}", "    text: {de: Notiz}\n    show_if: {question: role, any_of: [a, b]}"
        )
    )
    with app.test_request_context():
        printed = {question.id: question for question in paper.paper_questions(questionnaire, "de")}
        html = paper.paper_html(questionnaire, "de")
    assert [printed[q].kind for q in ("role", "topics", "rating", "count", "note")] == [
        "tick_one",
        "tick_any",
        "tick_one",
        "digits",
        "lines",
    ]
    assert [key for key, _code, _label in printed["topics"].options] == ["1", "2", "3"]
    assert printed["count"].digits == 1 and printed["note"].lines >= 3
    assert printed["note"].instruction == "Nur wenn Sie bei Frage 1 „A / B“ geantwortet haben."
    assert html.count('class="box square"') == 3 and html.count('class="box"') == 2 + 5
    assert html.count('class="digit"') == 1 and html.count('class="line"') == printed["note"].lines


def test_a_paper_questionnaire_in_a_language_it_lacks_is_refused(coordinator, runner, db, tmp_path):
    meeting = add_meeting(db, EVERY_SHAPE)
    response = coordinator.get(
        f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/paper.pdf?language=fa&lang=en"
    )
    assert response.status_code == 422 and "no text in this language" in response.get_data(as_text=True)
    out = tmp_path / "x.pdf"
    result = runner.invoke(
        args=["questionnaires", "paper", str(meeting.questionnaire_version_id), "--lang", "fa", "--out", str(out)]
    )
    assert result.exit_code == 1 and "not in 'fa'" in result.output and not out.exists()
    result = runner.invoke(args=["questionnaires", "paper", "999999", "--out", str(out)])
    assert result.exit_code == 1 and "no questionnaire version" in result.output


def test_the_questionnaires_page_links_the_paper_form(coordinator, meeting):
    html = coordinator.get("/workspace/questionnaires/").get_data(as_text=True)
    assert f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/paper.pdf" in html


def test_a_paper_questionnaire_names_only_a_meeting_that_asks_it(coordinator, db):
    meeting = add_meeting(db)
    other = add_meeting(db, EVERY_SHAPE)
    url = f"/workspace/questionnaires/versions/{other.questionnaire_version_id}/paper.pdf?language=de&meeting={meeting.id}"
    assert coordinator.get(url).status_code == 404


def test_a_ranking_on_paper_has_a_box_for_the_place_beside_each_item(coordinator, db):
    from tests.questionnaires.ranking import with_ranking

    meeting = add_meeting(db, with_ranking())
    url = f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/paper.pdf?language=de"
    text = flat("\n".join(page.text for page in scan(coordinator.get(url).data)))
    assert "Welche drei dieser Bedarfe sind für Ihre Arbeit am dringendsten?" in text
    assert "Sprachbildung" in text and "Fluchtgeschichte" in text
    assert "Schreiben Sie 1 in das Kästchen" in text


def test_paper_entry_of_a_ranking_takes_the_keys_in_place_order(db):
    from app.meetings.paper_entry import checked
    from tests.questionnaires.ranking import with_ranking

    questionnaire = parse_iv1(with_ranking())
    submission, unknown = checked(questionnaire, {"needs": "31"})
    assert unknown == {} and submission.answers["needs"] == ("transitions", "language")
    duplicate, _unknown = checked(questionnaire, {"needs": "33"})
    assert duplicate.errors["needs"][0].code == "ranked_twice"
