"""An attacker who knows who is in every group and solves for the options of one question.

Used on everything published of a question's options (the workshop packs' items, the score
export's distributions, the funnel's stages): per structure, each option's count and the
answers are unknowns; every exact count, band, answered count and ``one_option`` flag is a
constraint; integer programming (``scipy.optimize.milp``) bounds every withheld cell.
"""

import numpy
from scipy.optimize import Bounds, LinearConstraint, milp

from admin.option_decisions import ONE_OPTION

MINIMUM_SIDE = 3


def attack(groups, items, option_ids, single_answer, asked_after=None):
    """Bounds of every withheld cell from everything the packs publish of one question at one wave.

    Unknowns per structure: each option's count and the answers (skips unknown where the group's
    figures are masked). ``asked_after``: (options, {group key: shown}) of a question asked only
    after those options were chosen: as many youth at least chose them (some may have stopped
    before it). Returns [(group key, option, low, high, answered)] of the published groups'
    withheld cells."""
    structures = [group.key for group in groups if group.level == "structure"]
    under = {group.key: [] for group in groups}
    for group in groups:
        if group.level == "structure":
            ancestor = group
            while ancestor is not None:
                under[ancestor.key].append(structures.index(group.key))
                ancestor = next((found for found in groups if found.key == ancestor.parent), None)
    width = len(option_ids) + 1  # options, then answered
    size = width * len(structures)

    def row(key, column):
        coefficients = numpy.zeros(size)
        for structure in under[key]:
            coefficients[structure * width + column] = 1
        return coefficients

    rows, lows, highs = [], [], []

    def constrain(coefficients, low, high):
        rows.append(coefficients)
        lows.append(low)
        highs.append(high)

    for structure in range(len(structures)):
        total = numpy.zeros(size)
        total[structure * width : structure * width + width - 1] = 1
        total[structure * width + width - 1] = -1
        if single_answer:  # a multiple choice's options may add up to more
            constrain(total, 0, 0)
        for column in range(width - 1):  # no option chosen by more than answered
            single = numpy.zeros(size)
            single[structure * width + column] = 1
            single[structure * width + width - 1] = -1
            constrain(single, -numpy.inf, 0)
    for group in groups:
        item = items[group.key]
        if item["shown"] is not None:  # withheld for a question asked after some earlier answers
            constrain(row(group.key, width - 1), 0, item["shown"])
        if item["suppressed"]:
            continue
        answered = item["answered"]
        constrain(row(group.key, width - 1), answered, answered)
        for column, entry in enumerate(item["distribution"]):
            if entry["count"] is not None:
                constrain(row(group.key, column), entry["count"], entry["count"])
            elif entry["band"] is not None:
                # A band: fewer than MINIMUM_SIDE on its side (one of two ranges, both tried below).
                pass
        for found in item["flags"]:
            if found["flag"] == "one_option":
                column = [entry["label"] for entry in item["distribution"]].index(
                    found["reason"].split("« ")[1].split(" »")[0]
                )
                constrain(row(group.key, column), ONE_OPTION * answered + 1e-6, numpy.inf)
    if asked_after is not None:
        named, shown = asked_after
        for key, count in shown.items():
            if count is not None:
                constrain(sum(row(key, option_ids.index(option)) for option in named), count, numpy.inf)
    bands = [(group.key, column, entry["band"].startswith("<"), items[group.key]["answered"])
             for group in groups if not items[group.key]["suppressed"]
             for column, entry in enumerate(items[group.key]["distribution"]) if entry["band"]]  # fmt: skip
    for key, column, low_band, answered in bands:
        if low_band:
            constrain(row(key, column), 0, MINIMUM_SIDE - 1)
        else:
            constrain(row(key, column), answered - MINIMUM_SIDE + 1, answered)
    constraints = LinearConstraint(numpy.array(rows), lows, highs)
    found = []
    for group in groups:
        item = items[group.key]
        if item["suppressed"]:
            continue
        for column, entry in enumerate(item["distribution"]):
            if entry["count"] is not None:
                continue
            bounds = []
            for sign in (1, -1):
                result = milp(sign * row(group.key, column), constraints=constraints,
                              integrality=numpy.ones(size), bounds=Bounds(0, numpy.inf))  # fmt: skip
                assert result.success, result.message
                bounds.append(round(sign * result.fun))
            found.append((group.key, entry["option"], bounds[0], bounds[1], item["answered"]))
    return found
