"""What a real deployment adds to the synthetic answers: invitations, refusals, unfinished runs, time.

``bench.synthetic_dataset`` writes youth who all finished every questionnaire in the same second.
The workshop pack measures participation and time, so ``add_participation`` turns that into a
plausible history, seeded: invitations (some never opened), a notice left unanswered, refusals,
questionnaires stopped part-way (their later answers removed, the conversation state saying
which question was being asked), answers spaced by a few seconds to a minute with a few long
breaks, reminders sent (some followed by answers), youth erased at their request or by retention
(audited as the bot does), and no T1 for a youth who did not finish T0. Applied after
``fill_database``; the score export's golden files use the dataset without it.
"""

import hashlib
import json
import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from conversations.state import ConversationState, Phase
from storage.clock import timestamp
from storage.run_answers import GATHER_RUN_ANSWERS, RUN_ANSWERS_TRIGGERS

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1_DELAY = timedelta(days=180)


@dataclass(frozen=True)
class ParticipationShape:
    """How often each fate befalls a run (the rest are completed), and the seed."""

    notice_pending: float = 0.04
    declined: float = 0.05
    unfinished: float = 0.12
    reminded_then_finished: float = 0.15
    stopped: float = 0.03
    erased_by_retention: float = 0.01
    seed: int = 11


def add_participation(
    connection: sqlite3.Connection, shape: ParticipationShape = ParticipationShape()
) -> None:
    """Rewrite the runs of a filled database into a plausible history, in one transaction."""
    shape = shape or ParticipationShape()
    generator = random.Random(shape.seed)
    answers_of: dict[int, list[tuple[int, str]]] = {}
    for run_id, answer_id, question_id in connection.execute(
        "SELECT run_id, id, question_id FROM answers ORDER BY run_id, id"
    ):
        answers_of.setdefault(run_id, []).append((answer_id, question_id))
    runs = connection.execute("SELECT id, youth_id, wave FROM runs ORDER BY youth_id, wave").fetchall()
    connection.execute("BEGIN")
    history = _History(connection, generator, shape)
    unfinished_youth: set[int] = set()
    for run_id, youth_id, wave in runs:
        if wave != "T0" and youth_id in unfinished_youth:
            history.drop_run(run_id)
            continue
        finished = history.play(run_id, youth_id, wave, answers_of.get(run_id, []))
        if not finished:
            unfinished_youth.add(youth_id)
    history.flush()
    _invite(connection, generator)
    _erase_some(connection, generator, shape)
    connection.execute("COMMIT")


class _History:
    """Plays each run's fate and batches the writes."""

    def __init__(self, connection: sqlite3.Connection, generator: random.Random, shape: ParticipationShape):
        self.connection, self.generator, self.shape = connection, generator, shape
        self.answer_times: list[tuple[str, int]] = []
        self.removed_answers: list[tuple[int]] = []
        self.run_updates: list[tuple[str, str, str, str | None, int]] = []
        self.youth_updates: list[tuple[str, int]] = []
        self.reminders: list[tuple[int, str, str, str, str]] = []
        self.removed_runs: list[tuple[int]] = []

    def play(self, run_id: int, youth_id: int, wave: str, answers: list[tuple[int, str]]) -> bool:
        """Give one run its fate and times; return whether it was completed."""
        draw = self.generator.random()
        shape = self.shape
        started = START + timedelta(minutes=youth_id * 7) + (T1_DELAY if wave == "T1" else timedelta(0))
        if draw < shape.notice_pending + shape.declined:
            phase = Phase.CONSENT if draw < shape.notice_pending else Phase.DECLINED
            self.removed_answers.extend((answer_id,) for answer_id, _ in answers)
            state = ConversationState(phase=phase)
            self.run_updates.append((state.to_json(), "in_progress", timestamp(started), None, run_id))
            self.youth_updates.append(("invited" if phase is Phase.CONSENT else "declined", youth_id))
            return False
        unfinished = draw < shape.notice_pending + shape.declined + shape.unfinished and len(answers) > 1
        kept = self.generator.randint(1, len(answers) - 1) if unfinished else len(answers)
        moment = started + timedelta(seconds=self.generator.randint(20, 120))  # reading the notice
        reminded_at = None
        if not unfinished and self.generator.random() < shape.reminded_then_finished and kept > 2:
            reminded_at = self.generator.randint(1, kept - 1)
        for position, (answer_id, _) in enumerate(answers[:kept]):
            if position == reminded_at:
                sent = moment + timedelta(days=1)
                self.reminders.append((youth_id, "reminder-1", wave, timestamp(sent), timestamp(sent)))
                moment = sent + timedelta(hours=2)
            elif self.generator.random() < 0.01:
                moment += timedelta(hours=self.generator.randint(1, 20))  # a long break
            moment += timedelta(seconds=self.generator.randint(4, 60))
            self.answer_times.append((timestamp(moment), answer_id))
        if unfinished:
            self.removed_answers.extend((answer_id,) for answer_id, _ in answers[kept:])
            paused = self.generator.random() < 0.3
            state = ConversationState(
                phase=Phase.PAUSED if paused else Phase.QUESTIONNAIRE,
                question_id=answers[kept][1],
                resume_phase=Phase.QUESTIONNAIRE if paused else None,
            )
            status = "paused" if paused else "in_progress"
            self.run_updates.append((state.to_json(), status, timestamp(started), None, run_id))
            first = moment + timedelta(days=1)
            self.reminders.append((youth_id, "reminder-1", wave, timestamp(first), timestamp(first)))
            if self.generator.random() < 0.5:
                second = first + timedelta(days=3)
                self.reminders.append((youth_id, "reminder-2", wave, timestamp(second), timestamp(second)))
            return False
        completed = moment + timedelta(seconds=2)
        state = ConversationState(phase=Phase.COMPLETED)
        self.run_updates.append(
            (state.to_json(), "completed", timestamp(started), timestamp(completed), run_id)
        )
        return True

    def drop_run(self, run_id: int) -> None:
        """Remove a later wave's run of a youth who did not finish the first."""
        self.removed_runs.append((run_id,))

    def flush(self) -> None:
        """Write everything played."""
        execute = self.connection.executemany
        with _answers_rewritten_in_bulk(self.connection):
            execute("UPDATE answers SET answered_at = ? WHERE id = ?", self.answer_times)
            execute("DELETE FROM answers WHERE id = ?", self.removed_answers)
            execute("DELETE FROM answers WHERE run_id = ?", self.removed_runs)
        execute("DELETE FROM runs WHERE id = ?", self.removed_runs)
        execute(
            "UPDATE runs SET state = ?, status = ?, started_at = ?, updated_at = started_at, "
            "completed_at = ? WHERE id = ?",
            self.run_updates,
        )
        execute("UPDATE youth SET status = ? WHERE id = ?", self.youth_updates)
        execute(
            "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at, sent_at) VALUES (?, ?, ?, ?, ?)",
            self.reminders,
        )


@contextmanager
def _answers_rewritten_in_bulk(connection: sqlite3.Connection) -> Iterator[None]:
    """Every answer's time rewritten at once, with the triggers that keep each run's copy of its
    answers suspended (each would gather its run's 30 answers again for every answer: eight times
    the history's time), and the copies gathered once after, even after a failure (whatever the
    caller then does with the transaction, the runs hold their answers)."""
    triggers = [
        sql
        for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name IN (SELECT value FROM json_each(?))",
            (json.dumps(RUN_ANSWERS_TRIGGERS),),
        )
    ]
    for name in RUN_ANSWERS_TRIGGERS:
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        for sql in triggers:
            connection.execute(sql)
        connection.execute(GATHER_RUN_ANSWERS)


def _invite(connection: sqlite3.Connection, generator: random.Random) -> None:
    """Invitations: one used per youth at T0 and per T1 run, and a few never opened per structure."""
    rows = []
    used = connection.execute(
        "SELECT youth.structure_id, runs.wave, runs.youth_id, runs.started_at FROM runs "
        "JOIN youth ON youth.id = runs.youth_id ORDER BY runs.id"
    ).fetchall()
    for structure_id, wave, youth_id, started in used:
        rows.append((structure_id, wave, started, started, youth_id))
    for (structure_id,) in connection.execute("SELECT id FROM structures ORDER BY id").fetchall():
        for wave in ("T0", "T1"):
            rows.extend((structure_id, wave, None, None, None) for _ in range(generator.randint(0, 3)))
    created = timestamp(START - timedelta(days=1))
    expires = timestamp(START + T1_DELAY + timedelta(days=60))
    connection.executemany(
        "INSERT INTO invitations (token_hash, structure_id, wave, created_at, expires_at, used_at, youth_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (hashlib.sha256(str(number).encode()).digest(), structure, wave, created, expires, used_at, youth)
            for number, (structure, wave, used_at, _, youth) in enumerate(rows)
        ),
    )


def _erase_some(connection: sqlite3.Connection, generator: random.Random, shape: ParticipationShape) -> None:
    """Erase some youth as ``/stop`` and the retention purge do: rows gone, one audit entry each."""
    youth = connection.execute(
        "SELECT youth.id, youth.structure_id, (SELECT wave FROM runs WHERE youth_id = youth.id "
        "ORDER BY id DESC LIMIT 1) FROM youth ORDER BY youth.id"
    ).fetchall()
    entries = []
    erased = []
    for youth_id, structure_id, wave in youth:
        draw = generator.random()
        if draw >= shape.stopped + shape.erased_by_retention:
            continue
        actor = "youth" if draw < shape.stopped else "bot"
        erased.append((youth_id,))
        details = {"structure_id": structure_id, "wave": wave}
        entries.append((timestamp(START + T1_DELAY), actor, "youth erased", json.dumps(details)))
    connection.executemany("DELETE FROM scheduled_messages WHERE youth_id = ?", erased)
    connection.executemany("UPDATE invitations SET youth_id = NULL WHERE youth_id = ?", erased)
    connection.executemany(
        "DELETE FROM answers WHERE run_id IN (SELECT id FROM runs WHERE youth_id = ?)", erased
    )
    connection.executemany("DELETE FROM runs WHERE youth_id = ?", erased)
    connection.executemany("DELETE FROM youth WHERE id = ?", erased)
    connection.executemany("INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)", entries)
