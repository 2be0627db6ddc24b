"""XLSForm sheets (as read from a workbook) into a questionnaire draft."""

from app.questionnaires.model import parse_questionnaire
from app.questionnaires.xlsform import convert

SCALE = [
    {"list_name": "scale", "name": str(i), "label::English (en)": f"level {i}", "label::Spanish (es)": "x"}
    for i in range(1, 6)
]


def test_choices_one_to_five_become_a_likert_question():
    conversion = convert(
        {
            "settings": [{"default_language": "English (en)"}],
            "choices": SCALE,
            "survey": [{"type": "select_one scale", "name": "satisfaction", "label::English (en)": "How satisfied?"}],
        }
    )
    question = parse_questionnaire(conversion.source).questions[0]
    assert question.type == "likert" and question.codes == ("1", "2", "3", "4", "5")
    assert not any("became" in line for line in conversion.unsupported)  # codes 1–5 are kept as they are


def test_a_language_we_do_not_offer_is_reported_once_per_sheet():
    survey = [
        {"type": "text", "name": f"q{i}", "label::English (en)": "Q", "label::Spanish (es)": "P"} for i in range(3)
    ]
    report = convert({"choices": SCALE, "survey": survey}).unsupported
    assert [line for line in report if "Spanish" in line] == [
        "choices row 1: column 'label::Spanish (es)': the language is not offered here; left out",
        "survey row 1: column 'label::Spanish (es)': the language is not offered here; left out",
    ]


def test_language_columns_named_in_their_own_language():
    conversion = convert(
        {
            "survey": [
                {"type": "text", "name": "comment", "label::Русский": "Комментарий", "label::Deutsch": "Kommentar"}
            ],
            "settings": [{"form_title": "Feedback"}],
        }
    )
    assert parse_questionnaire(conversion.source).questions[0].text == {"ru": "Комментарий", "de": "Kommentar"}


def test_an_unsupported_default_language_falls_back_to_german():
    conversion = convert(
        {
            "settings": [{"default_language": "Klingon"}],
            "survey": [{"type": "text", "name": "comment", "label": "Kommentar"}],
        }
    )
    questionnaire = parse_questionnaire(conversion.source)
    assert questionnaire.default_language == "de" and None not in questionnaire.languages


def test_headers_are_read_whatever_their_case_and_colons():
    conversion = convert(
        {
            "survey": [
                {"TYPE": "text", "NAME": "a", "LABEL::EN": "Comment?", "Label:Deutsch": "Kommentar?", "HINT::FR": "?"},
                {"TYPE": "integer", "NAME": "b", "LABEL::EN": "How many?", "HINT::EN": "Count", "HINT::FR": "Combien"},
            ],
            "settings": [{"DEFAULT_LANGUAGE": "en"}],
        }
    )
    questionnaire = parse_questionnaire(conversion.source)
    assert questionnaire.languages[0] == "en"
    assert questionnaire.question("a").text == {"en": "Comment?", "de": "Kommentar?"}
    assert questionnaire.question("b").help == {"en": "Count", "fr": "Combien"}
    assert questionnaire.question("a").help is None
    assert conversion.unsupported[0] == "survey row 2: the hint has no text in the default language; left out"
    assert not any("column" in line for line in conversion.unsupported)


def test_a_row_without_a_name_and_a_missing_list_are_reported():
    conversion = convert(
        {"survey": [{"type": "text", "label": "What?"}, {"type": "select_one nowhere", "name": "x", "label": "Which?"}]}
    )
    assert conversion.unsupported[1:3] == [
        "survey row 2: the row has no name; the question is called 'q2'",
        "survey row 3: choice list 'nowhere' not found; question 'x' left out",
    ]
    assert conversion.unsupported[0] == "settings: the form names no default language; its plain labels are read as en"


def test_the_cli_prints_the_same_report_and_writes_the_draft(runner, tmp_path):
    from tests.meetings.test_workspace import xlsform_bytes

    form = tmp_path / "kobo.xlsx"
    form.write_bytes(xlsform_bytes())
    out = tmp_path / "kobo.yaml"
    result = runner.invoke(args=["questionnaires", "import-xlsform", str(form), "--out", str(out)])
    assert result.exit_code == 0 and "Traceback" not in result.output
    from app.questionnaires.workbook import read_xlsform

    conversion = read_xlsform(xlsform_bytes())
    printed = [line for line in result.output.splitlines() if line.startswith(f"{form}: ")]
    assert printed == [f"{form}: {line}" for line in conversion.unsupported]
    assert out.read_text("utf-8") == conversion.source
    assert "wrote" in result.output and "5 questions" in result.output


def test_the_cli_refuses_a_broken_workbook_without_a_traceback(runner, tmp_path):
    from tests.questionnaires import bombs

    form = tmp_path / "bomb.xlsx"
    form.write_bytes(bombs.entity_bomb())
    result = runner.invoke(args=["questionnaires", "import-xlsform", str(form), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "declares a DTD or entities" in result.output and not (tmp_path / "x.yaml").exists()


def test_a_rank_question_becomes_a_ranking():
    needs = [{"list_name": "needs", "name": code, "label::Deutsch (de)": code.title()} for code in ("a", "b", "c", "d")]
    conversion = convert(
        {
            "settings": [{"default_language": "Deutsch (de)"}],
            "choices": needs,
            "survey": [{"type": "rank needs", "name": "urgent", "label::Deutsch (de)": "Was ist dringend?"}],
        }
    )
    question = parse_questionnaire(conversion.source).questions[0]
    assert question.type == "ranking" and question.codes == ("a", "b", "c", "d") and question.rank == 4
    assert not any("rank" in line for line in conversion.unsupported)


def test_a_rank_of_many_choices_asks_for_the_first_five_places_and_says_so():
    many = [{"list_name": "many", "name": f"n{i}", "label::Deutsch (de)": f"Bedarf {i}"} for i in range(8)]
    conversion = convert(
        {
            "settings": [{"default_language": "Deutsch (de)"}],
            "choices": many,
            "survey": [{"type": "rank many", "name": "urgent", "label::Deutsch (de)": "Was ist dringend?"}],
        }
    )
    assert parse_questionnaire(conversion.source).questions[0].rank == 5
    assert "survey row 2: ranks all its 8 choices; here participants fill the first 5 places" in conversion.unsupported
