"""The ``voix`` command: every command has help, usage errors exit 2, errors are one line."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from admin.errors import AdminError
from referentiel import loading
from voix.cli import build_parser, command_tree, main


def test_help_lists_the_top_level_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    output = capsys.readouterr().out
    for command in ("run", "demo", "admin", "referentiel"):
        assert f"\n    {command}" in output


def test_every_command_has_a_help_line() -> None:
    commands = command_tree()
    assert len(commands) > 10
    missing = [path for path, help_line in commands if not help_line.strip()]
    assert missing == []


@pytest.mark.parametrize("path", [path for path, _ in command_tree()])
def test_every_command_answers_help(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*path.split()[1:], "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {path}")


def test_the_root_gives_the_demo_the_exports_own_score_table() -> None:
    """``demo/`` may not import ``admin/``: its indicator table comes from the root, and is the export's."""
    from admin.score_table import build_score_table

    handler = build_parser().parse_args(["demo", "--auto"]).handler
    assert handler.keywords == {"build_score_table": build_score_table}


def test_bare_group_prints_its_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin"]) == 2
    assert "usage: voix admin" in capsys.readouterr().out


def test_unknown_command_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("voix: argument COMMAND: invalid choice: 'frobnicate'")
    assert error.endswith("(see `voix --help`)\n") and error.count("\n") == 1


def test_an_unknown_option_points_to_its_commands_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["admin", "org", "list", "--jsn"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "voix admin org list: unrecognized arguments: --jsn (see `voix admin org list --help`)\n"
    )


def test_json_asked_of_an_export_points_to_its_format(capsys: pytest.CaptureFixture[str]) -> None:
    for export in ("scores", "workshop", "answers"):
        with pytest.raises(SystemExit) as exited:
            main(["admin", "export", export, "--out", "export.json", "--json"])
        assert exited.value.code == 2
        assert capsys.readouterr().err == (
            f"voix admin export {export}: unrecognized arguments: --json; for JSON, give --format json "
            f"(see `voix admin export {export} --help`)\n"
        )


def test_the_decimal_mark_reads_as_a_choice_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["admin", "export", "scores", "--help"])
    assert "  --decimal MARK        CSV decimal mark: , or . (default ,)\n" in capsys.readouterr().out


def test_bad_option_value_is_one_line_naming_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["admin", "invite", "youth", "--structure", "1", "--count", "abc"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("voix admin invite youth: argument --count:")
    assert error.count("\n") == 1


def test_actionable_error_is_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VOIX_TELEGRAM_TOKEN", raising=False)
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error == "voix: VOIX_TELEGRAM_TOKEN is not set: put the token @BotFather gave you in it.\n"


def test_debug_is_accepted_before_and_after_the_command() -> None:
    parser = build_parser()
    assert parser.parse_args(["admin", "export", "scores"]).debug is False
    for argv in (
        ["--debug", "admin", "export", "scores"],
        ["admin", "--debug", "export", "scores"],
        ["admin", "export", "scores", "--debug"],
    ):
        assert parser.parse_args(argv).debug is True, argv


def test_debug_after_the_command_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VOIX_DB", str(tmp_path / "voix.db"))
    monkeypatch.delenv("VOIX_MINIMUM_GROUP_SIZE", raising=False)
    with pytest.raises(AdminError, match="--min-group 3 is below 10"):
        main(["admin", "export", "scores", "--min-group", "3", "--debug"])
    # Without it, one line (and the logging set back to INFO for the tests that follow).
    assert main(["admin", "export", "scores", "--min-group", "3"]) == 2
    assert capsys.readouterr().err.startswith("voix: --min-group 3 is below 10")


@pytest.fixture
def damaged_referentiel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installation whose current référentiel file was damaged by hand (a YAML syntax error)."""
    directory = tmp_path / "data"
    shutil.copytree(loading.SHIPPED_DIRECTORY, directory)
    damaged = directory / "voix-mecs-v2.yaml"
    text = damaged.read_text(encoding="utf-8")
    damaged.write_text(text.replace("\nversion: 2\n", "\nversion: [2\n", 1), encoding="utf-8")
    monkeypatch.setattr(loading, "SHIPPED_DIRECTORY", directory)
    loading._shipped.cache_clear()  # the good files may have been read by an earlier test
    yield damaged
    loading._shipped.cache_clear()


def test_a_damaged_referentiel_breaks_neither_help_nor_its_own_check(
    damaged_referentiel: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in ["voix", *(path for path, _ in command_tree())]:  # no parser reads the référentiel
        with pytest.raises(SystemExit) as exited:
            main([*path.split()[1:], "--help"])
        assert exited.value.code == 0, path
        assert capsys.readouterr().out.startswith(f"usage: {path}")
    assert main(["referentiel", "check"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"{damaged_referentiel}:") and "Traceback" not in error
    assert error.splitlines()[-1].startswith("voix: ") and "fix them and check again" in error


def test_an_unknown_follow_up_wave_is_named_with_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "followup", "open", "--structure", "1", "--wave", "T9"]) == 2
    assert capsys.readouterr().err == "voix: --wave must be one of T1, exit, not T9\n"
