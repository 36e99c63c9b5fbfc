"""An attacker with exact linear algebra: what can be derived from the published cells of one indicator?

Youth of a structure fall in three sets: paired (a value at T0 and at T1: a and b), T0 only (a:
left before T1, or skipped the question at T1) and T1 only (b). A published cell gives the sum
of its youth's values — n is always published, and n × value is the sum: T0 of a group sums a
over its T0 youth, T1 sums b, the change sums b − a over its pairs. Youth of one set of one
structure are interchangeable for every cell, so the unknowns are per structure: a(T0 only),
b(T1 only), a(pairs), b(pairs). The 95 % intervals give the sums of squares as well: a², b², and
for the change (b − a)² = a² + b² − 2ab, whose cross term ab is a fifth unknown of the pairs.

Anything the attacker derives is a vector of the cells' row space; it reveals a small group if it
is nonzero and involves between 1 and k − 1 youth. The search is exact: the derivable vectors
that avoid every atom (structure × set) of k youth or more form a subspace, and a set of atoms is
revealed iff some nonzero vector of it vanishes on every other atom.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

WAVE_NAMES = ("T0", "T1", "change")
# Unknowns per structure: sums (aF, bS, aP, bP) or sums of squares (aF², bS², aP², bP², abP).
SUMS, SQUARES = "sums", "squares"
_WIDTH = {SUMS: 4, SQUARES: 5}


@dataclass(frozen=True)
class Structure:
    """Youth of one structure, for one indicator: T0 only, T1 only, paired."""

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
    structures_in_group: Sequence[int], wave: str, structures: Sequence[Structure], moment: str = SUMS
) -> list[Fraction]:
    """The sum a published cell reveals, over the unknowns of every structure (an empty set has none)."""
    width = _WIDTH[moment]
    vector = [Fraction(0)] * (width * len(structures))
    for index in structures_in_group:
        structure = structures[index]
        first_only, second_only, first_paired, second_paired = range(width * index, width * index + 4)
        paired = Fraction(structure.pairs > 0)
        if wave == "T0":
            vector[first_only] = Fraction(structure.first_only > 0)
            vector[first_paired] = paired
        elif wave == "T1":
            vector[second_only] = Fraction(structure.second_only > 0)
            vector[second_paired] = paired
        elif moment == SUMS:
            vector[second_paired], vector[first_paired] = paired, -paired
        else:
            vector[first_paired] = vector[second_paired] = paired
            vector[width * index + 4] = -2 * paired
    return vector


def _atoms(structures: Sequence[Structure], moment: str) -> list[tuple[int, tuple[int, ...]]]:
    """(youth, unknown positions) of each nonempty set of each structure."""
    width = _WIDTH[moment]
    atoms = []
    for index, structure in enumerate(structures):
        base = width * index
        atoms.append((structure.first_only, (base,)))
        atoms.append((structure.second_only, (base + 1,)))
        atoms.append((structure.pairs, tuple(range(base + 2, base + width))))
    return [atom for atom in atoms if atom[0] > 0]


def echelon(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """A basis of the span of the rows, in reduced row echelon form (exact Gaussian elimination)."""
    matrix = [row[:] for row in rows if any(row)]
    width = len(matrix[0]) if matrix else 0
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
        rank += 1
    return matrix[:rank]


def rank_of(rows: list[list[Fraction]]) -> int:
    """Rank of a small matrix given by its rows."""
    return len(echelon(rows))


def derivable_avoiding(rows: list[list[Fraction]], avoided: Sequence[int]) -> list[list[Fraction]]:
    """A basis of the combinations of ``rows`` that are zero on every ``avoided`` position."""
    basis = echelon(rows)
    if not avoided:
        return basis
    # Reduce the basis on the avoided positions first: the rows left with zeros there span the answer.
    others = [position for position in range(len(basis[0]) if basis else 0) if position not in set(avoided)]
    order = list(avoided) + others
    reduced = echelon([[row[position] for position in order] for row in basis])
    inverse = {position: place for place, position in enumerate(order)}
    return [
        [row[inverse[position]] for position in range(len(order))]
        for row in reduced
        if not any(row[: len(avoided)])
    ]


def null_space(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the vectors x with ``row · x = 0`` for every row."""
    reduced = echelon(rows)
    pivots = [next(column for column, value in enumerate(row) if value != 0) for row in reduced]
    basis = []
    for free in (column for column in range(width) if column not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, pivot in zip(reduced, pivots, strict=True):
            vector[pivot] = -row[free]
        basis.append(vector)
    return basis


def revealed_group(
    structures: Sequence[Structure],
    groups: Sequence[Sequence[int]],
    published: Sequence[tuple[int, str]],
    minimum_group_size: int,
    moment: str = SUMS,
) -> tuple[tuple[int, tuple[int, ...]], ...] | None:
    """Atoms (structure × set), fewer than k youth together, on which a nonzero combination is derivable.

    ``groups`` lists each group's structures; ``published`` the (group, wave) cells published.
    Returns the atoms as (youth, unknown positions), or None: nothing is revealed.

    The derivable vectors that avoid every atom of k youth or more are c · B for a basis B and
    coefficients c. The search decides atom by atom, heaviest first, whether c vanishes on it
    (c then lies in a smaller space) or not (its youth count); it stops at k youth or when only
    c = 0 is left. A space left nonzero once every atom is decided is a revealed group.
    """
    atoms = _atoms(structures, moment)
    rows = [cell_vector(groups[group], wave, structures, moment) for group, wave in published]
    large = [position for youth, positions in atoms if youth >= minimum_group_size for position in positions]
    basis = derivable_avoiding(rows, large) if rows else []
    small = sorted((atom for atom in atoms if atom[0] < minimum_group_size), reverse=True)

    def search(
        position: int,
        space: list[list[Fraction]],
        youth: int,
        chosen: tuple[tuple[int, tuple[int, ...]], ...],
    ) -> tuple[tuple[int, tuple[int, ...]], ...] | None:
        if not space:
            return None
        if position == len(small):
            return chosen
        atom_youth, positions = small[position]
        # What each coefficient vector of the space gives on this atom's unknowns.
        blocks = [
            [sum((c * vector[place] for c, vector in zip(coefficients, basis, strict=True)), Fraction(0))
             for place in positions]
            for coefficients in space
        ]  # fmt: skip
        vanishing = null_space([list(column) for column in zip(*blocks, strict=True)], len(space))
        if len(vanishing) == len(space):  # already zero on this atom
            return search(position + 1, space, youth, chosen)
        smaller = [
            [sum((y * row[i] for y, row in zip(combination, space, strict=True)), Fraction(0))
             for i in range(len(basis))]
            for combination in vanishing
        ]  # fmt: skip
        found = search(position + 1, smaller, youth, chosen)
        if found is None and youth + atom_youth < minimum_group_size:
            found = search(position + 1, space, youth + atom_youth, (*chosen, small[position]))
        return found

    identity = [[Fraction(int(i == j)) for j in range(len(basis))] for i in range(len(basis))]
    return search(0, identity, 0, ())


def masked_cell_is_derivable(
    structures: Sequence[Structure],
    group: Sequence[int],
    wave: str,
    published_rows: list[list[Fraction]],
    moment: str = SUMS,
) -> bool:
    """Whether a masked cell's sum lies in the row space of the published cells."""
    vector = cell_vector(group, wave, structures, moment)
    return rank_of([*published_rows, vector]) == rank_of(published_rows)


def sector_tree(organisations):
    """Keys and parents, each group's structures (by position), and the structures in order."""
    structures = [structure for parts in organisations for structure in parts]
    keys = [("sector", None)]
    members = [list(range(len(structures)))]
    position = 0
    for number, parts in enumerate(organisations):
        keys.append((f"o{number}", "sector"))
        members.append(list(range(position, position + len(parts))))
        for offset in range(len(parts)):
            keys.append((f"s{position + offset}", f"o{number}"))
            members.append([position + offset])
        position += len(parts)
    return keys, members, structures
