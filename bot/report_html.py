"""A report (``commands.projects.sections``) as one self-contained HTML page: its tables,
their values said as a reader of its language expects, and bar charts as inline SVG —
no script, no stylesheet or font to fetch, so that it prints and mails as it is."""

from __future__ import annotations

from html import escape
from pathlib import Path

from commands.projects.sections import Chart, Report, Section, magnitude, shown

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
"""
BAR, GAP, LABEL, WIDTH = 18, 6, 220, 360  # pixels: a bar's height, between bars, the label


def _cells(section: Section, locale: str) -> str:
    if section.transposed:
        return "".join(
            f"<tr><th>{escape(name)}</th><td class=n>{escape(shown(value, kind, locale))}"
            "</td></tr>" for name, value, kind in section.lines())
    head = "".join(f"<th>{escape(name)}</th>" for name in section.table.header)
    body = "".join("<tr>" + "".join(
        f"<td{' class=n' if kind != 'text' else ''}>{escape(shown(value, kind, locale))}</td>"
        for value, kind in zip(row, section.kinds, strict=True)) + "</tr>"
        for row in section.table.rows)
    return f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"


def chart_svg(section: Section, chart: Chart, locale: str) -> str:
    """Horizontal bars, the longest as wide as the chart, each with its label and value."""
    rows = section.table.rows
    top = max((magnitude(row[chart.value]) for row in rows), default=0) or 1
    kind = section.kinds[chart.value]
    height = len(rows) * (BAR + GAP)
    bars = []
    for i, row in enumerate(rows):
        y = i * (BAR + GAP)
        length = round(magnitude(row[chart.value]) / top * (WIDTH - 110))
        bars.append(
            f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end">'
            f"{escape(str(row[chart.label]))}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{length}" height="{BAR}" fill="#3b7a57"/>'
            f'<text x="{LABEL + length + 6}" y="{y + BAR - 5}">'
            f"{escape(shown(row[chart.value], kind, locale))}</text>")
    return (f'<figure><figcaption>{escape(chart.title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{LABEL + WIDTH}" '
            f'height="{height}" font-size="13" aria-label="{escape(chart.title)}">'
            f'{"".join(bars)}</svg></figure>')


def html_page(report: Report) -> str:
    parts = [f"<!DOCTYPE html><html lang={report.locale}><head><meta charset=utf-8>"
             f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
             f"<h1>{escape(report.title)}</h1><p>{escape(report.intro)}</p>"]
    for section in report.sections:
        if section.detail:
            continue
        parts.append(f"<h2>{escape(section.table.name)}</h2>")
        parts.append(f"<table>{_cells(section, report.locale)}</table>")
        if section.table.rows:
            parts.extend(chart_svg(section, chart, report.locale) for chart in section.charts)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_html(report: Report, path: Path) -> None:
    path.write_text(html_page(report), encoding="utf-8")
