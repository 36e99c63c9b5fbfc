"""One streaming pass over the answers: each youth scored once per wave, values kept per structure.

Answers are read in one SQL query ordered by youth then wave, so only one youth's answers are
in memory at a time; SQLite gathers each run's answers into one row (question ids, then the
stored JSON texts, joined by control characters that JSON text cannot contain unescaped), so
Python handles one row per run rather than one per answer, and splits it at C speed. Each run
is scored under the référentiel version it was answered with (``referentiel.scoring``), the
engine's missing-data rules deciding which values exist; the paired change T0 → T1 is taken per
youth, on the indicators computed the same way in both versions. Per-youth values are counted
in histograms ({value: youth}) per (structure, wave, version, indicator): values repeat a lot
(a scale has a few options), so this is small, and ``summaries`` turns each histogram into an
additive ``ValueSummary``; groups above structures are sums of these.

Scoring 100,000 runs one by one through the engine would dominate an export, so
``CachedScorer`` calls the engine once per distinct combination of the stored answers an
indicator reads (its questions and their conditions' questions) and reuses the result: scoring
is pure, and the stored text determines the answer, so the same texts give the same value. A
stored text is decoded only when its combination is first met. ``tests/admin`` checks it
against ``score_youth``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from referentiel.answers import AnswerValue
from referentiel.loading import find_referentiel
from referentiel.models import Indicator, Referentiel
from referentiel.scoring import check_answers, score_indicator
from referentiel.summaries import ValueSummary, summarise_histogram
from referentiel.versioning import comparable_pairs

SCORED_WAVES = ("T0", "T1")
CHANGE = "change"

ReferentielKey = tuple[str, int]
# A histogram of per-youth values: {value: how many youth have it}; missing values are left out.
Histogram = dict[float, int]
# (structure id, wave or "change", référentiel key) → one histogram per indicator, in the order
# of that version's indicators.
ValueHistograms = dict[tuple[int, str, ReferentielKey], list[Histogram]]

# Stored answers are JSON texts, where control characters only appear escaped: safe separators.
FIELD_SEPARATOR = "\x1f"
PART_SEPARATOR = "\x1e"
MISSING = ""  # a skipped answer (NULL) and an absent one are both missing to the engine
_RUNS_QUERY = (
    "SELECT runs.youth_id, youth.structure_id, runs.wave, runs.referentiel_id, runs.referentiel_version, "
    "(SELECT group_concat(question_id, char(31)) || char(30) || group_concat(coalesce(value, ''), char(31)) "
    "FROM answers WHERE answers.run_id = runs.id) "
    "FROM runs JOIN youth ON youth.id = runs.youth_id "
    "WHERE runs.wave IN ('T0', 'T1') ORDER BY runs.youth_id, runs.wave"
)
_UNSCORED = object()


class CachedScorer:
    """Score runs of one référentiel version, calling the engine once per distinct input."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.referentiel = referentiel
        self.indicator_ids = tuple(indicator.id for indicator in referentiel.indicators)
        self._inputs: list[tuple[Indicator, tuple[str, ...], Any, dict[Any, float | None]]] = []
        for indicator in referentiel.indicators:
            questions = _questions_read(referentiel, indicator)
            self._inputs.append((indicator, questions, itemgetter(*questions), {}))
        self._getters = [getter for _, _, getter, _ in self._inputs]
        self._caches = [cache for _, _, _, cache in self._inputs]
        self._unscored = [_UNSCORED] * len(self._inputs)
        self._template = dict.fromkeys((question.id for question in referentiel.questions), MISSING)
        self._multiple_choice = frozenset(
            question.id for question in referentiel.questions if question.type == "multiple_choice"
        )

    def score_stored(
        self, stored: Mapping[str, str], histograms: Sequence[Histogram] | None = None
    ) -> list[float | None]:
        """Return each indicator's value for one run, in indicator order, as ``score_youth`` would.

        ``stored`` maps question ids to stored JSON texts (``""`` for a skipped answer). With
        ``histograms`` (one per indicator), also count each present value in its histogram.
        """
        row = dict(self._template)
        row.update(stored)
        keys = [getter(row) for getter in self._getters]
        values: list[Any] = list(map(dict.get, self._caches, keys, self._unscored))
        if _UNSCORED in values:
            for index, value in enumerate(values):
                if value is _UNSCORED:
                    indicator, questions, _, cache = self._inputs[index]
                    texts = keys[index] if len(questions) > 1 else (keys[index],)
                    values[index] = cache[keys[index]] = self._score_once(
                        indicator, dict(zip(questions, texts, strict=True))
                    )
        if histograms is not None:
            for histogram, value in zip(histograms, values, strict=True):
                if value is not None:
                    histogram[value] = histogram.get(value, 0) + 1
        return values

    def _score_once(self, indicator: Indicator, texts: dict[str, str]) -> float | None:
        """Decode the stored texts an indicator reads and score them with the engine."""
        read: dict[str, AnswerValue] = {}
        for question_id, text in texts.items():
            if text == MISSING:
                continue
            value = json.loads(text)
            # Lists decoded from JSON become tuples (the answers contract) for a multiple choice;
            # anywhere else the engine rejects them, as it should.
            read[question_id] = (
                tuple(value) if isinstance(value, list) and question_id in self._multiple_choice else value
            )
        check_answers(self.referentiel, read)
        score = score_indicator(self.referentiel, indicator, read)
        return None if score is None else score.value


@dataclass
class Collection:
    """What an export needs from the answers: per-structure value histograms and the versions used."""

    histograms: ValueHistograms = field(default_factory=dict)
    referentiels: dict[ReferentielKey, Referentiel] = field(default_factory=dict)
    youth: int = 0
    runs: int = 0

    def histograms_of(self, structure_id: int, wave: str, key: ReferentielKey) -> list[Histogram]:
        """Return (creating them) the value histograms of one structure, wave and version."""
        histograms = self.histograms.get((structure_id, wave, key))
        if histograms is None:
            count = len(self.referentiels[key].indicators)
            histograms = self.histograms[(structure_id, wave, key)] = [{} for _ in range(count)]
        return histograms

    def add(self, structure_id: int, wave: str, key: ReferentielKey, values: Sequence[float | None]) -> None:
        """Count one youth's values in their structure's histograms (missing values are left out)."""
        for histogram, value in zip(self.histograms_of(structure_id, wave, key), values, strict=True):
            if value is not None:
                histogram[value] = histogram.get(value, 0) + 1

    def summaries(self, wave: str, key: ReferentielKey) -> dict[int, list[ValueSummary]]:
        """Return, per structure, one additive summary per indicator of a wave and version."""
        return {
            structure_id: [summarise_histogram(histogram) for histogram in histograms]
            for (structure_id, histogram_wave, histogram_key), histograms in self.histograms.items()
            if histogram_wave == wave and histogram_key == key
        }

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
            scored[wave] = (
                key,
                scorer.score_stored(answers, collection.histograms_of(structure_id, wave, key)),
            )
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
) -> Iterator[tuple[int, list[tuple[str, ReferentielKey, dict[str, str]]]]]:
    """Yield (structure id, [(wave, référentiel key, stored answers)]) per youth, from one ordered query."""
    cursor = connection.execute(_RUNS_QUERY)
    cursor.arraysize = 1000
    current_youth: int | None = None
    current_structure = 0
    runs: list[tuple[str, ReferentielKey, dict[str, str]]] = []
    for youth_id, structure_id, wave, referentiel_id, version, answers in cursor:
        if youth_id != current_youth:
            if current_youth is not None:
                yield current_structure, runs
            current_youth, current_structure, runs = youth_id, structure_id, []
        stored: dict[str, str] = {}
        if answers:
            question_ids, texts = answers.split(PART_SEPARATOR)
            stored = dict(zip(question_ids.split(FIELD_SEPARATOR), texts.split(FIELD_SEPARATOR), strict=True))
        runs.append((wave, (referentiel_id, int(version)), stored))
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
