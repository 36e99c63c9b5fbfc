"""An attacker who knows who is in every group and solves for single answers to a yes/no question.

Youth of a structure fall in three sets, as in ``linear_attack``: T0 only, T1 only, paired. The
unknowns per structure are whole numbers: how many of its T0-only youth said yes at T0, of its
T1-only youth at T1, and how many of its paired youth said (no, no), (no, yes), (yes, no) and
(yes, yes). The attacker knows every group's n at every wave and reads each published cell:

* an exact T0 or T1 share gives its number of yes;
* an exact change gives the numbers who rose and who fell (the mean and its interval do);
* a band tells that fewer than ``minimum_side`` youth stand on its small side.

Then, by integer programming (``scipy.optimize.milp``, exact on these small problems), he bounds
the yes of every set of youth he might care about: any union of structures, for T0-only, T1-only
and paired youth at each wave, and the paired youth who rose or fell. A set is *given away* when
its bounds leave fewer than ``minimum_side`` youth on one side and say more than a band would (a
single count, or a narrower range): a reader then knows the answers of all but one or two.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy
from scipy.optimize import Bounds, LinearConstraint, milp

# Unknowns of a structure, in this order.
FIRST_ONLY_YES, SECOND_ONLY_YES, NO_NO, NO_YES, YES_NO, YES_YES = range(6)
WIDTH = 6
EXACT, LOW_BAND, HIGH_BAND = "exact", "low", "high"


@dataclass(frozen=True)
class Youth:
    """One structure's youth, for one yes/no indicator, with their true answers."""

    first_only: int
    second_only: int
    pairs: int
    first_only_yes: int
    second_only_yes: int
    no_no: int
    no_yes: int
    yes_no: int
    yes_yes: int

    def truth(self) -> list[int]:
        """The unknowns' true values."""
        return [self.first_only_yes, self.second_only_yes, self.no_no, self.no_yes, self.yes_no, self.yes_yes]


# Per quantity: the unknowns it adds, and the size of its set of youth.
QUANTITIES = {
    "T0 of T0-only youth": ((FIRST_ONLY_YES,), lambda youth: youth.first_only),
    "T0 of paired youth": ((YES_NO, YES_YES), lambda youth: youth.pairs),
    "T0 of all": ((FIRST_ONLY_YES, YES_NO, YES_YES), lambda youth: youth.first_only + youth.pairs),
    "T1 of T1-only youth": ((SECOND_ONLY_YES,), lambda youth: youth.second_only),
    "T1 of paired youth": ((NO_YES, YES_YES), lambda youth: youth.pairs),
    "T1 of all": ((SECOND_ONLY_YES, NO_YES, YES_YES), lambda youth: youth.second_only + youth.pairs),
    "rose": ((NO_YES,), lambda youth: youth.pairs),
    "fell": ((YES_NO,), lambda youth: youth.pairs),
    "stayed": ((NO_NO, YES_YES), lambda youth: youth.pairs),
}
# Who fell is a share of the pairs as who rose is: "1 of 27 fell" tells that one youth lost what
# they had (a participant's trial found it published), "nobody fell" what each of them kept; who
# stayed follows from both.
WAVE_QUANTITIES = {
    "T0": ("T0 of all",),
    "T1": ("T1 of all",),
    "change": ("rose", "fell", "stayed"),
}
CELL_UNKNOWNS = {"T0": QUANTITIES["T0 of all"][0], "T1": QUANTITIES["T1 of all"][0]}


def _vector(structures: Sequence[int], unknowns: Sequence[int], count: int) -> numpy.ndarray:
    vector = numpy.zeros(WIDTH * count)
    for structure in structures:
        for unknown in unknowns:
            vector[WIDTH * structure + unknown] = 1
    return vector


def given_away(
    youth: Sequence[Youth],
    groups: Sequence[Sequence[int]],
    cells: dict[tuple[int, str], str],
    minimum_side: int,
    quantities: Sequence[str] = tuple(QUANTITIES),
    whole_sets_only: bool = False,
    improved: int = NO_YES,
) -> list[tuple[tuple[int, ...], str, int, int, int]]:
    """Every (structures, quantity, size, lowest, highest) whose bounds give answers away.

    ``whole_sets_only``: only sets whose every answer is known (all no, or all yes): what a
    reader who knows no one's answer deduces, without the margin of ``minimum_side``.
    ``improved``: who the change's band counts, who rose (``NO_YES``), or who fell (``YES_NO``,
    an indicator where lower is better).

    ``cells`` maps (group, wave) — wave ``T0``, ``T1`` or ``change`` — to ``EXACT``, ``LOW_BAND`` or
    ``HIGH_BAND``; a cell not in it is masked. The true answers are consistent with every cell.
    """
    count = len(youth)
    rows, lower, upper = [], [], []
    for index, one in enumerate(youth):  # the paired youth of a structure are its four kinds of pairs
        rows.append(_vector([index], (NO_NO, NO_YES, YES_NO, YES_YES), count))
        lower.append(one.pairs)
        upper.append(one.pairs)
    truth = numpy.array([value for one in youth for value in one.truth()])
    for (group, wave), kind in cells.items():
        members = groups[group]
        pieces = [(CELL_UNKNOWNS[wave], None)] if wave != "change" else [((NO_YES,), None), ((YES_NO,), None)]
        for unknowns, _ in pieces:
            vector = _vector(members, unknowns, count)
            value = int(vector @ truth)
            size = sum(
                youth[s].first_only + youth[s].pairs if wave == "T0"
                else youth[s].second_only + youth[s].pairs if wave == "T1"
                else youth[s].pairs
                for s in members
            )  # fmt: skip
            if kind == EXACT:
                bounds = (value, value)
            elif kind == LOW_BAND:
                bounds = (0, minimum_side - 1)
            else:
                bounds = (size - minimum_side + 1, size)
            if wave == "change" and kind != EXACT and unknowns != (improved,):
                continue  # a band on the share improved: who moved the other way stays unknown
            rows.append(vector)
            lower.append(bounds[0])
            upper.append(bounds[1])
    ceilings = numpy.array(
        [
            limit
            for one in youth
            for limit in (one.first_only, one.second_only, one.pairs, one.pairs, one.pairs, one.pairs)
        ]
    )
    constraints = LinearConstraint(numpy.array(rows), numpy.array(lower), numpy.array(upper))
    bounds = Bounds(numpy.zeros(WIDTH * count), ceilings)
    integrality = numpy.ones(WIDTH * count)
    found = []
    for size_of_subset in range(1, count + 1):
        for structures in itertools.combinations(range(count), size_of_subset):
            for name in quantities:
                unknowns, size_of = QUANTITIES[name]
                size = sum(size_of(youth[s]) for s in structures)
                if size == 0:
                    continue
                objective = _vector(structures, unknowns, count)
                lowest = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
                highest = milp(-objective, constraints=constraints, integrality=integrality, bounds=bounds)
                assert lowest.success and highest.success, "the true answers satisfy every cell"
                low, high = round(lowest.fun), round(-highest.fun)
                if whole_sets_only:
                    if high == 0 or low == size:
                        found.append((structures, name, size, low, high))
                elif _gives_away(low, high, size, minimum_side):
                    found.append((structures, name, size, low, high))
    return found


def _gives_away(low: int, high: int, size: int, minimum_side: int) -> bool:
    """Fewer than ``minimum_side`` on one side, known more precisely than a band says it."""
    band = min(minimum_side - 1, size)
    few_yes = high <= minimum_side - 1 and (low > 0 or high < band)
    few_no = size - low <= minimum_side - 1 and (size - high > 0 or size - low < band)
    return few_yes or few_no
