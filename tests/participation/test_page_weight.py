"""The participant form fits the first round trip: at most 14,600 bytes with
gzip, page and everything it loads, all from this host; static files under
content-hashed URLs, cached for a year."""

import gzip
import re

import pytest

from app.config import Config
from app.http.assets import IMMUTABLE, content_hash, static_url
from app.models import Meeting
from benchmarks.page_weight import BUDGET, measure
from tests.conftest import add_meeting

GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize("language", Config.LANGUAGES)
@pytest.mark.parametrize("survey_access", Meeting.SURVEY_ACCESS)
def test_form_with_everything_it_loads_fits_the_budget(client, db, language, survey_access):
    meeting = add_meeting(db, survey_access=survey_access)  # with codes: the field to type one in
    weight = measure(client, f"/m/{meeting.public_code}?lang={language}")
    assert weight.foreign == []
    assert weight.uncompressed == []
    assert len(weight.sent) >= 2  # the page and its stylesheet were both counted
    assert weight.total <= BUDGET, weight.sent


def test_gzip_only_when_asked_and_caches_told_so(client, meeting):
    path = f"/m/{meeting.public_code}"
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    packed = client.get(path, headers={"Accept-Encoding": "br, gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 3
    # The same page apart from the per-visit CSRF token and submission id.
    unpack = gzip.decompress(packed.data).decode()
    volatile = re.compile(r'value="[A-Za-z0-9_.-]{20,}"')
    assert volatile.sub("", unpack) == volatile.sub("", plain.get_data(as_text=True))


def test_each_phone_gets_a_whole_gzip_page_with_its_own_submission_id(client, meeting):
    """Each phone's page is one valid gzip member (gzip checks its CRC and length)."""
    pages = [gzip.decompress(client.get(f"/m/{meeting.public_code}", headers=GZIP).data).decode() for _ in range(3)]
    ids = [re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page).group(1) for page in pages]
    assert len(set(ids)) == 3
    assert {page.replace(id_, "") for page, id_ in zip(pages, ids)} == {pages[0].replace(ids[0], "")}


def test_stylesheet_has_a_content_hashed_url_cached_for_a_year(app, client, meeting):
    page = client.get(f"/m/{meeting.public_code}").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    with app.app_context():
        assert href == f"/static/style.css?v={content_hash('style.css')}"
    css = client.get(href, headers=GZIP)
    assert css.headers["Cache-Control"] == IMMUTABLE
    assert css.headers["Content-Encoding"] == "gzip"
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    # Revalidation still works on the compressed variant (its validator is weak).
    again = client.get(href, headers={**GZIP, "If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304 and "Accept-Encoding" in again.headers["Vary"]
    # An old or missing hash is not the file it names: no promise that it never changes.
    for stale in ("/static/style.css", "/static/style.css?v=0123456789ab"):
        assert client.get(stale).headers["Cache-Control"] != IMMUTABLE


def test_changing_a_static_file_changes_its_url(app, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "style.css").write_text("body{color:#000}")
    with app.test_request_context():
        first = static_url("style.css")
        (tmp_path / "style.css").write_text("body{color:#111}")
        second = static_url("style.css")
    assert first != second and first.startswith("/static/style.css?v=")


def test_partial_and_tiny_responses_stay_uncompressed(client):
    part = client.get("/static/style.css", headers={**GZIP, "Range": "bytes=0-9"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers and len(part.data) == 10
    # The redirect after /login?next=… is a few hundred bytes of HTML: gzip would only add to it.
    redirect = client.get("/workspace/", headers=GZIP)
    assert redirect.status_code == 302 and "Content-Encoding" not in redirect.headers
