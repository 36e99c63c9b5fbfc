"""Exports that cannot go wrong: no formula, words for booleans, the format the file name says,
nothing binary on a terminal, a quiet end when the reader stops, metadata beside the CSV."""

import csv
import fcntl
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from tests.admin.conftest import FORMULA_ORGANISATION_NAME, FORMULA_STRUCTURE_NAME

# What the installed ``voix`` script runs.
VOIX = "import sys; from voix.cli import main; sys.exit(main())"


def voix_environment(database) -> dict[str, str]:
    """This process's environment with no Voix setting but the database."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VOIX_")}
    return {**environment, "VOIX_DB": str(database)}


def run_voix(database, *argv, **streams) -> subprocess.CompletedProcess:
    """Run the real ``voix`` command on ``database`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-c", VOIX, *argv],
        env=voix_environment(database),
        cwd=database.parent,
        timeout=120,
        check=False,
        **streams,
    )


def test_no_csv_cell_is_a_formula_and_booleans_are_words(admin, formula_named_dataset):
    lines = list(csv.reader(io.StringIO(admin("export", "scores").out.removeprefix("\ufeff")), delimiter=";"))
    assert lines[0][:3] == ["level", "group_id", "group_name"]  # the header row, no comment above it
    rows = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    assert "'" + FORMULA_STRUCTURE_NAME in {row["group_name"] for row in rows}
    assert "'" + FORMULA_ORGANISATION_NAME in {row["organisation"] for row in rows}
    assert {row["suppressed"] for row in rows} == {"oui", "non"}
    texts = [cell for row in rows for key, cell in row.items() if key not in ("value", "ci_low", "ci_high")]
    assert [cell for cell in texts if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []


def test_the_json_keeps_names_as_given_and_booleans_typed(admin, formula_named_dataset):
    rows = json.loads(admin("export", "scores", "--format", "json").out)["rows"]
    assert FORMULA_STRUCTURE_NAME in {row["group_name"] for row in rows}
    assert {row["suppressed"] for row in rows} == {True, False}


def test_the_xlsx_stores_names_as_text_and_booleans_as_words(admin, formula_named_dataset, tmp_path):
    path = tmp_path / "scores.xlsx"
    assert admin("export", "scores", "--format", "xlsx", "--out", str(path)).exit_code == 0
    workbook = openpyxl.load_workbook(path)
    cells = [cell for sheet in workbook.worksheets for line in sheet.iter_rows() for cell in line]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    named = [cell for cell in cells if cell.value in (FORMULA_STRUCTURE_NAME, FORMULA_ORGANISATION_NAME)]
    assert named and all(cell.data_type == "s" and cell.quotePrefix for cell in named)
    suppressed = {
        line[13] for sheet in workbook.worksheets[1:] for line in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert suppressed == {"oui", "non"}


def test_the_format_follows_the_extension_of_out(admin, dataset, tmp_path):
    for name in ("scores.xlsx", "scores.json", "scores.html", "scores.csv", "SCORES.XLSX"):
        assert admin("export", "scores", "--out", str(tmp_path / name)).exit_code == 0
    assert zipfile.is_zipfile(tmp_path / "scores.xlsx") and zipfile.is_zipfile(tmp_path / "SCORES.XLSX")
    assert openpyxl.load_workbook(tmp_path / "scores.xlsx").sheetnames[0] == "Lisez-moi"
    assert json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))["schema"]
    assert (
        (tmp_path / "scores.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    )
    assert (tmp_path / "scores.csv").read_text(encoding="utf-8").startswith('\ufeff"level";')
    assert admin("export", "scores", "--format", "json", "--out", str(tmp_path / "scores.txt")).exit_code == 0
    assert json.loads((tmp_path / "scores.txt").read_text(encoding="utf-8"))["schema"]


def test_an_extension_naming_no_format_voix_writes_is_refused(admin, dataset, tmp_path):
    # A reviewer's `--out rapport.pdf` held CSV; a name without extension still gets CSV.
    result = admin("export", "scores", "--out", str(tmp_path / "rapport.pdf"))
    assert (result.exit_code, result.out) == (2, "")
    assert result.err == (
        f"voix: --out {tmp_path / 'rapport.pdf'}: Voix writes .csv, .xlsx, .json or .html files; name "
        "the file so, or give --format\n"
    )
    assert not (tmp_path / "rapport.pdf").exists() and not list(tmp_path.glob("rapport*"))
    assert admin("export", "scores", "--out", str(tmp_path / "scores")).exit_code == 0
    assert (tmp_path / "scores").read_text(encoding="utf-8").startswith('\ufeff"level";')


def test_a_format_contradicting_the_extension_is_refused(admin, dataset, tmp_path):
    result = admin("export", "scores", "--format", "csv", "--out", str(tmp_path / "scores.xlsx"))
    assert (result.exit_code, result.out) == (2, "")
    assert result.err == (
        f"voix: --format csv contradicts --out {tmp_path / 'scores.xlsx'}, a name for XLSX: leave out "
        "--format, or name the file scores.csv\n"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "voix.db"]


def test_a_csv_file_has_its_lisez_moi_beside_it(admin, dataset, tmp_path):
    assert (
        admin(
            "export", "scores", "--organisation", "1", "--min-group", "12", "--out", str(tmp_path / "s.csv")
        ).exit_code
        == 0
    )
    readme = (tmp_path / "s.lisez-moi.txt").read_bytes().decode("utf-8-sig")
    assert readme.startswith(  # 10:00 UTC, in the deployment's time zone (VOIX_TIMEZONE)
        "Export des indicateurs Voix\r\n"
        "Généré le : 26 novembre 2026 à 11:00 (heure normale d’Europe centrale)\r\n"
    )
    for fact in (
        "Taille minimale des groupes (k) : 12",
        "Périmètre : organisation n° 1",
        "Référentiel : voix-mecs/1",
    ):
        assert fact in readme
    assert "moins de 12 jeunes" in readme and "« oui » ou « non »" in readme and "apostrophe" in readme
    assert "safety_score" in readme
    assert admin("export", "scores").exit_code == 0  # standard output: a CSV alone, no file anywhere
    assert sorted(path.name for path in tmp_path.iterdir()) == ["s.csv", "s.lisez-moi.txt", "voix.db"]


def test_a_binary_format_is_never_written_to_a_terminal(dataset):
    for argv in (["--format", "xlsx"], ["--format", "xlsx", "--out", "-"]):
        terminal, terminal_side = os.openpty()
        try:
            result = run_voix(
                dataset, "admin", "export", "scores", *argv, stdout=terminal_side, stderr=subprocess.PIPE
            )
        finally:
            os.close(terminal_side)
        os.set_blocking(terminal, False)
        try:
            shown = os.read(terminal, 65536)
        except OSError:  # nothing was written (EAGAIN), or the terminal is gone (EIO)
            shown = b""
        os.close(terminal)
        assert (result.returncode, shown) == (2, b"")
        assert result.stderr.decode() == (
            "voix: XLSX is a binary file, not for a terminal: give --out PATH (e.g. --out scores.xlsx)\n"
        )


def test_a_reader_that_stops_early_ends_the_export_quietly(dataset):
    # `voix admin export scores | head -c 100`: a pipe of one page, read once, then closed.
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen(
        [sys.executable, "-c", VOIX, "admin", "export", "scores"],
        env=voix_environment(dataset),
        cwd=dataset.parent,
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    first = chunk = os.read(reader, 100)
    while chunk and len(first) < 20:  # the BOM may come alone
        chunk = os.read(reader, 100)
        first += chunk
    os.close(reader)
    _, errors = process.communicate(timeout=120)
    assert (process.returncode, errors) == (141, b"")
    assert first.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("command", "example"),
    [
        (("workshop",), "export.json"),
        (("workshop", "--format", "html"), "export.html"),
        (("answers",), "export.xlsx"),
        (("answers", "--format", "csv"), "export.csv"),
    ],
)
def test_the_file_exports_refuse_standard_output_rather_than_write_a_file_named_dash(
    admin, dataset, tmp_path, monkeypatch, command, example
):
    """``export scores --out -`` writes to standard output; the pack and the answers are files (a
    pack with its charts, personal data): ``-`` is refused, and no file named ``-`` is left."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = admin("export", *command, "--out", "-")
    assert (result.exit_code, result.out) == (2, "")
    assert result.err == (
        "voix: --out -: this export is written to a file, not to standard output: "
        f"name one (e.g. --out {example})\n"
    )
    assert list(here.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [["scores", "--format", "json"], ["answers", "--format", "json"], ["workshop", "--format", "json"]],
)
def test_no_export_is_written_over_the_database_or_its_key(admin, context, dataset, command):
    settings = context.settings()
    key = settings.secret_key_file
    key.write_text("00" * 32 + "\n")
    before = {path: path.read_bytes() for path in (dataset, key)}
    wal = dataset.with_name(dataset.name + "-wal")
    for target in (dataset, key, wal, dataset.parent / ".." / dataset.parent.name / dataset.name):
        result = admin("export", *command, "--out", str(target))
        assert result.exit_code == 2, (target, result)
        assert result.err == (
            f"voix: --out {target} is one of Voix's own files (the database or its key): writing there "
            "would destroy it. Give another file name\n"
        )
    assert {path: path.read_bytes() for path in (dataset, key)} == before
    assert not wal.exists()


def test_a_failed_export_leaves_the_file_it_would_have_replaced(admin, dataset, tmp_path):
    out = tmp_path / "scores.json"
    out.write_text("the export of last week\n", encoding="utf-8")
    connection = sqlite3.connect(dataset)
    with connection:  # an answer Voix did not write: the export refuses the data, after opening --out
        connection.execute(
            "UPDATE answers SET value = 'oui' "
            "WHERE id = (SELECT min(id) FROM answers WHERE value IS NOT NULL)"
        )
    connection.close()
    result = admin("export", "scores", "--out", str(out))
    assert result.exit_code == 1 and "Voix did not write" in result.err
    assert out.read_text(encoding="utf-8") == "the export of last week\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scores.json", "voix.db"]


def test_a_full_disk_stops_an_export_with_one_line(dataset):
    with open("/dev/full", "w") as full:  # every write fails: no space left on device
        result = run_voix(
            dataset, "admin", "export", "scores", stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert (result.returncode, result.stderr) == (
        1,
        "voix: the command stopped: No space left on device; fix that (free the disk, the file's rights) "
        "and run it again\n",
    )


def test_an_id_too_large_for_any_database_is_one_line(admin, dataset):
    huge = "9" * 20
    refused = admin("invite", "revoke", huge)
    assert (refused.exit_code, refused.err) == (
        2,
        f"voix admin invite revoke: argument ID: expected a number of at most 18 digits, not {huge} "
        "(see `voix admin invite revoke --help`)\n",
    )
    for argv in (["youth", "list", "--structure", huge], ["export", "scores", "--structure", huge]):
        result = admin(*argv)  # a structure of that number does not exist, nor of that name
        assert (result.exit_code, result.err) == (
            2,
            f"voix: no structure '{huge}': see `voix admin structure list` for ids and names\n",
        ), argv
    superscript = admin("youth", "list", "--structure", "²")  # a digit to Python, not an id
    assert superscript.err == "voix: no structure '²': see `voix admin structure list` for ids and names\n"


def test_an_export_keeps_the_rights_and_the_link_of_the_file_it_replaces(admin, dataset, tmp_path):
    fresh = tmp_path / "fresh.json"
    assert admin("export", "scores", "--out", str(fresh)).exit_code == 0
    assert fresh.stat().st_mode & 0o777 == 0o600  # personal enough: the owner's only, unless chosen
    shared = tmp_path / "shared.json"
    shared.write_text("last week\n", encoding="utf-8")
    shared.chmod(0o640)
    link = tmp_path / "latest.json"
    link.symlink_to(shared)
    assert admin("export", "scores", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads(shared.read_text(encoding="utf-8"))["schema"]
    assert shared.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("command", "example"),
    [(["scores", "--format", "json"], "scores.csv"), (["answers", "--format", "json"], "answers.json")],
)
def test_an_out_that_is_not_a_file_is_refused_and_left_as_it_is(admin, dataset, tmp_path, command, example):
    # Renamed over, /dev/null or a pipe would have been replaced by the export (run as root, the
    # server's /dev/null became a file anyone could read).
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for target in (pipe, "/dev/null"):
        result = admin("export", *command, "--out", str(target))
        assert (result.exit_code, result.err) == (
            2,
            f"voix: --out {target} is not a file (a device, a pipe or a socket): writing there would "
            f"replace it; give a file path such as {os.path.dirname(target)}/{example}\n",
        )
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert pipe.is_fifo() and sorted(path.name for path in tmp_path.iterdir()) == ["pipe", "voix.db"]


def test_an_export_to_standard_output_is_audited_before_any_line_is_out(admin, dataset):
    connection = sqlite3.connect(dataset)
    with connection:  # an audit log that refuses: a busy or read-only database at that moment
        connection.execute(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log refuses'); END"
        )
    connection.close()
    result = admin("export", "scores", "--format", "csv")
    assert (result.exit_code, result.out) == (1, "")


@pytest.mark.parametrize(
    ("command", "out", "companion", "what"),
    [
        (["scores"], "scores.csv", "scores.lisez-moi.txt", "the Lisez-moi"),
        (["answers"], "answers.csv", "answers.codebook.csv", "the codebook"),
    ],
)
def test_a_file_beside_out_that_cannot_be_written_is_named_as_itself(
    admin, dataset, tmp_path, command, out, companion, what
):
    (tmp_path / companion).mkdir()
    result = admin("export", *command, "--out", str(tmp_path / out))
    assert (result.exit_code, result.err) == (
        2,
        f"voix: {what} beside --out ({tmp_path / companion}) is a directory: give --out another file name\n",
    )
    assert not (tmp_path / out).exists()


def test_a_name_stored_with_a_control_character_does_not_stop_a_workbook(admin, dataset, tmp_path):
    # Stored before such names were refused: openpyxl refused the whole workbook.
    connection = sqlite3.connect(dataset)
    with connection:
        connection.execute("UPDATE structures SET name = 'MECS \x1bLes Pins' WHERE id = 1")
    connection.close()
    for command in (["scores"], ["workshop"], ["answers"]):
        out = tmp_path / f"{command[0]}.xlsx"
        result = admin("export", *command, "--out", str(out))
        assert result.exit_code == 0, (command, result.err)
        texts = {cell for sheet in openpyxl.load_workbook(out) for row in sheet.values for cell in row}
        assert "MECS Les Pins" in texts, command
        assert not any(isinstance(cell, str) and "\x1b" in cell for cell in texts)
