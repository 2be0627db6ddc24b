"""What an export must never contain or do: stored response ids, a fixed
row order, live spreadsheet formulas."""

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from app.models import Answer, Response
from tests.evaluation.export.conftest import answer, export
from tests.evaluation.export.readers import read_csv, read_jsonl, read_xlsx

FORMATS = ("csv", "csv-de", "xlsx", "sav", "json", "datapackage")


def _unpacked(fmt: str, data: bytes) -> bytes:
    """The bytes to scan: a ZIP container (xlsx, data package) compresses its members."""
    if fmt in ("xlsx", "datapackage"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return b"".join(archive.read(name) for name in archive.namelist())
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_stored_response_id_appears(app, db, survey, fmt):
    version, *_ = survey
    ids = db.scalars(select(Response.id)).all()
    assert len(ids) == 40
    _plan, data = export(app, db, version, fmt, free_text=True)
    scanned = _unpacked(fmt, data)
    lowered = scanned.lower()
    for stored in ids:
        for form in (stored.hex, str(stored)):
            assert form.encode() not in lowered, (fmt, form)
        assert stored.bytes not in scanned
        # Nor a part long enough to look one up (the first 8 hex digits).
        assert stored.hex[:8].encode() not in lowered


def test_row_order_and_row_ids_differ_between_exports(app, db, survey):
    version, *_ = survey
    first = read_csv(export(app, db, version)[1])
    second = read_csv(export(app, db, version)[1])
    order = [row["meetings_attended"] for row in first]
    assert sorted(order) == sorted(row["meetings_attended"] for row in second)
    assert order != [row["meetings_attended"] for row in second]  # 1 in 40! that this fails by chance
    assert not {row["row_id"] for row in first} & {row["row_id"] for row in second}
    # Nor is the order the one of the stored ids or of submission.
    by_id = {
        r.id: n
        for r, n in db.execute(
            select(Response, Answer.number).join(Answer).where(Answer.question_id == "meetings_attended")
        ).all()
    }
    assert order != [str(by_id[i]) for i in sorted(by_id)]
    assert order != [str(n) for n in range(1, 41)]


PAYLOADS = [
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1)",
    '=HYPERLINK("http://evil.example","klick")',
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
]


@pytest.fixture
def injected(db, survey):
    """Free texts that a spreadsheet would run: stored as they came (the
    form strips leading tabs, a direct database write need not)."""
    version, spring, _autumn = survey
    for _ in PAYLOADS:
        answer(db, spring, meetings_attended="7", comment="placeholder")
    db.commit()
    texts = db.scalars(select(Answer).where(Answer.text == "placeholder")).all()
    for stored, payload in zip(texts, PAYLOADS):
        stored.text = payload
    db.commit()
    db.rollback()
    return version


def test_formulas_are_inert_in_csv(app, db, injected):
    for fmt, german in (("csv", False), ("csv-de", True)):
        rows = read_csv(export(app, db, injected, fmt, free_text=True)[1], german=german)
        comments = [
            row["comment"] for row in rows if row["comment"] and not row["comment"].startswith(("Anm", "Bitte"))
        ]
        assert len(comments) == len(PAYLOADS)
        for comment in comments:
            assert comment.startswith("'"), comment
            assert comment[1] in "=+-@\t\r"
    # JSON is not opened by spreadsheets: the text stays as scrubbed.
    rows = read_jsonl(export(app, db, injected, "json", free_text=True)[1])
    assert "=1+1" in {row["comment"] for row in rows}


def test_formulas_are_inert_in_xlsx(app, db, injected):
    _rows, sheets = read_xlsx(export(app, db, injected, "xlsx", free_text=True)[1])
    data = sheets["workbook"]["data"]
    header = [cell.value for cell in data[1]]
    column = header.index("comment")
    cells = [row[column] for row in data.iter_rows(min_row=2) if row[column].value]
    found = [cell for cell in cells if cell.value.startswith("'")]
    assert len(found) == len(PAYLOADS)
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    assert not any(cell.data_type == "f" for row in data.iter_rows() for cell in row)


def test_free_text_is_scrubbed_in_exports(app, db, survey):
    version, spring, _autumn = survey
    answer(db, spring, comment="Schreiben Sie mir: anna.muster@kita-sonnenschein.de oder 0761 201-2372")
    db.commit()
    data = export(app, db, version, "csv", free_text=True)[1]
    assert b"anna.muster" not in data and b"201-2372" not in data
    assert b"Schreiben Sie mir: [entfernt] oder [entfernt]" in data


def test_dates_are_days_only(app, db, survey):
    version, *_ = survey
    for fmt in ("csv", "json"):
        text = export(app, db, version, fmt)[1].decode()
        assert not re.search(r"\d{2}:\d{2}", text)
