"""A distribution indicator in the HTML report: one stacked bar per group and wave, never a change.

A perceived change ("since you arrived, do you feel safer?") is already a change: the report
shows the share of each answer at each wave, side by side in one bar, and never pairs T0 with
T1. Each share is written in its segment when it fits, and always in the tooltips (the
segment's, and the line's, which lists every share, 0 % included); the legend above the chart
names the options, from the least to the most favourable.
"""

from collections.abc import Callable, Sequence
from html import escape

from admin.report_charts import (
    AXIS_HEIGHT,
    LINE_HEIGHT,
    PLOT_LEFT,
    ChartLine,
    chart_opening,
    label_lines,
    label_texts,
    line_tops,
    number_text,
    text_width,
)
from admin.report_text import count_text, masked_text
from admin.score_table import ScoreRow

PLOT_RIGHT = 572
# Taller than a level's bar: a share is written inside its segment.
SEGMENT_HEIGHT = 14
TEXT_LEFT = PLOT_RIGHT + 8
# From the least to the most favourable answer; a scale of n options takes n of them, evenly.
DIVERGING = ("#922b21", "#cd6155", "#f5b7b1", "#d5d8dc", "#a9dfbf", "#52be80", "#1e8449")
LIGHT_TEXT_ON = frozenset({"#922b21", "#cd6155", "#1e8449"})


def option_colours(count: int) -> list[str]:
    """Colours of ``count`` options, ends strong and the middle grey."""
    if count <= 1:
        return [DIVERGING[3]] * count
    last = len(DIVERGING) - 1
    return [DIVERGING[round(index * last / (count - 1))] for index in range(count)]


def legend(options: Sequence[str], withheld: bool = False) -> str:
    """The options with their colours, above the chart (HTML, so it wraps on a narrow screen); with
    ``withheld``, the dashed box of the options withheld together, on paper too (not a tooltip)."""
    items = "".join(
        f'<span class="key"><span class="swatch" style="background:{colour}"></span>{escape(option)}</span> '
        for option, colour in zip(options, option_colours(len(options)), strict=True)
    )
    if withheld:
        items += (
            '<span class="key"><span class="swatch withheld"></span>'
            "réponses masquées ensemble (trop peu de jeunes), à leur place quand elles se suivent</span>"
        )
    return f'<p class="legend">{items}</p>\n'


def partly_withheld(shares: Sequence[Sequence[ScoreRow]]) -> bool:
    """Whether a line of these stacked bars draws some options and withholds others."""
    return any(
        not all(masked) and any(masked) for masked in ([row.value is None for row in rows] for rows in shares)
    )


def distribution_chart(
    lines: Sequence[ChartLine], shares: Sequence[Sequence[ScoreRow]], options: Sequence[str], title: str
) -> str:
    """One line per group and wave: its shares stacked from 0 to 100 %, or why they are masked."""
    plot_width = PLOT_RIGHT - PLOT_LEFT
    tops, height = line_tops(lines)
    parts = chart_opening(title, height, plot_width)
    for tick, x in ((0, PLOT_LEFT), (100, PLOT_RIGHT)):
        parts.append(
            f'<line class="grid-line" x1="{x}" x2="{x}" y1="{AXIS_HEIGHT}" y2="{height - 2}" '
            f'stroke="#d5d8dc" stroke-width="1"/>'
            f'<text x="{x}" y="{AXIS_HEIGHT - 6}" text-anchor="middle">{tick}{" %" if tick else ""}</text>'
        )
    colours = option_colours(len(options))
    for line, rows, top, label in zip(lines, shares, tops, label_lines(lines), strict=True):
        baseline = top + LINE_HEIGHT / 2 + 4
        parts.extend(label_texts(line, label, baseline))
        if all(row.value is None for row in rows):
            parts.append(
                f'<text class="masked" x="{PLOT_LEFT + 4}" y="{baseline}">{escape(line.text)}</text>'
            )
            continue
        # Every share in the line's tooltip, those too narrow to be written (or 0 %) included.
        every_share = " ; ".join(
            f"{option} {share_text(row)}" for option, row in zip(options, rows, strict=True)
        )
        parts.append(f"<g><title>{escape(f'{line.label}, {line.tag} : {every_share}')}</title>")
        parts.extend(_segments(rows, options, colours, top, lambda share: share / 100 * plot_width))
        parts.append("</g>")
        parts.append(f'<text x="{TEXT_LEFT}" y="{baseline}">{escape(line.text)}</text>')
    parts.append("</svg>\n")
    return "".join(parts)


def _segments(
    rows: Sequence[ScoreRow],
    options: Sequence[str],
    colours: Sequence[str],
    top: float,
    width_of: Callable[[float], float],
) -> list[str]:
    """The stacked shares of one line; published shares are rounded, so the last stops at 100 %.

    The withheld options are one dashed box, what the published ones leave (a reader gets it
    anyway): in their place where they follow each other (« beaucoup moins bien » at the left),
    else after the published ones; the legend names the box, and the tooltip its options.
    """
    parts = []
    left = float(PLOT_LEFT)
    bar_top = top + (LINE_HEIGHT - SEGMENT_HEIGHT) / 2
    positions = [index for index, row in enumerate(rows) if row.value is None]
    together = bool(positions) and positions[-1] - positions[0] + 1 == len(positions)
    published = sum(round(width_of(row.value), 1) for row in rows if row.value is not None)
    box = round(max(0.0, PLOT_RIGHT - PLOT_LEFT - published), 1)
    withheld = [options[index] for index in positions]
    for index, (row, option, colour) in enumerate(zip(rows, options, colours, strict=True)):
        if row.value is None:
            if together and index == positions[0] and box > 0:
                parts.append(_withheld_box(left, bar_top, box, withheld))
                left += box
            continue
        width = round(min(width_of(row.value), PLOT_RIGHT - left), 1)
        interval = "" if row.ci_low is None else f" [{number_text(row.ci_low)} ; {number_text(row.ci_high)}]"
        tooltip = f"{option} : {number_text(row.value)} %{interval}"
        if width > 0:
            parts.append(
                f'<rect class="bar" x="{round(left, 1)}" y="{bar_top}" width="{width}" '
                f'height="{SEGMENT_HEIGHT}" fill="{colour}"><title>{escape(tooltip)}</title></rect>'
            )
        written = str(round(row.value))
        if text_width(written) + 4 <= width:
            fill = "#ffffff" if colour in LIGHT_TEXT_ON else "#1c2833"
            parts.append(
                f'<text class="share" x="{round(left + width / 2, 1)}" y="{top + LINE_HEIGHT / 2 + 4}" '
                f'text-anchor="middle" style="fill:{fill}">{written}</text>'
            )
        left += width
    if withheld and not together and PLOT_RIGHT - left > 0:
        parts.append(_withheld_box(left, bar_top, round(PLOT_RIGHT - left, 1), withheld))
    return parts


def _withheld_box(left: float, top: float, width: float, withheld: Sequence[str]) -> str:
    tooltip = f"{', '.join(withheld)} : ensemble, pas de chiffre par réponse (trop peu de jeunes)"
    return (
        f'<rect class="bar withheld" x="{round(left, 1)}" y="{top}" width="{width}" '
        f'height="{SEGMENT_HEIGHT}" fill="#eaeded" stroke="#808b96" stroke-dasharray="3 2">'
        f"<title>{escape(tooltip)}</title></rect>"
    )


def share_text(row: ScoreRow) -> str:
    """A share as written in a tooltip: "52,0 %", its band, or "masqué"."""
    if row.value is not None:
        return f"{number_text(row.value)} %"
    return row.band or "masqué"


def distribution_line_text(rows: Sequence[ScoreRow]) -> str:
    """What is written right of a stacked bar (its n), or instead of it (why it is masked). A
    withheld option of a question asked after some answers shows no n: a published one does."""
    n = next((row.n for row in rows if row.value is not None), None)
    if n is None:
        return masked_text(rows[0])
    return f"n = {count_text(n)}"
