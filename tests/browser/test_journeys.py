"""A participant's journey on a phone, with and without JavaScript: the whole
IV.1 questionnaire answered by tapping, a forgotten answer corrected, a double
tap on "send", the back button after sending.  After each, the database holds
exactly the responses expected."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import local, shot, ui_text
from tests.conftest import VALID_ANSWERS

# What a participant writes in their own script; Arabic phones type Arabic-Indic digits.
TYPED = {
    "de": {"comment": "Mehr Zeit für Austausch, bitte."},
    "ar": {"comment": "شكرًا على التنظيم الجيد، نرجو وقتًا أطول للنقاش.", "meetings_attended": "٣"},
    "uk": {"comment": "Дякуємо! Більше часу на обмін досвідом, будь ласка."},
}
JOURNEYS = [(language, javascript) for javascript in (True, False) for language in ("de", "ar", "uk")]


def answers_in(language: str) -> dict[str, str]:
    return {**VALID_ANSWERS, **TYPED.get(language, {})}


def stored(answers: dict[str, str]) -> dict[str, str]:
    """The answers as the database keeps them (numbers in ASCII digits)."""
    return {**answers, "meetings_attended": str(int(answers["meetings_attended"]))}


def answer(page, answers: dict[str, str]) -> None:
    """Tap each choice's label and type into each text field, as a thumb would."""
    for name, value in answers.items():
        choice = page.locator(f"label.option:has(input[name='{name}'][value='{value}'])")
        if choice.count():
            choice.tap()
            assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()
        else:
            page.locator(f"[name='{name}']").fill(value)


def send(page) -> None:
    page.locator("form button[type=submit]").tap()
    page.wait_for_load_state()


def expect_thanks(page, language: str) -> None:
    page.wait_for_url("**/thanks?lang=*")
    assert page.locator("h1").inner_text() == ui_text(language, "Thank you!")


def journey_name(language, javascript):
    return f"{language}-{'js' if javascript else 'nojs'}"


@pytest.mark.parametrize("language,javascript", JOURNEYS, ids=[journey_name(*j) for j in JOURNEYS])
def test_whole_questionnaire_answered_and_sent(server, new_phone, language, javascript):
    code = server.new_meeting()
    page = new_phone(javascript=javascript)
    page.goto(f"/m/{code}?lang={language}")
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    questionnaire = server.questionnaire()
    assert page.locator("h1").inner_text() == local(questionnaire.title, language)
    first = questionnaire.questions[0]
    assert page.locator(f"#q-{first.id} legend").inner_text().startswith(f"1. {local(first.text, language)}")
    assert page.locator("form button[type=submit]").inner_text() == ui_text(language, "Send answers")

    answers = answers_in(language)
    answer(page, answers)
    shot(page, f"journey-{journey_name(language, javascript)}-1-filled")
    send(page)
    expect_thanks(page, language)
    shot(page, f"journey-{journey_name(language, javascript)}-2-thanks")

    assert server.responses(code) == [{"language": language, "answers": stored(answers)}]


@pytest.mark.parametrize("language,javascript", [("de", True), ("ar", False)], ids=["de-js", "ar-nojs"])
def test_missing_answer_is_pointed_out_and_nothing_is_lost(server, new_phone, language, javascript):
    code = server.new_meeting()
    page = new_phone(javascript=javascript)
    page.goto(f"/m/{code}?lang={language}")
    answers = answers_in(language)
    answer(page, {name: value for name, value in answers.items() if name != "actor_group"})
    send(page)

    summary = page.locator(".error-summary[role=alert]")
    assert summary.locator("h2").inner_text() == ui_text(language, "Please check your answers")
    assert summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == ["#q-actor_group"]
    fieldset = page.locator("#q-actor_group fieldset")
    assert "actor_group-error" in fieldset.get_attribute("aria-describedby").split()
    assert page.locator("#actor_group-error").inner_text() == ui_text(language, "Please answer this question.")
    # Every other answer is still there.
    for name, value in answers.items():
        if name == "actor_group":
            continue
        choice = page.locator(f".option input[name='{name}'][value='{value}']")
        if choice.count():
            assert choice.is_checked(), name
        else:
            assert page.locator(f"[name='{name}']").input_value() == value, name
    assert server.responses(code) == []
    shot(page, f"errors-{journey_name(language, javascript)}-1-summary")

    summary.locator("a").tap()  # the link leads to the question
    assert page.url.endswith("#q-actor_group")
    answer(page, {"actor_group": answers["actor_group"]})
    send(page)
    expect_thanks(page, language)
    assert server.responses(code) == [{"language": language, "answers": stored(answers)}]


def arrive_after_double_send(page) -> None:
    """Wait for the thank-you page; the second send aborts the first one's navigation."""
    for _ in range(2):
        try:
            page.wait_for_url("**/thanks?lang=*")
            return
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error):
                raise
    page.wait_for_url("**/thanks?lang=*")


def send_twice(page, how: str) -> None:
    button = page.locator("form button[type=submit]")
    if how == "dblclick":
        button.dblclick()
        return
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    for _ in range(2):  # raw touches: the second does not wait for the first one's page
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("how", ["dblclick", "two-taps"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_double_tap_on_send_stores_one_response(server, new_phone, javascript, how):
    code = server.new_meeting()
    page = new_phone(javascript=javascript)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"/m/{code}")
    answer(page, VALID_ANSWERS)
    send_twice(page, how)
    arrive_after_double_send(page)
    # Chromium sends one or two POSTs (it may cancel the first); either way one response.
    assert 1 <= len(posts) <= 2
    assert len(server.responses(code)) == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_back_button_after_sending_offers_no_second_response(server, new_phone, javascript):
    code = server.new_meeting()
    page = new_phone(javascript=javascript)
    page.goto(f"/m/{code}?lang=de")
    answer(page, VALID_ANSWERS)
    send(page)
    expect_thanks(page, "de")

    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith(f"/m/{code}?lang=de")
    assert page.locator("h1").inner_text() == ui_text("de", "You have already answered")
    assert page.locator("form button[type=submit]").count() == 0
    shot(page, f"back-{'js' if javascript else 'nojs'}-already-answered")
    page.go_forward()
    page.wait_for_url("**/thanks?lang=*")
    assert len(server.responses(code)) == 1
