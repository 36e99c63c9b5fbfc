"""``voix admin export answers``: every answer once, under a pseudonym of this export only, and a codebook."""

import csv
import io
import json
from collections import Counter

import openpyxl
import pytest

from referentiel.loading import find_referentiel
from storage.youth_records import decode_answer

REFERENTIEL = find_referentiel("voix-mecs", 1)  # the version of the dataset fixture
QUESTIONS = [question.id for question in REFERENTIEL.questions]


def exported(admin, tmp_path, *options: str, name: str = "answers.json") -> dict:
    out = tmp_path / name
    result = admin("export", "answers", "--out", str(out), *options)
    assert result.exit_code == 0, result.err
    return json.loads(out.read_text(encoding="utf-8"))


def stored_runs(connection, structure_ids=None) -> Counter:
    """Each run as (structure, wave, its answers), read straight from the database."""
    runs = Counter()
    for run_id, structure, wave in connection.execute(
        "SELECT runs.id, structures.name, runs.wave FROM runs JOIN youth ON youth.id = runs.youth_id "
        "JOIN structures ON structures.id = coalesce(runs.structure_id, youth.structure_id)"
        + (f" WHERE structures.id IN ({','.join(map(str, structure_ids))})" if structure_ids else "")
    ):
        answers = {}
        for question, value in connection.execute(
            "SELECT question_id, value FROM answers WHERE run_id = ?", (run_id,)
        ):
            decoded = decode_answer(value)
            if decoded is None:  # skipped: an empty cell
                continue
            answers[question] = "|".join(decoded) if isinstance(decoded, tuple) else decoded
        runs[(structure, wave, tuple(sorted(answers.items())))] += 1
    return runs


def exported_runs(rows, questions) -> Counter:
    return Counter(
        (
            row["structure"],
            row["wave"],
            tuple(sorted((question, row[question]) for question in questions if row[question] is not None)),
        )
        for row in rows
    )


def test_every_stored_answer_is_exported_once_and_nothing_else(admin, dataset, connection, tmp_path):
    data = exported(admin, tmp_path)
    questions = [question.id for question in REFERENTIEL.questions]
    assert list(data["answers"][0])[:7] == [
        "youth", "organisation", "structure", "wave", "referentiel", "version", "completed",
    ]  # fmt: skip
    assert list(data["answers"][0])[7:] == questions
    assert exported_runs(data["answers"], questions) == stored_runs(connection)
    assert data["personal_data"].startswith("Données personnelles (RGPD)")


def test_a_youth_keeps_one_export_pseudonym_across_waves_and_never_their_stored_one(
    admin, dataset, connection, tmp_path
):
    rows = exported(admin, tmp_path)["answers"]
    waves_of = Counter(row["youth"] for row in rows)
    paired = connection.execute(
        "SELECT COUNT(*) FROM (SELECT youth_id FROM runs GROUP BY youth_id HAVING COUNT(*) = 2)"
    ).fetchone()[0]
    assert sum(1 for count in waves_of.values() if count == 2) == paired > 0
    text = (tmp_path / "answers.json").read_text(encoding="utf-8")
    for pseudonym, code in connection.execute("SELECT pseudonym, code FROM youth"):
        assert pseudonym not in text and pseudonym[:12] not in text and code not in text


def test_two_exports_cannot_be_joined(admin, dataset, tmp_path):
    first = {row["youth"] for row in exported(admin, tmp_path, name="one.json")["answers"]}
    second = {row["youth"] for row in exported(admin, tmp_path, name="two.json")["answers"]}
    assert len(first) == len(second) == 100
    assert first.isdisjoint(second)


def test_the_codebook_has_every_question_and_option_in_both_languages(admin, dataset, tmp_path):
    codebook = exported(admin, tmp_path)["codebook"]
    for question in REFERENTIEL.questions:
        entries = [entry for entry in codebook if entry["question"] == question.id]
        assert {entry["text_fr"] for entry in entries} == {question.text["fr"]}
        assert {entry["text_en"] for entry in entries} == {question.text["en"]}
        assert {entry["reverse"] for entry in entries} == {question.reverse}
        if question.options:
            assert [(entry["option"], entry["label_fr"], entry["value"]) for entry in entries] == [
                (option.id, option.label["fr"], option.value) for option in question.options
            ]
    assert any(entry["reverse"] for entry in codebook)


def test_scope_and_wave_limit_the_rows(admin, dataset, connection, tmp_path):
    rows = exported(admin, tmp_path, "--structure", "1", "--wave", "T1")["answers"]
    questions = [question.id for question in REFERENTIEL.questions]
    expected = Counter({key: count for key, count in stored_runs(connection, [1]).items() if key[1] == "T1"})
    assert exported_runs(rows, questions) == expected and rows


def test_a_questionnaire_is_exported_with_the_structure_where_it_was_started(
    admin, dataset, connection, tmp_path
):
    before = exported_runs(exported(admin, tmp_path, "--structure", "1")["answers"], QUESTIONS)
    code = connection.execute(
        "SELECT code FROM youth WHERE structure_id = 1 AND id IN (SELECT youth_id FROM runs) LIMIT 1"
    ).fetchone()[0]
    assert admin("youth", "transfer", code, "--to", "2").exit_code == 0
    after = exported_runs(exported(admin, tmp_path, "--structure", "1")["answers"], QUESTIONS)
    assert after == before == stored_runs(connection, [1])


def test_xlsx_and_csv_hold_the_same_rows_as_json(admin, dataset, tmp_path):
    rows = exported(admin, tmp_path)["answers"]
    as_text = [{key: "" if value is None else value for key, value in row.items()} for row in rows]
    assert admin("export", "answers", "--out", str(tmp_path / "answers.xlsx")).exit_code == 0
    workbook = openpyxl.load_workbook(tmp_path / "answers.xlsx")
    assert workbook.sheetnames == ["Lisez-moi", "Réponses", "Codebook"]
    assert "RGPD" in workbook["Lisez-moi"]["A2"].value
    sheet = list(workbook["Réponses"].iter_rows(values_only=True))
    header = list(sheet[0])
    from_xlsx = [
        dict(zip(header, ("" if cell is None else cell for cell in line), strict=True)) for line in sheet[1:]
    ]
    assert [row["completed"] for row in from_xlsx] == ["oui" if row["completed"] else "non" for row in rows]
    assert [{**row, "completed": None, "youth": None} for row in from_xlsx] == [
        {**row, "completed": None, "youth": None} for row in as_text
    ]
    assert admin("export", "answers", "--out", str(tmp_path / "answers.csv")).exit_code == 0
    text = (tmp_path / "answers.csv").read_text(encoding="utf-8")
    assert text.startswith('\ufeff"youth";"organisation";')
    from_csv = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(from_csv) == len(rows)
    assert [line["safe_home"] for line in from_csv] == [str(row["safe_home"] or "") for row in rows]
    codebook = (tmp_path / "answers.codebook.csv").read_text(encoding="utf-8")
    assert codebook.startswith('\ufeff"version";"question";')


def test_each_export_is_audited_with_counts_only(admin, dataset, connection, tmp_path):
    result = admin("export", "answers", "--out", str(tmp_path / "answers.xlsx"), "--organisation", "1")
    assert "personal" not in result.out and "RGPD" in result.err
    [(actor, details)] = connection.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'answers exported'"
    ).fetchall()
    details = json.loads(details)
    assert actor == "admin-cli"
    assert set(details) == {"format", "scope", "waves", "rows", "youth", "questions"}
    assert details["format"] == "xlsx" and details["scope"] == "organisation n° 1" and details["rows"] > 0


def test_a_file_name_without_a_format_or_a_contradiction_is_refused(admin, dataset, tmp_path):
    result = admin("export", "answers", "--out", str(tmp_path / "answers"))
    assert result.exit_code == 2 and "name the file .xlsx, .csv or .json" in result.err
    result = admin("export", "answers", "--out", str(tmp_path / "answers.csv"), "--format", "json")
    assert result.exit_code == 2 and "contradicts" in result.err
    assert not (tmp_path / "answers").exists() and not (tmp_path / "answers.csv").exists()


def test_an_unknown_wave_is_refused_in_one_line(admin, dataset, tmp_path):
    result = admin("export", "answers", "--out", str(tmp_path / "answers.json"), "--wave", "T9")
    assert (result.exit_code, result.err) == (2, "voix: --wave must be one of T0, T1, exit or all, not T9\n")
    assert not (tmp_path / "answers.json").exists()


@pytest.mark.parametrize("name", ["answers.csv", "answers.xlsx"])
def test_an_export_that_cannot_be_audited_leaves_no_file(admin, dataset, connection, tmp_path, name):
    # The audit entry is written before the files are put in place: personal data never leave
    # unaudited (a busy or read-only database at that moment, here an audit log that refuses).
    with connection:
        connection.execute(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log refuses'); END"
        )
    result = admin("export", "answers", "--out", str(tmp_path / name))
    assert result.exit_code == 1 and "Traceback" not in result.err
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("voix.db")) == []
