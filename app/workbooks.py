"""Reading the sheets of an uploaded XLSX workbook, at a bounded cost.

An XLSX file is a ZIP archive of XML parts, and an upload of a few kilobytes
can stand for gigabytes (a compressed member that expands without end, ten
million rows that all claim to be row 2, one shared string repeated in every
cell, XML entities that expand).  So nothing here trusts what the file says
about itself:

- the archive's directory is checked first (members, sizes, compression
  ratios, compression methods), and then every member that is read is
  decompressed in chunks and counted, so a directory that lies is caught too;
- XML is parsed as a stream (``defusedxml``: no DTD, no entities), and each
  row is dropped once read;
- rows and cells are counted as they are read, whatever their ``r``
  attributes or the sheet's ``dimension`` claim;
- the characters of all cells together are bounded, so a shared string
  repeated in every cell is refused too.

Only cell values are read (text, numbers, booleans): no styles, formulas or
pictures.  Plain Python: no framework.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Collection, Iterator
from typing import NamedTuple
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from app.yaml_documents import N_

MAX_FILE_BYTES = 5_000_000  # the upload itself
MAX_MEMBERS = 1_000
MAX_MEMBER_BYTES = 20_000_000  # one member, uncompressed
MAX_TOTAL_BYTES = 50_000_000  # all members, uncompressed
MAX_RATIO = 100  # uncompressed : compressed, per member
MAX_ROWS = 2_000  # rows with content, per sheet
MAX_ROW_ELEMENTS = 20_000  # rows read at all, per sheet (spreadsheet programs write empty rows for formatting)
MAX_COLUMNS = 500
MAX_CHARACTERS = 2_000_000  # all cells of the sheets read, together
MAX_CELL_CHARACTERS = 20_000
MAX_SHARED_STRINGS = 200_000
MAX_SHEET_ROWS = 1_048_576  # a spreadsheet's last row
MAX_ELEMENTS = 1_000_000  # XML elements per part
MAX_ELEMENTS_IN_ITEM = 10_000  # in one row or one shared string

_CHUNK = 64 * 1024
_SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_COLUMN = re.compile(r"^([A-Z]{1,3})")


class Refusal(ValueError):
    """Why a workbook is not read: a code and its parameters (for words in the
    reader's language), and in English as ``str()``."""

    def __init__(self, code: str, params: dict | None = None):
        self.code = code
        self.params = params or {}
        super().__init__(code)

    def __str__(self) -> str:
        return ENGLISH[self.code] % self.params


ENGLISH = {
    "too_large": N_("the file is larger than %(limit)s bytes"),
    "not_a_workbook": N_("not an .xlsx workbook (%(detail)s)"),
    "too_many_members": N_("the archive has more than %(limit)s parts"),
    "member_too_large": N_("the part %(member)s would expand to more than %(limit)s bytes"),
    "total_too_large": N_("the archive would expand to more than %(limit)s bytes"),
    "ratio": N_("the part %(member)s is compressed more than %(limit)s:1, as only a file made to exhaust memory is"),
    "method": N_("the part %(member)s uses a compression method spreadsheets do not use"),
    "directory_lies": N_("the part %(member)s expands beyond the size the archive's directory gives"),
    "xml": N_("the part %(member)s is not well-formed XML (%(detail)s)"),
    "xml_forbidden": N_("the part %(member)s declares a DTD or entities, which a workbook never needs"),
    "too_many_rows": N_("the sheet %(sheet)s has more than %(limit)s rows"),
    "too_many_columns": N_("the sheet %(sheet)s has more than %(limit)s columns"),
    "too_many_characters": N_("the sheets hold more than %(limit)s characters"),
    "cell_too_long": N_("a cell of the sheet %(sheet)s holds more than %(limit)s characters"),
    "too_many_elements": N_("the part %(member)s has more than %(limit)s XML elements"),
    "too_many_strings": N_("the workbook has more than %(limit)s shared strings"),
    "no_survey": N_("the workbook has no 'survey' sheet"),
    "bad_reference": N_("the sheet %(sheet)s refers to a shared string that does not exist"),
}


def _member_checks(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise Refusal("too_many_members", {"limit": MAX_MEMBERS})
    total = 0
    for member in members:
        name = member.filename
        if member.file_size > MAX_MEMBER_BYTES:
            raise Refusal("member_too_large", {"member": name, "limit": MAX_MEMBER_BYTES})
        if member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise Refusal("ratio", {"member": name, "limit": MAX_RATIO})
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refusal("method", {"member": name})
        total += member.file_size
        if total > MAX_TOTAL_BYTES:
            raise Refusal("total_too_large", {"limit": MAX_TOTAL_BYTES})


class _CountedMember(io.RawIOBase):
    """A member's bytes, decompressed chunk by chunk; refused as soon as it
    expands past what the directory said (which was checked) or past the caps."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        self._name = info.filename
        self._raw = archive.open(info)  # for deflate, read(n) decompresses at most n bytes
        self._limit = min(info.file_size, MAX_MEMBER_BYTES, MAX_RATIO * max(info.compress_size, 1))
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._raw.read(min(len(buffer), _CHUNK))
        self._read += len(chunk)
        if self._read > self._limit:
            raise Refusal("directory_lies", {"member": self._name})
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _events(archive: zipfile.ZipFile, name: str, tags: Collection[str]) -> Iterator:
    """The complete elements ``tags`` of the XML member ``name``, parsed as a
    stream.  Everything else is dropped as soon as it ends, and so is each
    element given once the caller is done with it: memory holds one item."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return
    member = io.BufferedReader(_CountedMember(archive, info), _CHUNK)
    open_elements: list = []
    inside = 0  # elements read since the item being read began (0: outside any)
    elements = 0
    try:
        for event, element in iterparse(member, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                open_elements.append(element)
                elements += 1
                if elements > MAX_ELEMENTS:
                    raise Refusal("too_many_elements", {"member": name, "limit": MAX_ELEMENTS})
                if inside or element.tag in tags:
                    inside += 1
                    if inside > MAX_ELEMENTS_IN_ITEM:
                        raise Refusal("too_many_elements", {"member": name, "limit": MAX_ELEMENTS_IN_ITEM})
                continue
            open_elements.pop()
            if element.tag in tags:
                yield element
                inside = 0
            elif inside:
                continue  # a part of the item being read: kept until the item ends
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)
    except DefusedXmlException as exc:
        raise Refusal("xml_forbidden", {"member": name}) from exc
    except ParseError as exc:
        raise Refusal("xml", {"member": name, "detail": str(exc)}) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Refusal("not_a_workbook", {"detail": f"{name}: {exc}"}) from exc
    finally:
        member.close()


def _text(element) -> str:
    """The text of a string item (``<si>`` or ``<is>``): plain or rich text runs, without phonetic runs."""
    parts = []
    for child in element.iter():
        if child.tag == f"{_SPREADSHEET}t" and child.text:
            parts.append(child.text)
        elif child.tag == f"{_SPREADSHEET}rPh":
            child.clear()  # phonetic guides are not part of the text
    return "".join(parts)


class _Budget:
    """The characters all cells may still hold."""

    def __init__(self) -> None:
        self.left = MAX_CHARACTERS

    def spend(self, text: str, sheet: str) -> str:
        if len(text) > MAX_CELL_CHARACTERS:
            raise Refusal("cell_too_long", {"sheet": sheet, "limit": MAX_CELL_CHARACTERS})
        self.left -= len(text)
        if self.left < 0:
            raise Refusal("too_many_characters", {"limit": MAX_CHARACTERS})
        return text


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    strings: list[str] = []
    characters = 0
    if path is None:
        return strings
    for item in _events(archive, path, {f"{_SPREADSHEET}si"}):
        text = _text(item)
        characters += len(text)
        if characters > MAX_CHARACTERS:
            raise Refusal("too_many_characters", {"limit": MAX_CHARACTERS})
        if len(strings) >= MAX_SHARED_STRINGS:
            raise Refusal("too_many_strings", {"limit": MAX_SHARED_STRINGS})
        strings.append(text)
    return strings


def _column_index(reference: str | None, default: int) -> int:
    match = _COLUMN.match(reference or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _number(text: str) -> int | float | str:
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _cell_value(cell, strings: list[str], sheet: str):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_SPREADSHEET}is")
        return _text(inline) if inline is not None else None
    value = cell.find(f"{_SPREADSHEET}v")
    if value is None or value.text is None:
        return None
    text = value.text
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise Refusal("bad_reference", {"sheet": sheet}) from None
    if kind == "b":
        return text.strip() == "1"
    if kind in ("str", "e"):
        return text
    return _number(text)


class Row(NamedTuple):
    number: int  # as a spreadsheet program shows it
    values: list  # by column, ``None`` where empty


def _rows(archive: zipfile.ZipFile, path: str, sheet: str, strings: list[str], budget: _Budget) -> list[Row]:
    """The sheet's rows with content, in the order they are written.  A row's
    number is the one it claims when that follows the row before, else the
    next one: numbers only name rows, they never make the sheet longer."""
    rows: list[Row] = []
    read = number = 0
    for row in _events(archive, path, {f"{_SPREADSHEET}row"}):
        read += 1
        claimed = row.get("r", "")
        number = int(claimed) if claimed.isdigit() and number < int(claimed) <= MAX_SHEET_ROWS else number + 1
        if read > MAX_ROW_ELEMENTS:
            raise Refusal("too_many_rows", {"sheet": sheet, "limit": MAX_ROW_ELEMENTS})
        values: dict[int, object] = {}
        for position, cell in enumerate(row.iter(f"{_SPREADSHEET}c")):
            value = _cell_value(cell, strings, sheet)
            if value in (None, ""):
                continue  # spreadsheet programs write empty cells for their formatting, far to the right
            column = _column_index(cell.get("r"), position)
            if column >= MAX_COLUMNS or len(values) >= MAX_COLUMNS:
                raise Refusal("too_many_columns", {"sheet": sheet, "limit": MAX_COLUMNS})
            if isinstance(value, str):
                budget.spend(value, sheet)
            values[column] = value
        if values:
            if len(rows) >= MAX_ROWS:
                raise Refusal("too_many_rows", {"sheet": sheet, "limit": MAX_ROWS})
            width = max(values) + 1
            rows.append(Row(number, [values.get(column) for column in range(width)]))
    return rows


def _sheet_paths(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Each sheet's name and member path, and the shared strings' path."""
    targets = {}
    for relationship in _events(archive, "xl/_rels/workbook.xml.rels", {f"{_RELATIONSHIPS}Relationship"}):
        target = relationship.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[relationship.get("Id")] = (relationship.get("Type", ""), path)
    sheets = {}
    for sheet in _events(archive, "xl/workbook.xml", {f"{_SPREADSHEET}sheet"}):
        kind_and_path = targets.get(sheet.get(_RELATIONSHIP_ID))
        if kind_and_path and sheet.get("name"):
            sheets[sheet.get("name")] = kind_and_path[1]
    shared = next((path for kind, path in targets.values() if kind.endswith("/sharedStrings")), None)
    return sheets, shared


class Workbook(NamedTuple):
    sheets: dict[str, list[Row]]  # the sheets asked for, by lower-case name
    names: tuple[str, ...]  # every sheet's name, as written


def read_sheets(data: bytes, wanted: Collection[str]) -> Workbook:
    """The rows of the sheets named in ``wanted`` (compared in lower case, keys
    in lower case), or :class:`Refusal` saying why the file is not read."""
    if len(data) > MAX_FILE_BYTES:
        raise Refusal("too_large", {"limit": MAX_FILE_BYTES})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise Refusal("not_a_workbook", {"detail": str(exc) or exc.__class__.__name__}) from exc
    with archive:
        _member_checks(archive)
        sheets, shared = _sheet_paths(archive)
        if not sheets:
            raise Refusal("not_a_workbook", {"detail": "no sheets"})
        wanted = {name.lower() for name in wanted}
        chosen = {name.strip().lower(): path for name, path in sheets.items() if name.strip().lower() in wanted}
        strings = _shared_strings(archive, shared) if chosen else []
        budget = _Budget()
        rows = {name: _rows(archive, path, name, strings, budget) for name, path in chosen.items()}
        return Workbook(rows, tuple(sheets))
