"""What a phone downloads for the IV.1 participant form, in every language.

    .venv/bin/python benchmarks/page_weight.py

Prints per language the gzip-compressed bytes of the page and of everything it
loads, against the budget of 14,600 bytes: ten TCP segments of 1,460 bytes,
what a server may send before the first acknowledgement (RFC 6928), so the
form can render after a single round trip.
tests/participation/test_page_weight.py holds the app to the budget with the
same measurement.
"""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET = 14_600

# Attributes through which a page makes the browser fetch something by itself.
_FETCHED = {
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "input": ("src",),
}
# <link> relations that fetch; rel="alternate" and friends only point.
_FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon"}
_CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Subresources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and not _FETCHING_RELS & set((attributes.get("rel") or "").lower().split()):
            return
        for name in _FETCHED.get(tag, ()):
            value = attributes.get(name)
            if value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())


def _css_urls(css: str) -> list[str]:
    return [url or imported for url, imported in _CSS_REFERENCE.findall(css)]


@dataclass
class PageWeight:
    """Bytes on the wire (bodies, as sent with ``Accept-Encoding: gzip``) per URL."""

    sent: dict[str, int] = field(default_factory=dict)
    raw: dict[str, int] = field(default_factory=dict)
    uncompressed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def measure(client, path: str) -> PageWeight:
    """Fetch ``path`` and, recursively, everything it makes the browser load."""
    weight = PageWeight()
    pending = [path]
    while pending:
        url = pending.pop(0)
        if url in weight.sent:
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            weight.foreign.append(url)
            continue
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data()
        weight.sent[url] = len(body)
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        else:
            weight.uncompressed.append(url)
        weight.raw[url] = len(body)
        if response.mimetype == "text/html":
            parser = _Subresources()
            parser.feed(body.decode("utf-8"))
            found = parser.urls
        elif response.mimetype == "text/css":
            found = _css_urls(body.decode("utf-8"))
        else:
            found = []
        pending.extend(u if urlsplit(u).scheme or u.startswith("//") else urljoin(url, u) for u in found)
    return weight


def main() -> None:
    from app import create_app
    from app.db import upgrade
    from benchmarks._data import open_meeting, scratch_database

    with scratch_database("sqlite") as url:
        upgrade(url)
        code = open_meeting(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "page-weight-benchmark"})
        print(f"IV.1 participant form, bytes with gzip (budget {BUDGET:,}):")
        print(f"{'lang':<5} {'page':>6} {'page raw':>9} {'loads':>6} {'total':>7} {'left':>7}")
        for language in app.config["LANGUAGES"]:
            weight = measure(app.test_client(), f"/m/{code}?lang={language}")
            page = next(iter(weight.sent))
            loads = weight.total - weight.sent[page]
            print(
                f"{language:<5} {weight.sent[page]:>6,} {weight.raw[page]:>9,} {loads:>6,} "
                f"{weight.total:>7,} {BUDGET - weight.total:>7,}"
            )
            if weight.foreign or weight.uncompressed:
                print(f"      other hosts: {weight.foreign}, not compressed: {weight.uncompressed}")
        app.extensions["resonanz.db"].dispose()


if __name__ == "__main__":
    main()
