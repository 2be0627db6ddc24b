"""Exports for evaluators: one questionnaire version, one selection (a
meeting, a calendar year, everything), one file format.

``plan_export`` checks a request against the database (the request session);
``export_bytes`` then reads the responses on a connection of its own and
yields the file, in constant memory for the text formats; ``record_export``
writes the audit-log entry.  The web view and ``flask export`` both use these
three and nothing else.  See docs/privacy.md for the anonymity rules applied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.evaluation.anonymise import DEFAULT_K, SUPPRESSED, check_k
from app.evaluation.export import codebook as words
from app.evaluation.export import formats, queries
from app.evaluation.export import rows as exports
from app.languages import NATIVE_NAMES
from app.models import ExportLog, Meeting, QuestionnaireVersion
from app.questionnaires.versions import questionnaire_of


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8"),
    "csv-de": Format("csv", "text/csv; charset=utf-8"),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sav": Format("sav", "application/x-spss-sav"),
    # JSON Lines rather than one array: each line is a whole response, so the
    # file streams out and any reader can stream it back in.
    "json": Format("jsonl", "application/x-ndjson; charset=utf-8"),
    "datapackage": Format("zip", "application/zip"),
}
XLSX_MAX_ROWS = 1_048_575  # a worksheet's limit, less the header row
SAV_MAX_NAME = 64  # bytes of an SPSS variable name


class ExportError(ValueError):
    """A request that cannot be exported; ``code`` says why (the caller words it)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(f"{code} {params}" if params else code)


@dataclass(frozen=True)
class ExportRequest:
    version_id: int
    format: str
    meeting_id: int | None = None
    year: int | None = None
    language: str | None = None  # of question texts and labels; default: the questionnaire's
    free_text: bool = False
    k: int = DEFAULT_K


@dataclass(frozen=True)
class Plan:
    request: ExportRequest
    version: QuestionnaireVersion
    meeting: Meeting | None
    language: str
    columns: tuple[exports.Variable, ...]
    filename: str
    responses: int  # that the export will hold: meetings of fewer than k are left out
    as_of: dt.datetime  # surveys closed by then are exported

    @property
    def format(self) -> Format:
        return FORMATS[self.request.format]

    @property
    def questionnaire(self):
        return questionnaire_of(self.version)

    @property
    def scope(self) -> str:
        return (
            "meeting" if self.request.meeting_id is not None else ("year" if self.request.year is not None else "all")
        )

    @property
    def filters(self) -> list:
        return queries.selection_filters(
            self.version.id, now=self.as_of, meeting_id=self.request.meeting_id, year=self.request.year
        )


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.") or "x"


def file_name(
    version: QuestionnaireVersion,
    meeting: Meeting | None,
    year: int | None,
    extension: str,
    today: dt.date,
    *,
    selection: str | None = None,
) -> str:
    """``resonanz_iv-1_v1_2016_20261126.csv``: plain ASCII, whatever the titles.
    ``selection`` names what the file holds instead of the meeting or year.

    A meeting is named by its date, never by its public code (the code opens
    the survey, and file names travel further than files)."""
    selection = selection or (
        f"m{meeting.date:%Y%m%d}" if meeting is not None else (str(year) if year is not None else "all")
    )
    return f"resonanz_{_safe(version.questionnaire_key)}_v{version.version}_{selection}_{today:%Y%m%d}.{extension}"


def plan_export(session: Session, request: ExportRequest, *, today: dt.date, now: dt.datetime) -> Plan:
    """Check ``request``; only surveys closed at ``now`` are exported."""
    if request.format not in FORMATS:
        raise ExportError("unknown_format", format=request.format)
    check_k(request.k)
    version = session.get(QuestionnaireVersion, request.version_id)
    if version is None:
        raise ExportError("unknown_version")
    questionnaire = questionnaire_of(version)
    meeting = None
    if request.meeting_id is not None:
        meeting = session.get(Meeting, request.meeting_id)
        if meeting is None:
            raise ExportError("unknown_meeting")
        if meeting.questionnaire_version_id != version.id:
            raise ExportError("meeting_not_in_version")
        if not session.scalar(select(queries.survey_closed(now)).where(Meeting.id == meeting.id)):
            raise ExportError("survey_open")
    language = request.language or questionnaire.default_language
    if language not in questionnaire.languages:
        raise ExportError("unknown_language", language=language)
    columns = exports.variables(
        questionnaire,
        language=language,
        labels=words.export_labels(language),
        language_names=NATIVE_NAMES,
        free_text=request.free_text,
    )
    if request.format == "sav":
        long = [v.name for v in columns if len(v.name.encode()) > SAV_MAX_NAME]
        if long:
            raise ExportError("name_too_long", names=", ".join(long))
    filters = queries.selection_filters(version.id, now=now, meeting_id=request.meeting_id, year=request.year)
    per_meeting = queries.responses_per_meeting(session.connection(), filters)
    if not per_meeting:
        raise ExportError("no_responses")
    # A meeting with fewer than k responses is left out whole (anonymise.k_anonymous).
    responses = sum(n for n in per_meeting.values() if n >= request.k)
    if not responses:
        raise ExportError("too_few_responses", k=request.k)
    if request.format == "xlsx" and responses > XLSX_MAX_ROWS:
        raise ExportError("too_many_rows", rows=responses, limit=XLSX_MAX_ROWS)
    return Plan(
        request,
        version,
        meeting,
        language,
        columns,
        file_name(version, meeting, request.year, FORMATS[request.format].extension, today),
        responses,
        now,
    )


def record_export(
    session: Session,
    plan: Plan,
    *,
    user_id: int | None,
    username: str,
    channel: str,
    now: dt.datetime,
    api_token_id: int | None = None,
) -> ExportLog:
    """The audit-log entry of one download (the caller commits it before sending);
    ``api_token_id``: the token of an API call."""
    request = plan.request
    entry = ExportLog(
        created_at=now,
        user_id=user_id,
        username=username,
        channel=channel,
        questionnaire_version_id=plan.version.id,
        scope=plan.scope,
        meeting_id=request.meeting_id,
        year=request.year,
        format=request.format,
        language=plan.language,
        free_text=request.free_text,
        k=request.k,
        api_token_id=api_token_id,
        resource=None if api_token_id is None else "export",
    )
    session.add(entry)
    session.flush()
    return entry


def export_bytes(engine: Engine, plan: Plan, *, today: dt.date) -> Iterator[bytes]:
    """The file's bytes, read in one transaction on a connection of its own.

    Formats with a codebook need an app context (its words come from the catalogues)."""
    request = plan.request
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot for the combination counts and the rows.
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            filters = plan.filters
            quasi = [v for v in plan.columns if v.quasi_identifier]
            counts = queries.combination_counts(connection, filters, quasi)
            suppression = exports.Suppression.of(counts, [v.name for v in quasi], request.k)
            book = exports.codebook(
                plan.questionnaire,
                plan.columns,
                language=plan.language,
                k=request.k,
                free_text=request.free_text,
                suppression=suppression,
            )
            dates = queries.meeting_dates(connection, filters)
            order = queries.create_random_order(connection, filters)
            answers = queries.answer_rows(connection, order, [v.question_id for v in plan.columns if v.question_id])
            try:
                rows = exports.shape_rows(answers, exports.RowShaper(plan.columns), suppression, dates=dates)
                yield from _write(plan, book, rows, suppression.total, today)
            finally:
                answers.close()
            # Only after a complete export: a download cut off rolls the
            # transaction back, and the table goes with it.
            queries.drop_random_order(connection, order)


def _write(plan: Plan, book: exports.Codebook, rows, total: int, today: dt.date) -> Iterator[bytes]:
    name = plan.request.format
    columns = plan.columns
    if name in ("csv", "csv-de"):
        return formats.write_csv(columns, rows, german=name == "csv-de")
    if name == "json":
        return formats.write_jsonl(columns, rows)
    text = words.describe(book, selection=(plan.meeting, plan.request.year), created=today)
    if name == "xlsx":
        return formats.write_xlsx(columns, rows, {"labels": words.label_rows(book), "codebook": words.sheet_rows(text)})
    if name == "sav":
        return formats.write_sav(
            columns,
            rows,
            total=total,
            label=f"{book.questionnaire_id} v{book.version}",
            notes=text.notes,
            suppressed_label=words.export_labels(plan.language)[SUPPRESSED],
        )
    stem = plan.filename.rsplit(".", 1)[0]
    csv_path = f"data/{stem}.csv"
    descriptor = formats.datapackage(
        book, name=_safe(stem).lower(), csv_path=csv_path, description="\n".join(text.notes)
    )
    return formats.write_datapackage_zip(
        columns, rows, descriptor=descriptor, csv_path=csv_path, extra={"codebook.md": words.markdown(text)}
    )
