"""A masked group's value is never written, in any format; k − 1 youth are masked, k are published."""

import json

import openpyxl
import pytest

from referentiel.loading import current_referentiel


def add_youth(connection, structure_id: int, count: int, safe_home: str, start: int) -> None:
    """Add youth who all answer the two safety questions alike at T0."""
    referentiel = current_referentiel()
    for number in range(start, start + count):
        connection.execute(
            "INSERT INTO youth (id, pseudonym, code, structure_id, enrolled_at) VALUES (?, ?, ?, ?, 'x')",
            (number, f"p{number}", f"C{number}", structure_id),
        )
        run_id = connection.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, started_at, "
            "updated_at) VALUES (?, 'T0', ?, ?, 'completed', 'x', 'x')",
            (number, referentiel.id, str(referentiel.version)),
        ).lastrowid
        for question_id in ("safe_home", "safe_night"):
            connection.execute(
                "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                "answered_at) VALUES (?, ?, ?, ?, ?, 'x')",
                (run_id, question_id, referentiel.id, str(referentiel.version), json.dumps(safe_home)),
            )
    connection.commit()


@pytest.fixture
def organisation(admin, connection):
    """One organisation: a small structure (3 youth, safety score 33.3) and two larger ones (100)."""
    admin("org", "add", "ALEFPA")
    for name in ("Petite", "Moyenne", "Grande"):
        admin("structure", "add", "--org", "ALEFPA", name)
    add_youth(connection, 1, 3, "mostly_no", start=1)
    add_youth(connection, 2, 12, "yes_totally", start=100)
    add_youth(connection, 3, 20, "yes_totally", start=200)


def safety_rows(rows):
    return {
        row["group_name"]: row for row in rows if row["indicator"] == "safety_score" and row["wave"] == "T0"
    }


def test_the_small_structure_and_its_smallest_sibling_are_masked(admin, organisation):
    rows = safety_rows(json.loads(admin("export", "scores", "--format", "json").out)["rows"])
    assert (rows["Petite"]["n"], rows["Petite"]["reason"], rows["Petite"]["value"]) == (
        3,
        "small_group",
        None,
    )
    assert (rows["Moyenne"]["reason"], rows["Moyenne"]["value"]) == ("secondary", None)
    assert (rows["Grande"]["value"], rows["ALEFPA"]["value"]) == (100.0, 94.3)
    assert rows["ALEFPA"]["n"] == 35


def test_the_masked_value_appears_in_no_format(admin, organisation, tmp_path):
    outputs = [
        admin("export", "scores").out,
        admin("export", "scores", "--decimal", ".").out,
        admin("export", "scores", "--format", "json").out,
        admin("export", "scores", "--format", "html").out,
    ]
    admin("export", "scores", "--format", "xlsx", "--out", str(tmp_path / "scores.xlsx"))
    workbook = openpyxl.load_workbook(tmp_path / "scores.xlsx")
    outputs.append(
        "\n".join(
            repr(cell) for sheet in workbook for line in sheet.iter_rows(values_only=True) for cell in line
        )
    )
    for text in outputs:
        for masked in ("33.3", "33,3", "33.33"):
            assert masked not in text


@pytest.mark.parametrize(("youth", "published"), [(9, False), (10, True)])
def test_k_minus_one_youth_are_masked_and_k_published(admin, connection, youth, published):
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "Seule")
    add_youth(connection, 1, youth, "yes_totally", start=1)
    rows = json.loads(admin("export", "scores", "--format", "json").out)["rows"]
    assert safety_rows(rows)["Seule"]["suppressed"] is not published
    assert (safety_rows(rows)["Seule"]["value"] == 100.0) is published
