"""One broken fixture per validator message of the issue, checked through ``voix referentiel check``.

Each file in ``fixtures/problems/`` is ``_valid.yaml`` with one kind of mistake (its first line
says which); ``several_problems.yaml`` has them all at once, plus a misspelt field, and every one
is listed in a single run.
"""

import argparse
import sys
from pathlib import Path

import pytest

from admin.referentiel_commands import register
from referentiel.errors import ReferentielError

PROBLEMS = Path(__file__).parent / "fixtures" / "problems"

# file → the lines `check` prints on stderr, each "line: path.to.field: message" after "file:".
EXPECTED = {
    "unknown_question.yaml": ["35: indicators.feel_safe.questions.0: unknown question 'safe_hom'"],
    "duplicate_id.yaml": [
        "18: questions.safe_home.id: id 'safe_home' is used more than once",
        "23: questions.safe_home.id: id 'safe_home' is used more than once",
    ],
    "missing_translation.yaml": ["29: questions.who_to_tell.text: missing the 'en' translation"],
    "scale_without_options.yaml": [
        "7: scales.mood: the scale 'mood' needs at least 2 options",
        "19: questions.safe_home.options: "
        "a scale question needs options: write `options:` or name a `scale:`",
    ],
    "condition_cycle.yaml": [
        "22: questions.safe_home.condition.question: condition cycle: 'safe_home' → 'who_to_tell' → "
        "'safe_home' (a question cannot depend on itself, even through others)"
    ],
    "reverse_not_scale.yaml": [
        "26: questions.who_to_tell.reverse: only scale questions can be reversed, and this one is yes_no"
    ],
    "safeguarding_option.yaml": ["40: safeguarding.0.any_of.0: 'safe_home' has no option 'never'"],
    "syntax_error.yaml": ["5: invalid YAML: expected ',' or '}', but got '<scalar>'"],
    "duplicate_key.yaml": ["5: title: duplicate key (the first value would be silently lost)"],
    "alias_bomb.yaml": [
        "1: the file unfolds into more than 200,000 values through aliases (*name) that repeat aliases: "
        "write the values out"
    ],
    "several_problems.yaml": [
        "7: scales.mood: the scale 'mood' needs at least 2 options",
        "15: dimensions.securite.title: missing the 'en' translation",
        "23: questions.safe_home.condition.question: condition cycle: 'safe_home' → 'who_to_tell' → "
        "'safe_home' (a question cannot depend on itself, even through others)",
        "28: questions.who_to_tell.reverse: only scale questions can be reversed, and this one is yes_no",
        "34: questions.school.id: id 'school' is used more than once",
        "39: questions.school.id: id 'school' is used more than once",
        "44: questions.night.text: required field is missing",
        "48: questions.night.txt: unknown field (check its spelling and indentation)",
        "54: indicators.feel_safe.questions.0: unknown question 'safe_hom'",
        "59: safeguarding.0.any_of.0: 'safe_home' has no option 'never'",
    ],
}


def check(path: Path) -> int:
    """Run ``voix referentiel check PATH`` as ``voix.cli.main`` does and return its exit code."""
    parser = argparse.ArgumentParser(prog="voix")
    register(parser.add_subparsers())
    arguments = parser.parse_args(["referentiel", "check", str(path)])
    try:
        code = int(arguments.handler(arguments))
    except ReferentielError as error:
        print(f"voix: {error.message}", file=sys.stderr)
        code = error.exit_code
    return code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_fixture_is_reported_precisely(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    file = PROBLEMS / name
    code = check(file)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[:-1] == [f"{file}:{line}" for line in EXPECTED[name]]
    count = len(EXPECTED[name])
    noun = "problem" if count == 1 else "problems"
    assert lines[-1] == f"voix: {count} {noun} in {file} (listed above): fix them and check again"


def test_every_problem_fixture_has_its_expected_output() -> None:
    names = {path.name for path in PROBLEMS.glob("*.yaml")}
    assert names - {"_valid.yaml"} == set(EXPECTED)


def test_the_base_of_the_problem_fixtures_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code = check(PROBLEMS / "_valid.yaml")
    assert code == 0
    assert capsys.readouterr().out == (
        "tiny v1: ok, 1 dimension, 2 questions, 1 indicator, 1 safeguarding trigger, "
        "languages fr, en; about 0 min 20 s to 0 min 20 s to answer\n"
        "  fr: words per item median 5.5, longest 6; "
        "reading ease (Flesch, textstat) median 105.8, lowest 84.2 (safe_home)\n"
        "  en: words per item median 5, longest 6\n"
    )
