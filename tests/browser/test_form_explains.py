"""A phone at 360 px, with and without JavaScript: the language changed halfway
keeps every answer, a conditional question says when it applies (and, with
scripts, shows only then), the chosen language carries on after answering,
and the front door leads from a typed code to the form.  Each journey ends
with the stored responses counted; axe checks every new page state."""

import pytest

from tests.browser.conftest import shot, ui_text
from tests.browser.test_accessibility import STRUCTURE, Audit
from tests.browser.test_journeys import TYPED, answer, expect_thanks, send
from tests.conftest import VALID_ANSWERS

# Where a journey starts and the language it switches to halfway.
SWITCHES = [("de", "ar"), ("ar", "uk"), ("uk", "de")]
JOURNEYS = [(start, switch, javascript) for javascript in (True, False) for start, switch in SWITCHES]
FIRST_HALF = ("actor_group", "knows_more_offers", "new_contacts")


def journey_id(start, switch, javascript):
    return f"{start}-to-{switch}-{'js' if javascript else 'nojs'}"


def switch_language(page, language: str) -> None:
    page.locator("nav.languages summary").click()
    page.locator(f"nav.languages button[value='{language}']").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("start,switch,javascript", JOURNEYS, ids=[journey_id(*j) for j in JOURNEYS])
def test_switching_language_halfway_keeps_every_answer(server, new_phone, start, switch, javascript):
    code = server.new_meeting()
    page = new_phone(javascript=javascript, audit=True)
    # axe runs as a script: the page states of the journeys with scripts are checked.
    audit = Audit(f"form-explains-{journey_id(start, switch, javascript)}")
    check = audit.check if javascript else lambda *_: None
    page.goto(f"/m/{code}?lang={start}")
    # The language menu takes one line above the title.
    menu = page.locator("nav.languages").bounding_box()
    assert menu["height"] <= 48, menu

    # Half the form, "new contacts: no": the question that depends on it does not apply.
    half = {name: VALID_ANSWERS[name] for name in FIRST_HALF} | {"new_contacts": "no"}
    answer(page, half)
    conditional = page.locator("#q-new_partners")
    assert conditional.is_visible() is not javascript  # scripts hide it; without, it says when it applies
    sentence = page.locator("#q-new_partners .when")
    assert sentence.count() == 1 and conditional.locator(".req").count() == 0
    check(page, "half-answered")

    switch_language(page, switch)
    assert page.locator("html").get_attribute("lang") == switch
    for name, value in half.items():
        assert page.locator(f"input[name='{name}'][value='{value}']").is_checked(), name
    assert server.responses(code) == []  # switching stores nothing
    check(page, "switched")
    shot(page, f"switched-{journey_id(start, switch, javascript)}")

    # Now "yes": with scripts the conditional question appears at once.
    answer(page, {"new_contacts": "yes"})
    assert conditional.is_visible()
    rest = {name: value for name, value in VALID_ANSWERS.items() if name not in half} | TYPED.get(switch, {})
    answer(page, rest)
    send(page)
    expect_thanks(page, switch)
    assert page.locator("html").get_attribute("lang") == switch

    # Reopened without choosing a language: the "already answered" page speaks the chosen one.
    page.goto(f"/m/{code}")
    assert page.locator("html").get_attribute("lang") == switch
    check(page, "already-answered")
    audit.finish()
    stored = server.responses(code)
    assert len(stored) == 1 and stored[0]["language"] == switch
    assert stored[0]["answers"]["new_partners"] == VALID_ANSWERS["new_partners"]


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "ru", "uk", "fa", "fr"])
def test_front_door_leads_from_the_poster_code_to_the_form(server, new_phone, language):
    code = server.new_meeting()
    page = new_phone(audit=True)  # the page has no script; axe needs one
    audit = Audit(f"front-door-{language}")
    page.goto(f"/?lang={language}")
    assert page.evaluate(STRUCTURE) == []
    audit.check(page, "front-door")
    assert page.locator("footer a[href^='/privacy']").count() == 1

    page.fill("#code", "nothing-like-it")
    page.locator("form button[type=submit]").click()
    error = page.locator("#code-error")
    assert error.inner_text() == ui_text(
        language, "There is no survey with this code. Please check the code on the poster and try again."
    )
    assert page.locator("html").get_attribute("lang") == language
    audit.check(page, "front-door-unknown-code")

    # Typed as people type what they read: capitals, a space in the middle.
    page.fill("#code", f"{code[:5].upper()} {code[5:]}")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/m/{code}?lang={language}")
    assert page.locator("form#answers").count() == 1
    audit.finish()
    assert page.context.cookies() == []  # no cookie before answering
