"""gzip for pages, stylesheets and scripts, when the browser accepts it.

The participant form has to arrive within the first round trip of a slow
phone connection (docs/accessibility.md, "Page weight").  The app compresses
itself so that the development server and gunicorn behave alike; a reverse
proxy sees ``Content-Encoding`` and passes the body on untouched.

BREACH (secrets guessed from compressed sizes) needs attacker-chosen text
reflected next to a secret in a response sent with the victim's cookies; the
session cookie is ``SameSite=Lax``, so cross-site POSTs, the only requests
whose input pages echo back, carry no session.
"""

from __future__ import annotations

import gzip
import mimetypes

from flask import Flask, request

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "text/plain",
        "text/csv",
        "image/svg+xml",
        "application/json",
    }
)
# Below this, gzip's own header and trailer outweigh what it saves.
MINIMUM_SIZE = 512
# Files sent straight from disk are read into memory to compress them: only small ones.
MAXIMUM_FILE_SIZE = 1024 * 1024
# Level 1: half the time of level 9 for 8 % more bytes (the form: 2.7 instead of 2.5 kB).
LEVEL = 1


def _mimetype(response) -> str | None:
    if response.status_code == 304:  # no body and no Content-Type: judge by the name
        return mimetypes.guess_type(request.path)[0]
    return response.mimetype


def _compressible(response) -> bool:
    if _mimetype(response) not in COMPRESSIBLE or "Content-Encoding" in response.headers:
        return False
    if response.status_code < 200 or response.status_code in (204, 206):
        return False
    if response.status_code == 304:
        return True
    if response.direct_passthrough:  # a static file: its length is known before reading it
        return response.content_length is not None and response.content_length <= MAXIMUM_FILE_SIZE
    return not response.is_streamed


def compress(response):
    if not _compressible(response):
        return response
    if response.status_code != 304:
        size = response.content_length if response.direct_passthrough else len(response.get_data())
        if size < MINIMUM_SIZE:
            return response  # sent as it is to every browser (a redirect, say): nothing varies
    # Caches must keep the two encodings apart even when this one is not compressed.
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    if response.status_code != 304:
        response.direct_passthrough = False
        # mtime=0: the same page gives the same bytes, whenever it is sent.
        response.set_data(gzip.compress(response.get_data(), compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        # The compressed bytes differ from the file's but mean the same: a weak validator.
        response.set_etag(etag, weak=True)
    return response


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def init_app(app: Flask) -> None:
    app.after_request(compress)
