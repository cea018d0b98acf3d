"""Charts as inline SVG, drawn on the server: the dashboard needs no chart library, loads
nothing from elsewhere and runs no script (the pages' content policy allows none)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

PALETTE = ["#0b57d0", "#b3261e", "#146c2e", "#8a4b00", "#6a1b9a", "#00696f"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def stacked_bars(
    labels: list[str], series: list[Series], title: str, width: int = 900, height: int = 260
) -> str:
    """Bars per label (a day), stacked by series (a channel), with a legend."""
    left, bottom, top = 40, 40, 24
    plot_w, plot_h = width - left - 10, height - bottom - top
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = plot_w / max(len(labels), 1)
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="14" font-size="12">{escape(title)} (cao nhất {peak:g})</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
    ]
    for i, label in enumerate(labels):
        x, y = left + i * step, top + plot_h
        for k, s in enumerate(series):
            h = s.values[i] / peak * plot_h
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)} · {escape(s.name)}: '
                f"{s.values[i]:g}</title></rect>"
            )
        if i % -(-len(labels) // 12) == 0:  # at most a dozen labels under the bars
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="10">{escape(label)}</text>'
            )
    for k, s in enumerate(series):
        x = left + k * 160
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{height - 5}" font-size="11">{escape(s.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(items: list[tuple[str, float]], title: str, width: int = 900) -> str:
    """One bar per item (a procedure, an outcome), longest first as given."""
    row, left = 22, 330
    height = 24 + row * max(len(items), 1)
    peak = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-size="12">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 24 + i * row
        shown = label if len(label) <= 52 else label[:51] + "…"
        w = value / peak * (width - left - 60)
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="11">{escape(shown)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="14" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11">{value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
