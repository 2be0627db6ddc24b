"""A meeting with access codes in Chromium: the coordinator makes the codes
and prints the list; one phone without JavaScript scans its card, another
types its code (first a used one); axe-core on the pages on the way."""

from __future__ import annotations

import re

from app.models import Meeting
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import STRUCTURE, Audit
from tests.browser.test_journeys import answer, expect_thanks, send
from tests.conftest import VALID_ANSWERS

LINE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})\s+(\S+)$")


def test_a_meeting_with_access_codes_from_the_list_to_the_phones(server, new_phone):
    code = server.new_meeting(survey_access=Meeting.ACCESS_CODES, title="Netzwerktreffen mit Zugangscodes")
    meeting_id = server.query("SELECT id FROM meeting WHERE public_code = ?", code)[0][0]
    audit = Audit("access-codes")

    staff = new_phone(audit=True)
    login(staff, server, "coordinator")
    staff.goto(f"/workspace/meetings/{meeting_id}/codes?lang=de")
    assert staff.evaluate(STRUCTURE) == []
    audit.check(staff, "codes-page")
    staff.fill("input[name=count]", "3")
    staff.locator("form.stacked button[type=submit]").click()
    staff.wait_for_selector(".code-list")
    audit.check(staff, "code-list")
    lines = [LINE.match(text.strip()).groups() for text in staff.locator(".code-list li").all_inner_texts()]
    assert len(lines) == 3 and all(link.endswith(f"/m/{code}?code={card}") for card, link in lines)
    staff.emulate_media(media="print")  # on paper: the codes, not the buttons and the navigation
    assert staff.locator(".code-list li").nth(2).is_visible()
    assert not staff.locator(".no-print").is_visible() and not staff.locator(".top").is_visible()
    shot(staff, "access-code-list-print")

    scanned = new_phone(javascript=False)
    scanned.goto(lines[0][1].removeprefix(server.base_url) + "&lang=ar")
    assert scanned.locator("#access_code").get_attribute("type") == "hidden"
    answer(scanned, VALID_ANSWERS)
    send(scanned)
    expect_thanks(scanned, "ar")

    typed = new_phone(audit=True)
    typed.goto(f"/m/{code}?lang=de")
    assert typed.locator("label[for=access_code]").inner_text().startswith("Zugangscode")
    assert typed.evaluate(STRUCTURE) == []
    audit.check(typed, "form-code-field")
    answer(typed, VALID_ANSWERS)
    typed.locator("#access_code").fill(lines[0][0])  # the first card again
    send(typed)
    typed.wait_for_selector(".error-summary")
    assert "bereits verwendet" in typed.locator("#access_code-error").inner_text()
    assert typed.evaluate(STRUCTURE) == []  # the error is tied to the field and linked from the summary
    audit.check(typed, "form-code-refused")
    shot(typed, "access-code-refused")
    typed.locator("#access_code").fill(lines[1][0].lower().replace("-", " "))
    send(typed)
    expect_thanks(typed, "de")

    assert server.query("SELECT count(*), sum(used) FROM access_code WHERE meeting_id = ?", meeting_id) == [(3, 2)]
    assert len(server.responses(code)) == 2
    audit.finish()
