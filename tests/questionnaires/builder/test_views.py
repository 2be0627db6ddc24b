"""The builder in the workspace, as a browser without JavaScript uses it: one
form post per change, each saved to the draft at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import QuestionnaireDraft, QuestionnaireVersion
from app.questionnaires.model import parse_questionnaire
from tests.conftest import ACTOR_GROUP_OPTIONS, IV1, csrf_of
from tests.questionnaires.builder.pages import main_form

BUILDER = "/workspace/questionnaires/builder"


class Builder:
    """A coordinator at the builder: pages opened, forms sent, the draft read back."""

    def __init__(self, client, db):
        self.client, self.db = client, db
        self.csrf = csrf_of(client.get(f"{BUILDER}/new").get_data(as_text=True))
        self.draft_id = None

    def start(self, **fields) -> None:
        response = self.post(f"{BUILDER}/new", {"default_language": "de", **fields})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.draft_id = int(response.headers["Location"].rsplit("/", 1)[1])

    @property
    def url(self) -> str:
        return f"{BUILDER}/{self.draft_id}"

    def post(self, url: str, fields, **options):
        data = list(fields.items()) if isinstance(fields, dict) else list(fields)
        expanded = []
        for name, value in data:
            expanded += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        if not any(name == "csrf_token" for name, _ in expanded):
            expanded.append(("csrf_token", self.csrf))
        from werkzeug.datastructures import MultiDict

        return self.client.post(url + ("&" if "?" in url else "?") + "lang=en", data=MultiDict(expanded), **options)

    def saved(self, url: str, fields) -> str:
        response = self.post(url, fields)
        assert response.status_code == 302, _errors_of(response.get_data(as_text=True))
        return response.headers["Location"]

    def page(self, path: str = "") -> str:
        response = self.client.get(self.url + path + ("&" if "?" in path else "?") + "lang=en")
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def source(self) -> str:
        self.db.rollback()
        source = self.db.get(QuestionnaireDraft, self.draft_id).source
        self.db.rollback()
        return source

    def resend(self, path: str) -> None:
        """Open a form and send it back as the page filled it in."""
        self.saved(self.url + path, main_form(self.page(path)))


def _errors_of(page: str) -> list[str]:
    return re.findall(r'<p class="error" id="[^"]*">([^<]*)</p>', page)


@pytest.fixture
def builder(coordinator, db):
    return Builder(coordinator, db)


def test_a_coordinator_builds_eight_questions_with_a_condition_and_two_indicators(builder, db):
    builder.start(template="blank", id="feedback", title="Rückmeldung zum Treffen")
    builder.saved(
        builder.url + "/settings",
        {
            "id": "feedback",
            "version": "1",
            "mittlerziel": "IV.1",
            "mittlerziel_text-de": "Akteure kommen zusammen und informieren sich gegenseitig.",
            "default_language": "de",
            "languages": ["de", "en"],
            "title-de": "Rückmeldung zum Treffen",
        },
    )
    # The new language has its fields once the settings are saved.
    assert 'name="title-en"' in builder.page("/settings")
    builder.saved(
        builder.url + "/settings",
        {
            **dict(main_form(builder.page("/settings"))),
            "languages": ["de", "en"],
            "title-en": "Feedback on the meeting",
        },
    )

    def add(kind: str, fields: dict) -> None:
        builder.saved(builder.url + "/questions/new", {"type": kind, "options-count": "4", **fields})

    add(
        "single_choice",
        {
            "text-de": "Aus welchem Bereich kommen Sie?",
            "text-en": "Which field do you work in?",
            "required": "y",
            "option-0-label-de": "Schule",
            "option-1-label-de": "Kita und Familie",
            "option-2-label-de": "Verwaltung",
            "option-2-code": "amt",
            "breakdown": "y",
        },
    )
    add("yes_no_dont_know", {"text-de": "Haben Sie neue Kontakte geknüpft?", "required": "y"})
    add("yes_no_dont_know", {"text-de": "Daraus Kooperationen?", "show_if": "haben_sie_neue_kontakte_geknuepft:yes"})
    scale = {f"label-{k}-de": word for k, word in enumerate(["gar nicht", "wenig", "teils", "ziemlich", "sehr"], 1)}
    add("likert", {"text-de": "Wie zufrieden waren Sie?", **scale, "help-de": "1 ist gar nicht, 5 sehr."})
    add(
        "multiple_choice",
        {"text-de": "Welche Themen?", "option-0-label-de": "Sprache", "option-1-label-de": "Übergänge Schule–Beruf"},
    )
    add("number", {"text-de": "Wie oft waren Sie schon dabei?", "min": "0", "max": "50"})
    add("free_text", {"text-de": "Was wünschen Sie sich?", "max_length": "500"})
    add("likert", {"text-de": "Wie nützlich war das Treffen?", "id": "benefit", **scale})

    # Question 5 up one place, then back down.
    builder.saved(builder.url + "/questions/5/move", {"was": "welche_themen", "direction": "up"})
    builder.saved(builder.url + "/questions/4/move", {"was": "welche_themen", "direction": "down"})

    builder.saved(
        builder.url + "/indicators/new",
        {
            "success": "haben_sie_neue_kontakte_geknuepft:yes",
            "denominator": "answered_excluding_dont_know",
            "comparison": "at_least",
            "target": "60",
            "goal": "",
            "text-de": "Mindestens 60 % haben neue Kontakte geknüpft.",
        },
    )
    builder.saved(
        builder.url + "/indicators/new",
        {
            "success": ["benefit:4", "benefit:5"],
            "denominator": "answered",
            "comparison": "at_most",
            "target": "62,5",
            "goal": "IV.1",
            "id": "useful",
            "text-de": "Höchstens 62,5 % finden das Treffen nützlich.",
        },
    )
    questionnaire = parse_questionnaire(builder.source())
    assert [q.type for q in questionnaire.questions] == [
        "single_choice",
        "yes_no_dont_know",
        "yes_no_dont_know",
        "likert",
        "multiple_choice",
        "number",
        "free_text",
        "likert",
    ]
    first = questionnaire.questions[0]
    assert first.codes == ("schule", "kita_und_familie", "amt") and first.required and first.breakdown
    assert first.text == {"de": "Aus welchem Bereich kommen Sie?", "en": "Which field do you work in?"}
    assert questionnaire.questions[2].show_if.question == "haben_sie_neue_kontakte_geknuepft"
    assert questionnaire.questions[2].show_if.any_of == ("yes",)
    assert questionnaire.questions[4].codes == ("sprache", "uebergaenge_schule_beruf")
    assert (questionnaire.questions[5].min, questionnaire.questions[5].max) == (0, 50)
    assert questionnaire.questions[6].max_length == 500
    contacts, useful = questionnaire.indicators
    assert (
        contacts.id,
        contacts.success,
        contacts.denominator,
        contacts.target,
        contacts.comparison,
        contacts.goal,
    ) == (
        "haben_sie_neue_kontakte_geknuepft",
        ("yes",),
        "answered_excluding_dont_know",
        0.6,
        "at_least",
        None,
    )
    assert (useful.success, useful.target, useful.comparison, useful.goal) == (("4", "5"), 0.625, "at_most", "IV.1")
    overview = builder.page()
    assert "Ready to publish as feedback version 1." in overview
    assert "Shown only when question 2 is answered with:" in overview and "„Yes“" in overview
    # Every language of the questionnaire has its preview.
    for language in ("de", "en"):
        assert f"/drafts/{builder.draft_id}/preview?lang={language}" in overview
        preview = builder.client.get(f"/workspace/questionnaires/drafts/{builder.draft_id}/preview?lang={language}")
        assert preview.status_code == 200
    # English texts are missing: publishing asks first, showing what English readers will see instead.
    asked = builder.post(f"/workspace/questionnaires/drafts/{builder.draft_id}/publish", {})
    assert asked.headers["Location"].endswith(f"/drafts/{builder.draft_id}/publish")
    page = builder.client.get(asked.headers["Location"] + "?lang=en").get_data(as_text=True)
    # 28 texts (Mittlerziel, title, 8 questions, 1 help, 5 answers, 10 scale points, 2 indicators), 2 in English.
    assert "English</span>: 26 missing, 0 to check" in page
    assert 'Question 1: answer 1: <span lang="de" dir="ltr">Schule</span>' in page
    published = builder.post(
        f"/workspace/questionnaires/drafts/{builder.draft_id}/publish", {"fallback_confirmed": "y"}
    )
    assert published.status_code == 302
    db.rollback()
    version = db.scalars(select(QuestionnaireVersion).filter_by(questionnaire_key="feedback")).one()
    assert version.version == 1 and "show_if" in version.source


def test_iv1_through_every_form_of_the_builder_comes_back_the_same(builder, demo_actor_groups):
    """What the pages show, sent back unchanged by a browser, is the questionnaire it was."""
    builder.start(template="iv-1", id="iv-1", title="")
    original = parse_questionnaire(IV1.read_text("utf-8"), actor_groups=ACTOR_GROUP_OPTIONS)
    assert parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS) == original
    builder.resend("/settings")
    for number in range(1, len(original.questions) + 1):
        builder.resend(f"/questions/{number}")
    for number in range(1, len(original.indicators) + 1):
        builder.resend(f"/indicators/{number}")
    assert parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS) == original
    assert builder.source().startswith("# yaml-language-server: $schema=schema.json\n")


def test_bad_entries_come_back_with_every_entry_kept_and_nothing_stored(builder):
    builder.start(template="iv-1", id="iv-1", title="")
    before = builder.source()
    sent = {
        "type": "likert",
        "text-de": "Wie <klar> war es?",
        "label-1-de": "kaum",
        "label-2-en": "a little",
        "help-en": "Be frank.",
        "id": "Wie klar",
        "show_if": ["new_contacts:yes", "knows_more_offers:no"],
    }
    response = builder.post(builder.url + "/questions/new", sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert builder.source() == before
    assert 'value="Wie &lt;klar&gt; war es?"' in page or "Wie &lt;klar&gt; war es?</textarea>" in page
    for value in ("kaum", "a little", "Be frank.", "Wie klar"):
        assert f'value="{value}"' in page, value
    assert 'value="new_contacts:yes" checked' in page
    errors = _errors_of(page)
    assert "Please write this text in Deutsch, the default language." in errors
    assert "A translation needs the text in Deutsch, the default language, too." in errors
    assert "Please tick answers of one earlier question only." not in errors  # worded as below
    assert "Please tick answers of one question only." in errors
    assert any(e.startswith("Please use lower-case letters a–z, digits and _, starting with a letter") for e in errors)
    assert '<div class="error-summary" role="alert"' in page

    indicator = builder.post(
        builder.url + "/indicators/new",
        {"success": "comment:x", "denominator": "everyone", "target": "100", "text-de": "T"},
    )
    page = indicator.get_data(as_text=True)
    assert indicator.status_code == 422 and builder.source() == before
    errors = _errors_of(page)
    assert "Please choose one." in errors
    assert any("comment is not one" in e for e in errors)
    assert 'value="100"' in page


def test_edits_that_would_break_a_reference_are_refused(builder):
    builder.start(template="iv-1", id="iv-1", title="")
    before = builder.source()
    # new_partners (question 4) is shown depending on new_contacts (question 3).
    refused = builder.post(builder.url + "/questions/4/move", {"was": "new_partners", "direction": "up"})
    assert refused.status_code == 302
    page = builder.client.get(refused.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Question 4 is shown depending on question 3, so it cannot come before it." in page
    deleted = builder.post(builder.url + "/questions/3/delete", {"was": "new_contacts"}, follow_redirects=True)
    page = deleted.get_data(as_text=True)
    assert "This question is still used: the condition of question 4 (new_partners); indicator 2 (new_contacts)" in page
    # A form made before another window changed the questionnaire is not applied to another question.
    stale = builder.post(builder.url + "/questions/5/delete", {"was": "new_contacts"}, follow_redirects=True)
    assert "the questionnaire was changed meanwhile" in stale.get_data(as_text=True)
    assert builder.source() == before


def test_a_renamed_question_and_answer_code_are_renamed_where_they_are_used(builder):
    builder.start(template="iv-1", id="iv-1", title="")
    fields = [(name, value) for name, value in main_form(builder.page("/questions/3")) if name != "id"]
    builder.saved(builder.url + "/questions/3", [*fields, ("id", "contacts")])
    questionnaire = parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS)
    assert questionnaire.questions[3].show_if.question == "contacts"
    assert questionnaire.indicators[1].question == "contacts"


def test_no_entry_makes_a_server_error(builder):
    builder.start(template="iv-1", id="iv-1", title="")
    before = builder.source()
    for path, fields in [
        ("/questions/new", {"type": "essay"}),
        ("/questions/new", {"type": "single_choice", "options-count": "99999999999", "text-de": "x"}),
        ("/questions/new", {"type": "number", "text-de": "x", "min": "1e9", "max": "-"}),
        ("/questions/new", {"type": "free_text", "text-de": "x\x00y", "max_length": "0"}),
        ("/questions/2", {"was": "knows_more_offers", "text-de": "x", "show_if": ":"}),
        ("/questions/1/move", {"was": "actor_group", "direction": "sideways"}),
        ("/questions/0", {}),
        ("/questions/99", {}),
        ("/indicators/1", {"was": "knows_more_offers", "success": "", "target": "NaN", "text-de": "x"}),
        ("/indicators/9/delete", {}),
        ("/settings", {"id": "IV 1", "version": "99999999999999999999", "languages": ["xx"], "default_language": "zz"}),
    ]:
        response = builder.post(builder.url + path, fields)
        assert response.status_code in (302, 400, 404, 422), (path, response.status_code)
    assert builder.source() == before
    start = builder.post(f"{BUILDER}/new", {"template": "version-99999999999999", "id": "x"})
    assert start.status_code == 422


def test_a_draft_the_builder_cannot_read_points_to_the_yaml_editor(builder, db):
    draft = QuestionnaireDraft(source="id: x\nquestions: {a: 1}\n")
    db.add(draft)
    db.commit()
    builder.draft_id = draft.id
    page = builder.page()
    assert "Open it in the YAML editor" in page and "questions" in page
    assert builder.client.get(builder.url + "/questions/1").status_code == 302


def test_sections_are_made_renamed_kept_and_served_one_per_page(builder):
    """A coordinator marks where sections begin and asks for one section per
    page: the YAML gets ``sections`` and ``section_pages``; renaming or deleting
    the first question of a section carries the section along."""
    builder.start(template="iv-1", id="iv-1", title="")
    fields = [(n, v) for n, v in main_form(builder.page("/questions/3")) if not n.startswith("section_title")]
    fields = [(n, v) for n, v in fields if n not in ("begins_section", "id")]
    missing_title = builder.post(
        builder.url + "/questions/3", [*fields, ("id", "new_contacts"), ("begins_section", "y")]
    )
    assert missing_title.status_code == 422  # a section needs its title in the default language
    assert 'name="begins_section" value="y" checked' in missing_title.get_data(as_text=True)
    builder.saved(
        builder.url + "/questions/3",
        [*fields, ("id", "contacts"), ("begins_section", "y"), ("section_title-de", "Ihre Kontakte")],
    )
    questionnaire = parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS)
    begins = {section.first_question: section.title["de"] for section in questionnaire.sections}
    assert begins["contacts"] == "Ihre Kontakte" and "new_contacts" not in begins
    assert "Section begins: Ihre Kontakte" in builder.page()

    settings = [(n, v) for n, v in main_form(builder.page("/settings")) if n != "section_pages"]
    builder.saved(builder.url + "/settings", [*settings, ("section_pages", "y")])
    paged = parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS)
    assert paged.section_pages and len(paged.pages) == 5  # the four sections of IV.1 and this one

    # Deleting the first question of "Über Sie" moves that section to the next question.
    builder.saved(builder.url + "/questions/1/delete", {"was": "actor_group"})
    after = parse_questionnaire(builder.source(), actor_groups=ACTOR_GROUP_OPTIONS)
    titles = {section.first_question: section.title["de"] for section in after.sections}
    assert "actor_group" not in titles and titles["knows_more_offers"] == "Kontakte und Angebote"
