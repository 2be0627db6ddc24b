"""Reading printed matter back as a reader and a phone would: every page of a
PDF rendered to an image at 150 dpi (pypdfium2, the PDF engine of Chromium),
every QR code on it decoded (zxing-cpp), and the page's text extracted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2
import zxingcpp

DPI = 150
A4_POINTS = (595.28, 841.89)


@dataclass(frozen=True)
class Page:
    text: str
    codes: tuple[str, ...]  # what each QR code found on the page decodes to
    size: tuple[float, float]  # in points


def scan(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            image = np.array(bitmap.to_pil().convert("L"))
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            text = page.get_textpage().get_text_range()
            pages.append(Page(text, tuple(code.text for code in found), tuple(page.get_size())))
    finally:
        document.close()
    return pages


def is_a4(page: Page) -> bool:
    return all(abs(a - b) < 1 for a, b in zip(page.size, A4_POINTS, strict=True))
