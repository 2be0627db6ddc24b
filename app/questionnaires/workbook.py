"""Reading an uploaded XLSForm workbook into plain rows for the converter
(app/questionnaires/xlsform.py), at a bounded cost (app/workbooks.py)."""

from __future__ import annotations

from app.questionnaires.xlsform import Conversion, SheetRow, convert
from app.workbooks import MAX_ROWS, Refusal, read_sheets

__all__ = ["MAX_ROWS", "UnreadableWorkbook", "read_xlsform"]

SHEETS = ("survey", "choices", "settings")


class UnreadableWorkbook(ValueError):
    """The upload is not a readable XLSForm workbook; ``refusal`` says why."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(str(refusal))


def read_xlsform(data: bytes) -> Conversion:
    try:
        sheets = read_sheets(data, SHEETS)
    except Refusal as refusal:
        raise UnreadableWorkbook(refusal) from refusal
    if "survey" not in sheets:
        raise UnreadableWorkbook(Refusal("no_survey"))
    tables = {}
    for name, rows in sheets.items():
        header = [str(cell).strip() if cell is not None else "" for cell in rows[0].values] if rows else []
        tables[name] = [SheetRow(row.number, dict(zip(header, row.values, strict=False))) for row in rows[1:]]
    return convert(tables)
