"""Coordinators on their phones: /resultats's summary, then the XLSX export and the HTML report as files.

The data are the export golden files' synthetic sector (2 organisations, 5 structures, 100 youth).
The XLSX received in the chat is read back and compared with ``voix admin export scores`` for the
same scope, level and wave: the same rows, the same masking.
"""

import argparse
import asyncio
import io
import json
import re
import sqlite3
from typing import Any

import openpyxl

from admin.cli import register
from admin.context import AdminContext
from bench.synthetic_dataset import fill_database
from referentiel.loading import current_referentiel
from storage.clock import FixedClock
from storage.staff import Role
from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser
from tests.admin.conftest import GOLDEN_SHAPE
from tests.e2e.staff_world import (
    DOCUMENTS_WAIT,
    NOT_AVAILABLE,
    bind,
    pressed,
    read,
    refused_press,
    staff_link,
)
from voix.settings import Settings

ORGANISATION = 1  # "Organisation 001" of the synthetic sector
# A masked value, with why, as the export's reason says.
MASKED = {
    "small_group": "masqué (moins de 10 jeunes)",
    "secondary": "masqué (sinon un chiffre masqué se recalculerait)",
}


def sector(connection: sqlite3.Connection) -> None:
    fill_database(connection, current_referentiel(), GOLDEN_SHAPE)


async def cli_export(settings: Settings, clock: FixedClock, *arguments: str) -> bytes:
    """What ``voix admin export scores … --out -`` writes, run beside the bot (in a worker thread)."""

    def run() -> bytes:
        parser = argparse.ArgumentParser(prog="voix")
        register(parser.add_subparsers(), AdminContext(settings=lambda: settings, clock=clock))
        out = settings.db.parent / "cli-export"
        parsed = parser.parse_args(["admin", "export", "scores", *arguments, "--out", str(out)])
        assert parsed.handler(parsed) == 0
        return out.read_bytes()

    return await asyncio.to_thread(run)


def sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows, without the two lines that say when and by which command it was made."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [
            row for row in sheet.iter_rows(values_only=True) if row[0] not in ("Généré le", "Commande")
        ]
        for sheet in workbook.worksheets
    }


async def documents(coordinator: SimulatedUser, level_label: str, wave_label: str) -> list[BotMessage]:
    await coordinator.send("/resultats")
    summary = await _until_buttons(coordinator)
    await pressed(coordinator, summary, level_label)
    waves = await coordinator.next()
    await pressed(coordinator, waves, wave_label)
    return await read(coordinator, 2, DOCUMENTS_WAIT)


async def _until_buttons(user: SimulatedUser) -> BotMessage:
    for _ in range(6):
        message = await user.next()
        if message.buttons:
            return message
    raise AssertionError("no message with buttons came")


async def test_an_organisation_coordinator_gets_a_summary_then_the_same_xlsx_as_the_cli(
    voix: object,
    sim: EmulatorClient,
    database_file: sqlite3.Connection,
    clock: FixedClock,
    voix_settings: Settings,
) -> None:
    sector(database_file)
    claire = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=ORGANISATION))
    await claire.send("/resultats")
    summary = await claire.next()
    assert len(summary.text or "") < 4096
    lines = (summary.text or "").splitlines()
    assert (
        lines[0] == "Résultats pour Organisation 001 (un groupe de moins de 10 jeunes n’est jamais montré) :"
    )
    referentiel = current_referentiel()
    assert referentiel.dimensions[0].title["fr"] in lines
    # Each value is the organisation's row of the CLI export, or "masqué" where the CLI masks it.
    cli = json.loads(
        await cli_export(
            voix_settings, clock, "--organisation", "1", "--by", "organisation", "--format", "json"
        )
    )
    first = next(indicator for indicator in referentiel.indicators if indicator.distribution_of is None)
    rows = [row for row in cli["rows"] if row["level"] == "organisation" and row["indicator"] == first.id]
    expected = " · ".join(
        f"{row['wave']} {MASKED[row['reason']]}"
        if row["suppressed"]
        else f"{row['wave']} {row['value']:.1f}".replace(".", ",") + _unit(first.unit) + f" (n = {row['n']})"
        for row in rows
        if row["wave"] in ("T0", "T1")
    )
    assert f"• {first.title['fr']} : {expected}" in lines
    assert any(words in line for line in lines for words in MASKED.values())  # the summary masks some
    assert lines[-1] == (
        "Ce que les jeunes disent de l’évolution depuis leur arrivée (la part de chaque réponse) est dans "
        "l’export Excel et le rapport."
    )
    choose = await claire.next()
    assert (choose.text, choose.buttons) == (
        "Pour l’export Excel et le rapport, quel niveau de détail ?",
        ["Par structure", "Par organisation", "Secteur seulement", "Annuler"],
    )
    await pressed(claire, choose, "Par structure")
    waves = await claire.next()
    assert waves.buttons == ["T0", "T1", "Évolution T0 → T1", "Tous", "Annuler"]
    await pressed(claire, waves, "Tous")
    xlsx, html = await read(claire, 2, DOCUMENTS_WAIT)
    assert xlsx.caption == "Export Excel : Organisation 001, Par structure, Tous."
    assert html.caption == "Rapport à ouvrir dans un navigateur : Organisation 001, Par structure, Tous."
    assert xlsx.document is not None and html.document is not None
    assert xlsx.document["file_name"] == "voix-resultats_structure_all.xlsx"
    received = await sim.file(xlsx.document["file_id"])
    expected_xlsx = await cli_export(
        voix_settings, clock, "--organisation", "1", "--by", "structure", "--format", "xlsx"
    )
    assert sheets(received) == sheets(expected_xlsx)
    assert set(sheets(received)) == {"Lisez-moi", "Secteur", "Organisations", "Structures"}
    report = (await sim.file(html.document["file_id"])).decode("utf-8")
    assert report.startswith("<!DOCTYPE html>") and "Organisation 002" not in report
    audited = [
        (actor, json.loads(details))
        for actor, details in database_file.execute(
            "SELECT actor, details FROM audit_log WHERE action = 'scores exported' ORDER BY id"
        )
    ]
    staff_entries = [details for actor, details in audited if actor == "staff"]
    assert [(entry["staff_id"], entry["format"], entry["scope"]) for entry in staff_entries] == [
        (1, "xlsx", "organisation n° 1"),
        (1, "html", "organisation n° 1"),
    ]


async def test_a_sector_coordinator_in_english_chooses_the_change_by_organisation(
    voix: object,
    sim: EmulatorClient,
    database_file: sqlite3.Connection,
    clock: FixedClock,
    voix_settings: Settings,
) -> None:
    sector(database_file)
    sam = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR), "Sam", "en")
    # Words after the command are said to be left aside, never silently dropped.
    await sam.send("/resultats T1")
    assert (await sam.next()).text == "/resultats needs nothing after it: I left “T1” aside."
    summary = await sam.next()
    assert (summary.text or "").startswith(
        "Results for the whole sector (a group of fewer than 10 young people is never shown):"
    )
    # English percentages as English writes them (and as /suivi does): "57.5%", "< 10%".
    percentages = re.findall(r"[<>]? ?[0-9.,]+ ?%", summary.text or "")
    assert percentages and all(" %" not in found and "," not in found for found in percentages)
    choose = await sam.next()
    assert choose.buttons == ["By structure", "By organisation", "Sector only", "Cancel"]
    await pressed(sam, choose, "Cancel")
    assert (await sam.next()).text == "Cancelled: nothing was sent."
    await sam.send("/resultats")
    await sam.next()
    choose = await sam.next()
    await pressed(sam, choose, "By organisation")
    waves = await sam.next()
    await pressed(sam, waves, "Change T0 → T1")
    xlsx, _ = await read(sam, 2, DOCUMENTS_WAIT)
    assert xlsx.caption == "Excel export: the whole sector, By organisation, Change T0 → T1."
    assert xlsx.document is not None
    expected = await cli_export(
        voix_settings, clock, "--by", "organisation", "--wave", "change", "--format", "xlsx"
    )
    assert sheets(await sim.file(xlsx.document["file_id"])) == sheets(expected)


async def test_no_results_yet_and_forged_result_buttons(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    database_file.execute(
        "INSERT INTO organisations (id, name, created_at) VALUES (1, 'Association test', 'x')"
    )
    claire = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=1))
    await claire.send("/resultats")
    assert (await claire.next()).text == (
        "Pas de résultats pour Association test : aucune réponse aux questionnaires T0 et T1 n’est "
        "conservée (aucune encore, ou toutes effacées, à la demande des jeunes ou à la fin de la durée "
        "de conservation)."
    )
    assert (await claire.next()).buttons == [
        "Par structure",
        "Par organisation",
        "Secteur seulement",
        "Annuler",
    ]
    for forged in ("S:l:everything", "S:d:galaxy:all", "S:d:structure"):  # no button holds them
        press = await claire.press_data(forged)
        answer = await claire.callback_answer(press)
        assert answer is not None and answer.text == NOT_AVAILABLE["fr"], forged
    assert await refused_press(claire, "/resultats", "S:d:structure:T7") == NOT_AVAILABLE["fr"]
    assert database_file.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'scores exported'"
    ).fetchone() == (0,)


def _unit(unit: str) -> str:
    """As French writes it: a no-break space before %."""
    return {"percent": "\u00a0%", "score_0_100": "/100"}.get(unit, "")


async def test_an_answer_voix_did_not_write_gets_the_coordinator_a_message_not_an_apology(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock, caplog: Any
) -> None:
    # One stored answer edited by hand (not JSON): the export refuses the data. The coordinator
    # is told what happened and who can see which answer; the youth's code is neither in the
    # chat nor in the log.
    sector(database_file)
    run_id, code = database_file.execute(
        "SELECT runs.id, youth.code FROM runs JOIN youth ON youth.id = runs.youth_id "
        "JOIN structures ON structures.id = youth.structure_id WHERE structures.organisation_id = 1 LIMIT 1"
    ).fetchone()
    database_file.execute(
        "UPDATE answers SET value = 'oui' WHERE run_id = ? AND value IS NOT NULL", (run_id,)
    )
    database_file.commit()
    claire = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=ORGANISATION))
    await claire.send("/resultats")
    told = await claire.next()
    assert told.text == (
        "Les résultats ne peuvent pas être calculés pour l’instant : la base de données contient une "
        "réponse illisible. Votre administrateur trouvera laquelle avec la commande voix admin export scores."
    )
    # A button of an earlier summary asks for the documents: the same words, as the button's answer too.
    press = await claire.press_data("S:d:structure:all")
    answer = await claire.callback_answer(press)
    assert answer is not None and answer.text == "Les résultats ne peuvent pas être calculés pour l’instant."
    assert (await claire.next()).text == told.text
    assert code not in caplog.text
    assert "coordinator results unavailable" in caplog.text
    assert "coordinator documents unavailable" in caplog.text


async def test_a_failure_the_bot_cannot_explain_gets_a_coordinator_the_staff_apology(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    # A questionnaire stored under a référentiel version this Voix does not know (a database
    # from a newer release): the export fails in a way the bot cannot explain. The coordinator
    # hears the staff's words, not the youth's promise that their answers are safe.
    sector(database_file)
    database_file.execute("UPDATE runs SET referentiel_version = '99' WHERE id = (SELECT min(id) FROM runs)")
    database_file.commit()
    claire = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=ORGANISATION))
    await claire.send("/resultats")
    assert (await claire.next()).text == (
        "Un souci de mon côté. Réessayez dans un moment ; si cela se reproduit, prévenez votre "
        "administrateur."
    )
    # In the language of the coordinator's other messages (chosen at binding), not the phone's.
    database_file.execute("UPDATE staff SET locale = 'en'")
    database_file.commit()
    await claire.send("/resultats")
    assert (await claire.next()).text == (
        "Something went wrong on my side. Please try again in a moment; if it happens again, tell "
        "your administrator."
    )


async def test_documents_asked_twice_by_a_double_tap_come_once(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    sector(database_file)
    claire = await bind(sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=ORGANISATION))
    await claire.send("/resultats")
    choose = await _until_buttons(claire)
    await pressed(claire, choose, "Secteur seulement")
    waves = await claire.next()
    first = await claire.press("T0", message_id=waves.message_id)
    second = await claire.press_data("S:d:sector:T0", message_id=waves.message_id)
    assert (await claire.next()).keyboard == []  # taken off at the first press
    xlsx, html = await read(claire, 2, DOCUMENTS_WAIT)
    assert xlsx.document is not None and html.document is not None
    answer = await claire.callback_answer(second)
    assert (
        answer is not None and answer.text == "Ce bouton a déjà servi. Retapez la commande pour recommencer."
    )
    assert await claire.callback_answer(first) is not None
    await claire.expect_nothing_more()
    assert database_file.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'scores exported' AND actor = 'staff'"
    ).fetchone() == (2,)
