"""Server-rendered SVG charts: readable on a phone, no script, no external file."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, LABEL, ROW, TOP = 320, 96, 22, 18


def forest_chart(rows: Sequence[tuple[str, float | None, float, float]], target: float, title: str) -> Markup:
    """One row per scope: the interval as a bar, the share as a dot, the target as a line."""
    plot = WIDTH - LABEL - 14
    height = TOP + ROW * len(rows) + 6

    def x(value: float) -> float:
        return round(LABEL + plot * value, 1)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="11">'
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
