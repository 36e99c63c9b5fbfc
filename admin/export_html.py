"""The HTML report of a score table: one self-contained page in French that a workshop reads and prints.

It needs no network and no JavaScript: styles are inline, charts are inline SVG
(``admin.report_charts``), words are in ``admin.report_text``. The first page names the scope
and gives each dimension at a glance, with one sentence; then how to read the charts and why
some figures are missing, in plain French; then, per dimension and indicator, its description
and two charts (T0 and T1 per group; the change of the same youth); the exact masking rule is in
an annex. A print stylesheet lays it out on A4, each indicator kept whole on one page.

The writer only draws what ``ScoreTable`` rows publish: a masked row has no value, so it shows
as "masqué" with its n; a group with no published figure at all is left out of the charts and
named once, in one message.
"""

from collections.abc import Iterator, Sequence
from html import escape
from typing import IO

from admin.export_formats import ExportHeader, referentiels_named
from admin.export_readme import UNIT_TEXTS, rule_lines, versions_note
from admin.report_charts import (
    CHANGE_LAYOUT,
    HUNDRED_UNITS,
    LEVELS_LAYOUT,
    ChartLine,
    change_scale,
    chart,
    levels_scale,
)
from admin.report_content import IMPROVED_UNIT, Distribution, IndicatorCells, ReportContent
from admin.report_distribution import distribution_chart, distribution_line_text, legend, partly_withheld
from admin.report_style import STYLE
from admin.report_text import (
    LOWER_IS_BETTER,
    NO_ANSWER_KEPT,
    WAVE_TITLES,
    absent_groups_text,
    change_line_text,
    count_text,
    given_way_text,
    glance_lead,
    glance_sentence,
    level_line_text,
    local_time,
    masked_text,
    masking_notes,
    reading_notes,
)
from admin.score_collection import CHANGE
from admin.score_table import ScoreRow, ScoreTable, referentiel_label
from referentiel.models import Indicator

LEVEL_WAVES = ("T0", "T1")
# Lines of one chart: with an indicator's title and description, it still fits on an A4 page.
CHART_LINES = 40
WAVE_COLOURS = {"T0": "#85c1e9", "T1": "#1b4f72", CHANGE: "#148f77"}


def write_html(table: ScoreTable, header: ExportHeader, stream: IO[str]) -> None:
    """Write the report; times are given in ``header.zone``, the deployment's time zone."""
    stream.write("".join(_document(ReportContent.of(table), header)))


def _document(content: ReportContent, header: ExportHeader) -> Iterator[str]:
    k = content.table.minimum_group_size
    everything = header.scope == "tout"
    subject = content.subject(everything)
    level_waves = [wave for wave in LEVEL_WAVES if wave in header.waves]
    yield '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    yield f"<title>Indicateurs Voix — {escape(subject)}</title>\n"
    yield f"<style>{STYLE}</style>\n</head>\n<body>\n"
    yield '<section class="cover">\n'
    yield f"<h1>Indicateurs Voix <span>{escape(subject)}</span></h1>\n"
    yield '<dl class="header">\n'
    scope = "<br>".join(escape(line) for line in content.scope_lines(everything))
    for term, description in (
        ("Généré le", escape(local_time(header.generated_at, header.zone))),
        ("Périmètre", scope),
        ("Vagues", escape(", ".join(WAVE_TITLES.get(wave, wave) for wave in header.waves))),
        ("Taille minimale des groupes", escape(f"{k} jeunes")),
    ):
        yield f"<dt>{escape(term)}</dt><dd>{description}</dd>\n"
    yield "</dl>\n"
    absent = content.absent
    nothing_published = not content.charted
    if not content.table.referentiels:
        yield f'<p class="absent">{escape(NO_ANSWER_KEPT)}</p>\n'
    elif absent:
        text = absent_groups_text(
            [(group.name, group.largest_n, group.only_small) for group in absent], k, nothing_published
        )
        yield f'<p class="absent">{escape(text)}</p>\n'
    if not nothing_published:
        yield from _glance(content, level_waves)
    yield "</section>\n"
    yield '<section class="notes">\n<h2>Comment lire ce rapport</h2>\n'
    distributions = any(
        isinstance(item, Distribution) for _, _, items in content.referentiel_indicators() for item in items
    )
    yield "".join(f"<p>{escape(line)}</p>\n" for line in reading_notes(distributions))
    yield "<h3>Pourquoi certains chiffres manquent</h3>\n"
    yield "".join(f"<p>{escape(line)}</p>\n" for line in masking_notes(k))
    yield "</section>\n"
    if not nothing_published:
        several = len(content.table.referentiels) > 1
        for label, referentiel, indicators in content.referentiel_indicators():
            for dimension in referentiel.dimensions:
                own = [indicator for indicator in indicators if indicator.dimension == dimension.id]
                if not own:
                    continue
                title = dimension.title.get("fr", dimension.id) + (f" ({label})" if several else "")
                yield '<section class="dimension">\n'
                for index, item in enumerate(own):
                    heading = "" if index else title
                    if isinstance(item, Distribution):
                        yield from _distribution(content, label, item, level_waves, heading)
                        continue
                    cells = content.cells[(label, item.id)]
                    yield from _indicator(content, item, cells, level_waves, heading)
                yield "</section>\n"
    yield from _annex(content, header)
    yield "</body>\n</html>\n"


def _glance(content: ReportContent, level_waves: Sequence[str]) -> Iterator[str]:
    """Each dimension's first indicator for the main group: one chart line each, one sentence each."""
    main = content.main_group()
    sector = next(iter(content.of_level("sector")), None)
    label, referentiel, indicators = content.referentiel_indicators()[-1]
    # A distribution has no one figure to sum a dimension up: the first other indicator does.
    headlines = [
        (dimension, indicator)
        for dimension in referentiel.dimensions
        for indicator in [
            next(
                (
                    item
                    for item in indicators
                    if isinstance(item, Indicator) and item.dimension == dimension.id
                ),
                None,
            )
        ]
        if indicator is not None
    ]
    if main is None or not headlines:
        return
    yield f"<h2>Les {len(headlines)} dimensions en un coup d’œil</h2>\n"
    if (own := content.given_way()) is not None:  # a structure's director must not take them as theirs
        yield f'<p class="lead">{escape(given_way_text(own.name, main.level, main.name))}</p>\n'
    yield f'<p class="lead">{escape(glance_lead(main.level, main.name, level_waves))}</p>\n'
    lines: list[ChartLine] = []
    sentences: list[tuple[str, str]] = []
    for dimension, indicator in headlines:
        cells = content.cells[(label, indicator.id)]
        rows = content.rows_for(main, cells, level_waves)
        sector_rows = (
            None if sector is None or sector == main else content.rows_for(sector, cells, level_waves)
        )
        dimension_title = dimension.title.get("fr", dimension.id)
        sentences.append(
            (
                dimension_title,
                glance_sentence(
                    indicator.title.get("fr", indicator.id),
                    main.name,
                    rows,
                    sector_rows,
                    content.table.minimum_group_size,
                ),
            )
        )
        if indicator.unit in HUNDRED_UNITS:
            lines.extend(
                ChartLine(
                    dimension_title,
                    True,
                    wave,
                    rows[wave],
                    level_line_text(rows[wave]),
                    WAVE_COLOURS[wave],
                    not index,
                )
                for index, wave in enumerate(wave for wave in level_waves if wave in rows)
            )
    if any(line.row.value is not None for line in lines):
        yield '<figure class="glance">\n'
        yield chart(
            lines, levels_scale([line.row for line in lines]), LEVELS_LAYOUT, f"{main.name} en un coup d’œil"
        )
        yield "</figure>\n"
    yield '<ul class="glance">\n'
    yield "".join(
        f"<li><strong>{escape(title)}.</strong> {escape(sentence)}</li>\n" for title, sentence in sentences
    )
    yield "</ul>\n"


def _indicator(
    content: ReportContent,
    indicator: Indicator,
    cells: IndicatorCells,
    level_waves: Sequence[str],
    dimension_title: str,
) -> Iterator[str]:
    """One indicator: title and description kept on the page of its first chart (with the dimension's
    title for its first indicator), each chart whole with its heading (T0 and T1 per group, then
    the change of the same youth)."""
    title = indicator.title.get("fr", indicator.id) + (LOWER_IS_BETTER if indicator.better == "lower" else "")
    groups = content.charted
    level_lines = [
        ChartLine(
            group.name,
            group.level != "structure",
            wave,
            row,
            level_line_text(row),
            WAVE_COLOURS[wave],
            not index,
        )
        for group in groups
        for index, (wave, row) in enumerate(
            (wave, cells.levels[wave][group.key])
            for wave in level_waves
            if group.key in cells.levels.get(wave, {})
        )
    ]
    change_lines = [
        ChartLine(
            group.name,
            group.level != "structure",
            "",
            row,
            change_line_text(row, cells.improved.get(group.key)),
            WAVE_COLOURS[CHANGE],
            True,
        )
        for group in groups
        if (row := cells.change.get(group.key)) is not None
    ]
    figures = []
    if level_lines:
        waves = " et ".join(level_waves)
        figures += _figures(f"{waves} — ", level_lines, "levels", f"{title}, {waves}")
    if change_lines:
        change = WAVE_TITLES[CHANGE]
        figures += _figures(f"{change}, mêmes jeunes — ", change_lines, CHANGE, f"{title}, {change}")
    yield '<article class="indicator">\n<div class="opening">\n'
    if dimension_title:
        yield f"<h2>{escape(dimension_title)}</h2>\n"
    yield f"<h3>{escape(title)} <small>({escape(indicator.id)})</small></h3>\n"
    yield f'<p class="description">{escape(indicator.description.get("fr", ""))}</p>\n'
    yield from figures[:1]
    yield "</div>\n"
    yield from figures[1:]
    yield "</article>\n"


def _distribution(
    content: ReportContent,
    label: str,
    distribution: Distribution,
    level_waves: Sequence[str],
    dimension_title: str,
) -> Iterator[str]:
    """A distribution: its title and description, then one stacked bar per group and wave (each
    share of the same youth's answers), and no change chart: it is never paired T0 → T1."""
    cells = [content.cells[(label, part.id)] for part in distribution.parts]
    lines: list[ChartLine] = []
    shares: list[list[ScoreRow]] = []
    for group in content.charted:
        waves = [
            wave for wave in level_waves if all(group.key in cell.levels.get(wave, {}) for cell in cells)
        ]
        for index, wave in enumerate(waves):
            rows = [cell.levels[wave][group.key] for cell in cells]
            text = distribution_line_text(rows)
            lines.append(
                ChartLine(group.name, group.level != "structure", wave, rows[0], text, "", not index)
            )
            shares.append(rows)
    yield '<article class="indicator">\n<div class="opening">\n'
    if dimension_title:
        yield f"<h2>{escape(dimension_title)}</h2>\n"
    yield f"<h3>{escape(distribution.title)} <small>({escape(distribution.id)})</small></h3>\n"
    yield f'<p class="description">{escape(distribution.description)}</p>\n'
    heading = f"{' et '.join(level_waves)} — part de chaque réponse"
    unit = '<span class="unit">en % des jeunes qui ont répondu</span>'
    figures = []
    if not lines or all(any(row.value is None for row in rows) for rows in shares):
        note = (
            _note(lines, "levels")
            if lines
            else '<p class="masked-chart">Pas de chiffre : aucune réponse.</p>\n'
        )
        figures.append(f'<figure class="chart">\n<h4>{escape(heading)} {unit}</h4>\n{note}</figure>\n')
    else:
        start = 0
        for index, part in enumerate(_parts(lines)):
            more = " (suite)" if index else ""
            part_shares = shares[start : start + len(part)]
            start += len(part)
            chart_title = f"{distribution.title}, {' et '.join(level_waves)}{more}"
            figures.append(
                f'<figure class="chart">\n<h4>{escape(heading)} {unit}{more}</h4>\n'
                f"{legend(distribution.options, partly_withheld(part_shares))}"
                f"{distribution_chart(part, part_shares, distribution.options, chart_title)}</figure>\n"
            )
    yield from figures[:1]
    yield "</div>\n"
    yield from figures[1:]
    yield "</article>\n"


def _figures(heading: str, lines: list[ChartLine], kind: str, title: str) -> list[str]:
    """Charts with their heading (what they show, in which unit), each short enough to print whole
    on a page: many groups are drawn in several charts on the same axis. If no line is published,
    one sentence instead of lines of "masqué"."""
    unit = f'<span class="unit">{escape(UNIT_TEXTS.get(lines[0].row.unit, lines[0].row.unit))}</span>'
    rows = [line.row for line in lines]
    if all(row.value is None for row in rows):
        return [f'<figure class="chart">\n<h4>{escape(heading)}{unit}</h4>\n{_note(lines, kind)}</figure>\n']
    scale, layout = (
        (change_scale(rows), CHANGE_LAYOUT) if kind == CHANGE else (levels_scale(rows), LEVELS_LAYOUT)
    )
    figures = []
    for index, part in enumerate(_parts(lines)):
        more = " (suite)" if index else ""
        figures.append(
            f'<figure class="chart">\n<h4>{escape(heading)}{unit}{more}</h4>\n'
            f"{chart(part, scale, layout, title + more)}</figure>\n"
        )
    return figures


def _parts(lines: list[ChartLine]) -> list[list[ChartLine]]:
    """Lines cut, between groups, into charts of at most ``CHART_LINES`` lines."""
    parts: list[list[ChartLine]] = [[]]
    for index, line in enumerate(lines):
        group_size = next(
            (size for size, later in enumerate(lines[index + 1 :], start=1) if later.first_of_group),
            len(lines) - index,
        )
        if line.first_of_group and parts[-1] and len(parts[-1]) + group_size > CHART_LINES:
            parts.append([])
        parts[-1].append(line)
    return parts


def _note(lines: list[ChartLine], kind: str) -> str:
    """No published line: why, in one sentence."""
    rows = [line.row for line in lines]
    if all(row.n == 0 for row in rows):
        what = "aucun jeune n’a encore répondu aux deux vagues" if kind == CHANGE else "aucune réponse"
        return f'<p class="masked-chart">Pas de chiffre : {what}.</p>\n'
    counts = ", ".join(
        f"{line.label} : {masked_text(line.row)}"
        if line.row.n is None
        else f"{line.label} : {line.row.band} (n = {count_text(line.row.n)})"
        if line.row.band
        else f"{line.label} : n = {count_text(line.row.n)}"
        for line in lines
    )
    return (
        '<p class="masked-chart">Masqué pour chaque groupe de ce rapport, pour protéger l\'anonymat '
        f"(voir « Pourquoi certains chiffres manquent ») — {escape(counts)}.</p>\n"
    )


def _annex(content: ReportContent, header: ExportHeader) -> Iterator[str]:
    """The technical details a statistician checks: exact rule, intervals, command, versions, ids."""
    table = content.table
    yield '<section class="annex">\n<h2>Annexe : détails techniques</h2>\n<dl class="header">\n'
    for term, description in (
        ("Généré le (UTC)", header.generated_at),
        ("Commande", header.command),
        ("Référentiel", referentiels_named(referentiel_label(key) for key in table.referentiels)),
        ("Périmètre demandé (identifiants)", header.scope),
        ("Taille minimale des groupes (k)", str(table.minimum_group_size)),
    ):
        yield f"<dt>{escape(term)}</dt><dd>{escape(description)}</dd>\n"
    note = versions_note([referentiel_label(key) for key in table.referentiels])
    if note:
        yield f"<dt>Versions</dt><dd>{escape(note)}</dd>\n"
    yield "</dl>\n<h3>Règle de masquage</h3>\n"
    yield "".join(
        f"<p>{escape(line)}</p>\n"
        for line in rule_lines(table.minimum_group_size, table.minimum_youth_per_side)
    )
    yield (
        "<p>Dans ce rapport, la part des jeunes qui ont progressé (unité « "
        f"{IMPROVED_UNIT} ») est écrite à côté de l’évolution moyenne ; un groupe dont aucun chiffre "
        "n’est publié n’apparaît pas dans les graphiques.</p>\n"
    )
    yield "</section>\n"
