"""A questionnaire served one section per page, on a 360 px phone with and
without JavaScript, in German, Arabic and Ukrainian: forth and back through
the parts with every answer kept, the language switched halfway, a
conditional question answered, Enter in a text field going on (not switching
language), sent, reopened; each journey ends with the stored responses
counted, and axe checks every page state."""

import pytest

from tests.browser.conftest import ui_text
from tests.browser.test_accessibility import Audit
from tests.browser.test_form_explains import switch_language
from tests.browser.test_journeys import TYPED, answer, expect_thanks
from tests.conftest import VALID_ANSWERS
from tests.participation.test_section_pages import PAGED_IV1, PARTS

PAGED = PAGED_IV1.replace("id: iv-1\n", "id: iv-1-parts\n", 1)
JOURNEYS = [(language, javascript) for javascript in (True, False) for language in ("de", "ar", "uk")]
# Where each journey switches language on page 3.
SWITCH_TO = {"de": "uk", "ar": "de", "uk": "ar"}


@pytest.fixture(scope="module")
def paged_questionnaire(server):
    server.store_questionnaire(PAGED)
    return "iv-1-parts"


def press(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).tap()


def part_line(page) -> str:
    return page.locator("h2.part .part-no").inner_text()


@pytest.mark.parametrize(
    "language,javascript", JOURNEYS, ids=[f"{lang}-{'js' if js else 'nojs'}" for lang, js in JOURNEYS]
)
def test_forth_and_back_through_the_parts(server, new_phone, paged_questionnaire, language, javascript):
    code = server.new_meeting(questionnaire=paged_questionnaire)
    page = new_phone(javascript=javascript, audit=True)
    audit = Audit(f"section-pages-{language}-{'js' if javascript else 'nojs'}")
    check = audit.check if javascript else lambda *_: None
    answers = {**VALID_ANSWERS, **TYPED.get(language, {})}
    ui = lambda message, lang=language: ui_text(lang, message)  # noqa: E731

    page.goto(f"/m/{code}?lang={language}")
    assert part_line(page) == ui("Part %(number)s of %(count)s") % {"number": 1, "count": 4}
    check(page, "part-1")
    press(page, ui("Next"))  # nothing chosen yet: the required question says so
    assert page.locator("#actor_group-error").is_visible()
    check(page, "part-1-error")
    answer(page, {"actor_group": answers["actor_group"]})
    press(page, ui("Next"))

    # Part 2 with its conditional question: "yes" makes it apply.
    assert part_line(page) == ui("Part %(number)s of %(count)s") % {"number": 2, "count": 4}
    answer(page, {name: answers[name] for name in ("knows_more_offers", "new_contacts")})
    assert page.locator("#q-new_partners").is_visible()
    answer(page, {"new_partners": answers["new_partners"]})
    check(page, "part-2")
    press(page, ui("Next"))

    # Part 3, then back: part 2 still holds its answers, and part 3's come along.
    third = {name: answers[name] for name in PARTS[2]}
    answer(page, third)
    press(page, ui("Back"))
    assert part_line(page) == ui("Part %(number)s of %(count)s") % {"number": 2, "count": 4}
    assert page.locator(f"input[name='new_contacts'][value='{answers['new_contacts']}']").is_checked()
    check(page, "back-to-part-2")
    press(page, ui("Next"))
    for name, value in third.items():
        assert page.locator(f"input[name='{name}'][value='{value}']").is_checked(), name

    # The language changed halfway: the same part, every answer kept.
    other = SWITCH_TO[language]
    with page.expect_navigation():
        switch_language(page, other)
    assert page.locator("html").get_attribute("lang") == other
    assert part_line(page) == ui("Part %(number)s of %(count)s", other) % {"number": 3, "count": 4}
    for name, value in third.items():
        assert page.locator(f"input[name='{name}'][value='{value}']").is_checked(), name
    check(page, "switched")
    press(page, ui("Next", other))

    # The last part; Enter in the number field sends the form, it does not switch language.
    assert server.responses(code) == []
    answer(page, {"comment": answers["comment"], "meetings_attended": answers["meetings_attended"]})
    check(page, "part-4")
    with page.expect_navigation():
        page.locator("#meetings_attended").press("Enter")
    expect_thanks(page, other)

    page.goto(f"/m/{code}")
    assert page.locator("html").get_attribute("lang") == other  # the "already answered" page
    audit.finish()
    stored = server.responses(code)
    assert len(stored) == 1 and stored[0]["language"] == other
    assert stored[0]["answers"]["new_partners"] == answers["new_partners"]
    assert stored[0]["answers"]["actor_group"] == answers["actor_group"]
    assert set(stored[0]["answers"]) == set(VALID_ANSWERS)


def test_enter_in_a_one_page_form_sends_it(server, new_phone):
    code = server.new_meeting()
    page = new_phone(javascript=False)
    page.goto(f"/m/{code}?lang=de")
    answer(page, VALID_ANSWERS)
    with page.expect_navigation():
        page.locator("#meetings_attended").press("Enter")
    expect_thanks(page, "de")
    assert len(server.responses(code)) == 1
