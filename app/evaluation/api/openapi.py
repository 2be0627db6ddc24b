"""The OpenAPI 3.1 document of the read-only API: the one description of
every endpoint, its parameters, limits and responses.  The API serves it at
``/api/v1/openapi.json``, and the tests check every answer against it
(tests/evaluation/api/test_schema.py).  Pure data."""

from __future__ import annotations

import copy

PREFIX = "/api/v1"
MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_ID = 2_147_483_647  # a database integer
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_K = 10_000
FORMATS = ("csv", "json")
SCOPES = ("all", "year", "meeting")
METHODS = ("auto", "wilson", "wilsoncc", "clopper_pearson", "jeffreys", "agresti_coull", "hypergeom_exact")
CONFIDENCES = (0.9, 0.95, 0.99)
LANGUAGES = ("de", "en", "tr", "ar", "ru", "uk", "fa", "fr")
DEFAULT_RATE_LIMIT = "120 per minute"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **more) -> dict:
    return {"type": [kind, "null"], **more}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path_id(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "description": description,
    }


TEXT = {"type": "object", "additionalProperties": {"type": "string"}, "description": "language code -> text"}
ID = {"type": "integer", "minimum": 1}
COUNT = {"type": "integer", "minimum": 0}

PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number, from 1."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        f"Items per page, at most {MAX_PER_PAGE}.",
    ),
]
VERSION_ID = _path_id("version_id", "A questionnaire version's id (see /questionnaires).")
SELECTION = [
    _query("scope", {"type": "string", "enum": list(SCOPES), "default": "all"}, "All meetings, a year or a meeting."),
    _query(
        "year",
        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
        "The calendar year of the meetings; required with scope=year, refused otherwise.",
    ),
    _query(
        "meeting_id",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "The meeting; required with scope=meeting, refused otherwise.",
    ),
]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "a code that stays the same in every language"},
            "message": {"type": "string", "description": "what went wrong, in the language asked for"},
        },
    },
    "Page": {
        "type": "object",
        "required": ["page", "per_page", "total"],
        "properties": {"page": ID, "per_page": ID, "total": COUNT},
    },
    "Questionnaire": {
        "type": "object",
        "required": ["id", "key", "version", "title", "mittlerziel", "languages", "responses", "indicators"],
        "properties": {
            "id": ID,
            "key": {"type": "string"},
            "version": ID,
            "title": TEXT,
            "mittlerziel": {
                "type": "object",
                "required": ["code", "text"],
                "properties": {"code": {"type": "string"}, "text": TEXT},
            },
            "languages": {"type": "array", "items": {"type": "string"}, "description": "the first is the default"},
            "responses": COUNT,
            "indicators": {**COUNT, "description": "how many indicators the version declares"},
        },
    },
    "Indicator": {
        "type": "object",
        "required": ["id", "text", "question", "success", "denominator", "target", "comparison", "goal"],
        "properties": {
            "id": {"type": "string", "description": "the same indicator across versions has the same id"},
            "text": TEXT,
            "question": {"type": "string"},
            "success": {"type": "array", "items": {"type": "string"}, "description": "answer codes that count"},
            "denominator": {"type": "string", "enum": ["all_respondents", "answered", "answered_excluding_dont_know"]},
            "target": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "comparison": {"type": "string", "enum": ["at_least", "at_most"]},
            "goal": {"type": "string", "description": "the Mittlerziel it measures"},
        },
    },
    "Meeting": {
        "type": "object",
        "description": "A meeting's record and counts; nothing about any person and no codes.",
        "required": [
            "id",
            "date",
            "title",
            "questionnaire_version_id",
            "survey",
            "results",
            "responses",
            "paper_responses",
            "invited",
            "attended",
            "response_rate",
            "good_practice_presentations",
            "topics",
            "member_topics",
        ],
        "properties": {
            "id": ID,
            "date": {"type": "string", "format": "date"},
            "title": {"type": "string"},
            "questionnaire_version_id": ID,
            "survey": {"type": "string", "enum": ["not_yet_open", "open", "closed"]},
            "results": {
                "type": "string",
                "enum": ["released", "open", "paper"],
                "description": "released: its answers may enter figures; open: survey not closed; "
                "paper: paper entry not finished",
            },
            "responses": COUNT,
            "paper_responses": COUNT,
            "invited": _nullable("integer", minimum=0),
            "attended": _nullable("integer", minimum=0),
            "response_rate": _nullable("number", minimum=0, description="responses / attended"),
            "good_practice_presentations": COUNT,
            "topics": COUNT,
            "member_topics": {**COUNT, "description": "topics brought in by members"},
        },
    },
    "IndicatorResult": {
        "type": "object",
        "required": ["id", "text", "target", "comparison", "shown", "successes", "n", "estimate", "low", "high"],
        "properties": {
            "id": {"type": "string"},
            "text": TEXT,
            "target": {"type": "number"},
            "comparison": {"type": "string", "enum": ["at_least", "at_most"]},
            "shown": {"type": "boolean", "description": "false: fewer than k answered, or the method cannot apply"},
            "successes": _nullable("integer", minimum=0),
            "n": _nullable("integer", minimum=0),
            "estimate": _nullable("number", minimum=0, maximum=1),
            "low": _nullable("number", minimum=0, maximum=1),
            "high": _nullable("number", minimum=0, maximum=1),
            "verdict": _nullable("string", enum=["met", "not_met", "inconclusive", None]),
            "method": _nullable("string"),
            "note": _nullable(
                "string",
                enum=["too_few", "needs_population", None],
                description="too_few: fewer than k answers; needs_population: the method needs the attendance",
            ),
        },
    },
    "Results": {
        "type": "object",
        "required": [
            "questionnaire_version_id",
            "scope",
            "year",
            "meeting_id",
            "status",
            "respondents",
            "method",
            "confidence",
            "min_cell_size",
            "indicators",
        ],
        "properties": {
            "questionnaire_version_id": ID,
            "scope": {"type": "string", "enum": list(SCOPES)},
            "year": _nullable("integer"),
            "meeting_id": _nullable("integer"),
            "status": {
                "type": "string",
                "enum": ["shown", "open", "paper", "too_few"],
                "description": "of a meeting: shown, or why it shows no figures (then indicators is empty)",
            },
            "respondents": COUNT,
            "population": _nullable("integer", description="a meeting's attendance, used as finite population"),
            "method": {"type": "string", "enum": list(METHODS)},
            "confidence": {"type": "number", "enum": list(CONFIDENCES)},
            "min_cell_size": {"type": "integer", "minimum": 3},
            "indicators": {"type": "array", "items": _ref("IndicatorResult")},
        },
    },
}


def _error(description: str, **headers) -> dict:
    answer = {"description": description, "content": _json(_ref("Error"))}
    if headers:
        answer["headers"] = {name: {"schema": schema} for name, schema in headers.items()}
    return answer


RESPONSES = {
    "BadRequest": _error("A parameter is malformed or out of range."),
    "Unauthorized": _error(
        "No token, or one that is wrong, revoked or of an account that may not use the API.",
        **{"WWW-Authenticate": {"type": "string"}},
    ),
    "NotFound": _error("No such questionnaire version, meeting or year with data."),
    "TooManyRequests": _error(
        "Too many requests with this token; try again after Retry-After seconds.",
        **{"Retry-After": {"type": "integer"}},
    ),
}


def _answers(ok: dict, *errors: str) -> dict:
    answers = {"200": ok, "401": {"$ref": "#/components/responses/Unauthorized"}}
    answers["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    for code, name in (("400", "BadRequest"), ("404", "NotFound")):
        if name in errors:
            answers[code] = {"$ref": f"#/components/responses/{name}"}
    if "Unprocessable" in errors:
        answers["422"] = _error("The selection holds nothing that may be exported (see the message).")
    return answers


def _listing(item: str) -> dict:
    return {
        "allOf": [
            _ref("Page"),
            {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": _ref(item)}}},
        ]
    }


PATHS = {
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document (no token needed)",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document", "content": _json({"type": "object"})}},
        }
    },
    "/questionnaires": {
        "get": {
            "operationId": "questionnaires",
            "summary": "Published questionnaire versions",
            "parameters": PAGING,
            "responses": _answers(
                {"description": "The versions", "content": _json(_listing("Questionnaire"))}, "BadRequest"
            ),
        }
    },
    "/questionnaires/{version_id}/indicators": {
        "get": {
            "operationId": "indicators",
            "summary": "The indicators a questionnaire version declares",
            "parameters": [VERSION_ID],
            "responses": _answers(
                {
                    "description": "The indicators",
                    "content": _json(
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {"items": {"type": "array", "items": _ref("Indicator")}},
                        }
                    ),
                },
                "NotFound",
            ),
        }
    },
    "/questionnaires/{version_id}/results": {
        "get": {
            "operationId": "results",
            "summary": "Indicator results over all meetings, a calendar year or one meeting",
            "description": "The figures of the report page, under the same rules: only meetings whose survey "
            "has closed (and whose paper entry is finished) and that have at least k respondents count; an "
            "indicator with fewer than k answers shows no figure.",
            "parameters": [
                VERSION_ID,
                *SELECTION,
                _query("method", {"type": "string", "enum": list(METHODS), "default": "auto"}, "Interval method."),
                _query(
                    "confidence",
                    {"type": "number", "enum": list(CONFIDENCES), "default": 0.95},
                    "Confidence level of the intervals.",
                ),
            ],
            "responses": _answers(
                {"description": "The results", "content": _json(_ref("Results"))}, "BadRequest", "NotFound"
            ),
        }
    },
    "/questionnaires/{version_id}/export": {
        "get": {
            "operationId": "export",
            "summary": "The anonymised response rows, as CSV or JSON",
            "description": "The rows of the download page, under the same k-anonymity rules: meetings with "
            "fewer than k responses are left out, rare combinations are shown as '*'. Each call is in the "
            "download log.",
            "parameters": [
                VERSION_ID,
                *SELECTION,
                _query("format", {"type": "string", "enum": list(FORMATS), "default": "csv"}, "CSV or JSON."),
                _query(
                    "language",
                    {"type": "string", "enum": list(LANGUAGES)},
                    "Language of the labels; default: the questionnaire's.",
                ),
                _query("free_text", {"type": "boolean", "default": False}, "Include the scrubbed free-text answers."),
                _query(
                    "k",
                    {"type": "integer", "minimum": 3, "maximum": MAX_K},
                    "Minimum cell size; at least the network's (the default).",
                ),
            ],
            "responses": _answers(
                {
                    "description": "The rows",
                    "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "object", "additionalProperties": True}}
                        },
                    },
                },
                "BadRequest",
                "NotFound",
                "Unprocessable",
            ),
        }
    },
    "/meetings": {
        "get": {
            "operationId": "meetings",
            "summary": "Meetings, newest first",
            "parameters": [
                _query(
                    "version_id",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    "Only the meetings of this questionnaire version.",
                ),
                _query("year", {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}, "Only this year."),
                *PAGING,
            ],
            "responses": _answers(
                {"description": "The meetings", "content": _json(_listing("Meeting"))}, "BadRequest", "NotFound"
            ),
        }
    },
    "/meetings/{meeting_id}": {
        "get": {
            "operationId": "meeting",
            "summary": "One meeting",
            "parameters": [_path_id("meeting_id", "A meeting's id.")],
            "responses": _answers({"description": "The meeting", "content": _json(_ref("Meeting"))}, "NotFound"),
        }
    },
}


def document(*, server: str, rate_limit: str = DEFAULT_RATE_LIMIT) -> dict:
    """The document, for the API served at ``server`` (the prefix, e.g. ``/api/v1``)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Resonanz API",
            "version": "1.0.0",
            "description": (
                "Read-only access for evaluators (R, Python): questionnaires and their indicators, meetings, "
                "indicator results and the anonymised responses, under the same anonymity rules as the "
                "workspace.\n\n"
                "Authentication: a personal token, made in the workspace (Your API tokens), sent as "
                "`Authorization: Bearer <token>`. Every call is recorded in the download log.\n\n"
                f"Limits: {rate_limit} per token (then 429 with Retry-After); lists give at most "
                f"{MAX_PER_PAGE} items per page. Error messages follow Accept-Language."
            ),
        },
        "servers": [{"url": server}],
        "security": [{"bearerToken": []}],
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": copy.deepcopy(RESPONSES),
        },
        "paths": copy.deepcopy(PATHS),
    }
