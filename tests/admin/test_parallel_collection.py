"""Scoring on two cores gives what one process gives: the same summaries, the same CSV byte for byte."""

import os
import sqlite3
import threading

import pytest

import admin.score_collection as score_collection
from admin.errors import SecondProcessError
from admin.score_collection import collect_scores
from bench.synthetic_dataset import DatasetShape
from referentiel.loading import current_referentiel
from storage.database import open_sync_connection
from tests.admin.conftest import copy_database, filled_template

# Big enough for every structure to have youth at both waves, some small (masked) and some not.
SHAPE = DatasetShape(organisations=4, structures=17, youth=600, second_wave_share=0.8, seed=11)


@pytest.fixture(scope="module")
def larger_template(tmp_path_factory):
    return filled_template(tmp_path_factory.mktemp("larger"), current_referentiel(), SHAPE)


@pytest.fixture
def larger_dataset(database_path, larger_template):
    return copy_database(larger_template, database_path)


def test_the_worker_takes_about_half_of_the_runs(larger_dataset):
    connection = open_sync_connection(larger_dataset, create=True)
    share = score_collection._worker_share(connection, parallel_minimum_runs=1)
    runs = dict(connection.execute(score_collection._RUNS_PER_STRUCTURE_QUERY).fetchall())
    assert share is not None and 0 < len(share) < len(runs)
    assert abs(sum(runs[structure] for structure in share) - sum(runs.values()) / 2) <= max(runs.values())
    assert score_collection._worker_share(connection, parallel_minimum_runs=sum(runs.values()) + 1) is None


def test_two_processes_give_the_summaries_of_one(larger_dataset):
    connection = open_sync_connection(larger_dataset, create=True)
    single = collect_scores(connection, parallel_minimum_runs=10**9)
    parallel = collect_scores(connection, parallel_minimum_runs=1)
    runs = connection.execute("SELECT count(*) FROM runs").fetchone()[0]
    assert (parallel.youth, parallel.runs) == (single.youth, single.runs) == (600, runs)
    assert runs > 600
    assert parallel.summarised == single.summarised
    assert parallel.referentiels.keys() == single.referentiels.keys()


def test_the_parallel_export_is_byte_identical(admin, larger_dataset, monkeypatch):
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 10**9)
    single = admin("export", "scores").out
    single_json = admin("export", "scores", "--format", "json", "--min-group", "12").out
    shares = []
    worker_share = score_collection._worker_share
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 1)
    monkeypatch.setattr(
        score_collection,
        "_worker_share",
        lambda *arguments: shares.append(worker_share(*arguments)) or shares[-1],
    )
    assert admin("export", "scores").out == single
    assert admin("export", "scores", "--format", "json", "--min-group", "12").out == single_json
    assert len(shares) == 2 and all(shares), "the parallel path was not taken"
    assert "secondary" in single and "small_group" in single


def test_a_failing_worker_fails_the_export_with_a_message(admin, larger_dataset, monkeypatch):
    collect = score_collection._collect

    def failing_in_the_worker(connection, share=None, share_excluded=False, observer=None):
        if share is not None and not share_excluded:
            raise ValueError("broken worker")
        return collect(connection, share, share_excluded, observer)

    monkeypatch.setattr(score_collection, "_collect", failing_in_the_worker)
    with pytest.raises(SecondProcessError, match="worker process failed") as raised:
        collect_scores(open_sync_connection(larger_dataset, create=True), parallel_minimum_runs=1)
    assert isinstance(raised.value.__cause__, ValueError)
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 1)
    failed = admin("export", "scores")
    assert (failed.exit_code, failed.out) == (1, "")
    assert failed.err == (
        "voix: the scoring worker process failed (ValueError: broken worker); "
        "run the command again with --debug to see where\n"
    )


def test_an_in_memory_database_is_scored_in_one_process():
    connection = sqlite3.connect(":memory:")
    assert score_collection.database_file(connection) is None


def test_youth_who_moved_are_counted_alike_by_two_processes(larger_dataset):
    """A moved youth's runs count in their old structure, which the other process may score too."""
    connection = open_sync_connection(larger_dataset, create=True)
    connection.execute(
        "UPDATE runs SET structure_id = (SELECT structure_id FROM youth WHERE youth.id = runs.youth_id)"
    )
    share = score_collection._worker_share(connection, parallel_minimum_runs=1)
    assert share is not None
    outside = next(number for number in range(1, 18) if number not in share)
    moved = connection.execute(
        "SELECT id FROM youth WHERE structure_id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 40",
        (str(share),),
    ).fetchall()
    connection.executemany(
        "UPDATE youth SET structure_id = ? WHERE id = ?", [(outside, row[0]) for row in moved]
    )
    single = collect_scores(connection, parallel_minimum_runs=10**9)
    parallel = collect_scores(connection, parallel_minimum_runs=1)
    assert parallel.summarised == single.summarised
    assert (parallel.youth, parallel.runs) == (single.youth, single.runs)


class ProcessesSeen:
    """An observer that only notes which processes saw runs (the worker's copy is sent back)."""

    def __init__(self):
        self.processes = set()

    def observe(self, structure_id, wave, key, answers, values):
        self.processes.add(os.getpid())

    def merge(self, other):
        self.processes |= other.processes


def test_an_export_from_a_thread_of_a_running_process_stays_in_that_process(larger_dataset):
    """The bot runs ``/resultats`` in a worker thread: forking there could copy a lock another
    thread holds, locked forever in the child. So no worker process, and the same summaries."""
    connection = open_sync_connection(larger_dataset, create=True)
    beside = ProcessesSeen()
    alone = collect_scores(connection, parallel_minimum_runs=1, observer=beside)
    assert len(beside.processes) == 2  # the worker's and this one's, with this process alone
    found = {}

    def export():
        observer = ProcessesSeen()
        path = score_collection.database_file(open_sync_connection(larger_dataset))
        found["collection"] = collect_scores(open_sync_connection(larger_dataset), 1, observer)
        found["processes"], found["path"] = observer.processes, path

    thread = threading.Thread(target=export)
    thread.start()
    thread.join()
    assert found["processes"] == {os.getpid()} and found["path"] is None
    assert found["collection"].summarised == alone.summarised
