"""The read-only API for evaluators' scripts (R, Python), under /api/v1/.

Token only: no cookie, no session, no CSRF token (nothing here changes
anything but the download log).  Every figure comes from the services the
pages use (the report's ``survey_scopes``, the export's plan and rows), so the
API shows nothing a page would not.  Every answer with data is recorded in
the download log before it is sent.  The endpoints, parameters and answers
are described in ``openapi.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import Blueprint, current_app, g, jsonify, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import MAX_ID, db_session, writing
from app.evaluation.api import openapi, tokens
from app.evaluation.export import exporting, formats
from app.evaluation.export.messages import error_text
from app.evaluation.release import waiting_for
from app.evaluation.report import reporting
from app.extensions import csrf
from app.http import errors
from app.http.downloads import attachment
from app.http.rate_limits import RateLimits
from app.meetings.codes import survey_window
from app.models import Meeting, QuestionnaireVersion, Response
from app.network import settings
from app.questionnaires import versions
from app.questionnaires.versions import questionnaire_of

blueprint = Blueprint("api", __name__, url_prefix=openapi.PREFIX)
csrf.exempt(blueprint)
LIMIT = "resonanz.api_limit"
NOT_FOUND_EXPORTS = ("unknown_version", "unknown_meeting", "meeting_not_in_version")
BAD_EXPORTS = ("unknown_language", "unknown_format")


@blueprint.record_once
def _set_up(state) -> None:
    app = state.app
    prefix = openapi.PREFIX + "/"
    app.session_interface.sessionless_paths += (prefix,)
    app.extensions[errors.JSON_PATHS] = (*app.extensions.get(errors.JSON_PATHS, ()), prefix)
    app.extensions[LIMIT] = RateLimits(app.config["RATELIMIT_STORAGE_URI"], "api rate limits")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


@blueprint.errorhandler(ApiError)
def _refused(error: ApiError):
    return jsonify(error=error.code, message=error.message), error.status, error.headers


@dataclass(frozen=True)
class Caller:
    token_id: int
    user_id: int
    username: str


@blueprint.before_request
def _authenticate() -> None:
    if request.endpoint == "api.openapi_document":
        return
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    sent = secret.strip() if scheme.lower() == "bearer" else ""
    token = tokens.token_in_force(db_session(), sent) if sent else None
    if token is None:
        raise ApiError(
            401,
            "invalid_token",
            _(
                'A valid API token is needed, sent as "Authorization: Bearer <token>". Tokens are made in the workspace.'
            ),
            # RFC 6750: an error code only when a token was sent.
            {"WWW-Authenticate": 'Bearer realm="resonanz"' + (', error="invalid_token"' if sent else "")},
        )
    wait = current_app.extensions[LIMIT].attempt(current_app.config["API_RATE_LIMIT"], "token", str(token.id))
    if wait is not None:
        raise ApiError(
            429,
            "too_many_requests",
            _("Too many requests with this token. Please wait %(seconds)s seconds.", seconds=wait),
            {"Retry-After": str(wait)},
        )
    g.api_caller = Caller(token.id, token.user_id, token.user.username)


def _audit(resource: str, *, version_id: int | None = None, scope: str = "all", meeting_id=None, year=None) -> None:
    """The download-log entry of this call, committed before the answer leaves."""
    caller: Caller = g.api_caller
    now, k = settings.now(), settings.min_cell_size()
    session = writing()
    tokens.record_use(
        session,
        token_id=caller.token_id,
        user_id=caller.user_id,
        username=caller.username,
        resource=resource,
        now=now,
        k=k,
        version_id=version_id,
        scope=scope,
        meeting_id=meeting_id,
        year=year,
    )
    session.commit()


# --- parameters -----------------------------------------------------------------


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_parameter", message)


def _int_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d{1,19}", raw) or not low <= int(raw) <= high:
        raise _bad(
            _("The parameter %(name)s must be a whole number from %(min)s to %(max)s.", name=name, min=low, max=high),
        )
    return int(raw)


def _choice_arg(name: str, choices, default):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    for choice in choices:
        if raw == str(choice):
            return choice
    raise _bad(
        _("The parameter %(name)s must be one of: %(choices)s.", name=name, choices=", ".join(map(str, choices))),
    )


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name, "false").lower()
    if raw not in ("true", "false", "1", "0", ""):
        raise _bad(_("The parameter %(name)s must be true or false.", name=name))
    return raw in ("true", "1")


def _confidence_arg() -> float:
    raw = request.args.get("confidence")
    if raw is None or raw == "":
        return 0.95
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value not in openapi.CONFIDENCES:
        choices = ", ".join(map(str, openapi.CONFIDENCES))
        raise _bad(_("The parameter %(name)s must be one of: %(choices)s.", name="confidence", choices=choices))
    return value


@dataclass(frozen=True)
class Selection:
    scope: str
    year: int | None
    meeting_id: int | None


def _selection() -> Selection:
    scope = _choice_arg("scope", openapi.SCOPES, "all")
    year = _int_arg("year", openapi.FIRST_YEAR, openapi.LAST_YEAR)
    meeting_id = _int_arg("meeting_id", 1, MAX_ID)
    for name, value, belongs in (("year", year, "year"), ("meeting_id", meeting_id, "meeting")):
        if value is None and scope == belongs:
            raise _bad(_("With scope=%(scope)s, give the parameter %(name)s.", scope=scope, name=name))
        if value is not None and scope != belongs:
            raise _bad(_("The parameter %(name)s goes only with scope=%(scope)s.", name=name, scope=belongs))
    return Selection(scope, year, meeting_id)


def _page_args() -> tuple[int, int]:
    return (
        _int_arg("page", 1, openapi.MAX_PAGE, 1),
        _int_arg("per_page", 1, openapi.MAX_PER_PAGE, openapi.DEFAULT_PER_PAGE),
    )


def _row_id(raw: str | int) -> int | None:
    """An id from the path (a string, so that a malformed one reaches the
    token check like any other request) or the query; None if it cannot be one."""
    if isinstance(raw, str):
        if not re.fullmatch(r"\d{1,10}", raw):
            return None
        raw = int(raw)
    return raw if 1 <= raw <= MAX_ID else None


def _version(version_id: str | int) -> QuestionnaireVersion:
    found = _row_id(version_id)
    version = None if found is None else db_session().get(QuestionnaireVersion, found)
    if version is None:
        raise ApiError(404, "unknown_version", _("This questionnaire version does not exist."))
    return version


def _meeting(meeting_id: str | int) -> Meeting:
    found = _row_id(meeting_id)
    meeting = None if found is None else db_session().get(Meeting, found)
    if meeting is None:
        raise ApiError(404, "unknown_meeting", _("This meeting does not exist."))
    return meeting


# --- endpoints --------------------------------------------------------------------


@blueprint.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(server=openapi.PREFIX, rate_limit=current_app.config["API_RATE_LIMIT"]))


def _questionnaire(row: versions.VersionRow) -> dict:
    questionnaire = questionnaire_of(row.version)
    return {
        "id": row.version.id,
        "key": row.version.questionnaire_key,
        "version": row.version.version,
        "title": dict(questionnaire.title),
        "mittlerziel": {"code": questionnaire.mittlerziel.code, "text": dict(questionnaire.mittlerziel.text)},
        "languages": list(questionnaire.languages),
        "responses": row.responses,
        "indicators": len(questionnaire.indicators),
    }


@blueprint.get("/questionnaires")
def questionnaires():
    page, per_page = _page_args()
    rows = versions.version_rows(db_session())
    items = [_questionnaire(row) for row in rows[(page - 1) * per_page : page * per_page]]
    _audit("questionnaires")
    return jsonify(page=page, per_page=per_page, total=len(rows), items=items)


@blueprint.get("/questionnaires/<version_id>/indicators")
def indicators(version_id: str):
    version = _version(version_id)
    questionnaire = questionnaire_of(version)
    items = [
        {
            "id": indicator.id,
            "text": dict(indicator.text),
            "question": indicator.question,
            "success": list(indicator.success),
            "denominator": indicator.denominator,
            "target": indicator.target,
            "comparison": indicator.comparison,
            "goal": indicator.goal or questionnaire.mittlerziel.code,
        }
        for indicator in questionnaire.indicators
    ]
    _audit("indicators", version_id=version.id)
    return jsonify(items=items)


def _indicator_result(result: reporting.IndicatorResult) -> dict:
    assessment, counted = result.assessment, result.note != "too_few"
    return {
        "id": result.indicator.id,
        "text": dict(result.indicator.text),
        "target": result.indicator.target,
        "comparison": result.indicator.comparison,
        "shown": assessment is not None,
        "successes": result.k if counted else None,
        "n": result.n if counted else None,
        "estimate": None if assessment is None or assessment.estimate is None else float(assessment.estimate),
        "low": None if assessment is None else float(assessment.low),
        "high": None if assessment is None else float(assessment.high),
        "verdict": None if assessment is None else assessment.verdict,
        "method": None if assessment is None else assessment.method,
        "note": result.note,
    }


@blueprint.get("/questionnaires/<version_id>/results")
def results(version_id: str):
    version = _version(version_id)
    selection = _selection()
    options = reporting.ReportOptions(
        method=_choice_arg("method", openapi.METHODS, "auto"),
        confidence=_confidence_arg(),
        min_cell=settings.min_cell_size(),
    )
    if selection.meeting_id is not None and _meeting(selection.meeting_id).questionnaire_version_id != version.id:
        raise ApiError(404, "meeting_not_in_version", _("This meeting used another questionnaire version."))
    scopes = reporting.survey_scopes(db_session(), version, questionnaire_of(version), options, now=settings.now())
    if selection.scope == "all":
        chosen = scopes.overall
    elif selection.scope == "year":
        chosen = next((scope for scope in scopes.years if scope.label == str(selection.year)), None)
        if chosen is None:
            raise ApiError(
                404,
                "no_results",
                _(
                    "No meeting of %(year)s has results of this questionnaire version that may be shown.",
                    year=selection.year,
                ),
            )
    else:
        chosen = next((scope for scope in scopes.meetings if scope.meeting.id == selection.meeting_id), None)
        if chosen is None:
            raise ApiError(404, "no_responses", _("This meeting has no responses yet."))
    body = {
        "questionnaire_version_id": version.id,
        "scope": selection.scope,
        "year": selection.year,
        "meeting_id": selection.meeting_id,
        "status": chosen.status,
        "respondents": chosen.respondents,
        "population": chosen.population,
        "method": options.method,
        "confidence": options.confidence,
        "min_cell_size": options.min_cell,
        "indicators": [_indicator_result(result) for result in chosen.results],
    }
    _audit(
        "results", version_id=version.id, scope=selection.scope, meeting_id=selection.meeting_id, year=selection.year
    )
    return jsonify(body)


@blueprint.get("/questionnaires/<version_id>/export")
def export(version_id: str):
    version = _version(version_id)
    selection = _selection()
    fmt = _choice_arg("format", openapi.FORMATS, "csv")
    language = _choice_arg("language", openapi.LANGUAGES, None)
    free_text = _bool_arg("free_text")
    floor = settings.min_cell_size()
    k = _int_arg("k", 3, openapi.MAX_K, floor)
    if k < floor:
        raise _bad(
            _(
                "Choose a minimum cell size from %(min)s to %(max)s: smaller groups could single out a person.",
                min=floor,
                max=openapi.MAX_K,
            ),
        )
    wanted = exporting.ExportRequest(
        version.id, fmt, selection.meeting_id, selection.year, language, free_text=free_text, k=k
    )
    try:
        plan = exporting.plan_export(db_session(), wanted, today=settings.today(), now=settings.now())
    except exporting.ExportError as error:
        status = 404 if error.code in NOT_FOUND_EXPORTS else 400 if error.code in BAD_EXPORTS else 422
        raise ApiError(status, error.code, error_text(error)[1]) from None
    caller: Caller = g.api_caller
    session = writing()
    exporting.record_export(
        session,
        plan,
        user_id=caller.user_id,
        username=caller.username,
        channel="api",
        now=settings.now(),
        api_token_id=caller.token_id,
    )
    session.commit()  # logged before a single byte leaves
    engine = current_app.extensions["resonanz.db"].engine
    body = stream_with_context(exporting.export_bytes(engine, plan, today=settings.today()))
    if fmt == "json":
        stem = plan.filename.rsplit(".", 1)[0]
        return attachment(formats.json_array(body), f"{stem}.json", "application/json")
    return attachment(body, plan.filename, plan.format.media_type)


def _meeting_item(meeting: Meeting, responses: int, now) -> dict:
    return {
        "id": meeting.id,
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "questionnaire_version_id": meeting.questionnaire_version_id,
        "survey": survey_window(meeting, now).state,
        "results": waiting_for(meeting, now) or "released",
        "responses": responses,
        "paper_responses": meeting.paper_responses,
        "invited": meeting.invited,
        "attended": meeting.attended,
        "response_rate": responses / meeting.attended if meeting.attended else None,
        "good_practice_presentations": meeting.good_practice_presentations,
        "topics": len(meeting.topics),
        "member_topics": sum(1 for topic in meeting.topics if topic.brought_in_by_members),
    }


def _responses_of(meeting_ids: list[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    query = (
        select(Response.meeting_id, func.count())
        .where(Response.meeting_id.in_(meeting_ids))
        .group_by(Response.meeting_id)
    )
    return dict(db_session().execute(query).all())


@blueprint.get("/meetings")
def meetings():
    version_id = _int_arg("version_id", 1, MAX_ID)
    year = _int_arg("year", openapi.FIRST_YEAR, openapi.LAST_YEAR)
    page, per_page = _page_args()
    filters = []
    if version_id is not None:
        filters.append(Meeting.questionnaire_version_id == _version(version_id).id)
    if year is not None:
        filters.append(Meeting.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    session = db_session()
    total = session.scalar(select(func.count()).select_from(Meeting).where(*filters))
    found = session.scalars(
        select(Meeting)
        .where(*filters)
        .options(selectinload(Meeting.topics))
        .order_by(Meeting.date.desc(), Meeting.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    counts, now = _responses_of([m.id for m in found]), settings.now()
    items = [_meeting_item(m, counts.get(m.id, 0), now) for m in found]
    _audit("meetings", version_id=version_id, scope="year" if year else "all", year=year)
    return jsonify(page=page, per_page=per_page, total=total, items=items)


@blueprint.get("/meetings/<meeting_id>")
def meeting(meeting_id: str):
    found = _meeting(meeting_id)
    item = _meeting_item(found, _responses_of([found.id]).get(found.id, 0), settings.now())
    _audit("meetings", version_id=found.questionnaire_version_id, scope="meeting", meeting_id=found.id)
    return jsonify(item)
