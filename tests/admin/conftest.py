"""Fixtures for the admin tests: a temporary database, a fixed clock, known randomness, a CLI runner.

The synthetic datasets are written once per session (``filled_template``) and copied into each
test's own database (``copy_database``): a test may change its copy, never another test's.
"""

import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest

from admin.cli import register
from admin.context import AdminContext
from bench.synthetic_dataset import DatasetShape, fill_database
from bench.synthetic_participation import add_participation
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from storage.clock import FixedClock
from storage.database import migrate, open_sync_connection
from storage.migrations import apply_migrations
from voix.cli import PERSON_ACTIONABLE_ERRORS
from voix.parsers import VoixArgumentParser
from voix.settings import load_settings

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# The fixed synthetic dataset of the golden files (tests/admin/golden).
GOLDEN_SHAPE = DatasetShape(organisations=2, structures=5, youth=100, second_wave_share=0.75, seed=7)
# Names people could type that a spreadsheet would run as formulas (the comma splits in LibreOffice).
FORMULA_STRUCTURE_NAME = '=HYPERLINK("http://x.invalid";"clic")'
FORMULA_ORGANISATION_NAME = "-Les Tilleuls, Nord"


@dataclass(frozen=True)
class Result:
    """What a command did: its exit code and what it printed."""

    exit_code: int
    out: str
    err: str


def counting_bytes():
    """Deterministic 'random' bytes: every call returns the next byte value repeated."""
    counter = count(1)

    def random_bytes(size: int) -> bytes:
        return bytes([next(counter) % 256]) * size

    return random_bytes


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def database_path(tmp_path):
    """An initialised, empty database (what `voix admin init` leaves)."""
    path = tmp_path / "voix.db"
    migrate(path, create=True)
    return path


@pytest.fixture
def context(database_path, clock):
    settings = load_settings(db=database_path, bot_username="VoixTestBot")
    return AdminContext(settings=lambda: settings, clock=clock, random_bytes=counting_bytes())


@pytest.fixture
def admin_with(capsys):
    """Return a runner of ``voix admin …`` for a given context, as ``voix.cli.main`` would run it."""

    def runner(context: AdminContext):
        parser = VoixArgumentParser(prog="voix")  # as ``voix``: a refused option is one line
        register(parser.add_subparsers(), context)

        def run(*argv: str) -> Result:
            capsys.readouterr()
            try:
                arguments = parser.parse_args(["admin", *argv])
            except SystemExit as refused:  # argparse's own refusal of an option (exit 2)
                captured = capsys.readouterr()
                return Result(int(refused.code or 0), captured.out, captured.err)
            try:
                exit_code = arguments.handler(arguments)
            except PERSON_ACTIONABLE_ERRORS as error:
                print(f"voix: {error.message}", file=sys.stderr)
                exit_code = error.exit_code
            captured = capsys.readouterr()
            return Result(exit_code, captured.out, captured.err)

        return run

    return runner


@pytest.fixture
def admin(admin_with, context):
    """Run ``voix admin …`` with the test context."""
    return admin_with(context)


@pytest.fixture
def connection(database_path):
    """A read connection to check what the commands stored."""
    connection = sqlite3.connect(database_path)
    yield connection
    connection.close()


def filled_template(directory: Path, referentiel: Referentiel, shape: DatasetShape) -> Path:
    """Write a synthetic dataset into a new database in ``directory``, to be copied, never changed."""
    path = directory / "voix.db"
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    fill_database(connection, referentiel, shape)
    connection.close()
    return path


def copy_database(template: Path, path: Path) -> Path:
    """Copy a template over a test's database, page by page (SQLite's backup, safe while it is open)."""
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


@pytest.fixture(scope="session")
def golden_template(tmp_path_factory) -> Path:
    """The golden dataset, written once: the golden files are v1."""
    return filled_template(tmp_path_factory.mktemp("golden"), find_referentiel("voix-mecs", 1), GOLDEN_SHAPE)


@pytest.fixture(scope="session")
def workshop_template(tmp_path_factory, golden_template) -> Path:
    """The golden dataset with a history (see ``workshop_dataset``), written once."""
    path = copy_database(golden_template, tmp_path_factory.mktemp("workshop") / "voix.db")
    connection = sqlite3.connect(path)
    add_participation(connection)
    connection.close()
    return path


def parts_of(groups) -> dict:
    """Each group's key → the keys of the groups directly under it."""
    parts: dict = {group.key: [] for group in groups}
    for group in groups:
        if group.parent is not None:
            parts[group.parent].append(group.key)
    return parts


# Three organisations: the sector less two of them is the third (the packs of nested groups).
THREE_ORGANISATIONS = DatasetShape(organisations=3, structures=7, youth=160, second_wave_share=0.75, seed=11)


@pytest.fixture(scope="session")
def three_organisations_template(tmp_path_factory) -> Path:
    """A dataset of three organisations with a history, written once, never changed."""
    directory = tmp_path_factory.mktemp("three")
    path = filled_template(directory, find_referentiel("voix-mecs", 1), THREE_ORGANISATIONS)
    connection = sqlite3.connect(path)
    add_participation(connection)
    connection.close()
    return path


@pytest.fixture
def dataset(database_path, golden_template):
    """The golden dataset written to the test database: 2 organisations, 5 structures, 100 youth."""
    return copy_database(golden_template, database_path)


@pytest.fixture
def formula_named_dataset(dataset):
    """The golden dataset with structure 1 and organisation 1 named like formulas."""
    connection = sqlite3.connect(dataset)
    with connection:
        connection.execute("UPDATE structures SET name = ? WHERE id = 1", (FORMULA_STRUCTURE_NAME,))
        connection.execute("UPDATE organisations SET name = ? WHERE id = 1", (FORMULA_ORGANISATION_NAME,))
    connection.close()
    return dataset


@pytest.fixture
def workshop_dataset(dataset, workshop_template):
    """The golden dataset with a history: invitations, refusals, unfinished runs, times, reminders."""
    return copy_database(workshop_template, dataset)
