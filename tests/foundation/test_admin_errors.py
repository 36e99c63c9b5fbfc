"""Bad input to `voix admin …` ends with exit code 2 (or 1) and one line on stderr, never a traceback."""

import random

import pytest

from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import current_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from voix.cli import main


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """A Voix database with one organisation and one structure, named by VOIX_DB."""
    path = tmp_path / "voix.db"
    monkeypatch.setenv("VOIX_DB", str(path))
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
    assert "cannot create --qr" in one_line(capsys)
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
    assert main(command) == 1
    assert "Check VOIX_DB" in one_line(capsys)


def test_a_database_damaged_after_its_header_is_one_line(monkeypatch, tmp_path, capsys) -> None:
    """The schema reads fine, the answers' pages do not: the error comes from inside the export's query."""
    path = tmp_path / "voix.db"
    connection = open_sync_connection(path)
    apply_migrations(connection)
    fill_database(connection, current_referentiel(), DatasetShape(organisations=2, structures=5, youth=100))
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 2)
        file.write(random.Random(1).randbytes(8192))
    monkeypatch.setenv("VOIX_DB", str(path))
    assert main(["admin", "export", "scores"]) == 1
    assert "the database cannot be read (database disk image is malformed)" in one_line(capsys)


def test_a_database_path_that_cannot_be_created_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VOIX_DB", str(blocker / "voix.db"))
    assert main(["admin", "org", "list"]) == 1
    assert "Check VOIX_DB" in one_line(capsys)


def test_unknown_names_are_exit_2_with_where_to_look(database, capsys) -> None:
    capsys.readouterr()
    assert main(["admin", "export", "scores", "--structure", "Nowhere"]) == 2
    assert "see `voix admin structure list`" in one_line(capsys)
    assert main(["admin", "export", "scores", "--organisation", "Nobody"]) == 2
    assert "see `voix admin org list`" in one_line(capsys)
    assert main(["admin", "export", "scores", "--min-group", "4"]) == 2
    assert "below the floor of 5" in one_line(capsys)
