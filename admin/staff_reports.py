"""The coordinators' results in the bot (``/resultats``), computed by the export's own code.

``bot/`` may not import ``admin/``: the command root (``voix/cli.py``) gives the bot an
``ExportScoreReports``, which the bot knows only by the shape of ``bot.staff_results.ScoreReports``.
So a coordinator's summary and documents come from the same table, the same disclosure rule
(``admin.disclosure``) and the same writers as ``voix admin export scores``: an XLSX sent in the
chat equals the CLI's export of the same scope, level and wave, and every document is audited
with the coordinator's staff id.
"""

import io
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE

if TYPE_CHECKING:
    from admin.score_table import ScoreRow

# The export's modules (and the spreadsheet library under them) are imported on a coordinator's
# first request, not when the bot starts: ``voix run`` reaches Telegram in well under a second.

DOCUMENT_FORMATS = ("xlsx", "html")


class ExportScoreReports:
    """Scores for the bot's coordinators, through ``admin.export_commands`` and ``admin.score_table``."""

    def rows(
        self,
        connection: sqlite3.Connection,
        minimum_group_size: int,
        levels: Sequence[str],
        waves: Sequence[str],
        organisation_id: int | None,
        minimum_youth_per_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    ) -> "list[ScoreRow]":
        """The masked rows of these levels and waves, for an organisation (None: the whole sector)."""
        from admin.score_table import build_score_table

        structure_scope, _ = _scope(connection, organisation_id)
        table = build_score_table(
            connection,
            minimum_group_size,
            levels,
            waves,
            structure_scope,
            minimum_youth_per_side=minimum_youth_per_side,
        )
        return table.rows

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
        """The export (``xlsx``) or the report (``html``), as ``export scores --by BY --wave WAVE``."""
        from admin.export_commands import LEVELS_BY, WAVE_CHOICES, ExportRequest, export_scores

        if document_format not in DOCUMENT_FORMATS or by not in LEVELS_BY or wave not in WAVE_CHOICES:
            raise ValueError(f"no such document: {document_format} by {by}, wave {wave}")
        structure_scope, description = _scope(connection, organisation_id)
        request = ExportRequest(
            LEVELS_BY[by],
            WAVE_CHOICES[wave],
            structure_scope,
            description,
            minimum_group_size,
            document_format,
            time_zone=time_zone,
            minimum_youth_per_side=minimum_youth_per_side,
        )
        stream: io.BytesIO | io.StringIO = io.BytesIO() if document_format == "xlsx" else io.StringIO()
        export_scores(connection, request, now, stream, command, actor="staff", audit_details=audit_details)
        written = stream.getvalue()
        return written if isinstance(written, bytes) else written.encode("utf-8")


def _scope(connection: sqlite3.Connection, organisation_id: int | None) -> tuple[list[int] | None, str]:
    """The structures and description ``--organisation ID`` gives (no organisation: everything)."""
    from admin.export_commands import resolve_scope

    return resolve_scope(connection, [], [] if organisation_id is None else [str(organisation_id)])
