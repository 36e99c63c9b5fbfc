"""The README stays true: every setting and every command is documented, and links resolve."""

import argparse
import re
from pathlib import Path

from voix.cli import build_parser, command_tree
from voix.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick_start.splitlines() if line.startswith("    ")]
    assert commands == ["make demo", "make test"]


def test_every_setting_is_in_the_configuration_table() -> None:
    for name in Settings.model_fields:
        assert f"| `VOIX_{name.upper()}` |" in README, name


def test_every_command_is_in_the_reference_with_its_help() -> None:
    for path, help_text in command_tree():
        assert f"| `{path}` | {help_text} |" in README, f"README's row for {path} differs from its --help"


def test_every_relative_link_resolves() -> None:
    for document in [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)\)", document.read_text(encoding="utf-8")):
            assert (document.parent / target).exists(), f"{document.name} links to missing {target}"


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_json_option_stands_where_the_reference_says() -> None:
    """README: `--json` on every `voix admin` command but the exports, which take `--format`."""
    leaves = {path: parser for path, parser in leaf_parsers(build_parser())}
    options = {
        path: {name for action in parser._actions for name in action.option_strings}
        for path, parser in leaves.items()
    }
    with_json = sorted(path for path, names in options.items() if "--json" in names)
    expected = sorted(
        path
        for path in leaves
        if path.startswith("voix admin ") and not path.startswith("voix admin export ")
    )
    assert with_json == [*expected, "voix referentiel show"]
    assert all("--format" in options[path] for path in leaves if path.startswith("voix admin export "))


def leaf_parsers(
    parser: argparse.ArgumentParser, prefix: str = "voix"
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every runnable command with its parser (groups left out)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                children = leaf_parsers(subparser, f"{prefix} {name}")
                found.extend(children or [(f"{prefix} {name}", subparser)])
    return found
