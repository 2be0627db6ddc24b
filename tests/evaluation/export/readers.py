"""Read every export format back with an independent reader (csv module,
openpyxl, pyreadstat, json), into rows of plain strings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import zipfile
from pathlib import Path


def _plain(value):
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _records(header, rows) -> list[dict]:
    return [{name: _plain(value) for name, value in zip(header, row)} for row in rows]


def read_csv(data: bytes, *, german: bool = False) -> list[dict]:
    text = data.decode("utf-8-sig" if german else "utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if german else ","))
    return _records(rows[0], rows[1:])


def read_xlsx(data: bytes) -> tuple[list[dict], dict]:
    """The data sheet's rows, and every sheet's cells (for labels and the codebook)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheets = {ws.title: [[cell.value for cell in row] for row in ws.iter_rows()] for ws in workbook.worksheets}
    data_rows = sheets["data"]
    return _records(data_rows[0], data_rows[1:]), {"workbook": workbook, **sheets}


def read_sav(data: bytes, folder: Path, columns=None):
    """Rows and metadata; a user-missing value reads as "*".  With ``columns``
    (the export's variables), numeric codes are decoded through the file's
    value labels back to the questionnaire's answer codes."""
    import pyreadstat

    path = folder / "export.sav"
    path.write_bytes(data)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    records = _records(list(frame.columns), frame.itertuples(index=False))
    missing = {name: {str(int(r["lo"])) for r in ranges} for name, ranges in meta.missing_ranges.items()}
    decode = {}
    for v in columns or ():
        if v.data_type == "string" and v.values:
            code_of = {label: str(value) for value, label in v.values}
            decode[v.name] = {
                str(int(n)): code_of[label]
                for n, label in meta.variable_value_labels[v.name].items()
                if label in code_of
            }
    for record in records:
        for name, value in record.items():
            if value is not None and value in missing.get(name, ()):
                record[name] = "*"
            elif value is not None and name in decode:
                record[name] = decode[name][value]
    return records, meta


def read_jsonl(data: bytes) -> list[dict]:
    objects = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    return [{name: _plain(value) for name, value in item.items()} for item in objects]


def read_datapackage(data: bytes) -> tuple[list[dict], dict, dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = {name: archive.read(name) for name in archive.namelist()}
    descriptor = json.loads(members["datapackage.json"])
    rows = read_csv(members[descriptor["resources"][0]["path"]])
    return rows, descriptor, members


def read_any(fmt: str, data: bytes, folder: Path, columns=None) -> list[dict]:
    """Rows of any format; ``columns`` decode the numeric codes of SPSS."""
    if fmt == "csv":
        return read_csv(data)
    if fmt == "csv-de":
        return read_csv(data, german=True)
    if fmt == "xlsx":
        return read_xlsx(data)[0]
    if fmt == "sav":
        return read_sav(data, folder, columns)[0]
    if fmt == "json":
        return read_jsonl(data)
    return read_datapackage(data)[0]
