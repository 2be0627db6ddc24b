"""The network's settings: the admins' page and what it changes for everyone —
the name in every header, the footer and the privacy notice of participant
pages, the languages offered, the time zone, the minimum cell size."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import event, func, select

from app import create_app
from app.languages import SUPPORTED_LANGUAGES
from app.models import Meeting, NetworkSettings
from app.network import services, settings
from app.network.rules import Network
from tests.conftest import EVERY_SHAPE, PASSWORDS, add_meeting, csrf_of, login, meeting_form, open_form, token
from tests.http.test_languages import catalogue

MUSTERSTADT = Network(
    name="Bildungsnetzwerk Musterstadt",
    languages=("de", "en", "tr", "ar"),
    default_language="de",
    time_zone="Europe/Berlin",
    min_cell_size=5,
    free_text_months=6,
    operator_name="Stadt Musterstadt, Bildungsbüro",
    operator_address="Marktplatz 1\n12345 Musterstadt",
    operator_email="bildungsbuero@musterstadt.example",
    imprint="https://www.musterstadt.example/impressum",
    privacy_notice="Datenschutzbeauftragte: datenschutz@musterstadt.example",
)


def set_network(db, network: Network = MUSTERSTADT, **changes) -> Network:
    network = dataclasses.replace(network, **changes)
    services.save_settings(db, network)
    db.commit()
    return network


def stored(db) -> NetworkSettings | None:
    db.rollback()
    return db.get(NetworkSettings, NetworkSettings.ONLY_ID)


@pytest.fixture
def admin(client, staff):
    assert login(client, "admin", PASSWORDS["admin"]).status_code == 302
    return client


def form_fields(client, **changes) -> dict:
    data = {
        "csrf_token": token(client, "/workspace/network/"),
        "name": "Bildungsnetzwerk Musterstadt",
        "operator_name": "Stadt Musterstadt, Bildungsbüro",
        "operator_address": "Marktplatz 1\r\n12345 Musterstadt",
        "operator_email": "bildungsbuero@musterstadt.example",
        "imprint": "Stadt Musterstadt\r\nMarktplatz 1",
        "privacy_notice": "Datenschutzbeauftragte: Frau Beispiel",
        "languages": ["de", "en", "fr"],
        "default_language": "de",
        "time_zone": "Europe/Vienna",
        "min_cell_size": "7",
        "free_text_months": "18",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# --- the admins' page ----------------------------------------------------------------


def test_only_admins_see_and_open_the_settings(client, staff):
    login(client, "coordinator", PASSWORDS["coordinator"])
    assert "/workspace/network/" not in client.get("/workspace/").get_data(as_text=True)
    assert client.get("/workspace/network/").status_code == 403
    client.post("/logout", data={"csrf_token": token(client)})
    login(client, "admin", PASSWORDS["admin"])
    assert "/workspace/network/" in client.get("/workspace/").get_data(as_text=True)
    page = client.get("/workspace/network/?lang=en")
    assert page.status_code == 200
    # Before any settings: the product's defaults, every language offered.
    html = page.get_data(as_text=True)
    assert 'value="Resonanz"' in html and 'value="Europe/Berlin"' in html
    assert len(re.findall(r'<input checked id="languages-\d" name="languages" type="checkbox"', html)) == 8
    assert "required" not in html.split("<legend>Languages", 1)[1].split("</fieldset>")[0]


def test_saving_the_settings_stores_them_and_every_header_shows_the_name(admin, client, db, meeting):
    response = admin.post("/workspace/network/", data=form_fields(admin))
    assert response.status_code == 302
    row = stored(db)
    assert (row.name, row.languages, row.default_language, row.time_zone) == (
        "Bildungsnetzwerk Musterstadt",
        "de,en,fr",
        "de",
        "Europe/Vienna",
    )
    assert (row.min_cell_size, row.free_text_months, row.operator_address) == (7, 18, "Marktplatz 1\n12345 Musterstadt")
    workspace = admin.get("/workspace/network/").get_data(as_text=True)
    assert "The network&#39;s settings were saved." in workspace or "Die Einstellungen" in workspace
    participant = client.get(f"/m/{meeting.public_code}").get_data(as_text=True)
    for html in (workspace, participant):
        header = html.split("</header>")[0]
        assert ">Bildungsnetzwerk Musterstadt</span>" in header and "Resonanz" not in header
        assert "· Bildungsnetzwerk Musterstadt</title>" in header


def test_saving_twice_changes_the_one_row(admin, db):
    assert admin.post("/workspace/network/", data=form_fields(admin)).status_code == 302
    assert admin.post("/workspace/network/", data=form_fields(admin, name="Neuer Name")).status_code == 302
    db.rollback()
    assert db.scalar(select(func.count()).select_from(NetworkSettings)) == 1
    assert stored(db).name == "Neuer Name"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "This field is required."),
        ("name", "x" * 201, "Field cannot be longer than 200 characters."),
        ("name", "Netz\x00werk", "Remove the control characters from this text."),
        ("operator_address", "Marktplatz\x001", "Remove the control characters from this text."),
        ("operator_email", "bildungsbuero-at-musterstadt", "Give an e-mail address such as datenschutz@example.org."),
        ("time_zone", "Europe/Freiburg", "Unknown time zone. Give its IANA name, such as Europe/Berlin."),
        ("time_zone", "\x00", "Unknown time zone."),
        ("languages", [], "Choose at least one language."),
        ("languages", ["de", "xx"], "is not a valid choice"),
        ("default_language", "tr", "The default language must be one of the languages offered."),
        ("min_cell_size", "2", "Choose a minimum cell size from 3 to 100: smaller groups could single out a person."),
        ("min_cell_size", "fünf", "Not a valid integer value."),
        ("free_text_months", "0", "Number must be between 1 and 120."),
    ],
)
def test_bad_input_is_shown_beside_the_field_with_every_entry_kept(admin, db, field, value, message):
    response = admin.post("/workspace/network/?lang=en", data=form_fields(admin, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    block = html.split(f'for="{field}"' if field != "languages" else "<legend>Languages", 1)[1]
    block = block.split('<div class="q', 1)[0]
    assert message in block
    # Everything else as it was typed.
    kept = {
        "name": 'value="Bildungsnetzwerk Musterstadt"',
        "operator_email": 'value="bildungsbuero@musterstadt.example"',
        "operator_address": "Marktplatz 1\r\n12345 Musterstadt</textarea>",
        "imprint": "Stadt Musterstadt\r\nMarktplatz 1</textarea>",
        "time_zone": 'value="Europe/Vienna"',
        "min_cell_size": 'value="7"',
        "free_text_months": 'value="18"',
    }
    for name, shown in kept.items():
        if name != field:
            assert shown in html, name
    if field != "languages":
        assert re.search(r'value="fr"[^>]*checked|checked[^>]*value="fr"', html)
    assert stored(db) is None


# --- what participants read ---------------------------------------------------------------


def footer_of(html: str) -> str:
    return html.split('<footer class="notice">', 1)[1].split("</footer>", 1)[0]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_participant_page_names_the_operator_and_links_imprint_and_privacy(client, db, meeting, language):
    set_network(db, languages=SUPPORTED_LANGUAGES)
    page = open_form(client, meeting.public_code, lang=language)
    thanks = client.get(f"/m/{meeting.public_code}/thanks?lang={language}").get_data(as_text=True)
    closed_meeting = add_meeting(db, opens=-48, closes=-24)
    closed = client.get(f"/m/{closed_meeting.public_code}?lang={language}").get_data(as_text=True)
    words = catalogue(language) if language != "en" else {}
    for html in (page.html, thanks, closed):
        footer = footer_of(html)
        assert '<bdi lang="de" dir="ltr">Stadt Musterstadt, Bildungsbüro</bdi>' in footer
        assert 'href="https://www.musterstadt.example/impressum"' in footer
        assert f'href="/privacy?lang={language}"' in footer
        assert words.get("Privacy notice", "Privacy notice") in footer
        assert words.get("Imprint", "Imprint") in footer


def test_the_form_starts_with_the_privacy_sentence_above_the_questionnaires_intro(client, db, meeting):
    page = open_form(client, meeting.public_code, lang="en").html
    sentence = "Your answers are anonymous: we store neither your name nor your IP address nor the time of day."
    assert page.index(sentence) < page.index("It takes about three minutes.")
    assert page.index(sentence) < page.index('href="/privacy?lang=en"') < page.index("It takes about three minutes.")
    # A questionnaire of the network's own, with no intro of its own, gets it too.
    other = add_meeting(db, EVERY_SHAPE)
    assert sentence in open_form(client, other.public_code, lang="en").html


def test_footer_without_operator_or_imprint_still_links_the_privacy_notice(client, meeting):
    footer = footer_of(open_form(client, meeting.public_code).html)
    assert "/privacy?lang=de" in footer and "bdi" not in footer and "imprint" not in footer


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_privacy_notice_in_every_language_from_the_settings(client, db, language):
    set_network(db, languages=SUPPORTED_LANGUAGES, min_cell_size=7)
    response = client.get(f"/privacy?lang={language}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # like the form: nothing kept about the reader
    html = response.get_data(as_text=True)
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    # Who, how to reach them, and the operator's own addition, marked as German.
    assert '<div lang="de" dir="ltr">Stadt Musterstadt, Bildungsbüro</div>' in main
    assert 'lang="de" dir="ltr" class="lines">Marktplatz 1\n12345 Musterstadt</div>' in main
    assert main.count('href="mailto:bildungsbuero@musterstadt.example"') == 2
    assert "Datenschutzbeauftragte: datenschutz@musterstadt.example" in main
    if language != "en":  # every sentence from the catalogue of the language
        words = catalogue(language)
        for message in (
            "Privacy notice",
            "What is stored",
            "What is never stored",
            "Your IP address, your device and your browser.",
            "Your rights",
        ):
            assert words[message] in main, message
    assert re.search(r"\b7\b|٧|۷", main) and re.search(r"\b6\b|٦|۶", main)  # k and the months


def test_privacy_notice_speaks_only_the_networks_languages(client, db):
    set_network(db, languages=("de", "en"), default_language="en")
    html = client.get("/privacy?lang=ar").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    switcher = html.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="\?lang=(\w+)"', switcher) == ["de", "en"]


def test_privacy_notice_without_operator_says_whom_to_ask(client):
    html = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "The operator has not entered its details yet." in html and "mailto:" not in html


def test_imprint_as_text_has_its_page_and_as_a_link_leads_there(client, db):
    assert client.get("/imprint").status_code == 404  # none given yet
    set_network(db, imprint="Stadt Musterstadt\nMarktplatz 1", languages=SUPPORTED_LANGUAGES)
    page = client.get("/imprint?lang=fr")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    html = page.get_data(as_text=True)
    assert '<html lang="fr"' in html and 'class="lines">Stadt Musterstadt\nMarktplatz 1</div>' in html
    assert 'href="/imprint?lang=fr"' in footer_of(html)
    set_network(db)
    moved = client.get("/imprint")
    assert moved.status_code == 302 and moved.headers["Location"] == "https://www.musterstadt.example/impressum"


def test_settings_text_is_shown_as_text(client, db, meeting):
    set_network(db, operator_name="<script>alert(1)</script>", imprint="<b>fett</b>", privacy_notice="<i>x</i>")
    for url in (f"/m/{meeting.public_code}", "/privacy", "/imprint"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>fett" not in html and "<i>x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- languages, time zone, minimum cell size -----------------------------------------------


def test_participant_pages_offer_only_the_languages_network_and_questionnaire_share(client, db, meeting):
    set_network(db, languages=("de", "en", "tr"), default_language="en")
    page = open_form(client, meeting.public_code)
    switcher = page.html.split('class="languages"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'name="switch_language" value="(\w+)"', switcher) == ["de", "en", "tr"]
    # A language the network does not offer falls back to the questionnaire's default.
    assert open_form(client, meeting.public_code, lang="ar").language == "de"
    assert open_form(client, meeting.public_code, lang="tr").language == "tr"
    sent = client.post(f"/m/{meeting.public_code}", data={**page.fields({}), "language": "fa"})
    assert sent.status_code == 422 and '<html lang="de"' in sent.get_data(as_text=True)


def test_a_questionnaire_sharing_no_language_with_the_network_still_shows(client, db):
    set_network(db, languages=("fr",), default_language="fr")
    page = open_form(client, add_meeting(db, EVERY_SHAPE).public_code, lang="fr")  # speaks de and en
    assert page.language == "de"  # the questionnaire's own default: never an empty page
    assert 'class="languages"' not in page.html  # one language: no switcher


def test_meeting_times_follow_the_networks_time_zone(client, db, staff, meeting):
    set_network(db, time_zone="America/New_York")
    login(client, "coordinator", PASSWORDS["coordinator"])
    data = meeting_form(meeting.questionnaire_version_id, csrf_token=token(client, "/workspace/meetings/new"))
    assert client.post("/workspace/meetings/new", data=data).status_code == 302
    db.rollback()
    created = db.scalars(select(Meeting).filter_by(title="Netzwerktreffen Frühjahr")).one()
    assert created.opens_at.isoformat() == "2026-03-18T20:00:00"  # 16:00 in New York (EDT) is 20:00 UTC
    with client.application.test_request_context():
        assert settings.time_zone() == "America/New_York"


def test_without_settings_the_configured_time_zone_applies(app):
    with app.test_request_context():
        assert settings.time_zone() == app.config["TIME_ZONE"] == "Europe/Berlin"
        assert settings.min_cell_size() == 5


def test_the_networks_k_is_the_floor_and_default_of_downloads_and_reports(client, db, staff, meeting, runner, tmp_path):
    set_network(db, min_cell_size=8)
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/exports/?lang=en").get_data(as_text=True)
    assert re.search(r'name="k"[^>]*value="8"', page) and "At least 8." in page
    data = {"csrf_token": csrf_of(page), "version": str(meeting.questionnaire_version_id), "selection": "all"}
    lower = client.post("/workspace/exports/?lang=en", data={**data, "format": "csv", "language": "", "k": "6"})
    assert lower.status_code == 422
    assert "Choose a minimum cell size from 8 to 10000" in lower.get_data(as_text=True)
    result = runner.invoke(
        args=["export", "--questionnaire", "iv-1", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--k", "6"]
    )
    assert result.exit_code == 1 and "--k must be at least 8" in result.output
    from app.evaluation.report import views as report_views

    with client.application.test_request_context("/workspace/reports/1?method=wilson"):
        assert report_views._options().min_cell == 8


def test_settings_are_read_once_per_page_and_seen_by_every_process_at_once(database_url, client, db, meeting):
    """One small query per participant page; no copy kept in a process, so a
    second app on the same database (another gunicorn worker) sees a change
    with its next request."""
    engine = client.application.extensions["resonanz.db"].engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    open_form(client, meeting.public_code)
    assert sum("network_settings" in statement for statement in statements) == 1

    other = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"})
    try:
        worker = other.test_client()
        assert ">Resonanz</span>" in worker.get(f"/m/{meeting.public_code}").get_data(as_text=True)
        set_network(db)
        assert ">Bildungsnetzwerk Musterstadt</span>" in worker.get(f"/m/{meeting.public_code}").get_data(as_text=True)
    finally:
        other.extensions["resonanz.db"].dispose()


def test_the_handout_invites_in_the_languages_participants_are_offered(client, db, staff, meeting):
    set_network(db, languages=("de", "uk"))
    login(client, "coordinator", PASSWORDS["coordinator"])
    html = client.get(f"/workspace/meetings/{meeting.id}/handout").get_data(as_text=True)
    assert list(dict.fromkeys(re.findall(r'<li lang="(\w+)"', html))) == ["de", "uk"]
