"""What a participant's phone keeps and sends: no cookie until it has
answered, then one (the signed "answered" marker of one meeting), nothing in
web storage, no referrer, nothing from another host; and the form arrives
within the page-weight budget as the browser counts it."""

from urllib.parse import urlsplit

from benchmarks.page_weight import BUDGET
from tests.browser.test_journeys import answer, send
from tests.conftest import VALID_ANSWERS

ALLOWED_COOKIES = {"resonanz_answered"}

KEPT_BY_SCRIPT = """async () => ({
  cookie: document.cookie,
  local: localStorage.length,
  session: sessionStorage.length,
  databases: (await indexedDB.databases()).length,
})"""


def cookie_names(response) -> set[str]:
    """Every cookie a response sets, or deletes: a participant page touches no other."""
    lines = [header["value"] for header in response.headers_array() if header["name"].lower() == "set-cookie"]
    return {line.split("=", 1)[0].strip() for value in lines for line in value.split("\n")}


def test_phone_keeps_one_cookie_no_storage_and_sends_no_referrer_elsewhere(server, new_phone):
    code = server.new_meeting()
    page = new_phone()
    documents, requested = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "response",
        lambda response: documents.append(response) if response.request.resource_type == "document" else None,
    )

    page.goto(f"/m/{code}?lang=ar")
    # Switching language sends the form to its own page (answers kept, nothing stored).
    page.locator("nav.languages summary").click()
    page.locator("nav.languages button[value=uk]").click()
    page.wait_for_selector("html[lang=uk]")
    # The referrer policy is same-origin: our own page, and only to our own site.
    assert page.evaluate("() => document.referrer") == f"{server.base_url}/m/{code}?lang=ar"
    assert page.context.cookies() == []  # nothing at all before answering
    answer(page, VALID_ANSWERS)
    send(page)
    page.wait_for_url("**/thanks?lang=*")
    page.goto(f"/m/{code}")  # already answered
    assert page.evaluate(KEPT_BY_SCRIPT) == {"cookie": "", "local": 0, "session": 0, "databases": 0}

    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert set(cookies) == ALLOWED_COOKIES
    assert all(cookie["httpOnly"] and cookie["sameSite"] == "Lax" for cookie in cookies.values())
    assert cookies["resonanz_answered"]["path"] == f"/m/{code}"

    assert len(documents) >= 5  # form, language switch, POST, thank-you page, already answered
    for response in documents:
        assert response.headers.get("referrer-policy") == "same-origin", response.url
        assert cookie_names(response) <= ALLOWED_COOKIES, response.url
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(server.base_url).netloc}


def test_form_arrives_compressed_within_the_budget(server, new_phone):
    for language in ("de", "ar", "uk"):
        page = new_phone()  # an empty cache
        loaded = []
        # A function of our own: Playwright cannot tag a builtin such as list.append as a handler.
        page.on("requestfinished", lambda request, loaded=loaded: loaded.append(request))
        code = server.new_meeting()
        page.goto(f"/m/{code}?lang={language}")
        paths = sorted(urlsplit(request.url).path for request in loaded)
        assert paths == [f"/m/{code}", "/static/conditions.js", "/static/style.css"]
        for request in loaded:
            assert request.response().headers.get("content-encoding") == "gzip", request.url
        body_bytes = sum(request.sizes()["responseBodySize"] for request in loaded)
        assert body_bytes <= BUDGET, (language, body_bytes)
