"""A run keeps its answers side by side (migration 10): whatever is written to the answers table
through Voix's connections (the bot's, the admin's; a REPLACE included, with their
``recursive_triggers``), the run's three columns hold exactly its answers, aligned."""

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.database import open_sync_connection
from storage.migrations import apply_migrations

SEPARATOR = "\x1f"
QUESTIONS = ("safety", "sleep", "food", "friends")
RUNS = (1, 2, 3)


def new_database(path: Path) -> sqlite3.Connection:
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    connection.executescript(
        """
        INSERT INTO organisations VALUES (1, 'Org', 'x');
        INSERT INTO structures VALUES (1, 1, 'MECS', 'MECS', 'x');
        INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at)
            VALUES (1, 'p1', 'C1', 1, 'active', 'x'), (2, 'p2', 'C2', 1, 'active', 'x');
        INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, started_at, updated_at)
            VALUES (1, 1, 'T0', 'r', '1', 'x', 'x'), (2, 1, 'T1', 'r', '1', 'x', 'x'),
                   (3, 2, 'T0', 'r', '1', 'x', 'x');
        """
    )
    return connection


def kept(connection: sqlite3.Connection, run_id: int) -> list[tuple[str, str, int]] | None:
    """The run's answers as its columns hold them: (question, stored text, time), sorted."""
    row = connection.execute(
        "SELECT answer_questions, answer_texts, answer_times FROM runs WHERE id = ?", (run_id,)
    ).fetchone()
    if row is None or row == (None, None, None):  # no such run (erased), or no answers
        return None
    questions, texts, times = (part.split(SEPARATOR) for part in row)
    assert len(questions) == len(texts) == len(times)
    return sorted(zip(questions, texts, map(int, times), strict=True))


def in_answers(connection: sqlite3.Connection, run_id: int) -> list[tuple[str, str, int]] | None:
    rows = connection.execute(
        "SELECT question_id, coalesce(value, ''), coalesce(unixepoch(answered_at), -1) FROM answers "
        "WHERE run_id = ?",
        (run_id,),
    ).fetchall()
    return sorted(rows) or None


ANSWER = st.tuples(
    st.sampled_from(RUNS),
    st.sampled_from(QUESTIONS),
    st.one_of(st.none(), st.sampled_from(['"yes"', '"no"', "3", '["a", "b"]'])),
    st.sampled_from(["2026-01-05T09:00:00+00:00", "2026-01-05T09:01:30+00:00", "not a time"]),
)
OPERATION = st.one_of(
    st.tuples(st.just("answer"), ANSWER),
    st.tuples(st.just("replace"), ANSWER),
    st.tuples(st.just("replace by id"), st.tuples(st.sampled_from(RUNS), st.integers(1, 6))),
    st.tuples(st.just("delete"), st.tuples(st.sampled_from(RUNS), st.sampled_from(QUESTIONS))),
    st.tuples(st.just("move"), st.tuples(st.sampled_from(RUNS), st.sampled_from(RUNS))),
    st.tuples(st.just("erase"), st.sampled_from((1, 2))),
)


def apply(connection: sqlite3.Connection, operation: tuple[str, tuple]) -> None:
    kind, arguments = operation
    existing = {run_id for (run_id,) in connection.execute("SELECT id FROM runs")}
    runs_named = {arguments[0]} if kind in ("answer", "replace", "replace by id") else set()
    runs_named |= set(arguments) if kind == "move" else set()
    if not runs_named <= existing:
        return  # a run erased earlier takes no answer (its foreign key refuses it)
    if kind == "answer":  # as the bot writes one: answering again replaces it
        connection.execute(
            "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
            "answered_at) VALUES (?, ?, 'r', '1', ?, ?) ON CONFLICT (run_id, question_id) DO UPDATE SET "
            "value = excluded.value, answered_at = excluded.answered_at",
            arguments,
        )
    elif kind == "replace":  # a REPLACE deletes the row it conflicts with, then inserts
        connection.execute(
            "INSERT OR REPLACE INTO answers (run_id, question_id, referentiel_id, referentiel_version, "
            "value, answered_at) VALUES (?, ?, 'r', '1', ?, ?)",
            arguments,
        )
    elif kind == "replace by id":  # an answer row, perhaps another run's, replaced by its id
        connection.execute(
            "REPLACE INTO answers (id, run_id, question_id, referentiel_id, referentiel_version, value, "
            "answered_at) VALUES (?, ?, 'replaced', 'r', '1', '\"x\"', 'x')",
            (arguments[1], arguments[0]),
        )
    elif kind == "delete":  # the youth went back over a question
        connection.execute("DELETE FROM answers WHERE run_id = ? AND question_id = ?", arguments)
    elif kind == "move":  # by hand: an answer moved to another run
        connection.execute(
            "UPDATE OR IGNORE answers SET run_id = ? "
            "WHERE id = (SELECT min(id) FROM answers WHERE run_id = ?)",
            (arguments[1], arguments[0]),
        )
    else:  # a youth erased: runs and answers go with them
        connection.execute("DELETE FROM youth WHERE id = ?", (arguments,))


@settings(max_examples=60)
@given(operations=st.lists(OPERATION, max_size=25))
def test_a_run_holds_exactly_its_answers_whatever_was_written(tmp_path_factory, operations) -> None:
    connection = new_database(tmp_path_factory.mktemp("runs") / "voix.db")
    for operation in operations:
        apply(connection, operation)
        for run_id in RUNS:
            assert kept(connection, run_id) == in_answers(connection, run_id)
    connection.close()


def test_answers_written_before_migration_10_are_gathered_by_it(tmp_path) -> None:
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection, up_to=9)
    connection.executescript(
        """
        INSERT INTO organisations VALUES (1, 'Org', 'x');
        INSERT INTO structures VALUES (1, 1, 'MECS', 'MECS', 'x');
        INSERT INTO youth (id, pseudonym, code, structure_id, status, enrolled_at)
            VALUES (1, 'p1', 'C1', 1, 'active', 'x');
        INSERT INTO runs (id, youth_id, wave, referentiel_id, referentiel_version, started_at, updated_at)
            VALUES (1, 1, 'T0', 'r', '1', 'x', 'x'), (2, 1, 'T1', 'r', '1', 'x', 'x');
        INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, answered_at)
            VALUES (1, 'sleep', 'r', '1', '"yes"', '2026-01-05T09:00:00+00:00'),
                   (1, 'food', 'r', '1', NULL, '2026-01-05T09:00:10+00:00');
        """
    )
    apply_migrations(connection)
    assert connection.execute(
        "SELECT answer_questions, answer_texts, answer_times FROM runs ORDER BY id"
    ).fetchall() == [
        # In the order of the answers' index (question ids); a skip is ''.
        (f"food{SEPARATOR}sleep", f'{SEPARATOR}"yes"', f"1767603610{SEPARATOR}1767603600"),
        (None, None, None),
    ]
