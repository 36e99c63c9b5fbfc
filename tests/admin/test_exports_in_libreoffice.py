"""The exports opened by LibreOffice Calc itself (Debian's package), read back cell by cell.

A double-click on a .csv opens Calc's Text Import dialog, and OK imports with the dialog's
settings; a fresh profile takes them from the installed defaults
(``org.openoffice.Office.Calc/Dialogs/CSVImport``; in Debian 12's LibreOffice 7.4: comma,
semicolon *and* tab as separators, formulas not evaluated). The package without GUI cannot show
the dialog, so these tests read those defaults from the installed registry, give them to the
import as the filter options the dialog itself hands over (``ScImportAsciiDlg::GetOptions``),
convert in a fresh profile under a French locale, and read the cells of the result.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from admin.score_table import COLUMNS
from tests.admin.conftest import FORMULA_ORGANISATION_NAME, FORMULA_STRUCTURE_NAME

INSTALL_COMMAND = "sudo apt-get install -y libreoffice-calc-nogui"  # what `make system-packages` runs
REGISTRY_NAME = "{http://openoffice.org/2001/registry}name"
CSV_FILTER = "Text - txt - csv (StarCalc)"
UTF_8 = 76  # rtl_TextEncoding of UTF-8, what the dialog detects from the BOM
FRENCH = {"LC_ALL": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr_FR"}


def soffice() -> str:
    """Return LibreOffice's command; without it, skip on a workstation and fail in CI."""
    command = shutil.which("soffice")
    if command is None:
        message = f"LibreOffice Calc is not installed; install it with: {INSTALL_COMMAND}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return command


def import_dialog_defaults() -> dict[str, str]:
    """Return the CSV import dialog's settings of a fresh profile, from the installed registry."""
    registry = Path(os.path.realpath(soffice())).parent.parent / "share" / "registry"
    settings: dict[str, str] = {}
    for file in sorted(registry.glob("*.xcd")):
        for element in ElementTree.parse(file).iter():
            if element.get(REGISTRY_NAME) != "Dialogs":
                continue
            for group in element:
                if group.get(REGISTRY_NAME) == "CSVImport":
                    settings.update(
                        {prop.get(REGISTRY_NAME, ""): prop.findtext("value", "") for prop in group}
                    )
    assert "Separators" in settings, f"no CSVImport defaults found under {registry}"
    return settings


def dialog_filter_options(settings: dict[str, str]) -> str:
    """The import options the dialog gives for these settings (the tokens of ScAsciiOptions)."""
    separators = "/".join(str(ord(character)) for character in settings["Separators"])
    if settings.get("MergeDelimiters") == "true":
        separators += "/MRG"
    text_delimiter = ord(settings.get("TextSeparators") or '"')
    tokens = [
        separators,
        str(text_delimiter),
        str(UTF_8),
        settings.get("FromRow", "1"),
        "",  # column types: all Standard
        settings.get("Language", "0"),  # 0: the system's, here French
        settings.get("QuotedFieldAsText", "false"),
        settings.get("DetectSpecialNumbers", "false"),
        "true",  # export only: save as shown
        "false",  # export only: formulas
        settings.get("RemoveSpace", "false"),
        "",  # export only: sheet
        settings.get("EvaluateFormulas", "false"),
    ]
    return ",".join(tokens)


def open_in_calc(source: Path, output: Path, filter_options: str | None = None) -> openpyxl.Workbook:
    """Open ``source`` in LibreOffice Calc (French, fresh profile), save it as XLSX, load that."""
    output.mkdir()
    infilter = [f"--infilter={CSV_FILTER}:{filter_options}"] if filter_options is not None else []
    completed = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(output / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            *infilter,
            "--convert-to",
            "xlsx",
            "--outdir",
            str(output),
            str(source),
        ],
        env={**os.environ, **FRENCH},
        capture_output=True,
        text=True,
        timeout=300,
    )
    converted = output / (source.stem + ".xlsx")
    assert converted.exists(), f"LibreOffice did not convert {source}: {completed.stdout}{completed.stderr}"
    return openpyxl.load_workbook(converted)


def shown(name: str) -> str:
    return "'" + name if name.startswith(("=", "+", "-", "@", "\t", "\r")) else name


@pytest.mark.parametrize("evaluate_formulas", [None, "true"], ids=["dialog defaults", "formulas evaluated"])
def test_the_csv_opens_right_on_a_double_click_in_calc(
    admin, formula_named_dataset, tmp_path, evaluate_formulas
):
    # "formulas evaluated": what a user who ticks it gets, and what older versions did.
    settings = import_dialog_defaults()
    if evaluate_formulas is not None:
        settings["EvaluateFormulas"] = evaluate_formulas
    expected = json.loads(admin("export", "scores", "--format", "json").out)["rows"]
    csv_path = tmp_path / "scores.csv"
    assert admin("export", "scores", "--out", str(csv_path)).exit_code == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM the dialog detects UTF-8 by

    sheet = open_in_calc(csv_path, tmp_path / "calc", dialog_filter_options(settings)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)  # the header is row 1
    assert (sheet.max_row, sheet.max_column) == (len(expected) + 1, len(COLUMNS))  # nothing shifted
    assert [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"] == []
    for line, row in zip(sheet.iter_rows(min_row=2), expected, strict=True):
        cells = dict(zip(COLUMNS, line, strict=True))
        for column in ("value", "ci_low", "ci_high", "n", "group_id"):
            if row[column] is None:
                assert cells[column].value is None
            else:  # a number, whole: "52,3" is one cell holding 52.3
                assert (cells[column].data_type, cells[column].value) == ("n", row[column]), column
        assert cells["group_name"].value == shown(row["group_name"])
        assert cells["organisation"].value == (
            None if row["organisation"] is None else shown(row["organisation"])
        )
        assert cells["suppressed"].value == ("oui" if row["suppressed"] else "non")
        text_columns = ("level", "wave", "referentiel_version", "dimension", "indicator", "unit", "reason")
        assert [cells[column].value for column in text_columns] == [row[column] for column in text_columns]
    names = {cell.value for cell in sheet["C"]} | {cell.value for cell in sheet["D"]}
    assert {"'" + FORMULA_STRUCTURE_NAME, "'" + FORMULA_ORGANISATION_NAME} <= names


def test_the_xlsx_opens_in_calc_with_names_as_text_and_booleans_as_words(
    admin, formula_named_dataset, tmp_path
):
    xlsx_path = tmp_path / "scores.xlsx"
    assert admin("export", "scores", "--format", "xlsx", "--out", str(xlsx_path)).exit_code == 0
    workbook = open_in_calc(xlsx_path, tmp_path / "calc")
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "f"
    ]
    assert formulas == []
    structures = workbook["Structures"]
    names = {line[2] for line in structures.iter_rows(min_row=2, values_only=True)}
    organisations = {line[3] for line in structures.iter_rows(min_row=2, values_only=True)}
    assert FORMULA_STRUCTURE_NAME in names and FORMULA_ORGANISATION_NAME in organisations
    suppressed = {
        line[13] for sheet in workbook.worksheets[1:] for line in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert suppressed == {"oui", "non"}
