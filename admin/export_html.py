"""The HTML report of a score table: one self-contained page, in French, with a chart per indicator.

Coordinators read it in a browser or print it; it needs no network and no JavaScript: styles
are inline, charts are inline SVG. One section per dimension, then per indicator: its plain-French
description from the référentiel, and for each wave a bar chart comparing the sector, the
organisations and the structures shown, with the 95 % interval as a whisker.

A masked group is written as "masqué" with its reason and its n, never as a number, a bar or a
whisker: the writer only draws what ``ScoreTable`` rows publish, and a masked row has no value.
"""

from collections.abc import Iterator, Sequence
from html import escape
from typing import IO

from admin.disclosure import REASON_TEXTS
from admin.export_formats import ExportHeader
from admin.export_readme import UNIT_TEXTS, rule_lines
from admin.score_table import ScoreRow, ScoreTable, referentiel_label
from referentiel.models import Indicator, Referentiel

WAVE_TITLES = {"T0": "Première vague (T0)", "T1": "Deuxième vague (T1)", "change": "Évolution T0 → T1"}
LEVEL_TITLES = {"sector": "Secteur", "organisation": "Organisation", "structure": "Structure"}
LEVEL_COLOURS = {"sector": "#1b4f72", "organisation": "#2e86c1", "structure": "#85c1e9"}
CHART_WIDTH = 860
LABEL_WIDTH = 250
TEXT_WIDTH = 230
ROW_HEIGHT = 22
AXIS_HEIGHT = 24
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c2833;
       max-width: 900px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: .2em; }
h2 { border-bottom: 2px solid #1b4f72; padding-bottom: .2em; margin-top: 2em; }
h3 { margin-bottom: .2em; }
h4 { margin: 1em 0 .3em; font-size: 1em; color: #34495e; }
dl.entete { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.entete dt { font-weight: bold; }
dl.entete dd { margin: 0; }
.regle { background: #fdf2e9; border-left: 4px solid #e67e22; padding: .5em 1em; }
.description { color: #34495e; margin-top: 0; }
.unite { color: #566573; font-size: .9em; }
.legende span { display: inline-block; margin-right: 1.2em; font-size: .9em; }
.legende i { display: inline-block; width: 1em; height: .8em; margin-right: .3em; vertical-align: middle; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: #1c2833; }
svg .masque { fill: #7b7d7d; font-style: italic; }
"""


def write_html(table: ScoreTable, header: ExportHeader, stream: IO[str]) -> None:
    """Write the report: header, masking rule, then one section per dimension and indicator."""
    stream.write("".join(_document(table, header)))


def _document(table: ScoreTable, header: ExportHeader) -> Iterator[str]:
    versions = ", ".join(referentiel_label(key) for key in table.referentiels)
    k = table.minimum_group_size
    yield '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
    yield f"<title>Indicateurs Voix — {escape(header.scope)}</title>\n"
    yield f"<style>{STYLE}</style>\n</head>\n<body>\n"
    yield '<h1>Indicateurs Voix par groupe</h1>\n<dl class="entete">\n'
    for term, description in (
        ("Généré le", header.generated_at),
        ("Taille minimale des groupes (k)", f"{k} jeunes"),
        ("Référentiel", versions),
        ("Périmètre", header.scope),
        ("Vagues", ", ".join(WAVE_TITLES.get(wave, wave) for wave in header.waves)),
        ("Commande", header.command),
    ):
        yield f"<dt>{escape(term)}</dt><dd>{escape(description)}</dd>\n"
    yield '</dl>\n<section class="regle">\n<h2>Règle de masquage</h2>\n'
    yield "".join(f"<p>{escape(line)}</p>\n" for line in rule_lines(k))
    yield "</section>\n"
    yield '<p class="legende">' + "".join(
        f'<span><i style="background:{LEVEL_COLOURS[level]}"></i>{LEVEL_TITLES[level]}</span>'
        for level in header.levels
    )
    yield "<span>— intervalle de confiance à 95 %</span></p>\n"
    rows_of: dict[tuple[str, str, str, str], list[ScoreRow]] = {}
    for row in table.rows:
        rows_of.setdefault((row.referentiel_version, row.indicator, row.wave, row.unit), []).append(row)
    for key in table.referentiels:
        referentiel = table.referentiel_models[key]
        yield from _referentiel_sections(referentiel, referentiel_label(key), header.waves, rows_of, k)
    yield "</body>\n</html>\n"


def _referentiel_sections(
    referentiel: Referentiel,
    label: str,
    waves: Sequence[str],
    rows_of: dict[tuple[str, str, str, str], list[ScoreRow]],
    minimum_group_size: int,
) -> Iterator[str]:
    for dimension in referentiel.dimensions:
        indicators = [
            indicator for indicator in referentiel.indicators if indicator.dimension == dimension.id
        ]
        if not indicators:
            continue
        title = dimension.title.get("fr", dimension.id)
        yield f'<section class="dimension">\n<h2>{escape(title)} <small>({escape(label)})</small></h2>\n'
        for indicator in indicators:
            yield from _indicator_section(indicator, label, waves, rows_of, minimum_group_size)
        yield "</section>\n"


def _indicator_section(
    indicator: Indicator,
    label: str,
    waves: Sequence[str],
    rows_of: dict[tuple[str, str, str, str], list[ScoreRow]],
    minimum_group_size: int,
) -> Iterator[str]:
    title = indicator.title.get("fr", indicator.id)
    yield f"<article>\n<h3>{escape(title)} <small>({escape(indicator.id)})</small></h3>\n"
    yield f'<p class="description">{escape(indicator.description.get("fr", ""))}</p>\n'
    for (version, indicator_id, wave, unit), rows in rows_of.items():
        if version != label or indicator_id != indicator.id or wave not in waves:
            continue
        unit_text = escape(UNIT_TEXTS.get(unit, unit))
        yield f'<h4>{escape(WAVE_TITLES.get(wave, wave))} — <span class="unite">{unit_text}</span></h4>\n'
        yield _chart(rows, f"{title}, {WAVE_TITLES.get(wave, wave)}", minimum_group_size)
    yield "</article>\n"


def _chart(rows: list[ScoreRow], title: str, minimum_group_size: int) -> str:
    """One horizontal bar per group; masked groups get a line of text instead of a bar."""
    low, high = _scale(rows)
    plot_left = LABEL_WIDTH
    plot_width = CHART_WIDTH - LABEL_WIDTH - TEXT_WIDTH

    def x(number: float) -> float:
        return round(plot_left + (number - low) / (high - low) * plot_width, 1)

    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" width="{CHART_WIDTH}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(low, high):
        parts.append(
            f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{AXIS_HEIGHT - 4}" y2="{height - 4}" '
            f'stroke="{"#566573" if tick == 0 else "#d5d8dc"}" stroke-width="1"/>'
            f'<text x="{x(tick)}" y="{AXIS_HEIGHT - 8}" text-anchor="middle">{_tick(tick)}</text>'
        )
    for index, row in enumerate(rows):
        top = AXIS_HEIGHT + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        name = row.group_name if row.level != "structure" else f"  {row.group_name}"
        weight = ' font-weight="bold"' if row.level != "structure" else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle + 4}" text-anchor="end"{weight}>{escape(name)}</text>'
        )
        text_x = CHART_WIDTH - TEXT_WIDTH + 8
        if row.suppressed or row.value is None:
            reason = REASON_TEXTS.get(row.reason or "", row.reason or "").format(k=minimum_group_size)
            parts.append(
                f'<text class="masque" x="{plot_left + 4}" y="{middle + 4}">masqué (n = {row.n}) : '
                f"{escape(_short_reason(row.reason, reason))}<title>{escape(reason)}</title></text>"
            )
            continue
        start, end = sorted((x(0.0 if low <= 0 <= high else low), x(row.value)))
        parts.append(
            f'<rect x="{start}" y="{top + 4}" width="{round(end - start, 1)}" height="{ROW_HEIGHT - 8}" '
            f'fill="{LEVEL_COLOURS.get(row.level, "#85c1e9")}"/>'
        )
        if row.ci_low is not None and row.ci_high is not None:
            left, right = x(row.ci_low), x(row.ci_high)
            parts.append(
                f'<path d="M{left} {middle}H{right}M{left} {middle - 5}V{middle + 5}M{right} {middle - 5}'
                f'V{middle + 5}" stroke="#1c2833" stroke-width="1.5" fill="none"/>'
            )
        interval = "" if row.ci_low is None else f" [{_number(row.ci_low)} ; {_number(row.ci_high)}]"
        parts.append(
            f'<text x="{text_x}" y="{middle + 4}">{_number(row.value)}{interval} (n = {row.n})</text>'
        )
    parts.append("</svg>\n")
    return "".join(parts)


def _short_reason(code: str | None, text: str) -> str:
    """The reason in a few words: the full rule is written once, above the charts."""
    if code == "small_group":
        return "groupe trop petit"
    if code == "secondary":
        return "masquage secondaire"
    return text


def _scale(rows: list[ScoreRow]) -> tuple[float, float]:
    """The axis range: 0–100 for percentages and scores; otherwise what the values need, with 0."""
    numbers = [
        number for row in rows for number in (row.value, row.ci_low, row.ci_high) if number is not None
    ]
    units = {row.unit for row in rows}
    if units <= {"percent", "score_0_100", "percent_improved"}:
        return 0.0, 100.0
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if units & {"percentage_points", "points"}:
        bound = max(10.0, abs(low), abs(high))
        return -bound, bound
    return low, high if high > low else low + 1.0


def _ticks(low: float, high: float) -> list[float]:
    """About five round ticks across the axis."""
    span = high - low
    step = next(step for step in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if span / step <= 6)
    first = -(-low // step) * step
    ticks = []
    tick = first
    while tick <= high + 1e-9:
        ticks.append(float(tick))
        tick += step
    return ticks


def _number(number: float | None) -> str:
    """A number as a French reader writes it: decimal comma, as published (already rounded)."""
    return "" if number is None else repr(float(number)).replace(".", ",")


def _tick(number: float) -> str:
    """An axis tick: whole numbers without decimals."""
    return str(int(number)) if number == int(number) else _number(number)
