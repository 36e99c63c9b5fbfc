"""The export's results as the bot asks for them: what the command root gives ``voix run``.

``bot/`` may not import ``admin/``, and ``admin/`` never loads ``bot/``: here, in the root, the
export's ``ExportScoreReports`` takes the shape of ``bot.staff_results.ScoreReports``, and an
export refused for the stored data (an ``AdminError``, such as an answer Voix did not write)
becomes the bot's ``ResultsUnavailable``: the coordinator is told what happened and who can see
more, and the message, which may name a youth's code, stays the administrator's.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from admin.errors import AdminError
from admin.staff_reports import ExportScoreReports
from bot.errors import ResultsUnavailable

if TYPE_CHECKING:
    from admin.score_table import ScoreRow

Result = TypeVar("Result")


class BotScoreReports:
    """``ExportScoreReports`` for the bot, its refusals turned into ``ResultsUnavailable``."""

    def __init__(self, reports: ExportScoreReports | None = None) -> None:
        self.reports = ExportScoreReports() if reports is None else reports

    def rows(self, *arguments: Any, **keywords: Any) -> "list[ScoreRow]":
        """``ExportScoreReports.rows``."""
        return _refused_as_unavailable(self.reports.rows, *arguments, **keywords)

    def document(self, *arguments: Any, **keywords: Any) -> bytes:
        """``ExportScoreReports.document``."""
        return _refused_as_unavailable(self.reports.document, *arguments, **keywords)


def _refused_as_unavailable(function: Callable[..., Result], *arguments: Any, **keywords: Any) -> Result:
    try:
        return function(*arguments, **keywords)
    except AdminError as refusal:
        raise ResultsUnavailable(refusal.message) from refusal
