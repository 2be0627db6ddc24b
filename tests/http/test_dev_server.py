"""`make run` end to end: setup prints the participant link, the development
server serves it, a scripted phone answers every question, the response is
stored, and the access log holds no client address."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from benchmarks._serve import free_port
from tests.conftest import VALID_ANSWERS

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_setup_serve_answer_and_log_nothing_personal(tmp_path):
    port = free_port()
    database = tmp_path / "run.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    setup = subprocess.run(
        [*flask, "setup", "--base-url", f"http://127.0.0.1:{port}"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    link = re.search(r"^Participant link: (\S+)$", setup.stdout, re.M).group(1)

    log = open(tmp_path / "server.log", "w+")
    server = subprocess.Popen([sys.executable, "wsgi.py"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(100):
            try:
                page = opener.open(link, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the development server did not start")
        fields = dict(re.findall(r'name="(submission_id|language)" type="hidden" value="([^"]*)"', page))
        body = urllib.parse.urlencode({**fields, **VALID_ANSWERS}).encode()
        request = urllib.request.Request(link, data=body, headers={"User-Agent": "Phone-UA-31337"})
        thanks = opener.open(request, timeout=10)
        assert "/thanks?lang=" in thanks.url and "<h1>" in thanks.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)

    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        code = link.rsplit("/", 1)[1]
        stored = connection.execute(
            text(
                "SELECT count(*) FROM response JOIN meeting ON meeting.id = response.meeting_id "
                "WHERE meeting.public_code = :code"
            ),
            {"code": code},
        ).scalar()
        assert stored == 1
        answers = connection.execute(
            text(
                "SELECT count(DISTINCT question_id) FROM answer JOIN response ON response.id = answer.response_id "
                "JOIN meeting ON meeting.id = response.meeting_id WHERE meeting.public_code = :code"
            ),
            {"code": code},
        ).scalar()
        assert answers == len(VALID_ANSWERS)
    engine.dispose()

    log.seek(0)
    logged = log.read()
    assert f"POST /m/{code}" in logged  # the log works …
    assert "127.0.0.1" not in logged.replace(f"http://127.0.0.1:{port}", "")  # … without addresses
    assert "Phone-UA-31337" not in logged
