"""What the correlations and breakdowns need of each run's indicator values, added up as the pass goes.

Keeping every run's values until the end (a list of floats per run, and the worker's copy
pickled back) cost the pack about 120 MB at 3 million answers. The figures need far less, and
all of it is additive, so the two processes' sums merge into the sums of one pass:

* for the correlations, over the runs that have both indicators i and j: how many (``pairs``),
  the sum of i (``sums[i, j]``), of i² (``squares[i, j]``) and of i × j (``products``);
* for the breakdowns, per context question (by position), stored answer to it and indicator:
  the histogram of the indicator's values among those runs (a cell's n, value and interval follow
  from it exactly, ``referentiel.summaries.summarise_histogram``); the group's n is ``pairs[j, j]``.

Runs are added a batch at a time with numpy; per run the Python work is two appends.
"""

from collections import Counter
from collections.abc import Sequence

import numpy

from admin.sorted_counts import add_up_sorted
from admin.workshop_answer_counts import Codes

Matrix = numpy.ndarray
# Runs whose values are added together.
BATCH = 1_000
# Packed breakdown keys: (answer × indicators + indicator) × span + value.
_VALUE_SPAN = 1 << 32
# [i, j]: the sum over the runs of column i of one matrix times column j of the other.
_CROSS = "ri,rj->ij"
# Batches of packed keys added up together.
_COMPACT_AFTER = 32


class IndicatorSums:
    """Additive sums of the indicator values of some runs (see the module's note)."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch
        self.pairs: Matrix | None = None
        self.sums: Matrix | None = None
        self.squares: Matrix | None = None
        self.products: Matrix | None = None
        self._pending_values: list[Sequence[float | None]] = []
        self._pending_contexts: list[tuple[str, ...]] = []
        # The breakdowns' counts, packed as integers: per context question, its answers' codes,
        # the values' codes, and the packed (answer, indicator, value) keys with their counts.
        self._answer_codes: list[Codes] = []
        self._value_codes = Codes()
        self._keys: list[list[tuple[Matrix, Matrix]]] = []
        self._width = 0
        self._merged: dict[tuple[int, str, int], Counter[float]] = {}

    def add(self, values: Sequence[float | None], context: tuple[str, ...]) -> None:
        """Add one run: its indicator values (None where missing) and its answers to the context questions."""
        self._pending_values.append(values)
        self._pending_contexts.append(context)
        if len(self._pending_values) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Add the runs still pending."""
        if not self._pending_values:
            return
        values = numpy.array(self._pending_values, dtype=float)  # None becomes NaN
        present = ~numpy.isnan(values)
        filled = numpy.where(present, values, 0.0)
        weights = present.astype(float)
        # einsum, not @: BLAS's threads, woken for each batch, made these 100× slower on a busy machine.
        found = (
            numpy.einsum(_CROSS, weights, weights),
            numpy.einsum(_CROSS, filled, weights),
            numpy.einsum(_CROSS, filled * filled, weights),
            numpy.einsum(_CROSS, filled, filled),
        )
        if self.pairs is None or self.sums is None or self.squares is None or self.products is None:
            self.pairs, self.sums, self.squares, self.products = found
        else:
            self.pairs += found[0]
            self.sums += found[1]
            self.squares += found[2]
            self.products += found[3]
        self._count_cells(values, present, self._pending_contexts)
        self._pending_values.clear()
        self._pending_contexts.clear()

    def _count_cells(self, values: Matrix, present: Matrix, contexts: list[tuple[str, ...]]) -> None:
        """Count (answer to each context question, indicator, value) over a batch, at C speed."""
        if not contexts[0]:
            return
        self._width = values.shape[1]
        rows, columns = numpy.nonzero(present)
        distinct, index = numpy.unique(values[rows, columns], return_inverse=True)
        codes = self._value_codes
        value_codes = numpy.fromiter(map(codes.__getitem__, distinct.tolist()), dtype=numpy.int64)[
            index.reshape(-1)
        ]
        while len(self._answer_codes) < len(contexts[0]):
            self._answer_codes.append(Codes())
            self._keys.append([])
        for position, answer_codes in enumerate(self._answer_codes):
            answers = numpy.fromiter(
                (answer_codes[context[position]] for context in contexts),
                dtype=numpy.int64,
                count=len(contexts),
            )
            packed = (answers[rows] * self._width + columns) * _VALUE_SPAN + value_codes
            self._keys[position].append(numpy.unique(packed, return_counts=True))
            if len(self._keys[position]) >= _COMPACT_AFTER:
                self._compact(position)

    def _compact(self, position: int) -> None:
        """Add up the counts of one context question's batches."""
        keys = self._keys[position]
        if len(keys) > 1:
            packed, counts = add_up_sorted(keys)
            keys[:] = [(packed, counts)]

    def histograms(self) -> dict[tuple[int, str, int], Counter[float]]:
        """(context question position, stored answer, indicator column) → {value: runs}."""
        self.flush()
        found: dict[tuple[int, str, int], Counter[float]] = {
            key: Counter(histogram) for key, histogram in self._merged.items()
        }
        values = list(self._value_codes)
        for position, answer_codes in enumerate(self._answer_codes):
            self._compact(position)
            texts = list(answer_codes)
            for packed, counts in self._keys[position]:
                for key, count in zip(packed.tolist(), counts.tolist(), strict=True):
                    rest, value = divmod(key, _VALUE_SPAN)
                    answer, column = divmod(rest, self._width)
                    cell = found.get((position, texts[answer], column))
                    if cell is None:
                        cell = found[(position, texts[answer], column)] = Counter()
                    cell[values[value]] += count
        return found

    def merge(self, other: "IndicatorSums") -> None:
        """Add the sums of other runs (another process's)."""
        self.flush()
        other.flush()
        if other.pairs is not None and other.sums is not None and other.squares is not None:
            assert other.products is not None
            if self.pairs is None or self.sums is None or self.squares is None or self.products is None:
                self.pairs, self.sums = other.pairs.copy(), other.sums.copy()
                self.squares, self.products = other.squares.copy(), other.products.copy()
            else:
                self.pairs += other.pairs
                self.sums += other.sums
                self.squares += other.squares
                self.products += other.products
        for key, histogram in other.histograms().items():
            self._merged.setdefault(key, Counter()).update(histogram)

    def __getstate__(self) -> dict[str, object]:
        """What is sent from the worker: the sums, nothing pending."""
        self.flush()
        for position in range(len(self._keys)):
            self._compact(position)
        return self.__dict__


# Packed tree-cell keys: (structure × answers + answer) × indicators + indicator.
_ANSWER_SPAN = 1 << 20
_COLUMN_SPAN = 1 << 12
# Batches of tree cells added up together: few, as every (wave, version) keeps its own (32 of
# each cost the worker 120 MB at 68,000 youth).
_CELLS_COMPACT_AFTER = 4


class TreeCells:
    """Per structure (every one, whatever the pack's scope), context question, stored answer and
    indicator: the runs with a value (n) and those at 100 (a share's yes). The breakdowns are
    decided on the whole tree from these (``admin.workshop_breakdowns``), the same for every pack."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch
        self._pending: list[tuple[int, Sequence[float | None], tuple[str, ...]]] = []
        self._structure_codes = Codes()
        self._answer_codes: list[Codes] = []
        # Per context question: (packed keys, n, yes) of batches not added up yet.
        self._keys: list[list[tuple[Matrix, Matrix, Matrix]]] = []

    def add(self, structure_id: int, values: Sequence[float | None], context: tuple[str, ...]) -> None:
        """Add one run of a structure: its indicator values and its answers to the context questions."""
        self._pending.append((structure_id, values, context))
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Count the runs still pending, at C speed."""
        if not self._pending or not self._pending[0][2]:
            self._pending.clear()
            return
        values = numpy.array([values for _, values, _ in self._pending], dtype=float)
        structures = numpy.fromiter(
            (self._structure_codes[run[0]] for run in self._pending),
            dtype=numpy.int64,
            count=len(self._pending),
        )
        rows, columns = numpy.nonzero(~numpy.isnan(values))
        yes = (values[rows, columns] == 100.0).astype(numpy.int64)
        positions = len(self._pending[0][2])
        while len(self._answer_codes) < positions:
            self._answer_codes.append(Codes())
            self._keys.append([])
        for position in range(positions):
            codes = self._answer_codes[position]
            answers = numpy.fromiter(
                (codes[run[2][position]] for run in self._pending),
                dtype=numpy.int64,
                count=len(self._pending),
            )
            packed = ((structures * _ANSWER_SPAN + answers) * _COLUMN_SPAN)[rows] + columns
            keys, inverse = numpy.unique(packed, return_inverse=True)
            inverse = inverse.reshape(-1)
            found = (keys, numpy.bincount(inverse), numpy.bincount(inverse, weights=yes).astype(numpy.int64))
            self._keys[position].append(found)
            if len(self._keys[position]) >= _CELLS_COMPACT_AFTER:
                self._compact(position)
        self._pending.clear()

    def _compact(self, position: int) -> None:
        """Add up the counts of one context question's batches."""
        keys = self._keys[position]
        if len(keys) > 1:
            packed, n, yes = add_up_sorted(keys)
            keys[:] = [(packed, n, yes)]

    def cells(self, position: int) -> tuple[Matrix, list[str], Matrix, Matrix, Matrix, Matrix]:
        """One context question's cells, as arrays (none if nothing was counted): each one's
        structure id, its stored answer's code in ``texts``, ``texts``, its indicator column,
        its n and its yes."""
        self.flush()
        if position >= len(self._keys) or not self._keys[position]:
            empty = numpy.zeros(0, dtype=numpy.int64)
            return empty, [], empty, empty, empty, empty
        self._compact(position)
        packed, n, yes = self._keys[position][0]
        rest, columns = numpy.divmod(packed, _COLUMN_SPAN)
        structure_codes, answers = numpy.divmod(rest, _ANSWER_SPAN)
        structures = numpy.fromiter(
            self._structure_codes, dtype=numpy.int64, count=len(self._structure_codes)
        )
        texts: list[str] = self._answer_codes[position].in_order
        return structures[structure_codes], list(texts), answers, columns, n, yes

    def merge(self, other: "TreeCells") -> None:
        """Add the cells of other runs (another process's, other structures)."""
        self.flush()
        other.flush()
        for position in range(len(other._keys)):
            structure_ids, texts, answers, columns, n, yes = other.cells(position)
            while len(self._answer_codes) <= position:
                self._answer_codes.append(Codes())
                self._keys.append([])
            if not len(n):
                continue
            # Each distinct structure looked up once, not once per cell.
            distinct, inverse = numpy.unique(structure_ids, return_inverse=True)
            mine = numpy.fromiter(
                map(self._structure_codes.__getitem__, distinct.tolist()),
                dtype=numpy.int64,
                count=len(distinct),
            )[inverse.reshape(-1)]
            answer_codes = self._answer_codes[position]
            recoded = numpy.fromiter(
                map(answer_codes.__getitem__, texts), dtype=numpy.int64, count=len(texts)
            )
            packed = (mine * _ANSWER_SPAN + recoded[answers]) * _COLUMN_SPAN + columns
            order = numpy.argsort(packed)
            self._keys[position].append((packed[order], n[order], yes[order]))
            self._compact(position)

    def __getstate__(self) -> dict[str, object]:
        """What is sent from the worker: the counts, nothing pending."""
        self.flush()
        for position in range(len(self._keys)):
            self._compact(position)
        return self.__dict__
