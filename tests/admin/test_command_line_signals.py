"""The command line stopped or fed what it cannot read: a signal, an argument that is not UTF-8,
an error no package foresaw. One line, nothing left half-written, never a traceback."""

import signal
import sqlite3
import subprocess
import sys
import time

from tests.admin.test_export_safety import VOIX, run_voix, voix_environment


def _export(dataset, out, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", VOIX, "admin", "export", "answers", "--out", str(out)],
        env=voix_environment(dataset),
        cwd=out.parent,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def _until_writing(export: subprocess.Popen, directory) -> None:
    """Wait until the export writes its partial file (never a sleep: its file says so)."""
    deadline = time.monotonic() + 60
    while not any(path.name.endswith(".partial") for path in directory.iterdir()):
        assert export.poll() is None and time.monotonic() < deadline


def test_a_stopped_or_hung_up_export_leaves_no_partial_file(dataset, tmp_path):
    # An SSH session that drops (SIGHUP) or a service stopped (SIGTERM) stops an export as Ctrl-C
    # does: the personal data it was writing are removed, nothing is put in place.
    holder = sqlite3.connect(dataset, isolation_level=None)
    try:
        for stop in (signal.SIGTERM, signal.SIGHUP):
            holder.execute("BEGIN IMMEDIATE")  # the export's audit entry waits for it
            out = tmp_path / f"answers-{stop.name}.csv"
            export = _export(dataset, out)
            _until_writing(export, tmp_path)
            export.send_signal(stop)
            # Let go at once: the export's wait ends without « busy », and the signal stops it.
            holder.execute("ROLLBACK")
            _, errors = export.communicate(timeout=60)
            assert (export.returncode, errors) == (130, "")
            assert [path.name for path in tmp_path.iterdir() if not path.name.startswith("voix.db")] == []
    finally:
        holder.close()


def test_an_argument_that_is_not_utf8_is_one_line(dataset):
    # What a terminal set to Latin-1 sends for « Été ».
    result = run_voix(dataset, "admin", "org", "add", b"\xe9t\xe9".decode("utf-8", "surrogateescape"),
                      stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert (result.returncode, result.stderr) == (
        2,
        "voix: the argument \\udce9t\\udce9 is not UTF-8 text: set the terminal (or the SSH session) to "
        "UTF-8 and type it again\n",
    )


def test_an_error_no_package_foresaw_is_one_line_without_traceback(dataset):
    connection = sqlite3.connect(dataset)
    with connection:  # a database edited by hand
        connection.execute(
            "INSERT INTO invitations (structure_id, token_hash, wave, created_at, expires_at) "
            "VALUES (1, x'00', 'T0', '2026-11-01T09:00:00+00:00', 'garbage')"
        )
    connection.close()
    result = run_voix(dataset, "admin", "invite", "list", stderr=subprocess.PIPE, text=True)
    assert (result.returncode, result.stderr) == (
        1,
        "voix: the command stopped on an unexpected error (ValueError): run it again with --debug to "
        "see where, and report it\n",
    )


def test_an_export_run_under_nohup_goes_on_when_the_session_drops(dataset, tmp_path):
    # SIGHUP ignored by whoever started it (``nohup voix …``): Voix keeps ignoring it.
    holder = sqlite3.connect(dataset, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        out = tmp_path / "answers.csv"
        export = _export(dataset, out, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
        _until_writing(export, tmp_path)
        export.send_signal(signal.SIGHUP)
        holder.execute("ROLLBACK")
        _, errors = export.communicate(timeout=60)
        assert export.returncode == 0 and "written to" in errors
        assert out.exists() and (tmp_path / "answers.codebook.csv").exists()
    finally:
        holder.close()
