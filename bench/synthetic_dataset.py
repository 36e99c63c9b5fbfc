"""A synthetic Voix database: organisations, structures, youth and plausible answers, fast and seeded.

Used by the export benchmark (50,000 youth) and by the golden-file tests (a few dozen). Answers
follow the référentiel: conditions are respected, about one answer in twenty is "prefer not to
answer", and options lean towards the favourable end so group values differ from one another.
Rows are written with ``executemany`` in one transaction.
"""

import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from referentiel.answers import AnswerValue, is_question_shown
from referentiel.models import Question, Referentiel

SKIP_PROBABILITY = 0.05
# Youth written per executemany batch, so memory stays flat whatever the size.
CHUNK_YOUTH = 2_000
WAVES = ("T0", "T1")


@dataclass(frozen=True)
class DatasetShape:
    """How big the synthetic dataset is; structures per organisation vary around the mean."""

    organisations: int
    structures: int
    youth: int
    second_wave_share: float = 1.0
    seed: int = 20261126


def fill_database(connection: sqlite3.Connection, referentiel: Referentiel, shape: DatasetShape) -> int:
    """Write the dataset into an empty, migrated database; return the number of answers written."""
    generator = random.Random(shape.seed)
    created = "2026-01-05T09:00:00+00:00"
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)",
        ((number, f"Organisation {number:03d}", created) for number in range(1, shape.organisations + 1)),
    )
    structure_organisation = [
        1 + (number - 1) % shape.organisations
        if number <= shape.organisations
        else generator.randint(1, shape.organisations)
        for number in range(1, shape.structures + 1)
    ]
    connection.executemany(
        "INSERT INTO structures (id, organisation_id, name, kind, created_at) VALUES (?, ?, ?, 'MECS', ?)",
        (
            (number, organisation, f"Structure {number:04d}", created)
            for number, organisation in enumerate(structure_organisation, start=1)
        ),
    )
    # Structures get unequal numbers of youth, so some groups are small and get masked.
    weights = [generator.choice((1, 2, 3, 6)) for _ in range(shape.structures)]
    youth_structures = generator.choices(range(1, shape.structures + 1), weights=weights, k=shape.youth)
    connection.executemany(
        "INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (number, f"{number:032x}", f"Y{number:06d}", structure, "active", created)
            for number, structure in enumerate(youth_structures, start=1)
        ),
    )
    written = 0
    run_id = 0
    for first in range(1, shape.youth + 1, CHUNK_YOUTH):
        run_rows = []
        answer_rows: list[tuple[int, str, str, str, str | None, str]] = []
        for youth_id in range(first, min(first + CHUNK_YOUTH, shape.youth + 1)):
            leaning = generator.random()
            for wave in WAVES:
                if wave == "T1" and generator.random() >= shape.second_wave_share:
                    continue
                run_id += 1
                version = str(referentiel.version)
                run_rows.append((run_id, youth_id, wave, referentiel.id, version, created, created))
                for question_id, stored in _answers(
                    referentiel, generator, leaning + (0.1 if wave == "T1" else 0)
                ):
                    answer_rows.append((run_id, question_id, referentiel.id, version, stored, created))
        connection.executemany(
            "INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, status, started_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 'completed', ?, ?)",
            run_rows,
        )
        connection.executemany(
            "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            answer_rows,
        )
        written += len(answer_rows)
    connection.execute("COMMIT")
    return written


def _answers(
    referentiel: Referentiel, generator: random.Random, leaning: float
) -> Iterator[tuple[str, str | None]]:
    """Yield (question id, stored JSON text or None) for one run, in questionnaire order."""
    given: dict[str, AnswerValue] = {}
    for question in referentiel.questions:
        if not is_question_shown(question, given):
            continue
        value = None if generator.random() < SKIP_PROBABILITY else _value(question, generator, leaning)
        given[question.id] = value
        yield question.id, None if value is None else _stored(value)


def _value(question: Question, generator: random.Random, leaning: float) -> AnswerValue:
    if question.type == "number":
        return generator.randint(question.minimum or 0, question.maximum or 10)
    if question.type == "short_text":
        return "texte"
    options = question.option_ids
    if question.type == "multiple_choice":
        inclusive = [option.id for option in question.options if not option.exclusive]
        return tuple(sorted(generator.sample(inclusive, generator.randint(1, min(3, len(inclusive))))))
    # Favourable options come first in the shipped scales; lean towards them by a youth's mood.
    index = min(len(options) - 1, int(generator.random() ** (0.6 + leaning) * len(options)))
    if (
        question.options
        and question.options[0].value is not None
        and question.options[0].value < (question.options[-1].value or 0)
    ):
        index = len(options) - 1 - index
    return options[index]


def _stored(value: AnswerValue) -> str:
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
