"""A reader of published figures as a linear system over unknown counts (integer programming):
the fewest and most youth any sum of them may hold. Used by the attacks on the counts of answers
to time here and on the perceived changes' cells."""

from collections.abc import Hashable, Iterable

import numpy
from scipy.optimize import Bounds, LinearConstraint, milp


class LinearReader:
    """Unknown non-negative counts, one per cell (any hashable key), and what is known of sums."""

    def __init__(self, cells: Iterable[Hashable], minimum_side: int) -> None:
        self.variables = {cell: index for index, cell in enumerate(cells)}
        self.minimum_side = minimum_side
        self.rows: list[numpy.ndarray] = []
        self.lows: list[float] = []
        self.highs: list[float] = []

    def add(self, cells: Iterable[Hashable], low: float, high: float) -> None:
        """The cells add up to between ``low`` and ``high``."""
        self.add_weighted(dict.fromkeys(cells, 1), low, high)

    def add_weighted(self, weights: dict[Hashable, float], low: float, high: float) -> None:
        """The cells, each times its weight, add up to between ``low`` and ``high``."""
        row = numpy.zeros(len(self.variables))
        for cell, weight in weights.items():
            row[self.variables[cell]] += weight
        self.rows.append(row)
        self.lows.append(low)
        self.highs.append(high)

    def add_figure(self, cells, n, share, band, count=None) -> None:
        """A published figure of the cells among ``n`` youth: its count (or share), or its band
        (fewer than ``minimum_side`` on one side); nothing where n is withheld."""
        if n is None:
            return
        if count is None and share is not None:
            count = round(share * n / 100)
        if count is not None:
            self.add(cells, count, count)
        elif band is not None:
            side = self.minimum_side
            self.add(cells, *((0, side - 1) if band.startswith("<") else (n - side + 1, n)))

    def bounds(self, cells: Iterable[Hashable]) -> tuple[int, int]:
        """The fewest and most youth the cells may hold together, given everything added."""
        objective = numpy.zeros(len(self.variables))
        for cell in cells:
            objective[self.variables[cell]] = 1
        constraint = LinearConstraint(numpy.array(self.rows), self.lows, self.highs)
        found = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                constraints=constraint,
                integrality=numpy.ones(len(self.variables)),
                bounds=Bounds(0, numpy.inf),
            )
            assert result.success, result.message
            found.append(round(sign * result.fun))
        return found[0], found[1]
