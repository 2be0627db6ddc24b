"""Hostile and broken uploads are refused with a clear message, quickly and
in bounded memory, and no limit of the format lets an input through that
would fail later (a 500 on publishing, an integer PostgreSQL cannot store).

The cost of each bomb is measured in a process of its own: the time to
refuse it, how far the process's peak memory (``ru_maxrss``) grew beyond
what the imports had taken, and the peak of Python's own allocations
(``tracemalloc``, which sees even memory freed before the peak is read).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import QuestionnaireDraft
from app.questionnaires.model import MAX_OPTIONS, MAX_QUESTIONS, MAX_VERSION, check_questionnaire
from app.questionnaires.workbook import UnreadableWorkbook, read_xlsform
from app.workbooks import MAX_CHARACTERS, MAX_ROWS
from app.yaml_documents import MAX_DEPTH, MAX_LONG_TEXT, MAX_SOURCE_BYTES, MAX_TEXT
from tests.conftest import IV1, token
from tests.questionnaires import bombs

PROJECT = Path(__file__).resolve().parents[2]
SECONDS = 2.0
MEGABYTES = 100

YAML_BOMBS = {
    "billion laughs": (bombs.billion_laughs, "too_many_entries"),
    "deep flow nesting": (lambda: bombs.deep_flow_nesting(50_000), "too_deep"),
    "deep block nesting": (lambda: bombs.deep_block_nesting(1_000), "too_deep"),
    "alias inside itself": (bombs.alias_inside_itself, "self_reference"),
    "over 1 MB": (lambda: "# " + "x" * MAX_SOURCE_BYTES + "\n", "too_large"),
}
XLSX_BOMBS = {
    "bzip2, 1 GB in 2 KB": (bombs.bzip2_sheet, {"member_too_large", "ratio"}),
    "bzip2, directory lies": (bombs.bzip2_sheet_lying, {"method", "ratio"}),
    "deflate, 200 MB": (bombs.deflate_sheet, {"member_too_large", "ratio"}),
    "deflate, directory lies": (lambda: bombs.deflate_sheet(200, declared=19_999_999), {"ratio"}),
    "deflate, directory lies within the ratio": (
        lambda: bombs.deflate_sheet(200, declared=100_000),
        {"directory_lies", "not_a_workbook"},
    ),
    "100,000 rows claiming row 2": (bombs.same_row_number, {"too_many_rows"}),
    "shared-string bomb": (bombs.shared_string_bomb, {"too_many_characters"}),
    "XML entity bomb": (bombs.entity_bomb, {"xml_forbidden"}),
    "5,000 members": (bombs.many_members, {"too_many_members"}),
}

MEASURE = """
import json, resource, sys, time, tracemalloc
kind, path = sys.argv[1], sys.argv[2]
from app.questionnaires.model import check_questionnaire
from app.questionnaires.workbook import UnreadableWorkbook, read_xlsform
data = open(path, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
started = time.perf_counter()
if kind == "yaml":
    outcome = check_questionnaire(data.decode("utf-8")).problems[0].code
else:
    try:
        read_xlsform(data)
        outcome = "read"
    except UnreadableWorkbook as exc:
        outcome = exc.refusal.code
seconds = time.perf_counter() - started
allocated = tracemalloc.get_traced_memory()[1]
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "grown_mb": grown / 1024, "allocated_mb": allocated / 2**20}))
"""


def measure(kind: str, data: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "bomb"
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, kind, str(path)], capture_output=True, text=True, cwd=PROJECT, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def report(name: str, size: int, measured: dict) -> None:
    print(
        f"\n{name}: {size:,} bytes; refused as {measured['outcome']} in {measured['seconds'] * 1000:.0f} ms, "
        f"peak memory +{measured['grown_mb']:.1f} MB (Python allocations at most {measured['allocated_mb']:.1f} MB)"
    )


@pytest.mark.parametrize("name", YAML_BOMBS)
def test_a_yaml_bomb_is_refused_quickly_in_bounded_memory(name, tmp_path):
    make, code = YAML_BOMBS[name]
    source = make().encode()
    measured = measure("yaml", source, tmp_path)
    report(name, len(source), measured)
    assert measured["outcome"] == code
    assert measured["seconds"] < SECONDS and measured["grown_mb"] < MEGABYTES and measured["allocated_mb"] < MEGABYTES


@pytest.mark.parametrize("name", XLSX_BOMBS)
def test_an_xlsx_bomb_is_refused_quickly_in_bounded_memory(name, tmp_path):
    make, codes = XLSX_BOMBS[name]
    data = make()
    measured = measure("xlsx", data, tmp_path)
    report(name, len(data), measured)
    assert measured["outcome"] in codes
    assert measured["seconds"] < SECONDS and measured["grown_mb"] < MEGABYTES and measured["allocated_mb"] < MEGABYTES


def test_the_bzip2_bomb_is_what_it_claims():
    """The made-up stream is real bzip2: its first megabytes decompress to spaces."""
    import bz2
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(bombs.bzip2_sheet()))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 1_000_000_000 and info.compress_size < 2_000
    # Decompressed with a bound (zipfile itself would expand it all at once).
    blocks = bombs._bzip2_blocks(b" " * bombs.BZIP2_BLOCK, 23)
    assert bz2.BZ2Decompressor().decompress(blocks, max_length=5_000_000) == b" " * 5_000_000
    stream = bz2.BZ2Decompressor()
    assert stream.decompress(bombs._bzip2_blocks(b" " * 1000, 3)) == b" " * 3000 and stream.eof


def test_rows_are_counted_as_read_not_as_claimed():
    # One row that claims to be the sheet's last is one row, whatever the dimension says.
    conversion = read_xlsform(bombs.last_row_claimed())
    assert "survey row 1048576" not in " ".join(conversion.unsupported)
    assert "type: free_text" in conversion.source
    # MAX_ROWS rows of content all claiming "row 2" are read; one more is refused.
    words = bombs.random_words(__import__("random").Random(1), MAX_ROWS)
    rows = "".join(f'<row r="2">{bombs.inline("A2", "text")}{bombs.inline("B2", word)}</row>' for word in words)
    with pytest.raises(UnreadableWorkbook) as refused:
        read_xlsform(bombs.xlsx(bombs.sheet_xml(bombs.header_row() + rows)))
    assert refused.value.refusal.code == "too_many_rows"


def test_a_cell_budget_bounds_the_characters_read():
    assert MAX_CHARACTERS < 30_000_000  # the shared-string bomb's cells hold 30 million characters
    with pytest.raises(UnreadableWorkbook) as refused:
        read_xlsform(bombs.shared_string_bomb())
    assert str(refused.value) == f"the sheets hold more than {MAX_CHARACTERS} characters"


def test_aliases_within_bounds_are_read():
    """The shipped questionnaire repeats its agreement scale by alias."""
    assert "*agreement" in IV1.read_text("utf-8")
    assert check_questionnaire(IV1.read_text("utf-8")).errors == ()


def test_nesting_depth_is_bounded_with_a_clear_message():
    at_limit = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert check_questionnaire(at_limit).problems[0].code != "too_deep"
    result = check_questionnaire("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert [p.format("q.yaml") for p in result.problems] == [
        f"q.yaml:1: (document): the document nests more than {MAX_DEPTH} levels deep"
    ]


def _with(replacements: dict[str, str]) -> str:
    text = IV1.read_text("utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ({"version: 1\n": "version: 100000000000000000000\n"}, f"version: must be at most {MAX_VERSION}"),
        ({"version: 1\n": f"version: {2**31}\n"}, f"version: must be at most {MAX_VERSION}"),
        ({"version: 1\n": "version: 0\n"}, "version: must be at least 1"),
        ({"version: 1\n": f"version: {MAX_VERSION}\n"}, None),
        (
            {"      de: Aus welchem Bereich kommen Sie?\n": f"      de: {'x' * (MAX_TEXT + 1)}\n"},
            f"questions[0].text.de: is too long: at most {MAX_TEXT} characters",
        ),
    ],
)
def test_hard_limits_of_the_format(replacements, expected):
    result = check_questionnaire(_with(replacements))
    if expected is None:
        assert result.errors == ()
    else:
        assert any(expected in p.format("q.yaml") or expected in p.message for p in result.errors), result.errors


def _generated(questions: int, options: int) -> str:
    option_lines = "".join(f"      - {{code: o{j}, label: {{de: Antwort {j}}}}}\n" for j in range(options))
    question_lines = "".join(
        f"  - id: q{i}\n    type: single_choice\n    text: {{de: Frage {i}}}\n    options:\n{option_lines}"
        for i in range(questions)
    )
    return (
        "id: big\nversion: 1\nmittlerziel: {code: X.1, text: {de: Ziel}}\ntitle: {de: Titel}\n"
        f"languages: [de]\nquestions:\n{question_lines}"
    )


def test_questions_and_options_are_bounded():
    assert check_questionnaire(_generated(MAX_QUESTIONS, 2)).errors == ()
    too_many = check_questionnaire(_generated(MAX_QUESTIONS + 1, 2))
    assert [p.format("q.yaml") for p in too_many.errors] == [
        f"q.yaml:6: questions: has too many entries: at most {MAX_QUESTIONS}"
    ]
    assert check_questionnaire(_generated(1, MAX_OPTIONS)).errors == ()
    assert [p.message for p in check_questionnaire(_generated(1, MAX_OPTIONS + 1)).errors] == [
        f"has too many entries: at most {MAX_OPTIONS}"
    ]


def test_a_help_text_may_be_longer():
    help_line = "      de: Wählen Sie den Bereich, für den Sie heute hier sind.\n"
    assert check_questionnaire(_with({help_line: f"      de: {'x' * MAX_LONG_TEXT}\n"})).errors == ()
    too_long = check_questionnaire(_with({help_line: f"      de: {'x' * (MAX_LONG_TEXT + 1)}\n"}))
    line = IV1.read_text("utf-8").splitlines(keepends=True).index(help_line) + 1
    assert [p.format("q.yaml") for p in too_long.errors] == [
        f"q.yaml:{line}: questions[0].help.de: is too long: at most {MAX_LONG_TEXT:} characters"
    ]


# ----------------------------------------------------------------------------
# In the workspace: a clear answer, never a 500, nothing stored


def upload(client, name: str, data: bytes):
    return client.post(
        "/workspace/questionnaires/drafts?lang=en",
        content_type="multipart/form-data",
        data={"csrf_token": token(client, "/workspace/questionnaires/"), "file": (io.BytesIO(data), name)},
    )


@pytest.mark.parametrize(
    ("maker", "words"),
    [
        (bombs.bzip2_sheet, "would expand to more than 20,000,000 bytes"),
        (bombs.bzip2_sheet_lying, "uses a compression method spreadsheets do not use"),
        (bombs.same_row_number, "the sheet survey has more than 2,000 rows"),
        (bombs.shared_string_bomb, "the sheets hold more than 2,000,000 characters"),
        (bombs.entity_bomb, "declares a DTD or entities"),
        (bombs.broken_sheet_xml, "is not well-formed XML"),
        (lambda: b"PK\x03\x04 not really", "not an .xlsx workbook"),
    ],
    ids=["bzip2", "bzip2 lying", "row 2", "shared strings", "entities", "broken XML", "bad zip"],
)
def test_a_hostile_workbook_upload_is_a_clear_refusal(coordinator, db, maker, words):
    response = upload(coordinator, "form.xlsx", maker())
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "This file could not be read" in html and words in html
    db.rollback()
    assert db.scalars(select(QuestionnaireDraft)).all() == []


def test_a_workbook_whose_draft_would_pass_the_editors_limit_is_refused(coordinator, db):
    """Within the reader's bounds, but its questionnaire would be longer than a draft may be."""
    words = bombs.random_words(__import__("random").Random(4), 400, length=900)
    rows = "".join(
        f'<row r="{n}">{bombs.inline(f"A{n}", "text")}{bombs.inline(f"B{n}", f"q{n}")}{bombs.inline(f"C{n}", word)}</row>'
        for n, word in enumerate(words, start=2)
    )
    response = upload(coordinator, "form.xlsx", bombs.xlsx(bombs.sheet_xml(bombs.header_row() + rows)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "a draft holds at most 200,000" in html
    db.rollback()
    assert db.scalars(select(QuestionnaireDraft)).all() == []


@pytest.mark.parametrize("name", ["billion laughs", "deep flow nesting", "alias inside itself"])
def test_a_yaml_bomb_becomes_a_draft_whose_page_explains_it(coordinator, name):
    make, _code = YAML_BOMBS[name]
    response = upload(coordinator, "bomb.yaml", make().encode())
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"] + "?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "1 problem" in html
    assert any(words in html for words in ("entries, counting each repetition", "levels deep", "refers to the part"))


def test_a_yaml_upload_over_the_drafts_limit_is_refused(coordinator, db):
    response = upload(coordinator, "long.yaml", ("# " + "x" * 200_000 + "\n").encode())
    assert response.status_code == 422 and "a draft holds at most 200,000" in response.get_data(as_text=True)


def test_a_strategy_upload_over_the_drafts_limit_is_refused(client, db):
    from app.accounts import users as accounts
    from tests.conftest import login

    accounts.create_user(db, "verwaltung", "verwaltete-Wege-41", "admin")
    db.commit()
    login(client, "verwaltung", "verwaltete-Wege-41")
    response = client.post(
        "/workspace/strategy/drafts?lang=en",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(client, "/workspace/strategy/versions"),
            "file": (io.BytesIO(("# " + "x" * 200_000 + "\n").encode()), "strategy.yaml"),
        },
    )
    assert response.status_code == 422 and "a draft holds at most 200,000" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------
# The command line: never a traceback


def test_check_and_load_given_a_workbook_say_what_to_do(runner, tmp_path, db):
    path = tmp_path / "form.xlsx"
    path.write_bytes(bombs.last_row_claimed())
    for command in ("check", "load"):
        result = runner.invoke(args=["questionnaires", command, str(path)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{path}:1: (document): this is a spreadsheet, not a YAML file" in result.output
        assert "import-xlsform" in result.output


def test_check_given_bad_text_or_a_bomb_says_so(runner, tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("id: x\ntitle: {de: Gr\xfc\xdfe}\n".encode("latin-1"))
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(bombs.billion_laughs(), "utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(latin), str(bomb)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{latin}:2: (document): the file is not UTF-8 text (byte 20)" in result.output
    assert f"{bomb}:" in result.output and "more than 100,000 entries" in result.output


@pytest.mark.parametrize(
    "options",
    [
        ["--year", "99999"],
        ["--year", "0"],
        ["--k", "100000000000000000000"],
        ["--version", str(2**31)],
        ["--version", "100000000000000000000"],
    ],
)
def test_export_refuses_out_of_range_numbers_without_a_traceback(runner, tmp_path, db, options):
    args = ["export", "--questionnaire", "iv-1", "--format", "csv", "--out", str(tmp_path / "x.csv"), *options]
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and "Traceback" not in result.output and "Invalid value" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_purge_refuses_an_out_of_range_version_without_a_traceback(runner, db):
    for reference in (str(2**31), f"iv-1:{10**20}"):
        result = runner.invoke(args=["responses", "purge", "--version", reference, "--all", "--dry-run"])
        assert result.exit_code == 1 and "there is no questionnaire version" in result.output
        assert isinstance(result.exception, SystemExit)
