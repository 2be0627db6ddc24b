"""Static files under content-hashed URLs, cached for a year.

``static_url("style.css")`` gives ``/static/style.css?v=<hash of the bytes>``.
A request that names the current hash may be kept by browsers and proxies for
a year without asking again, because changing the file changes its URL; a
request without it (or with an old hash) is revalidated as usual.  A phone
that comes back for the next meeting loads only the page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, request, url_for
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12

# Keyed by size and modification time, so a file edited while the development
# server runs gets a new URL without a restart.
_hashes: dict[tuple[str, int, int], str] = {}


def content_hash(filename: str) -> str | None:
    """The first characters of the file's SHA-256, or None when there is no such file."""
    path = safe_join(current_app.static_folder, filename)
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    digest = _hashes.get(key)
    if digest is None:
        digest = _hashes[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_LENGTH]
    return digest


def static_url(filename: str) -> str:
    return url_for("static", filename=filename, v=content_hash(filename))


def _cache_static(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    if version and version == content_hash(request.view_args["filename"]):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_cache_static)
