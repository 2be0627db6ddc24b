"""Server-rendered SVG charts: readable on a phone, no script, no external file.

A chart holds numbers only (years, ticks): its words (the legend) are HTML
beside it, so that every language is shaped and set in its direction, in the
browser and in a printed PDF alike."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, LABEL, ROW, TOP = 320, 96, 22, 18


def forest_chart(
    rows: Sequence[tuple[str, float | None, float, float]], target: float, title: str, *, description: str = ""
) -> Markup:
    """One row per scope: the interval as a bar, the share as a dot, the target as a line.

    ``title`` and ``description`` (the figures in words) are its text alternative."""
    plot = WIDTH - LABEL - 14
    height = TOP + ROW * len(rows) + 6

    def x(value: float) -> float:
        return round(LABEL + plot * value, 1)

    label = f"{title} {description}".strip()
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11" direction="ltr">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{TOP - 4}" y2="{height - 4}" stroke="#e0e3e1"/>'
            f'<text x="{x(tick)}" y="11" text-anchor="middle" fill="#444746">{int(tick * 100)}</text>'
        )
    for i, (label, estimate, low, high) in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        parts.append(f'<text x="0" y="{y + 4}" fill="#1b1b1f">{escape(label)}</text>')
        parts.append(
            f'<line x1="{x(low)}" x2="{x(high)}" y1="{y}" y2="{y}" stroke="#0b57d0" stroke-width="4" '
            'stroke-linecap="round"/>'
        )
        if estimate is not None:
            parts.append(f'<circle cx="{x(estimate)}" cy="{y}" r="4.5" fill="#1b1b1f"/>')
    parts.append(
        f'<line x1="{x(target)}" x2="{x(target)}" y1="{TOP - 6}" y2="{height - 2}" stroke="#b3261e" '
        'stroke-width="2" stroke-dasharray="4 2"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


# What the marks of a forest chart look like, for its legend.
SYMBOLS = {
    "share": '<circle cx="8" cy="6" r="4.5" fill="#1b1b1f"/>',
    "interval": '<line x1="1" x2="15" y1="6" y2="6" stroke="#0b57d0" stroke-width="4" stroke-linecap="round"/>',
    "target": '<line x1="8" x2="8" y1="0" y2="12" stroke="#b3261e" stroke-width="2" stroke-dasharray="4 2"/>',
}


def legend(labels: dict[str, str]) -> Markup:
    """The legend of a forest chart: each mark (``share``, ``interval``, ``target``) with its words."""
    items = "".join(
        f'<li><svg class="symbol" viewBox="0 0 16 12" width="16" height="12" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg">{SYMBOLS[mark]}</svg> {escape(text)}</li>'
        for mark, text in labels.items()
    )
    return Markup(f'<ul class="chart-legend">{items}</ul>')
