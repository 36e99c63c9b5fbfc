"""``voix referentiel export --format xlsform``: a workbook pyxform turns into an XForm, ids kept.

pyxform's conversion checks the XLSForm (types, names, choice lists, relevance expressions); the
external ODK Validate (Java) is not run here, so the tests do not depend on a Java runtime.
"""

import re
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from admin.referentiel_commands import write_xlsform
from referentiel.loading import find_referentiel, load_referentiel
from referentiel.models import Referentiel
from tests.referentiel.commands import run

FIXTURE = Path(__file__).parent / "fixtures" / "versions" / "voix-mecs-v2.yaml"


def xform(path: Path) -> str:
    """Convert a workbook with pyxform; any warning is a failure."""
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=False)
    assert warnings == []
    return str(result.xform)


def exported(referentiel: Referentiel, path: Path) -> Path:
    write_xlsform(referentiel, path)
    return path


def binds(text: str) -> dict[str, str]:
    """Return {field name: its bind element} of an XForm."""
    return {match[1]: match[0] for match in re.findall(r'(<bind nodeset="/data/(?:\w+/)?(\w+)"[^>]*>)', text)}


@pytest.mark.parametrize("version", [1, 2])
def test_each_shipped_version_exports_and_converts_with_every_question_id(
    version: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"v{version}.xlsx"
    assert (
        run(["referentiel", "export", "--format", "xlsform", "--version", str(version), "--out", str(out)])
        == 0
    )
    referentiel = find_referentiel("voix-mecs", version)
    assert capsys.readouterr().out == (
        f"voix-mecs v{version}: {len(referentiel.questions)} questions written to {out}\n"
    )
    fields = binds(xform(out))
    questions = {question.id for question in referentiel.questions}
    notes = {f"introduction_{dimension.id}" for dimension in referentiel.dimensions}
    assert set(fields) == questions | notes | {"instanceID"}  # ODK's own id of a filled form


def test_conditions_become_relevance_and_options_keep_their_ids(tmp_path: Path) -> None:
    out = tmp_path / "current.xlsx"
    assert run(["referentiel", "export", "--format", "xlsform", "--out", str(out)]) == 0
    text = xform(out)
    fields = binds(text)
    assert (
        "relevant=\"selected( /data/time_here , '3_to_12m') or selected( /data/time_here , 'over_1y')\""
        in (fields["safety_since"])
    )
    assert "selected( /data/formation/has_plan , 'yes')" in fields["path_fits"]
    assert "required" not in text  # a blank answer is "je préfère ne pas répondre"
    choices = openpyxl.load_workbook(out)["choices"]
    who = [row[1] for row in choices.iter_rows(values_only=True) if row[0] == "who_helps"]
    assert who == list(find_referentiel("voix-mecs", 2).question("who_helps").option_ids)
    agreement = [row[1] for row in choices.iter_rows(values_only=True) if row[0] == "agreement"]
    assert agreement == ["yes_totally", "mostly_yes", "mostly_no", "not_at_all"]  # one list, shared


def test_numbers_keep_their_bounds_and_free_text_stays_text(tmp_path: Path) -> None:
    fields = binds(xform(exported(load_referentiel(FIXTURE), tmp_path / "draft.xlsx")))
    assert 'type="int"' in fields["sport_hours"]
    assert 'constraint=". &gt;= 0 and . &lt;= 30"' in fields["sport_hours"]
    assert 'type="string"' in fields["comment"]


def test_an_exclusive_option_cannot_be_chosen_with_another(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8").replace(
        '{id: other, label: {fr: "Un autre adulte", en: "Another adult"}}',
        '{id: other, label: {fr: "Un autre adulte", en: "Another adult"}, exclusive: true}',
    )
    draft = tmp_path / "draft.yaml"
    draft.write_text(text, "utf-8")
    referentiel = load_referentiel(draft)
    assert any(option.exclusive for option in referentiel.question("who_adults").options)
    fields = binds(xform(exported(referentiel, tmp_path / "draft.xlsx")))
    assert "not(selected(., 'other') and count-selected(.) &gt; 1)" in fields["who_adults"]


def test_export_refuses_a_directory_and_an_unknown_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["referentiel", "export", "--format", "xlsform", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"voix: --out {tmp_path} is a directory: give a file path such as {tmp_path / 'questionnaire.xlsx'}\n"
    )
    out = tmp_path / "v9.xlsx"
    assert run(["referentiel", "export", "--format", "xlsform", "--version", "9", "--out", str(out)]) == 2
    assert "version 9 is not shipped with this Voix" in capsys.readouterr().err
    assert not out.exists()


def test_export_never_replaces_a_file_not_named_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "mywork.yaml"  # a consultant's référentiel, given as --out by mistake
    draft.write_text(FIXTURE.read_text("utf-8"), "utf-8")
    assert run(["referentiel", "export", "--format", "xlsform", "--out", str(draft)]) == 2
    assert capsys.readouterr().err == (
        f"voix: --out {draft} is not named .xlsx: an XLSForm is a workbook; name it mywork.xlsx\n"
    )
    assert draft.read_text("utf-8") == FIXTURE.read_text("utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mywork.yaml"]
