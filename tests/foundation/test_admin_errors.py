"""Bad input to `voix admin …` ends with exit code 2 (or 1) and one line on stderr, never a traceback."""

import json
import random
import sqlite3

import pytest

from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import current_referentiel
from storage.database import open_sync_connection
from storage.migrations import LATEST_VERSION, apply_migrations
from voix.cli import main


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """A Voix database with one organisation and one structure, named by VOIX_DB."""
    path = tmp_path / "voix.db"
    monkeypatch.setenv("VOIX_DB", str(path))
    assert main(["admin", "init"]) == 0
    assert main(["admin", "org", "add", "ALEFPA"]) == 0
    assert main(["admin", "structure", "add", "--org", "ALEFPA", "Les Tilleuls"]) == 0
    return path


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    error = capsys.readouterr().err
    assert error.startswith("voix: ") and error.count("\n") == 1 and "Traceback" not in error, error
    return error


def test_a_directory_as_out_is_refused_in_one_line(database, tmp_path, capsys) -> None:
    capsys.readouterr()
    assert main(["admin", "export", "scores", "--out", str(tmp_path)]) == 2
    assert "is a directory: give a file path" in one_line(capsys)


def test_an_unwritable_out_is_refused_in_one_line_and_leaves_no_file(database, tmp_path, capsys) -> None:
    capsys.readouterr()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["admin", "export", "scores", "--out", str(blocker / "scores.csv")]) == 2
    assert "cannot write --out" in one_line(capsys)
    assert main(["admin", "export", "scores", "--format", "xlsx", "--out", "/proc/scores.xlsx"]) == 2
    assert "give a file in a writable directory" in one_line(capsys)


def test_an_unusable_qr_directory_is_refused_before_any_invitation(database, tmp_path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    capsys.readouterr()
    arguments = ["admin", "invite", "youth", "--structure", "Les Tilleuls", "--bot-username", "VoixBot"]
    assert main([*arguments, "--qr", str(blocker / "qr")]) == 2
    assert "cannot write in --qr" in one_line(capsys)
    assert main(["admin", "invite", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


@pytest.mark.parametrize(
    "command",
    [
        ["admin", "org", "list"],
        ["admin", "youth", "list", "--structure", "1"],
        ["admin", "export", "scores"],
        ["admin", "audit", "list"],
    ],
)
def test_a_file_of_random_bytes_as_database_is_one_line(
    command, monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    path = tmp_path / "random.db"
    path.write_bytes(random.Random(6).randbytes(20_000))
    monkeypatch.setenv("VOIX_DB", str(path))
    assert main(command) == 2  # VOIX_DB names the wrong file, as for another program's database
    assert one_line(capsys) == (
        f"voix: {path} is not a database (another program's file, or a damaged one): set VOIX_DB to "
        "the Voix database, or restore it from a backup\n"
    )


def test_a_database_damaged_after_its_header_is_one_line(monkeypatch, tmp_path, capsys) -> None:
    """The schema reads fine, the runs' pages do not: the error comes from inside the export's query."""
    path = tmp_path / "voix.db"
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    fill_database(connection, current_referentiel(), DatasetShape(organisations=2, structures=5, youth=100))
    connection.execute("PRAGMA journal_mode=DELETE")
    # The root page of the runs, which the export reads with their answers: damaged wherever the
    # schema puts it (a fixed offset lands on other pages whenever a migration adds a table).
    (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runs'").fetchone()
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(random.Random(1).randbytes(page_size))
    monkeypatch.setenv("VOIX_DB", str(path))
    assert main(["admin", "export", "scores"]) == 1
    assert "the database cannot be read (database disk image is malformed)" in one_line(capsys)


def test_a_database_path_that_cannot_be_created_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VOIX_DB", str(blocker / "voix.db"))
    assert main(["admin", "init"]) == 1
    assert "check VOIX_DB and the rights of the file and its directory" in one_line(capsys)


@pytest.mark.parametrize(
    "command",
    [
        ["admin", "org", "list"],
        ["admin", "org", "add", "ALEFPA"],
        ["admin", "invite", "list"],
        ["admin", "youth", "list", "--structure", "1"],
        ["admin", "followup", "open", "--structure", "1"],
        ["admin", "export", "scores"],
        ["admin", "audit", "list"],
        ["admin", "retention", "purge"],
    ],
)
def test_no_command_but_init_creates_a_missing_database(
    command, monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    """A typo in VOIX_DB must not look like lost data, nor create a database and a new key."""
    path = tmp_path / "typo" / "voix.db"
    monkeypatch.setenv("VOIX_DB", str(path))
    assert main(command) == 2
    assert (
        one_line(capsys)
        == f"voix: no Voix database at {path}: run `voix admin init` or set VOIX_DB to the right file\n"
    )
    assert not (tmp_path / "typo").exists()


def test_init_creates_the_database_and_its_key_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    path = tmp_path / "data" / "voix.db"
    monkeypatch.setenv("VOIX_DB", str(path))
    monkeypatch.delenv("VOIX_SECRET_KEY", raising=False)
    key_file = tmp_path / "data" / "voix.db.key"  # beside the database
    assert main(["admin", "init", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first == {
        "database": str(path),
        "created": True,
        "schema_version": LATEST_VERSION,
        "secret_key": str(key_file),
    }
    key = key_file.read_text()
    assert main(["admin", "org", "add", "ALEFPA"]) == 0
    assert main(["admin", "init"]) == 0
    assert capsys.readouterr().out.splitlines()[-4:] == [
        f"database: {path}",
        "created: no",
        f"schema_version: {LATEST_VERSION}",
        f"secret_key: {key_file}",
    ]
    assert key_file.read_text() == key
    assert main(["admin", "org", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "ALEFPA"


def test_init_on_an_empty_file_says_it_created_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    path = tmp_path / "voix.db"
    path.touch()  # as a deployment's tooling may leave it
    monkeypatch.setenv("VOIX_DB", str(path))
    monkeypatch.delenv("VOIX_SECRET_KEY", raising=False)
    assert main(["admin", "init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] is True
    assert main(["admin", "init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] is False
    # A SQLite file with no table left (one made, then dropped) is given its schema too: created.
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.executescript("PRAGMA journal_mode=WAL; CREATE TABLE scratch (x); DROP TABLE scratch;")
    connection.close()
    assert other.stat().st_size > 0
    monkeypatch.setenv("VOIX_DB", str(other))
    assert main(["admin", "init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] is True


def test_unknown_names_are_exit_2_with_where_to_look(database, capsys) -> None:
    capsys.readouterr()
    assert main(["admin", "export", "scores", "--structure", "Nowhere"]) == 2
    assert "see `voix admin structure list`" in one_line(capsys)
    assert main(["admin", "export", "scores", "--organisation", "Nobody"]) == 2
    assert "see `voix admin org list`" in one_line(capsys)
    assert main(["admin", "export", "scores", "--min-group", "4"]) == 2
    assert "is below 10, the group size the youth were promised" in one_line(capsys)


def sqlite_failure(path, prepare, statement) -> sqlite3.DatabaseError:
    """The error SQLite itself raises for ``statement`` once ``prepare`` ran (a real one, not built)."""
    connection = sqlite3.connect(path, uri=True)
    try:
        for line in prepare:
            connection.execute(line)
        connection.execute(statement)
    except sqlite3.DatabaseError as error:
        return error
    finally:
        connection.close()
    raise AssertionError("SQLite did not fail")


def test_a_full_disk_or_a_read_only_database_is_never_told_to_restore_a_backup(tmp_path):
    from admin.commands import _database_problem
    from admin.context import AdminContext
    from voix.settings import load_settings

    database = tmp_path / "voix.db"
    sqlite3.connect(database).execute("CREATE TABLE filler (text TEXT)").connection.commit()
    context = AdminContext(settings=lambda: load_settings(db=database))
    full = sqlite_failure(
        database, ["PRAGMA max_page_count = 2"], "INSERT INTO filler VALUES (randomblob(100000))"
    )
    read_only = sqlite_failure(f"{database.as_uri()}?mode=ro", [], "INSERT INTO filler VALUES ('x')")
    assert (full.sqlite_errorname, read_only.sqlite_errorname) == ("SQLITE_FULL", "SQLITE_READONLY")
    assert _database_problem(full, context) == (
        f"the database {database} cannot grow: the disk is full. Free some space and run the command "
        "again; the database itself is intact"
    )
    assert _database_problem(read_only, context).startswith(f"the database {database} cannot be written")
    for problem in (_database_problem(full, context), _database_problem(read_only, context)):
        assert "backup" not in problem


def test_with_json_an_error_is_a_json_object_too(database, capsys):
    capsys.readouterr()
    assert main(["admin", "youth", "list", "--structure", "Nulle part", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json.loads(captured.err) == {
        "error": "no structure 'Nulle part': see `voix admin structure list` for ids and names",
        "exit_code": 2,
    }
