"""Schemathesis against the document the API serves: for every operation,
requests made from the document, valid ones and invalid ones, never get a
5xx, every answer is valid against the document (status, media type,
headers, body), and a request without a token or with a wrong one is
refused with 401."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.evaluation.api import openapi
from tests.evaluation.api.conftest import bearer, make_token

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Werkzeug's test transport does not undo gzip, which the app applies to JSON and CSV.
PLAIN = {"Accept-Encoding": "identity"}
REFUSED = (PLAIN, {**PLAIN, "Authorization": "Bearer wrong-" + "x" * 40}, {**PLAIN, "Authorization": "Basic eDp5"})
EXAMPLES = 15  # per operation and run


def test_every_operation_keeps_to_the_document(app, db, survey):
    """Over the export fixture's two meetings (ids 1 and 2, which generated ids often hit)."""
    version, spring, _autumn = survey
    secret = make_token(db, "analyst")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    statuses: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the document's own path; the document is tested in test_api.py.
    assert {operation.path for operation in operations} == set(openapi.PATHS) - {"/openapi.json"}

    # Generated ids rarely name a stored version or meeting: each mode runs once more with ids that do.
    stored = {"version_id": version.id, "meeting_id": spring.id}
    for operation in operations:
        known = {name: value for name, value in stored.items() if f"{{{name}}}" in operation.path}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for ids in (None, known):
                _fuzz(operation, mode, ids, secret, statuses)
    by_status = Counter()
    for (_path, mode, status), n in statuses.items():
        by_status[mode, status] += n
    print(
        "schemathesis:", sum(statuses.values()), "cases, each also sent without and with wrong tokens;", dict(by_status)
    )
    # The valid requests reached real data, not only refusals.
    assert {path for (path, mode, status) in statuses if mode == "positive" and status == 200} == {
        operation.path for operation in operations
    }


def _fuzz(operation, mode: GenerationMode, ids: dict | None, secret: str, statuses: Counter) -> None:
    # Derandomised: the same cases on every run, so what the test covers does not vary.
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=ids or None))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # The generated headers, less any Authorization (negative cases make up their own): ours alone count.
        generated = {name: value for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
        for headers in REFUSED:
            case.headers = {**generated, **headers}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CONFORMANCE, headers=headers)
            assert response.status_code == 401, (case.formatted_path, response.status_code)
            assert response.headers["www-authenticate"][0].startswith("Bearer ")
        allowed = {**PLAIN, **bearer(secret)}
        case.headers = {**generated, **allowed}
        response = case.call(headers=allowed)
        case.validate_response(response, checks=CONFORMANCE, headers=allowed)
        assert response.status_code != 401
        assert "set-cookie" not in response.headers
        statuses[operation.path, mode.value, response.status_code] += 1

    run()
