"""JSON and XLSX of the workshop pack: the same masked rows, for programs and for people.

* JSON — one object (``schema`` = ``voix-workshop-pack/1``, documented in ``docs/export.md``):
  what the pack is, the masking rule, then one list per part with the keys of each row's
  ``as_dict``.
* XLSX — a *Lisez-moi* sheet (what the pack is, the rule, how to read each part), then one sheet
  per part with French column names, a frozen header and filters; an item's distribution gets
  its own sheet (one row per option), flags are written out as their sentences, booleans read
  oui/non, and no cell is ever a formula (``export_formats.append_as_text``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from admin.code_words import GLOSSARY_COLUMNS, in_words
from admin.export_formats import (
    BOOLEAN_WORDS,
    FRENCH_COLUMNS,
    append_as_text,
    glossary_block,
    write_readme_lines,
)
from admin.export_readme import rule_lines, versions_note
from admin.indented_json import write_indented
from admin.report_text import local_time
from admin.score_table import referentiel_label
from admin.workshop_pack import SCHEMA, WorkshopPack

PARTS = ("participation", "items", "distributions", "reliability", "correlations", "breakdowns", "change")
SHEET_NAMES = {
    "participation": "Participation",
    "items": "Questions",
    "distributions": "Réponses",
    "reliability": "Fiabilité",
    "correlations": "Corrélations",
    "breakdowns": "Ventilations",
    "change": "Évolution T0-T1",
}
# How to read each part, in plain French: the Lisez-moi sheet and the HTML say the same.
PART_TEXTS = {
    "participation": "Pour chaque groupe et chaque vague : invitations créées, jeunes qui ont ouvert le "
    "questionnaire, puis ce qu’ils sont devenus (notice sans réponse, refus, en cours, terminé, arrêté à "
    "leur demande, effacé à la fin de la durée de conservation) ; ces six nombres font le total des "
    "ouvertures. Taux de complétion = terminés / ouverts ; durée médiane de l’ouverture à la dernière "
    "réponse, pauses comprises ; relances envoyées et jeunes qui ont répondu après une relance.",
    "items": "Pour chaque question : à combien de jeunes elle a été posée, la part qui a préféré ne pas "
    "répondre, les questionnaires non terminés qui en sont à elle (abandonnés, ou encore en cours : un "
    "dossier fait pendant une vague en compte beaucoup), les parts de réponses au plus "
    "bas et au plus haut de l’échelle, et le temps médian depuis la réponse précédente (la première "
    "question n’en a pas). Les signalements disent pourquoi regarder une question de près.",
    "distributions": "La répartition des réponses de chaque question : nombre et part de chaque option "
    "parmi les jeunes qui ont répondu (plusieurs options possibles pour un choix multiple). Les réponses "
    "libres ne sont jamais publiées.",
    "reliability": "Pour chaque score à plusieurs questions : l’alpha de Cronbach (si les questions mesurent "
    "la même chose, il est proche de 1 ; sous 0,6 c’est insuffisant), son intervalle à 95 % (bootstrap), "
    "calculé sur les jeunes qui ont répondu à toutes les questions ; pour chaque question, sa corrélation "
    "avec les autres et l’alpha sans elle (s’il monte, la question affaiblit le score). Les signalements "
    "(alpha sous 0,6, question qui affaiblit le score) ne sont donnés qu’à partir de 100 jeunes : en "
    "dessous, le hasard seul en ferait lever souvent, même pour un bon score.",
    "correlations": "Corrélation (r de Pearson) entre deux indicateurs, sur les jeunes qui ont une valeur "
    "pour les deux : proche de 1, ils disent la même chose ; proche de 0, des choses sans rapport. "
    "Seul le dossier du secteur les donne : d’un niveau à l’autre, leur différence redonnerait les "
    "réponses croisées d’un petit groupe.",
    "breakdowns": "Chaque indicateur selon la réponse à une question de contexte (durée dans la structure ; "
    "tranche d’âge quand le référentiel la pose), avec son intervalle à 95 %. Les petites cases sont "
    "masquées comme les petits groupes.",
    "change": "Évolution T0 → T1 des mêmes jeunes (T1 − T0), avec son intervalle à 95 % et le nombre de "
    "jeunes présents aux deux vagues dans la même structure (un jeune qui en a changé n’y compte pas, "
    "même au niveau de l’organisation ou du secteur). Les questions de changement ressenti n’y sont "
    "pas : elles mesurent déjà un changement.",
}
PART_TITLES = {
    "participation": "Participation",
    "items": "Questions",
    "distributions": "Répartition des réponses",
    "reliability": "Fiabilité des scores",
    "correlations": "Corrélations entre indicateurs",
    "breakdowns": "Ventilations par contexte",
    "change": "Évolution T0 → T1",
}
FRENCH = {
    **FRENCH_COLUMNS,
    "invited": "Invitations", "opened": "Ouverts", "notice_pending": "Notice sans réponse",
    "declined": "Refus", "consented": "Accord donné (en cours ou terminé)", "in_progress": "En cours",
    "completed": "Terminés",
    "stopped": "Arrêtés (effacés à leur demande)", "erased_by_retention": "Effacés (durée de conservation)",
    "completion_rate": "Taux de complétion (%)", "median_minutes_to_complete": "Durée médiane (minutes)",
    "reminders_sent": "Relances envoyées", "youth_reminded": "Jeunes relancés",
    "answered_after_reminder": "Ont répondu après une relance", "question": "Question", "type": "Type",
    "text": "Texte", "shown": "Posée à", "answered": "Réponses", "skipped": "Sans réponse",
    "skip_rate": "Sans réponse (%)", "stopped_here": "Non terminés ici",
    "drop_off_rate": "Non terminés ici (%)",
    "floor_share": "Au plus bas (%)", "ceiling_share": "Au plus haut (%)",
    "median_seconds": "Temps médian (s)", "flags": "Signalements", "option": "Option",
    "label": "Libellé", "option_label": "Libellé", "count": "Nombre", "share": "Part (%)",
    "questions": "Questions", "alpha": "Alpha de Cronbach", "alpha_ci_low": "IC 95 % bas",
    "alpha_ci_high": "IC 95 % haut", "resamples": "Tirages bootstrap", "item_rest_correlation":
    "Corrélation avec le reste", "alpha_if_dropped": "Alpha sans elle", "lowers_alpha": "Affaiblit le score",
    "other_indicator": "Autre indicateur", "r": "r de Pearson", "bands": "Fourchettes",
}  # fmt: skip


@dataclass(frozen=True)
class PackHeader:
    """What the pack records about itself; ``zone``: the deployment's time zone, in which the
    HTML says when it was made (the JSON and XLSX keep the UTC timestamp)."""

    generated_at: str
    command: str
    zone: tzinfo = UTC


def pack_document(pack: WorkshopPack, header: PackHeader) -> dict[str, Any]:
    """The JSON object of the pack (the documented schema)."""
    group = pack.group
    return {
        "schema": SCHEMA,
        "generated_at": header.generated_at,
        "command": header.command,
        "minimum_group_size": pack.minimum_group_size,
        "group": {"level": group.level, "id": group.id, "name": group.name},
        "referentiels": [referentiel_label(key) for key in pack.referentiels],
        "suppression_rule": " ".join(
            rule_lines(pack.minimum_group_size, pack.minimum_youth_per_side, share_improved_rows=False)
        ),
        "participation": [row.as_dict() for row in pack.participation],
        "items": [row.as_dict() for row in pack.items],
        "reliability": [row.as_dict() for row in pack.reliability],
        "correlations": [row.as_dict() for row in pack.correlations],
        "breakdowns": [row.as_dict() for row in pack.breakdowns],
        "change": [row.as_dict() for row in pack.change],
    }


def write_pack_json(pack: WorkshopPack, header: PackHeader, stream: IO[bytes]) -> None:
    """Write the pack as one JSON object, UTF-8, a few rows at a time.

    The same bytes as ``json.dumps`` (indent 1), without the whole text in memory twice (as a
    string, then encoded): for the sector's pack that text set the export's peak memory. Written
    at C speed (``admin.indented_json``).
    """
    write_indented(pack_document(pack, header), stream)


def sheet_rows(document: dict[str, Any], part: str) -> list[dict[str, Any]]:
    """The rows of one sheet: a part's rows, flat (lists written out), distributions one per option."""
    if part == "distributions":
        return [
            {key: item[key] for key in ("referentiel_version", "wave", "question")} | entry
            for item in document["items"]
            for entry in item["distribution"]
        ]
    if part == "reliability":
        rows = []
        for score in document["reliability"]:
            base = {key: value for key, value in score.items() if key not in ("items", "flags")}
            rows.append(base | {"flags": _flag_text(score["flags"])})
            rows.extend(
                {"referentiel_version": score["referentiel_version"], "indicator": score["indicator"], **item}
                for item in score["items"]
            )
        return rows
    return [
        {
            key: _flag_text(value) if key == "flags" else value
            for key, value in row.items()
            if key != "distribution"
        }
        for row in document[part]
    ]


def _bands_text(bands: dict[str, str]) -> str:
    """A funnel row's bands in one cell: "Refus : < 10 % ; Arrêtés : < 10 %"."""
    return " ; ".join(f"{FRENCH.get(stage, stage)} : {band}" for stage, band in bands.items())


def write_pack_xlsx(pack: WorkshopPack, header: PackHeader, stream: IO[bytes]) -> None:
    """Write the pack as a workbook: Lisez-moi, then one sheet per part."""
    document = pack_document(pack, header)
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "Lisez-moi"
    rules = rule_lines(pack.minimum_group_size, pack.minimum_youth_per_side, share_improved_rows=False)
    rows_of = {part: sheet_rows(document, part) for part in PARTS}
    _write_readme(readme, document, rules, local_time(header.generated_at, header.zone), rows_of)
    for part, rows in rows_of.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet = workbook.create_sheet(SHEET_NAMES[part])
        sheet.append([FRENCH.get(column, column) for column in columns] or ["Aucune ligne"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            version = row.get("referentiel_version")
            append_as_text(sheet, [_cell(in_words(column, row.get(column), version)) for column in columns])
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(columns, start=1):
            wide = column in ("group_name", "text", "flags", "reason", "label", "option_label")
            sheet.column_dimensions[get_column_letter(index)].width = 40 if wide else 14
    workbook.save(stream)


def _write_readme(
    sheet: Any, document: dict[str, Any], rule: list[str], generated: str, rows_of: dict[str, list[Any]]
) -> None:
    shown = (
        (column, row.get(column)) for rows in rows_of.values() for row in rows for column in GLOSSARY_COLUMNS
    )
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 110
    group = document["group"]
    lines: list[Sequence[object]] = [
        ["Dossier de l’atelier collectif Voix"],
        ["Généré le", generated],
        ["Commande", document["command"]],
        ["Groupe", f"{group['name']} ({group['level']})"],
        ["Taille minimale des groupes (k)", document["minimum_group_size"]],
        ["Référentiel", ", ".join(document["referentiels"])],
        *([["Versions", note]] if (note := versions_note(document["referentiels"])) else []),
        [],
        ["Règle de masquage"],
        *[["", line] for line in rule],
        [],
        *glossary_block("Code (JSON, règle)", shown),
        ["Comment lire chaque feuille"],
        *[[SHEET_NAMES[part], PART_TEXTS[part]] for part in PARTS],
    ]
    write_readme_lines(sheet, lines)


def _flag_text(flags: list[dict[str, str]]) -> str:
    return " ; ".join(flag["reason"] for flag in flags)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return BOOLEAN_WORDS[value]
    if isinstance(value, dict):  # a funnel row's bands
        return _bands_text(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(part) for part in value)
    return value
