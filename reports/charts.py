"""One chart definition for the page, the PDF and the workbook (issue 9, item 7).

A `Chart` holds its title, categories and series; `svg()` draws it as inline SVG (the page and WeasyPrint's
PDF show the same drawing, no JavaScript), `rows()` gives the same numbers as the table printed beside it for
screen readers and print, and `reports.exports` turns it into a native Excel chart over the cells it writes.
"""

import dataclasses
from html import escape

# Colour-blind-safe (Okabe–Ito), in the order series are drawn.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclasses.dataclass(frozen=True)
class Chart:
    key: str  # stable: the anchor on the page, the sheet's name in the workbook
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit_label: str = ""  # what the numbers count ("đề xuất"), under the axis
    percent: bool = False  # values are percentages (0–100)

    @property
    def empty(self) -> bool:
        return not self.categories or not any(any(series.values) for series in self.series)

    def rows(self) -> list[tuple[str, list[float]]]:
        """The data table beside the chart: one row per category, one value per series."""
        return [(category, [series.values[i] for series in self.series]) for i, category in enumerate(self.categories)]

    def svg(self, *, width: int = 640) -> str:
        """Horizontal grouped bars: long Vietnamese unit names stay readable on the left."""
        label_width, bar, gap, top, right = 200, 14, 10, 24, 56
        group = bar * len(self.series) + gap
        plot = width - label_width - right
        height = top + group * len(self.categories) + 28
        peak = max((value for series in self.series for value in series.values), default=0) or 1
        if self.percent:
            peak = 100
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" aria-labelledby="chart-{escape(self.key)}-title">',
            f'<title id="chart-{escape(self.key)}-title">{escape(self.title)}</title>',
            f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{height - 24}" stroke="#6c757d"/>',
        ]
        for i, category in enumerate(self.categories):
            y = top + i * group
            short = category if len(category) <= 32 else category[:31] + "…"
            parts.append(
                f'<text x="{label_width - 6}" y="{y + group / 2}" text-anchor="end" font-size="11" '
                f'dominant-baseline="middle">{escape(short)}</text>'
            )
            for j, series in enumerate(self.series):
                value = series.values[i]
                length = plot * value / peak
                shown = f"{value:g}%" if self.percent else f"{value:,.0f}".replace(",", ".")
                parts.append(
                    f'<rect x="{label_width}" y="{y + j * bar}" width="{length:.1f}" height="{bar - 2}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(series.name)}: {shown}</title></rect>'
                    f'<text x="{label_width + length + 4:.1f}" y="{y + j * bar + bar / 2}" font-size="10" '
                    f'dominant-baseline="middle">{shown}</text>'
                )
        legend_y = height - 8
        x = label_width
        for j, series in enumerate(self.series):
            parts.append(
                f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="{legend_y}" font-size="11">{escape(series.name)}</text>'
            )
            x += 24 + 7 * len(series.name)
        parts.append("</svg>")
        return "".join(parts)
