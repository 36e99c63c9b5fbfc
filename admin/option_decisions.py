"""How a question's options are decided on the whole tree: the workshop pack's rule, in one place.

The pack publishes each question's option counts (``admin.workshop_options``); the score export
decides the n of an indicator asked after some answers so that it gives back none of those the
pack withholds (``admin.counted_decisions``), so both read the pack's decisions from here.
"""

from collections.abc import Sequence

from admin.disclosure import DisclosureTree, Reasons

# Above this share of a group's answers, one option is flagged (« plus de 80 % dans une option »).
ONE_OPTION = 0.80
# The question types whose most chosen option may be flagged.
FLAGGED_TYPES = ("scale", "yes_no", "single_choice")


def decide_question_options(
    tree: DisclosureTree,
    parts: Sequence[Sequence[int]],
    question_type: str,
    counts: tuple[Sequence[int], Sequence[int], Sequence[Sequence[int]]],
    group_reasons: Reasons,
    minimum_side: int,
) -> list[Reasons]:
    """Every group's decisions on every option of one question: ``reasons[option][group]``.
    ``counts``: per group, the runs shown it and those that answered it, then per option per
    group the answers that chose it."""
    shown, answered, chosen = counts
    reasons = [tree.decide_sides(answered, option, group_reasons, minimum_side) for option in chosen]
    if question_type == "multiple_choice" or not reasons:
        return reasons  # several answers: the options do not add up
    limits = (minimum_side, ONE_OPTION if question_type in FLAGGED_TYPES else None)
    tree.settle_options(parts, (shown, answered), chosen, (group_reasons, reasons), limits)
    return reasons


def named_count_given(
    tree: DisclosureTree,
    parts: Sequence[Sequence[int]],
    question_type: str,
    counts: tuple[Sequence[int], Sequence[int], Sequence[Sequence[int]]],
    limits: tuple[int, int],
    named: Sequence[bool],
) -> list[bool]:
    """Per group, whether a reader of every pack knows exactly how many chose one of the
    ``named`` options: each of them known, or, the group's answers published, each of the others.
    An option's count is known where a pack publishes it or one sum of known ones gives it back
    (a group's last option, a group's parts, a parent less its other parts), as the pack allows
    for counts of 3 youth or more on each side. ``counts`` as ``decide_question_options``';
    ``limits``: k and ``minimum_side``. A multiple choice's options do not add up: never."""
    minimum_group_size, minimum_side = limits
    shown, answered = counts[0], counts[1]
    if question_type == "multiple_choice":
        return [False] * len(answered)
    group_reasons = tree.decide(list(shown), minimum_group_size)
    reasons = decide_question_options(tree, parts, question_type, counts, group_reasons, minimum_side)
    known = [[reason is None for reason in row] for row in reasons]
    moved = True
    while moved:
        moved = False
        for group, group_parts in enumerate(parts):
            unknown = [row for row in known if not row[group]]
            if group_reasons[group] is None and len(unknown) == 1:
                unknown[0][group] = moved = True
            for row in known:
                if not row[group] and group_parts and all(row[part] for part in group_parts):
                    row[group] = moved = True
                left = [part for part in group_parts if not row[part]]
                if row[group] and len(left) == 1:
                    row[left[0]] = moved = True
    return [
        all(row[group] for row, name in zip(known, named, strict=True) if name)
        or (reason is None and all(row[group] for row, name in zip(known, named, strict=True) if not name))
        for group, reason in enumerate(group_reasons)
    ]
