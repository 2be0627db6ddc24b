"""The participant pages on a 360 px phone in every language: no sideways
scrolling, fingertip-sized targets, readable at 200 % text size, a visible
focus, and the whole form answered and sent with the keyboard alone."""

import pytest

from app.config import Config
from tests.browser.conftest import shot, ui_text
from tests.browser.test_journeys import expect_thanks, stored
from tests.conftest import VALID_ANSWERS

MINIMUM_TARGET = 44  # CSS px (WCAG 2.5.5)

SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"

# Each clickable thing and its size; a radio button or checkbox counts by its label.
SMALL_TARGETS = """(minimum) => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, select, textarea, input:not([type=hidden])')) {
    const target = el.matches('[type=radio], [type=checkbox]') ? el.closest('label') : el;
    const box = target.getBoundingClientRect();
    if (box.bottom <= 0 && el.matches(':not(:focus)')) continue;  // the skip link, above the page until focused
    if (box.width < minimum || box.height < minimum)
      small.push(`${el.outerHTML.slice(0, 80)}: ${box.width.toFixed(1)} x ${box.height.toFixed(1)}`);
  }
  return small;
}"""

# Boxes of text and controls that cut into each other, and text that does not fit its box.
OVERLAPS = """() => {
  const selector = 'h1, h2, p, legend, label, li, input:not([type=hidden]), textarea, select, button, a';
  const items = [...document.querySelectorAll(selector)]
    .map(el => [el, el.getBoundingClientRect()]).filter(([el, r]) => r.width > 1 && r.height > 1 && r.bottom > 0);
  const problems = [];
  const name = el => el.outerHTML.slice(0, 60);
  for (let i = 0; i < items.length; i++) {
    const [a, ra] = items[i];
    const style = getComputedStyle(a);
    if (style.display !== 'inline' && a.scrollWidth > a.clientWidth + 1 && style.overflowX !== 'visible')
      problems.push(`clipped: ${name(a)}`);
    for (let j = i + 1; j < items.length; j++) {
      const [b, rb] = items[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 1 && h > 1) problems.push(`${name(a)} overlaps ${name(b)}`);
    }
  }
  const questions = [...document.querySelectorAll('.q:not([hidden])')].map(q => q.getBoundingClientRect());
  questions.slice(1).forEach((q, i) => { if (q.top < questions[i].bottom - 0.5) problems.push(`question ${i + 2} overlaps`); });
  return problems;
}"""


def open_states(page, server, language):
    """The form, then the form with errors (sent empty); yields the name of each state."""
    page.goto(f"/m/{server.new_meeting()}?lang={language}")
    yield "form"
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    yield "errors"


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_no_sideways_scrolling_and_fingertip_targets(server, new_phone, language):
    page = new_phone()
    for state in open_states(page, server, language):
        assert page.evaluate(SIDEWAYS) <= 0, (language, state)
        assert page.evaluate(SMALL_TARGETS, MINIMUM_TARGET) == [], (language, state)
        assert page.evaluate(OVERLAPS) == [], (language, state)


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_readable_at_200_percent_text(server, new_phone, language):
    page = new_phone(audit=True)  # a test stylesheet needs the CSP lifted
    for state in open_states(page, server, language):
        # What the phone's "large text" setting does: the root font size doubles.
        page.add_style_tag(content="html { font-size: 200% !important }")
        assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 32
        assert page.evaluate(SIDEWAYS) <= 0, (language, state)
        assert page.evaluate(OVERLAPS) == [], (language, state)
        if language in ("de", "ar"):
            shot(page, f"zoom200-{language}-{state}")


@pytest.mark.parametrize("language", Config.LANGUAGES)
def test_privacy_notice_and_imprint_fit_a_phone(server, new_phone, language):
    page = new_phone()
    for path in ("/privacy", "/imprint"):
        page.goto(f"{path}?lang={language}")
        assert page.evaluate(SIDEWAYS) <= 0, (language, path)
        assert page.evaluate(SMALL_TARGETS, MINIMUM_TARGET) == [], (language, path)
        assert page.evaluate(OVERLAPS) == [], (language, path)


# Every element the Tab key may reach, with a description to compare by.
# (Not what is not shown: a closed menu's choices, a question hidden until it applies.)
TAB_STOPS = """() => [...document.querySelectorAll('a[href], summary, button, input:not([type=hidden]), select, textarea')]
  .filter(el => !el.disabled && el.getClientRects().length > 0)"""
DESCRIBE = """el => el.name ? `${el.tagName.toLowerCase()}:${el.name}`
  : `${el.tagName.toLowerCase()}:${el.getAttribute('href') || el.type}`"""
OUTLINE = """el => { const s = getComputedStyle(el);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"""


def focused(page):
    return page.evaluate_handle("() => document.activeElement")


def expected_tab_order(page) -> list[str]:
    """Document order, each radio group one stop (as browsers do)."""
    seen, order = set(), []
    for description in page.evaluate(f"() => ({TAB_STOPS})().map({DESCRIBE})"):
        if description.startswith("input:") and description in seen:
            continue
        seen.add(description)
        order.append(description)
    return order


@pytest.mark.parametrize("language", ["de", "ar"])
def test_visible_focus_on_everything_tab_reaches(server, new_phone, language):
    page = new_phone()
    page.goto(f"/m/{server.new_meeting()}?lang={language}")
    resting = page.evaluate(f"() => ({TAB_STOPS})().map({OUTLINE})")
    stops = expected_tab_order(page)
    for _ in stops:
        page.keyboard.press("Tab")
        element = focused(page)
        index = page.evaluate(f"el => ({TAB_STOPS})().indexOf(el)", element)
        with_focus = element.evaluate(OUTLINE)
        assert with_focus != resting[index], element.evaluate(DESCRIBE)
        assert with_focus["style"] != "none" and with_focus["width"] >= 2, (element.evaluate(DESCRIBE), with_focus)
    # The skip link appears when focused, as large as any other target.
    page.reload()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip')")
    assert page.evaluate(SMALL_TARGETS, MINIMUM_TARGET) == []
    box = page.locator("a.skip").bounding_box()
    assert box["y"] >= 0
    shot(page, f"focus-{language}-skip-link")


def choose_by_keyboard(page, name: str, value: str) -> None:
    """Space takes the focused (first) option; each arrow press moves on and takes the next."""
    values = page.locator(f"input[name='{name}']").evaluate_all("inputs => inputs.map(i => i.value)")
    page.keyboard.press("Space")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()


# Every question of IV.1 answered, in the order of the form (the topic proposal before the comment).
EVERY_ANSWER = {name: value for name, value in VALID_ANSWERS.items() if name != "comment"} | {
    "topic_proposal": "Übergänge von der Kita in die Schule",
    "comment": VALID_ANSWERS["comment"],
}


@pytest.mark.parametrize("language", ["de", "ar"])
def test_whole_form_by_keyboard_alone(server, new_phone, language):
    code = server.new_meeting()
    page = new_phone()
    page.goto(f"/m/{code}?lang={language}")
    order = expected_tab_order(page)
    shown = [stop.split(":", 1)[1] for stop in order if stop.split(":")[0] in ("input", "textarea")]
    # "New partners" is shown (and reached) once "new contacts" is answered "yes".
    assert shown == [name for name in EVERY_ANSWER if name != "new_partners"], "reached in the order shown"
    questions = list(EVERY_ANSWER)

    # Skip the header: the skip link, then the privacy notice's link, then the first question.
    page.keyboard.press("Tab")
    assert page.evaluate(f"() => ({DESCRIBE})(document.activeElement)") == "a:#main"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(f"() => ({DESCRIBE})(document.activeElement)") == f"a:/privacy?lang={language}"
    reached = []
    tops = []
    for name in questions:
        page.keyboard.press("Tab")
        while page.evaluate("() => document.activeElement.tagName") == "SELECT":
            page.keyboard.press("Tab")  # the demo's ranking of topics, left unranked: it is optional
        reached.append(page.evaluate("() => document.activeElement.name"))
        tops.append(page.evaluate("() => document.activeElement.getBoundingClientRect().top + scrollY"))
        if page.evaluate("() => document.activeElement.type") == "radio":
            choose_by_keyboard(page, name, EVERY_ANSWER[name])
        else:
            page.keyboard.type(EVERY_ANSWER[name])
    assert reached == questions
    assert tops == sorted(tops), "focus moves down the page"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    assert page.evaluate("() => document.activeElement.textContent.trim()") == ui_text(language, "Send answers")
    page.keyboard.press("Enter")
    expect_thanks(page, language)
    assert server.responses(code) == [{"language": language, "answers": stored(EVERY_ANSWER)}]
