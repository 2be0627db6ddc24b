"""A file for the browser to save, named in one place.

A name that is not plain ASCII (a questionnaire id, a language) also goes as
RFC 6266's ``filename*``, so no header can be broken by what the name holds.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response


def attachment(body, filename: str, content_type: str) -> Response:
    """``body`` (bytes, text or an iterable of them, streamed) as a download named
    ``filename``; ``content_type`` whole, with its charset where it has one."""
    plain = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in filename)
    disposition = f'attachment; filename="{plain}"'
    if plain != filename:
        disposition += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})
