"""Server-side SVG bar charts: accessible (role="img", <title>, <desc>), readable without colour, no script.

Pure: labels and values in, SVG markup out. Every chart in a report sits beside a table of the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

#: GOV.UK blue, dark grey and green: distinguishable in greyscale, and every bar is labelled in text as well.
SERIES_COLOURS = ("#1d70b8", "#505a5f", "#00703c")
WIDTH = 640
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
BAR_GAP = 4
GROUP_GAP = 14
#: Room to the right of the longest bar for its value.
VALUE_ROOM = 190


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(*, chart_id: str, title: str, description: str, categories: Sequence[dict[str, Any]],
              series: Sequence[str] = ("",), value_text: Callable[[float | None], str] | None = None,
              max_value: float | None = None) -> Markup:
    """A horizontal bar chart: each category's label on its own line, then one bar per series.

    categories: [{"label": str, "values": [value per series (None for no figure)]}]. Each bar's text names
    its series when there is more than one, so meaning never rests on colour alone.
    """
    value_text = value_text or (lambda v: "–" if v is None else _number(v))
    values = [v for c in categories for v in c["values"] if v is not None]
    top = max_value if max_value is not None else max(values, default=0)
    scale = (WIDTH - VALUE_ROOM) / top if top and top > 0 else 0.0
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts: list[str] = []
    y = 0.0
    for category in categories:
        y += LABEL_HEIGHT
        parts.append(f'<text x="0" y="{_number(y - 5)}" class="app-chart__label">{escape(category["label"])}</text>')
        for i, value in enumerate(category["values"]):
            length = max(0.0, (value or 0) * scale)
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            name = series[i] if i < len(series) else ""
            text = value_text(value)
            label = f"{name}: {text}" if name and len(series) > 1 else text
            if length > 0:
                parts.append(f'<rect x="0" y="{_number(y)}" width="{_number(length)}" height="{BAR_HEIGHT}" '
                             f'fill="{colour}"></rect>')
            parts.append(f'<text x="{_number(length + 6)}" y="{_number(y + BAR_HEIGHT - 4)}" '
                         f'class="app-chart__value">{escape(label)}</text>')
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    height = max(int(y), LABEL_HEIGHT)
    svg = (f'<svg class="app-chart" id="{escape(chart_id)}" role="img" aria-labelledby="{title_id} {desc_id}" '
           f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" focusable="false" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="Arial,\'Noto Sans\',\'Noto Naskh Arabic\',sans-serif" '
           f'font-size="14">'
           f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>'
           + "".join(parts) + "</svg>")
    return Markup(svg)
