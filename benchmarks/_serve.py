"""Run the app (or another WSGI app) under gunicorn with gunicorn.conf.py on
loopback, as `make serve` does; shared by benchmarks/load.py and tests/serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("BENCH_REDIS_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def worker_pids(self) -> list[int]:
        """The master's children, from /proc (Linux)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid …": comm may hold spaces, so split after ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def gunicorn(
    database_url: str,
    log_path: Path,
    *,
    app: str = "wsgi:app",
    workers: int | None = None,
    extra_env: dict | None = None,
    ready_path: str = "/login",
    start_timeout: float = 60,
):
    """Serve ``app`` on a free loopback port in production mode behind one
    (simulated) TLS proxy hop; yield a :class:`Server`; stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RESONANZ_ENV": "production",
        "SECRET_KEY": "serving-test-secret-" + "x" * 32,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"https://127.0.0.1:{port}",
        # Clients send X-Forwarded-Proto: https, as the TLS proxy would.
        "PROXY_HOPS": "1",
        # Rate limits in Redis when there is one; else per worker.
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        # Every simulated phone comes from 127.0.0.1, burst after burst: far
        # more than one venue's address stores in an hour.
        "SUBMISSIONS_PER_ADDRESS": "1000000 per hour",
        "PYTHONUNBUFFERED": "1",
        **({"WEB_CONCURRENCY": str(workers)} if workers else {}),
        **(extra_env or {}),
    }
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(PROJECT / "gunicorn.conf.py"), app],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process, Path(log_path))
    try:
        _wait_ready(server, ready_path, start_timeout)
        yield server
    finally:
        _stop(process)
        log.close()


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.log()[-3000:]}")
        try:
            urllib.request.urlopen(server.base_url + path, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{server.log()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
