"""Keep versions comparable: what may change between two versions of a référentiel.

Rules (``docs/referentiel.md`` explains them to authors):

* a published version is never edited; a change makes a new file with ``version`` + 1;
* ``(id, version)`` is unique among the files loaded together;
* a question id keeps its answers' meaning in every version: same type, same option ids and
  values, same reverse flag and bounds; changing them needs a new question id, otherwise stored
  answers would silently mean something else. Rewording keeps the id;
* a T0→T1 change across two versions exists only for the indicators the later file *declares*
  comparable (``comparable_with: [{version: 1, indicator: old_id}]``), and a declaration is
  refused when the two indicators are not computed the same way from answers of the same
  meaning (``comparability_problem``). Questions may be renamed or reworded in between.

Public API: ``comparable_pairs(before, after)`` (later indicator id → earlier indicator id),
``comparable_indicators`` (the pairs that kept their id), ``carried_questions`` and
``readable_indicators`` (how an earlier run reads under the later version), ``comparability_problem``,
``compatibility_findings`` (every rule above, for files loaded together), ``question_meaning``
and ``indicator_fingerprint``.
"""

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from referentiel.models import Indicator, Question, Referentiel

Location = tuple[str | int, ...]
# (index of the référentiel among those checked together, where in its file, message)
VersionFinding = tuple[int, Location, str]

# What decides an indicator's value besides its questions.
COMPUTATION_FIELDS = (
    "favourable",
    "threshold",
    "minimum_answered_share",
    "hidden_counts_as_unfavourable",
    "better",
)


def question_meaning(question: Question) -> dict[str, object]:
    """Return what must stay identical for a question id to keep its meaning across versions."""
    return {
        "type": question.type,
        "options": [(option.id, option.value, option.exclusive) for option in question.options],
        "reverse": question.reverse,
        "minimum": question.minimum,
        "maximum": question.maximum,
    }


def _meaning_difference(before: Question, after: Question) -> str | None:
    """Name what differs between the answers of two questions, or ``None`` if nothing does."""
    old, new = question_meaning(before), question_meaning(after)
    differing = [aspect for aspect in old if old[aspect] != new[aspect]]
    if not differing:
        return None
    return (
        f"question {after.id!r} does not mean what {before.id!r} meant (its {', '.join(differing)} changed)"
    )


def comparability_problem(
    before: Referentiel, before_indicator: str, after: Referentiel, after_indicator: str
) -> str | None:
    """Say why two indicators cannot be compared across versions, or ``None`` if they can."""
    old, new = before.indicator(before_indicator), after.indicator(after_indicator)
    if (old.kind, old.unit) != (new.kind, new.unit):
        return f"it is a {new.kind} in {new.unit}, and {old.id!r} a {old.kind} in {old.unit}"
    for field in COMPUTATION_FIELDS:
        if getattr(old, field) != getattr(new, field):
            return f"its {field} differs from that of {old.id!r}"
    if len(old.questions) != len(new.questions):
        return f"it uses {len(new.questions)} questions, and {old.id!r} {len(old.questions)}"
    if sorted(old.questions) == sorted(new.questions):
        places = list(zip(new.questions, new.questions, strict=True))  # the same, maybe reordered
    else:
        places = list(zip(old.questions, new.questions, strict=True))
    for old_id, new_id in places:
        old_question, new_question = before.question(old_id), after.question(new_id)
        difference = (
            _meaning_difference(old_question, new_question)
            or _rename_problem(before, old_question, after, new_question)
            or _condition_difference(before, old_question, after, new_question)
        )
        if difference is not None:
            return difference
    return None


def _rename_problem(before: Referentiel, old: Question, after: Referentiel, new: Question) -> str | None:
    """Why a question cannot be read in place of another with another id: only a rename can (the
    earlier id no longer asked, the later one not asked before), else the two versions would read
    a T0's answer to one question as the answer to the other (``carried_questions``)."""
    if old.id == new.id:
        return None
    if any(question.id == old.id for question in after.questions):
        return (
            f"question {new.id!r} takes the place of {old.id!r}, which version {after.version} still "
            "asks: read the same question, or give the indicator a new id"
        )
    if any(question.id == new.id for question in before.questions):
        return (
            f"question {new.id!r} takes the place of {old.id!r}, but version {before.version} asked "
            f"{new.id!r} too: read the same question, or give the indicator a new id"
        )
    return None


def _condition_difference(
    before: Referentiel, old: Question, after: Referentiel, new: Question, depth: int = 0
) -> str | None:
    """A question shown to other youth makes another population (e.g. "among those in school"):
    its condition must read the same question (or its rename), with the same answers, itself
    shown under the same condition."""
    if old.condition is None and new.condition is None:
        return None
    problem = f"question {new.id!r} is not shown to the same youth as {old.id!r} (condition)"
    if old.condition is None or new.condition is None:
        return problem
    old_shown_if, new_shown_if = (
        before.question(old.condition.question),
        after.question(new.condition.question),
    )
    same = (
        set(old.condition.any_of) == set(new.condition.any_of)
        and question_meaning(old_shown_if) == question_meaning(new_shown_if)
        and _rename_problem(before, old_shown_if, after, new_shown_if) is None
        and (depth > 8 or _condition_difference(before, old_shown_if, after, new_shown_if, depth + 1) is None)
    )
    return None if same else problem


@functools.lru_cache(maxsize=64)
def comparable_pairs(before: Referentiel, after: Referentiel) -> Mapping[str, str]:
    """Return {later indicator id: earlier indicator id} for which a change T0→T1 is meaningful.

    Within one version every paired indicator (not a distribution: a perceived change is already
    a change) pairs with itself. Across versions only the declared
    ``comparable_with`` pairs count, and only if ``comparability_problem`` finds nothing.
    The result is read-only (it is cached).
    """
    if before.id != after.id:
        return MappingProxyType({})
    if before.version == after.version:
        return MappingProxyType(
            {indicator.id: indicator.id for indicator in after.indicators if indicator.paired}
        )
    if before.version > after.version:
        return MappingProxyType({old: new for new, old in comparable_pairs(after, before).items()})
    before_ids = {indicator.id for indicator in before.indicators if indicator.paired}
    pairs: dict[str, str] = {}
    for indicator in after.declared_indicators:
        for earlier in indicator.comparable_with:
            if (
                earlier.version == before.version
                and earlier.indicator in before_ids
                and comparability_problem(before, earlier.indicator, after, indicator.id) is None
            ):
                pairs[indicator.id] = earlier.indicator
    return MappingProxyType(pairs)


@functools.lru_cache(maxsize=64)
def carried_questions(before: Referentiel, after: Referentiel) -> Mapping[str, str]:
    """Return {earlier question id: later question id}, one to one, whose answers mean the same.

    A question the later version still asks under its id, if its meaning did not change; and a
    renamed one: in a pair of ``comparable_pairs``, a question (or its condition's question)
    whose id the later version no longer asks, beside the one in its place whose id the earlier
    version did not ask (``comparability_problem`` checked that they mean the same). Where two
    renames claim one id, neither is carried. With it a run answered under the earlier version
    reads as one answered under the later (``readable_indicators`` says which of its indicators
    it can then be scored by). The result is read-only (it is cached).
    """
    earlier = {question.id: question for question in before.questions}
    later = {question.id: question for question in after.questions}
    carried = {
        question_id: question_id
        for question_id, question in earlier.items()
        if question_id in later and _meaning_difference(question, later[question_id]) is None
    }
    renamed: dict[str, set[str]] = {}
    for new_id, old_id in comparable_pairs(before, after).items():
        old_indicator, new_indicator = before.indicator(old_id), after.indicator(new_id)
        for old_question_id, new_question_id in zip(
            old_indicator.questions, new_indicator.questions, strict=True
        ):
            old, new = earlier[old_question_id], later[new_question_id]
            places = [(old, new)]
            if old.condition is not None and new.condition is not None:
                places.append((earlier[old.condition.question], later[new.condition.question]))
            for old_question, new_question in places:
                if old_question.id not in later and new_question.id not in earlier:
                    renamed.setdefault(old_question.id, set()).add(new_question.id)
    claims = Counter(new_id for new_ids in renamed.values() for new_id in new_ids)
    for old_id, new_ids in renamed.items():
        (new_id, *others) = new_ids
        if not others and claims[new_id] == 1 and _meaning_difference(earlier[old_id], later[new_id]) is None:
            carried[old_id] = new_id
    return MappingProxyType(carried)


@functools.lru_cache(maxsize=64)
def readable_indicators(before: Referentiel, after: Referentiel) -> frozenset[str]:
    """The later version's indicators a run answered under the earlier can be scored by, once read
    through ``carried_questions``: every question it reads (its own and their conditions') has
    an earlier question of the same meaning, shown under the same condition. The others would
    be scored on a run that lacks some of their questions, or on youth the later version would
    not have asked. Every pair of ``comparable_pairs`` should be one."""
    carried = carried_questions(before, after)
    sources = {new_id: before.question(old_id) for old_id, new_id in carried.items()}
    readable = set()
    for indicator in after.indicators:
        read = [after.question(question_id) for question_id in indicator.questions]
        read += [after.question(question.condition.question) for question in read if question.condition]
        if all(_read_alike(before, sources.get(question.id), after, question, carried) for question in read):
            readable.add(indicator.id)
    return frozenset(readable)


def _read_alike(
    before: Referentiel,
    source: Question | None,
    after: Referentiel,
    question: Question,
    carried: Mapping[str, str],
) -> bool:
    """Whether a later question reads its carried earlier one alike: shown under the same
    condition, on the answer to the question carried to its condition's."""
    if source is None or _condition_difference(before, source, after, question) is not None:
        return False
    if source.condition is None or question.condition is None:
        return True
    return carried.get(source.condition.question) == question.condition.question


def comparable_indicators(before: Referentiel, after: Referentiel) -> list[str]:
    """Return the ids of indicators comparable in both versions *under the same id*.

    Kept for callers that pair indicators by id; ``comparable_pairs`` also gives renamed ones.
    """
    return [new for new, old in comparable_pairs(before, after).items() if new == old]


def compatibility_findings(referentiels: Sequence[Referentiel]) -> list[VersionFinding]:
    """Check versions loaded together: unique versions, stable question meanings, declarations."""
    findings: list[VersionFinding] = []
    first_index: dict[tuple[str, int], int] = {}
    meanings: dict[tuple[str, str], tuple[int, Question]] = {}
    order = sorted(range(len(referentiels)), key=lambda index: referentiels[index].key)
    for index in order:
        referentiel = referentiels[index]
        if referentiel.key in first_index:
            findings.append(
                (
                    index,
                    ("version",),
                    f"{referentiel.id} version {referentiel.version} is loaded twice: "
                    "give this file the next version number",
                )
            )
            continue
        first_index[referentiel.key] = index
        for question_index, question in enumerate(referentiel.questions):
            earlier = meanings.get((referentiel.id, question.id))
            if earlier is not None and _meaning_difference(earlier[1], question) is not None:
                findings.append(
                    (
                        index,
                        ("questions", question_index),
                        f"changes the answers of {question.id!r} from version {earlier[0]}: "
                        "give the changed question a new id",
                    )
                )
            meanings[(referentiel.id, question.id)] = (referentiel.version, question)
    by_key = {key: referentiels[index] for key, index in first_index.items()}
    for key, index in first_index.items():
        for indicator_index, indicator in enumerate(by_key[key].declared_indicators):
            findings += [
                (index, ("indicators", indicator_index, "comparable_with", position, *where), message)
                for position, where, message in _declaration_findings(by_key, by_key[key], indicator)
            ]
    return findings


def _declaration_findings(
    by_key: dict[tuple[str, int], Referentiel], after: Referentiel, indicator: Indicator
) -> list[tuple[int, Location, str]]:
    findings: list[tuple[int, Location, str]] = []
    for position, earlier in enumerate(indicator.comparable_with):
        if earlier.version >= after.version:
            continue  # reported by referentiel.validation with the file alone
        before = by_key.get((after.id, earlier.version))
        if before is None:
            findings.append(
                (
                    position,
                    ("version",),
                    f"version {earlier.version} of {after.id!r} is not loaded with this file: "
                    "check the directory that holds both (voix referentiel check DIRECTORY)",
                )
            )
            continue
        if earlier.indicator not in {old.id for old in before.declared_indicators}:
            message = f"version {earlier.version} has no indicator {earlier.indicator!r}"
            findings.append((position, ("indicator",), message))
            continue
        problem = comparability_problem(before, earlier.indicator, after, indicator.id)
        if problem is None and indicator.id not in readable_indicators(before, after):
            problem = (
                f"a run of version {earlier.version} cannot be read by it (two renamed questions "
                "take the place of one, or one of two): a T0 answered under that version would not "
                "count under this one"
            )
        if problem is not None:
            findings.append(
                (
                    position,
                    ("indicator",),
                    f"not comparable with {earlier.indicator!r} of version {earlier.version}: {problem}; "
                    "remove this declaration (the change T0→T1 across versions is then not computed)",
                )
            )
    return findings


def indicator_fingerprint(referentiel: Referentiel, indicator_id: str) -> str:
    """Return a digest of everything that decides an indicator's value, wording included."""
    indicator = referentiel.indicator(indicator_id)
    questions = [referentiel.question(question_id) for question_id in indicator.questions]
    content = {
        "indicator": indicator.model_dump(include={"kind", "unit", "questions", *COMPUTATION_FIELDS}),
        "questions": [
            {**question_meaning(question), "text": question.text, "condition": _condition(question)}
            for question in questions
        ],
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def _condition(question: Question) -> object:
    if question.condition is None:
        return None
    return {"question": question.condition.question, "any_of": sorted(question.condition.any_of)}
