"""The coordinators' workspace: meetings, partners, questionnaire design, QR handouts."""

import io
import re

import numpy as np
import pytest
import segno
from openpyxl import Workbook
from sqlalchemy import func, select

from app.models import Meeting, PartnerOrganisation, QuestionnaireDraft, QuestionnaireVersion
from tests.conftest import IV1, VALID_ANSWERS, add_meeting, csrf_of, meeting_form, open_form, token

# --- meetings ------------------------------------------------------------------


def test_create_meeting_with_topics_and_window(coordinator, db, meeting):
    data = meeting_form(meeting.questionnaire_version_id, csrf_token=token(coordinator, "/workspace/meetings/new"))
    response = coordinator.post("/workspace/meetings/new", data=data)
    assert response.status_code == 302
    db.rollback()
    created = db.scalars(select(Meeting).filter_by(title="Netzwerktreffen Frühjahr")).one()
    # Topics entered anew join the topic list, entered by coordinators, and the meeting links them.
    assert [(t.title, t.topic.titles, t.topic.origin, t.brought_in_by_members) for t in created.topics] == [
        ("Sprachbildung", {"de": "Sprachbildung"}, "coordinators", False),
        ("Übergänge", {"de": "Übergänge"}, "coordinators", False),
    ]
    assert created.attended == 140 and created.invited == 300 and created.good_practice_presentations == 2
    assert created.opens_at.isoformat() == "2026-03-18T15:00:00"  # 16:00 in Freiburg is 15:00 UTC
    assert len(created.public_code) == 10


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "This field is required."),
        ("date", "18.03.", "Not a valid date value."),
        ("closes_at", "2026-03-18T15:00", "The survey must close after it opens."),
        ("attended", "-4", "Number must be between 0 and 100000."),
        ("invited", "viele", "Not a valid integer value."),
        ("questionnaire_version_id", "99999", "Not a valid choice."),
    ],
)
def test_bad_meeting_input_is_shown_beside_the_field_with_input_kept(coordinator, db, meeting, field, value, message):
    data = meeting_form(
        meeting.questionnaire_version_id, csrf_token=token(coordinator, "/workspace/meetings/new"), **{field: value}
    )
    response = coordinator.post("/workspace/meetings/new?lang=en", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field_block = html.split(f'for="{field}"', 1)[1].split('<div class="q', 1)[0]
    assert message in field_block
    assert 'value="Freiburg, Rathaus"' in html and 'value="Sprachbildung"' in html
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Meeting)) == 1


def test_edit_meeting_keeps_its_public_code(coordinator, db, meeting):
    page = coordinator.get(f"/workspace/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Netzwerktreffen"' in page
    data = meeting_form(meeting.questionnaire_version_id, csrf_token=csrf_of(page), title="Umbenannt")
    assert coordinator.post(f"/workspace/meetings/{meeting.id}/edit", data=data).status_code == 302
    db.rollback()
    edited = db.get(Meeting, meeting.id)
    assert edited.title == "Umbenannt" and edited.public_code == meeting.public_code


def test_open_and_close_with_one_click(coordinator, client, db):
    meeting = add_meeting(db, opens=None, closes=None)
    assert "not open yet" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)
    coordinator.post(f"/workspace/meetings/{meeting.id}/open", data={"csrf_token": token(coordinator)})
    assert "<form" in client.get(f"/m/{meeting.public_code}").get_data(as_text=True)
    coordinator.post(f"/workspace/meetings/{meeting.id}/close", data={"csrf_token": token(coordinator)})
    assert "has closed" in client.get(f"/m/{meeting.public_code}?lang=en").get_data(as_text=True)


def test_open_without_csrf_token_is_refused(coordinator, db):
    meeting = add_meeting(db, opens=None, closes=None)
    assert coordinator.post(f"/workspace/meetings/{meeting.id}/open").status_code == 400
    db.rollback()
    assert db.get(Meeting, meeting.id).opens_at is None


def test_meeting_list_and_dashboard_count_responses(coordinator, app, db):
    meeting = add_meeting(db, attended=40)
    for _ in range(3):
        phone = app.test_client()
        page = open_form(phone, meeting.public_code)
        phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    listing = coordinator.get("/workspace/meetings/?lang=en").get_data(as_text=True)
    row = listing.split(f'id="meeting-{meeting.id}"', 1)[1].split("</tr>", 1)[0]
    assert '>3</span> <small>(<span class="responses">8%</span>)</small>' in row and "40" in row and "open" in row
    home = coordinator.get("/workspace/?lang=en").get_data(as_text=True)
    assert "Open surveys" in home and "8%" in home and "of 40 attendees" in home


def test_unknown_meeting_is_404(coordinator):
    assert coordinator.get("/workspace/meetings/999999/edit").status_code == 404
    assert coordinator.get("/workspace/meetings/999999/qr.svg").status_code == 404


# --- partner organisations --------------------------------------------------------


def test_partner_register(coordinator, db, demo_actor_groups):
    url = "/workspace/partners/"
    for name, status in (("Stadtbibliothek", "won"), ("Elternverein Weingarten", "informed")):
        response = coordinator.post(
            url,
            data={
                "csrf_token": token(coordinator, url),
                "name": name,
                "actor_group": "education_provider",
                "status": status,
            },
        )
        assert response.status_code == 302
    duplicate = coordinator.post(
        url + "?lang=en",
        data={
            "csrf_token": token(coordinator, url),
            "name": "Stadtbibliothek",
            "actor_group": "school",
            "status": "won",
        },
    )
    assert duplicate.status_code == 422 and "already in the register" in duplicate.get_data(as_text=True)
    bad = coordinator.post(
        url, data={"csrf_token": token(coordinator, url), "name": "X", "actor_group": "spaceship", "status": "won"}
    )
    assert bad.status_code == 422 and 'value="X"' in bad.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(PartnerOrganisation)) == 2
    library = db.scalars(select(PartnerOrganisation).filter_by(name="Stadtbibliothek")).one()
    edit = coordinator.post(
        f"{url}{library.id}",
        data={
            "csrf_token": token(coordinator, url),
            "name": "Stadtbibliothek",
            "actor_group": "education_provider",
            "status": "informed",
        },
    )
    assert edit.status_code == 302
    db.rollback()
    assert db.get(PartnerOrganisation, library.id).status == "informed"


# --- questionnaire design ---------------------------------------------------------


def new_draft(client, source: str) -> str:
    response = client.post(
        "/workspace/questionnaires/drafts",
        data={"csrf_token": token(client, "/workspace/questionnaires/"), "source": source},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_editor_shows_each_error_with_line_and_path_and_keeps_the_text(coordinator, demo_actor_groups):
    broken = IV1.read_text("utf-8").replace("target: 0.2", "target: 2")
    url = new_draft(coordinator, broken)
    response = coordinator.get(url + "?lang=en")
    html = response.get_data(as_text=True)
    line = broken.splitlines().index("    target: 2") + 1
    assert response.status_code == 422
    indicator = "At least 20 % of respondents gained new cooperation partners."
    assert f"line {line}</a>: Indicator 3 “{indicator}”, target: target must lie strictly between 0 and 1" in html
    assert "target: 2" in html  # the text is kept
    assert "Publish" not in html
    # Fixing it in the text area makes it valid; the draft keeps the new text.
    fixed = coordinator.post(url + "?lang=en", data={"csrf_token": csrf_of(html), "source": IV1.read_text("utf-8")})
    assert fixed.status_code == 200 and "The questionnaire is valid" in fixed.get_data(as_text=True)


def test_yaml_syntax_error_in_the_editor(coordinator):
    html = coordinator.get(new_draft(coordinator, "id: x\ntitle: {de: a\n") + "?lang=en").get_data(as_text=True)
    assert "YAML syntax error" in html and "line 3" in html


def test_preview_equals_the_participant_page(coordinator, client, db, meeting):
    def form_part(html):
        body = html.split("<form", 1)[1].split("</form>", 1)[0]
        body = re.sub(r'name="(csrf_token|submission_id)" type="hidden" value="[^"]*"', "", body)
        return re.sub(r'action="[^"]*"', "", body)

    for language in ("de", "en"):
        participant = client.get(f"/m/{meeting.public_code}?lang={language}").get_data(as_text=True)
        preview = coordinator.get(
            f"/workspace/questionnaires/versions/{meeting.questionnaire_version_id}/preview?lang={language}"
        ).get_data(as_text=True)
        assert form_part(preview) == form_part(participant)
        assert f'<html lang="{language}"' in preview and "Answers are not saved" in preview or language == "de"


def test_publish_then_freeze_then_new_version(coordinator, app, db, meeting):
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    phone = app.test_client()
    page = open_form(phone, meeting.public_code)
    phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    # Editing an answered version starts a draft for the next version.
    response = coordinator.post(
        f"/workspace/questionnaires/versions/{version.id}/edit",
        data={"csrf_token": token(coordinator, "/workspace/questionnaires/")},
    )
    draft_url = response.headers["Location"]
    html = coordinator.get(draft_url + "?lang=en").get_data(as_text=True)
    assert "version: 2" in html and "Publish as version 2" in html
    changed = IV1.read_text("utf-8").replace("version: 1", "version: 2", 1).replace("Bitte nennen Sie", "Nennen Sie")
    coordinator.post(draft_url, data={"csrf_token": csrf_of(html), "source": changed})
    draft_id = int(draft_url.rstrip("/").rsplit("/", 1)[1])
    published = coordinator.post(
        f"/workspace/questionnaires/drafts/{draft_id}/publish", data={"csrf_token": token(coordinator, draft_url)}
    )
    assert published.status_code == 302
    db.rollback()
    versions = db.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert "Bitte nennen Sie" in versions[0].source  # the answered version is untouched
    assert db.get(QuestionnaireDraft, draft_id) is None
    diff = coordinator.get(f"/workspace/questionnaires/diff?old={versions[0].id}&new={versions[1].id}&lang=en")
    text = diff.get_data(as_text=True)
    assert '<span class="removed"><span class="visually-hidden">removed: </span>− ' in text
    assert "Bitte nennen Sie" in text and "Nennen Sie keine" in text


def test_publishing_a_frozen_version_number_is_refused(coordinator, app, db, meeting):
    phone = app.test_client()
    page = open_form(phone, meeting.public_code)
    phone.post(f"/m/{meeting.public_code}", data=page.fields(VALID_ANSWERS))
    url = new_draft(coordinator, IV1.read_text("utf-8").replace("Bitte nennen Sie", "Nennen Sie"))
    draft_id = int(url.rstrip("/").rsplit("/", 1)[1])
    response = coordinator.post(
        f"/workspace/questionnaires/drafts/{draft_id}/publish?lang=en",
        data={"csrf_token": token(coordinator, url)},
        follow_redirects=True,
    )
    assert "Raise the version number" in response.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1
    assert db.get(QuestionnaireDraft, draft_id) is not None  # nothing lost


def xlsform_bytes() -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Deutsch (de)", "label::English (en)", "required", "relevant", "constraint"])
    survey.append(["start", "start", None, None, None, None, None])
    survey.append(["select_one groups", "Actor-Group", "Bereich", "Field", "yes", None, None])
    survey.append(["select_one yn", "contacts", "Neue Kontakte?", "New contacts?", "true", None, None])
    survey.append(["select_one yn", "partners", "Neue Partner?", "New partners?", None, "${contacts} = 'yes'", None])
    survey.append(["integer", "visits", "Wie oft?", "How often?", None, None, ". >= 1 and . <= 20"])
    survey.append(["text", "comment", "Anmerkungen", "Comments", None, "${visits} > 3", None])
    survey.append(["geopoint", "where", "Wo?", "Where?", None, None, None])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Deutsch (de)", "label::English (en)"])
    for row in (
        ("groups", "school", "Schule", "School"),
        ("groups", "kita", "Kita", "Day care"),
        ("yn", "yes", "Ja", "Yes"),
        ("yn", "no", "Nein", "No"),
    ):
        choices.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Rückmeldung", "feedback_2026", "3", "Deutsch (de)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsform_import_becomes_a_draft_with_a_report(coordinator, db):
    response = coordinator.post(
        "/workspace/questionnaires/drafts",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(coordinator, "/workspace/questionnaires/"),
            "file": (io.BytesIO(xlsform_bytes()), "kobo.xlsx"),
        },
    )
    assert response.status_code == 302
    html = coordinator.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "What the import could not carry over" in html
    assert "type &#39;geopoint&#39; is not supported" in html
    assert "relevant &#39;${visits} &gt; 3&#39; is not a simple condition" in html
    assert "records metadata about the person or device" in html  # "start" is not carried over
    assert "name &#39;Actor-Group&#39; became &#39;actor_group&#39;" in html
    db.rollback()
    draft = db.scalars(select(QuestionnaireDraft)).one()
    from app.questionnaires.model import check_questionnaire

    result = check_questionnaire(draft.source)
    assert result.questionnaire is not None, result.problems  # valid apart from what the report names
    q = result.questionnaire
    assert q.id == "feedback-2026" and q.version == 3 and q.languages == ("de", "en")
    assert [question.id for question in q.questions] == ["actor_group", "contacts", "partners", "visits", "comment"]
    assert q.question("contacts").type == "yes_no_dont_know" and q.question("contacts").required
    assert q.question("partners").show_if.question == "contacts" and q.question("partners").show_if.any_of == ("yes",)
    assert (q.question("visits").min, q.question("visits").max) == (1, 20)
    assert q.question("actor_group").options[1].label == {"de": "Kita", "en": "Day care"}


def test_upload_of_a_broken_file_is_a_clear_answer(coordinator):
    response = coordinator.post(
        "/workspace/questionnaires/drafts?lang=en",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(coordinator, "/workspace/questionnaires/"),
            "file": (io.BytesIO(b"not a zip"), "broken.xlsx"),
        },
    )
    assert response.status_code == 422 and "could not be read" in response.get_data(as_text=True)
    wrong = coordinator.post(
        "/workspace/questionnaires/drafts?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token(coordinator, "/workspace/questionnaires/"), "file": (io.BytesIO(b"x"), "evil.exe")},
    )
    assert wrong.status_code == 422 and "Please choose a .yaml or .xlsx file." in wrong.get_data(as_text=True)


def test_yaml_upload_becomes_a_draft(coordinator, demo_actor_groups):
    response = coordinator.post(
        "/workspace/questionnaires/drafts",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(coordinator, "/workspace/questionnaires/"),
            "file": (io.BytesIO(IV1.read_bytes()), "iv-1.yaml"),
        },
    )
    html = coordinator.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The questionnaire is valid: iv-1 version 1" in html


# --- QR handouts -----------------------------------------------------------------


def decode_qr(matrix_rows) -> str:
    import zxingcpp

    image = np.array([[0 if dark else 255 for dark in row] for row in matrix_rows], dtype=np.uint8)
    image = np.kron(image, np.ones((8, 8), dtype=np.uint8))
    image = np.pad(image, 32, constant_values=255)
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found"
    return found[0].text


def test_qr_code_decodes_to_the_participant_link(coordinator, client, meeting):
    svg = coordinator.get(f"/workspace/meetings/{meeting.id}/qr.svg").get_data(as_text=True)
    assert svg.lstrip().startswith("<svg")
    png = coordinator.get(f"/workspace/meetings/{meeting.id}/qr.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    link = f"http://localhost/m/{meeting.public_code}"
    from app.meetings.handouts import ERROR_CORRECTION

    decoded = decode_qr(segno.make(link, error=ERROR_CORRECTION, micro=False).matrix)
    assert decoded == link
    # The handout page carries the same link, and the link works for a phone.
    handout = coordinator.get(f"/workspace/meetings/{meeting.id}/handout").get_data(as_text=True)
    assert link.removeprefix("http://") in handout and handout.count("<svg") == 5
    assert "<form" in client.get(link.replace("http://localhost", "")).get_data(as_text=True)


def test_qr_png_decodes(coordinator, meeting):
    import zlib

    png = coordinator.get(f"/workspace/meetings/{meeting.id}/qr.png").data
    # Decode the PNG ourselves (greyscale or palette, 8-bit or 1-bit) to avoid an image library.
    chunks, position = {}, 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind = png[position + 4 : position + 8]
        chunks.setdefault(kind, b"")
        chunks[kind] += png[position + 8 : position + 8 + length]
        position += 12 + length
    width, height = int.from_bytes(chunks[b"IHDR"][:4], "big"), int.from_bytes(chunks[b"IHDR"][4:8], "big")
    depth = chunks[b"IHDR"][8]
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = (width * depth + 7) // 8
    rows, previous = [], np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)], dtype=np.uint8)
        assert kind in (0, 2), f"PNG filter {kind} not handled by this test"
        line = (line + previous).astype(np.uint8) if kind == 2 else line  # "Up": add the row above
        previous = line
        rows.append(np.unpackbits(line)[:width] if depth == 1 else line)
    pixels = np.array(rows)
    dark_value = 0
    modules = [[pixel == dark_value for pixel in row[::16]] for row in pixels[::16]]
    assert decode_qr(modules) == f"http://localhost/m/{meeting.public_code}"


def test_handout_invites_in_each_language_of_the_questionnaire(coordinator, meeting):
    html = coordinator.get(f"/workspace/meetings/{meeting.id}/handout").get_data(as_text=True)
    from app.questionnaires.model import parse_questionnaire

    languages = parse_questionnaire(IV1.read_text("utf-8")).languages
    for language in languages:
        assert f'<li lang="{language}"' in html
