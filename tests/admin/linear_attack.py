"""An attacker with exact linear algebra: what can be derived from the published cells of one indicator?

Youth of a structure fall in three sets: paired (answered T0 and T1: values a and b), T0 only
(a), T1 only (b). A published cell is the sum of its youth's values: T0 of a group sums a over
its T0 youth, T1 sums b, the change sums b − a over its pairs (n is always published, and n ×
value is the sum). Youth of one set of one structure are interchangeable for every cell, so
the unknowns are per structure: a(T0 only), b(T1 only), a(pairs), b(pairs). Anything the
attacker derives is a vector of the cells' row space; it reveals a small group if it is nonzero
and involves between 1 and k − 1 youth.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

WAVE_NAMES = ("T0", "T1", "change")


@dataclass(frozen=True)
class Structure:
    """Youth of one structure: T0 only, T1 only, paired."""

    first_only: int
    second_only: int
    pairs: int

    def count(self, wave: str) -> int:
        """n of this structure at a wave."""
        return {
            "T0": self.first_only + self.pairs,
            "T1": self.second_only + self.pairs,
            "change": self.pairs,
        }[wave]


def cell_vector(
    structures_in_group: Sequence[int], wave: str, structures: Sequence[Structure]
) -> list[Fraction]:
    """The sum a published cell reveals, over the unknowns (4 per structure; an empty set has none)."""
    vector = [Fraction(0)] * (4 * len(structures))
    for index in structures_in_group:
        structure = structures[index]
        first_only, second_only, first_paired, second_paired = range(4 * index, 4 * index + 4)
        if wave == "T0":
            vector[first_only] = Fraction(structure.first_only > 0)
            vector[first_paired] = Fraction(structure.pairs > 0)
        elif wave == "T1":
            vector[second_only] = Fraction(structure.second_only > 0)
            vector[second_paired] = Fraction(structure.pairs > 0)
        else:
            vector[second_paired] = Fraction(structure.pairs > 0)
            vector[first_paired] = -Fraction(structure.pairs > 0)
    return vector


def kernel(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the vectors orthogonal to every row (exact Gaussian elimination)."""
    matrix = [row[:] for row in rows]
    pivots: list[int] = []
    rank = 0
    for column in range(width):
        pivot = next((line for line in range(rank, len(matrix)) if matrix[line][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        scale = matrix[rank][column]
        matrix[rank] = [value / scale for value in matrix[rank]]
        for line in range(len(matrix)):
            if line != rank and matrix[line][column] != 0:
                factor = matrix[line][column]
                matrix[line] = [
                    value - factor * top for value, top in zip(matrix[line], matrix[rank], strict=True)
                ]
        pivots.append(column)
        rank += 1
    basis = []
    for free in (column for column in range(width) if column not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for line, pivot in enumerate(pivots):
            vector[pivot] = -matrix[line][free]
        basis.append(vector)
    return basis


def rank_of(columns: list[list[Fraction]]) -> int:
    """Rank of a small matrix given by its rows."""
    width = len(columns[0]) if columns else 0
    return width - len(kernel(columns, width)) if columns else 0


def smallest_revealed_group(
    structures: Sequence[Structure],
    groups: Sequence[Sequence[int]],
    published: Sequence[tuple[int, str]],
    minimum_group_size: int,
) -> tuple[int, ...] | None:
    """Atoms (structure × set) of fewer than k youth on which a nonzero combination is derivable, if any.

    ``groups`` lists each group's structures; ``published`` the (group, wave) cells published.
    A derivable vector supported on a set S of unknowns exists iff the kernel restricted to S
    has rank below |S|.
    """
    width = 4 * len(structures)
    rows = [cell_vector(groups[group], wave, structures) for group, wave in published]
    basis = kernel(rows, width) if rows else [[Fraction(1) if i == j else Fraction(0) for i in range(width)]
                                              for j in range(width)]  # fmt: skip
    # Atoms: (youth, unknown positions); the paired youth of a structure carry two unknowns.
    atoms = []
    for index, structure in enumerate(structures):
        atoms.append((structure.first_only, (4 * index,)))
        atoms.append((structure.second_only, (4 * index + 1,)))
        atoms.append((structure.pairs, (4 * index + 2, 4 * index + 3)))
    atoms = [atom for atom in atoms if atom[0] > 0]
    for size in range(1, len(atoms) + 1):
        for chosen in itertools.combinations(range(len(atoms)), size):
            youth = sum(atoms[atom][0] for atom in chosen)
            if youth >= minimum_group_size:
                continue
            positions = [position for atom in chosen for position in atoms[atom][1]]
            restricted = [[vector[position] for position in positions] for vector in basis]
            if rank_of(restricted) < len(positions):
                return chosen
    return None


def masked_cell_is_derivable(
    structures: Sequence[Structure], group: Sequence[int], wave: str, basis_rows: list[list[Fraction]]
) -> bool:
    """Whether a masked cell's sum lies in the row space of the published cells (orthogonal to the kernel)."""
    vector = cell_vector(group, wave, structures)
    width = len(vector)
    basis = kernel(basis_rows, width) if basis_rows else None
    if basis is None:
        return not any(vector)
    return all(sum(x * y for x, y in zip(vector, kernel_vector, strict=True)) == 0 for kernel_vector in basis)
