"""The workshop pack as one self-contained HTML page: tables and inline SVG charts, printable on A4.

No script, no network, no external file: styles are inline and every chart is an SVG drawn here
from the pack's (already masked) rows, a masked figure drawn as the word « masqué », never as a
bar. Under each chart, one plain sentence says what it shows and what would be worrying.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC
from html import escape
from typing import IO, Any

from admin.export_readme import versions_note
from admin.report_text import local_time
from admin.table_words import breakable
from admin.workshop_annex import annex
from admin.workshop_formats import FRENCH, PART_TEXTS, PART_TITLES, PackHeader, pack_document, sheet_rows
from admin.workshop_pack import WorkshopPack
from referentiel.loading import find_referentiel

STYLE = """
@page { size: A4; margin: 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #222;
       max-width: 180mm; margin: auto; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 2px; text-align: left; vertical-align: top; }
tr { break-inside: avoid; }
th { background: #eee; } td.number { text-align: right; }
figure { margin: 0.8em 0; break-inside: avoid; } figcaption { font-style: italic; margin-top: 0.3em; }
svg { max-width: 100%; height: auto; } .flag { color: #a40; }
"""
# As the score report's charts: the width of an A4 page's text, so 12 px texts print at 9 pt.
WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW_HEIGHT, FONT_SIZE = 680, 230, 60, 18, 12
CHARACTER_WIDTH = 0.62  # a character's width as a share of the font size (DejaVu Sans, generous)
FUNNEL_STAGES = ("completed", "in_progress", "notice_pending", "declined", "stopped", "erased_by_retention")
STAGE_COLOURS = ("#2a7", "#7bd", "#ccc", "#e96", "#c44", "#888")
STAGE_WORDS = ("terminé", "en cours", "notice sans réponse", "refus", "arrêté", "effacé (conservation)")
MASKED_COLOUR, MASKED_WORDS = "#f4f4f4", "étapes masquées (trop peu de jeunes)"
STRONG_CORRELATION = 0.7
REASON_WORDS = {
    "small_group": "trop peu de jeunes",
    "secondary": "masquage secondaire",
    "few_on_one_side": "trop peu de jeunes d’un côté",
    "no_variance": "sans variation",
}
UNIT_WORDS = {
    "percentage_points": "points\u00a0de\u00a0%",
    "points": "points (sur 100)",
    "count": "nombre",
    "percent": "%",
    "score_0_100": "sur 100",
}
NOTHING_PUBLISHED = (
    "Aucune évolution de ce groupe n’est publiable : trop peu de jeunes ont répondu aux deux vagues, "
    "ou l’évolution est masquée pour protéger un autre groupe (voir la règle de masquage)."
)
NO_PAIRS = "Aucun jeune de ce groupe n’a encore répondu aux deux vagues : pas d’évolution à montrer."
# After the name of an indicator whose fall is progress (``better: lower``), in the change's chart.
LOWER_IS_BETTER = " (baisse = mieux)"
# Columns of identifiers (the XLSX's and JSON's spelling): never hyphenated.
IDENTIFIER_COLUMNS = frozenset({"question", "indicator", "other_indicator"})
TABLE_COLUMNS = {
    "participation": ("group_name", "wave", "invited", "opened", "consented", "completed", "stopped",
                      "completion_rate", "median_minutes_to_complete", "reminders_sent",
                      "answered_after_reminder", "reason"),
    "items": ("wave", "question", "shown", "skip_rate", "drop_off_rate", "floor_share", "ceiling_share",
              "median_seconds", "flags"),
    "reliability": ("wave", "indicator", "question", "n", "alpha", "alpha_ci_low", "alpha_ci_high",
                    "item_rest_correlation", "alpha_if_dropped", "flags"),
    "correlations": ("wave", "indicator", "other_indicator", "n", "r"),
    "breakdowns": ("wave", "indicator", "option_label", "n", "value", "band", "ci_low", "ci_high", "reason"),
    "change": ("group_name", "indicator", "n", "value", "band", "ci_low", "ci_high", "unit", "reason"),
}  # fmt: skip


def write_pack_html(pack: WorkshopPack, header: PackHeader, stream: IO[bytes]) -> None:
    """Write the pack as one HTML page."""
    stream.write(pack_html(pack, header).encode("utf-8"))


def pack_html(pack: WorkshopPack, header: PackHeader) -> str:
    """The page: what it is, the rule, then each part with its chart, sentence and table."""
    document = pack_document(pack, header)
    group = document["group"]
    here = [
        row
        for row in document["participation"]
        if (row["level"], row["group_id"]) == (group["level"], group["id"])
    ]
    sections = [
        f"<h1>Dossier de l’atelier collectif — {escape(group['name'])}</h1>",
        f"<p>Généré le {escape(local_time(header.generated_at, UTC))} ; "
        f"référentiel {escape(', '.join(document['referentiels']))} ; "
        f"groupes de moins de {document['minimum_group_size']} jeunes masqués.</p>",
        f"<p>{escape(document['suppression_rule'])}</p>",
        *(f"<p>{escape(note)}</p>" for note in [versions_note(document["referentiels"])] if note),
        _section("participation", document, _funnel_chart(here), FRENCH),
        # The change before the details: what the workshop reads first, on the first pages.
        _section("change", document, _change_chart(document["change"], group), FRENCH),
        _section("items", document, _skip_chart(document["items"]), FRENCH),
        _section("reliability", document, _alpha_chart(document["reliability"]), FRENCH),
        _section("correlations", document, "", FRENCH),
        _section("breakdowns", document, "", FRENCH),
        annex(document["referentiels"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>Dossier de l’atelier — {escape(group['name'])}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )


def _section(part: str, document: dict[str, Any], chart: str, french: dict[str, str]) -> str:
    rows = sheet_rows(document, part)
    note = ""
    if part == "items":
        rows = [row for row in rows if row.get("flags")]
        note = "Le tableau ne reprend que les questions signalées ; toutes sont dans le XLSX et le JSON."
    elif part == "participation":
        rows = [row for row in rows if row["invited"] or row["opened"]]
    elif part == "change":
        rows = [row for row in rows if row["n"]]  # an indicator no youth answered twice says nothing
    elif part == "breakdowns":
        rows = [row for row in rows if row["reason"] is None or row["band"]]
        note = "Le tableau ne reprend que les cellules publiées ; les masquées sont dans le XLSX et le JSON."
    elif part == "correlations":
        rows = [row for row in rows if row["r"] is not None and abs(row["r"]) >= STRONG_CORRELATION]
        note = (
            "Le tableau ne reprend que les paires très liées (|r| ≥ "
            f"{str(STRONG_CORRELATION).replace('.', ',')}) : deux indicateurs qui disent peut-être "
            "la même chose. Toutes sont dans le XLSX et le JSON."
        )
    columns = TABLE_COLUMNS[part]
    if len(document["referentiels"]) > 1 and rows and "referentiel_version" in rows[0]:
        # Which version a row is of, after its wave.
        position = columns.index("wave") + 1 if "wave" in columns else 1
        columns = (*columns[:position], "referentiel_version", *columns[position:])
    headings = french | {"referentiel_version": "Version"}  # its cells say "v2"
    head = "".join(f"<th>{breakable(headings.get(column, column))}</th>" for column in columns)
    body = "".join(
        "<tr>"
        + "".join(_table_cell(_shown_value(row, column), column in IDENTIFIER_COLUMNS) for column in columns)
        + "</tr>"
        for row in rows
    )
    # A header row repeated on every printed page (Chromium repeats a thead).
    table = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        if rows
        else "<p>Rien à signaler.</p>"
    )
    note = f"<p>{escape(note)}</p>" if note else ""
    return f"<h2>{escape(PART_TITLES[part])}</h2><p>{escape(PART_TEXTS[part])}</p>{chart}{note}{table}"


def _shown_value(row: dict[str, Any], column: str) -> object:
    """A cell as the page shows it: masking reasons and units in words, a withheld figure's band
    (a band, "> 80 %", on one line)."""
    value = row.get(column)
    if value is None:
        value = (row.get("bands") or {}).get(column)
        column = "band"
    if column == "band" and isinstance(value, str):
        return value.replace(" ", "\u00a0")
    if column == "referentiel_version" and isinstance(value, str):
        return f"v{_version_number(value)}"
    words = {"reason": REASON_WORDS, "unit": UNIT_WORDS}.get(column)
    return words.get(value, value) if words is not None and isinstance(value, str) else value


def _table_cell(value: object, identifier: bool = False) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'oui' if value else 'non'}</td>"
    if isinstance(value, int | float):
        value = value + 0  # -0.0 reads "0,0", not "-0,0"
        return f'<td class="number">{str(value).replace(".", ",")}</td>'
    return f"<td>{breakable(str(value), identifier)}</td>"


def _figure(svg: str, sentence: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(sentence)}</figcaption></figure>"


def _svg(height: int, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-size="{FONT_SIZE}" font-family="DejaVu Sans, Arial, sans-serif">'
        f"{''.join(parts)}</svg>"
    )


def _label(y: float, text: str) -> str:
    fits = int((LABEL_WIDTH - 8) / (FONT_SIZE * CHARACTER_WIDTH))
    shown = text if len(text) <= fits else text[: fits - 1] + "…"
    return f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end">{escape(shown)}</text>'


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
    height = top + 4 + len(rows) * ROW_HEIGHT
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
            parts.append(
                f'<line class="grid-line" x1="{x(line):.1f}" x2="{x(line):.1f}" y1="{top}" y2="{height}" '
                f'stroke="{colour}" stroke-dasharray="4 3"/>'
            )
    for index, (name, value, interval_low, interval_high) in enumerate(rows):
        y = top + 4 + index * ROW_HEIGHT
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
        parts.append(f'<text x="{plot_right + 8}" y="{y + 12}">{_number(value)}</text>')
    return _svg(height, parts)


def _number(value: float) -> str:
    return str(round(value, 2)).replace(".", ",")


def _funnel_chart(rows: list[dict[str, Any]]) -> str:
    shown = [row for row in rows if row["opened"]]
    if not shown:
        return ""
    parts = []
    span = WIDTH - LABEL_WIDTH - 20
    masked_stages = False
    for index, row in enumerate(shown):
        y = 4 + index * 22
        parts.append(_label(y, f"{row['wave']} : {row['opened']} ouverts"))
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
        "Ce que sont devenus les jeunes qui ont ouvert le questionnaire, vague par vague. Inquiétant : une "
        "grande part grise (notice restée sans réponse), orange (refus) ou rouge (arrêts)"
        + (
            " ; une part en pointillés regroupe les étapes masquées, qui peuvent en être."
            if masked_stages
            else "."
        ),
    )


def _skip_chart(items: list[dict[str, Any]]) -> str:
    """The skip rates of the latest version's questions (those the workshop adjusts next), at the
    wave where most of its questions were asked; every version and wave is in the XLSX and the JSON."""
    if not items:
        return ""
    latest = max((item["referentiel_version"] for item in items), key=_version_number)
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
    which = f"{wave}, {latest}" if _several_versions(items) else wave
    return _figure(
        _bars(rows, 0, 100, reference=30),
        f"Part des jeunes qui ont préféré ne pas répondre, question par question ({which}). "
        "Inquiétant : une barre qui dépasse la ligne rouge des 30 %.",
    )


def _version_number(label: str) -> int:
    """The version of a label ``référentiel/version``."""
    return int(label.rpartition("/")[2])


def _several_versions(rows: list[dict[str, Any]]) -> bool:
    return len({row["referentiel_version"] for row in rows}) > 1


def _named(row: dict[str, Any], several_versions: bool, wave: bool = False) -> str:
    """A chart line's name: the indicator, with its wave and, where the pack holds several
    versions of the référentiel, its version."""
    details = [row["wave"]] if wave else []
    if several_versions:
        details.append(f"v{_version_number(row['referentiel_version'])}")
    return f"{row['indicator']} ({', '.join(details)})" if details else row["indicator"]


def _alpha_chart(reliability: list[dict[str, Any]]) -> str:
    if not reliability:
        return ""
    several = _several_versions(reliability)
    rows = [
        (_named(row, several, wave=True), row["alpha"], row["alpha_ci_low"], row["alpha_ci_high"])
        for row in reliability
    ]
    return _figure(
        _bars(rows, -1, 1, reference=0.6),
        "L’alpha de Cronbach de chaque score, avec son intervalle à 95 %. Inquiétant : un alpha à gauche de "
        "la ligne rouge (0,6) — les questions du score ne mesurent pas la même chose.",
    )


def _lower_is_better(row: dict[str, Any]) -> bool:
    identifier, _, version = row["referentiel_version"].rpartition("/")
    return find_referentiel(identifier, int(version)).indicator(row["indicator"]).better == "lower"


def _change_chart(change: list[dict[str, Any]], group: dict[str, Any]) -> str:
    several = _several_versions(change)
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
    reach = max([10.0, *(abs(value) for row in rows for value in row[1:] if value is not None)])
    return _figure(
        _bars(rows, -reach, reach),
        "Évolution moyenne T0 → T1 des mêmes jeunes, avec son intervalle à 95 % (en points de % pour un "
        "pourcentage, en points sur 100 pour un score). Inquiétant : une barre du côté « moins bien » dont "
        "l’intervalle ne touche pas le trait vertical — à gauche, ou à droite pour un indicateur marqué "
        f"« {LOWER_IS_BETTER.strip()} » (la part des jeunes sans école ni formation, par exemple).",
    )
