"""A coordinator builds a small questionnaire in the builder, in Chromium with
JavaScript switched off: every step a form post, the questions reordered with
the up and down buttons, a condition and an indicator picked from the
answers; then publishes it, and the database holds the version."""

import json

import pytest

from app.questionnaires.model import questionnaire_from_json
from tests.browser.conftest import login, shot


@pytest.fixture(scope="module")
def coordinator_session(browser, server):
    """One login for the module's walks: the login limit counts every attempt from 127.0.0.1."""
    context = browser.new_context(base_url=server.base_url)
    login(context.new_page(), server, "coordinator")
    state = context.storage_state()
    context.close()
    return state


def test_a_questionnaire_built_without_javascript(server, new_phone, coordinator_session):
    page = new_phone(javascript=False, storage_state=coordinator_session)
    page.goto("/workspace/questionnaires/?lang=en")
    page.click("text=Build a questionnaire")
    page.check("input[name=template][value=blank]")
    page.fill("input[name=id]", "treffen-2026")
    page.fill("input[name=title]", "Rückmeldung zum Treffen 2026")
    page.select_option("select[name=default_language]", "de")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/builder/*")
    assert "Every change is saved at once" in page.locator(".flash").inner_text()

    def add(kind: str) -> None:
        page.select_option("select[name=type]", kind)
        page.click("button:has-text('Add a question')")
        page.wait_for_url("**/questions/new?type=*")

    def save(button: str = "Save the question") -> None:
        page.click(f"button:has-text('{button}')")
        page.wait_for_url("**/builder/*")
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()

    add("single_choice")
    page.fill("[name=text-de]", "Aus welchem Bereich kommen Sie?")
    page.fill("[name=option-0-label-de]", "Schule")
    page.fill("[name=option-1-label-de]", "Kita und Familie")
    page.fill("[name=option-2-label-de]", "Verwaltung")
    save()
    add("yes_no_dont_know")
    page.fill("[name=text-de]", "Haben Sie neue Kontakte geknüpft?")
    page.check("input[name=required]")
    save()
    # A choice question with one answer too few comes back with what was typed.
    add("single_choice")
    page.fill("[name=text-de]", "Kooperationen?")
    page.fill("[name=option-0-label-de]", "Ja, schon")
    page.click("button:has-text('Save the question')")
    assert page.locator(".error-summary").inner_text().count("A choice needs at least two answers.") == 1
    assert page.input_value("[name=option-0-label-de]") == "Ja, schon"
    shot(page, "builder-question-with-errors")
    page.fill("[name=option-1-label-de]", "Noch nicht")
    page.check("input[name=show_if][value='haben_sie_neue_kontakte_geknuepft:yes']")
    save()
    # The contacts question goes first.
    page.locator("#question-2 button[value=up]").click()
    page.wait_for_url("**/builder/*#question-1")
    assert "Kontakte" in page.locator("#question-1").inner_text()
    page.locator("#question-3 button[value=up]").click()
    assert page.locator(".flash").inner_text() == "The question is now number 2."
    # The condition keeps it below the question it depends on.
    page.locator("#question-2 button[value=up]").click()
    assert "cannot come before it" in page.locator(".flash").inner_text()

    page.click("text=Add an indicator")
    page.check("input[name=success][value='haben_sie_neue_kontakte_geknuepft:yes']")
    page.check("input[name=denominator][value=answered_excluding_dont_know]")
    page.check("input[name=comparison][value=at_least]")
    page.fill("[name=target]", "60")
    page.fill("[name=text-de]", "Mindestens 60 % haben neue Kontakte geknüpft.")
    save("Save the indicator")
    shot(page, "builder-overview")
    assert "Ready to publish as treffen-2026 version 1." in page.content()
    page.click("button:has-text('Publish as version 1')")
    page.wait_for_url("**/workspace/questionnaires/")
    try:
        definition = server.query(
            "SELECT definition FROM questionnaire_version WHERE questionnaire_key = 'treffen-2026'"
        )
    finally:
        # The other browser tests make their meetings with the newest version, IV.1's.
        server.query("DELETE FROM questionnaire_version WHERE questionnaire_key = 'treffen-2026'")
    questionnaire = questionnaire_from_json(definition[0][0])
    assert [q.id for q in questionnaire.questions] == [
        "haben_sie_neue_kontakte_geknuepft",
        "kooperationen",
        "aus_welchem_bereich_kommen_sie",
    ]
    assert questionnaire.questions[2].codes == ("schule", "kita_und_familie", "verwaltung")
    assert questionnaire.questions[1].show_if.any_of == ("yes",)
    (indicator,) = questionnaire.indicators
    assert (indicator.target, indicator.denominator) == (0.6, "answered_excluding_dont_know")
    assert json.loads(definition[0][0])["mittlerziel"]["code"]  # the strategy's first Mittlerziel


def test_with_javascript_codes_show_as_typed_and_a_condition_names_one_question(new_phone, coordinator_session):
    page = new_phone(storage_state=coordinator_session)
    page.goto("/workspace/questionnaires/builder/new?lang=en")
    page.check("input[name=template][value=iv-1]")
    page.fill("input[name=id]", "iv-1-mit-skript")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/builder/*")
    page.select_option("select[name=type]", "single_choice")
    page.click("button:has-text('Add a question')")
    page.fill("[name=option-0-label-de]", "Kita und Familie")
    assert page.get_attribute("[name=option-0-code]", "placeholder") == "kita_und_familie"
    page.fill("[name=option-1-label-de]", "Übergänge Schule–Beruf")
    assert page.get_attribute("[name=option-1-code]", "placeholder") == "uebergaenge_schule_beruf"
    page.check("input[name=show_if][value='new_contacts:yes']")
    page.check("input[name=show_if][value='knows_more_offers:no']")
    assert not page.is_checked("input[name=show_if][value='new_contacts:yes']")
    page.fill("[name=text-de]", "Welche Bereiche?")
    page.click("button:has-text('Save the question')")
    page.wait_for_url("**/builder/*#question-14")
    assert "Shown only when question 2 is answered with:" in page.locator("#question-14").inner_text()
