"""The inline SVG charts of the HTML report: horizontal bars with their 95 % interval, sized for A4.

A chart is drawn at the width of an A4 page's text (``CHART_WIDTH`` CSS pixels, 180 mm), so
it prints at its own size: its 12 px texts stay 9 pt on paper. Texts live in columns left and
right of the plot, never inside it, so no grid line crosses a text; the axis is rounded out to
whole ticks that hold every value and interval, so no interval is cut by it.

Elements carry the classes the browser tests read (``tests/support/browser.py``): ``grid-line``
for grid lines, ``bar`` for bars, ``interval`` for whiskers, ``axis`` for the plot's extent.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from admin.score_table import ScoreRow

CHART_WIDTH = 680
FONT_SIZE = 12
NAME_RIGHT = 156
TAG_LEFT = 162
PLOT_LEFT = 196
LINE_HEIGHT = 16
GROUP_GAP = 5
AXIS_HEIGHT = 20
BAR_HEIGHT = 10
MINIMUM_INTERVAL_WIDTH = 3.0
MINIMUM_BAR_WIDTH = 2.0
HUNDRED_UNITS = frozenset({"percent", "score_0_100", "percent_improved"})
# Width of a character as a share of the font size, generous for wide fonts (DejaVu Sans).
CHARACTER_WIDTH = 0.62
BOLD_CHARACTER_WIDTH = 0.68


@dataclass(frozen=True)
class ChartLine:
    """One line of a chart: who (written on the group's first line only), which wave, what is written."""

    label: str
    strong: bool
    tag: str
    row: ScoreRow
    text: str
    colour: str
    first_of_group: bool


@dataclass(frozen=True)
class Layout:
    """Where the plot ends and the written values begin: values need more room on some charts."""

    plot_right: int

    @property
    def text_left(self) -> int:
        """Where the values are written."""
        return self.plot_right + 8


LEVELS_LAYOUT = Layout(plot_right=452)
CHANGE_LAYOUT = Layout(plot_right=416)


@dataclass(frozen=True)
class Scale:
    """The axis: from ``low`` to ``high``, both ticks, with a tick every ``step``."""

    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        """The ticks, ends included."""
        count = round((self.high - self.low) / self.step)
        return [round(self.low + index * self.step, 10) for index in range(count + 1)]


def chart(lines: Sequence[ChartLine], scale: Scale, layout: Layout, title: str) -> str:
    """One chart: an axis with its ticks on top, then one bar (or a written reason) per line."""
    plot_width = layout.plot_right - PLOT_LEFT

    def x(number: float) -> float:
        return round(PLOT_LEFT + (number - scale.low) / (scale.high - scale.low) * plot_width, 1)

    tops, height = line_tops(lines)
    parts = chart_opening(title, height, plot_width)
    for tick in scale.ticks():
        parts.append(
            f'<line class="grid-line" x1="{x(tick)}" x2="{x(tick)}" y1="{AXIS_HEIGHT}" y2="{height - 2}" '
            f'stroke="{"#566573" if tick == 0 else "#d5d8dc"}" stroke-width="1"/>'
            f'<text x="{x(tick)}" y="{AXIS_HEIGHT - 6}" text-anchor="middle">{tick_text(tick)}</text>'
        )
    labels = label_lines(lines)
    for line, top, label in zip(lines, tops, labels, strict=True):
        baseline = top + LINE_HEIGHT / 2 + 4
        parts.extend(label_texts(line, label, baseline))
        if line.row.value is None:
            parts.append(
                f'<text class="masked" x="{layout.text_left}" y="{baseline}">{escape(line.text)}</text>'
            )
            continue
        parts.extend(_bar(line, top, x, scale))
        parts.append(f'<text x="{layout.text_left}" y="{baseline}">{escape(line.text)}</text>')
    parts.append("</svg>\n")
    return "".join(parts)


def line_tops(lines: Sequence[ChartLine]) -> tuple[list[float], float]:
    """Where each line starts, a gap between groups, and the chart's height."""
    tops: list[float] = []
    top = float(AXIS_HEIGHT)
    for index, line in enumerate(lines):
        if line.first_of_group and index:
            top += GROUP_GAP
        tops.append(top)
        top += LINE_HEIGHT
    return tops, top + 4


def chart_opening(title: str, height: float, plot_width: float) -> list[str]:
    """The ``<svg>`` element, its title, and the plot's extent (class ``axis``)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height:g}" '
        f'width="{CHART_WIDTH}" height="{height:g}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="axis" x="{PLOT_LEFT}" y="{AXIS_HEIGHT}" width="{plot_width:g}" '
        f'height="{height - AXIS_HEIGHT - 2:g}" fill="none"/>',
    ]


def label_texts(line: ChartLine, label: str, baseline: float) -> list[str]:
    parts = []
    if label:
        weight = ' font-weight="bold"' if line.strong else ""
        title = f"<title>{escape(line.label)}</title>" if label != line.label else ""
        parts.append(
            f'<text x="{NAME_RIGHT}" y="{baseline}" text-anchor="end"{weight}>{escape(label)}{title}</text>'
        )
    if line.tag:
        parts.append(f'<text class="tag" x="{TAG_LEFT}" y="{baseline}">{escape(line.tag)}</text>')
    return parts


def _bar(line: ChartLine, top: float, x: Callable[[float], float], scale: Scale) -> list[str]:
    """A bar from 0 (or the axis start) to the value, at least 2 px wide so a zero still shows."""
    row = line.row
    assert row.value is not None
    origin = x(0.0 if scale.low <= 0 <= scale.high else scale.low)
    start, end = sorted((origin, x(row.value)))
    if end - start < MINIMUM_BAR_WIDTH:
        # Grown away from the axis's end when the value sits on it, else on both sides of it.
        plot_left, plot_right = x(scale.low), x(scale.high)
        start = min(max((start + end - MINIMUM_BAR_WIDTH) / 2, plot_left), plot_right - MINIMUM_BAR_WIDTH)
        end = start + MINIMUM_BAR_WIDTH
    bar_top = top + (LINE_HEIGHT - BAR_HEIGHT) / 2
    interval = "" if row.ci_low is None else f" [{number_text(row.ci_low)} ; {number_text(row.ci_high)}]"
    parts = [
        f'<rect class="bar" x="{round(start, 1)}" y="{bar_top}" width="{round(end - start, 1)}" '
        f'height="{BAR_HEIGHT}" fill="{line.colour}"><title>{escape(line.text)}{interval}</title></rect>'
    ]
    if row.ci_low is not None and row.ci_high is not None:
        left, right, middle = x(row.ci_low), x(row.ci_high), top + LINE_HEIGHT / 2
        if right - left < MINIMUM_INTERVAL_WIDTH:  # every youth alike: still a visible whisker
            left, right = (
                (left + right - MINIMUM_INTERVAL_WIDTH) / 2,
                (left + right + MINIMUM_INTERVAL_WIDTH) / 2,
            )
        parts.append(
            f'<path class="interval" d="M{left} {middle}H{right}M{left} {middle - 4}V{middle + 4}'
            f'M{right} {middle - 4}V{middle + 4}" stroke="#1c2833" stroke-width="1.5" fill="none"/>'
        )
    return parts


def label_lines(lines: Sequence[ChartLine]) -> list[str]:
    """The label written on each line: a group's name on its first line, wrapped onto its second
    line when it has one, shortened with "…" when it does not fit (the full name is its tooltip)."""
    labels = [""] * len(lines)
    for index, line in enumerate(lines):
        if not line.first_of_group:
            continue
        room = 2 if index + 1 < len(lines) and not lines[index + 1].first_of_group else 1
        wrapped = wrap(line.label, NAME_RIGHT - 4, room, line.strong)
        labels[index : index + len(wrapped)] = wrapped
    return labels


def wrap(text: str, width: float, lines: int, bold: bool = False) -> list[str]:
    """Split a text into at most ``lines`` lines of ``width`` pixels, the last shortened with "…"."""
    words = [piece for word in text.split() for piece in _pieces(word, width, bold)]
    result: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if text_width(candidate, bold) <= width or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], " ".join(result[lines - 1 :])]
    return [*result[:-1], _shorten(result[-1], width, bold)] if result else [""]


def _pieces(word: str, width: float, bold: bool) -> list[str]:
    """A word wider than a line, cut into pieces that fit (a long name without spaces)."""
    pieces = []
    while text_width(word, bold) > width:
        fitting = next(
            (size for size in range(len(word) - 1, 0, -1) if text_width(word[:size], bold) <= width), 1
        )
        pieces.append(word[:fitting])
        word = word[fitting:]
    return [*pieces, word] if word else pieces


def _shorten(text: str, width: float, bold: bool) -> str:
    if text_width(text, bold) <= width:
        return text
    while text and text_width(text + "…", bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def text_width(text: str, bold: bool = False) -> float:
    """An upper estimate of a text's width in pixels at the charts' font size."""
    return len(text) * FONT_SIZE * (BOLD_CHARACTER_WIDTH if bold else CHARACTER_WIDTH)


def levels_scale(rows: Sequence[ScoreRow]) -> Scale:
    """0 to 100 for percentages and scores; otherwise from 0 to what the values and intervals need."""
    if {row.unit for row in rows} <= HUNDRED_UNITS:
        return Scale(0.0, 100.0, 20.0)
    numbers = _numbers(rows)
    return _rounded_out(min([0.0, *numbers]), max([0.0, *numbers]), minimum_span=1.0)


def change_scale(rows: Sequence[ScoreRow]) -> Scale:
    """Symmetric around 0 (a rise and a fall look alike), wide enough for every interval."""
    numbers = _numbers(rows)
    minimum = 0.5 if {row.unit for row in rows} <= {"count"} else 10.0
    bound = max([minimum, *(abs(number) for number in numbers)])
    return _rounded_out(-bound, bound, minimum_span=2 * minimum)


def _numbers(rows: Sequence[ScoreRow]) -> list[float]:
    return [number for row in rows for number in (row.value, row.ci_low, row.ci_high) if number is not None]


def _rounded_out(low: float, high: float, minimum_span: float) -> Scale:
    """About five round steps, with both ends moved out to a tick."""
    span = max(high - low, minimum_span)
    magnitude = 10 ** math.floor(math.log10(span / 5))
    step = next(magnitude * factor for factor in (1, 2, 2.5, 5, 10) if span / (magnitude * factor) <= 6)
    low, high = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step or step
    return Scale(round(low, 10), round(high, 10), step)


def number_text(number: float | None) -> str:
    """A number as a French reader writes it: decimal comma, as published (already rounded)."""
    return "" if number is None else repr(float(number)).replace(".", ",")


def tick_text(number: float) -> str:
    """An axis tick: whole numbers without decimals, a minus sign for negatives."""
    text = str(int(number)) if number == int(number) else number_text(round(number, 6))
    return text.replace("-", "−")
