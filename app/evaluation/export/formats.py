"""File formats of an export.  Each writer takes the columns, the rows (an
iterator, consumed once) and the codebook, and yields the file's bytes.

CSV and JSON Lines are written as the rows arrive, in constant memory.  XLSX
(openpyxl write-only mode) and ZIP are assembled in a temporary file on disk
and then sent from there.  SPSS needs the whole table in memory (pyreadstat
writes a data frame); it is meant for the sizes a statistics package opens.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence

from app.evaluation.anonymise import neutralise
from app.evaluation.export.rows import SUPPRESSED, Codebook, Variable

CHUNK = 64 * 1024
FLUSH_ROWS = 500  # rows per chunk of a streamed text file


def _text_columns(columns: Sequence[Variable]) -> tuple[int, ...]:
    # Only free text can start with a formula character: answer codes, language
    # codes, dates, numbers and row ids follow fixed patterns.
    return tuple(i for i, v in enumerate(columns) if v.is_text)


def _neutralise_texts(row: list, texts: tuple[int, ...]) -> None:
    for i in texts:
        if row[i]:
            row[i] = neutralise(row[i])


def _chunks(
    rows: Iterable[list], make_writer: Callable[[io.StringIO], Callable[[list], object]], head: str = ""
) -> Iterator[bytes]:
    """Render rows into text in batches of :data:`FLUSH_ROWS` and yield them as UTF-8."""
    buffer = io.StringIO()
    buffer.write(head)
    write = make_writer(buffer)
    count = 0
    for row in rows:
        write(row)
        count += 1
        if count == FLUSH_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if buffer.tell():
        yield buffer.getvalue().encode()


def write_csv(columns: Sequence[Variable], rows: Iterable[list], *, german: bool = False) -> Iterator[bytes]:
    """RFC 4180 CSV in UTF-8; ``german``: semicolons and a BOM, so that Excel
    with a German locale splits the columns and recognises UTF-8.  Every
    exported number is a whole number, so no decimal separator is needed."""
    texts = _text_columns(columns)
    delimiter = ";" if german else ","

    def make_writer(buffer):
        writerow = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow

        def write(row):
            _neutralise_texts(row, texts)
            writerow(row)

        return write

    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\r\n").writerow(v.name for v in columns)
    return _chunks(rows, make_writer, ("\ufeff" if german else "") + header.getvalue())


def write_jsonl(columns: Sequence[Variable], rows: Iterable[list]) -> Iterator[bytes]:
    """JSON Lines: one object per response and line, so a reader can stream it too."""
    names = [v.name for v in columns]
    dates = tuple(i for i, v in enumerate(columns) if v.data_type == "date")
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def make_writer(buffer):
        def write(row):
            for i in dates:
                if isinstance(row[i], dt.date):
                    row[i] = row[i].isoformat()
            buffer.write(encode(dict(zip(names, row))))
            buffer.write("\n")

        return write

    return _chunks(rows, make_writer)


def json_array(lines: Iterable[bytes]) -> Iterator[bytes]:
    """JSON Lines (as ``write_jsonl`` writes them) as one JSON array, streamed.
    A line break only ever ends a line: within a value it is written ``\\n``."""
    yield b"["
    held = b""
    for chunk in lines:
        if chunk:
            joined = held + chunk.replace(b"\n", b",")
            held = joined[-1:]
            yield joined[:-1]
    if held != b",":  # every line ends with a break: the last comma goes
        yield held
    yield b"]"


def _spooled(write: Callable[[object], None]) -> Iterator[bytes]:
    """Let ``write`` fill a temporary file, then yield the file in chunks."""
    with tempfile.TemporaryFile() as file:
        write(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def write_xlsx(columns: Sequence[Variable], rows: Iterable[list], sheets: dict[str, list[list]]) -> Iterator[bytes]:
    """A workbook with the data sheet first, then ``sheets`` (labels, codebook)."""

    def write(file):
        from openpyxl import Workbook  # only exports in this format pay for the import

        workbook = Workbook(write_only=True)
        data = workbook.create_sheet("data")
        data.append([v.name for v in columns])
        texts = _text_columns(columns)
        for row in rows:
            _neutralise_texts(row, texts)
            data.append(row)
        for title, sheet_rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for sheet_row in sheet_rows:
                sheet.append([neutralise(c) if isinstance(c, str) else c for c in sheet_row])
        workbook.save(file)

    return _spooled(write)


SAV_SUPPRESSED = -9  # the user-missing code of a suppressed value, unless a variable's values reach it


def sav_codes(variable: Variable) -> dict[object, int]:
    """SPSS codes of a variable whose answers are text codes: 1, 2, … in the
    questionnaire's order (the value labels say what each stands for)."""
    if variable.data_type != "string" or not variable.values:
        return {}
    return {value: position for position, (value, _label) in enumerate(variable.values, 1)}


def sav_suppressed_code(variable: Variable) -> int:
    """The code below every value the variable can take: a declared user-missing value."""
    codes = sav_codes(variable)
    lowest = list(codes.values()) or [value for value, _label in variable.values if isinstance(value, int)]
    if variable.minimum is not None:
        lowest.append(variable.minimum)
    return min([SAV_SUPPRESSED, *(value - 1 for value in lowest)])


def write_sav(
    columns: Sequence[Variable],
    rows: Iterable[list],
    *,
    total: int,
    label: str,
    notes: Sequence[str],
    suppressed_label: str,
) -> Iterator[bytes]:
    """SPSS .sav with variable labels, value labels and measurement levels
    (pyreadstat writes a file by name: it is sent straight from there).

    Answers are numbers, as SPSS users expect: text codes become 1, 2, … with
    value labels.  A suppressed quasi-identifier is a declared user-missing
    value with its label (:func:`sav_suppressed_code`); an answer not given is
    system-missing."""
    import numpy as np
    import pandas as pd
    import pyreadstat

    coded = [sav_codes(v) for v in columns]
    numeric = [v.data_type == "integer" or bool(codes) for v, codes in zip(columns, coded)]
    suppressed = [sav_suppressed_code(v) if v.quasi_identifier and numeric[i] else None for i, v in enumerate(columns)]
    # Columns, not rows: numbers in float arrays (NaN = missing), text as
    # shared string objects.
    data = [np.full(total, np.nan) if is_number else [None] * total for is_number in numeric]
    strings: dict[str, str] = {}
    count = 0
    for position, row in enumerate(rows):
        if position >= total:
            break
        for i, value in enumerate(row):
            if value is None:
                continue
            if value == SUPPRESSED and suppressed[i] is not None:
                data[i][position] = suppressed[i]
            elif coded[i]:
                data[i][position] = coded[i].get(value, math.nan)
            elif isinstance(value, str) and not numeric[i]:
                data[i][position] = strings.setdefault(value, value) if len(value) < 64 else value
            else:
                data[i][position] = value
        count = position + 1
    frame = pd.DataFrame({v.name: column[:count] for v, column in zip(columns, data)})
    value_labels = {}
    for v, codes, missing in zip(columns, coded, suppressed):
        labels = {codes[value]: text for value, text in v.values} if codes else dict(v.values)
        if missing is not None:
            labels[missing] = suppressed_label
        if labels:
            value_labels[v.name] = labels
    with tempfile.NamedTemporaryFile(suffix=".sav") as target:
        pyreadstat.write_sav(
            frame,
            target.name,
            file_label=label[:64],
            note=[line for n in notes for line in _document_lines(n)],
            column_labels={v.name: v.label[:256] for v in columns},
            variable_value_labels=value_labels,
            missing_ranges={v.name: [missing] for v, missing in zip(columns, suppressed) if missing is not None},
            variable_measure={v.name: v.measure for v in columns},
            variable_format={v.name: "F8.0" for v, is_number in zip(columns, numeric) if is_number},
        )
        target.seek(0)
        while chunk := target.read(CHUNK):
            yield chunk


def _document_lines(text: str, limit: int = 80) -> list[str]:
    """A note as SPSS document lines: at most ``limit`` bytes each, broken between words."""
    lines, line = [], ""
    for word in text.split():
        while len(word.encode()) > limit:  # a word longer than a line: cut it
            cut = len(word.encode()[:limit].decode(errors="ignore"))
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if len(candidate.encode()) > limit:
            lines.append(line)
            candidate = word
        line = candidate
    return lines + ([line] if line else [])


def table_schema(codebook: Codebook) -> dict:
    """A Frictionless Table Schema of the CSV."""
    fields = []
    for v in codebook.variables:
        field = {"name": v.name, "type": v.data_type, "title": v.label}
        description = [f"{value} = {label}" for value, label in v.values]
        if description:
            field["description"] = "; ".join(description)
        if v.values:
            field["constraints"] = {"enum": [value for value, _label in v.values]}
        if v.data_type == "date":
            field["format"] = "default"  # ISO 8601, YYYY-MM-DD
        fields.append(field)
    # "*" marks a suppressed quasi-identifier; the codebook says why.
    return {"fields": fields, "missingValues": ["", SUPPRESSED]}


def datapackage(codebook: Codebook, *, name: str, csv_path: str, description: str) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": codebook.title,
        "description": description,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "responses",
                "path": csv_path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": table_schema(codebook),
            }
        ],
    }


def write_datapackage_zip(
    columns: Sequence[Variable], rows: Iterable[list], *, descriptor: dict, csv_path: str, extra: dict[str, str]
) -> Iterator[bytes]:
    """A ZIP with ``datapackage.json``, the CSV it describes and ``extra`` text files."""

    def write(file):
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
            with archive.open(csv_path, "w") as member:
                for chunk in write_csv(columns, rows):
                    member.write(chunk)
            for path, text in extra.items():
                archive.writestr(path, text)

    return _spooled(write)
