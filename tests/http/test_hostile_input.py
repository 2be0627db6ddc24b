"""Hostile input, generated: random and adversarial field names and values
(huge, any Unicode, control characters, markup, SQL fragments, repeated
keys, bytes that are no UTF-8) sent to the participant form, with and without
a valid CSRF token, and to the login form.

Whatever arrives: never a 5xx; nothing sent comes back unescaped; a
submission is stored exactly when it is valid, and then as the domain
cleaned it, never half.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import Answer, QuestionnaireVersion, Response, SubmissionReceipt
from app.participation.form import CONTROL_FIELDS
from app.questionnaires import versions
from app.questionnaires.answers import validate_submission
from tests.conftest import VALID_ANSWERS, open_form

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORM = "application/x-www-form-urlencoded"

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>x()</script>",
    "<svg/onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
]
# Inert as data: they may come back as they were sent, as text.
SQL = [
    "'; DROP TABLE answer; --",
    "1 OR 1=1",
    '" OR ""="',
    "%' UNION SELECT * FROM users --",
    "\\x00",
    "{{ 7*7 }}{% raw %}",
    "%(secret)s",
    "${jndi:ldap://x}",
]
CONTROL = ["\x00", "\x07", "\x1b[31m", "\u202e", "\ufeff", "\r\n", "\t", "\x7f", "\u0085"]
NUMBERS = ["3", "٣", "۱۲", " 7 ", "-1", "0", "51", "1e3", "99999999999999999999", "NaN", "3.0"]
HUGE = ["x" * 1001, "ü" * 40_000, "y" * 70_000, "z" * 1_100_000]

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
adversarial = st.one_of(
    st.sampled_from(MARKUP + SQL + CONTROL + NUMBERS),
    st.sampled_from(HUGE),
    text,
    st.builds(lambda a, b, c: a + b + c, text, st.sampled_from(MARKUP + SQL + CONTROL), text),
)
names = st.one_of(
    st.sampled_from(sorted(VALID_ANSWERS)),
    st.sampled_from(sorted(CONTROL_FIELDS)),
    st.sampled_from(MARKUP + SQL + ["comment[]", "__proto__", "a" * 300, ""]),
    text,
)


# Where the form was sent from, as the browser tells: our page (mostly), a
# program, another site.
ORIGINS = [
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "same-origin"},
    {},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
]


@st.composite
def submissions(draw):
    """A complete valid answer, then mutated: values replaced, fields dropped,
    fields added or repeated.  Some stay valid (e.g. markup in the comment)."""
    pairs = [(name, value) for name, value in VALID_ANSWERS.items()]
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["replace", "drop", "add", "repeat"]))
        if not pairs and action != "add":
            continue
        index = draw(st.integers(0, max(len(pairs) - 1, 0)))
        if action == "replace":
            pairs[index] = (pairs[index][0], draw(adversarial))
        elif action == "drop":
            del pairs[index]
        elif action == "add":
            pairs.insert(index, (draw(names), draw(adversarial)))
        else:
            pairs.insert(index, pairs[index])
    return pairs


def _counts(db) -> tuple[int, int, int]:
    db.rollback()
    try:
        return tuple(
            db.scalar(select(func.count()).select_from(model)) for model in (Response, Answer, SubmissionReceipt)
        )
    finally:
        db.rollback()


def _stored(db) -> dict:
    """Every stored response's answers, by response id."""
    db.rollback()
    try:
        stored = {response_id: set() for response_id in db.scalars(select(Response.id))}
        for response_id, *row in db.execute(
            select(Answer.response_id, Answer.question_id, Answer.code, Answer.number, Answer.text)
        ):
            stored[response_id].add(tuple(row))
        return stored
    finally:
        db.rollback()


def _assert_nothing_came_back_raw(body: str, sent: list[str]) -> None:
    # The app's own pages load scripts only from its own files (test_security_headers).
    assert re.sub(r'<script src="/static/[\w.]+\?v=\w+" defer></script>', "", body).lower().count("<script") == 0
    for value in sent:
        for marker in MARKUP:
            if marker in value:
                assert marker not in body


def _expected_valid(app, questionnaire, pairs, body: bytes, headers: dict, with_id: bool) -> bool:
    """What the app should decide, from the domain's rules: the submission is
    stored exactly when it comes from our page with the id the page issued
    (the first one sent counts) and the answers are valid."""
    from_our_page = headers.get("Sec-Fetch-Site", "same-origin") == "same-origin" and "Origin" not in headers
    submission = validate_submission(questionnaire, _answers(pairs))
    return from_our_page and with_id and submission.valid and len(body) <= app.config["SUBMISSION_BODY_LIMIT"]


def _questionnaire(db, meeting):
    version = db.get(QuestionnaireVersion, meeting.questionnaire_version_id)
    db.rollback()
    return versions.questionnaire_of(version)


@FUZZ
@given(
    pairs=submissions(),
    headers=st.sampled_from(ORIGINS),
    with_id=st.booleans(),
    raw=st.one_of(st.none(), st.none(), st.binary(max_size=200)),
)
def test_participant_form_survives_anything(app, db, meeting, pairs, headers, with_id, raw):
    questionnaire = _questionnaire(db, meeting)
    client = app.test_client()  # a new phone per example: no "already answered"
    page = open_form(client, meeting.public_code, lang="en")
    pairs = ([("submission_id", page.submission_id)] if with_id else []) + pairs
    body = urlencode(pairs).encode() + (b"&" + raw if raw is not None else b"")  # raw: any bytes at all
    before, stored_before = _counts(db), _stored(db)
    response = client.post(f"/m/{meeting.public_code}", data=body, content_type=FORM, headers=headers)
    after, stored_after = _counts(db), _stored(db)

    event(f"participant form: {response.status_code}")
    assert response.status_code < 500
    _assert_nothing_came_back_raw(response.get_data(as_text=True), [v for pair in pairs for v in pair])
    if response.status_code == 303:
        assert after[2] == before[2] + 1  # one receipt
        new = [answers for rid, answers in stored_after.items() if rid not in stored_before]
        assert len(new) == 1
        if raw is None:  # exactly the answers the domain accepts, cleaned
            assert new == [_rows(validate_submission(questionnaire, _answers(pairs)).answers)]
    else:
        assert after == before
    if raw is None and response.status_code != 413:  # 413: too large to read at all
        assert (response.status_code == 303) == _expected_valid(app, questionnaire, pairs, body, headers, with_id)


def _answers(pairs) -> dict:
    answers = {}
    for name, value in pairs:
        if name not in CONTROL_FIELDS:
            answers.setdefault(name, []).append(value)
    return answers


def _rows(answers: dict) -> set:
    rows = set()
    for question, value in answers.items():
        if isinstance(value, tuple):
            rows |= {(question, code, None, None) for code in value}
        elif isinstance(value, int):
            rows.add((question, "value", value, None))
        else:
            rows.add((question, "value", None, value))
    return rows


@FUZZ
@given(
    username=st.one_of(st.none(), adversarial),
    password=st.one_of(st.none(), adversarial),
    extra=st.lists(st.tuples(names, adversarial), max_size=3),
    with_token=st.sampled_from([True, True, False]),
    raw=st.one_of(st.none(), st.none(), st.binary(max_size=300)),
)
def test_login_survives_anything(app, db, username, password, extra, with_token, raw):
    fields = (
        ([("username", username)] if username is not None else [])
        + ([("password", password)] if password is not None else [])
        + extra
    )
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"  # the limit has its own test
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    pairs = ([("csrf_token", token)] if with_token else []) + fields
    body = urlencode(pairs).encode() + (b"&" + raw if raw is not None else b"")
    before = _counts(db)
    response = client.post("/login", data=body, content_type=FORM)
    event(f"login: {response.status_code}")
    assert response.status_code < 500
    assert response.status_code != 302  # no account exists: nobody gets in
    _assert_nothing_came_back_raw(response.get_data(as_text=True), [v for pair in fields for v in pair])
    assert _counts(db) == before
