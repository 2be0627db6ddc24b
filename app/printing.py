"""Printed matter: an HTML page of sheets made into a PDF on the server (WeasyPrint).

The handouts and the paper questionnaire are HTML documents laid out by one
print stylesheet (``http/static/print.css``), which the workspace's pages in
the browser use too, so what a coordinator prints from the browser and what
the server makes are the same layout.  Arabic and Persian are shaped and set
right to left by Pango and HarfBuzz, with fonts from Debian (docs/operations.md).

Everything a document shows is inline (QR codes as SVG): the PDF maker
fetches nothing, neither from the network nor from the disk.
"""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).parent / "http" / "static" / "print.css"


class _NothingFetched(Exception):
    pass


def _refuse_fetch(url: str, *args, **kwargs):
    raise _NothingFetched(f"printed documents load nothing ({url})")


def pdf_of(html: str) -> bytes:
    """The PDF of a complete HTML document laid out by the print stylesheet."""
    # Imported here: WeasyPrint is large, and no participant page needs it.
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch, base_url=".")
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))])
