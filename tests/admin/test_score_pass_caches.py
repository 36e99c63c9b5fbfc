"""The score pass's shortcuts give what the engine gives: checked answers, changes across versions."""

import json
import random

import pytest

from admin.cached_scorer import CachedScorer
from admin.carried_runs import paired_values
from bench.synthetic_dataset import _answers
from referentiel.loading import current_referentiel, find_referentiel
from referentiel.scoring import AnswerRejected, paired_change, score_youth


def stored_run(seed: int) -> dict[str, str]:
    referentiel = current_referentiel()
    generator = random.Random(seed)
    return {question_id: text or "" for question_id, text in _answers(referentiel, generator, 0.5)}


def test_an_answer_a_question_does_not_accept_is_rejected_even_if_another_question_accepts_it():
    referentiel = current_referentiel()
    scored = {question_id for indicator in referentiel.indicators for question_id in indicator.questions}
    choices = [
        question
        for question in referentiel.questions
        if len(question.option_ids) > 1 and question.id in scored
    ]
    accepting = next(question for question in choices if question.id in stored_run(1))
    refusing = next(
        question
        for question in choices
        if question.id in stored_run(1) and accepting.option_ids[0] not in question.option_ids
    )
    scorer = CachedScorer(referentiel)
    text = json.dumps(accepting.option_ids[0])
    scorer.score_stored({**stored_run(1), accepting.id: text})  # decoded and checked once, accepted
    with pytest.raises(AnswerRejected, match=refusing.id):
        scorer.score_stored({**stored_run(1), refusing.id: text})
    with pytest.raises(AnswerRejected):  # and still refused the second time, from the cache
        scorer.score_stored({**stored_run(2), refusing.id: text})
    with pytest.raises(AnswerRejected):  # as the engine refuses it
        score_youth(referentiel, {refusing.id: accepting.option_ids[0]})


def test_changes_across_versions_line_up_as_the_engine_pairs_them():
    before, after = find_referentiel("voix-mecs", 1), find_referentiel("voix-mecs", 2)
    pairing = paired_values(before, after)
    generator = random.Random(5)
    for _ in range(50):
        first = dict(_answers(before, generator, generator.random()))
        second = dict(_answers(after, generator, generator.random()))
        earlier = CachedScorer(before).score_stored({key: text or "" for key, text in first.items()})
        later = CachedScorer(after).score_stored({key: text or "" for key, text in second.items()})
        changes = [
            None if old is None or new is None else new - old
            for old, new in zip(pairing(earlier), later, strict=True)
        ]
        decode = lambda stored: {  # noqa: E731
            key: tuple(value) if isinstance(value, list) else value
            for key, text in stored.items()
            if text is not None
            for value in [json.loads(text)]
        }
        expected = paired_change(before, decode(first), decode(second), after)
        assert changes == [expected[indicator.id] for indicator in after.indicators]
