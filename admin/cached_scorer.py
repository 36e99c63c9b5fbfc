"""Scoring stored answers without calling the engine for every run: once per distinct input.

Scoring 100,000 runs one by one through the engine would dominate an export, so
``CachedScorer`` calls the engine once per distinct combination of the stored answers an
indicator reads (its questions and their conditions' questions) and reuses the result: scoring
is pure, and the stored text determines the answer, so the same texts give the same value. A
stored text is decoded only when its combination is first met. ``tests/admin`` checks it
against ``score_youth``.

A run comes as the export's query returns it (``admin.score_collection``): its question ids and
its stored JSON texts, each joined by ``FIELD_SEPARATOR``.
"""

import json
from collections.abc import Callable, Mapping
from itertools import chain, repeat
from operator import call, itemgetter
from typing import Any

from referentiel.answers import AnswerValue
from referentiel.models import Indicator, Referentiel
from referentiel.scoring import AnswerRejected, check_answers, score_indicator

# Stored answers are JSON texts, where control characters only appear escaped: safe separators.
FIELD_SEPARATOR = "\x1f"
MISSING = ""  # a skipped answer (NULL) and an absent one are both missing to the engine
_UNSCORED = object()


class CachedScorer:
    """Score runs of one référentiel version, calling the engine once per distinct input."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.referentiel = referentiel
        self.indicator_ids = tuple(indicator.id for indicator in referentiel.indicators)
        self._inputs = [
            (indicator, _questions_read(referentiel, indicator)) for indicator in referentiel.indicators
        ]
        # Indicators that read the same questions (a scale's score and its items' shares) share
        # one getter and one cache, whose values are theirs in a tuple: half the work per run.
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, (_, questions) in enumerate(self._inputs):
            groups.setdefault(questions, []).append(index)
        self._groups = list(groups.items())
        self._caches: list[dict[Any, tuple[float | None, ...]]] = [{} for _ in self._groups]
        self._unscored = [_UNSCORED] * len(self._groups)
        grouped_order = [index for _, indexes in self._groups for index in indexes]
        self._in_indicator_order = _reordering(
            [grouped_order.index(index) for index in range(len(self._inputs))]
        )
        # Runs answer the same questions, in the same order, far more often than not: the
        # positions each indicator reads are worked out once per list of question ids.
        self._getters_by_questions: dict[str, list[Any]] = {}
        # Stored texts repeat far more than combinations do: each is decoded and checked once.
        self._decoded: dict[tuple[str, str], Any] = {}
        self._multiple_choice = frozenset(
            question.id for question in referentiel.questions if question.type == "multiple_choice"
        )

    def score_stored(self, stored: Mapping[str, str]) -> list[float | None]:
        """Return each indicator's value for one run, in indicator order, as ``score_youth`` would.

        ``stored`` maps question ids to stored JSON texts (``""`` for a skipped answer).
        """
        return self.score_joined(FIELD_SEPARATOR.join(stored), FIELD_SEPARATOR.join(stored.values()))

    def score_joined(self, question_ids: str, texts: str) -> list[float | None]:
        """Score one run given as its question ids and stored texts, each joined by ``FIELD_SEPARATOR``.

        This is how the export query returns a run: splitting two strings and picking each
        indicator's texts by position costs far less than building a dict per run.
        """
        getters = self._getters_by_questions.get(question_ids)
        if getters is None:
            getters = self._getters_by_questions[question_ids] = self._getters(question_ids)
        answers = texts.split(FIELD_SEPARATOR)
        answers.append(MISSING)  # where the getters of unanswered questions point
        keys = list(map(call, getters, repeat(answers, len(getters))))
        try:  # all in the caches, nearly always: one pass at C speed
            return self._in_indicator_order(
                list(chain.from_iterable(map(dict.__getitem__, self._caches, keys)))
            )
        except KeyError:
            pass
        grouped: list[Any] = list(map(dict.get, self._caches, keys, self._unscored))
        for group, found in enumerate(grouped):
            if found is _UNSCORED:
                questions, indexes = self._groups[group]
                read = keys[group] if len(questions) > 1 else (keys[group],)
                stored = dict(zip(questions, read, strict=True))
                grouped[group] = self._caches[group][keys[group]] = tuple(
                    self._score_once(self._inputs[index][0], stored) for index in indexes
                )
        return self._in_indicator_order(list(chain.from_iterable(grouped)))

    def _getters(self, question_ids: str) -> list[Any]:
        """Per group of indicators, a getter of the texts it reads (one, or a tuple) from a run's list."""
        ids = question_ids.split(FIELD_SEPARATOR) if question_ids else []
        positions = {question_id: index for index, question_id in enumerate(ids)}
        return [
            itemgetter(*(positions.get(question_id, len(ids)) for question_id in questions))
            for questions, _ in self._groups
        ]

    def _score_once(self, indicator: Indicator, texts: dict[str, str]) -> float | None:
        """Decode the stored texts an indicator reads and score them with the engine."""
        read: dict[str, AnswerValue] = {}
        for question_id, text in texts.items():
            if text == MISSING:
                continue
            decoded = self._decoded.get((question_id, text), _UNSCORED)
            if decoded is _UNSCORED:
                decoded = self._decoded[(question_id, text)] = self._decode(question_id, text)
            read[question_id] = decoded
        score = score_indicator(self.referentiel, indicator, read)
        return None if score is None else score.value

    def _decode(self, question_id: str, text: str) -> AnswerValue:
        """Decode one stored text and check it, once per question and text.

        ``check_answers`` checks each answer on its own, so checking it alone rejects what
        checking it among the run's other answers would.
        """
        try:
            value: AnswerValue = json.loads(text)
        except json.JSONDecodeError as error:
            raise AnswerRejected(f"stored answer {text!r} to {question_id!r} is not JSON") from error
        # Lists decoded from JSON become tuples (the answers contract) for a multiple choice;
        # anywhere else the engine rejects them, as it should.
        if isinstance(value, list) and question_id in self._multiple_choice:
            value = tuple(value)
        check_answers(self.referentiel, {question_id: value})
        return value


def _questions_read(referentiel: Referentiel, indicator: Indicator) -> tuple[str, ...]:
    """The questions whose answers an indicator's value depends on: its own and their conditions'."""
    questions = list(indicator.questions)
    for question_id in indicator.questions:
        condition = referentiel.question(question_id).condition
        if condition is not None and condition.question not in questions:
            questions.append(condition.question)
    return tuple(questions)


def _reordering(positions: list[int]) -> Callable[[list[float | None]], list[float | None]]:
    """Return what puts the groups' values, laid end to end, back in indicator order."""
    if positions == list(range(len(positions))):
        return lambda values: values
    getter = itemgetter(*positions)  # two or more positions: a list that is not in order
    return lambda values: list(getter(values))
