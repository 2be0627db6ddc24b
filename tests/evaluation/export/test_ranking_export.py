"""A ranking in every export format: one column per place holding the item's
code, its labels in the codebook and as SPSS value labels."""

from collections import Counter

import pytest

from app.models import QuestionnaireVersion
from tests.conftest import add_meeting, store_response
from tests.evaluation.export.conftest import CLOSED, FULL, export
from tests.evaluation.export.readers import read_any, read_sav, read_xlsx
from tests.questionnaires.ranking import with_ranking

FORMATS = ("csv", "csv-de", "xlsx", "sav", "json", "datapackage")
# Each participant's places, first place first; six of them, so the meeting is over k = 5.
RANKINGS = (
    ["staff", "language", "refugees"],
    ["staff", "transitions", ""],
    ["language", "", ""],
    ["refugees", "staff", "language"],
    ["staff", "refugees", "transitions"],
    ["", "", ""],
)


@pytest.fixture
def ranked(db):
    meeting = add_meeting(db, with_ranking(), title="Frühjahrstreffen", closes=CLOSED)
    for places in RANKINGS:
        form = {name: [value] for name, value in FULL.items()} | {"needs": places}
        store_response(db, meeting, form, today=meeting.date)
    db.commit()
    return db.query(QuestionnaireVersion).one()


def expected(place: int) -> Counter:
    return Counter(places[place - 1] for places in RANKINGS if places[place - 1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_has_one_column_per_place_with_the_items_code(app, db, ranked, fmt, tmp_path):
    plan, data = export(app, db, ranked, fmt)
    rows = read_any(fmt, data, tmp_path, plan.columns)
    assert len(rows) == len(RANKINGS)
    for place in (1, 2, 3):
        assert Counter(row[f"needs__{place}"] for row in rows if row[f"needs__{place}"]) == expected(place)
    assert "needs" not in rows[0] and "needs__4" not in rows[0]


def test_spss_has_the_items_as_value_labels_of_each_place(app, db, ranked, tmp_path):
    import pyreadstat

    _plan, data = export(app, db, ranked, "sav", language="de")
    (tmp_path / "r.sav").write_bytes(data)
    _frame, meta = pyreadstat.read_sav(str(tmp_path / "r.sav"))
    for place in (1, 2, 3):
        labels = meta.variable_value_labels[f"needs__{place}"]
        assert sorted(labels.values()) == sorted(["Sprachbildung", "Fachpersonal", "Übergänge", "Fluchtgeschichte"])
        assert meta.column_names_to_labels[f"needs__{place}"].startswith("Welche drei dieser Bedarfe")
    assert read_sav(data, tmp_path)[0]  # readable as a whole


def test_the_codebook_sheet_describes_the_places(app, db, ranked):
    _plan, data = export(app, db, ranked, "xlsx", language="en")
    _rows, sheets = read_xlsx(data)
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for rows in sheets.values() for row in rows)
    assert "needs__1" in text and "needs__3" in text
    assert "language = Language education" in text
