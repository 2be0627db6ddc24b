"""A translation workflow on a published questionnaire: a German text changes,
its seven translations are "to check"; one is confirmed in the translation
view, two languages come back from the translators' XLSX, and the coverage
counts what is still to check as missing."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.models import TranslationBasis
from app.questionnaires.builder import document
from app.questionnaires.translations import texts
from tests.conftest import IV1, count, csrf_of
from tests.questionnaires.builder.pages import main_form
from tests.questionnaires.builder.test_views import BUILDER, Builder

CHANGED = "Über das Netzwerk habe ich neue Kontakte geknüpft."


def published_then_edited(coordinator, db) -> Builder:
    """IV.1 published from the builder, then a draft of it whose German text of question 3 changed."""
    builder = Builder(coordinator, db)
    builder.start(template="iv-1", id="iv-1", title="")
    assert builder.post(f"/workspace/questionnaires/drafts/{builder.draft_id}/publish", {}).status_code == 302
    # Every translation of the published version, made from the source it was published with.
    assert count(db, TranslationBasis) == 7 * len(texts.entries(document.load(IV1.read_text("utf-8"))))
    builder.start(template="iv-1", id="iv-1", title="")
    fields = [(n, v) for n, v in main_form(builder.page("/questions/3")) if n != "text-de"]
    builder.saved(builder.url + "/questions/3", [*fields, ("text-de", CHANGED)])
    return builder


def test_a_changed_source_marks_its_translations_to_check(coordinator, db, demo_actor_groups):
    builder = published_then_edited(coordinator, db)
    overview = builder.page()
    assert "(1 to check)" in overview
    page = builder.page("/translations?to=en")
    assert "Question 3 · <strong>to check</strong>" in page
    assert CHANGED in page
    assert 'name="confirm" value="question.new_contacts.text"' in page
    # Confirming English leaves the other six to check.
    fields = main_form(page) + [("confirm", "question.new_contacts.text")]
    builder.saved(builder.url + "/translations?to=en", fields)
    assert "to check" not in builder.page("/translations?to=en").split('<form method="post" novalidate')[1]
    tr = builder.page("/translations?to=tr")
    assert "Question 3 · <strong>to check</strong>" in tr
    # Publishing asks first: six languages have a text to check.
    asked = builder.post(f"/workspace/questionnaires/drafts/{builder.draft_id}/publish", {})
    confirm = builder.client.get(asked.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert confirm.count("0 missing, 1 to check") == 6


def test_texts_go_to_translators_as_xlsx_and_come_back(coordinator, db, demo_actor_groups):
    builder = published_then_edited(coordinator, db)
    exported = builder.client.get(builder.url + "/translations.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("key", "context", "label::Deutsch (de)", "label::English (en)")
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["question.new_contacts.text"][1] == "Question 3"
    assert by_key["question.new_contacts.text"][2] == CHANGED
    assert by_key["question.new_contacts.text"][-1] == "to check: en, tr, ar, ru, uk, fa, fr"
    # The translators fill in two languages.
    english, turkish = rows[0].index("label::English (en)"), rows[0].index("label::Türkçe (tr)")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "question.new_contacts.text":
            row[english].value = "Through the network I have made new contacts."
            row[turkish].value = "Ağ sayesinde yeni ilişkiler kurdum."
    sheet.append(["question.no_such.text", "", "x"])
    back = io.BytesIO()
    sheet.parent.save(back)
    page = builder.page("/translations")
    imported = builder.client.post(
        builder.url + "/translations/import?lang=en",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(back.getvalue()), "texts.xlsx")},
        follow_redirects=True,
    )
    report = imported.get_data(as_text=True)
    assert "2 texts changed from the file." in report
    assert "Rows not in the questionnaire, left out: question.no_such.text." in report
    assert "Changed: question.new_contacts.text (en), question.new_contacts.text (tr)." in report
    source = builder.source()
    assert "Through the network I have made new contacts." in source and "Ağ sayesinde yeni ilişkiler kurdum." in source
    en = builder.page("/translations?to=en")
    assert "Question 3 · <strong>to check</strong>" not in en
    assert "Question 3 · <strong>to check</strong>" in builder.page("/translations?to=uk")


def test_a_broken_file_is_a_clear_answer(coordinator, db, demo_actor_groups):
    builder = Builder(coordinator, db)
    builder.start(template="iv-1", id="iv-1", title="")
    before = builder.source()
    page = builder.page("/translations")
    answer = builder.client.post(
        builder.url + "/translations/import?lang=en",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(b"PK\x03\x04 broken"), "texts.xlsx")},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "This file could not be read: it is not an XLSX file" in answer.get_data(as_text=True)
    assert builder.source() == before
    assert BUILDER in builder.url
