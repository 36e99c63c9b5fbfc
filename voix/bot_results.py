"""The export's results as the bot asks for them: what the command root gives ``voix run``.

``bot/`` may not import ``admin/``, and ``admin/`` never loads ``bot/``: here, in the root, the
export's ``ExportScoreReports`` takes the shape of ``bot.staff_results.ScoreReports``, and an
export refused for a stored answer Voix did not write (``UnreadableAnswer``) becomes the bot's
``ResultsUnavailable``: the coordinator is told what happened and who can see more, and the
message, which names a youth's code, stays the administrator's. Any other failure goes to the
bot's error handler, as a failure the bot cannot explain.
"""

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

from admin.errors import UnreadableAnswer
from admin.staff_reports import ExportScoreReports
from bot.errors import ResultsUnavailable
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE

if TYPE_CHECKING:
    from admin.score_table import ScoreRow

Result = TypeVar("Result")


class BotScoreReports:
    """``ExportScoreReports`` for the bot, an unreadable answer turned into ``ResultsUnavailable``."""

    def __init__(self, reports: ExportScoreReports | None = None) -> None:
        self.reports = ExportScoreReports() if reports is None else reports

    def rows(
        self,
        connection: sqlite3.Connection,
        minimum_group_size: int,
        levels: Sequence[str],
        waves: Sequence[str],
        organisation_id: int | None,
        minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    ) -> "list[ScoreRow]":
        """``ExportScoreReports.rows``."""
        return _readable_or_unavailable(
            lambda: self.reports.rows(
                connection, minimum_group_size, levels, waves, organisation_id, minimum_youth_per_side
            )
        )

    def document(
        self,
        connection: sqlite3.Connection,
        document_format: str,
        by: str,
        wave: str,
        organisation_id: int | None,
        minimum_group_size: int,
        time_zone: tzinfo,
        now: datetime,
        command: str,
        audit_details: Mapping[str, Any],
        minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    ) -> bytes:
        """``ExportScoreReports.document``."""
        return _readable_or_unavailable(
            lambda: self.reports.document(
                connection,
                document_format,
                by,
                wave,
                organisation_id,
                minimum_group_size,
                time_zone,
                now,
                command,
                audit_details,
                minimum_youth_per_side,
            )
        )


def _readable_or_unavailable(export: Callable[[], Result]) -> Result:
    try:
        return export()
    except UnreadableAnswer as refusal:
        raise ResultsUnavailable(refusal.message) from refusal
