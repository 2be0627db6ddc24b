"""The XLSForm import against real forms: pyxform's own test forms (see
tests/questionnaires/xlsforms/README.md for where they come from and where
the tests look for them).

Each form is read a second time, independently, with openpyxl, and the
report is held against what the form really holds: every survey row is
either carried over as a question or named in the report at its row, and
every cell of a carried row that the draft does not hold is named with its
column.  Then, per form, the entries a reader of the form expects.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.questionnaires.model import check_questionnaire
from app.questionnaires.workbook import UnreadableWorkbook, read_xlsform
from app.questionnaires.xlsform import REPORT

PROJECT = Path(__file__).resolve().parents[2]
CANDIDATES = [os.environ.get("XLSFORM_DIR", ""), str(PROJECT.parent / "shared" / "xlsforms")]
FORMS_DIR = next(
    (Path(folder) for folder in CANDIDATES if folder and Path(folder, "xlsform_spec_test.xlsx").is_file()), None
)
pytestmark = pytest.mark.skipif(FORMS_DIR is None, reason="pyxform's test forms are not at hand (xlsforms/README.md)")

# Survey rows that are left out, each with its own kind of report entry.
LEFT_OUT = {"metadata", "note", "calculate", "type", "choice_list", "group", "group_relevant", "repeat"}
CARRIED_COLUMNS = {"type", "name", "required", "relevant", "constraint"}
TEXT_KINDS = ("label", "hint")

FORMS = {
    # form: entries (sheet, row, code, {param: value}) the report must hold
    "xlsform_spec_test.xlsx": [
        ("survey", 3, "group_relevant", {"name": "everything", "end": 56}),
        ("survey", 15, "repeat", {"name": "repeat_test", "end": 29}),
        ("survey", 15, "column", {"column": "repeat_count", "value": 2}),
        ("survey", 18, "constraint", {"value": "not(selected(., 'yes') and selected (., 'no'))"}),
        ("survey", 18, "constraint_message", {"column": "constraint_message::english"}),
        ("survey", 18, "constraint_message", {"column": "constraint_message::chinese"}),
        ("survey", 9, "media", {"column": "media::audio::chinese", "value": "chinese_audio.wav"}),
        ("survey", 40, "calculate", {"name": "calculate_test", "value": "2+2"}),
        ("survey", 42, "metadata", {"type": "start"}),
        ("survey", 50, "metadata", {"type": "uri:deviceid"}),
        ("survey", 30, "type", {"type": "acknowledge"}),
        ("survey", 39, "note", {"name": "note_test"}),
        ("survey", 14, "whole_number", {"type": "decimal"}),
        ("survey", 2, "dont_know_added", {}),
        ("survey", 1, "language_not_offered", {"column": "label::chinese"}),
        ("choices", 4, "media", {"column": "image", "value": "a.jpg"}),
        ("choices", 4, "no_label", {}),
        ("settings", 2, "setting", {"column": "public_key"}),
        ("settings", 2, "renamed", {"old": "Spec test", "new": "spec_test"}),
    ],
    "UCL_Biomass_Plot_Form.xlsx": [
        ("settings", 2, "default_language", {"value": "Swahili (sw)", "language": "en"}),
        ("settings", 2, "version", {"value": 44662.6850575292}),
        ("survey", 1, "language_not_offered", {"column": "label::Swahili (sw)"}),
        ("survey", 32, "repeat", {"name": "trees", "end": 53}),
        ("survey", 43, "repeat", {"name": "stems", "end": 51}),
        ("survey", 43, "column", {"column": "repeat_count", "value": "${stem_count}"}),
        ("survey", 16, "type", {"type": "select_one_from_file UCL_regions.csv"}),
        ("survey", 36, "relevant_unknown", {"target": "latin_name_id"}),
        ("survey", 10, "constraint_message", {"column": "constraint_message::english (en)"}),
    ],
    "attribute_columns_test.xlsx": [
        ("survey", 2, "column", {"column": "bind::saveincomplete", "value": "true()"}),
        ("survey", 17, "column", {"column": "requiredmsg", "value": "Custom required message."}),
        ("survey", 59, "column", {"column": "appearance", "value": "ex:org.thirdparty.app.ActivityName"}),
        ("columns", None, "sheet", {"name": "columns"}),
    ],
    "duplicate_columns.xlsx": [("survey", 1, "duplicate_column", {"column": "label"})],
    "case_insensitivity.xlsx": [
        ("survey", 3, "type", {"type": "select_one_external c1"}),
        ("survey", 4, "type", {"type": "osm c1"}),
        ("EXTERNAL_CHOICES", None, "sheet", {}),
        ("ENTITIES", None, "sheet", {}),
    ],
    "choice_filter_test.xlsx": [
        ("choices", 6, "choice_duplicate", {"code": "king", "list": "counties"}),
        ("survey", 3, "column", {"column": "choice_filter", "value": "${state}=cf"}),
        ("choices", 4, "column", {"column": "cf", "value": "washington"}),
        ("settings", None, "language_assumed", {"language": "de"}),
    ],
    "ODKValidateWarnings.xlsx": [
        ("survey", 2, "no_header", {"column": "D", "value": "relevant"}),
        ("survey", 4, "no_header", {"column": "D", "value": 123}),
        ("survey", 3, "type", {"type": "phone number"}),
    ],
    "group.xlsx": [("survey", 3, "group", {"name": "father", "end": 6})],
    "loop.xlsx": [("survey", 2, "or_other", {}), ("survey", 3, "repeat", {"name": "loop_toilet_types", "end": 5})],
    "or_other.xlsx": [
        ("survey", 2, "or_other", {}),
        ("survey", 3, "column", {"column": "choice_filter", "value": "pastel=yes"}),
        ("settings", None, "language_guessed", {"language": "en"}),
    ],
    "specify_other.xlsx": [("survey", 2, "or_other", {})],
    "extra_sheet_names.xlsx": [("my_sheet", None, "sheet", {}), ("stettings", None, "sheet", {})],
    "field-list.xlsx": [("survey", 2, "group", {"name": "name", "end": 4})],
    "pull_data.xlsx": [("survey", 2, "calculate", {"name": "fruit"}), ("survey", 3, "note", {"name": "note_fruite"})],
    "xl_date_ambiguous.xlsx": [("changelog", None, "sheet", {}), ("settings", 2, "setting", {"column": "xml_root"})],
    "include.xlsx": [("survey", 3, "type", {"type": "include"})],
    "yes_or_no_question.xlsx": [("survey", 2, "dont_know_added", {})],
    "text_and_integer.xlsx": [],
}
# What the draft holds, against the form's own texts.
DRAFTS = {
    "xlsform_spec_test.xlsx": {"languages": ("en",), "question": ("my_name", {"en": "Enter your name"})},
    "case_insensitivity.xlsx": {"languages": ("en",), "question": ("q1", {"en": "Are you good?"})},
    "ODKValidateWarnings.xlsx": {"languages": ("en",), "question": ("family_name", {"en": "What's your family name?"})},
    "group.xlsx": {"languages": ("en",), "question": ("age", {"en": "How old is your father?"})},
    "UCL_Biomass_Plot_Form.xlsx": {"languages": ("en",), "question": ("slope", {"en": "Slope (percent)"})},
    "or_other.xlsx": {"languages": ("en",), "question": ("fav_color", {"en": "What is your favorite color?"})},
    "specify_other.xlsx": {"languages": ("en",), "question": ("sex", {"en": "What sex are you?"})},
    "text_and_integer.xlsx": {"languages": ("en",), "question": ("your_age", {"en": "How many years old are you?"})},
}


def _convert(name: str):
    return read_xlsform((FORMS_DIR / name).read_bytes())


def _rows(path: Path, sheet: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The sheet as openpyxl reads it: lower-cased header, rows with their non-empty cells."""
    book = load_workbook(path, read_only=False, data_only=True)
    found = next((ws for ws in book.worksheets if ws.title.strip().lower() == sheet), None)
    if found is None:
        return [], []
    rows = list(found.iter_rows(values_only=True))
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]] if rows else []
    cells = []
    for number, row in enumerate(rows[1:], start=2):
        values = {header[i]: v for i, v in enumerate(row) if i < len(header) and header[i] and v not in (None, "")}
        if values:
            cells.append((number, values))
    return header, cells


def _notes(conversion) -> list[tuple[str, int | None, str, dict]]:
    return [(note.sheet, note.row, note.code, dict(note.params)) for note in conversion.notes]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_report_holds_what_a_reader_of_the_form_expects(name):
    notes = _notes(_convert(name))
    for sheet, row, code, params in FORMS[name]:
        assert any(
            n[0] == sheet and n[1] == row and n[2] == code and all(n[3].get(k) == v for k, v in params.items())
            for n in notes
        ), f"{name}: no {code} {params} at {sheet} row {row}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_survey_row_is_carried_over_or_reported(name):
    conversion = _convert(name)
    notes = _notes(conversion)
    result = check_questionnaire(conversion.source)
    ids = {q.id for q in result.questionnaire.questions} if result.questionnaire else set()
    renamed = {n[3]["old"]: n[3]["new"] for n in notes if n[2] == "renamed" and n[0] == "survey"}
    block_ends = {n[3]["end"] for n in notes if n[2] in ("group", "group_relevant", "repeat")}
    header, rows = _rows(FORMS_DIR / name, "survey")
    unnamed_language = {n[3]["column"].lower() for n in notes if n[2] == "language_not_offered" and n[0] == "survey"}
    duplicates = {n[3]["column"].lower() for n in notes if n[2] == "duplicate_column" and n[0] == "survey"}
    for number, values in rows:
        kind = str(values.get("type", "")).strip()
        if not kind:
            continue
        here = [n for n in notes if n[0] == "survey" and n[1] == number]
        if kind.lower().replace("_", " ").startswith("end "):
            assert number in block_ends, f"{name} row {number}: {kind!r} ends no reported group or repeat"
            assert not any(n[2] == "metadata" for n in here)  # "end repeat" is no metadata
            continue
        question = renamed.get(str(values.get("name")), str(values.get("name")))
        if question in ids:
            for column in values:
                kind_of_column = re.split(r"::?", column)[0]
                if column in CARRIED_COLUMNS or column in duplicates:
                    continue
                if kind_of_column in TEXT_KINDS:
                    assert column in unnamed_language or not column.partition(":")[2] or _offered(column), column
                    continue
                assert any(n[3].get("column") == column for n in here), f"{name} row {number}: {column} unreported"
        else:
            assert any(n[2] in LEFT_OUT for n in here), f"{name} row {number}: {kind!r} neither carried nor reported"


def _offered(column: str) -> bool:
    from app.questionnaires.xlsform import _language_of

    return _language_of(re.split(r"::?", column, maxsplit=1)[1]) is not None


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_the_draft_holds_the_forms_texts_in_their_language(name):
    result = check_questionnaire(_convert(name).source)
    assert result.questionnaire is not None, result.problems
    expected = DRAFTS[name]
    assert result.questionnaire.languages == expected["languages"]
    question, text = expected["question"]
    assert result.questionnaire.question(question).text == text


def test_or_other_keeps_its_choice_list():
    question = check_questionnaire(_convert("or_other.xlsx").source).questionnaire.question("fav_color")
    assert question.codes == ("red", "green", "blue", "mauve", "apricot")


def test_every_kind_of_report_entry_occurs_in_the_forms_or_the_made_up_ones():
    """The kinds no real form here shows are met by made-up ones: a complex relevant
    (tests/meetings/test_workspace.py), a missing choice list, a row without a name, a hint
    without the default language and a rank of more than five choices (tests/questionnaires/test_xlsform.py)."""
    seen = {n[2] for name in FORMS for n in _notes(_convert(name))}
    assert set(REPORT) - seen <= {"relevant", "choice_list", "no_name", "hint_without_default", "rank_places"}


def test_a_form_without_a_survey_sheet_is_refused():
    with pytest.raises(UnreadableWorkbook) as refused:
        _convert("survey_no_name.xlsx")
    assert refused.value.refusal.code == "no_survey"


def report_table() -> str:
    """The table of forms and what each report says (for the project's notes)."""
    lines = []
    for name in sorted(FORMS):
        conversion = _convert(name)
        result = check_questionnaire(conversion.source)
        questions = len(result.questionnaire.questions) if result.questionnaire else 0
        lines.append(f"## {name}: {questions} questions carried over, {len(conversion.notes)} report entries")
        lines.extend(f"- {line}" for line in conversion.unsupported)
    return "\n".join(lines)
