"""The workshop pack as one self-contained HTML page: tables and inline SVG charts, printable on A4.

No script, no network, no external file: styles are inline and every chart is an SVG drawn here
from the pack's (already masked) rows, a masked figure drawn as the word « masqué », never as a
bar. Under each chart, one plain sentence says what it shows and what would be worrying.
"""

from collections.abc import Sequence
from html import escape
from typing import IO, Any

from admin.code_words import in_words
from admin.export_formats import referentiels_named
from admin.export_readme import versions_note
from admin.report_text import local_time
from admin.table_words import breakable
from admin.workshop_annex import annex
from admin.workshop_breakdown_table import breakdown_tables
from admin.workshop_charts import (
    alpha_chart,
    change_chart,
    funnel_chart,
    indicator_title,
    skip_chart,
    version_number,
)
from admin.workshop_formats import (
    FRENCH,
    PART_TEXTS,
    PART_TITLES,
    PackHeader,
    pack_document,
    sheet_rows,
)
from admin.workshop_items import french_number
from admin.workshop_pack import WorkshopPack

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
.opening { break-inside: avoid; }
svg { max-width: 100%; height: auto; } .flag { color: #a40; }
"""
STRONG_CORRELATION = 0.7
STRONG_CORRELATION_TEXT = str(STRONG_CORRELATION).replace(".", ",")  # « 0,7 »
# The participation's counts: where one is missing, it was withheld.
FUNNEL_COUNTS = frozenset(
    {
        "invited",
        "opened",
        "declined",
        "consented",
        "completed",
        "stopped",
        "youth_reminded",
        "answered_after_reminder",
    }
)
# Columns of identifiers (the XLSX's and JSON's spelling): never hyphenated.
IDENTIFIER_COLUMNS = frozenset({"question", "indicator", "other_indicator"})
TABLE_COLUMNS = {
    "participation": ("group_name", "wave", "invited", "opened", "declined", "consented", "completed",
                      "stopped", "completion_rate", "median_minutes_to_complete", "youth_reminded",
                      "answered_after_reminder", "reason"),
    "items": ("wave", "question", "text", "shown", "skip_rate", "drop_off_rate", "floor_share",
              "ceiling_share", "median_seconds", "flags"),
    "reliability": ("wave", "indicator", "question", "n", "alpha", "alpha_ci_low", "alpha_ci_high",
                    "item_rest_correlation", "alpha_if_dropped", "flags"),
    "correlations": ("wave", "indicator", "other_indicator", "n", "r"),
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
        f"<p>Généré le {escape(local_time(header.generated_at, header.zone))} ; "
        f"référentiel {escape(referentiels_named(document['referentiels']))} ; "
        f"groupes de moins de {document['minimum_group_size']} jeunes masqués.</p>",
        _rule_in_short(document["minimum_group_size"], pack.minimum_youth_per_side),
        *(f"<p>{escape(note)}</p>" for note in [versions_note(document["referentiels"])] if note),
        _section("participation", document, funnel_chart(here), FRENCH),
        # The change before the details: what the workshop reads first, on the first pages.
        _section("change", document, change_chart(document["change"], group), FRENCH),
        _section("items", document, skip_chart(document["items"]), FRENCH),
        _section("reliability", document, alpha_chart(document["reliability"]), FRENCH),
        _section("correlations", document, "", FRENCH),
        _section("breakdowns", document, "", FRENCH),
        annex(document["referentiels"]),
        # The whole rule, with the codes of the XLSX and the JSON, after the annex.
        f"<h2>Annexe : la règle de masquage en entier</h2><p>{escape(document['suppression_rule'])}</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f"<title>Dossier de l’atelier — {escape(group['name'])}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )


def _rule_in_short(minimum_group_size: int, minimum_side: int) -> str:
    """The masking rule as the first page gives it, in the words of the tables (the whole rule,
    with the XLSX's and the JSON's codes, is the last annex): a participant's trial found a
    35-line paragraph of codes the tables never use."""
    items = (
        f"un groupe de moins de {minimum_group_size} jeunes ne montre aucun chiffre "
        "(« trop peu de jeunes ») ;",
        f"une part où moins de {minimum_side} jeunes disent oui, ou disent non, est remplacée par une "
        "fourchette (« < 10 % ») ;",
        "d’autres chiffres sont masqués quand une soustraction entre groupes, vagues ou cases les "
        "redonnerait (« masquage secondaire ») ;",
        f"une évolution oui/non où moins de {minimum_side} jeunes ont baissé, ou sont restés au même "
        "niveau, est masquée ;",
        "un nombre de jeunes qui compterait des réponses à une autre question n’est pas montré.",
    )
    lines = "".join(f"<li>{escape(item)}</li>" for item in items)
    return (
        "<p>Pour que personne ne puisse retrouver les réponses d’un jeune :</p>"
        f"<ul>{lines}</ul><p>La règle entière est à la fin du dossier.</p>"
    )


def _section(part: str, document: dict[str, Any], chart: str, french: dict[str, str]) -> str:
    rows = everything = sheet_rows(document, part)
    note = ""
    if part == "items":
        rows = [row for row in rows if row.get("flags")]
        note = "Le tableau ne reprend que les questions signalées ; toutes sont dans le XLSX et le JSON."
    elif part == "participation":
        rows = [row for row in rows if row["invited"] or row["opened"]]
        # The text above names every count; an A4 page holds the main ones (a reviewer could not
        # check the six that add up to the openings).
        note = (
            "Le tableau n’en reprend que l’essentiel : les notices sans réponse, les questionnaires en "
            "cours, les effacés et les relances envoyées sont dans le XLSX et le JSON."
        )
    elif part == "change":
        rows = [row for row in rows if row["n"]]  # an indicator no youth answered twice says nothing
    elif part == "breakdowns":
        note = (
            "Chaque case : la valeur, son intervalle à 95 % et le nombre de jeunes ; une ligne dont "
            "toutes les cases sont masquées est omise (toutes sont dans le XLSX et le JSON)."
        )
        tables = breakdown_tables(document["breakdowns"], len(document["referentiels"]) > 1)
        return (
            f"<h2>{escape(PART_TITLES[part])}</h2><p>{escape(PART_TEXTS[part])}</p>"
            f"<p>{escape(note)}</p>{tables}"
        )
    elif part == "correlations" and document["group"]["level"] != "sector":
        # Only the sector's pack has them (between levels their tables would subtract).
        note = "Les corrélations ne sont calculées que dans le dossier du secteur."
        return f'<div class="opening"><h2>{escape(PART_TITLES[part])}</h2><p>{escape(note)}</p></div>'
    elif part == "correlations":
        rows = [row for row in rows if row["r"] is not None and abs(row["r"]) >= STRONG_CORRELATION]
        note = (
            "Le tableau ne reprend que les paires très liées (|r| ≥ "
            f"{STRONG_CORRELATION_TEXT}) : deux indicateurs qui disent peut-être "
            "la même chose. Toutes sont dans le XLSX et le JSON."
        )
    columns = TABLE_COLUMNS[part]
    if len(document["referentiels"]) > 1 and rows and "referentiel_version" in rows[0]:
        # Which version a row is of, after its wave.
        position = columns.index("wave") + 1 if "wave" in columns else 1
        columns = (*columns[:position], "referentiel_version", *columns[position:])
    headings = french | {"referentiel_version": "Version"}  # its cells say "v2"
    head = "".join(f"<th>{breakable(headings.get(column, column))}</th>" for column in columns)
    digits = _column_digits(rows, columns)
    body = "".join(
        "<tr>"
        + "".join(
            _table_cell(
                _shown_value(row, column, part),
                column in IDENTIFIER_COLUMNS,
                digits.get((column, row.get("unit"))),
            )
            for column in columns
        )
        + "</tr>"
        for row in rows
    )
    # A header row repeated on every printed page (Chromium repeats a thead).
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if not rows:
        # « Rien à signaler » only where there was something to look at (a reviewer found it
        # under every part of a pack with no answer yet, and under « pas d’évolution à montrer »).
        table, note = _nothing_shown(part, document, everything), ""
    note = f"<p>{escape(note)}</p>" if note else ""
    # A part's heading, its explanation and its chart on one page: a heading left at the foot
    # of a page, its chart on the next, left half a page blank.
    opening = f"<h2>{escape(PART_TITLES[part])}</h2><p>{escape(PART_TEXTS[part])}</p>{chart}"
    return f'<div class="opening">{opening}</div>{note}{table}'


def _nothing_shown(part: str, document: dict[str, Any], everything: list[dict[str, Any]]) -> str:
    """What a part whose table has no row says instead: why, where there is nothing yet."""
    if part == "change":
        return ""  # its chart says that no youth of the group answered both waves
    if part == "participation":
        return "<p>Pas encore d’invitation dans ce groupe : rien à montrer ici.</p>"
    if not everything or not document["referentiels"]:
        # None given yet, or all erased (a youth's erasure, the retention purge).
        return "<p>Aucune réponse T0 ou T1 conservée dans ce groupe : rien à montrer ici.</p>"
    if part == "correlations":  # the threshold said, or « rien » reads as « no correlation at all »
        if all(row["r"] is None for row in everything):
            return "<p>Toutes les corrélations sont masquées (trop peu de jeunes) : rien à montrer ici.</p>"
        return (
            f"<p>Aucune paire très liée (|r| ≥ {STRONG_CORRELATION_TEXT}) : rien à signaler. Toutes les "
            "corrélations sont dans le XLSX et le JSON.</p>"
        )
    return "<p>Rien à signaler.</p>"


def _shown_value(row: dict[str, Any], column: str, part: str) -> object:
    """A cell as the page shows it: masking reasons and units in words, a withheld figure's band
    (a band, "> 80 %", on one line), and « masqué » for a count of the participation withheld
    without a band (a count is never missing otherwise; a whole masked row says why in its last
    column, and its cells stay blank)."""
    value = row.get(column)
    if value is None:
        value = (row.get("bands") or {}).get(column)
        if value is None and part == "participation" and column in FUNNEL_COUNTS and not row["suppressed"]:
            return "masqué"
        column = "band"
    if column == "band" and isinstance(value, str):
        return value.replace(" ", "\u00a0")
    if column == "referentiel_version" and isinstance(value, str):
        return f"v{version_number(value)}"
    if column in ("indicator", "other_indicator") and isinstance(value, str) and part != "change":
        # Its title first, what the workshop reads; its code after, what the référentiel file
        # names. Not in the change's long table (a row per group and indicator): A4 pages again.
        return f"{indicator_title(row, value)} ({value})"
    return in_words(column, value, row.get("referentiel_version"))


def _column_digits(rows: list[dict[str, Any]], columns: Sequence[str]) -> dict[tuple[str, object], int]:
    """Per column and unit, the most decimals its numbers have: each is written with as many, so
    a column reads « 0,250 » above « 0,294 », not « 0,25 » (the JSON's numbers are rounded)."""
    digits: dict[tuple[str, object], int] = {}
    for row in rows:
        for column in columns:
            value = row.get(column)
            if isinstance(value, float) and "e" not in (text := repr(value)):
                key = (column, row.get("unit"))
                digits[key] = max(digits.get(key, 0), len(text.partition(".")[2].rstrip("0")))
    return digits


def _table_cell(value: object, identifier: bool = False, digits: int | None = None) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'oui' if value else 'non'}</td>"
    if isinstance(value, float) and digits is not None:
        return f'<td class="number">{french_number(f"{value + 0:.{digits}f}")}</td>'
    if isinstance(value, int | float):
        return f'<td class="number">{french_number(value + 0)}</td>'  # -0.0 reads "0,0", not "-0,0"
    return f"<td>{breakable(str(value), identifier)}</td>"
