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
        "choices: column 'label::Spanish (es)': language not supported; left out",
        "survey: column 'label::Spanish (es)': language not supported; left out",
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
