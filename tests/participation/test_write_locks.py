"""Write locks only for writing: a participant's submission is not kept
waiting by a slow coordinator request.

The slow requests are real work, nothing is mocked: a questionnaire draft of
almost 200,000 characters (the editor's limit) in all eight languages, whose
check takes over two seconds on a 2-core machine; an XLSForm workbook of
2000 rows per sheet (the import's limit), read in full before it is refused
as too long for a draft; and two seconds of hostile uploads (the bombs of
tests/questionnaires/test_intake_limits.py), each refused in milliseconds.  The
coordinator's request runs in a thread of the same app (its own test client,
its own connection) while phones open the form and submit, one after the
other, in the test's thread.

On SQLite the database has one write lock.  A staff view that began its
write transaction (``writing()``) before it checks would hold that lock for
those seconds, and every phone's ``BEGIN IMMEDIATE`` would queue behind it:
no phone could finish while the coordinator's request runs.  PostgreSQL has
no such lock; there the test shows that nothing the coordinator's
transaction touches keeps a submission waiting.
"""

from __future__ import annotations

import io
import statistics
import threading
import time
from types import SimpleNamespace

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.languages import NATIVE_NAMES
from app.models import QuestionnaireDraft, Response
from app.questionnaires import drafts
from app.questionnaires.workbook import MAX_ROWS
from tests.conftest import VALID_ANSWERS, count, open_form, token
from tests.questionnaires.test_intake_limits import XLSX_BOMBS, YAML_BOMBS

pytestmark = pytest.mark.slow

LANGUAGES = ("de", "en", "tr", "ar", "ru", "uk", "fa", "fr")
# Language columns as KoboToolbox names them: label::Deutsch (de).
XLSFORM_LANGUAGES = tuple(f"{NATIVE_NAMES[language]} ({language})" for language in LANGUAGES)
EDITOR_LIMIT = 200_000  # characters (questionnaires/forms.py)
FAST_ENOUGH = 1.0  # seconds for a participant's POST
PHONES_AT_LEAST = 3  # submissions that must begin and end while the coordinator's request runs


def large_draft(limit: int) -> str:
    """A valid questionnaire in eight languages, as long as fits in ``limit`` characters."""

    def texts(word: str) -> str:
        return "{" + ", ".join(f"{language}: {word}" for language in LANGUAGES) + "}"

    source = (
        f"id: large\nversion: 1\nmittlerziel: {{code: X.1, text: {texts('Ziel')}}}\ntitle: {texts('Titel')}\n"
        f"languages: [{', '.join(LANGUAGES)}]\nquestions:\n"
    )
    number = 0
    while True:
        options = "".join(f"\n      - {{code: {code}, label: {texts(code)}}}" for code in "abcdefgh")
        question = (
            f"  - id: q{number}\n    type: single_choice\n    text: {texts(f'F{number}')}\n    options:{options}\n"
        )
        if len(source) + len(question) > limit:
            return source
        source += question
        number += 1


def large_xlsform() -> bytes:
    """An XLSForm workbook as large as the import reads: a question per survey row, five options per list."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "required", *(f"{kind}::{name}" for kind in ("label", "hint") for name in XLSFORM_LANGUAGES)]
    )
    lists = (MAX_ROWS - 1) // 5
    for number in range(MAX_ROWS - 1):
        survey.append(
            [f"select_one list{number % lists}", f"q{number}", "yes"]
            + [f"Frage {number} ({name})" for name in XLSFORM_LANGUAGES]
            + [f"Hinweis {number}" for _ in XLSFORM_LANGUAGES]
        )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{name}" for name in XLSFORM_LANGUAGES)])
    for number in range(lists * 5):
        choices.append([f"list{number // 5}", f"o{number % 5}", *(f"Option {number}" for _ in XLSFORM_LANGUAGES)])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "default_language"])
    settings.append(["large", XLSFORM_LANGUAGES[0]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def draft_check(coordinator, db):
    """The editor: a long draft sent to be checked and saved."""
    draft = drafts.save_draft(db, "id: large\n")
    db.commit()
    url = f"/workspace/questionnaires/drafts/{draft.id}"
    data = {"csrf_token": token(coordinator, url), "source": large_draft(EDITOR_LIMIT)}
    db.rollback()

    def save_again_and_again():
        # A fast parser checks the largest draft in about half a second: saved
        # three times over, long enough for several phones to send meanwhile.
        for _ in range(3):
            response = coordinator.post(url, data=data)
        return response

    return save_again_and_again, 200, EDITOR_LIMIT // 2  # the coordinator's work is saved


def xlsform_upload(coordinator, db):
    """The XLSForm import: a large workbook read and turned into a draft."""
    data = {"csrf_token": token(coordinator, "/workspace/questionnaires/"), "file": None}
    workbook = large_xlsform()

    def upload():
        data["file"] = (io.BytesIO(workbook), "large.xlsx")
        return coordinator.post("/workspace/questionnaires/drafts", content_type="multipart/form-data", data=data)

    # Read in full, then refused: its questionnaire would be longer than a draft may be.
    return upload, 422, None


def bomb_uploads(coordinator, db):
    """Hostile files, one after the other for two seconds: each is refused in
    milliseconds, and none may hold up a participant meanwhile."""
    csrf = token(coordinator, "/workspace/questionnaires/")
    files = [(make(), "bomb.xlsx") for make, _codes in XLSX_BOMBS.values()]
    files += [(make().encode(), "bomb.yaml") for make, _code in YAML_BOMBS.values()]

    def uploads():
        statuses = set()
        ends = time.perf_counter() + 2.0
        while time.perf_counter() < ends:
            for content, name in files:
                response = coordinator.post(
                    "/workspace/questionnaires/drafts",
                    content_type="multipart/form-data",
                    data={"csrf_token": csrf, "file": (io.BytesIO(content), name)},
                )
                statuses.add(response.status_code)
        return SimpleNamespace(status_code=statuses)

    # Workbooks are refused (422); YAML bombs become drafts whose page explains them (302).
    return uploads, {302, 422}, 0


@pytest.mark.parametrize(
    "slow_request", [draft_check, xlsform_upload, bomb_uploads], ids=["draft check", "xlsform upload", "bomb uploads"]
)
def test_a_submission_is_not_kept_waiting_by_a_slow_coordinator_request(app, coordinator, db, meeting, slow_request):
    send, expected_status, saved = slow_request(coordinator, db)
    code = meeting.public_code
    staff = {}

    def coordinator_request():
        staff["began"] = time.perf_counter()
        staff["status"] = send().status_code
        staff["ended"] = time.perf_counter()

    thread = threading.Thread(target=coordinator_request)
    thread.start()
    time.sleep(0.2)  # the coordinator's request is under way: past its login and form checks
    posts = []  # (began, ended) of each participant POST
    try:
        while thread.is_alive():
            phone = app.test_client()
            page = open_form(phone, code)
            began = time.perf_counter()
            response = phone.post(f"/m/{code}", data=page.fields(VALID_ANSWERS))
            posts.append((began, time.perf_counter()))
            assert response.status_code == 303
    finally:
        thread.join()

    assert staff["status"] == expected_status
    during = [(began, ended) for began, ended in posts if staff["began"] < began and ended < staff["ended"]]
    latencies = [ended - began for began, ended in posts]
    engine = app.extensions["resonanz.db"].engine.dialect.name
    print(
        f"\n{engine}, {slow_request.__name__}: coordinator request {staff['ended'] - staff['began']:.2f} s; "
        f"{len(during)} of {len(posts)} participant POSTs within it; "
        f"POST median {statistics.median(latencies) * 1000:.0f} ms, longest {max(latencies) * 1000:.0f} ms"
    )
    assert len(during) >= PHONES_AT_LEAST, "the participants waited for the coordinator's request to end"
    assert max(latencies) < FAST_ENOUGH
    assert count(db, Response) == len(posts)
    db.rollback()
    stored = db.scalars(select(QuestionnaireDraft.source)).all()
    if saved is None:
        assert stored == []
    else:
        assert stored and all(len(source) > saved for source in stored)
    db.rollback()
