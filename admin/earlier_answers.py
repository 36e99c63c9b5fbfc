"""How many youth answered a question that decides who is asked another: counted in the score pass.

An indicator read from a question asked only after some answers to an earlier one
(``admin.context_questions.counting_conditions``: « Ce parcours correspond à ce que tu veux
faire ? » after « oui » or « un peu » to « Tu sais ce que tu voudrais faire ? ») has an n that
counts those answers. The workshop pack publishes, per group, how many answered the earlier
question; beside it, that n would tell how many gave the other answers (« pas encore »). No
indicator of version 2 reads the earlier question alone, so the pass counts it here, per run, and
the export decides the indicator's n as a share of it (``admin.score_decisions``).
"""

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from admin.cached_scorer import FIELD_SEPARATOR, MISSING
from admin.context_questions import counted_conditions, earlier_questions, later_questions
from referentiel.models import Referentiel

Column = TypeVar("Column", bound=Hashable)


@dataclass
class _Reading:
    """How to count the runs shown one list of questions: per count of ``counted``, its question's
    place in the run (-1: not shown), the counts every such run adds (``shown``), the places of
    the answers the others depend on (``read``), and per those answers, the counts a run adds."""

    positions: list[int]
    shown: list[int]
    read: tuple[int, ...]
    answered: dict[tuple[str, ...], list[int]] = field(default_factory=dict)


class EarlierAnswers:
    """Per column of the export (structure, wave, version): how many runs answered each earlier
    question, then how many were shown each later question (its « Posée à »: a reader's most for
    the indicator's n, ``admin.score_decisions``), then how many gave the answers each condition
    names (``counted_conditions``: the count the indicator's n tells), then how many gave each
    option of each earlier question (``options``: the pack publishes them one by one, and n less
    some of them gives the others), then how many were shown each earlier question (answered or
    skipped: the pack's « Posée à »), in the order of ``counted``."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.questions = earlier_questions(referentiel)
        self.later = later_questions(referentiel)
        self.conditions = counted_conditions(referentiel)
        self.options = tuple(
            (question_id, option.id)
            for question_id in self.questions
            for option in referentiel.question(question_id).options
        )
        self.counted = (
            *self.questions,
            *self.later,
            *(condition.question for condition in self.conditions),
            *(question_id for question_id, _ in self.options),
            *self.questions,
        )
        # Per stored answer text, the options it gives (a few texts, read once each).
        self._chosen: dict[str, frozenset[str]] = {}
        # Runs answer the same questions in the same order far more often than not, and the
        # earlier questions in a few ways: how to count them is worked out once per list of
        # question ids, and what a run adds once per answers it gave (``_Reading``).
        self._readings: dict[str, _Reading] = {}

    def add(self, counts: dict[Column, list[int]], column: Column, parts: Sequence[str]) -> None:
        """Count one run (its question ids and stored texts, as the pass reads them) in its column."""
        if not self.counted:
            return
        question_ids = parts[0]
        reading = self._readings.get(question_ids)
        if reading is None:
            reading = self._readings[question_ids] = self._reading(question_ids)
        counted = counts.get(column)
        if counted is None:
            counted = counts[column] = [0] * len(self.counted)
        increments = reading.shown
        if reading.read:
            texts = tuple(map(parts[1].split(FIELD_SEPARATOR).__getitem__, reading.read))
            found = reading.answered.get(texts)
            if found is None:
                found = reading.answered[texts] = self._answered(reading, texts)
            increments = found
        for index in increments:
            counted[index] += 1

    def _reading(self, question_ids: str) -> "_Reading":
        """How to count the runs shown these questions (``_Reading``)."""
        ids = question_ids.split(FIELD_SEPARATOR) if question_ids else []
        positions = [ids.index(question) if question in ids else -1 for question in self.counted]
        shown = [index for index, position in enumerate(positions) if position >= 0 and self._shown(index)]
        read = tuple(
            sorted(
                {
                    position
                    for index, position in enumerate(positions)
                    if position >= 0 and not self._shown(index)
                }
            )
        )
        return _Reading(positions, shown, read)

    def _shown(self, index: int) -> bool:
        """Whether the count at ``index`` of ``counted`` is of a question shown (answered or skipped)."""
        earlier, conditions = len(self.questions), len(self.questions) + len(self.later)
        return earlier <= index < conditions or index >= conditions + len(self.conditions) + len(self.options)

    def _answered(self, reading: "_Reading", texts: tuple[str, ...]) -> list[int]:
        """The counts a run adds to, each once: its questions shown, and those its answers to the
        questions ``reading.read`` (``texts``, in that order) give."""
        text_at = dict(zip(reading.read, texts, strict=True))
        earlier, conditions = len(self.questions), len(self.questions) + len(self.later)
        options = conditions + len(self.conditions)
        found = list(reading.shown)
        for index, position in enumerate(reading.positions):
            if position < 0 or self._shown(index):
                continue
            text = text_at[position]
            if index < earlier:
                if text != MISSING:  # a skip is stored as ''
                    found.append(index)
            elif text == MISSING:
                continue
            elif index < options:
                if not self._chosen_in(text).isdisjoint(self.conditions[index - conditions].any_of):
                    found.append(index)
            elif self.options[index - options][1] in self._chosen_in(text):
                found.append(index)
        return found

    def _chosen_in(self, text: str) -> frozenset[str]:
        """The options a stored answer gives (a multiple choice's several)."""
        found = self._chosen.get(text)
        if found is None:
            try:
                value = json.loads(text)
            except ValueError:
                value = None  # unreadable: the pass reports it where it scores the run
            chosen = value if isinstance(value, list) else [value]
            found = self._chosen[text] = frozenset(option for option in chosen if isinstance(option, str))
        return found


def merge_counts(counts: dict[Column, list[int]], other: dict[Column, list[int]]) -> None:
    """Add another pass's counts (the worker's, over other structures) to these, in place."""
    for column, found in other.items():
        mine = counts.get(column)
        counts[column] = found if mine is None else [a + b for a, b in zip(mine, found, strict=True)]
