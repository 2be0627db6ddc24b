"""The API's answers: tokens (made, shown once, revoked), the same anonymity
rules and figures as the pages, the download log, and bad requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import select, text
from statsmodels.stats.proportion import proportion_confint

from app import create_app
from app.evaluation.api import openapi
from app.models import ApiToken, ExportLog, Meeting, User
from tests.conftest import PASSWORDS, add_meeting, csrf_of, login
from tests.evaluation.api.conftest import bearer, make_token
from tests.evaluation.export.conftest import CLOSED, answer
from tests.evaluation.export.readers import read_csv

API = "/api/v1"


def get(client, path, secret, **headers):
    return client.get(f"{API}{path}", headers={**bearer(secret), **headers})


def logged(db) -> list[ExportLog]:
    db.rollback()
    try:
        return list(db.scalars(select(ExportLog).order_by(ExportLog.id)))
    finally:
        db.rollback()


def test_the_document_needs_no_token_and_names_every_route(app, client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    document = response.get_json()
    assert document["openapi"] == "3.1.0" and document == openapi.document(
        server=API, rate_limit=app.config["API_RATE_LIMIT"]
    )
    routes = {
        rule.rule.removeprefix(API).replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(document["paths"])
    assert "500 per page" not in json.dumps(document) and f"{openapi.MAX_PER_PAGE} items per page" in json.dumps(
        document
    )


def test_an_evaluator_makes_a_token_sees_it_once_and_revokes_it(client, db, staff, survey):
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/api-tokens/?lang=en").get_data(as_text=True)
    made = client.post("/workspace/api-tokens/", data={"csrf_token": csrf_of(page), "name": "R auf dem Laptop"})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert len(secret) == 43  # 32 bytes, URL-safe base64
    assert secret not in client.get("/workspace/api-tokens/").get_data(as_text=True)  # shown once
    assert "R auf dem Laptop" in client.get("/workspace/api-tokens/").get_data(as_text=True)

    db.rollback()
    stored = db.scalars(select(ApiToken)).one()
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    # Nowhere in the database is the secret itself.
    for table in ("api_token", "export_log", "user_account"):
        for row in db.execute(text(f"SELECT * FROM {table}")):
            assert all(secret not in str(value) for value in row)
    db.rollback()

    assert get(client, "/questionnaires", secret).status_code == 200
    revoke = client.post(f"/workspace/api-tokens/{stored.id}/revoke", data={"csrf_token": csrf_of(page)})
    assert revoke.status_code == 302
    refused = get(client, "/questionnaires", secret)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.get_json()["error"] == "invalid_token"


def test_a_name_is_needed_and_the_form_comes_back(client, db, staff):
    login(client, "admin", PASSWORDS["admin"])
    page = client.get("/workspace/api-tokens/?lang=de").get_data(as_text=True)
    response = client.post("/workspace/api-tokens/", data={"csrf_token": csrf_of(page), "name": "   "})
    assert response.status_code == 422 and "Geben Sie dem Token einen Namen." in response.get_data(as_text=True)
    db.rollback()
    assert db.scalars(select(ApiToken)).all() == []


def test_nobody_revokes_another_accounts_token(client, db, staff):
    theirs = make_token(db, "analyst")
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/api-tokens/").get_data(as_text=True)
    token_id = db.scalars(select(ApiToken.id)).one()
    db.rollback()
    assert (
        client.post(f"/workspace/api-tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page)}).status_code == 404
    )
    assert get(client, "/questionnaires", theirs).status_code == 200


@pytest.mark.parametrize("change", ["deactivated", "coordinator"])
def test_a_token_stops_with_its_account(client, db, secret, change):
    assert get(client, "/meetings", secret).status_code == 200
    user = db.scalars(select(User).filter_by(username="analyst")).one()
    if change == "deactivated":
        user.active = False
    else:
        user.role = "coordinator"
    db.commit()
    assert get(client, "/meetings", secret).status_code == 401


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer ", "Bearer nope", "Token abc", "Bearer " + "x" * 5000, "Basic eDp5"]
)
def test_no_token_or_a_wrong_one_is_refused(client, secret, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(f"{API}/questionnaires", headers={**headers, "Accept-Language": "de"})
    assert response.status_code == 401
    sent = authorization and authorization.partition(" ")[2].strip() and authorization.startswith("Bearer")
    challenge = 'Bearer realm="resonanz", error="invalid_token"' if sent else 'Bearer realm="resonanz"'
    assert response.headers["WWW-Authenticate"] == challenge
    body = response.get_json()
    assert body["error"] == "invalid_token" and "Authorization: Bearer" in body["message"]
    assert "Set-Cookie" not in response.headers


def test_a_meeting_under_k_gives_no_figures(client, db, secret, survey):
    version, spring, _autumn = survey
    small = add_meeting(db, title="Kleiner Kreis", closes=CLOSED)
    for _ in range(3):  # under the network's k = 5
        answer(db, small)
    db.commit()
    result = get(client, f"/questionnaires/{version.id}/results?scope=meeting&meeting_id={small.id}", secret)
    body = result.get_json()
    assert result.status_code == 200
    assert (body["status"], body["respondents"], body["indicators"]) == ("too_few", 3, [])
    # Nor does it enter the figures of all meetings: those are the two large meetings' alone.
    overall = get(client, f"/questionnaires/{version.id}/results", secret).get_json()
    assert overall["respondents"] == 40
    export = get(client, f"/questionnaires/{version.id}/export?scope=meeting&meeting_id={small.id}", secret)
    assert export.status_code == 422 and export.get_json()["error"] == "too_few_responses"
    all_rows = read_csv(get(client, f"/questionnaires/{version.id}/export", secret).get_data())
    assert len(all_rows) == 40 and small.date.isoformat() not in {row["meeting_date"] for row in all_rows}


def test_an_open_meeting_shows_its_count_only(client, db, secret, survey):
    version, *_ = survey
    running = add_meeting(db, title="Läuft noch")
    for _ in range(6):
        answer(db, running)
    db.commit()
    body = get(client, f"/questionnaires/{version.id}/results?scope=meeting&meeting_id={running.id}", secret).get_json()
    assert (body["status"], body["respondents"], body["indicators"]) == ("open", 6, [])
    meeting = get(client, f"/meetings/{running.id}", secret).get_json()
    assert (meeting["survey"], meeting["results"], meeting["responses"]) == ("open", "open", 6)
    assert "public_code" not in meeting and running.public_code not in json.dumps(meeting)


def test_a_years_figures_match_an_independent_wilson_interval(client, secret, survey):
    """The pooled figures of 2016 (the spring meeting alone) against statsmodels."""
    version, *_ = survey
    body = get(client, f"/questionnaires/{version.id}/results?scope=year&year=2016", secret).get_json()
    assert body["respondents"] == 22
    for result in body["indicators"]:
        assert result["shown"] and result["method"] == "wilson"
        low, high = proportion_confint(result["successes"], result["n"], alpha=0.05, method="wilson")
        assert result["estimate"] == pytest.approx(result["successes"] / result["n"], abs=1e-12)
        assert (result["low"], result["high"]) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
    knows = next(r for r in body["indicators"] if r["id"] == "knows_more_offers")
    # In spring, respondents 0-19 answer yes, no, don't know in turn (7 yes) and the two politicians yes.
    assert (knows["successes"], knows["n"]) == (9, 22)


def test_csv_and_json_rows_equal_the_download_pages(client, db, staff, secret, survey):
    version, *_ = survey
    login(client, "evaluator", PASSWORDS["evaluator"])
    page = client.get("/workspace/exports/?lang=en").get_data(as_text=True)
    form = {"csrf_token": csrf_of(page), "version": str(version.id), "selection": "year:2017", "language": "", "k": "5"}
    web_csv = client.post("/workspace/exports/", data={**form, "format": "csv"}).get_data()
    web_json = client.post("/workspace/exports/", data={**form, "format": "json"}).get_data()
    api_csv = get(client, f"/questionnaires/{version.id}/export?scope=year&year=2017", secret)
    api_json = get(client, f"/questionnaires/{version.id}/export?scope=year&year=2017&format=json", secret)
    assert api_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert api_json.headers["Content-Type"] == "application/json"

    def rows(records):  # a row's id is drawn anew for each export, and the order is random
        return sorted(json.dumps({k: v for k, v in r.items() if k != "row_id"}, sort_keys=True) for r in records)

    assert rows(read_csv(api_csv.get_data())) == rows(read_csv(web_csv))
    lines = [json.loads(line) for line in web_json.decode().splitlines()]
    assert rows(api_json.get_json()) == rows(lines) and len(lines) == 18
    assert "*" in {value for row in lines for value in row.values()}  # rare combinations hidden alike


def test_every_call_is_in_the_download_log(client, db, secret, staff, survey):
    version, spring, _autumn = survey
    get(client, "/questionnaires", secret)
    get(client, f"/questionnaires/{version.id}/results?scope=year&year=2017", secret)
    get(client, f"/questionnaires/{version.id}/export?scope=meeting&meeting_id={spring.id}&format=json", secret)
    get(client, f"/meetings/{spring.id}", secret)
    get(client, "/meetings?per_page=1000", secret)  # refused: nothing read, nothing logged
    entries = logged(db)
    token_id = db.scalars(select(ApiToken.id)).one()
    db.rollback()
    assert [(e.channel, e.username, e.api_token_id) for e in entries] == [("api", "analyst", token_id)] * 4
    assert [(e.resource, e.questionnaire_version_id, e.scope, e.year, e.meeting_id) for e in entries] == [
        ("questionnaires", None, "all", None, None),
        ("results", version.id, "year", 2017, None),
        ("export", version.id, "meeting", None, spring.id),
        ("meetings", version.id, "meeting", None, spring.id),
    ]
    assert entries[2].format == "json" and entries[2].k == 5
    login(client, "admin", PASSWORDS["admin"])
    log = client.get("/workspace/exports/log?lang=en").get_data(as_text=True)
    assert "API, token “R”" in log and "indicator results" in log and "list of questionnaires" in log


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("/results?scope=week", 400, "bad_parameter"),
        ("/results?scope=year", 400, "bad_parameter"),
        ("/results?year=2016", 400, "bad_parameter"),
        ("/results?scope=year&year=2015", 404, "no_results"),
        ("/results?scope=year&year=99999999999999999999", 400, "bad_parameter"),
        ("/results?confidence=0.5", 400, "bad_parameter"),
        ("/results?method=bayes", 400, "bad_parameter"),
        ("/results?scope=meeting&meeting_id=999", 404, "unknown_meeting"),
        ("/export?k=2", 400, "bad_parameter"),
        ("/export?k=4", 400, "bad_parameter"),
        ("/export?format=xlsx", 400, "bad_parameter"),
        ("/export?free_text=perhaps", 400, "bad_parameter"),
        ("/export?scope=year&year=2015", 422, "no_responses"),
    ],
)
def test_bad_parameters_get_a_clear_answer_in_the_readers_language(client, secret, survey, query, status, code):
    version, *_ = survey
    response = get(client, f"/questionnaires/{version.id}{query}", secret, **{"Accept-Language": "de"})
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"] == code and body["message"]
    german = get(client, f"/questionnaires/{version.id}{query}", secret, **{"Accept-Language": "de"}).get_json()
    english = get(client, f"/questionnaires/{version.id}{query}", secret, **{"Accept-Language": "en"}).get_json()
    assert german["message"] != english["message"]  # translated


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/meetings?per_page=100000", 400),
        ("/meetings?per_page=0", 400),
        ("/meetings?page=-1", 400),
        ("/meetings?version_id=77", 404),
        ("/meetings/99999999999", 404),
        ("/meetings/abc", 404),
        ("/questionnaires/3/indicators", 404),
        ("/questionnaires?per_page=1e3", 400),
        ("/nowhere", 404),
    ],
)
def test_out_of_range_and_unknown_get_4xx_in_json(client, secret, survey, path, status):
    response = get(client, path, secret)
    assert response.status_code == status and response.is_json and response.get_json()["message"]


def test_only_get(client, secret):
    response = client.post(f"{API}/questionnaires", headers=bearer(secret))
    assert response.status_code == 405 and response.get_json()["error"] == "method_not_allowed"


def test_pages_of_meetings(client, secret, survey):
    first = get(client, "/meetings?per_page=1", secret).get_json()
    second = get(client, "/meetings?per_page=1&page=2", secret).get_json()
    assert (first["total"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert first["items"][0]["date"] == "2017-10-11" and second["items"][0]["date"] == "2016-03-16"
    assert get(client, "/meetings?year=2016", secret).get_json()["total"] == 1
    assert get(client, "/meetings?page=3&per_page=1", secret).get_json()["items"] == []


def test_the_rate_limit_answers_429_with_retry_after(database_url, db):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "API_RATE_LIMIT": "2 per minute"}
    )
    try:
        secret = make_token(db, "analyst")
        client = app.test_client()
        statuses = [get(client, "/questionnaires", secret).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        refused = get(client, "/questionnaires", secret)
        assert int(refused.headers["Retry-After"]) > 0 and refused.get_json()["error"] == "too_many_requests"
    finally:
        app.extensions["resonanz.db"].dispose()


def test_a_meeting_shows_no_people_and_no_codes(client, db, secret, survey):
    _version, spring, _autumn = survey
    meeting = get(client, f"/meetings/{spring.id}", secret).get_json()
    stored = db.get(Meeting, spring.id)
    db.rollback()
    assert set(meeting) == set(openapi.SCHEMAS["Meeting"]["properties"])
    assert stored.public_code not in json.dumps(meeting)
    assert (meeting["responses"], meeting["attended"], meeting["response_rate"]) == (22, 120, pytest.approx(22 / 120))
    assert meeting["date"] == dt.date(2016, 3, 16).isoformat()
