"""gunicorn.conf.py: an access log that works and names nobody; refusing to
start with settings that would go wrong quietly."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import urllib.request

import pytest

from benchmarks._data import PROJECT
from benchmarks._serve import GUNICORN, gunicorn
from benchmarks.load import prepare
from tests.scratch import scratch_database

pytestmark = pytest.mark.slow

ACCESS_LINE = re.compile(r"^(GET|POST|HEAD) /\S* \d{3} \d+ \d+ms$")


def test_access_log_has_no_address_agent_referrer_or_time(tmp_path):
    with scratch_database("sqlite") as url:
        path = prepare(url)
        with gunicorn(url, tmp_path / "gunicorn.log", workers=1) as server:
            request = urllib.request.Request(
                server.base_url + path + "?lang=de",
                headers={
                    "User-Agent": "Phone-UA-31337",
                    "Referer": "https://referrer.example/page",
                    "X-Forwarded-For": "198.51.100.23",
                    "X-Real-IP": "198.51.100.24",
                },
            )
            assert urllib.request.urlopen(request, timeout=10).status == 200
            # A malformed request: gunicorn's warning about it names no address either.
            port = int(server.base_url.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(b"NONSENSE\r\n\r\n")
                raw.recv(1024)
            log = server.log()
    access = [line for line in log.splitlines() if not line.startswith("[")]
    assert f"GET {path} 200" in "\n".join(access)  # the log works …
    assert all(ACCESS_LINE.match(line) for line in access), access  # … one format, no time of day
    for personal in ("Phone-UA-31337", "referrer.example", "198.51.100", "lang=de"):
        assert personal not in log
    # Only the master's "Listening at" line names the loopback address it binds.
    assert [line for line in log.splitlines() if "127.0.0.1" in line and "Listening at" not in line] == []
    assert "Invalid request from ip=-" in log


@pytest.mark.parametrize(
    "missing, message",
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI is not set"),
        ("PUBLIC_URL", "PUBLIC_URL is not set"),
    ],
)
def test_gunicorn_refuses_to_start_without(missing, message, tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "k" * 40,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RESONANZ_ENV": "production",
        "PUBLIC_URL": "https://umfrage.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/refused.sqlite3",
        "PORT": "0",
    }
    del env[missing]
    started = subprocess.run(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert message in started.stdout + started.stderr


# A time of day (12:34:56, 2026-12-01T…) or a date beside it, as loggers write them.
TIME_OF_DAY = re.compile(r"\b\d{2}:\d{2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def test_no_log_line_says_when_a_participant_asked(tmp_path):
    """A burst of participant requests, one of them cut off mid-body: neither
    gunicorn's access log nor its error log has a time of day in any line."""
    with scratch_database("sqlite") as url:
        path = prepare(url)
        with gunicorn(url, tmp_path / "gunicorn.log", workers=2) as server:
            for _ in range(20):
                assert urllib.request.urlopen(server.base_url + path, timeout=10).status == 200
            port = int(server.base_url.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    "Content-Length: 5000\r\n\r\nsatisfaction=5&comm".encode()
                )
            # Let the worker notice the cut before the log is read.
            assert urllib.request.urlopen(server.base_url + path, timeout=10).status == 200
            log = server.log()
    assert f"GET {path} 200" in log
    assert [line for line in log.splitlines() if TIME_OF_DAY.search(line)] == []
