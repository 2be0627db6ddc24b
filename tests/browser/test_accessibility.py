"""axe-core on every participant page state (German and Arabic) and on the
workspace pages: no serious or critical violation, and every moderate or minor
one explained in docs/accessibility.md.  Plus what axe cannot judge: one <h1>,
each question a fieldset with legend or a labelled field, errors tied to their
question and listed in an alert that links to each."""

import json
import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, axe, login, shot
from tests.browser.test_journeys import answer, send
from tests.conftest import VALID_ANSWERS

DOCUMENTED = Path(__file__).resolve().parents[2] / "docs" / "accessibility.md"

STRUCTURE = """() => {
  const problems = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  const html = document.documentElement;
  if (!html.lang || !html.dir) problems.push('no lang or dir on <html>');
  for (const el of document.body.querySelectorAll('[lang]'))
    if (!el.lang || !el.dir) problems.push(`lang without dir: ${el.outerHTML.slice(0, 60)}`);
  const invalid = [];
  for (const q of document.querySelectorAll('form .q')) {
    const choices = q.querySelectorAll('input[type=radio], input[type=checkbox]');
    const field = q.querySelector('input:not([type=radio]):not([type=checkbox]):not([type=hidden]), textarea, select');
    if (choices.length) {
      const legend = q.querySelector('fieldset > legend');
      if (!legend || !legend.textContent.trim()) problems.push(`${q.id}: choices without a legend`);
      for (const c of choices) if (!c.closest('label')) problems.push(`${q.id}: option without label`);
    } else if (field && !(field.id && q.querySelector(`label[for="${field.id}"]`))) {
      problems.push(`${q.id}: field without label`);
    }
    const error = q.querySelector('.error');
    if (error) {
      invalid.push(q.id);
      const described = q.querySelector(`[aria-describedby~="${error.id}"]`);
      if (!error.id || !described) problems.push(`${q.id}: error not tied with aria-describedby`);
    }
  }
  if (invalid.length) {
    const summary = document.querySelector('.error-summary[role=alert]');
    if (!summary) problems.push('errors without an alert summary');
    else for (const id of invalid)
      if (!summary.querySelector(`a[href="#${id}"]`)) problems.push(`summary does not link to ${id}`);
  }
  return problems;
}"""


def documented_rules() -> set[str]:
    """Rule ids listed, each as a line "- `rule-id`: reason", under "Remaining axe findings"."""
    section = DOCUMENTED.read_text("utf-8").split("## Remaining axe findings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([a-z0-9-]+)`", section, re.M))


class Audit:
    """axe-core run on page after page: fails on a serious or critical violation,
    keeps the rest per page for docs/accessibility.md and tests/artifacts/."""

    def __init__(self, name: str):
        self.name = name
        self.pages: dict[str, dict[str, str]] = {}

    def check(self, page, state: str) -> None:
        violations = axe(page)
        self.pages[state] = {v["id"]: v["impact"] for v in violations}
        grave = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert grave == [], state

    def finish(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{self.name}.json").write_text(json.dumps(self.pages, indent=1, sort_keys=True))
        rules = {rule for found in self.pages.values() for rule in found}
        assert rules <= documented_rules(), f"explain in docs/accessibility.md: {self.pages}"


def participant_states(page, server, language):
    code = server.new_meeting()
    page.goto(f"/m/{code}?lang={language}")
    yield "form"
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    yield "form-with-errors"
    answer(page, VALID_ANSWERS)
    send(page)
    page.wait_for_url("**/thanks?lang=*")
    yield "thanks"
    page.goto(f"/m/{code}")
    yield "already-answered"
    page.goto(f"/m/{server.new_meeting(opens=-48, closes=-24)}?lang={language}")
    yield "closed"
    page.goto(f"/m/{server.new_meeting(opens=24, closes=48)}?lang={language}")
    yield "not-yet-open"


@pytest.mark.parametrize("language", ["de", "ar"])
def test_participant_pages(server, new_phone, language):
    page = new_phone(audit=True)
    audit = Audit(f"participant-{language}")
    for state in participant_states(page, server, language):
        assert page.evaluate(STRUCTURE) == [], state
        audit.check(page, state)
        if state not in ("form", "thanks"):  # those two are shot on every journey
            shot(page, f"state-{language}-{state}")
    assert len(audit.pages) == 6
    audit.finish()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_privacy_notice_and_imprint(server, new_phone, language):
    """The pages every participant footer links to, with the demo network's settings."""
    page = new_phone(audit=True)
    audit = Audit(f"notices-{language}")
    for name in ("privacy", "imprint"):
        page.goto(f"/{name}?lang={language}")
        assert page.evaluate(STRUCTURE) == [], name
        audit.check(page, name)
        shot(page, f"{name}-{language}")
    assert page.locator("footer a[href^='/privacy']").count() == 1
    audit.finish()


def test_error_summary_takes_the_focus(server, new_phone):
    """Without any script, the summary is focused when the page with errors opens
    (autofocus), so screen readers and keyboards start at the problems."""
    page = new_phone(javascript=False)
    page.goto(f"/m/{server.new_meeting()}")
    page.locator("form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary:focus").count() == 1


WORKSPACE = {
    "coordinator": [
        ("workspace-home", "/workspace/"),
        ("meetings", "/workspace/meetings/"),
        ("meeting-form", "/workspace/meetings/new"),
        ("partners", "/workspace/partners/"),
        ("questionnaires", "/workspace/questionnaires/"),
        ("topics", "/workspace/topics/"),
        ("topic", "/workspace/topics/1"),
        # The demo's last closed meeting: its proposals wait to be taken into topics.
        ("topic-proposals", "/workspace/meetings/13/proposals"),
    ],
    # With one answered questionnaire, the list of reports leads straight to its report.
    "evaluator": [
        ("strategy", "/workspace/strategy/"),
        ("api-tokens", "/workspace/api-tokens/"),
        ("report", "/workspace/reports/"),
    ],
    "admin": [
        ("strategy-versions", "/workspace/strategy/versions"),
        ("actor-groups", "/workspace/actor-groups/"),
        ("network-settings", "/workspace/network/"),
    ],
}


def builder_states(page, audit) -> None:
    """The builder's pages for the draft just opened, with and without errors."""
    page.click("text=Open in the builder")
    page.wait_for_url("**/builder/*")
    overview = page.url
    for state, path in [
        ("builder-overview", ""),
        ("builder-settings", "/settings"),
        ("builder-choice-question", "/questions/1"),
        ("builder-scale-question", "/questions/6"),
        ("builder-indicator", "/indicators/1"),
        ("translations", "/translations?to=ar"),
    ]:
        page.goto(overview + path)
        assert page.evaluate(STRUCTURE) == [], state
        audit.check(page, state)
    page.goto(overview + "/questions/new?type=likert")
    page.check("input[name=show_if][value='new_contacts:yes']")
    page.check("input[name=show_if][value='knows_more_offers:no']")
    page.locator("form.stacked button:has-text('Save')").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate(STRUCTURE) == [], "builder question with errors"
    audit.check(page, "builder-question-with-errors")
    page.goto(overview.rsplit("/", 1)[0] + "/new")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate(STRUCTURE) == [], "builder start with errors"
    audit.check(page, "builder-start-with-errors")


def results_and_trends(page, server, audit) -> None:
    """From the report: one meeting's results (closed and open), the trends page
    with its default comparison, a comparison asked without a script, and one refused."""
    report = page.url
    page.locator("a[href*='/reports/meetings/']").first.click()
    page.wait_for_url("**/reports/meetings/*")
    states = [("meeting-results", page.url)]
    # The demo's meeting whose survey is still open: its page says why it shows no figure.
    (open_meeting,) = server.query("SELECT id FROM meeting WHERE closes_at IS NULL OR closes_at > datetime('now')")[0]
    states.append(("meeting-results-open", f"/workspace/reports/meetings/{open_meeting}"))
    page.goto(report)
    page.click("a[href*='/workspace/trends/']")
    page.wait_for_url("**/workspace/trends/*")
    trends = page.url.split("?")[0]
    states.append(("trends", trends))
    for state, url in states:
        page.goto(url)
        assert page.evaluate(STRUCTURE) == [], state
        audit.check(page, state)
        shot(page, f"workspace-{state}")
    page.goto(trends)
    page.select_option("#first", "2014")
    page.select_option("#second", "2015")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_selector("#comparison .verdict")
    assert page.evaluate(STRUCTURE) == [], "trends-comparison"
    audit.check(page, "trends-comparison")
    page.goto(trends + "?indicator=new_contacts&first=2016&second=dates&second_from=2016-05-01&second_to=2016-01-01")
    page.wait_for_selector(".error-summary")
    assert page.evaluate(STRUCTURE) == [], "trends-with-errors"
    audit.check(page, "trends-with-errors")
    shot(page, "workspace-trends-with-errors")


@pytest.mark.parametrize("role", ["coordinator", "evaluator", "admin"])
def test_workspace_pages(server, new_phone, role):
    page = new_phone(audit=True)
    audit = Audit(f"workspace-{role}")
    page.goto("/login")
    audit.check(page, "login")
    login(page, server, role)
    for name, path in WORKSPACE[role]:
        page.goto(path)
        assert page.evaluate(STRUCTURE) == [], name
        audit.check(page, name)
    if role == "coordinator":
        page.goto("/workspace/meetings/new")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector(".error-summary")
        audit.check(page, "meeting-form-with-errors")
        page.goto("/workspace/topics/")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector(".error-summary")
        audit.check(page, "topic-form-with-errors")
        page.goto("/workspace/meetings/13/proposals")
        page.fill("#title-1", "")
        page.locator("#proposal-1 form").first.locator("button").click()
        page.wait_for_selector(".error-summary")
        assert page.evaluate(STRUCTURE) == [], "topic proposals with errors"
        audit.check(page, "topic-proposals-with-errors")
        page.goto("/workspace/questionnaires/")
        page.locator("form[action*='/versions/'] button").first.click()
        page.wait_for_url("**/drafts/*")
        assert page.evaluate(STRUCTURE) == [], "draft editor"
        audit.check(page, "draft-editor")
        shot(page, "workspace-draft-editor")
        builder_states(page, audit)
    elif role == "evaluator":
        assert re.search(r"/workspace/reports/\d+$", page.url)
        shot(page, "workspace-report")
        report = page.url
        results_and_trends(page, server, audit)
        page.goto(report)
        # Another method chosen: the advanced section stands open, with its form.
        page.goto(page.url + "?method=jeffreys")
        assert page.locator("details.advanced[open] select#method").is_visible()
        assert page.evaluate(STRUCTURE) == [], "report-advanced"
        audit.check(page, "report-advanced")
        # An impact report that cannot be printed: the report again, the reason at its form.
        page.goto(page.url.split("?")[0] + "/impact.pdf?from=2017-03-01&to=2017-01-01")
        assert page.locator(".error-summary[role=alert]").is_visible()
        audit.check(page, "report-impact-error")
        page.goto("/workspace/api-tokens/")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector(".error-summary")
        audit.check(page, "api-token-with-errors")
        page.fill("input[name=name]", "R")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector("code.secret")
        audit.check(page, "api-token-made")
    else:
        page.goto("/workspace/network/")
        page.fill("input[name=time_zone]", "Europe/Freiburg")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector(".error-summary")
        audit.check(page, "network-settings-with-errors")
        shot(page, "workspace-network-settings-with-errors")
        page.goto("/workspace/actor-groups/")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_selector(".error-summary")
        audit.check(page, "actor-group-form-with-errors")
        page.goto("/workspace/strategy/versions")
        page.locator("form[action*='/versions/'] button").first.click()
        page.wait_for_url("**/drafts/*")
        assert page.evaluate(STRUCTURE) == [], "strategy editor"
        audit.check(page, "strategy-editor")
        shot(page, "workspace-strategy-editor")
    audit.finish()
