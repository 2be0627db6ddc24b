"""New passwords: at least 12 characters and hard to guess (zxcvbn, with the
user name and the network's words as context), the same on the web and on
the command line; changing one's own password needs the current one."""

import pytest

from app.accounts import passwords
from tests.conftest import PASSWORDS, login, token

STRONG = "Sieben Brücken über den Fluss"
CONTEXT = ["maria", "Resonanz", "Bildung und Migration"]


def refused(password, context=CONTEXT):
    return [message for message, _values in passwords.problems(password, context)]


def test_a_short_password_is_refused_for_its_length_alone():
    assert refused("Kx9!vQ2#mL4") == [passwords.TOO_SHORT]  # 11 characters, however random
    assert refused("Kx9!vQ2#mL4z") == []


@pytest.mark.parametrize(
    ("password", "hint"),
    [
        ("password1234", "passwords"),
        ("qwertyuiop123", "passwords"),
        ("maria-maria-maria", "pattern"),
        ("Bildung und Migration", "user_inputs"),
        ("Resonanz2026!", "user_inputs"),
        ("maria.maria.1", "pattern"),
        ("abcdefghijklmnop", "pattern"),
    ],
)
def test_an_easily_guessed_password_is_refused_with_a_hint(password, hint):
    assert refused(password) == [passwords.TOO_WEAK, passwords.HINTS[hint], passwords.ADVICE]


def test_the_context_makes_the_difference():
    assert refused("Migration2026!", context=[]) == []
    assert passwords.TOO_WEAK in refused("Migration2026!", context=["Bildung und Migration"])


def test_long_passwords_are_judged_by_their_start_and_capped():
    assert refused("a" * 150) == [passwords.TOO_WEAK, passwords.HINTS["pattern"], passwords.ADVICE]
    assert refused(STRONG + " " + "x" * 100) == []  # past zxcvbn's 72 characters: no error
    assert refused("y" * 201) == [passwords.TOO_LONG]


def change(client, current, new, confirmation=None):
    return client.post(
        "/workspace/password",
        data={
            "csrf_token": token(client, "/workspace/password?lang=en"),
            "current_password": current,
            "new_password": new,
            "confirmation": new if confirmation is None else confirmation,
        },
    )


@pytest.fixture
def evaluator(client, staff):
    assert login(client, "evaluator", PASSWORDS["evaluator"]).status_code == 302
    return client


@pytest.mark.parametrize(
    ("current", "new", "confirmation", "field", "message"),
    [
        ("wrong-password-1", STRONG, None, "current_password", "This is not your current password."),
        (PASSWORDS["evaluator"], "kurz", None, "new_password", "at least 12 characters"),
        (PASSWORDS["evaluator"], "evaluator2026!", None, "new_password", "the user name"),
        (PASSWORDS["evaluator"], STRONG, STRONG + "!", "confirmation", "The two passwords differ."),
        ("", STRONG, None, "current_password", "This field is required."),
        (PASSWORDS["evaluator"], "n\x00" * 20, None, "new_password", "too easy to guess"),
    ],
)
def test_a_refused_password_change_comes_back_with_the_error_beside_the_field(
    evaluator, current, new, confirmation, field, message
):
    response = change(evaluator, current, new, confirmation)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">' in page and message in page
    assert login(evaluator, "evaluator", PASSWORDS["evaluator"]).status_code == 302  # unchanged


def test_the_own_password_is_changed_with_the_current_one(evaluator):
    assert change(evaluator, PASSWORDS["evaluator"], STRONG).status_code == 302
    assert "Your password has been changed" in evaluator.get("/workspace/?lang=en").get_data(as_text=True)
    assert login(evaluator, "evaluator", PASSWORDS["evaluator"]).status_code == 422
    assert login(evaluator, "evaluator", STRONG).status_code == 302


def test_the_hints_speak_german(evaluator):
    page = change(evaluator, PASSWORDS["evaluator"], "evaluator2026!").get_data(as_text=True)
    assert "too easy to guess" in page
    page = evaluator.post(
        "/workspace/password?lang=de",
        data={
            "csrf_token": token(evaluator, "/workspace/password"),
            "current_password": PASSWORDS["evaluator"],
            "new_password": "evaluator2026!",
            "confirmation": "evaluator2026!",
        },
    ).get_data(as_text=True)
    assert "zu leicht zu erraten" in page and "too easy" not in page


def test_wrong_current_passwords_count_as_failed_logins(app, evaluator):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "3 per minute"
    statuses = [change(evaluator, f"guess-number-{i}", STRONG).status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert change(evaluator, PASSWORDS["evaluator"], STRONG).status_code == 429


def test_the_command_line_follows_the_same_rules(runner, client):
    weak = runner.invoke(args=["users", "create", "maria", "--role", "evaluator", "--password", "Resonanz2026!"])
    assert weak.exit_code == 1 and "too easy to guess" in weak.output and "user name" in weak.output
    assert runner.invoke(args=["users", "create", "maria", "--role", "evaluator", "--password", STRONG]).exit_code == 0
    short = runner.invoke(args=["users", "set-password", "maria", "--password", "kurz"])
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    assert runner.invoke(args=["users", "set-password", "maria", "--password", "Lindenblüten im Juni"]).exit_code == 0
    assert login(client, "maria", "Lindenblüten im Juni").status_code == 302
    assert runner.invoke(args=["users", "set-password", "nobody", "--password", STRONG]).exit_code == 1
