import pytest

from app.questionnaires.answers import FieldError, validate_submission
from tests.conftest import parse_iv1

IV1 = parse_iv1()
REQUIRED = {"actor_group": ["school"], "knows_more_offers": ["yes"], "new_contacts": ["no"], "central_topics": ["yes"]}


def check(**changes):
    form = {**REQUIRED, **changes}
    return validate_submission(IV1, {k: v for k, v in form.items() if v is not None})


def test_minimal_valid_submission():
    submission = check()
    assert submission.valid
    assert submission.answers == {k: tuple(v) for k, v in REQUIRED.items()}


def test_every_missing_required_answer_is_reported_at_once():
    submission = validate_submission(IV1, {})
    assert set(submission.errors) == {"actor_group", "knows_more_offers", "new_contacts", "central_topics"}
    assert all(errors == (FieldError("required"),) for errors in submission.errors.values())


def test_blank_values_count_as_missing():
    assert check(actor_group=[" "]).errors == {"actor_group": (FieldError("required"),)}


@pytest.mark.parametrize(
    "field, values, code",
    [
        ("actor_group", ["spaceship"], "unknown_option"),
        ("actor_group", ["school", "kita"], "one_only"),
        ("satisfaction", ["6"], "unknown_option"),
        ("meetings_attended", ["0"], "out_of_range"),
        ("meetings_attended", ["51"], "out_of_range"),
        ("meetings_attended", ["3.5"], "not_a_number"),
        ("meetings_attended", ["1e3"], "not_a_number"),
        ("meetings_attended", ["3", "4"], "one_only"),
        ("comment", ["x" * 1001], "too_long"),
        ("comment", ["a", "b"], "one_only"),
    ],
)
def test_bad_values(field, values, code):
    submission = check(**{field: values})
    assert [e.code for e in submission.errors[field]] == [code]
    assert field not in submission.answers
    # Every other answer is still accepted, so the form can show it again.
    assert set(submission.answers) == set(REQUIRED) - {field}


def test_numbers_in_arabic_and_persian_digits():
    assert check(meetings_attended=["١٢"]).answers["meetings_attended"] == 12
    assert check(meetings_attended=["۷"]).answers["meetings_attended"] == 7


def test_free_text_is_stripped_of_control_characters():
    answers = check(comment=["  gut\x00\x07 so\r\nweiter  "]).answers
    assert answers["comment"] == "gut so\nweiter"


def test_text_of_exactly_max_length_is_accepted():
    assert check(comment=["x" * 1000]).valid


def test_show_if_hidden_question_is_neither_required_nor_stored():
    # new_partners is required but only shown after new_contacts = yes.
    hidden = check(new_contacts=["no"], new_partners=["yes"])
    assert hidden.valid and "new_partners" not in hidden.answers
    shown = check(new_contacts=["yes"])
    assert shown.errors == {"new_partners": (FieldError("required"),)}
    assert check(new_contacts=["yes"], new_partners=["yes"]).answers["new_partners"] == ("yes",)


def test_error_in_a_hidden_question_is_ignored():
    assert check(new_contacts=["no"], new_partners=["bogus"]).valid


def test_unexpected_fields_are_reported():
    submission = validate_submission(IV1, {**REQUIRED, "is_admin": ["1"]})
    assert submission.unexpected_fields == ("is_admin",) and not submission.valid
    assert validate_submission(IV1, {**REQUIRED, "csrf_token": ["t"]}, ignored_fields=frozenset({"csrf_token"})).valid
