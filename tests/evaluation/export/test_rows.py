"""Rows from answers (app/domain/exports.py), without a database: the pivot,
multiple-choice columns, suppression of rare combinations."""

from app.evaluation.export.rows import SUPPRESSED, RowShaper, Suppression, codebook, shape_rows, variables
from app.questionnaires.model import parse_questionnaire
from tests.conftest import EVERY_SHAPE as SOURCE

LABELS = {
    "yes": "Ja",
    "no": "Nein",
    "dont_know": "Weiß nicht",
    "chosen": "gewählt",
    "not_chosen": "nicht gewählt",
    "row_id": "Zeile",
    "meeting_date": "Datum",
    "language": "Sprache",
    "place": "Platz %(place)s",
}


def columns(free_text=True):
    return variables(
        parse_questionnaire(SOURCE), language="en", labels=LABELS, language_names={"de": "Deutsch"}, free_text=free_text
    )


def test_one_column_per_question_and_option():
    names = [v.name for v in columns()]
    assert names == [
        "row_id",
        "meeting_date",
        "language",
        "role",
        "topics__lang",
        "topics__work",
        "topics__school",
        "rating",
        "count",
        "note",
    ]
    by_name = {v.name: v for v in columns()}
    assert by_name["topics__work"].label == "Themen – Arbeit"  # German where English is missing
    assert by_name["topics__work"].values == ((0, "nicht gewählt"), (1, "gewählt"))
    assert by_name["rating"].values[0] == (1, "eins") and by_name["rating"].measure == "ordinal"
    assert by_name["role"].quasi_identifier and by_name["language"].quasi_identifier
    assert not by_name["note"].quasi_identifier
    assert "note" not in [v.name for v in columns(free_text=False)]


def test_answers_pivot_to_rows():
    answers = [
        (1, 10, "de", "role", "a", None, None),
        (1, 10, "de", "topics", "lang", None, None),
        (1, 10, "de", "topics", "school", None, None),
        (1, 10, "de", "rating", "4", None, None),
        (1, 10, "de", "count", "value", 3, None),
        (1, 10, "de", "note", "value", None, "Ruf an: 0761 2012372"),
        (2, 11, "en", None, None, None, None),  # a response without answers
        (3, 10, "de", "role", "b", None, None),
    ]
    cols = columns()
    shown = [(10, "de", "a"), (11, "en", None), (10, "de", "b")]
    everything = Suppression(dict(zip(shown, shown)), 3)
    rows = list(
        shape_rows(iter(answers), RowShaper(cols), everything, dates={10: "D10", 11: "D11"}, row_id=lambda: "r")
    )
    assert rows == [
        ["r", "D10", "de", "a", 1, 0, 1, 4, 3, "Ruf an: [entfernt]"],
        ["r", "D11", "en", None, None, None, None, None, None, None],
        ["r", "D10", "de", "b", None, None, None, None, None, None],
    ]


def test_rows_are_published_as_the_suppression_says():
    answers = [
        (1, 10, "de", "role", "a", None, None),
        (2, 10, "de", "role", "b", None, None),
        (3, 12, "de", "role", "a", None, None),
        (4, 13, "fr", "role", "a", None, None),
    ]
    published = {(10, "de", "a"): (10, "de", "a"), (10, "de", "b"): (10, SUPPRESSED, SUPPRESSED), (12, "de", "a"): None}
    rows = list(
        shape_rows(
            iter(answers), RowShaper(columns()), Suppression(published), dates={10: "D", 12: "E", 13: "F"}, row_id=None
        )
    )
    # Meeting 12 is left out, and so is a combination the suppression does not know (fail closed).
    assert [row[1:4] for row in rows] == [["D", "de", "a"], ["D", SUPPRESSED, SUPPRESSED]]
    assert rows[0][0] is None  # no row ids when none are wanted


def test_suppression_counts_what_the_file_shows():
    counts = {(10, "de", "a"): 6, (10, "fa", "b"): 1, (11, "de", "a"): 2}
    suppression = Suppression.of(counts, ["language", "role"], 5)
    assert suppression.published[(10, "fa", "b")] == (10, SUPPRESSED, SUPPRESSED)
    assert suppression.published[(10, "de", "a")] == (10, SUPPRESSED, SUPPRESSED)  # complementary
    assert suppression.published[(11, "de", "a")] is None  # two responses: left out
    assert suppression.total == 7 and suppression.meetings_left_out == 1
    assert suppression.suppressed == (("language", 7), ("role", 7))


def test_codebook_lists_indicators_and_quasi_identifiers():
    book = codebook(parse_questionnaire(SOURCE), columns(), language="de", k=7, free_text=False)
    assert book.quasi_identifiers == ("language", "role") and book.k == 7 and book.indicators == ()
