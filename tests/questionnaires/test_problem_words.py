"""Problems for people: in the workspace, in the coordinator's language, the
question named by its number and text; the usual YAML pitfalls explained.
The CLI keeps ``FILE:LINE: path: message``."""

from __future__ import annotations

import pytest

from app.questionnaires import problems
from app.questionnaires.model import check_questionnaire
from tests.conftest import IV1

IV1_TEXT = IV1.read_text("utf-8")
FIRST_QUESTION = "Aus welchem Bereich kommen Sie?"


def _with(old: str, new: str) -> str:
    assert old in IV1_TEXT
    return IV1_TEXT.replace(old, new, 1)


def described(app, source: str, language: str) -> list[str]:
    result = check_questionnaire(source)
    with app.test_request_context(f"/?lang={language}"):
        from flask_babel import refresh

        refresh()
        return [problems.describe(p, result.subjects) for p in result.problems]


SMALL = """\
id: small
version: 1
mittlerziel: {code: X.1, text: {de: Ziel, en: Goal}}
title: {de: Titel, en: Title}
languages: [de, en]
questions:
  - id: visits
    type: yes_no_dont_know
    text: {de: Waren Sie schon einmal hier?, en: Have you been here before?}
  - id: wishes
    type: free_text
    max_length: 500
    text: {de: Was wünschen Sie sich?, en: What do you wish for?}
  - id: field
    type: single_choice
    text:
      de: Aus welchem Bereich kommen Sie?
      en: Which field do you work in?
    options:
      - code: school
        label: {de: Schule, en: School}
      - code: kita
        label: {de: Kita}
"""


def test_missing_translation_in_german_and_english(app):
    result = check_questionnaire(SMALL)
    assert [p.format("q.yaml") for p in result.warnings] == [
        "q.yaml:23: questions[2].options[1].label.en: warning: missing translation"
    ]
    assert described(app, SMALL, "de") == [f"Frage 3 „{FIRST_QUESTION}“, Antwort 2: kein Text auf Englisch"]
    assert described(app, SMALL, "en") == ["Question 3 “Which field do you work in?”, answer 2: no text in English"]


def test_a_missing_default_text_is_an_error_in_words(app):
    source = _with(f"      de: {FIRST_QUESTION}\n", "")
    assert described(app, source, "de") == [
        "Frage 1 „Which field do you work in?“, Fragetext: kein Text auf Deutsch, der Standardsprache"  # from en
    ]


def test_a_check_problem_names_the_indicator(app):
    source = _with("target: 0.2", "target: 2")
    (words,) = described(app, source, "de")
    assert words.startswith("Indikator 3 „Mindestens 20 % der Befragten")
    assert words.endswith("target: der Zielwert muss echt zwischen 0 und 1 liegen, angegeben ist 2.0")


def test_unquoted_teils_teils_in_braces_is_explained(app):
    flow = (
        "id: q\nversion: 1\nmittlerziel: {code: X.1, text: {de: Ziel}}\ntitle: {de: Titel}\nlanguages: [de]\n"
        "questions:\n  - id: a\n    type: likert\n    text: {de: Frage}\n"
        "    labels: [{de: nein}, {de: eher nein}, {de: teils, teils}, {de: eher ja}, {de: ja}]\n"
    )
    result = check_questionnaire(flow)
    assert [p.format("q.yaml") for p in result.errors] == [
        "q.yaml:10: questions[0].labels[2].teils: 'teils' was read as a language: inside { } a comma separates "
        'the entries, so a text with a comma needs quotes, e.g. {de: "teils, teils"}'
    ]
    (words,) = described(app, flow, "de")
    assert words.startswith("Frage 1 „Frage“, Skalenpunkt 3, teils: „teils“ wurde als Sprache gelesen")


@pytest.mark.parametrize(
    ("old", "new", "code", "german"),
    [
        ("    type: single_choice\n", "\ttype: single_choice\n", "yaml_tab", "Tabulatorzeichen"),
        ("      en: Which field do you work in?\n", "\t  en: Which field?\n", "yaml_tab", "Tabulatorzeichen"),
        (
            f"      de: {FIRST_QUESTION}\n",
            "      de: Bereich: Schule oder Kita?\n",
            "yaml_colon",
            "Doppelpunkt mit folgendem Leerzeichen",
        ),
        ("    max_length: 500\n", "   max_length: 500\n", "yaml_indentation", "Einrückung passt nicht"),
        ("    max_length: 500\n", "      max_length: 500\n", "yaml_colon", "weiter eingerückt"),
        ("      - code: school\n", "      - code: yes\n", "boolean_not_text", "yes/no/on/off"),
    ],
    ids=["tab", "tab before a text", "colon in a text", "indented less", "indented more", "yes as a code"],
)
def test_yaml_pitfalls_get_a_sentence(app, old, new, code, german):
    assert old in SMALL
    source = SMALL.replace(old, new, 1)
    result = check_questionnaire(source)
    assert [p.code for p in result.errors][:1] == [code]
    assert german in described(app, source, "de")[0]


def test_the_editor_shows_the_words_in_the_coordinators_language(coordinator):
    from tests.meetings.test_workspace import new_draft

    url = new_draft(coordinator, _with("target: 0.2", "target: 2"))
    html = coordinator.get(url + "?lang=de").get_data(as_text=True)
    assert "Indikator 3 „Mindestens 20 % der Befragten" in html
    assert "der Zielwert muss echt zwischen 0 und 1 liegen" in html
    assert "<code>indicators[2].target</code>" not in html


def test_the_cli_keeps_file_line_path_message(runner, tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(_with("target: 0.2", "target: 2"), "utf-8")
    output = runner.invoke(args=["questionnaires", "check", str(path)]).output
    assert ": indicators[2].target: target must lie strictly between 0 and 1, got 2.0" in output


def test_the_import_report_is_in_the_coordinators_language(coordinator):
    import io

    from tests.conftest import token
    from tests.meetings.test_workspace import xlsform_bytes

    response = coordinator.post(
        "/workspace/questionnaires/drafts",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(coordinator, "/workspace/questionnaires/"),
            "file": (io.BytesIO(xlsform_bytes()), "k.xlsx"),
        },
    )
    german = coordinator.get(response.headers["Location"] + "?lang=de").get_data(as_text=True)
    assert "survey, Zeile 8: der Typ „geopoint“ wird nicht unterstützt; Frage „where“ weggelassen" in german
    english = coordinator.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "survey, row 8: type &#39;geopoint&#39; is not supported; question &#39;where&#39; left out" in english
