"""Gunicorn settings for production (``make serve``; see docs/operations.md).

Every setting comes from the environment.  The access log has no client
address, user agent, referrer or timestamp, and the error log no timestamp:
participants are anonymous, and a line with an address or a time would tie
a person to an answer.  The log collector (journald, Docker) may add its own
time to each line: docs/operations.md says how to keep it from doing so.
"""

import multiprocessing
import os
import re

from gunicorn import glogging

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Sync workers: each serves one request at a time with one database
# connection, so a slow phone behind the buffering proxy never holds a worker.
# 2 × cores + 1 keeps both cores busy while some workers wait on the database;
# capped so several machines stay within PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 12))
worker_class = "sync"
# A request that takes this long is stuck (the database has its own, shorter
# timeouts): the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On restart or upgrade (SIGTERM / SIGHUP) a request in progress may finish.
graceful_timeout = 20
# Replace workers now and then, staggered, so no slow leak can build up.
max_requests = 5000
max_requests_jitter = 500
# No run-time control socket: nothing uses it, and two instances on one
# machine (a test beside a server) would fight over its default path.
control_socket_disable = True
# The heartbeat file of each worker: in memory, never on a slow or full disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# What a request may be: a participant's form is far below these.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = os.environ.get("ACCESS_LOG", "-") or None
# Method, path (no query string), status, bytes, milliseconds.  Never %(h)s
# (address), %(t)s (time of day), %(a)s (user agent), %(f)s (referrer) or
# %({x-forwarded-for}i)s.
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

_CLIENT_ADDRESS = re.compile(r"ip=\S+")


class AnonymousLogger(glogging.Logger):
    """Gunicorn's logger without the client address that it adds to its
    "Invalid request from ip=…" warning about malformed requests, and without
    a time stamp on its error log: a line about a participant's request cut
    off (it names the path) must not say when it was."""

    error_fmt = r"[%(process)d] [%(levelname)s] %(message)s"

    def warning(self, msg, *args, **kwargs):
        super().warning(_CLIENT_ADDRESS.sub("ip=-", str(msg)), *args, **kwargs)


logger_class = AnonymousLogger


def on_starting(server):
    """Refuse to start with settings that would go wrong quietly."""
    problems = []
    if not os.environ.get("SECRET_KEY"):
        problems.append(
            "SECRET_KEY is not set (it signs the cookies; use a long random value, the same on every machine)."
        )
    if not os.environ.get("PUBLIC_URL"):
        problems.append(
            "PUBLIC_URL is not set: the address participants reach (e.g. https://umfrage.example.org); "
            "links and QR codes are built from it, and the app answers only for its host."
        )
    storage = os.environ.get("RATELIMIT_STORAGE_URI")
    if not storage:
        problems.append(
            "RATELIMIT_STORAGE_URI is not set: point it to Redis (e.g. redis://127.0.0.1:6379/0) "
            "so that every worker and machine counts login attempts together."
        )
    elif storage.startswith("memory://") and server.cfg.workers > 1:
        server.log.warning(
            "RATELIMIT_STORAGE_URI=memory://: each of the %d workers counts login attempts on its own.",
            server.cfg.workers,
        )
    if problems:
        raise SystemExit("Resonanz will not start:\n  " + "\n  ".join(problems))
