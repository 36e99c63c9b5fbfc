"""How many youth answered a question that decides who is asked another: counted in the score pass.

An indicator read from a question asked only after some answers to an earlier one
(``admin.context_questions.counting_conditions``: « Ce parcours correspond à ce que tu veux
faire ? » after « oui » or « un peu » to « Tu sais ce que tu voudrais faire ? ») has an n that
counts those answers. The workshop pack publishes, per group, how many answered the earlier
question; beside it, that n would tell how many gave the other answers (« pas encore »). No
indicator of version 2 reads the earlier question alone, so the pass counts it here, per run, and
the export decides the indicator's n as a share of it (``admin.score_decisions``).
"""

from collections.abc import Hashable, Sequence
from typing import TypeVar

from admin.cached_scorer import FIELD_SEPARATOR, MISSING
from admin.context_questions import earlier_questions
from referentiel.models import Referentiel

Column = TypeVar("Column", bound=Hashable)


class EarlierAnswers:
    """Per column of the export (structure, wave, version), how many runs answered each earlier question."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.questions = earlier_questions(referentiel)
        # Runs answer the same questions in the same order far more often than not: the
        # positions of the earlier questions are found once per list of question ids.
        self._positions: dict[str, list[int]] = {}

    def add(self, counts: dict[Column, list[int]], column: Column, parts: Sequence[str]) -> None:
        """Count one run (its question ids and stored texts, as the pass reads them) in its column."""
        if not self.questions:
            return
        question_ids, texts = parts[0], parts[1]
        positions = self._positions.get(question_ids)
        if positions is None:
            ids = question_ids.split(FIELD_SEPARATOR) if question_ids else []
            positions = self._positions[question_ids] = [
                ids.index(question) if question in ids else -1 for question in self.questions
            ]
        counted = counts.get(column)
        if counted is None:
            counted = counts[column] = [0] * len(self.questions)
        answers = texts.split(FIELD_SEPARATOR)
        for index, position in enumerate(positions):
            if position >= 0 and answers[position] != MISSING:  # a skip is stored as ''
                counted[index] += 1
