"""Every participant in their own language: the eight languages end to end."""

import datetime as dt
import html as html_lib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from markupsafe import escape

from app import create_app
from app.demo import ACTOR_GROUPS
from app.evaluation.report import reporting
from app.languages import NATIVE_NAMES, SUPPORTED_LANGUAGES
from app.models import QuestionnaireVersion, Response
from app.network.actor_groups import services as actor_groups
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, open_form, parse_iv1

PROJECT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = parse_iv1()
CATALOGUES = {
    language: PROJECT / "translations" / language / "LC_MESSAGES" / "messages.po"
    for language in SUPPORTED_LANGUAGES
    if language != "en"
}


def catalogue(language: str) -> dict:
    with open(CATALOGUES[language], "rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def texts_of(questionnaire, language):
    """Every question and option text of the form in ``language``."""
    for question in questionnaire.questions:
        yield question.text[language]
        for option in getattr(question, "options", ()):
            yield option.label[language]
        for label in getattr(question, "labels", ()):
            yield label[language]


def test_the_questionnaire_speaks_all_eight_languages():
    assert QUESTIONNAIRE.languages == ("de", "en", "tr", "ar", "ru", "uk", "fa", "fr")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_form_is_wholly_in_the_chosen_language(client, meeting, language):
    page = client.get(f"/m/{meeting.public_code}?lang={language}").get_data(as_text=True)
    direction = "rtl" if language in ("ar", "fa") else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in page
    for text in texts_of(QUESTIONNAIRE, language):
        assert str(escape(text)) in page, text
    if language != "de":
        for text in texts_of(QUESTIONNAIRE, "de"):
            if text not in set(texts_of(QUESTIONNAIRE, language)):  # a word may be the same in both
                assert f">{escape(text)}<" not in page, f"German left in {language}: {text}"
        # UI strings come from the catalogue, not the German one.
        if language != "en":
            assert catalogue(language)["Send answers"] in page
    assert "<span lang=" not in page  # nothing fell back


def test_switcher_lists_each_language_in_its_own_name_and_works_without_javascript(client, meeting):
    page = client.get(f"/m/{meeting.public_code}").get_data(as_text=True)
    for language in QUESTIONNAIRE.languages:
        # On the form each choice is a button of the form itself: a switch sends what was answered.
        assert (
            f'<button form="answers" name="switch_language" value="{language}" formnovalidate lang="{language}"' in page
        )
        assert NATIVE_NAMES[language] in page
    assert "العربية" in page and "فارسی" in page and "Українська" in page and "Türkçe" in page
    # Other participant pages: plain links (participants get no cookie that could remember a choice).
    notice = client.get("/privacy").get_data(as_text=True)
    assert '<a href="?lang=tr" hreflang="tr" lang="tr"' in notice
    switched = client.get(f"/m/{meeting.public_code}?lang=tr")
    assert 'lang="tr"' in switched.get_data(as_text=True)[:60] and "Set-Cookie" not in switched.headers
    assert 'name="language" type="hidden" value="tr"' in switched.get_data(as_text=True)


def test_language_precedence(app, meeting):
    client = app.test_client()
    url = f"/m/{meeting.public_code}"

    def lang_of(response):
        return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)

    assert lang_of(client.get(url)) == "de"  # the questionnaire's default
    assert lang_of(client.get(url, headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})) == "uk"
    assert lang_of(client.get(url, headers={"Accept-Language": "xx, fa;q=0.8"})) == "fa"
    assert (
        lang_of(client.get(f"{url}?lang=ar", headers={"Accept-Language": "uk"})) == "ar"
    )  # a choice beats the browser
    assert lang_of(client.get(url, headers={"Accept-Language": "uk"})) == "uk"  # and is not remembered
    assert (
        lang_of(client.get(f"{url}?lang=xx", headers={"Accept-Language": "fr"})) == "fr"
    )  # an unknown one counts for nothing


def test_only_the_questionnaires_languages_are_offered(client, db):
    two = IV1.read_text("utf-8")
    meeting = add_meeting(db, _two_language_source())
    page = client.get(f"/m/{meeting.public_code}?lang=ar").get_data(as_text=True)
    assert 'lang="de"' in page[:60]  # Arabic is not offered by this questionnaire
    assert 'name="switch_language" value="ar"' not in page and 'name="switch_language" value="en"' in page
    assert two  # the shipped file stays untouched


def _two_language_source() -> str:
    """The IV.1 questionnaire cut down to German and English, as a second id."""
    import yaml

    data = yaml.safe_load(IV1.read_text("utf-8"))

    def keep(node):
        if isinstance(node, dict):
            if set(node) <= set(SUPPORTED_LANGUAGES) and "de" in node:
                return {k: v for k, v in node.items() if k in ("de", "en")}
            return {k: keep(v) for k, v in node.items()}
        if isinstance(node, list):
            return [keep(v) for v in node]
        return node

    data = keep(data)
    data["id"], data["languages"] = "iv-1-de-en", ["de", "en"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_submission_is_stored_with_its_language_and_counted_alike(app, db, meeting, language):
    used = ("de", "de", language, language, language)  # five: the report shows a meeting from k = 5 on
    for lang in used:
        phone = app.test_client()
        page = open_form(phone, meeting.public_code, lang=lang)
        assert phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS)).status_code == 303
    db.rollback()
    assert sorted(db.query(Response.language).all()) == sorted((lang,) for lang in used)
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    after_closing = meeting.closes_at + dt.timedelta(seconds=1)
    report = reporting.build_report(db, version, reporting.ReportOptions(), today=dt.date.today(), now=after_closing)
    knows = next(r for r in report.overall.results if r.indicator.id == "knows_more_offers")
    assert (knows.k, knows.n) == (5, 5)


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_validation_messages_are_translated(client, meeting, language):
    page = open_form(client, meeting.public_code, lang=language)
    answers = {k: v for k, v in VALID_ANSWERS.items() if k != "knows_more_offers"}
    answers["meetings_attended"] = "500"
    html = client.post(f"/m/{meeting.public_code}", data=page.fields({**answers, "language": language})).get_data(
        as_text=True
    )
    messages = catalogue(language)
    assert html_lib.escape(messages["Please answer this question."], quote=False) in html
    assert html_lib.escape(messages["Please check your answers"], quote=False) in html
    expected_range = messages["Please enter a number from %(min)s to %(max)s."]
    assert expected_range.split("%(")[0].strip()[:12] in html


def test_refusal_of_a_form_from_another_site_speaks_the_browsers_language(client, meeting):
    page = open_form(client, meeting.public_code)
    response = client.post(
        f"/m/{meeting.public_code}",
        data=page.fields(VALID_ANSWERS),
        headers={"Sec-Fetch-Site": "cross-site", "Accept-Language": "ar"},
    )
    message = catalogue("ar")[
        "Answers are only accepted from the survey's own page. Please open the survey link again."
    ]
    assert response.status_code == 403 and html_lib.escape(message, quote=False) in response.get_data(as_text=True)


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_catalogue_is_complete_and_placeholders_match(language):
    with open(CATALOGUES[language], "rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    assert messages, "empty catalogue"
    placeholder = re.compile(r"%\(\w+\)s")
    for message in messages:
        assert "fuzzy" not in message.flags, f"{language}: fuzzy: {message.id}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated: {ids[0]}"
        wanted = set(placeholder.findall(ids[-1])) - {"%(num)s"}
        for text in strings:
            assert set(placeholder.findall(text)) - {"%(num)s"} == wanted, f"{language}: {ids[0]} -> {text}"


def test_catalogue_covers_every_string_of_the_template():
    with open(PROJECT / "translations" / "messages.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    for language in CATALOGUES:
        assert template <= set(catalogue(language)), f"{language} lacks strings of messages.pot: run make translations"


def test_missing_translation_falls_back_to_the_default_language_marked(client, db):
    # The network's label of "kita" lacks its Turkish text.
    actor_groups.add_groups(
        db, [(code, {k: v for k, v in labels.items() if (code, k) != ("kita", "tr")}) for code, labels in ACTOR_GROUPS]
    )
    meeting = add_meeting(db)
    page = client.get(f"/m/{meeting.public_code}?lang=tr").get_data(as_text=True)
    assert '<span lang="de" dir="ltr">Kita</span>' in page
    assert "Kreş" not in page and page.count("<span lang=") == 1


def test_app_refuses_to_start_without_compiled_catalogues(tmp_path, database_url):
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "de" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    with pytest.raises(RuntimeError, match=r"No compiled translation catalogue for tr, ar, ru, uk, fa, fr"):
        create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "x",
                "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path),
            }
        )


@pytest.mark.parametrize(
    "language, thousand", [("de", "1.000"), ("en", "1,000"), ("fr", "1\u202f000"), ("ru", "1\xa0000"), ("ar", "1,000")]
)
def test_numbers_follow_the_locale(client, meeting, language, thousand):
    page = open_form(client, meeting.public_code, lang=language)
    html = client.post(
        f"/m/{meeting.public_code}", data=page.fields({**VALID_ANSWERS, "comment": "x" * 1001, "language": language})
    ).get_data(as_text=True)
    assert thousand in html  # "at most 1,000 characters", with the locale's separator


@pytest.mark.parametrize("language, month", [("de", "März"), ("fr", "mars"), ("tr", "Mart"), ("uk", "березня")])
def test_dates_follow_the_locale(client, db, language, month):
    import datetime as dt

    meeting = add_meeting(db, opens=None, closes=None)
    from app.models import Meeting

    stored = db.get(Meeting, meeting.id)
    stored.opens_at = dt.datetime(2099, 3, 18, 15, 0)
    db.commit()
    html = client.get(f"/m/{meeting.public_code}?lang={language}").get_data(as_text=True)
    assert month in html and "2099" in html
