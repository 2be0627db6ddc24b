"""Real Chromium against the real app: one server and one browser per test run,
a fresh browser context (cookies, storage, viewport) per test.

The app runs as ``make run`` does (``flask setup``, then ``python wsgi.py``) on
a free loopback port with its own SQLite file, which the tests read directly
to see exactly what was stored.  Without /usr/bin/chromium (``make chromium``
installs it) every test here is skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.support import Translations
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.languages import pick
from app.meetings import codes
from app.models import Meeting, QuestionnaireVersion
from app.questionnaires.model import questionnaire_from_json
from benchmarks._serve import free_port
from tests.conftest import now

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = PROJECT / "tests" / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# A cheap phone: 360 CSS px wide, touch, a 2x screen.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run 'make chromium' (apt-get install -y chromium)")
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@dataclass
class Server:
    base_url: str
    database: Path
    accounts: dict[str, tuple[str, str]]  # role -> (user name, password), as `flask setup` prints them

    def url(self, path: str) -> str:
        return self.base_url + path

    def query(self, sql: str, *parameters):
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, parameters).fetchall()

    def new_meeting(
        self,
        *,
        opens: float = -1,
        closes: float = 24,
        title: str = "Netzwerktreffen Browser",
        survey_access: str = Meeting.OPEN_LINK,
        questionnaire: str = "iv-1",
    ) -> str:
        """A meeting of the demo's IV.1 version (or the latest of another
        questionnaire), its survey window in hours from now; returns its code."""
        engine = create_engine(f"sqlite:///{self.database}")
        try:
            with Session(engine) as session, session.begin():
                version = session.scalar(
                    select(func.max(QuestionnaireVersion.id)).where(
                        QuestionnaireVersion.questionnaire_key == questionnaire
                    )
                )
                start = now()
                meeting = Meeting(
                    public_code=codes.new_public_code(),
                    title=title,
                    date=start.date(),
                    place="Freiburg",
                    questionnaire_version_id=version,
                    opens_at=start + dt.timedelta(hours=opens),
                    closes_at=start + dt.timedelta(hours=closes),
                    survey_access=survey_access,
                )
                session.add(meeting)
                return meeting.public_code
        finally:
            engine.dispose()

    def questionnaire(self):
        """The IV.1 version the demo meetings were given, as the app reads it."""
        definition = self.query(
            "SELECT definition FROM questionnaire_version WHERE questionnaire_key = 'iv-1' ORDER BY id DESC LIMIT 1"
        )[0][0]
        return questionnaire_from_json(definition)

    def store_questionnaire(self, source: str) -> None:
        """Store a questionnaire version as the workspace would (the demo's actor groups are in the list)."""
        from app.questionnaires import versions

        engine = create_engine(f"sqlite:///{self.database}")
        try:
            with Session(engine) as session, session.begin():
                versions.store_questionnaire(session, source)
        finally:
            engine.dispose()

    def responses(self, code: str) -> list[dict]:
        """Every stored response of the meeting: its language and its answers as a form sends them."""
        rows = self.query(
            "SELECT response.id, response.language, answer.question_id, answer.code, answer.number, answer.text "
            "FROM response JOIN meeting ON meeting.id = response.meeting_id "
            "LEFT JOIN answer ON answer.response_id = response.id WHERE meeting.public_code = ?",
            code,
        )
        stored: dict[str, dict] = {}
        for response_id, language, question, answer_code, number, text in rows:
            response = stored.setdefault(response_id, {"language": language, "answers": {}})
            if question is not None:
                value = str(number) if number is not None else text if text is not None else answer_code
                response["answers"][question] = value
        return list(stored.values())


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if server.poll() is not None:
            pytest.fail(f"the app did not start:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the app did not answer at {url}:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    port = free_port()
    database = folder / "browser.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "RESONANZ_ENV": "development",
    }
    base_url = f"http://127.0.0.1:{port}"
    setup = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "setup", "--base-url", base_url],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert setup.returncode == 0, setup.stderr
    logins = re.findall(r"^(Coordinator|Evaluator|Admin) login: (\S+) / (\S+)$", setup.stdout, re.M)
    accounts = {role.lower(): (user, password) for role, user, password in logins}
    log = folder / "server.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_serving(base_url + "/login", process, log)
        yield Server(base_url, database, accounts)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_phone(browser, server):
    """Open phones (browser contexts); ``javascript=False`` for a phone without scripts,
    ``audit=True`` to lift the app's CSP so axe-core or a test style can be injected."""
    contexts = []

    def open_phone(*, javascript: bool = True, audit: bool = False, language: str | None = None, **options):
        context = browser.new_context(
            **PHONE,
            java_script_enabled=javascript,
            bypass_csp=audit,
            base_url=server.base_url,
            locale=language,
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def ui_text(language: str, message: str) -> str:
    """A message of the interface as the compiled catalogue of ``language`` gives it."""
    return Translations.load(str(PROJECT / "translations"), [language]).gettext(message)


def local(text, language: str) -> str:
    return pick(text, language, "de").text


def shot(page, name: str) -> None:
    """A full-page screenshot in tests/artifacts/ for people to look at; never compared.
    At CSS pixels: a quarter of the pixels of the 2x screen, several times faster."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, scale="css")


_AXE_SOURCE: list[str] = []


def axe(page, **options) -> list[dict]:
    """axe-core's violations on the page as it is now (the context must bypass the CSP)."""
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text("utf-8"))
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=_AXE_SOURCE[0])
    return page.evaluate("async (options) => (await axe.run(document, options)).violations", options)


def login(page, server: Server, role: str) -> None:
    user, password = server.accounts[role]
    page.goto("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")
