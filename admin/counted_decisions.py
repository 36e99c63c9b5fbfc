"""The n of the indicators that count other answers: decided once for all those that show it.

An indicator read from a question asked only after some earlier answers (« Ce parcours
correspond à ce que tu veux faire ? » after « oui » or « un peu », a perceived change after more
than 3 months here: ``admin.context_questions.counting_conditions``) has an n that counts those
answers. Beside the others' n (the youth who answered), the earlier question's answered count
(the workshop pack's) or the n of an indicator reading the same questions, it would tell how
many gave them. So it is a share of each such reference under the attribute rule
(``DisclosureTree.decide_sides`` on the tree, at T0, at T1 and for the pairs), and its withheld
rows show no n.

Three readers' findings (2026-11-30) shape how the checks are grouped:

* A group's n is published as soon as one indicator reading the same questions shows it (a
  distribution's five options share one n). Decided option by option, one option had published
  s2's n where the other four withheld it to protect s1, and s1's came back by subtraction. So
  the checks on an n are made once for all the indicators reading its questions, a group's n
  masked to them only where every one of them withholds it.
* A reader who finds the youth who skipped the question or stopped before it (other questions'
  n fall by as many) gets from n the count it tells: those who gave the answers the conditions
  name (30 − 27 left 3 beside the youth who answered, of whom 1 had stopped: 2 here under 3
  months). That count is the earlier question's answers less its other options', which the pack
  publishes one by one; decided as a share, it still gave a withheld option back (n 12 less an
  exact « Plus d'un an » 11: 1 here 3 months to 1 year; a sector's n less an organisation's
  count the pack gave: the other organisation's 0). So n is shown only where the pack's figures
  give that count already (``admin.option_decisions.named_count_given``); of a multiple choice,
  whose options do not add up, it is decided as a share of those who answered.

Each check only withholds more, in every indicator it is made for, until none moves.
"""

from collections.abc import Sequence
from typing import NamedTuple

from admin.context_questions import (
    asked_under_conditions,
    conditions_named,
    conditions_of,
    counted_conditions,
    earlier_questions,
    later_questions,
)
from admin.disclosure import SECONDARY, DisclosureTree, Reasons, WaveDecisions, withheld_more
from admin.option_decisions import named_count_given
from referentiel.models import Condition, Referentiel

# Per wave (T0, T1, the pairs), per indicator column, every group's n.
CountsPerWave = Sequence[Sequence[list[int]]]


class CountedInputs(NamedTuple):
    """What the checks read: per wave (T0, T1, the pairs) each indicator's n per group (``n``);
    the columns that count no other answers (``others``); and, at T0 and T1, per group the runs
    that answered each earlier question, were shown each later one and gave each condition's
    answers (``answered``, in the order of ``admin.earlier_answers.EarlierAnswers.counted``);
    each group's parts and k, with which the pack decides the earlier questions' options."""

    n: CountsPerWave
    others: list[int]
    answered: list[list[list[int]]]
    parts: Sequence[Sequence[int]]
    minimum_group_size: int


class _Check(NamedTuple):
    """One share to decide: the indicators it is made for, the wave, its total and yes per group,
    and what a reader knows of yes beyond it (``limits``)."""

    columns: list[int]
    wave: int
    total: list[int]
    yes: list[int]
    limits: list[tuple[int, int]] | None


def decide_counted(
    tree: DisclosureTree,
    minimum_side: int,
    referentiel: Referentiel,
    inputs: CountedInputs,
    columns: list[int],
    found: list[WaveDecisions],
) -> None:
    """Withhold more of the counting indicators' rows (``columns``) in ``found``, in place."""
    sets: dict[tuple[str, ...], list[int]] = {}
    families: dict[tuple[Condition, ...], list[int]] = {}
    for column in columns:
        indicator = referentiel.indicators[column]
        sets.setdefault(tuple(indicator.questions), []).append(column)
        families.setdefault(conditions_of(referentiel, indicator), []).append(column)
    checks = [check for same_n in sets.values() for check in _n_checks(referentiel, inputs, same_n)]
    levels = {column: [found[column].first, found[column].second, found[column].change] for column in columns}
    for family, family_columns in families.items():
        answers_checks, withheld = _answers_checks(
            referentiel, (tree, minimum_side), inputs, family, family_columns
        )
        checks += answers_checks
        for wave, groups in withheld:
            for column in family_columns:
                levels[column][wave] = withheld_more(levels[column][wave], groups)
    moved = True
    while moved:
        moved = False
        for check in checks:
            # A group's n is masked only where none of the indicators shows it; with few youth on
            # one side, masked with no band (an n is shown or not: taken as banded, its bounds
            # had ``decide_sides`` mask a whole organisation's structures and the sector).
            masked: Reasons = [
                SECONDARY
                if all(levels[column][check.wave][group] is not None for column in check.columns)
                or (total > 0 and min(yes, total - yes) < minimum_side)
                else None
                for group, (total, yes) in enumerate(zip(check.total, check.yes, strict=True))
            ]
            more = tree.decide_sides(check.total, check.yes, masked, minimum_side, check.limits)
            for column in check.columns:
                after = withheld_more(levels[column][check.wave], more)
                if after != levels[column][check.wave]:
                    levels[column][check.wave] = after
                    moved = True
    for column in columns:
        found[column] = _with_change(found[column], *levels[column])


def _answers_checks(
    referentiel: Referentiel,
    rules: tuple[DisclosureTree, int],
    inputs: CountedInputs,
    family: tuple[Condition, ...],
    columns: list[int],
) -> tuple[list[_Check], list[tuple[int, list[bool]]]]:
    """What the count an n tells needs, for the indicators under the same conditions, at T0 and
    T1: how many gave the answers a condition names. Of a single choice, that count is the
    earlier question's answers less the other options', whose counts the pack publishes one by
    one: n beside them gave a withheld one back (n 12 less an exact « Plus d'un an » 11: 1 here
    3 months to 1 year; a sector's n gave its count of « De 3 mois à 1 an », and less an
    organisation's the pack gave, the other's 0: reviewers' plans). So n is shown only where the
    pack's figures give that count already (``named_count_given``): the groups where it must be
    withheld, per wave. Of a multiple choice, the count is decided as a share of those who
    answered the earlier question (a check)."""
    tree, minimum_side = rules
    earlier, counted = earlier_questions(referentiel), counted_conditions(referentiel)
    conditions = len(earlier) + len(later_questions(referentiel))
    options = conditions + len(counted)
    option_questions = [question for question in earlier for _ in referentiel.question(question).options]
    shown = options + len(option_questions)
    checks, withheld = [], []
    for condition in family:
        question = referentiel.question(condition.question)
        position = earlier.index(question.id)
        first = option_questions.index(question.id)
        named = [option.id in condition.any_of for option in question.options]
        for wave in (0, 1):
            answered = inputs.answered[wave]
            if question.type == "multiple_choice":
                given = answered[conditions + counted.index(condition)]
                checks.append(_Check(columns, wave, answered[position], given, None))
                continue
            chosen = [answered[options + first + option] for option in range(len(question.options))]
            counts = (answered[shown + position], answered[position], chosen)
            limits = (inputs.minimum_group_size, minimum_side)
            known = named_count_given(tree, inputs.parts, question.type, counts, limits, named)
            withheld.append((wave, [not exact for exact in known]))
    return checks, withheld


def _n_checks(referentiel: Referentiel, inputs: CountedInputs, same_n: list[int]) -> list[_Check]:
    """The shares one n is decided as, for the indicators reading the same questions: at T0 and
    T1, of the youth who answered (the largest n of the others), of those who answered each
    earlier question and of the n of each indicator reading any of the same questions
    (« no_school »: school_now); for the pairs, of the paired youth, of those paired on each such
    indicator and of its own levels (less the pairs, they count youth whose earlier answer changed
    between the waves, or who left). A reader knows that the n is at most the youth shown the
    question (the pack's « Posée à », or the earlier question's answers it names), and its pairs
    at most its n at either wave."""
    column = same_n[0]
    indicator = referentiel.indicators[column]
    questions = (*earlier_questions(referentiel), *later_questions(referentiel))
    n = inputs.n
    size = len(n[0][column])
    largest = [[max(wave[other][group] for other in inputs.others) for group in range(size)] for wave in n]
    asked_after = sorted(conditions_named(referentiel, indicator))
    later = [questions.index(question) for question in asked_under_conditions(referentiel, indicator)]
    limits = [
        [
            (0, min([largest[wave][group], *(inputs.answered[wave][position][group] for position in later)]))
            for group in range(size)
        ]
        for wave in (0, 1)
    ]
    limits.append([(0, min(first, second)) for first, second in zip(n[0][column], n[1][column], strict=True)])
    read = set(indicator.questions) | set(asked_after)
    siblings = [other for other in inputs.others if read & set(referentiel.indicators[other].questions)]
    references = [
        [
            largest[wave],
            *(inputs.answered[wave][questions.index(question)] for question in asked_after),
            *(n[wave][other] for other in siblings),
        ]
        for wave in (0, 1)
    ]
    references.append([largest[2], *(n[2][other] for other in siblings), n[0][column], n[1][column]])
    return [
        _Check(same_n, wave, reference, n[wave][column], limits[wave])
        for wave in range(3)
        for reference in references[wave]
    ]


def _with_change(decided: WaveDecisions, first: Reasons, second: Reasons, change: Reasons) -> WaveDecisions:
    """The new levels, and the change withheld with them (its share improved too)."""
    newly = [
        (after_first is not None and before_first is None)
        or (after_second is not None and before_second is None)
        for after_first, before_first, after_second, before_second in zip(
            first, decided.first, second, decided.second, strict=True
        )
    ]
    change = withheld_more(change, newly)
    change_newly = [
        after is not None and before is None for before, after in zip(decided.change, change, strict=True)
    ]
    improved = None if decided.improved is None else withheld_more(decided.improved, change_newly)
    return WaveDecisions(first, second, change, improved)
