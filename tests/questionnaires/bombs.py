"""Hostile uploads, made on the spot: few bytes that stand for gigabytes.

Each maker returns the bytes of a file (YAML text, or an XLSX archive) and
says in its docstring what it would cost if read naively.  The archives are
written by hand (a local header per member, a central directory) so that a
member can carry compressed data made elsewhere and a directory can lie
about sizes.
"""

from __future__ import annotations

import bz2
import random
import struct
import zlib

# ----------------------------------------------------------------------------
# YAML


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """Nine aliases of nine aliases …: 9^9 (387 million) entries once expanded, in some 400 bytes."""
    lines = ['a0: &a0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def deep_flow_nesting(depth: int = 100_000) -> str:
    """[[[[…]]]]: a Python recursion per level for a naive composer."""
    return "questions: " + "[" * depth + "]" * depth + "\n"


def deep_block_nesting(depth: int = 5_000) -> str:
    """A mapping inside a mapping inside …, written as indented lines."""
    return "".join(f"{' ' * level}k{level}:\n" for level in range(depth)) + " " * depth + "v\n"


def alias_inside_itself() -> str:
    return "questions: &loop [*loop]\n"


# ----------------------------------------------------------------------------
# XLSX archives


def _local_header(name: bytes, method: int, crc: int, compressed: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, compressed, size, len(name), 0) + name


def _central_entry(name: bytes, method: int, crc: int, compressed: int, size: int, offset: int) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            compressed,
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def archive(members: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A ZIP file of (name, method, compressed bytes, crc, declared size) members."""
    body, directory = b"", b""
    for name, method, data, crc, size in members:
        encoded = name.encode()
        directory += _central_entry(encoded, method, crc, len(data), size, len(body))
        body += _local_header(encoded, method, crc, len(data), size) + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _member(name: str, text: str) -> tuple[str, int, bytes, int, int]:
    data = text.encode()
    return name, 8, deflated(data), zlib.crc32(data), len(data)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = RELATIONSHIPS + "/worksheet"
STRINGS_TYPE = RELATIONSHIPS + "/sharedStrings"


def workbook_members(sheet_names: tuple[str, ...] = ("survey",), shared_strings: bool = False) -> list:
    """The parts every workbook has, naming the sheets xl/worksheets/sheet1.xml, sheet2.xml, …"""
    sheets = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheet_names, start=1)
    )
    relationships = "".join(
        f'<Relationship Id="rId{i}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheet_names) + 1)
    )
    if shared_strings:
        relationships += f'<Relationship Id="rIdS" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'
    return [
        _member("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
        _member(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>',
        ),
        _member(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relationships}</Relationships>",
        ),
    ]


def sheet_xml(rows: str, dimension: str = "A1") -> str:
    return f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return f'<row r="1">{inline("A1", "type")}{inline("B1", "name")}{inline("C1", "label")}</row>'


def xlsx(sheet: str, *, strings: str | None = None) -> bytes:
    members = workbook_members(shared_strings=strings is not None) + [_member("xl/worksheets/sheet1.xml", sheet)]
    if strings is not None:
        members.append(_member("xl/sharedStrings.xml", strings))
    return archive(members)


def _bzip2_blocks(block: bytes, count: int) -> bytes:
    """A bzip2 stream of ``count`` copies of the compressed block of ``block``
    (which must fit in one block): bzip2 blocks are bit-aligned, so the block's
    bits are cut out of one compressed stream and repeated, and the stream's
    CRC is combined from the blocks' CRCs as bzip2 does."""
    compressed = bz2.compress(block, 9)
    bits = "".join(f"{byte:08b}" for byte in compressed)
    end_marker = f"{0x177245385090:048b}"
    end = bits.rindex(end_marker)
    block_bits = bits[32:end]
    block_crc = int(block_bits[48:80], 2)
    combined = 0
    for _ in range(count):
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ block_crc
    stream = bits[:32] + block_bits * count + end_marker + f"{combined:032b}"
    stream += "0" * (-len(stream) % 8)
    return int(stream, 2).to_bytes(len(stream) // 8, "big")


BZIP2_BLOCK = 45_000_000  # spaces: one bzip2 block after its run-length stage


def bzip2_sheet(gigabytes: int = 1) -> bytes:
    """A sheet of ``gigabytes`` GB of spaces, bzip2-compressed to about a kilobyte; the directory tells the truth."""
    count = gigabytes * 1_000_000_000 // BZIP2_BLOCK + 1
    data = _bzip2_blocks(b" " * BZIP2_BLOCK, count)
    member = ("xl/worksheets/sheet1.xml", 12, data, 0, count * BZIP2_BLOCK)
    return archive(workbook_members() + [member])


def bzip2_sheet_lying(gigabytes: int = 1) -> bytes:
    """The same, with a directory that claims the sheet is 10 KB."""
    count = gigabytes * 1_000_000_000 // BZIP2_BLOCK + 1
    data = _bzip2_blocks(b" " * BZIP2_BLOCK, count)
    member = ("xl/worksheets/sheet1.xml", 12, data, 0, 10_000)
    return archive(workbook_members() + [member])


def _repeated_deflate(chunk: bytes, count: int) -> bytes:
    """Deflate data for ``count`` copies of ``chunk``: after a full flush the
    compressor starts afresh, so each copy compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (count - 1) + compressor.flush()


def deflate_sheet(megabytes: int = 200, *, declared: int | None = None) -> bytes:
    """A sheet of ``megabytes`` MB of spaces after a sheet's start, deflated
    (about 1000:1, deflate's most); ``declared`` makes the directory lie about its size."""
    chunk = b" " * 1_000_000
    start = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(start) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = _repeated_deflate(chunk, megabytes)
    size = len(start) + megabytes * len(chunk)
    member = ("xl/worksheets/sheet1.xml", 8, head + body, 0, size if declared is None else declared)
    return archive(workbook_members() + [member])


def random_words(generator: random.Random, count: int, length: int = 8) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(generator.choice(letters) for _ in range(length)) for _ in range(count)]


def same_row_number(rows: int = 100_000) -> bytes:
    """``rows`` rows that all claim to be row 2, each with a different word
    (so the archive compresses like a real sheet, under 100:1)."""
    words = random_words(random.Random(2), rows)
    body = "".join(f'<row r="2">{inline("A2", word)}</row>' for word in words)
    return xlsx(sheet_xml(header_row() + body, dimension="A1:C2"))


def last_row_claimed() -> bytes:
    """One row that claims to be the sheet's last, under a dimension of the whole sheet."""
    row = f'<row r="1048576">{inline("A1048576", "text")}{inline("B1048576", "q")}{inline("C1048576", "Q?")}</row>'
    return xlsx(sheet_xml(header_row() + row, dimension="A1:XFD1048576"))


def shared_string_bomb(length: int = 15_000, cells: int = 2_000) -> bytes:
    """One shared string of ``length`` random letters, referred to by
    ``cells`` cells: 30 million characters from a file of some 60 KB."""
    text = "".join(random_words(random.Random(3), 1, length))
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    rows = "".join(
        f'<row r="{n}"><c r="C{n}" t="s"><v>0</v></c>' + inline(f"A{n}", "text") + "</row>" for n in range(2, cells + 2)
    )
    return xlsx(sheet_xml(header_row() + rows), strings=strings)


def entity_bomb() -> bytes:
    """XML's own billion laughs inside a sheet."""
    entities = '<!ENTITY e0 "lol">' + "".join(
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}"><sheetData>'
        f'<row r="1">{inline("A1", "&e9;")}</row></sheetData></worksheet>'
    )
    return xlsx(sheet)


def broken_sheet_xml() -> bytes:
    return xlsx(sheet_xml(header_row()).replace("</sheetData>", "<row></sheetData>"))


def many_members(count: int = 5_000) -> bytes:
    return archive(workbook_members() + [_member(f"xl/media/{n}.txt", "x") for n in range(count)])
