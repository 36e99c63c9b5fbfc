"""Check a référentiel's indicators: their questions, options and parameters fit their kind.

Split from ``referentiel.validation`` (which calls ``check_indicators``) because indicators have
the most rules: each kind uses its own fields (a proportion one question and favourable options,
a count_at_least a threshold, a distribution one single-answer question and free per-option
ids), free text is never scored, and ``comparable_with`` names earlier versions once each.
Paths are in the file's terms, as in ``referentiel.validation``.
"""

import math

from referentiel.models import CHOICE_TYPES, MAXIMUM_IDENTIFIER_LENGTH, Indicator, Question, Referentiel

Location = tuple[str | int, ...]
Finding = tuple[Location, str]


def check_indicators(
    referentiel: Referentiel, unchecked_questions: frozenset[str], unchecked_dimensions: frozenset[str]
) -> list[Finding]:
    """Return every problem of the indicators as written in the file."""
    findings: list[Finding] = []
    dimension_ids = {dimension.id for dimension in referentiel.dimensions} | unchecked_dimensions
    questions = {question.id: question for question in referentiel.questions}
    declared_ids = {indicator.id for indicator in referentiel.declared_indicators}
    for index, indicator in enumerate(referentiel.declared_indicators):
        path: Location = ("indicators", index)
        if indicator.distribution_of is not None:
            findings.append(((*path, "distribution_of"), "distribution_of is set by Voix, not written"))
        if indicator.dimension not in dimension_ids:
            findings.append(((*path, "dimension"), f"unknown dimension {indicator.dimension!r}"))
        findings += _check_comparable_with(referentiel, path, indicator)
        known = []
        for question_index, question_id in enumerate(indicator.questions):
            question = questions.get(question_id)
            if question_id in unchecked_questions:
                continue
            if question is None:
                findings.append(((*path, "questions", question_index), f"unknown question {question_id!r}"))
            elif question.type == "short_text":
                findings.append(((*path, "questions", question_index), "free text is never scored"))
            else:
                known.append(question)
        if len(known) == len(indicator.questions) and all(has_options_if_choice(q) for q in known):
            findings += [((*path, *where), message) for where, message in _check_kind(indicator, known)]
            if indicator.kind == "distribution":
                findings += [
                    ((*path, *where), message)
                    for where, message in _check_distribution(indicator, known[0], declared_ids)
                ]
    return findings


def _check_distribution(indicator: Indicator, question: Question, taken: set[str]) -> list[Finding]:
    """A distribution needs one answer per youth, and its per-option ids must be free."""
    findings: list[Finding] = []
    if question.type not in ("scale", "yes_no", "single_choice"):
        findings.append((("questions",), f"{question.id!r} is not a single-answer choice question"))
    if indicator.comparable_with:
        findings.append((("comparable_with",), "a distribution is never paired T0→T1: no comparable_with"))
    if indicator.better != "higher":
        findings.append((("better",), "a distribution has no better direction"))
    for option in question.options:
        part = f"{indicator.id}_{option.id}"
        if part in taken:
            findings.append((("id",), f"its share of {option.id!r} would be {part!r}, an id already used"))
        elif len(part) > MAXIMUM_IDENTIFIER_LENGTH:
            findings.append(
                (
                    ("id",),
                    f"its share of {option.id!r} would be {part!r}: shorten the id to fit 40 characters",
                )
            )
    return findings


def _check_comparable_with(referentiel: Referentiel, path: Location, indicator: Indicator) -> list[Finding]:
    findings: list[Finding] = []
    versions = [earlier.version for earlier in indicator.comparable_with]
    for earlier_index, earlier in enumerate(indicator.comparable_with):
        where: Location = (*path, "comparable_with", earlier_index, "version")
        if earlier.version >= referentiel.version:
            findings.append(
                (
                    where,
                    f"version {earlier.version} is not earlier than this file's ({referentiel.version})",
                )
            )
        elif versions.index(earlier.version) != earlier_index:
            findings.append((where, f"version {earlier.version} is declared more than once"))
    return findings


def _check_kind(indicator: Indicator, questions: list[Question]) -> list[Finding]:
    """The questions and parameters an indicator uses fit its kind."""
    findings: list[Finding] = []
    single = indicator.kind in ("proportion", "mean", "distribution")
    if single and len(questions) != 1:
        findings.append((("questions",), f"a {indicator.kind} indicator uses exactly 1 question"))
    needs_favourable = indicator.kind in ("proportion", "count_at_least")
    if needs_favourable and not indicator.favourable:
        findings.append((("favourable",), f"a {indicator.kind} indicator needs favourable options"))
    if not needs_favourable and indicator.favourable:
        findings.append((("favourable",), f"a {indicator.kind} indicator has no favourable"))
    for option_index, option_id in enumerate(indicator.favourable):
        for question in questions:
            if question.option(option_id) is None:
                findings.append(
                    (("favourable", option_index), f"{question.id!r} has no option {option_id!r}")
                )
    if indicator.kind == "score":
        for question in questions:
            if question.type != "scale":
                findings.append((("questions",), f"{question.id!r} is not a scale question"))
    if indicator.kind == "mean":
        for question in questions:
            valued = question.type == "number" or (
                question.options and all(option.value is not None for option in question.options)
            )
            if not valued:
                findings.append((("questions",), f"{question.id!r} needs a number or values"))
    if indicator.kind == "count_at_least":
        if indicator.threshold is None:
            findings.append(((), "a count_at_least indicator needs a threshold"))
        elif indicator.threshold > len(questions):
            findings.append((("threshold",), "threshold is above the number of questions"))
    elif indicator.threshold is not None:
        findings.append((("threshold",), "only count_at_least indicators have a threshold"))
    if indicator.hidden_counts_as_unfavourable and indicator.kind != "proportion":
        findings.append((("hidden_counts_as_unfavourable",), "only for proportion indicators"))
    if indicator.kind == "distribution" and indicator.unit != "percent":
        findings.append((("unit",), "a distribution is a set of shares: its unit is percent"))
    if indicator.unit == "percent" and indicator.kind not in ("proportion", "count_at_least", "distribution"):
        findings.append((("unit",), f"a {indicator.kind} indicator is not a percent"))
    return findings


def has_options_if_choice(question: Question) -> bool:
    """A choice question without options is reported once; references to its options are not."""
    return question.type not in CHOICE_TYPES or bool(question.options)


def minimum_answered(indicator: Indicator) -> int:
    """Return how many of an indicator's questions must be answered for a score."""
    return max(1, math.ceil(indicator.minimum_answered_share * len(indicator.questions) - 1e-9))
