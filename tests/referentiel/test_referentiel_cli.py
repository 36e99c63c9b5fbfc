"""``voix referentiel check`` and ``show``: exact output, exit codes, problems on stderr."""

import json
import sys
from pathlib import Path

import pytest

from referentiel.loading import current_referentiel
from tests.referentiel.commands import run

FIXTURES = Path(__file__).parent / "fixtures"
V1_SUMMARY = (
    "voix-mecs v1: ok, 6 dimensions, 34 questions, 22 indicators, 5 safeguarding triggers, "
    "languages fr, en; about 4 min 09 s to 5 min 39 s to answer\n"
)
V2_SUMMARY = (
    "voix-mecs v2: ok, 6 dimensions, 38 questions, 22 indicators (6 distributions, 46 published values), "
    "10 safeguarding triggers, languages fr, en; about 4 min 56 s to 6 min 17 s to answer\n"
)
SHIPPED_SUMMARY = V1_SUMMARY + V2_SUMMARY
V2_READING = [
    "  fr: words per item median 10.5, longest 15; "
    "reading ease (Flesch, textstat) median 103, lowest 74.9 (online_meeting)",
    "  en: words per item median 9, longest 15",
]


def summaries(output: str) -> str:
    """The summary lines of ``check`` (the reading figures under each are indented)."""
    return "".join(line + "\n" for line in output.splitlines() if not line.startswith("  "))


def test_check_without_a_path_checks_every_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "check"]) == 0
    output = capsys.readouterr().out
    assert summaries(output) == SHIPPED_SUMMARY
    assert output.endswith(V2_SUMMARY + "\n".join(V2_READING) + "\n")  # v2: no item over 15 words
    assert "  long item: health_change (fr) has 20 words, more than 15: one idea, short words\n" in output


def test_check_a_directory_of_versions(versions_directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "check", str(versions_directory)]) == 0
    lines = summaries(capsys.readouterr().out).splitlines()
    assert lines[0] + "\n" == V1_SUMMARY
    assert lines[1] == (
        "voix-mecs v2: ok, 6 dimensions, 34 questions, 21 indicators, 5 safeguarding triggers, "
        "languages fr, en; about 4 min 34 s to 6 min 04 s to answer"
    )


def test_check_lists_every_problem_on_stderr_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    file = FIXTURES / "broken.yaml"
    assert run(["referentiel", "check", str(file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 10
    assert lines[0] == f"{file}:13: waves.T1: T1 needs default_delay_days (e.g. 180)"
    assert lines[-1] == f"voix: 9 problems in {file} (listed above): fix them and check again"


def test_check_one_draft_against_the_shipped_versions(capsys: pytest.CaptureFixture[str]) -> None:
    draft = FIXTURES / "versions" / "voix-mecs-v2.yaml"
    assert run(["referentiel", "check", str(draft)]) == 0
    assert capsys.readouterr().out.startswith("voix-mecs v2: ok, 6 dimensions, 34 questions, 21 indicators")


def test_a_version_whose_declared_predecessor_is_absent_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "voix-mecs-v2.yaml").write_bytes((FIXTURES / "versions" / "voix-mecs-v2.yaml").read_bytes())
    assert run(["referentiel", "check", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        f"{tmp_path / 'voix-mecs-v2.yaml'}:391: indicators.feel_safe.comparable_with.0.version: "
        "version 1 of 'voix-mecs' is not loaded with this file: check the directory that holds both "
        "(voix referentiel check DIRECTORY)"
    )
    assert lines[-1].startswith("voix: 19 problems in ")


def test_show_json_into_a_closed_pipe_exits_quietly() -> None:
    import subprocess

    voix = Path(sys.executable).parent / "voix"
    if not voix.exists():
        pytest.skip("the voix script is not installed in this environment")
    result = subprocess.run(
        f"'{voix}' referentiel show --json | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == "{\n"
    assert "Traceback" not in result.stderr


def test_check_an_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "check", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"voix: no *.yaml référentiel file in {tmp_path}\n"


def test_show_prints_the_current_referentiel_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:12] == [
        "voix-mecs v2: Ta vie ici : ce que tu en penses",
        "languages: fr, en",
        "waves: T0, T1 (+180 days), exit",
        "",
        "[context]",
        "  time_here (single_choice): Depuis combien de temps tu vis ici ?",
        "    under_3m=Moins de 3 mois | 3_to_12m=De 3 mois à 1 an | over_1y=Plus d’un an",
        "  age_band (single_choice): Tu as quel âge ?",
        "    under_13=Moins de 13 ans | 13_14=13 ou 14 ans | 15_16=15 ou 16 ans | 17_plus=17 ans ou plus",
        "",
        "[securite] Sécurité",
        "  key effect: Réponse aux besoins de première nécessité : sentiment de sécurité",
    ]
    assert "  safety_since (scale; if time_here in 3_to_12m, over_1y): " in "\n".join(lines)
    assert "    help shown on: mostly_no, not_at_all" in lines
    assert lines[-1] == (
        "  felt_autonomy_change (autonomie, distribution, percent): Débrouillardise depuis l’arrivée"
    )


def test_show_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "show", "--language", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "voix-mecs v2: Your life here: what you think"


def test_show_refuses_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "show", "--language", "de"]) == 2
    assert capsys.readouterr().err == ("voix: voix-mecs v2 has no 'de' texts; use one of: fr, en\n")


def test_show_json_is_the_whole_referentiel(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == current_referentiel().model_dump(mode="json", by_alias=True)
    assert [indicator["id"] for indicator in data["indicators"]][:4] == [
        "feel_safe",
        "safety_score",
        "knows_who_to_tell",
        "felt_safety_change",  # as written: a distribution, not its published shares
    ]
    assert data["questions"][2]["options"][0] == {
        "id": "yes_totally",
        "label": {"fr": "Oui, tout à fait", "en": "Yes, definitely"},
        "value": 4,
        "exclusive": False,
    }


def test_show_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["referentiel", "show", str(FIXTURES / "versions" / "voix-mecs-v2.yaml")]) == 0
    output = capsys.readouterr().out
    assert output.startswith("voix-mecs v2: ")
    assert "  sport_hours (number): Combien d’heures de sport tu fais par semaine ?\n" in output
    assert "    from 0 to 30\n" in output


def test_through_the_voix_command(capsys: pytest.CaptureFixture[str]) -> None:
    from voix import cli

    try:
        cli.build_parser()
    except ModuleNotFoundError as missing:  # other packages' commands are still being written
        pytest.skip(f"voix.cli cannot build its parser yet: {missing}")
    assert cli.main(["referentiel", "check"]) == 0
    assert summaries(capsys.readouterr().out) == SHIPPED_SUMMARY
    duplicate_key = FIXTURES / "problems" / "duplicate_key.yaml"
    assert cli.main(["referentiel", "check", str(duplicate_key)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"voix: 1 problem in {duplicate_key} (listed above): fix them and check again"
    )


def test_check_reports_items_over_the_configured_length_and_every_item_on_demand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    v2 = str(Path(__file__).parents[2] / "referentiel" / "data" / "voix-mecs-v2.yaml")
    assert run(["referentiel", "check", v2, "--maximum-words", "14"]) == 0
    lines = capsys.readouterr().out.splitlines()
    long_lines = [line for line in lines if "long item" in line]
    assert "  long item: consent (fr) has 15 words, more than 14: one idea, short words" in long_lines
    assert all("more than 14" in line for line in long_lines) and len(long_lines) >= 2
    assert run(["referentiel", "check", v2, "--items"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "  age_band (fr): 4 words, reading ease 129.3" in lines  # Tu as quel âge ? (short: above 100)
    assert "  age_band (en): 4 words" in lines  # English: words only
    assert len([line for line in lines if line.startswith("  ") and " words" in line]) >= 2 * 38


def test_check_refuses_a_maximum_that_is_not_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["referentiel", "check", "--maximum-words", "short"])
    assert exited.value.code == 2
    assert "expected a whole number, not 'short'" in capsys.readouterr().err


def test_a_path_that_names_no_file_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "draft.yaml"
    assert run(["referentiel", "show", str(missing)]) == 2
    assert capsys.readouterr().err == f"voix: no such file: {missing} (give a .yaml file)\n"
    assert run(["referentiel", "check", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"voix: no such file: {missing} (give a .yaml file or a directory of them)\n"
    )
    assert run(["referentiel", "show", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"voix: {tmp_path} is not a file (give a .yaml file)\n"
