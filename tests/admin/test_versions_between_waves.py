"""A youth whose T1 was answered under a later version of the référentiel (the workshop adjusted it
between the waves): the T0 counts under the T1's version, so that every pair of a version's change
has its T0 in that version's T0, as the attribute rule across waves needs."""

import html
import json
import random
import sqlite3
from collections import Counter
from pathlib import Path

import openpyxl

from admin.context import AdminContext
from admin.export_readme import VERSIONS_NOTE
from admin.score_collection import collect_scores
from admin.workshop_collection import WorkshopObserver
from bench.synthetic_dataset import _answers
from referentiel.loading import find_referentiel
from referentiel.versioning import carried_questions, comparable_pairs, readable_indicators
from tests.admin.conftest import copy_database
from voix.settings import load_settings

BEFORE, AFTER = find_referentiel("voix-mecs", 1), find_referentiel("voix-mecs", 2)
# Youth whose T0 and T1 are in one structure (a youth who moved between them has no change).
PAIRED_T0 = (
    "SELECT t0.id FROM runs t0 JOIN runs t1 ON t1.youth_id = t0.youth_id AND t1.wave = 'T1' "
    "JOIN youth ON youth.id = t0.youth_id WHERE t0.wave = 'T0' "
    "AND coalesce(t0.structure_id, youth.structure_id) = coalesce(t1.structure_id, youth.structure_id) "
    "AND EXISTS (SELECT 1 FROM answers WHERE answers.run_id = t1.id)"
)


def answered_t1_under_the_later_version(path: Path) -> None:
    """Every T1 answered again under version 2: at most as many answers as before, at its times."""
    connection = sqlite3.connect(path)
    generator = random.Random(3)
    with connection:
        for (run_id,) in connection.execute("SELECT id FROM runs WHERE wave = 'T1' ORDER BY id").fetchall():
            times = [
                time
                for (time,) in connection.execute(
                    "SELECT answered_at FROM answers WHERE run_id = ? ORDER BY answered_at, id", (run_id,)
                )
            ]
            answers = list(_answers(AFTER, generator, generator.random()))[: len(times)]
            connection.execute("DELETE FROM answers WHERE run_id = ?", (run_id,))
            connection.executemany(
                "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                "answered_at) VALUES (?, ?, 'voix-mecs', '2', ?, ?)",
                [
                    (run_id, question, text, time)
                    for (question, text), time in zip(answers, times, strict=False)
                ],
            )
            connection.execute("UPDATE runs SET referentiel_version = '2' WHERE id = ?", (run_id,))
    connection.close()


def t0_stored_under_the_later_version(path: Path) -> int:
    """What the export should make of the paired youth's T0: stored as version 2 would have stored
    them (``carried_questions``). Returns how many runs were rewritten."""
    carried = carried_questions(BEFORE, AFTER)
    connection = sqlite3.connect(path)
    with connection:
        runs = [run_id for (run_id,) in connection.execute(PAIRED_T0).fetchall()]
        for run_id in runs:
            rows = connection.execute(
                "SELECT question_id, value, answered_at FROM answers WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
            connection.execute("DELETE FROM answers WHERE run_id = ?", (run_id,))
            connection.executemany(
                "INSERT INTO answers (run_id, question_id, referentiel_id, referentiel_version, value, "
                "answered_at) VALUES (?, ?, 'voix-mecs', '2', ?, ?)",
                [
                    (run_id, carried[question], text, time)
                    for question, text, time in rows
                    if question in carried
                ],
            )
            connection.execute("UPDATE runs SET referentiel_version = '2' WHERE id = ?", (run_id,))
    connection.close()
    return len(runs)


def left_unfinished(path: Path, run_id: int, question: str) -> None:
    """A run paused on a question."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE runs SET status = 'paused', state = ? WHERE id = ?",
            (json.dumps({"question_id": question}), run_id),
        )
    connection.close()


def stopped_at(path: Path) -> dict:
    """Per (wave, version): the questions unfinished questionnaires stopped on, as the pass counts."""
    connection = sqlite3.connect(path)
    observer = WorkshopObserver(None)
    collect_scores(connection, observer=observer)
    observer.finish(connection)
    connection.close()
    return {key: Counter(observations.stopped_at) for key, observations in sorted(observer.observed.items())}


def test_an_earlier_t0_counts_under_the_version_of_its_t1(admin_with, workshop_dataset, clock, tmp_path):
    answered_t1_under_the_later_version(workshop_dataset)
    paired = [run_id for (run_id,) in sqlite3.connect(workshop_dataset).execute(PAIRED_T0)]
    left_unfinished(workshop_dataset, paired[0], "friend")  # a question version 2 still asks
    stored_as_later = copy_database(workshop_dataset, tmp_path / "stored-as-later.db")
    assert t0_stored_under_the_later_version(stored_as_later) > 40
    # Stopped on a question version 2 dropped: where it stopped stays with version 1's T0 (stored
    # under 2, the run's question would be counted nowhere).
    left_unfinished(workshop_dataset, paired[1], "risk_alcohol")
    left_unfinished(stored_as_later, paired[1], "risk_alcohol")

    def exports(path: Path) -> tuple[list[dict], dict]:
        """The score export's rows and the workshop pack (less its date) of a database."""
        settings = load_settings(db=path, bot_username="VoixTestBot")
        admin = admin_with(AdminContext(settings=lambda: settings, clock=clock))
        rows = json.loads(admin("export", "scores", "--format", "json").out)["rows"]
        out = tmp_path / f"{path.stem}-pack.json"
        assert admin("export", "workshop", "--out", str(out)).exit_code == 0
        pack = json.loads(out.read_text(encoding="utf-8"))
        pack.pop("generated_at")
        return rows, pack

    rows, pack = exports(workshop_dataset)
    later_rows, later_pack = exports(stored_as_later)
    # The exports of the T0 answered under version 1 are those of the same answers stored under
    # 2, but for version 2's indicators that cannot read a run of version 1 (some of their
    # questions new, or shown to other youth): stored under 2, a T0 would have their values;
    # answered under 1, it has none. Nor has it a change of those not declared comparable.
    readable, comparable = readable_indicators(BEFORE, AFTER), set(comparable_pairs(BEFORE, AFTER))

    def alike(rows: list[dict]) -> list[dict]:
        return [
            row
            for row in rows
            if row["referentiel_version"] == "voix-mecs/1"
            or {row["indicator"], row.get("other_indicator", row["indicator"])}
            <= (comparable if row["wave"] == "change" else readable)
        ]

    assert alike(rows) == alike(later_rows)
    for part in ("change", "correlations", "breakdowns"):
        assert alike(pack.pop(part)) == alike(later_pack.pop(part)), part
    # Where the unfinished questionnaires stopped, as the pass counts it (the pack publishes it
    # only where the funnel publishes the questionnaires in progress, not at this T0).
    stops, later_stops = stopped_at(workshop_dataset), stopped_at(stored_as_later)
    version_one = ("T0", ("voix-mecs", 1))
    assert stops[version_one]["risk_alcohol"] == later_stops[version_one]["risk_alcohol"] + 1
    friend = [found.get("friend", 0) for found in stops.values()]
    assert friend == [found.get("friend", 0) for found in later_stops.values()] and sum(friend) >= 1
    assert pack == later_pack
    sector = {
        (row["wave"], row["referentiel_version"], row["indicator"]): row["n"]
        for row in rows
        if row["level"] == "sector"
    }
    connection = sqlite3.connect(workshop_dataset)
    unpaired = connection.execute(f"SELECT count(*) FROM runs WHERE wave = 'T0' AND id NOT IN ({PAIRED_T0})")
    # Version 1's T0 keeps only the youth with no T1 in the same structure; the others are at
    # version 2's T0, beside their T1 and their change.
    assert 0 < sector[("T0", "voix-mecs/1", "feel_safe")] <= unpaired.fetchone()[0]
    assert sector[("T0", "voix-mecs/2", "feel_safe")] > 40
    assert sector[("change", "voix-mecs/2", "feel_safe")] > 40
    assert sector[("change", "voix-mecs/2", "adult_outside")] == 0  # not declared comparable
    # Its question who_helps is new in version 2: a T0 answered under version 1 gives it no value.
    assert sector[("T0", "voix-mecs/2", "adult_outside")] == 0


def test_a_t1_with_no_answer_moves_no_t0(admin_with, workshop_dataset, clock):
    answered_t1_under_the_later_version(workshop_dataset)
    settings = load_settings(db=workshop_dataset, bot_username="VoixTestBot")
    admin = admin_with(AdminContext(settings=lambda: settings, clock=clock))

    def t0_youth() -> dict[str, int]:
        rows = json.loads(admin("export", "scores", "--by", "sector", "--format", "json").out)["rows"]
        return {
            row["referentiel_version"]: row["n"]
            for row in rows
            if (row["wave"], row["indicator"]) == ("T0", "feel_safe")
        }

    before = t0_youth()
    connection = sqlite3.connect(workshop_dataset)
    with connection:  # a paired youth's T1 declined: no answer (their T0 answered feel_safe's question)
        run_id = connection.execute(
            "SELECT t1.id FROM runs t1 JOIN runs t0 ON t0.youth_id = t1.youth_id "
            f"AND t0.id IN ({PAIRED_T0}) JOIN answers ON answers.run_id = t0.id "
            "AND answers.question_id = 'safe_home' AND answers.value IS NOT NULL WHERE t1.wave = 'T1' LIMIT 1"
        ).fetchone()[0]
        connection.execute("DELETE FROM answers WHERE run_id = ?", (run_id,))
        connection.execute("UPDATE runs SET status = 'declined' WHERE id = ?", (run_id,))
    connection.close()
    assert t0_youth() == {"voix-mecs/1": before["voix-mecs/1"] + 1, "voix-mecs/2": before["voix-mecs/2"] - 1}


def test_every_export_of_two_versions_says_where_a_t0_counts(admin_with, workshop_dataset, clock, tmp_path):
    answered_t1_under_the_later_version(workshop_dataset)
    settings = load_settings(db=workshop_dataset, bot_username="VoixTestBot")
    admin = admin_with(AdminContext(settings=lambda: settings, clock=clock))
    written = []
    for command, name in (
        ("scores", "scores.csv"), ("scores", "scores.xlsx"), ("scores", "report.html"),
        ("workshop", "pack.xlsx"), ("workshop", "pack.html"),
    ):  # fmt: skip
        assert admin("export", command, "--out", str(tmp_path / name)).exit_code == 0
        written.append(tmp_path / name)
    texts = [(tmp_path / "scores.lisez-moi.txt").read_text(encoding="utf-8-sig")]
    texts += [html.unescape(path.read_text(encoding="utf-8")) for path in written if path.suffix == ".html"]
    for path in written:
        if path.suffix == ".xlsx":
            sheet = openpyxl.load_workbook(path)["Lisez-moi"]
            texts.append("\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row))
    assert [VERSIONS_NOTE in text for text in texts] == [True] * 5  # one version: none (the golden files)
