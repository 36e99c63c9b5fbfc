"""One streaming pass over the answers: each youth scored once per wave, values kept per structure.

Answers are read in one SQL query ordered by youth then wave, so only one youth's answers are
in memory at a time; SQLite gathers each run's answers into one JSON object, so Python handles
one row per run rather than one per answer. Each run is scored under the référentiel version it
was answered with (``referentiel.scoring``), the engine's missing-data rules deciding which
values exist; the paired change T0 → T1 is taken per youth, on the indicators computed the same
way in both versions. Per-youth values go to compact ``array('d')`` columns per (structure,
wave, version, indicator): groups above structures are unions of these, nothing else is kept.

Scoring 100,000 runs one by one through the engine would dominate an export, so
``CachedScorer`` calls the engine once per distinct combination of the answers an indicator
reads (its questions and their conditions' questions) and reuses the result: scoring is pure,
so the same inputs give the same value. ``tests/admin`` checks it against ``score_youth``.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from referentiel.answers import AnswerValue
from referentiel.loading import find_referentiel
from referentiel.models import Indicator, Referentiel
from referentiel.scoring import check_answers, score_indicator
from referentiel.versioning import comparable_pairs

SCORED_WAVES = ("T0", "T1")
CHANGE = "change"

ReferentielKey = tuple[str, int]
# (structure id, wave or "change", référentiel key) → one column of per-youth values per indicator,
# in the order of that version's indicators; missing values are left out, so len() is n.
ValueColumns = dict[tuple[int, str, ReferentielKey], list["array[float]"]]

_RUNS_QUERY = (
    "SELECT runs.youth_id, youth.structure_id, runs.wave, runs.referentiel_id, runs.referentiel_version, "
    "(SELECT '{' || group_concat(json_quote(question_id) || ':' || coalesce(value, 'null')) || '}' "
    "FROM answers WHERE answers.run_id = runs.id) "
    "FROM runs JOIN youth ON youth.id = runs.youth_id "
    "WHERE runs.wave IN ('T0', 'T1') ORDER BY runs.youth_id, runs.wave"
)


class CachedScorer:
    """Score runs of one référentiel version, calling the engine once per distinct input."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.referentiel = referentiel
        self.indicator_ids = tuple(indicator.id for indicator in referentiel.indicators)
        self._inputs: list[tuple[Indicator, tuple[str, ...], dict[tuple[AnswerValue, ...], float | None]]] = [
            (indicator, _questions_read(referentiel, indicator), {}) for indicator in referentiel.indicators
        ]
        self._multiple_choice = tuple(
            question.id for question in referentiel.questions if question.type == "multiple_choice"
        )

    def score(
        self, answers: dict[str, AnswerValue], columns: Sequence[array[float]] | None = None
    ) -> list[float | None]:
        """Return each indicator's value for one run, in indicator order, as ``score_youth`` would.

        With ``columns`` (one per indicator), also append each present value to its column.
        Lists decoded from JSON become tuples (the answers contract). Skipped (``None``) and
        absent answers are the same to the engine: both are missing.
        """
        for question_id in self._multiple_choice:
            chosen = answers.get(question_id)
            if isinstance(chosen, list):
                answers[question_id] = tuple(chosen)
        values: list[float | None] = []
        get = answers.get
        for index, (indicator, questions, cache) in enumerate(self._inputs):
            try:
                key = tuple(map(get, questions))
                value = cache[key]
            except KeyError:
                value = cache[key] = self._score_once(indicator, questions, answers)
            except TypeError:  # a list where no multiple choice is expected: the engine rejects it
                value = self._score_once(indicator, questions, answers)
            values.append(value)
            if value is not None and columns is not None:
                columns[index].append(value)
        return values

    def _score_once(
        self, indicator: Indicator, questions: tuple[str, ...], answers: Mapping[str, AnswerValue]
    ) -> float | None:
        read = {question_id: answers[question_id] for question_id in questions if question_id in answers}
        check_answers(self.referentiel, read)
        score = score_indicator(self.referentiel, indicator, read)
        return None if score is None else score.value


@dataclass
class Collection:
    """What an export needs from the answers: per-structure value columns and the versions used."""

    columns: ValueColumns = field(default_factory=dict)
    referentiels: dict[ReferentielKey, Referentiel] = field(default_factory=dict)
    youth: int = 0
    runs: int = 0

    def columns_of(self, structure_id: int, wave: str, key: ReferentielKey) -> list[array[float]]:
        """Return (creating them) the value columns of one structure, wave and version."""
        columns = self.columns.get((structure_id, wave, key))
        if columns is None:
            count = len(self.referentiels[key].indicators)
            columns = self.columns[(structure_id, wave, key)] = [array("d") for _ in range(count)]
        return columns

    def add(self, structure_id: int, wave: str, key: ReferentielKey, values: Sequence[float | None]) -> None:
        """Append one youth's values to their structure's columns (missing values are left out)."""
        for column, value in zip(self.columns_of(structure_id, wave, key), values, strict=True):
            if value is not None:
                column.append(value)

    def indicator_ids(self, key: ReferentielKey) -> tuple[str, ...]:
        """Return the indicator ids of one version, in the order of its columns."""
        return tuple(indicator.id for indicator in self.referentiels[key].indicators)


def collect_scores(connection: sqlite3.Connection) -> Collection:
    """Read every answer once and return the per-structure values of each wave and of the change."""
    collection = Collection()
    scorers: dict[ReferentielKey, CachedScorer] = {}
    pairings: dict[tuple[ReferentielKey, ReferentielKey], tuple[int | None, ...]] = {}
    for structure_id, runs in _runs_by_youth(connection):
        collection.youth += 1
        scored: dict[str, tuple[ReferentielKey, list[float | None]]] = {}
        for wave, key, answers in runs:
            scorer = scorers.get(key)
            if scorer is None:
                scorer = scorers[key] = CachedScorer(find_referentiel(key[0], key[1]))
                collection.referentiels[key] = scorer.referentiel
            scored[wave] = (key, scorer.score(answers, collection.columns_of(structure_id, wave, key)))
            collection.runs += 1
        if "T0" in scored and "T1" in scored:
            (before_key, before), (after_key, after) = scored["T0"], scored["T1"]
            pairing = pairings.get((before_key, after_key))
            if pairing is None:
                pairing = pairings[(before_key, after_key)] = _pairing(
                    collection.referentiels[before_key], collection.referentiels[after_key]
                )
            collection.add(structure_id, CHANGE, after_key, _change(before, after, pairing))
    return collection


def _pairing(before: Referentiel, after: Referentiel) -> tuple[int | None, ...]:
    """For each indicator of the later version, the position of the earlier one it is comparable with."""
    pairs = comparable_pairs(before, after)
    positions = {indicator.id: index for index, indicator in enumerate(before.indicators)}
    return tuple(
        positions.get(pairs[indicator.id]) if indicator.id in pairs else None
        for indicator in after.indicators
    )


def _change(
    before: Sequence[float | None], after: Sequence[float | None], pairing: tuple[int | None, ...]
) -> list[float | None]:
    """After − before per indicator of the later version, as ``referentiel.scoring.paired_change``."""
    changes: list[float | None] = []
    for second, position in zip(after, pairing, strict=True):
        first = None if position is None else before[position]
        changes.append(None if first is None or second is None else second - first)
    return changes


def _runs_by_youth(
    connection: sqlite3.Connection,
) -> Iterator[tuple[int, list[tuple[str, ReferentielKey, dict[str, AnswerValue]]]]]:
    """Yield (structure id, [(wave, référentiel key, answers)]) per youth, from one ordered query."""
    cursor = connection.execute(_RUNS_QUERY)
    cursor.arraysize = 1000
    current_youth: int | None = None
    current_structure = 0
    runs: list[tuple[str, ReferentielKey, dict[str, AnswerValue]]] = []
    for youth_id, structure_id, wave, referentiel_id, version, answers in cursor:
        if youth_id != current_youth:
            if current_youth is not None:
                yield current_structure, runs
            current_youth, current_structure, runs = youth_id, structure_id, []
        runs.append((wave, (referentiel_id, int(version)), json.loads(answers) if answers else {}))
    if current_youth is not None:
        yield current_structure, runs


def _questions_read(referentiel: Referentiel, indicator: Indicator) -> tuple[str, ...]:
    """The questions whose answers an indicator's value depends on: its own and their conditions'."""
    questions = list(indicator.questions)
    for question_id in indicator.questions:
        condition = referentiel.question(question_id).condition
        if condition is not None and condition.question not in questions:
            questions.append(condition.question)
    return tuple(questions)
