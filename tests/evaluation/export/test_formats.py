"""Round trips: every format, read back with an independent reader, gives the
counts of the indicator report and the labels of the questionnaire."""

import datetime as dt
import re
from collections import Counter

import pytest

from app.evaluation.export.formats import sav_codes, sav_suppressed_code, write_csv
from app.evaluation.export.rows import Variable
from app.evaluation.indicators import Counts, indicator_share
from app.evaluation.report import reporting
from app.questionnaires.versions import questionnaire_of
from tests.evaluation.export.conftest import export
from tests.evaluation.export.readers import read_any, read_csv, read_datapackage, read_sav, read_xlsx

FORMATS = ("csv", "csv-de", "xlsx", "sav", "json", "datapackage")


def counts_of(rows, questionnaire) -> Counts:
    """What the exported rows say, counted like the database counts answers."""
    answers = Counter()
    for row in rows:
        for question in questionnaire.questions:
            value = row.get(question.id)
            if value is not None and question.codes:
                answers[(question.id, value)] += 1
    return Counts(len(rows), dict(answers))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_report_counts(app, db, survey, fmt, tmp_path):
    version, _spring, _autumn = survey
    plan, data = export(app, db, version, fmt, free_text=True)
    rows = read_any(fmt, data, tmp_path, plan.columns)
    questionnaire = questionnaire_of(version)
    after_closing = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(
        days=2
    )  # the report shows closed surveys
    report = reporting.build_report(
        db, version, reporting.ReportOptions(), today=dt.date(2026, 11, 26), now=after_closing
    )

    assert len(rows) == report.overall.respondents == plan.responses == 40
    counts = counts_of(rows, questionnaire)
    for result in report.overall.results:
        share = indicator_share(questionnaire, result.indicator, counts)
        assert (share.k, share.n) == (result.k, result.n), result.indicator.id
    for item in report.likert:
        exported = {int(code): counts.count(item.question.id, code) for code in item.question.codes}
        assert exported == item.counts, item.question.id
    assert sorted(int(row["meetings_attended"]) for row in rows) == list(range(1, 41))
    assert {row["meeting_date"] for row in rows} == {"2016-03-16", "2017-10-11"}
    comments = [row["comment"] for row in rows if row["comment"]]
    assert len(comments) == 30 and "Anmerkung 1: mehr Austausch" in comments


def test_columns_are_named_by_question_id_and_carry_codes(app, db, survey):
    version, *_ = survey
    _plan, data = export(app, db, version)
    rows = read_csv(data)
    assert list(rows[0]) == [
        "row_id",
        "meeting_date",
        "language",
        "actor_group",
        "knows_more_offers",
        "new_contacts",
        "new_partners",
        "central_topics",
        "satisfaction",
        "impulses",
        "benefit",
        "relevant_topics",
        "transparency",
        "meetings_attended",
    ]
    assert {row["actor_group"] for row in rows} <= {"school", "kita", "education_provider", "migrant_organisation", "*"}
    assert {row["satisfaction"] for row in rows} <= set("12345")
    assert all(re.fullmatch(r"[0-9a-f]{16}", row["row_id"]) for row in rows)


def test_free_text_is_left_out_unless_asked_for(app, db, survey):
    version, *_ = survey
    _plan, without = export(app, db, version)
    assert b"comment" not in without and b"Anmerkung" not in without
    _plan, with_text = export(app, db, version, free_text=True)
    assert b"Anmerkung" in with_text


def test_xlsx_has_data_labels_and_codebook_sheets(app, db, survey):
    version, *_ = survey
    _plan, data = export(app, db, version, "xlsx", language="en")
    rows, sheets = read_xlsx(data)
    assert [ws.title for ws in sheets["workbook"].worksheets] == ["data", "labels", "codebook"]
    assert ["actor_group", "kita", "Day-care centre (Kita)"] in sheets["labels"]
    assert ["knows_more_offers", "dont_know", "Don't know"] in sheets["labels"]
    assert ["satisfaction", 5, "very satisfied"] in sheets["labels"]
    codebook = "\n".join(str(cell) for row in sheets["codebook"] for cell in row if cell is not None)
    assert "Which field do you work in?" in codebook
    assert "At least 60 % of respondents know more or new education offers" in codebook
    # numbers are numbers, dates are dates
    data_sheet = sheets["workbook"]["data"]
    assert isinstance(data_sheet["J2"].value, int)  # satisfaction
    assert isinstance(data_sheet["B2"].value, dt.datetime)


def test_sav_has_numeric_codes_value_labels_and_measures(app, db, survey, tmp_path):
    version, *_ = survey
    plan, data = export(app, db, version, "sav", free_text=True)
    _rows, meta = read_sav(data, tmp_path)
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["actor_group"] == "Aus welchem Bereich kommen Sie?"
    # Answers are numbers 1, 2, … in the questionnaire's order, with value labels.
    for name in ("language", "actor_group", "knows_more_offers", "satisfaction", "meetings_attended"):
        assert meta.readstat_variable_types[name] == "double", name
    assert meta.variable_value_labels["actor_group"][1] == "Schule"
    assert meta.variable_value_labels["actor_group"][2] == "Kita"
    assert meta.variable_value_labels["knows_more_offers"] == {1: "Ja", 2: "Nein", 3: "Weiß nicht"}
    assert meta.variable_value_labels["language"][1] == "Deutsch"
    assert meta.variable_value_labels["satisfaction"][1] == "sehr unzufrieden"
    # A suppressed quasi-identifier is a declared user-missing value with its label.
    assert meta.missing_ranges["actor_group"] == [{"lo": -9.0, "hi": -9.0}]
    assert meta.missing_ranges["language"] == [{"lo": -9.0, "hi": -9.0}]
    assert "knows_more_offers" not in meta.missing_ranges  # not a quasi-identifier
    assert meta.variable_value_labels["actor_group"][-9] == "nicht gezeigt, damit keine Zeile heraussticht"
    raw, _meta = __import__("pyreadstat").read_sav(str(tmp_path / "export.sav"), user_missing=True)
    assert (raw["actor_group"] == -9).sum() == (raw["language"] == -9).sum() > 0
    plain, _meta = __import__("pyreadstat").read_sav(str(tmp_path / "export.sav"))
    assert plain["actor_group"].isna().sum() == (raw["actor_group"] == -9).sum()  # missing for SPSS
    assert meta.variable_measure["actor_group"] == "nominal"
    assert meta.variable_measure["satisfaction"] == "ordinal"
    assert meta.variable_measure["meetings_attended"] == "scale"
    assert meta.original_variable_types["meeting_date"].startswith("DATE")
    assert meta.readstat_variable_types["comment"] == "string"
    # The codebook's notes travel in the file's documents (in the export's language).
    assert "language, actor_group" in " ".join(meta.notes)


def test_sav_suppressed_code_lies_below_every_value():
    number = Variable("n", "number", "integer", "scale", "n", "n", quasi_identifier=True, minimum=-20)
    assert sav_suppressed_code(number) == -21
    likert = Variable("l", "likert", "integer", "ordinal", "l", "l", values=((0, "a"), (1, "b")), quasi_identifier=True)
    assert sav_suppressed_code(likert) == -9
    coded = Variable("c", "single_choice", "string", "nominal", "c", "c", values=(("x", "X"), ("y", "Y")))
    assert sav_codes(coded) == {"x": 1, "y": 2} and sav_suppressed_code(coded) == -9


def test_csv_for_german_excel(app, db, survey):
    """Semicolons and a BOM; every number is whole, so there is no decimal separator to localise."""
    version, *_ = survey
    plan, data = export(app, db, version, "csv-de")
    assert data.startswith(b"\xef\xbb\xbfrow_id;meeting_date;language;actor_group;")
    assert not {v.data_type for v in plan.columns} - {"string", "integer", "date"}
    rows = read_csv(data, german=True)
    assert len(rows) == 40 and all(row["satisfaction"].isdigit() for row in rows)
    _plan, plain = export(app, db, version, "csv")
    english = read_csv(plain)
    key = lambda row: int(row["meetings_attended"])  # noqa: E731
    strip = lambda rows: sorted(({**r, "row_id": None} for r in rows), key=key)  # noqa: E731
    assert strip(rows) == strip(english)  # the same table, only the separator differs
    column = [Variable("count", "number", "integer", "scale", "count")]
    assert b"".join(write_csv(column, iter([[12], [3]]), german=True)) == b"\xef\xbb\xbfcount\r\n12\r\n3\r\n"


def test_datapackage_describes_its_csv(app, db, survey):
    version, *_ = survey
    _plan, data = export(app, db, version, "datapackage", free_text=True)
    rows, descriptor, members = read_datapackage(data)
    assert "codebook.md" in members
    resource = descriptor["resources"][0]
    assert descriptor["profile"] == "tabular-data-package" and resource["profile"] == "tabular-data-resource"
    assert re.fullmatch(r"[a-z0-9._-]+", descriptor["name"])
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert list(fields) == list(rows[0])
    assert fields["satisfaction"]["type"] == "integer" and fields["meeting_date"]["type"] == "date"
    assert fields["actor_group"]["constraints"]["enum"][:2] == ["school", "kita"]
    assert "Kita" in fields["actor_group"]["description"]
    missing = set(schema["missingValues"])
    for name, field in fields.items():
        enum = field.get("constraints", {}).get("enum")
        if enum:
            assert {row[name] for row in rows} - missing - {None} <= {str(v) for v in enum}, name


def test_file_names_are_plain_ascii(app, db, survey):
    version, spring, _autumn = survey
    plan, _data = export(app, db, version, "csv", year=2016)
    assert plan.filename == "resonanz_iv-1_v1_2016_20261126.csv"
    plan, _data = export(app, db, version, "xlsx", meeting_id=spring.id)
    assert plan.filename == "resonanz_iv-1_v1_m20160316_20261126.xlsx"
    plan, _data = export(app, db, version, "json")
    assert plan.filename == "resonanz_iv-1_v1_all_20261126.jsonl"


def test_selection_by_meeting_and_year(app, db, survey):
    version, spring, autumn = survey
    _plan, data = export(app, db, version, meeting_id=autumn.id)
    assert {row["meeting_date"] for row in read_csv(data)} == {"2017-10-11"}
    _plan, data = export(app, db, version, year=2016)
    assert len(read_csv(data)) == 22
