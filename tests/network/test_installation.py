"""A real installation apart from the demo: in production ``flask setup`` only
migrates, ``flask demo load`` refuses, and ``flask network init`` creates the
network's settings and its first admin, once.

The production tests run on fresh databases of both engines, migrated by the
command under test, and look into every table afterwards.
"""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from app import create_app
from app.accounts import users as accounts
from app.db import alembic_config, command_session, upgrade
from app.demo import DEMO_ACCOUNTS
from app.models import Base, Meeting, NetworkSettings, QuestionnaireVersion, Response, User
from app.questionnaires import versions
from tests.conftest import ENGINES, EVERY_SHAPE, POSTGRES_URL, login
from tests.scratch import scratch_database

ADMIN_PASSWORD = "Kastanienallee-17-Bürgerhaus"
INIT = ["network", "init", "--name", "Bildungsnetzwerk Musterstadt", "--time-zone", "Europe/Vienna"]
INIT += ["--languages", "de,en,tr", "--admin", "amt-admin"]


@pytest.fixture(params=ENGINES)
def fresh_url(request):
    with scratch_database(request.param, POSTGRES_URL) as url:
        yield url


def make_app(url: str, env: str):
    return create_app({"TESTING": True, "ENV": env, "DATABASE_URL": url, "SECRET_KEY": "installation-test"})


@pytest.fixture
def production(fresh_url):
    app = make_app(fresh_url, "production")
    yield app
    app.extensions["resonanz.db"].dispose()


@pytest.fixture
def development(fresh_url):
    app = make_app(fresh_url, "development")
    yield app
    app.extensions["resonanz.db"].dispose()


def rows_per_table(app) -> dict[str, int]:
    with app.extensions["resonanz.db"].engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def usernames(app) -> set[str]:
    with app.extensions["resonanz.db"].engine.connect() as connection:
        return set(connection.scalars(select(User.username)))


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def revision_of(app) -> str:
    with app.extensions["resonanz.db"].engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


# --- production: no demo, ever ----------------------------------------------------


def test_setup_in_production_on_a_fresh_database_migrates_and_stores_nothing(production):
    result = production.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Database migrated." in result.output and "flask network init" in result.output
    assert "login" not in result.output and "demo-" not in result.output
    assert revision_of(production) == head_revision()
    assert rows_per_table(production) == {table.name: 0 for table in Base.metadata.sorted_tables}


def test_setup_in_production_leaves_a_database_with_its_own_accounts_and_questionnaire_as_it_was(production):
    """The case the old setup got wrong: no meetings yet, but a network of its own."""
    upgrade(production.config["DATABASE_URL"])
    with production.app_context(), command_session() as session:
        accounts.create_user(session, "amt-admin", ADMIN_PASSWORD, "admin")
        versions.store_questionnaire(session, EVERY_SHAPE)
    before = rows_per_table(production)

    for _ in range(2):  # an upgrade runs setup again
        result = production.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
    assert rows_per_table(production) == before
    assert usernames(production) == {"amt-admin"}
    assert not usernames(production) & {username for username, _password, _role in DEMO_ACCOUNTS}
    with production.extensions["resonanz.db"].engine.connect() as connection:
        assert list(connection.scalars(select(QuestionnaireVersion.questionnaire_key))) == ["mc-test"]
        assert connection.scalar(select(func.count()).select_from(Meeting)) == 0
        assert connection.scalar(select(func.count()).select_from(Response)) == 0


def test_demo_load_refuses_in_production_with_a_clear_message(production):
    upgrade(production.config["DATABASE_URL"])
    result = production.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "RESONANZ_ENV is 'production'" in result.output and "flask network init" in result.output
    assert rows_per_table(production) == {table.name: 0 for table in Base.metadata.sorted_tables}


def test_demo_accounts_cannot_log_in_after_a_production_setup(production):
    production.test_cli_runner().invoke(args=["setup"])
    client = production.test_client()
    for username, password, _role in DEMO_ACCOUNTS:
        assert login(client, username, password).status_code == 422  # the login form again, refused


# --- development: the try-out ----------------------------------------------------------


def test_setup_in_development_loads_the_demo_network_with_its_settings(development):
    result = development.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Admin login: admin / demo-administration" in result.output
    with development.extensions["resonanz.db"].engine.connect() as connection:
        settings = connection.execute(select(NetworkSettings.name, NetworkSettings.operator_email)).one()
    assert settings == ("Netzwerk Bildung und Migration", "bildung-migration@example.org")


def test_setup_in_development_leaves_a_network_of_its_own_alone(development):
    upgrade(development.config["DATABASE_URL"])
    runner = development.test_cli_runner()
    assert runner.invoke(args=INIT, env={"RESONANZ_ADMIN_PASSWORD": ADMIN_PASSWORD}).exit_code == 0
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert usernames(development) == {"amt-admin"}
    assert rows_per_table(development)["meeting"] == 0
    assert "own" in runner.invoke(args=["demo", "load"]).output


# --- flask network init -----------------------------------------------------------------


def stored_settings(app):
    with app.extensions["resonanz.db"].engine.connect() as connection:
        return connection.execute(select(NetworkSettings)).all()


def test_network_init_creates_the_settings_and_the_first_admin(production):
    runner = production.test_cli_runner()
    assert runner.invoke(args=["setup"]).exit_code == 0
    result = runner.invoke(args=INIT, env={"RESONANZ_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 0, result.output
    assert "Network 'Bildungsnetzwerk Musterstadt' set up; admin 'amt-admin' created." in result.output
    [row] = stored_settings(production)
    assert (row.name, row.languages, row.default_language, row.time_zone) == (
        "Bildungsnetzwerk Musterstadt",
        "de,en,tr",
        "de",
        "Europe/Vienna",
    )
    assert (row.min_cell_size, row.operator_name) == (5, "")
    client = production.test_client()
    assert login(client, "amt-admin", ADMIN_PASSWORD).status_code == 302
    page = client.get("/workspace/network/").get_data(as_text=True)
    assert "Bildungsnetzwerk Musterstadt" in page.split("</header>")[0]
    assert usernames(production) == {"amt-admin"}


def test_network_init_asks_for_the_password_without_the_variable(production):
    runner = production.test_cli_runner()
    runner.invoke(args=["setup"])
    result = runner.invoke(args=[*INIT, "--default-language", "en"], input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password for amt-admin" in result.output and ADMIN_PASSWORD not in result.output
    assert stored_settings(production)[0].default_language == "en"
    assert login(production.test_client(), "amt-admin", ADMIN_PASSWORD).status_code == 302


def test_network_init_refuses_to_run_twice(production):
    runner = production.test_cli_runner()
    runner.invoke(args=["setup"])
    env = {"RESONANZ_ADMIN_PASSWORD": ADMIN_PASSWORD}
    assert runner.invoke(args=INIT, env=env).exit_code == 0
    again = runner.invoke(args=[*INIT[:3], "Anderes Netz", *INIT[4:-1], "zweiter-admin"], env=env)
    assert again.exit_code == 1 and isinstance(again.exception, SystemExit)
    assert "the network is set up already" in again.output
    assert [row.name for row in stored_settings(production)] == ["Bildungsnetzwerk Musterstadt"]
    assert usernames(production) == {"amt-admin"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"--time-zone": "Europe/Freiburg"}, "--time-zone: unknown time zone 'Europe/Freiburg'"),
        ({"--time-zone": "../../etc/passwd"}, "--time-zone: unknown time zone"),
        ({"--languages": "de,xx,en"}, "--languages: unknown language xx (choose among de,en,tr,ar,ru,uk,fa,fr)"),
        ({"--languages": " , "}, "--languages: give at least one of de,en,tr,ar,ru,uk,fa,fr"),
        ({"--default-language": "fr"}, "--default-language: 'fr' is not among --languages de,en,tr"),
        ({"--name": "   "}, "--name: give the network's name"),
        ({"--name": "Netz\x00"}, "--name: give the network's name"),
    ],
)
def test_network_init_refuses_bad_values_with_a_clear_message(production, change, message):
    runner = production.test_cli_runner()
    runner.invoke(args=["setup"])
    args = list(INIT)
    for option, value in change.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = runner.invoke(args=args, env={"RESONANZ_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message in result.output
    assert stored_settings(production) == [] and usernames(production) == set()


def test_network_init_with_a_refused_password_stores_nothing(production):
    runner = production.test_cli_runner()
    runner.invoke(args=["setup"])
    result = runner.invoke(args=INIT, env={"RESONANZ_ADMIN_PASSWORD": "kurz"})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "password" in result.output and "nothing was stored" in result.output
    assert stored_settings(production) == [] and usernames(production) == set()


def test_network_init_before_setup_says_what_to_do(production):
    result = production.test_cli_runner().invoke(args=INIT, env={"RESONANZ_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "run 'flask setup' first" in result.output
