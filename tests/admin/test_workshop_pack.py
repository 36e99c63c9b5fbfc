"""``voix admin export workshop``: golden JSON, the XLSX read back, the HTML self-contained, the change
taken from the score export, and the command's refusals."""

import json
import re
import sqlite3
from html import escape

import openpyxl
import pytest

from admin import score_collection
from admin.code_words import CODE_WORDS
from admin.workshop_formats import FRENCH, PARTS, SHEET_NAMES, sheet_rows
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from bench.synthetic_dataset import DatasetShape, fill_database
from bench.synthetic_participation import add_participation
from referentiel.loading import current_referentiel, find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.admin.test_export_scores import GOLDEN, compare_golden
from tests.admin.test_workshop_statistics import textbook_alpha

# v1's perceived-change indicators ("since you live here, … is better"), read off its file.
PERCEIVED_CHANGE = {
    "safety_better", "school_better", "health_better", "more_confident", "people_better", "autonomy_better",
}  # fmt: skip


@pytest.fixture
def document(admin, workshop_dataset, tmp_path):
    result = admin("export", "workshop", "--out", str(tmp_path / "pack.json"))
    assert result.exit_code == 0, result.err
    return json.loads((tmp_path / "pack.json").read_text(encoding="utf-8"))


def test_json_matches_the_golden_file_and_figures_computed_here(document, workshop_dataset, tmp_path):
    compare_golden("workshop.json", (tmp_path / "pack.json").read_text(encoding="utf-8"))
    assert document["schema"] == "voix-workshop-pack/1"
    assert list(document) == [
        "schema", "generated_at", "command", "minimum_group_size", "group", "referentiels",
        "suppression_rule", "participation", "items", "reliability", "correlations", "breakdowns", "change",
    ]  # fmt: skip
    connection = sqlite3.connect(workshop_dataset)
    # The distribution and skip rate of one question, counted in SQL.
    counted = dict(
        connection.execute(
            "SELECT coalesce(value, 'skip'), count(*) FROM answers JOIN runs ON runs.id = answers.run_id "
            "WHERE runs.wave = 'T0' AND question_id = 'safe_home' GROUP BY 1"
        ).fetchall()
    )
    item = next(row for row in document["items"] if (row["wave"], row["question"]) == ("T0", "safe_home"))
    assert item["skip_rate"] == round(100 * counted.pop("skip") / item["shown"], 1)
    assert {f'"{entry["option"]}"': entry["count"] for entry in item["distribution"]} == counted
    # α of the autonomy score (five know-how items, none reversed) by the textbook formula.
    value = {'"not_yet"': 1, '"with_help"': 2, '"alone"': 3}
    questions = ("cook_meal", "laundry", "budget_shopping", "appointment", "transport")
    rows = []
    for (run_id,) in connection.execute("SELECT id FROM runs WHERE wave = 'T0'").fetchall():
        given = dict(connection.execute("SELECT question_id, value FROM answers WHERE run_id = ?", (run_id,)))
        if all(given.get(question) in value for question in questions):
            rows.append([value[given[question]] for question in questions])
    connection.close()
    score = next(
        row for row in document["reliability"] if (row["wave"], row["indicator"]) == ("T0", "autonomy_score")
    )
    assert score["n"] == len(rows)
    assert score["alpha"] == round(textbook_alpha(rows), 3)


def test_the_xlsx_holds_the_json_rows_sheet_by_sheet(admin, workshop_dataset, document, tmp_path):
    assert admin("export", "workshop", "--out", str(tmp_path / "pack.xlsx")).exit_code == 0
    workbook = openpyxl.load_workbook(tmp_path / "pack.xlsx")
    assert workbook.sheetnames == ["Lisez-moi", *(SHEET_NAMES[part] for part in PARTS)]
    readme = [cell for row in workbook["Lisez-moi"].iter_rows(values_only=True) for cell in row if cell]
    assert "Règle de masquage" in readme and "Comment lire chaque feuille" in readme
    # When it was made, in the deployment's time zone (Paris), as the HTML says it.
    generated = readme[readme.index("Généré le") + 1]
    assert generated == "26 novembre 2026 à 11:00 (heure normale d’Europe centrale)"
    # The change sheet has one row per indicator: the Lisez-moi says so, as the JSON's rule does.
    assert not any("deux lignes" in str(cell) for cell in readme)
    assert document["suppression_rule"] in " ".join(str(cell) for cell in readme)
    banded = coded = titled = 0
    dimensions = {  # a version may title a dimension otherwise (« estime », v1 and v2)
        (f"voix-mecs/{version}", dimension.id): dimension.title["fr"]
        for version in (1, 2)
        for dimension in find_referentiel("voix-mecs", version).dimensions
    }
    for part in PARTS:
        expected = sheet_rows(document, part)
        columns = list(dict.fromkeys(key for row in expected for key in row))
        read = list(workbook[SHEET_NAMES[part]].iter_rows(values_only=True))
        assert list(read[0]) == [FRENCH.get(column, column) for column in columns]
        assert len(read) - 1 == len(expected) > 0, part
        for row, cells in zip(expected, read[1:], strict=True):
            for column, cell in zip(columns, cells, strict=True):
                value = row.get(column)
                if isinstance(value, bool):
                    value = "oui" if value else "non"
                elif isinstance(value, list):
                    value = ", ".join(value)
                elif isinstance(value, dict):  # a funnel row's bands, in words
                    value = " ; ".join(f"{FRENCH[stage]} : {band}" for stage, band in value.items())
                    banded += bool(value)
                elif column in CODE_WORDS and value in CODE_WORDS[column]:  # a code, in words
                    value = CODE_WORDS[column][value]
                    coded += 1
                elif column == "dimension" and value:  # its title, read from the référentiel
                    value = dimensions[(row["referentiel_version"], value)]
                    titled += 1
                assert cell == (None if value == "" else value), (part, column)
    assert banded > 0 and coded > 100 and titled > 10
    # No code of the JSON is left in a cell of a part's sheet; the Lisez-moi says which word
    # stands for each code its rule quotes.
    cells = {
        cell for sheet in workbook.worksheets[1:] for row in sheet.iter_rows(values_only=True) for cell in row
    }
    glossary = list(workbook["Lisez-moi"].iter_rows(values_only=True))
    assert ("small_group", "trop peu de jeunes") in glossary and ("change", "évolution T0 → T1") in glossary
    assert not cells & {
        "sector",
        "small_group",
        "secondary",
        "percentage_points",
        "score_0_100",
        "single_choice",
        "securite",
        "autonomie",
    }


def test_the_html_is_one_page_with_a_sentence_under_each_chart(admin, workshop_dataset, tmp_path):
    assert admin("export", "workshop", "--out", str(tmp_path / "pack.html")).exit_code == 0
    page = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * page.count("<svg")
    figures = re.findall(r"<figure>(.*?)</figure>", page, re.S)
    # Funnel, skipped answers, α and the sector's change (published since the change no longer
    # needs T0, T1 and change to mask the same groups below it).
    assert len(figures) == 4
    assert "Aucune évolution de ce groupe n’est publiable" not in page
    for figure in figures:
        assert "<svg" in figure and "<rect" in figure
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure).group(1)
        assert "Inquiétant" in caption and caption.count(".") >= 2
    assert "@page { size: A4" in page
    # The counts the participation's text names and its table leaves out: where they are.
    participation = page.split("<h2>Participation</h2>")[1].split("<h2>")[0]
    assert "les questionnaires en cours, les effacés et les relances envoyées" in participation
    # When it was made, as the score report says it: in the deployment's time zone (Paris).
    assert (
        re.search(r"Généré le (.*?) ;", page).group(1)
        == "26 novembre 2026 à 11:00 (heure normale d’Europe centrale)"
    )
    assert "Les corrélations ne sont calculées que dans le dossier du secteur" not in page
    # The sector's correlations: the strong pairs, or a sentence that names the threshold (a
    # reviewer read « Rien à signaler » as « no correlation », with r = 0,66 in the workbook).
    assert admin("export", "workshop", "--out", str(tmp_path / "pack.json")).exit_code == 0
    pairs = json.loads((tmp_path / "pack.json").read_text(encoding="utf-8"))["correlations"]
    strong = [pair for pair in pairs if pair["r"] is not None and abs(pair["r"]) >= 0.7]
    correlations = page.split("<h2>Corrélations entre indicateurs</h2>")[1].split("<h2>")[0]
    assert correlations.count("<tr>") == (len(strong) + 1 if strong else 0)
    assert ("Aucune paire très liée (|r| ≥ 0,7) : rien à signaler" in correlations) == (not strong)
    # An organisation's pack has no correlations, and says where they are (not « Rien à signaler »).
    assert (
        admin("export", "workshop", "--organisation", "1", "--out", str(tmp_path / "o.html")).exit_code == 0
    )
    correlations = (
        (tmp_path / "o.html").read_text(encoding="utf-8").split("Corrélations entre indicateurs")[1]
    )
    assert correlations.split("<h2>")[0].count("ne sont calculées que dans le dossier du secteur") == 1


def test_the_change_is_the_score_exports_without_perceived_change(admin, document):
    scores = json.loads(admin("export", "scores", "--wave", "change", "--format", "json").out)["rows"]
    expected = [
        row
        for row in scores
        if row["unit"] != "percent_improved" and row["indicator"] not in PERCEIVED_CHANGE
    ]
    assert document["change"] == expected
    assert {row["indicator"] for row in scores} & PERCEIVED_CHANGE == PERCEIVED_CHANGE


def test_an_organisations_pack_describes_its_youth_only(admin, workshop_dataset, tmp_path):
    result = admin("export", "workshop", "--organisation", "1", "--out", str(tmp_path / "org.json"))
    assert result.exit_code == 0, result.err
    pack = json.loads((tmp_path / "org.json").read_text(encoding="utf-8"))
    connection = sqlite3.connect(workshop_dataset)
    (runs,) = connection.execute(
        "SELECT count(*) FROM runs JOIN youth ON youth.id = runs.youth_id JOIN structures "
        "ON structures.id = youth.structure_id WHERE organisation_id = 1 AND wave = 'T0' AND EXISTS "
        "(SELECT 1 FROM answers WHERE run_id = runs.id AND question_id = 'safe_home')"
    ).fetchone()
    entries = connection.execute(
        "SELECT details FROM audit_log WHERE action = 'workshop pack exported'"
    ).fetchall()
    connection.close()
    assert pack["group"] == {"level": "organisation", "id": 1, "name": "Organisation 001"}
    assert (
        next(row["shown"] for row in pack["items"] if (row["wave"], row["question"]) == ("T0", "safe_home"))
        == runs
    )
    assert {row["organisation"] for row in pack["participation"]} == {None, "Organisation 001"}
    assert json.loads(entries[-1][0])["group"] == ["organisation", 1]
    # Correlations are the sector's only: an organisation's cross-tables less the sector's would
    # give back another organisation's.
    assert pack["correlations"] == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--format", "xlsx", "--out", "pack.json"), "--format xlsx contradicts --out"),
        (("--out", "pack.txt"), "name the file .json, .xlsx or .html"),
        (("--organisation", "Nulle part", "--out", "pack.json"), "Nulle part"),
        (("--min-group", "4", "--out", "pack.json"), "--min-group 4 is below 10"),
    ],
)
def test_bad_requests_are_refused_in_one_line_and_write_nothing(
    admin, workshop_dataset, tmp_path, monkeypatch, arguments, message
):
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    result = admin("export", "workshop", *arguments)
    assert result.exit_code == 2
    assert message in result.err and result.err.count("\n") == 1
    assert list((tmp_path / "out").iterdir()) == []


def test_two_processes_give_the_pack_of_one(admin, workshop_dataset, tmp_path, monkeypatch):
    assert admin("export", "workshop", "--out", str(tmp_path / "one.json")).exit_code == 0
    monkeypatch.setattr(score_collection, "PARALLEL_MINIMUM_RUNS", 1)
    assert admin("export", "workshop", "--out", str(tmp_path / "two.json")).exit_code == 0
    one, two = (
        json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("one.json", "two.json")
    )
    assert one == two


def test_a_version_2_pack_breaks_down_by_its_declared_context_and_never_pairs_distributions(tmp_path):
    referentiel = current_referentiel()
    assert referentiel.version >= 2 and referentiel.breakdowns
    path = tmp_path / "v2.db"
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    fill_database(connection, referentiel, DatasetShape(organisations=1, structures=2, youth=80, seed=3))
    add_participation(connection)
    pack = build_workshop_pack(connection, WorkshopRequest(minimum_group_size=10))
    connection.close()
    assert {row.question for row in pack.breakdowns} == set(referentiel.breakdowns)
    assert any(row.reason is None for row in pack.breakdowns)
    distributions = {indicator.id for indicator in referentiel.indicators if not indicator.paired}
    assert distributions and not distributions & {row.indicator for row in pack.change}
    assert {row.indicator for row in pack.reliability} == {
        indicator.id
        for indicator in referentiel.indicators
        if indicator.kind == "score" and len(indicator.questions) > 1
    }
    assert any(row.alpha is not None for row in pack.reliability)


def test_a_pack_with_no_answer_yet_says_so_in_each_part(admin, tmp_path):
    # A reviewer's find: every part of an empty database's pack said « Rien à signaler », and
    # the change said it right under « pas d’évolution à montrer ».
    assert admin("export", "workshop", "--out", str(tmp_path / "pack.html")).exit_code == 0
    page = (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "Rien à signaler" not in page
    assert (
        "référentiel aucun (aucune réponse T0 ou T1 conservée : aucune encore, ou toutes effacées) ;" in page
    )
    assert page.count("Pas encore d’invitation dans ce groupe : rien à montrer ici.") == 1
    # Questions, reliability and correlations.
    assert page.count("Aucune réponse T0 ou T1 conservée dans ce groupe : rien à montrer ici.") == 3
    change = page.split("<h2>Évolution T0 → T1</h2>")[1].split("<h2>")[0]
    assert "pas d’évolution à montrer" in change and "rien à montrer" not in change


def test_no_strong_correlation_says_its_threshold_not_only_nothing_to_report():
    from admin.workshop_html import _nothing_shown

    document = {"referentiels": ["voix-mecs/2"]}
    pairs = [{"r": 0.66}]  # in the workbook, under the page's threshold
    assert _nothing_shown("correlations", document, pairs) == (
        "<p>Aucune paire très liée (|r| ≥ 0,7) : rien à signaler. Toutes les corrélations sont dans "
        "le XLSX et le JSON.</p>"
    )
    assert _nothing_shown("items", document, pairs) == "<p>Rien à signaler.</p>"
    assert _nothing_shown("correlations", document, [{"r": None}]) == (  # every one masked
        "<p>Toutes les corrélations sont masquées (trop peu de jeunes) : rien à montrer ici.</p>"
    )


def test_the_questions_table_gives_each_questions_words_beside_its_code():
    # A workshop rewords questions: « safe_home » alone sent it to the référentiel file (a
    # reviewer's find). The golden pack's first question, flagged so that the table lists it.
    from admin.workshop_formats import FRENCH
    from admin.workshop_html import _section

    document = json.loads((GOLDEN / "workshop.json").read_text(encoding="utf-8"))
    first = document["items"][0]
    first["flags"] = [{"flag": "many_skipped", "reason": "plus de 30 % des jeunes à qui elle est posée"}]
    table = _section("items", document, "", FRENCH).split("<table>")[1]
    assert "<th>Texte</th>" in table
    assert first["text"] and escape(first["text"]) in table.replace("\u00ad", "")


def test_the_reliability_table_names_each_score_by_its_title_then_its_code():
    # A coordinator read « safety_score » and had to open the référentiel file (a reviewer's find).
    from admin.workshop_formats import FRENCH
    from admin.workshop_html import _section

    document = json.loads((GOLDEN / "workshop.json").read_text(encoding="utf-8"))
    table = _section("reliability", document, "", FRENCH).split("<table>")[1]
    score = document["reliability"][0]
    label, version = score["referentiel_version"].rsplit("/", 1)
    title = find_referentiel(label, int(version)).indicator(score["indicator"]).title["fr"]
    assert escape(f"{title} ({score['indicator']})") in table.replace("\u00ad", "").replace("<wbr>", "")
