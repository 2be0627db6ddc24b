"""Reading an uploaded XLSForm workbook into plain rows for the converter
(app/questionnaires/xlsform.py), at a bounded cost (app/workbooks.py)."""

from __future__ import annotations

from app.questionnaires.xlsform import DUPLICATE, Conversion, SheetRow, convert
from app.workbooks import MAX_ROWS, Refusal, read_sheets

__all__ = ["MAX_ROWS", "UnreadableWorkbook", "read_xlsform"]

SHEETS = ("survey", "choices", "settings")


class UnreadableWorkbook(ValueError):
    """The upload is not a readable XLSForm workbook; ``refusal`` says why."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(str(refusal))


def _header(cells: list, width: int) -> list[str]:
    """Column names; a name used again, or none, is marked with its position so
    its cells stay apart (the converter reports them)."""
    header: list[str] = []
    for position in range(width):
        cell = cells[position] if position < len(cells) else None
        name = str(cell).strip() if cell is not None else ""
        header.append(f"{name}{DUPLICATE}{position}" if not name or name in header else name)
    return header


def read_xlsform(data: bytes) -> Conversion:
    try:
        workbook = read_sheets(data, SHEETS)
    except Refusal as refusal:
        raise UnreadableWorkbook(refusal) from refusal
    if "survey" not in workbook.sheets:
        raise UnreadableWorkbook(Refusal("no_survey"))
    tables = {}
    for name, rows in workbook.sheets.items():
        width = max((len(row.values) for row in rows), default=0)
        header = _header(rows[0].values, width) if rows else []
        tables[name] = [SheetRow(row.number, dict(zip(header, row.values, strict=False))) for row in rows[1:]]
    others = [name for name in workbook.names if name.strip().lower() not in SHEETS]
    return convert(tables, others)
