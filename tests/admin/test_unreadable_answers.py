"""A stored answer Voix did not write (the database edited by hand): every export says which youth
and wave, and what to do, and writes nothing — no traceback, no half-written file. A time it did
not write is left out of the times the workshop pack reports.
"""

import json
import sqlite3
import statistics

import pytest

from admin import score_collection
from admin.score_collection import FIELD_SEPARATOR
from admin.workshop_collection import WaveObservations

WHAT_TO_DO = (
    ": the database holds an answer Voix did not write; nothing was exported. Restore the "
    "database from a backup, or send this message to the maintainers\n"
)
SPOILED_QUERY = (
    "SELECT answers.id, youth.code, runs.wave FROM answers JOIN runs ON runs.id = answers.run_id "
    "JOIN youth ON youth.id = runs.youth_id WHERE answers.value IS NOT NULL "
    "AND answers.question_id = 'who_to_tell' ORDER BY answers.id LIMIT 1"
)


def spoil_an_answer(database_path, value: str) -> str:
    """Replace a stored answer to ``who_to_tell``; return whose it is, as the message says it."""
    with sqlite3.connect(database_path) as connection:
        answer_id, code, wave = connection.execute(SPOILED_QUERY).fetchone()
        connection.execute("UPDATE answers SET value = ? WHERE id = ?", (value, answer_id))
    return f"youth {code}, wave {wave}"


@pytest.mark.parametrize(
    ("command", "file"), [("scores", "scores.csv"), ("workshop", "atelier.html"), ("answers", "answers.xlsx")]
)
def test_an_answer_that_is_not_json_stops_the_export_with_what_to_do(admin, dataset, tmp_path, command, file):
    whose = spoil_an_answer(dataset, "{not json")
    result = admin("export", command, "--out", str(tmp_path / file))
    assert (result.exit_code, result.out) == (1, "")
    assert (
        result.err == f"voix: stored answer '{{not json' to 'who_to_tell' is not JSON ({whose}){WHAT_TO_DO}"
    )
    assert not (tmp_path / file).exists()


def test_an_option_the_question_does_not_have_stops_the_export_with_what_to_do(admin, dataset, tmp_path):
    whose = spoil_an_answer(dataset, '"nope"')
    result = admin("export", "scores", "--out", str(tmp_path / "scores.csv"))
    assert (result.exit_code, result.out) == (1, "")
    expected = (
        f"voix: answer 'nope' to 'who_to_tell' is not accepted by voix-mecs version 1 ({whose}){WHAT_TO_DO}"
    )
    assert result.err == expected
    assert not (tmp_path / "scores.csv").exists()


def test_on_two_cores_the_message_is_the_same(admin, dataset, tmp_path, monkeypatch):
    """Whichever process reads the answer, the message reaches the command as from one process."""
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 1)
    whose = spoil_an_answer(dataset, "{not json")
    result = admin("export", "scores", "--out", str(tmp_path / "scores.csv"))
    assert (result.exit_code, result.out) == (1, "")
    assert (
        result.err == f"voix: stored answer '{{not json' to 'who_to_tell' is not JSON ({whose}){WHAT_TO_DO}"
    )


def test_a_run_with_a_time_that_is_not_one_is_left_out_of_the_answer_times():
    def seconds(runs):
        observations = WaveObservations()
        for times in runs:
            observations.add_times(FIELD_SEPARATOR.join(times), [0, 1, 2])
        observations.flush()
        return observations.seconds

    timed = [["100", "130", "190"], ["200", "210", "215"]]
    assert seconds(timed) == {(1, 30): 1, (2, 60): 1, (1, 10): 1, (2, 5): 1}
    assert seconds([timed[0], ["300", "-1", "320"], timed[1]]) == seconds(timed)


def test_the_workshop_pack_leaves_out_times_the_bot_did_not_write(admin, workshop_dataset, tmp_path):
    with sqlite3.connect(workshop_dataset) as connection:
        (completed,) = connection.execute(
            "SELECT id FROM runs WHERE status = 'completed' AND wave = 'T0' ORDER BY id LIMIT 1"
        ).fetchone()
        connection.execute("UPDATE runs SET completed_at = 'garbage' WHERE id = ?", (completed,))
        connection.execute(
            "UPDATE answers SET answered_at = 'garbage' WHERE id = (SELECT min(id) FROM answers)"
        )
        durations = sorted(
            seconds
            for (seconds,) in connection.execute(
                "SELECT unixepoch(completed_at) - unixepoch(started_at) FROM runs "
                "WHERE status = 'completed' AND wave = 'T0' AND id != ?",
                (completed,),
            )
        )
    result = admin("export", "workshop", "--format", "json", "--out", str(tmp_path / "pack.json"))
    assert result.exit_code == 0, result.err
    pack = json.loads((tmp_path / "pack.json").read_text(encoding="utf-8"))
    sector = next(row for row in pack["participation"] if row["level"] == "sector" and row["wave"] == "T0")
    assert sector["median_minutes_to_complete"] == round(statistics.median(durations) / 60, 1)
    assert any(item["median_seconds"] is not None for item in pack["items"])
