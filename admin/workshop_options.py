"""The answers to each question on the whole tree, and which of their options every pack withholds.

A reader may hold several workshop packs: the sector's, its organisations', their structures'.
Decided within each pack's group alone, an option banded in one organisation's pack ("< 10 %")
would come back as the sector's exact count less the other organisations' exact counts. So the
options are decided once, on the whole tree (sector → organisations → structures), from each
structure's answers counted in the pass (``WorkshopObserver.answers``), and every pack shows,
for its group, the decisions made there — as the score export decides its shares
(``admin.disclosure``): per option, ``DisclosureTree.decide_sides`` (a band where fewer than
``minimum_side`` youth stand on one side, and more masked where subtraction between levels
would narrow a band); then, for a single answer, ``decide_options`` within each group (its
options add up to its answers). Each checks one direction as if it were all a reader had; a
reader has both (a count withheld within a group may come back from the level above), so
``admin.disclosure.option_bounds`` then masks more until no withheld option is bounded more
tightly than a band by all the sums at once, and ``decide_options`` runs again, until nothing
moves.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy

from admin.context_questions import breakdown_questions
from admin.disclosure import FEW_ON_ONE_SIDE, SECONDARY, DisclosureTree, Reasons
from admin.lacking_cells import ContextAnswers
from admin.option_decisions import decide_question_options
from admin.score_decisions import GroupLayout
from admin.score_table import Group
from admin.workshop_answer_counts import AnswerCounts, Codes
from referentiel.models import Condition, Question, Referentiel


@dataclass
class QuestionAnswers:
    """One question's answers, per group in export order (structures counted, groups above summed).

    ``options``: (option id or number, label), in the question's order (numbers: every value
    answered anywhere in the tree, so that every pack lists the same); ``chosen[option][group]``:
    the answers that chose it (a multiple choice's answer may choose several).
    """

    shown: list[int]
    answered: list[int]
    options: list[tuple[str, str]]
    chosen: list[list[int]]


@dataclass(frozen=True)
class GroupOptions:
    """What one group's pack shows of one question's options: counts, and those it withholds."""

    shown: int
    answered: int
    chosen: list[tuple[str, str, int]]
    # {position: banded?} of the withheld options (banded: a band stands in for the count).
    withheld: dict[int, bool]


def group_layout(groups: Sequence[Group]) -> GroupLayout:
    """The export's groups numbered for summing structures up the tree."""
    return GroupLayout.of(
        [(group.key, group.parent, group.id if group.level == "structure" else None) for group in groups]
    )


def tree_answers(
    referentiel: Referentiel, layout: GroupLayout, counted: AnswerCounts
) -> dict[str, QuestionAnswers]:
    """Every question's answers per group, from each structure's (question, stored text) → runs."""
    structure_codes, answer_codes, runs = counted.counted()
    place = {structure_id: index for index, structure_id in layout.structures}
    size = len(layout.keys_and_parents)
    position = {question.id: index for index, question in enumerate(referentiel.questions)}
    # Per (question, text) code: its question's position (-1: not in this version), whether it is
    # an answer (not a skip), and the rows of ``chosen`` it adds to: one per option (or number).
    question_of = _integers(position.get(question_id, -1) for question_id, _ in counted.answers.in_order)
    answered_of = numpy.array([text != "" for _, text in counted.answers.in_order], dtype=bool)
    values = Codes()  # (question id, option or number) → its row of ``chosen``
    rows_of = [
        [values[(question_id, value)] for value in _chosen_values(referentiel.question(question_id), text)]
        if text != "" and question_id in position
        else []
        for question_id, text in counted.answers.in_order
    ]
    groups = _integers(place.get(structure, -1) for structure in counted.structures.in_order)[structure_codes]
    questions = question_of[answer_codes]
    kept = (groups >= 0) & (questions >= 0)
    groups, questions, answer_codes, runs = groups[kept], questions[kept], answer_codes[kept], runs[kept]
    shown = numpy.zeros((len(position), size), dtype=numpy.int64)
    answered = numpy.zeros_like(shown)
    numpy.add.at(shown, (questions, groups), runs)
    given = answered_of[answer_codes]
    numpy.add.at(answered, (questions[given], groups[given]), runs[given])
    # Each key once per value its text chose (a multiple choice's several): that value's row.
    lengths = _integers(len(rows) for rows in rows_of)
    starts, per_key = numpy.cumsum(lengths) - lengths, lengths[answer_codes]
    repeated = numpy.repeat(numpy.arange(len(runs)), per_key)
    within = numpy.arange(len(repeated)) - numpy.repeat(numpy.cumsum(per_key) - per_key, per_key)
    flat = _integers(row for rows in rows_of for row in rows)
    chosen = numpy.zeros((len(values.in_order), size), dtype=numpy.int64)
    numpy.add.at(chosen, (flat[starts[answer_codes][repeated] + within], groups[repeated]), runs[repeated])
    present = numpy.asarray(chosen.any(axis=1))  # answered in a structure of the tree (before the sums above)
    layout.add_up(shown, answered, chosen)
    of_question: dict[str, dict[str, int]] = {question: {} for question in position}
    for row, (question_id, value) in enumerate(values.in_order):
        if present[row]:
            of_question[question_id][value] = row
    found = {}
    for question in referentiel.questions:
        rows = of_question[question.id]
        options = _options(question, rows)
        chosen_lists = [
            chosen[rows[option]].tolist() if option in rows else [0] * size for option, _ in options
        ]
        at = position[question.id]
        found[question.id] = QuestionAnswers(shown[at].tolist(), answered[at].tolist(), options, chosen_lists)
    return found


def _integers(values: Iterable[int]) -> numpy.ndarray:
    return numpy.fromiter(values, dtype=numpy.int64)


def decide_options_on_tree(
    tree: DisclosureTree,
    layout: GroupLayout,
    question: Question,
    answers: QuestionAnswers,
    group_reasons: Reasons,
    minimum_side: int,
) -> list[Reasons]:
    """Every group's decisions on every option of one question: ``reasons[option][group]``
    (``admin.option_decisions``)."""
    counts = (answers.shown, answers.answered, answers.chosen)
    return decide_question_options(tree, layout.parts, question.type, counts, group_reasons, minimum_side)


def group_items(
    tree: DisclosureTree,
    layout: GroupLayout,
    counted: AnswerCounts,
    referentiel: Referentiel,
    here: int,
    limits: tuple[int, int],
    withheld: Mapping[str, Sequence[bool]] | None = None,
) -> tuple[dict[str, str | None], dict[str, GroupOptions]]:
    """For the group at ``here``, per question of one wave and version: whether its figures are
    published (the group-size rule on the whole tree, the runs shown the question as ``n``) and
    what it shows of its options (decided on the whole tree). ``limits``: k and ``minimum_side``;
    ``withheld``: per question, the groups where the score export withholds the n of the
    indicator reading it (``admin.score_table.questions_withheld``), withheld here too."""
    minimum_group_size, minimum_side = limits
    reasons: dict[str, str | None] = {}
    options: dict[str, GroupOptions] = {}
    decided: dict[tuple[int, ...], Reasons] = {}
    # Per question already decided (a condition names an earlier one): its answers and decisions.
    earlier: dict[str, tuple[QuestionAnswers, Reasons, list[Reasons]]] = {}
    for question_id, answers in tree_answers(referentiel, layout, counted).items():
        shown = tuple(answers.shown)
        question = referentiel.question(question_id)
        condition = question.condition
        if condition is not None:
            asked_first = referentiel.question(condition.question)
            masked = condition_withheld(condition, asked_first, earlier[condition.question])
            also = (withheld or {}).get(question_id)
            if also is not None:
                masked = [first or second for first, second in zip(masked, also, strict=True)]
            group_reasons = tree.decide(shown, minimum_group_size, masked)
        else:
            if shown not in decided:
                decided[shown] = tree.decide(shown, minimum_group_size)
            group_reasons = decided[shown]
        reasons[question_id] = group_reasons[here]
        option_reasons = decide_options_on_tree(tree, layout, question, answers, group_reasons, minimum_side)
        earlier[question_id] = (answers, group_reasons, option_reasons)
        options[question_id] = group_options(answers, option_reasons, here)
    return reasons, options


def context_answers(
    tree: DisclosureTree,
    layout: GroupLayout,
    counted: AnswerCounts,
    referentiel: Referentiel,
    limits: tuple[int, int],
) -> list[ContextAnswers]:
    """Per context question of one wave and version (``breakdown_questions``), its answers on the
    tree and every group's decisions on them, decided as ``group_items`` decides them: the
    breakdowns' cells of a withheld answer are withheld too, since their n would give its count
    back (« 13 ou 14 ans » masked in the questions, n = 1 in the cells), and their n must not
    give it back through the youth lacking an indicator either (``admin.lacking_cells``). A
    context question asked under a condition (none today) is withheld everywhere."""
    minimum_group_size, minimum_side = limits
    answers = tree_answers(referentiel, layout, counted)
    size = len(layout.keys_and_parents)
    found = []
    for question in breakdown_questions(referentiel):
        if question.id not in answers or question.condition is not None:
            nothing = [0] * size
            withheld: Reasons = [SECONDARY] * size
            options = [list(withheld) for _ in question.options]
            found.append(
                ContextAnswers(nothing, nothing, [nothing for _ in options], withheld, options, False)
            )
            continue
        asked = answers[question.id]
        group_reasons = tree.decide(tuple(asked.shown), minimum_group_size)
        option_reasons = decide_options_on_tree(tree, layout, question, asked, group_reasons, minimum_side)
        found.append(ContextAnswers(asked.shown, asked.answered, asked.chosen, group_reasons, option_reasons))
    return found


def condition_withheld(
    condition: Condition, asked_first: Question, decided: tuple[QuestionAnswers, Reasons, list[Reasons]]
) -> list[bool]:
    """Per group, whether a question asked under ``condition`` must be withheld for it.

    A question asked only after some answers to an earlier one (``asked_first``: « Ce parcours
    correspond à ce que tu veux faire ? » after « oui » or « un peu » to « Tu sais ce que tu
    voudrais faire ? ») is asked to as many youth as gave those answers: its ``shown`` is their
    count. Published where one of those answers is withheld (a band, a mask), it would give that
    answer's count back (« Posée à » 8 and « oui » 4 published: « un peu » 4). So it is published
    only where the earlier question's figures are (``decided``: its answers, group and option
    decisions), with every answer the condition names exact, or every other one (the answers add
    up to the published total): there its ``shown`` adds nothing a reader could not work out."""
    answers, group_reasons, option_reasons = decided
    if asked_first.type == "multiple_choice" or len(option_reasons) != len(answers.options):
        # Youth who chose any of several options are not their options' sum (one may choose
        # several): no published count adds up to them. Not in today's référentiels.
        return [True] * len(group_reasons)
    named = {position for position, (option, _) in enumerate(answers.options) if option in condition.any_of}
    others = set(range(len(answers.options))) - named

    def exact(positions: set[int], group: int) -> bool:
        return all(option_reasons[position][group] is None for position in positions)

    return [
        group_reasons[group] is not None or not (exact(named, group) or exact(others, group))
        for group in range(len(group_reasons))
    ]


def group_options(answers: QuestionAnswers, reasons: Sequence[Reasons], index: int) -> GroupOptions:
    """What the pack of the group at ``index`` shows of one question's options."""
    return GroupOptions(
        answers.shown[index],
        answers.answered[index],
        [
            (option, label, chosen[index])
            for (option, label), chosen in zip(answers.options, answers.chosen, strict=True)
        ],
        {
            position: option_reasons[index] == FEW_ON_ONE_SIDE
            for position, option_reasons in enumerate(reasons)
            if option_reasons[index] is not None
        },
    )


def _chosen_values(question: Question, text: str) -> tuple[str, ...]:
    """The options (or numbers) one stored answer chose; none for a free text."""
    if question.type == "short_text":
        return ()
    value = json.loads(text)
    return tuple(str(chosen) for chosen in (value if isinstance(value, list) else [value]))


def _options(question: Question, answered: dict[str, int]) -> list[tuple[str, str]]:
    """A question's options in order: its own, or the numbers answered anywhere, by value."""
    if question.type == "short_text":
        return []
    if question.options:
        return [(option.id, option.label.get("fr", option.id)) for option in question.options]
    return [(value, value) for value in sorted(answered, key=float)]
