"""Reading uploaded files into plain data for the domain converters."""

from __future__ import annotations

import io
import zipfile

from app.questionnaires.xlsform import Conversion, convert

MAX_ROWS = 2000  # far more than any questionnaire; a bound against hostile files


class UnreadableWorkbook(ValueError):
    """The upload is not a readable XLSForm workbook."""


def read_xlsform(data: bytes) -> Conversion:
    from openpyxl import load_workbook  # only when someone imports a form: it is heavy

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableWorkbook(f"not an .xlsx workbook ({exc.__class__.__name__})") from exc
    sheets = {}
    for sheet in workbook.worksheets:
        name = sheet.title.strip().lower()
        if name not in ("survey", "choices", "settings"):
            continue
        rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        sheets[name] = [dict(zip(header, row)) for row in rows if any(cell not in (None, "") for cell in row)]
    workbook.close()
    if "survey" not in sheets:
        raise UnreadableWorkbook("the workbook has no 'survey' sheet")
    return convert(sheets)
