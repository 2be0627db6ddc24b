"""Printed handouts read back as a phone and a reader would: every page of
every PDF rendered at 150 dpi, every QR code on it decoded, its text read."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from babel.dates import format_date, format_time
from babel.support import Translations
from sqlalchemy import func, select, update

from app.meetings import handouts
from app.models import AccessCode, Meeting
from tests.conftest import PROJECT, add_meeting, count, csrf_of, token
from tests.printed import is_a4, scan

PLACE = "Freiburg, Rathaus"
TIME_ZONE = zoneinfo.ZoneInfo("Europe/Berlin")  # the network's, by default


# Fixed days, so that no word of the meeting's date is one of the deadline's.
DAY = dt.date(2026, 3, 18)
CLOSES_AT = dt.datetime(2026, 4, 1, 14, 30)  # UTC: 16:30 in Freiburg


def printed_meeting(db, **fields) -> Meeting:
    meeting = add_meeting(db, **fields)
    if meeting.closes_at is not None:
        printed = {"place": PLACE, "date": DAY, "closes_at": CLOSES_AT}
        db.execute(update(Meeting).where(Meeting.id == meeting.id).values(**printed))
        db.commit()
        for name, value in printed.items():
            setattr(meeting, name, value)
    return meeting


def ui_text(language: str, message: str) -> str:
    return Translations.load(str(PROJECT / "translations"), [language]).gettext(message)


def what_every_page_says(meeting, language: str) -> list[str]:
    """The date, the place and the deadline, as babel writes them in ``language`` (the network's time zone)."""
    closes = meeting.closes_at.replace(tzinfo=dt.UTC).astimezone(TIME_ZONE)
    return [
        format_date(meeting.date, "long", locale=language),
        PLACE,
        format_date(closes, "long", locale=language),
        format_time(closes, "short", locale=language),
    ]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def says(page_text: str, expected: str, language: str) -> int:
    """How often ``expected`` is on the page.  Right-to-left text comes out of
    the PDF in visual order where it mixes with numbers, so there the lines
    holding every word of it are counted."""
    if language in ("ar", "fa"):
        wanted = set(words(expected))
        return sum(wanted <= set(words(line)) for line in page_text.splitlines())
    return " ".join(page_text.split()).count(expected)


def link_of(meeting) -> str:
    return f"http://localhost/m/{meeting.public_code}"


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_handout_pdf_scans_on_every_page(coordinator, db, language):
    meeting = printed_meeting(db)
    response = coordinator.get(f"/workspace/meetings/{meeting.id}/handout.pdf?language={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    poster, cards = pages = scan(response.data)
    assert all(is_a4(page) for page in pages)
    # One large code on the poster, four on the sheet of cards: each decodes to the link.
    assert poster.codes == (link_of(meeting),)
    assert cards.codes == (link_of(meeting),) * 4
    for expected in what_every_page_says(meeting, language):
        assert says(poster.text, expected, language) >= 1, expected
        assert says(cards.text, expected, language) == 4, expected  # on each card
    for page in pages:
        assert says(page.text, handouts.short_link(link_of(meeting)), "de") == len(page.codes)
    # Labelled in the language asked for; the invitation in every language offered.
    until = ui_text(language, "Answer until %(date)s, %(time)s").split("%")[0].strip()
    assert until and until in poster.text
    for other in ("de", "ar", "fa", "uk"):
        line = ui_text(other, "Your opinion counts: scan the code and answer anonymously in three minutes.")
        assert words(line)[0] in poster.text and words(line)[-1] in cards.text


def test_the_handout_names_the_organiser_of_the_settings(coordinator, db):
    from app.models import NetworkSettings

    db.add(
        NetworkSettings(
            name="Bildung und Migration",
            operator_name="Amt für Migration und Integration",
            languages="de,en,ar",
            default_language="de",
            time_zone="Europe/Berlin",
        )
    )
    db.commit()
    meeting = printed_meeting(db)
    poster, cards = scan(coordinator.get(f"/workspace/meetings/{meeting.id}/handout.pdf?language=de").data)
    assert "Amt für Migration und Integration" in " ".join(poster.text.split())
    assert " ".join(cards.text.split()).count("Amt für Migration und Integration") == 4
    # The invitation only in the languages both the network and the questionnaire offer.
    assert (
        "Türkçe" not in poster.text
        and ui_text("tr", "Your opinion counts: scan the code and answer anonymously in three minutes.")
        not in poster.text
    )


def test_the_browser_page_shows_the_same_sheets(coordinator, db):
    meeting = printed_meeting(db)
    html = coordinator.get(f"/workspace/meetings/{meeting.id}/handout?lang=de").get_data(as_text=True)
    assert html.count('class="sheet poster"') == 1 and html.count('class="card"') == 4
    # Scalable codes: a viewBox and no fixed size, so no card cuts its code off.
    svgs = re.findall(r"<svg [^>]*>", html)
    assert len(svgs) == 5 and all('viewBox="0 0 ' in svg and "width" not in svg for svg in svgs)
    assert "print.css" in html
    for language in ("de", "ar", "fa"):
        assert f"handout.pdf?language={language}" in html
        paper = f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/paper.pdf?language={language}&amp;meeting={meeting.id}"
        assert paper in html  # the paper questionnaire of this meeting, printed before it opens


def test_a_handout_needs_a_closing_time(coordinator, db):
    meeting = add_meeting(db, opens=None, closes=None)
    for path in ("handout", "handout.pdf?language=de"):
        response = coordinator.get(f"/workspace/meetings/{meeting.id}/{path}&lang=en".replace("handout&", "handout?"))
        assert response.status_code == 422
        assert "no survey window" in response.get_data(as_text=True)


def test_a_handout_in_a_language_not_offered_is_refused(coordinator, db):
    meeting = printed_meeting(db)
    response = coordinator.get(f"/workspace/meetings/{meeting.id}/handout.pdf?language=xx&lang=en")
    assert response.status_code == 422 and "not offered" in response.get_data(as_text=True)


# --- cards with access codes ------------------------------------------------------


def made_codes(client, meeting, how_many: int) -> tuple[list[str], str]:
    page = client.get(f"/workspace/meetings/{meeting.id}/codes").get_data(as_text=True)
    listing = client.post(
        f"/workspace/meetings/{meeting.id}/codes", data={"csrf_token": csrf_of(page), "count": str(how_many)}
    ).get_data(as_text=True)
    found = re.findall(r'name="code" value="([A-Z0-9-]+)"', listing)
    return found[: len(found) // 2], csrf_of(listing)  # the CSV form and the cards form carry them


@pytest.mark.parametrize("language", ["de", "ar"])
def test_code_cards_scan_one_code_each(coordinator, db, language):
    meeting = printed_meeting(db, survey_access=Meeting.ACCESS_CODES)
    shown, csrf = made_codes(coordinator, meeting, 6)
    assert len(set(shown)) == 6
    before = db.execute(select(AccessCode.digest, AccessCode.used)).all()
    response = coordinator.post(
        f"/workspace/meetings/{meeting.id}/codes.pdf", data={"csrf_token": csrf, "code": shown, "language": language}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = scan(response.data)
    assert len(pages) == 2 and all(is_a4(page) for page in pages)
    assert [len(page.codes) for page in pages] == [4, 2]
    # Each card's QR code carries its own code; each code is printed for typing on the page of its card.
    links = {f"{link_of(meeting)}?code={code}": code for code in shown}
    found = [link for page in pages for link in page.codes]
    assert sorted(found) == sorted(links)
    for page in pages:
        for link in page.codes:
            assert links[link] in page.text
        for expected in what_every_page_says(meeting, language):
            assert says(page.text, expected, language) == len(page.codes), expected
    # Printing records nothing.
    db.rollback()
    assert db.execute(select(AccessCode.digest, AccessCode.used)).all() == before


def test_code_cards_come_in_random_order(app, db):
    meeting = add_meeting(db, survey_access=Meeting.ACCESS_CODES)
    made = [f"{n:08d}".translate(str.maketrans("01", "ab")) for n in range(40)]
    with app.test_request_context():
        orders = {tuple(card.code for card in handouts.access_code_cards(meeting, made)) for _ in range(3)}
    assert len(orders) == 3  # 40! orders: the same twice is never seen


def test_code_cards_for_an_open_link_meeting_are_refused(coordinator, db):
    meeting = printed_meeting(db)
    response = coordinator.post(
        f"/workspace/meetings/{meeting.id}/codes.pdf?lang=en",
        data={"csrf_token": token(coordinator), "code": ["ABCD-EFGH"], "language": "de"},
    )
    assert response.status_code == 422 and "open link" in response.get_data(as_text=True)


def test_code_cards_only_for_this_meetings_codes(coordinator, db):
    meeting = printed_meeting(db, survey_access=Meeting.ACCESS_CODES)
    other = printed_meeting(db, survey_access=Meeting.ACCESS_CODES)
    shown, csrf = made_codes(coordinator, other, 2)
    response = coordinator.post(
        f"/workspace/meetings/{meeting.id}/codes.pdf?lang=en",
        data={"csrf_token": csrf, "code": shown, "language": "de"},
    )
    assert response.status_code == 422 and "Only codes made for this meeting" in response.get_data(as_text=True)


# --- the command line -----------------------------------------------------------------


def test_flask_meetings_handout_writes_the_pdf(runner, db, tmp_path):
    meeting = printed_meeting(db)
    out = tmp_path / "handout.pdf"
    result = runner.invoke(args=["meetings", "handout", meeting.public_code, "--out", str(out), "--lang", "ar"])
    assert result.exit_code == 0, result.output
    poster, cards = scan(out.read_bytes())
    assert len(poster.codes) == 1 and len(cards.codes) == 4
    assert set(poster.codes + cards.codes) == {f"http://127.0.0.1:5000/m/{meeting.public_code}"}
    assert says(cards.text, PLACE, "ar") == 4
    # Never over an existing file.
    again = runner.invoke(args=["meetings", "handout", meeting.public_code, "--out", str(out)])
    assert again.exit_code == 1 and "exists" in again.output


def test_flask_meetings_handout_with_codes_makes_one_card_per_code(runner, db, tmp_path):
    meeting = printed_meeting(db, survey_access=Meeting.ACCESS_CODES, attended=4)
    out = tmp_path / "cards.pdf"
    result = runner.invoke(args=["meetings", "handout", meeting.public_code, "--codes", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = scan(out.read_bytes())
    assert [len(page.codes) for page in pages] == [4, 1]  # 4 attendees and 10 % more: 5 codes
    found = {link for page in pages for link in page.codes}
    assert len(found) == 5 and count(db, AccessCode) == 5
    prefix = f"http://127.0.0.1:5000/m/{meeting.public_code}?code="
    assert all(link.startswith(prefix) for link in found)
    for page in pages:
        assert all(link.removeprefix(prefix) in page.text for link in page.codes)


@pytest.mark.parametrize(
    ("fields", "arguments", "message"),
    [
        ({}, ["--codes", "--count", "3"], "open link"),
        ({"opens": None, "closes": None}, [], "no survey window"),
        ({}, ["--lang", "xx"], "not in 'xx'"),
        ({"survey_access": Meeting.ACCESS_CODES}, ["--codes"], "--count"),
        ({}, ["--count", "3"], "--count goes with --codes"),
    ],
)
def test_flask_meetings_handout_refuses_clearly(runner, db, tmp_path, fields, arguments, message):
    meeting = add_meeting(db, **fields)
    out = tmp_path / "handout.pdf"
    result = runner.invoke(args=["meetings", "handout", meeting.public_code, "--out", str(out), *arguments])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert not out.exists() and count(db, AccessCode) == 0
    db.rollback()
    assert db.scalar(select(func.count()).select_from(AccessCode)) == 0


def test_flask_meetings_codes_writes_the_cards_with_the_csv(runner, db, tmp_path):
    meeting = printed_meeting(db, survey_access=Meeting.ACCESS_CODES)
    out, cards = tmp_path / "codes.csv", tmp_path / "cards.pdf"
    result = runner.invoke(
        args=["meetings", "codes", meeting.public_code, "--count", "3", "--out", str(out), "--cards", str(cards)]
    )
    assert result.exit_code == 0, result.output
    listed = {line.split(",")[1] for line in out.read_text().splitlines()[1:]}
    (page,) = scan(cards.read_bytes())
    assert len(listed) == 3 and set(page.codes) == listed
    # No file is overwritten and no code made when the cards cannot be written.
    again = runner.invoke(
        args=[
            "meetings",
            "codes",
            meeting.public_code,
            "--count",
            "3",
            "--out",
            str(tmp_path / "new.csv"),
            "--cards",
            str(cards),
        ]
    )
    assert again.exit_code == 1 and "exists" in again.output and not (tmp_path / "new.csv").exists()
    assert count(db, AccessCode) == 3
