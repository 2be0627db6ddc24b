"""Printed matter in Chromium: the workspace's handout page printed to PDF by
the browser scans like the server's PDF, and twenty paper forms typed in by
keyboard alone are stored and counted."""

from __future__ import annotations

import time

from app.questionnaires.paper import OPTION_KEYS
from tests.browser.conftest import login, shot
from tests.conftest import VALID_ANSWERS
from tests.printed import is_a4, scan

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def staff_page(browser, server):
    context = browser.new_context(base_url=server.base_url, **DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, server, "coordinator")
    return context, page


def test_the_handout_page_printed_by_the_browser_scans(browser, server):
    code = server.new_meeting(title="Netzwerktreffen gedruckt")
    meeting_id = server.query("SELECT id FROM meeting WHERE public_code = ?", code)[0][0]
    context, page = staff_page(browser, server)
    try:
        page.goto(f"/workspace/meetings/{meeting_id}/handout?lang=de")
        shot(page, "handout-page")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        context.close()
    pages = scan(pdf)
    link = f"{server.base_url}/m/{code}"
    assert len(pages) == 2 and all(is_a4(each) for each in pages)  # nothing spills onto a third sheet
    assert pages[0].codes == (link,) and pages[1].codes == (link,) * 4
    assert "· Freiburg" in pages[0].text and " ".join(pages[1].text.split()).count("· Freiburg") == 4
    assert "Netzwerktreffen gedruckt" in pages[0].text and "Abmelden" not in pages[0].text  # no workspace frame


def keys_for(answers: dict, questionnaire) -> list[str]:
    """What a coordinator types into each field, in the order of the screen."""
    typed = []
    for question in questionnaire.questions:
        value = answers.get(question.id, "")
        typed.append(OPTION_KEYS[question.codes.index(value)] if question.codes and value else value)
    return typed


def test_twenty_paper_forms_typed_in_by_keyboard(browser, server):
    code = server.new_meeting(title="Netzwerktreffen auf Papier")
    meeting_id = server.query("SELECT id FROM meeting WHERE public_code = ?", code)[0][0]
    questionnaire = server.questionnaire()
    groups = [option.code for option in questionnaire.question("actor_group").options]
    forms = [
        {
            **VALID_ANSWERS,
            "actor_group": groups[n % len(groups)],
            "satisfaction": str(1 + n % 5),
            "comment": f"Bogen {n + 1}",
        }
        for n in range(20)
    ]
    context, page = staff_page(browser, server)
    try:
        page.goto(f"/workspace/meetings/{meeting_id}/paper?lang=de")
        started = time.perf_counter()
        for answers in forms:
            page.wait_for_selector("input[autofocus]:focus")  # the first field of an empty form has the cursor
            for position, value in enumerate(keys_for(answers, questionnaire)):
                if position:
                    page.keyboard.press("Tab")
                if value:
                    page.keyboard.type(value)
            with page.expect_navigation():
                page.keyboard.press("Enter")
        seconds = time.perf_counter() - started
        html = page.content()
        page.goto("/workspace/meetings/?lang=de")
        row = page.locator(f"#meeting-{meeting_id}").inner_text()
    finally:
        context.close()
    print(f"\n20 paper forms typed in by keyboard in {seconds:.1f} s ({seconds / 20:.2f} s a form)")
    assert "Eingegebene Papierbögen: 20" in html
    stored = server.responses(code)
    assert len(stored) == 20
    assert sorted(response["answers"]["comment"] for response in stored) == sorted(a["comment"] for a in forms)
    assert server.query("SELECT paper_responses FROM meeting WHERE id = ?", meeting_id) == [(20,)]
    assert "20" in row.split()  # the meetings page counts them among the responses
    assert seconds < 120
