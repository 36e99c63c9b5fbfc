"""Every structure's answers to every question, counted in the pass as integers.

The item statistics' options are decided on the whole tree (``admin.workshop_options``), so the
pass counts, per (wave, version), how many runs of each structure gave each stored text to each
question, skips ("") included. At 68,000 youth that is 660,000 (structure, question, text) keys:
as a ``Counter`` of tuples they took 75 MB in each process of the pass. Here a structure and a
(question, text) pair are each given a code the first time they are seen; a key is the two codes
packed in one integer, counted a thousand runs at a time with numpy and added up now and then.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import numpy

from admin.sorted_counts import add_up_sorted

# Runs counted together; batches added up together.
BATCH = 1_000
BATCHES_ADDED_UP = 16
# Bits of a packed key that hold the (question, text) code.
_ANSWER_BITS = 32


class Codes(dict[Hashable, int]):
    """Codes given in the order things are first seen: ``codes[thing]`` gives one if needed."""

    def __init__(self) -> None:
        super().__init__()
        self.in_order: list[Any] = []

    def __missing__(self, thing: Hashable) -> int:
        code = self[thing] = len(self.in_order)
        self.in_order.append(thing)
        return code


class AnswerCounts:
    """(structure, question, stored text) → runs, for one wave and version."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch
        self.structures = Codes()  # structure id → code
        self.answers = Codes()  # (question id, stored text) → code
        self._pending_structures: list[int] = []
        self._pending_lengths: list[int] = []
        self._pending_answers: list[int] = []
        self._batches: list[tuple[numpy.ndarray, numpy.ndarray]] = []

    def add(self, structure_id: int, question_ids: Iterable[str], texts: Iterable[str]) -> None:
        """Count one run of a structure: the text it stored for each question it was shown."""
        before = len(self._pending_answers)
        self._pending_answers.extend(map(self.answers.__getitem__, zip(question_ids, texts, strict=False)))
        self._pending_structures.append(self.structures[structure_id])
        self._pending_lengths.append(len(self._pending_answers) - before)
        if len(self._pending_structures) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Count the runs still pending, at C speed."""
        if not self._pending_structures:
            return
        structures = numpy.repeat(
            numpy.array(self._pending_structures, dtype=numpy.int64),
            numpy.array(self._pending_lengths, dtype=numpy.int64),
        )
        packed = (structures << _ANSWER_BITS) | numpy.array(self._pending_answers, dtype=numpy.int64)
        self._batches.append(numpy.unique(packed, return_counts=True))
        self._pending_structures.clear()
        self._pending_lengths.clear()
        self._pending_answers.clear()
        if len(self._batches) >= BATCHES_ADDED_UP:
            self._add_up()

    def _add_up(self) -> None:
        """One array of distinct keys and their runs instead of the batches'."""
        if len(self._batches) < 2:
            return
        keys, runs = add_up_sorted(self._batches)
        self._batches = [(keys, runs)]

    def counted(self) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Per distinct key: the structure's code, the (question, text) code, and the runs."""
        self.flush()
        self._add_up()
        if not self._batches:
            empty = numpy.zeros(0, dtype=numpy.int64)
            return empty, empty, empty
        ((keys, runs),) = self._batches
        return keys >> _ANSWER_BITS, keys & ((1 << _ANSWER_BITS) - 1), runs

    def merge(self, other: AnswerCounts) -> None:
        """Add another process's counts (its codes are its own: translated into these)."""
        structures, answers, runs = other.counted()
        if not len(runs):
            return
        structure_codes = numpy.array(
            [self.structures[structure] for structure in other.structures.in_order], dtype=numpy.int64
        )
        answer_codes = numpy.array(
            [self.answers[answer] for answer in other.answers.in_order], dtype=numpy.int64
        )
        self.flush()
        keys = (structure_codes[structures] << _ANSWER_BITS) | answer_codes[answers]
        self._batches.append((keys, runs))
        self._add_up()

    def __getstate__(self) -> dict[str, object]:
        """What a worker sends back: its counts added up."""
        self.flush()
        self._add_up()
        return self.__dict__
