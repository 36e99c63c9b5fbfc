"""Keep versions comparable: what may change between two versions of a référentiel.

Rules (``docs/referentiel.md`` explains them to authors):

* a published version is never edited; a change makes a new file with ``version`` + 1;
* ``(id, version)`` is unique among shipped files;
* a question id keeps its answers' meaning in every version: same type, same option ids and
  values, same reverse flag and bounds; changing them needs a new question id, otherwise stored
  answers would silently mean something else. Rewording keeps the id (a typo fix must not break
  history) but changes the fingerprint of the indicators that use the question.

``indicator_fingerprint`` says whether an indicator is computed identically in two versions,
which is what a T0→T1 change across versions needs (``comparable_indicators``).
"""

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from referentiel.errors import Problem
from referentiel.models import Question, Referentiel


def question_meaning(question: Question) -> dict[str, object]:
    """Return what must stay identical for a question id to keep its meaning across versions."""
    return {
        "type": question.type,
        "options": [(option.id, option.value, option.exclusive) for option in question.options],
        "reverse": question.reverse,
        "minimum": question.minimum,
        "maximum": question.maximum,
    }


def compatibility_problems(loaded: Sequence[tuple[Path, Referentiel]]) -> list[Problem]:
    """Check shipped versions together: unique versions, stable question meanings."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Path] = {}
    meanings: dict[tuple[str, str], tuple[int, dict[str, object]]] = {}
    ordered = sorted(loaded, key=lambda item: item[1].key)
    for path, referentiel in ordered:
        if referentiel.key in seen:
            problems.append(
                Problem(
                    str(path),
                    None,
                    "version",
                    f"{referentiel.id} version {referentiel.version} is also in "
                    f"{seen[referentiel.key]}: give this file the next version number",
                )
            )
            continue
        seen[referentiel.key] = path
        for question in referentiel.questions:
            meaning = question_meaning(question)
            earlier = meanings.get((referentiel.id, question.id))
            if earlier is not None and earlier[1] != meaning:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"questions.{question.id}",
                        f"changes the answers of {question.id!r} from version {earlier[0]}: "
                        "give the changed question a new id",
                    )
                )
            meanings[(referentiel.id, question.id)] = (referentiel.version, meaning)
    return problems


def indicator_fingerprint(referentiel: Referentiel, indicator_id: str) -> str:
    """Return a digest of everything that decides an indicator's value, wording included."""
    indicator = referentiel.indicator(indicator_id)
    questions = [referentiel.question(question_id) for question_id in indicator.questions]
    content = {
        "indicator": indicator.model_dump(
            include={
                "kind",
                "unit",
                "questions",
                "favourable",
                "threshold",
                "minimum_answered_share",
                "hidden_counts_as_unfavourable",
            }
        ),
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


def comparable_indicators(before: Referentiel, after: Referentiel) -> list[str]:
    """Return the ids of indicators computed identically in both versions (change is valid)."""
    if before.id != after.id:
        return []
    before_ids = {indicator.id for indicator in before.indicators}
    return [
        indicator.id
        for indicator in after.indicators
        if indicator.id in before_ids
        and indicator_fingerprint(before, indicator.id) == indicator_fingerprint(after, indicator.id)
    ]
