"""The export's results as the bot asks for them: what the command root gives ``voix run``.

``bot/`` may not import ``admin/``, and ``admin/`` never loads ``bot/``: here, in the root, the
export's ``ExportScoreReports`` takes the shape of ``bot.staff_results.ScoreReports``, and an
export refused for a stored answer Voix did not write (``UnreadableAnswer``) becomes the bot's
``ResultsUnavailable``: the coordinator is told what happened and who can see more, and the
message, which names a youth's code, stays the administrator's. Any other failure goes to the
bot's error handler, as a failure the bot cannot explain.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from admin.errors import UnreadableAnswer
from admin.staff_reports import ExportScoreReports
from bot.errors import ResultsUnavailable

Parameters = ParamSpec("Parameters")
Result = TypeVar("Result")


def _unavailable_if_unreadable(method: Callable[Parameters, Result]) -> Callable[Parameters, Result]:
    """The export's method, an unreadable answer turned into ``ResultsUnavailable``."""

    @functools.wraps(method)
    def refused_as_unavailable(*arguments: Parameters.args, **keywords: Parameters.kwargs) -> Result:
        try:
            return method(*arguments, **keywords)
        except UnreadableAnswer as refusal:
            raise ResultsUnavailable(refusal.message) from refusal

    return refused_as_unavailable


class BotScoreReports(ExportScoreReports):
    """``ExportScoreReports`` for the bot, an unreadable answer turned into ``ResultsUnavailable``."""

    rows = _unavailable_if_unreadable(ExportScoreReports.rows)
    document = _unavailable_if_unreadable(ExportScoreReports.document)
