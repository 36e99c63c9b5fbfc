"""Check how the parts of a référentiel refer to one another, once each part has a valid shape.

``validate(referentiel)`` returns every problem as ``(path, message)``, the path in the file's
terms (``("questions", 4, "condition", "question")``) so the loader can point at a line. It never
raises and never stops at the first problem: an author fixes a file in one pass.

What is checked, and why:

* unique ids (questions, options, dimensions, indicators, waves), since answers, exports and
  Telegram buttons refer to them by id;
* every text in every language, so no youth sees a blank;
* the option id ``skip`` is reserved for "je préfère ne pas répondre";
* each type has the fields it needs (options for choices, bounds for numbers), scale options
  carry distinct values, yes/no has exactly two options;
* questions of a dimension are contiguous (its introduction is shown once);
* a condition names an *earlier* choice question and existing options, and conditions never
  form a cycle (A shown if B, B shown if A);
* an indicator's questions, options and parameters fit its kind; free text is never scored;
* safeguarding triggers name existing questions, options and help resources, and with help
  resources each has its advice and reminder; one resource at least is shown always;
* a distribution uses one single-answer question, is never declared comparable, and the ids of
  its per-option shares are free;
* breakdowns name context single-choice questions asked to everyone;
* waves: T0 exists, and T1 has a default delay;
* a named scale has at least 2 options;
* ``comparable_with`` names earlier versions only (the indicators it names are checked against
  those versions by ``referentiel.versioning``, when the versions are loaded together).

``unchecked`` holds the ids of items the loader had to leave out because their shape was
invalid (already reported): references to them are not reported again as unknown.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping

from referentiel.indicator_validation import check_indicators, has_options_if_choice
from referentiel.models import CHOICE_TYPES, Question, Referentiel

Location = tuple[str | int, ...]
Finding = tuple[Location, str]

RESERVED_OPTION_IDS = frozenset({"skip"})


@dataclasses.dataclass(frozen=True)
class Unchecked:
    """Ids present in the file whose items were left out for an invalid shape (already reported)."""

    questions: frozenset[str] = frozenset()
    dimensions: frozenset[str] = frozenset()
    scales: frozenset[str] = frozenset()


def validate(referentiel: Referentiel, unchecked: Unchecked | None = None) -> list[Finding]:
    """Return every cross-reference problem of a référentiel (empty when it is usable)."""
    unchecked = unchecked or Unchecked()
    # A reference to a duplicated id is ambiguous: the duplicate is the problem, reported once.
    duplicated = _duplicates(question.id for question in referentiel.questions)
    unchecked = dataclasses.replace(unchecked, questions=unchecked.questions | duplicated)
    findings: list[Finding] = []
    findings += _check_texts(referentiel)
    findings += _check_unique(referentiel)
    findings += _check_waves(referentiel)
    findings += _check_scales(referentiel)
    findings += _check_questions(referentiel, unchecked)
    findings += check_indicators(referentiel, unchecked.questions, unchecked.dimensions)
    findings += _check_safeguarding(referentiel, unchecked)
    findings += _check_breakdowns(referentiel, unchecked)
    return findings


def _check_breakdowns(referentiel: Referentiel, unchecked: Unchecked) -> list[Finding]:
    """An export breaks indicators down by a context question's option: one answer, no dimension."""
    findings: list[Finding] = []
    questions = {question.id: question for question in referentiel.questions}
    for index, question_id in enumerate(referentiel.breakdowns):
        question = questions.get(question_id)
        where: Location = ("breakdowns", index)
        if question_id in unchecked.questions:
            continue
        if question is None:
            findings.append((where, f"unknown question {question_id!r}"))
        elif question.dimension is not None or question.type != "single_choice" or question.condition:
            findings.append(
                (where, f"{question_id!r} must be a context single_choice question asked to everyone")
            )
    if len(set(referentiel.breakdowns)) != len(referentiel.breakdowns):
        findings.append((("breakdowns",), "a question is named more than once"))
    return findings


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {item for item, count in Counter(ids).items() if count > 1}


def _missing_languages(text: Mapping[str, str], languages: tuple[str, ...]) -> list[str]:
    return [language for language in languages if language not in text]


def _check_texts(referentiel: Referentiel) -> list[Finding]:
    """Every text has every language, and only declared ones."""
    languages = referentiel.languages
    texts: list[tuple[Location, Mapping[str, str]]] = [(("title",), referentiel.title)]
    for index, wave in enumerate(referentiel.waves):
        texts.append((("waves", index, "title"), wave.title))
    for index, dimension in enumerate(referentiel.dimensions):
        for field in ("title", "key_effect", "introduction"):
            texts.append((("dimensions", index, field), getattr(dimension, field)))
    for index, question in enumerate(referentiel.questions):
        texts.append((("questions", index, "text"), question.text))
        for option_index, option in enumerate(question.options):
            texts.append((("questions", index, "options", option_index, "label"), option.label))
    for index, indicator in enumerate(referentiel.declared_indicators):
        texts.append((("indicators", index, "title"), indicator.title))
        texts.append((("indicators", index, "description"), indicator.description))
    for index, trigger in enumerate(referentiel.safeguarding):
        for field in ("advice", "reminder"):
            if getattr(trigger, field) is not None:
                texts.append((("safeguarding", index, field), getattr(trigger, field)))
    for index, resource in enumerate(referentiel.help_resources):
        texts.append((("help_resources", index, "name"), resource.name))
        texts.append((("help_resources", index, "description"), resource.description))
    findings: list[Finding] = []
    for path, text in texts:
        for language in _missing_languages(text, languages):
            findings.append((path, f"missing the {language!r} translation"))
        for language in sorted(set(text) - set(languages)):
            findings.append(((*path, language), f"{language!r} is not in languages: {languages}"))
    return findings


def _check_unique(referentiel: Referentiel) -> list[Finding]:
    findings: list[Finding] = []
    for field in ("waves", "dimensions", "questions", "declared_indicators"):
        items = getattr(referentiel, field)
        repeated = _duplicates(item.id for item in items)
        section = field.removeprefix("declared_")
        for index, item in enumerate(items):
            if item.id in repeated:
                findings.append(((section, index, "id"), f"id {item.id!r} is used more than once"))
    for index, question in enumerate(referentiel.questions):
        repeated = _duplicates(question.option_ids)
        for option_index, option in enumerate(question.options):
            path: Location = ("questions", index, "options", option_index, "id")
            if option.id in repeated:
                findings.append((path, f"option id {option.id!r} is used more than once"))
            if option.id in RESERVED_OPTION_IDS:
                findings.append((path, f"option id {option.id!r} is reserved for skipping"))
    return findings


def _check_waves(referentiel: Referentiel) -> list[Finding]:
    wave_ids = {wave.id for wave in referentiel.waves}
    findings: list[Finding] = []
    if "T0" not in wave_ids:
        findings.append((("waves",), "a T0 wave is required: it is the baseline of every change"))
    for index, wave in enumerate(referentiel.waves):
        if wave.id == "T1" and wave.default_delay_days is None:
            findings.append((("waves", index), "T1 needs default_delay_days (e.g. 180)"))
    return findings


def _check_scales(referentiel: Referentiel) -> list[Finding]:
    return [
        (("scales", name), f"the scale {name!r} needs at least 2 options")
        for name, options in referentiel.scales.items()
        if len(options) < 2
    ]


def _check_questions(referentiel: Referentiel, unchecked: Unchecked) -> list[Finding]:
    findings: list[Finding] = []
    dimension_ids = {dimension.id for dimension in referentiel.dimensions} | unchecked.dimensions
    scale_names = set(referentiel.scales)
    cycles = condition_cycles(referentiel)
    in_cycle = {question_id for cycle in cycles for question_id in cycle}
    earlier: dict[str, Question] = {}
    finished_dimensions: set[str] = set()
    previous_dimension: str | None = None
    for index, question in enumerate(referentiel.questions):
        path: Location = ("questions", index)
        if question.dimension is not None and question.dimension not in dimension_ids:
            findings.append(((*path, "dimension"), f"unknown dimension {question.dimension!r}"))
        if question.dimension != previous_dimension:
            if previous_dimension is not None:
                finished_dimensions.add(previous_dimension)
            if question.dimension is not None and question.dimension in finished_dimensions:
                findings.append(
                    (
                        (*path, "dimension"),
                        f"questions of {question.dimension!r} must follow one another "
                        "(its introduction is shown once)",
                    )
                )
            previous_dimension = question.dimension
        if question.scale is not None and question.scale not in scale_names | unchecked.scales:
            findings.append(((*path, "scale"), f"unknown scale {question.scale!r}"))
        # Options taken from an unknown or too short scale are that scale's problem, reported once.
        countable = question.scale is None or len(referentiel.scales.get(question.scale, ())) >= 2
        findings += [((*path, *where), message) for where, message in _check_type(question, countable)]
        cycle = next((cycle for cycle in cycles if cycle[0] == question.id), None)
        if cycle is not None:
            arrows = " → ".join(repr(question_id) for question_id in (*cycle, cycle[0]))
            findings.append(
                (
                    (*path, "condition", "question"),
                    f"condition cycle: {arrows} (a question cannot depend on itself, even through others)",
                )
            )
        elif (
            question.condition is not None
            and question.id not in in_cycle
            and question.condition.question not in unchecked.questions
        ):
            findings += _check_condition(path, question, earlier)
        earlier[question.id] = question
    return findings


def condition_cycles(referentiel: Referentiel) -> list[tuple[str, ...]]:
    """Return each cycle of conditions once, starting at its question asked first."""
    shown_if = {
        question.id: question.condition.question
        for question in referentiel.questions
        if question.condition is not None
    }
    order = {question.id: index for index, question in enumerate(referentiel.questions)}
    cycles: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for start in shown_if:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current not in chain and current not in seen:
            chain.append(current)
            current = shown_if.get(current)
        seen.update(chain)
        if current is not None and current in chain:
            cycle = chain[chain.index(current) :]
            first = min(range(len(cycle)), key=lambda index: order.get(cycle[index], 0))
            cycles.append(tuple(cycle[first:] + cycle[:first]))
    return cycles


def _check_type(question: Question, countable: bool = True) -> list[Finding]:
    """Each type has exactly the fields it uses (options are not counted if their scale is wrong)."""
    findings: list[Finding] = []
    is_choice = question.type in CHOICE_TYPES
    if not countable and not question.options:
        pass  # the scale is the problem, reported at the scale
    elif is_choice and not question.options:
        findings.append(
            (("options",), f"a {question.type} question needs options: write `options:` or name a `scale:`")
        )
    elif question.type == "yes_no" and len(question.options) != 2:
        findings.append((("options",), "a yes_no question has exactly 2 options"))
    elif is_choice and len(question.options) < 2:
        findings.append((("options",), f"a {question.type} question needs at least 2 options"))
    elif not is_choice and question.options:
        findings.append((("options",), f"a {question.type} question has no options"))
    if question.type == "scale":
        values = [option.value for option in question.options]
        if not values:
            pass  # reported above: no options at all
        elif any(value is None for value in values):
            findings.append((("options",), "every option of a scale needs a value"))
        elif len(set(values)) != len(values):
            findings.append((("options",), "the options of a scale need distinct values"))
    elif question.reverse:
        findings.append(
            (("reverse",), f"only scale questions can be reversed, and this one is {question.type}")
        )
    if question.type == "number":
        if question.minimum is None or question.maximum is None:
            findings.append(((), "a number question needs minimum and maximum"))
        elif question.minimum >= question.maximum:
            findings.append((("maximum",), "maximum must be greater than minimum"))
    elif question.minimum is not None or question.maximum is not None:
        findings.append(((), "only number questions have minimum and maximum"))
    if question.type != "multiple_choice":
        for option_index, option in enumerate(question.options):
            if option.exclusive:
                findings.append((("options", option_index, "exclusive"), "only multiple-choice options"))
    return findings


def _check_condition(path: Location, question: Question, earlier: Mapping[str, Question]) -> list[Finding]:
    assert question.condition is not None
    condition = question.condition
    shown_if = earlier.get(condition.question)
    if shown_if is None:
        return [
            (
                (*path, "condition", "question"),
                f"{condition.question!r} is not a question asked before {question.id!r}",
            )
        ]
    if shown_if.type not in CHOICE_TYPES:
        return [((*path, "condition", "question"), "a condition needs a choice question")]
    return [
        ((*path, "condition", "any_of", index), f"{condition.question!r} has no option {option!r}")
        for index, option in enumerate(condition.any_of)
        if shown_if.option(option) is None
    ]


def _check_help_resources(referentiel: Referentiel) -> list[Finding]:
    """Unique ids, and at least one resource shown in every block (119)."""
    findings: list[Finding] = []
    repeated = _duplicates(resource.id for resource in referentiel.help_resources)
    for index, resource in enumerate(referentiel.help_resources):
        if resource.id in repeated:
            findings.append((("help_resources", index, "id"), f"id {resource.id!r} is used more than once"))
    if referentiel.help_resources and not any(resource.always for resource in referentiel.help_resources):
        findings.append((("help_resources",), "mark at least one resource `always: true` (119, 112)"))
    return findings


def _check_safeguarding(referentiel: Referentiel, unchecked: Unchecked) -> list[Finding]:
    findings: list[Finding] = _check_help_resources(referentiel)
    resource_ids = {resource.id for resource in referentiel.help_resources}
    for index, trigger in enumerate(referentiel.safeguarding):
        for resource_index, resource_id in enumerate(trigger.resources):
            if resource_id not in resource_ids:
                findings.append(
                    (
                        ("safeguarding", index, "resources", resource_index),
                        f"unknown help resource {resource_id!r}",
                    )
                )
        if referentiel.help_resources and (trigger.advice is None or trigger.reminder is None):
            findings.append(
                (("safeguarding", index), "with help_resources, each trigger needs its advice and reminder")
            )
    questions = {question.id: question for question in referentiel.questions}
    for index, trigger in enumerate(referentiel.safeguarding):
        question = questions.get(trigger.question)
        if trigger.question in unchecked.questions or (question and not has_options_if_choice(question)):
            continue
        if question is None:
            findings.append((("safeguarding", index, "question"), f"unknown question {trigger.question!r}"))
            continue
        for option_index, option_id in enumerate(trigger.any_of):
            if question.option(option_id) is None:
                findings.append(
                    (
                        ("safeguarding", index, "any_of", option_index),
                        f"{trigger.question!r} has no option {option_id!r}",
                    )
                )
    return findings
