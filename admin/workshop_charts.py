"""The workshop pack's charts: inline SVG drawn from the pack's (already masked) rows.

A masked figure is drawn as the word « masqué », never as a bar; under each chart, one plain
sentence says what it shows and what would be worrying. Names are written left of the plot, values
right of it, so no line of the plot crosses a text.
"""

import math
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from admin.report_text import LOWER_IS_BETTER
from admin.workshop_items import french_number
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel

# As the score report's charts: the width of an A4 page's text, so 12 px texts print at 9 pt.
WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT, FONT_SIZE = 680, 230, 60, 18, 12
CHARACTER_WIDTH = 0.62  # a character's width as a share of the font size (DejaVu Sans, generous)
LINE_HEIGHT, LABEL_LINES = 14, 3  # a name's next line, below the one before, and how many (``label_lines``)
FUNNEL_STAGES = ("completed", "in_progress", "notice_pending", "declined", "stopped", "erased_by_retention")
STAGE_COLOURS = ("#2a7", "#7bd", "#ccc", "#e96", "#c44", "#888")
STAGE_WORDS = ("terminé", "en cours", "notice sans réponse", "refus", "arrêté", "effacé (conservation)")
MASKED_COLOUR, MASKED_WORDS = "#f4f4f4", "étapes masquées (trop peu de jeunes)"
NOTHING_PUBLISHED = (
    "Aucune évolution de ce groupe n’est publiable : trop peu de jeunes ont répondu aux deux vagues, "
    "ou l’évolution est masquée pour protéger un autre groupe (voir la règle de masquage)."
)
NO_PAIRS = "Aucun jeune de ce groupe n’a encore répondu aux deux vagues : pas d’évolution à montrer."


def _figure(svg: str, sentence: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(sentence)}</figcaption></figure>"


def _svg(height: int, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-size="{FONT_SIZE}" font-family="DejaVu Sans, Arial, sans-serif">'
        f"{''.join(parts)}</svg>"
    )


def label_lines(text: str) -> list[str]:
    """A name as the chart writes it left of the plot: cut at spaces onto up to three lines, the
    last shortened with « … » if the name still does not fit, before its last words in
    parentheses (« (baisse = mieux) », « (T0, v1) »), which are kept whole. The annex has every
    title whole."""
    fits = int((LABEL_WIDTH - 8) / (FONT_SIZE * CHARACTER_WIDTH))
    lines: list[str] = []
    rest = text
    while len(rest) > fits and len(lines) < LABEL_LINES - 1:
        cut = rest.rfind(" ", 0, fits + 1)
        lines.append(rest[:cut] if cut > 0 else rest[:fits])
        rest = rest[cut + 1 :] if cut > 0 else rest[fits:]
    if len(rest) > fits:
        opening = rest.rfind(" (") if rest.endswith(")") else -1
        kept = rest[opening:] if opening > 0 and len(rest) - opening < fits - 8 else ""
        rest = rest[: fits - 1 - len(kept)].rstrip() + "…" + kept
    return [*lines, rest]


def _label(y: float, text: str) -> str:
    """A name written left of the plot, its first line level with the bar, the second below."""
    lines = label_lines(text)
    spans = "".join(
        f'<tspan x="{LABEL_WIDTH - 6}" dy="{0 if index == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end">{spans}</text>'


def _bars(
    rows: Sequence[tuple[str, float | None, float | None, float | None]],
    low: float,
    high: float,
    reference: float | None = None,
) -> str:
    """A horizontal bar per row (value, with its interval as a whisker), « masqué » where None.

    Names are written left of the plot and values right of it, never inside, so that no line of
    the plot crosses a text; the classes are those the browser tests read (``bar``, ``interval``,
    ``grid-line``, ``axis``).
    """
    plot_right = WIDTH - VALUE_WIDTH

    def x(value: float) -> float:
        return LABEL_WIDTH + (plot_right - LABEL_WIDTH) * (min(max(value, low), high) - low) / (high - low)

    top = 20  # the axis' two end values are written above the plot, out of the grid lines' way
    # Each row's top: a name on two lines makes its row a line taller.
    tops = [top + 4]
    for name, *_ in rows:
        tops.append(tops[-1] + ROW_HEIGHT + LINE_HEIGHT * (len(label_lines(name)) - 1))
    height = tops.pop()
    parts = [
        f'<rect class="axis" x="{LABEL_WIDTH}" y="{top}" width="{plot_right - LABEL_WIDTH}" '
        f'height="{height - top}" fill="none"/>'
    ]
    for end in (low, high):
        parts.append(
            f'<line class="grid-line" x1="{x(end):.1f}" x2="{x(end):.1f}" y1="{top}" y2="{height}" '
            'stroke="#bbb"/>'
        )
        parts.append(f'<text x="{x(end):.1f}" y="{top - 6}" text-anchor="middle">{_number(end)}</text>')
    for line, colour in ((reference, "#c44"), (0.0 if low < 0 < high else None, "#444")):
        if line is not None:
            # Its value above it, as the ends have theirs: « 0 », the red line's « 0,6 ».
            parts.append(f'<text x="{x(line):.1f}" y="{top - 6}" text-anchor="middle">{_number(line)}</text>')
            parts.append(
                f'<line class="grid-line" x1="{x(line):.1f}" x2="{x(line):.1f}" y1="{top}" y2="{height}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
            )
    # Every value with as many decimals as the most precise one needs: « 4,0 » beside « 3,1 », as
    # the tables write a column (a reviewer read « 4 » beside « 3,1 »).
    digits = max((_decimals(value) for _, value, *_ in rows if value is not None), default=0)
    for index, (name, value, interval_low, interval_high) in enumerate(rows):
        y = tops[index]
        parts.append(_label(y, name))
        if value is None:
            parts.append(f'<text class="masked" x="{plot_right + 8}" y="{y + 12}" fill="#666">masqué</text>')
            continue
        start, end = sorted((x(max(low, min(0.0, high))), x(value)))
        parts.append(
            f'<rect class="bar" x="{start:.1f}" y="{y + 3}" width="{max(end - start, 2):.1f}" height="10" '
            'fill="#5a8ac6"/>'
        )
        if interval_low is not None and interval_high is not None:
            left, right, middle = x(interval_low), x(interval_high), y + 8
            parts.append(
                f'<path class="interval" d="M{left:.1f} {middle}H{right:.1f}'
                f'M{left:.1f} {middle - 3}V{middle + 3}M{right:.1f} {middle - 3}V{middle + 3}" '
                'stroke="#222" stroke-width="1.5" fill="none"/>'
            )
        parts.append(f'<text x="{plot_right + 8}" y="{y + 12}">{_fixed(value, digits)}</text>')
    return _svg(height, parts)


def _fixed(value: float, digits: int) -> str:
    """A value with ``digits`` decimals, in French (« −0,0 » reads « 0,0 »)."""
    text = f"{value:.{digits}f}"
    return french_number(text.lstrip("-") if float(text) == 0 else text)


def _decimals(value: float) -> int:
    """How many decimals a value needs, up to two (as ``_number`` rounds)."""
    text = f"{round(value, 2):.2f}".rstrip("0")
    return len(text.partition(".")[2])


def _number(value: float) -> str:
    """A value as a chart writes it: French decimals and minus sign, a whole number without
    decimals (« 40 », « 0 »)."""
    rounded = round(value, 2) + 0  # -0.0 reads "0"
    return french_number(int(rounded) if rounded == int(rounded) else rounded)


def funnel_chart(rows: list[dict[str, Any]]) -> str:
    shown = [row for row in rows if row["opened"]]
    if not shown:
        return ""
    parts = []
    span = WIDTH - LABEL_WIDTH - 20
    masked_stages = False
    for index, row in enumerate(shown):
        y = 4 + index * 22
        parts.append(_label(y, f"{row['wave']} : {french_number(row['opened'])} ouverts"))
        if row["suppressed"]:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 11}" fill="#666">masqué</text>')
            continue
        start = float(LABEL_WIDTH)
        for stage, colour in zip(FUNNEL_STAGES, STAGE_COLOURS, strict=True):
            width = span * (row[stage] or 0) / row["opened"]
            if width > 0:
                parts.append(
                    f'<rect class="bar" x="{start:.1f}" y="{y}" width="{width:.1f}" height="16" '
                    f'fill="{colour}"/>'
                )
            start += width
        # The stages withheld (fewer than 3 youth, or what would give one back) add up to the rest:
        # drawn as such, never left out (an all-green bar would say nobody refused or stopped).
        width = float(LABEL_WIDTH) + span - start
        if width > 0.5:
            masked_stages = True
            parts.append(
                f'<rect class="bar" x="{start:.1f}" y="{y}" width="{width:.1f}" height="16" '
                f'fill="{MASKED_COLOUR}" stroke="#777" stroke-dasharray="3,2"/>'
            )
    legend_y, x = 8 + len(shown) * 22, 10.0
    legend = zip(STAGE_WORDS, STAGE_COLOURS, strict=True)
    for word, colour in [*legend, *([(MASKED_WORDS, MASKED_COLOUR)] if masked_stages else [])]:
        if x + 20 + FONT_SIZE * CHARACTER_WIDTH * len(word) > WIDTH:  # the next line of the legend
            legend_y, x = legend_y + 18, 10.0
        parts.append(f'<rect x="{x:.0f}" y="{legend_y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14:.0f}" y="{legend_y + 10}">{escape(word)}</text>')
        x += 26 + FONT_SIZE * CHARACTER_WIDTH * len(word)
    return _figure(
        _svg(legend_y + 16, parts),
        f"{shown[0]['group_name']} : ce que sont devenus les jeunes qui ont ouvert le questionnaire, "
        "vague par vague. Inquiétant : une grande part grise (notice restée sans réponse), orange "
        "(refus) ou rouge (arrêts)"
        + (
            " ; une part en pointillés regroupe les étapes masquées, qui peuvent en être."
            if masked_stages
            else "."
        ),
    )


def skip_chart(items: list[dict[str, Any]]) -> str:
    """The skip rates of the latest version's questions (those the workshop adjusts next), at the
    wave where most of its questions were asked; every version and wave is in the XLSX and the JSON."""
    if not items:
        return ""
    latest = max((item["referentiel_version"] for item in items), key=version_number)
    asked: Counter[str] = Counter()
    for item in items:
        if item["referentiel_version"] == latest:
            asked[item["wave"]] += item["shown"] or 0
    wave = max(asked, key=lambda wave: (asked[wave], wave == "T0"))
    rows = [
        (item["question"], item["skip_rate"], None, None)
        for item in items
        if (item["referentiel_version"], item["wave"]) == (latest, wave)
    ]
    which = f"{wave}, {latest}" if several_versions(items) else wave
    return _figure(
        _bars(rows, 0, 100, reference=30),
        f"Part des jeunes qui ont préféré ne pas répondre, question par question ({which}). "
        "Inquiétant : une barre qui dépasse la ligne rouge des 30 %.",
    )


def version_number(label: str) -> int:
    """The version of a label ``référentiel/version``."""
    return int(label.rpartition("/")[2])


def several_versions(rows: list[dict[str, Any]]) -> bool:
    return len({row["referentiel_version"] for row in rows}) > 1


def _referentiel_of(row: dict[str, Any]) -> Referentiel:
    identifier, _, version = row["referentiel_version"].rpartition("/")
    return find_referentiel(identifier, int(version))


def indicator_title(row: dict[str, Any], indicator_id: str) -> str:
    """An indicator's title in the référentiel's language, of the version ``row`` is of."""
    referentiel = _referentiel_of(row)
    return referentiel.indicator(indicator_id).title[referentiel.default_language]


def _named(row: dict[str, Any], several_versions: bool, wave: bool = False) -> str:
    """A chart line's name: the indicator's title (what the workshop reads; the tables add its
    code), with its wave and, where the pack holds several versions of the référentiel, its
    version."""
    title = indicator_title(row, row["indicator"])
    details = [row["wave"]] if wave else []
    if several_versions:
        details.append(f"v{version_number(row['referentiel_version'])}")
    return f"{title} ({', '.join(details)})" if details else title


def alpha_chart(reliability: list[dict[str, Any]]) -> str:
    if not reliability:
        return ""
    several = several_versions(reliability)
    rows = [
        (_named(row, several, wave=True), row["alpha"], row["alpha_ci_low"], row["alpha_ci_high"])
        for row in reliability
    ]
    below = [value for row in rows for value in row[1:] if value is not None and value < 0]
    return _figure(
        _bars(rows, -1, 1, reference=0.6),
        "L’alpha de Cronbach de chaque score, avec son intervalle à 95 %. Inquiétant : un alpha à gauche de "
        "la ligne rouge (0,6) — les questions du score ne mesurent pas la même chose."
        + (
            # An α below 0, or an interval down to the chart's edge, is not a drawing error.
            " Sous 0, les réponses aux questions du score vont en sens contraire : une question à "
            "retourner, des questions sans lien entre elles dans ce groupe, ou trop peu de jeunes ; "
            "un intervalle qui touche le bord gauche descend plus bas."
            if below
            else ""
        ),
    )


def _lower_is_better(row: dict[str, Any]) -> bool:
    return _referentiel_of(row).indicator(row["indicator"]).better == "lower"


def change_chart(change: list[dict[str, Any]], group: dict[str, Any]) -> str:
    several = several_versions(change)
    rows = [
        (
            _named(row, several) + (LOWER_IS_BETTER if _lower_is_better(row) else ""),
            row["value"],
            row["ci_low"],
            row["ci_high"],
        )
        for row in change
        if (row["level"], row["group_id"]) == (group["level"], group["id"]) and row["n"]
    ]
    if not rows:
        return f"<p>{escape(NO_PAIRS)}</p>"
    if all(row[1] is None for row in rows):
        return f"<p>{escape(NOTHING_PUBLISHED)}</p>"
    # A round reach (« -40 … 40 », not « -35,3 … 35,3 »), at least 10.
    reach = 10.0 * math.ceil(
        max([10.0, *(abs(value) for row in rows for value in row[1:] if value is not None)]) / 10
    )
    return _figure(
        _bars(rows, -reach, reach),
        f"{group['name']} : évolution moyenne T0 → T1 des mêmes jeunes, avec son intervalle à 95 % "
        "(en points de % pour un "
        "pourcentage, en points sur 100 pour un score). Inquiétant : une barre du côté « moins bien » dont "
        "l’intervalle ne touche pas le trait vertical — à gauche, ou à droite pour un indicateur marqué "
        f"« {LOWER_IS_BETTER.strip()} » (la part des jeunes sans école ni formation, par exemple).",
    )
