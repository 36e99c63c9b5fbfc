"""The indicator table a coordinator's export shows for the demo structure, as terminal text.

The table is the export's own (``admin.score_table.build_score_table``), but ``demo/`` may not
import ``admin/``: the command root (``voix/cli.py``) gives it to ``voix demo``, and the demo
knows it only by the shapes below (a row's is the bot's, ``bot.staff_results.ResultRow``).
"""

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from babel.numbers import format_decimal

from bot.staff_results import ResultRow
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE
from referentiel.models import Referentiel
from storage.database import open_sync_connection

UNIT_SUFFIX = {"percent": " %", "score_0_100": "/100"}
REASONS = {
    "small_group": "moins de {k} jeunes",
    "secondary": "masqué aussi, sinon un petit groupe pourrait être recalculé",
    "few_on_one_side": "moins de 3 jeunes d’un côté : une fourchette, pas le nombre",
}


class ScoreTableShape(Protocol):
    """The export's table, as the demo reads it (``admin.score_table.ScoreTable``)."""

    @property
    def rows(self) -> Sequence[ResultRow]: ...
    @property
    def referentiel_models(self) -> Mapping[tuple[str, int], Referentiel]: ...


class ScoreTableBuilder(Protocol):
    """What the demo needs of the export: ``admin.score_table.build_score_table``."""

    def __call__(
        self,
        connection: sqlite3.Connection,
        minimum_group_size: int,
        levels: Sequence[str],
        waves: Sequence[str],
        structure_scope: Iterable[int] | None,
    ) -> ScoreTableShape:
        """Score every answer once and return the masked rows of these levels, waves and scope."""
        ...


def structure_table(
    database_path: Path,
    structure_id: int,
    build_score_table: ScoreTableBuilder,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> str:
    """Score the structure's first wave exactly as ``voix admin export scores`` does, and lay it out."""
    connection = open_sync_connection(database_path)
    try:
        table = build_score_table(
            connection,
            minimum_group_size,
            levels=("structure",),
            waves=("T0",),
            structure_scope=[structure_id],
        )
    finally:
        connection.close()
    titles = {
        indicator.id: indicator.title.get("fr", indicator.id)
        for referentiel in table.referentiel_models.values()
        for indicator in referentiel.indicators
    }
    rows = [row for row in table.rows if row.group_id == structure_id]
    group = rows[0].group_name if rows else "?"
    lines = [
        f"Indicateurs de « {group} », premier questionnaire (T0) — ce que montre l’export du coordinateur :",
        "",
        f"  {'indicateur':<58} {'n':>3}  {'valeur':>9}  intervalle à 95 %",
    ]
    for row in rows:
        title = titles.get(row.indicator, row.indicator)
        title = title if len(title) <= 58 else title[:57] + "…"
        if row.band:
            shown = f"{row.band:>9}  ({REASONS['few_on_one_side']})"
        elif row.suppressed or row.value is None:
            reason = REASONS.get(row.reason or "", "").format(k=minimum_group_size)
            shown = f"{'masqué':>9}  ({reason})" if reason else f"{'masqué':>9}"
        else:
            shown = f"{_number(row.value, row.unit):>9}  [{_number(row.ci_low)} ; {_number(row.ci_high)}]"
        lines.append(f"  {title:<58} {'' if row.n is None else row.n:>3}  {shown}")
    lines += [
        "",
        f"Règle des petits groupes : un résultat calculé sur moins de {minimum_group_size} jeunes "
        "n’est jamais affiché (il apparaît « masqué »), pour que personne ne puisse être reconnu.",
    ]
    return "\n".join(lines)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return format_decimal(round(value, 1), format="0.0", locale="fr_FR") + UNIT_SUFFIX.get(unit, "")
