"""Educators on their phones: /inviter, /suivi, /relancer and /aide, in French and English."""

import asyncio
import io
import json
import sqlite3

import zxingcpp
from PIL import Image

from conversations.state import ConversationState, Phase
from referentiel.loading import current_referentiel
from storage.clock import FixedClock
from storage.staff import Role
from storage.transfers import transfer_youth
from telegram_emulator import EmulatorClient, SimulatedUser
from tests.e2e.journey import enrol, until
from tests.e2e.staff_world import (
    EDUCATOR_MENU_IN_ENGLISH,
    NOT_AVAILABLE,
    STRUCTURE_A,
    STRUCTURE_A2,
    STRUCTURE_B,
    TYPE_HELP,
    USED,
    add_youth,
    bind,
    build_sector,
    complete_first_questionnaire,
    pressed,
    read,
    refused_press,
    staff_link,
    written,
    youth_link,
)

FIRST, SECOND = (question.id for question in current_referentiel().questions[:2])
OFFER_WORDS = "Commencer"


async def educator(
    sim: EmulatorClient, connection: sqlite3.Connection, clock: FixedClock, *structures: int, **kw
):
    build_sector(connection)
    return await bind(sim, staff_link(connection, clock(), Role.EDUCATOR, structures=structures), **kw)


async def test_inviter_sends_a_card_whose_qr_code_enrols_a_youth_in_the_structure(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    samia = await educator(sim, database_file, clock, STRUCTURE_A)
    await samia.send("/inviter 2")
    ready, photo, to_forward, second_photo, _ = await read(samia, 5)
    assert ready.text == (
        "Invitations pour MECS Les Tilleuls : 2, valables jusqu’au 26 décembre 2026. Chacune ne sert "
        "qu’une fois : donnez-en une à chaque jeune (transférez le texte, ou faites scanner le QR code)."
    )
    first_line, link = (photo.caption or "").splitlines()
    assert first_line == "Invitation n° 1 · MECS Les Tilleuls · valable jusqu’au 26 décembre 2026"
    assert link.startswith("https://t.me/voix_test_bot?start=")
    assert to_forward.text == (
        "Salut ! Voici ton invitation personnelle pour répondre au questionnaire Voix, sur ta vie là où "
        "tu habites. Tes réponses sont confidentielles : tes éducateurs ne les voient jamais. Ouvre-la "
        f"sur ton téléphone :\n{link}\nElle ne marche qu’une fois, jusqu’au 26 décembre 2026."
    )
    assert photo.photo is not None
    card = Image.open(io.BytesIO(await sim.file(photo.photo[-1]["file_id"])))
    [decoded] = zxingcpp.read_barcodes(card)
    assert decoded.text == link
    assert (second_photo.caption or "").splitlines()[1] != link
    # The youth who scans it enrols in the educator's structure.
    await enrol(sim, link.rsplit("=", 1)[1])
    assert database_file.execute("SELECT structure_id FROM youth").fetchall() == [(STRUCTURE_A,)]
    assert database_file.execute("SELECT structure_id FROM runs").fetchall() == [(STRUCTURE_A,)]
    [(actor, details)] = database_file.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'invitations created'"
    ).fetchall()
    assert (actor, json.loads(details)) == (
        "staff",
        {"count": 2, "staff_id": 1, "structure_id": 1, "validity_days": 30, "wave": "T0"},
    )


async def test_inviter_asks_which_structure_and_refuses_bad_numbers_and_other_structures(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    sam = await educator(sim, database_file, clock, STRUCTURE_A, STRUCTURE_A2, language="en")
    for wrong in ("/inviter abc", "/inviter 0", "/inviter 11", "/inviter -2"):
        await sam.send(wrong)
        assert (await sam.next()).text == (
            "Write /inviter, or /inviter followed by a number from 1 to 10: /inviter 3 makes three."
        )
    await sam.send("/inviter")
    choice = await sam.next()
    assert (choice.text, choice.buttons) == (
        "For which structure?",
        ["Foyer du Port", "MECS Les Tilleuls", "Cancel"],
    )
    await pressed(sam, choice, "Foyer du Port")
    ready, photo, _ = await read(sam, 3)
    assert (ready.text or "").startswith("Invitation for Foyer du Port: 1, valid until 26 December 2026.")
    assert (photo.caption or "").startswith(
        "Invitation no. 1 · Foyer du Port · valid until 26 December 2026\n"
    )
    # The choice answers once: pressed again (a double tap), it makes nothing more.
    again = await sam.press_data(f"S:i:{STRUCTURE_A2}:1", message_id=choice.message_id)
    answer = await sam.callback_answer(again)
    assert answer is not None and answer.text == USED["en"]
    for forged in ("S:i:3:1", "S:i:1:11", "S:i:999:1"):
        assert await refused_press(sam, "/inviter", forged) == NOT_AVAILABLE["en"]
    unreadable = await sam.press_data("S:i:1")  # no button holds it: refused, and it uses up nothing
    answer = await sam.callback_answer(unreadable)
    assert answer is not None and answer.text == NOT_AVAILABLE["en"]
    await sam.send("/inviter 2")
    choice = await sam.next()
    cancel = await pressed(sam, choice, "Cancel")
    assert (await sam.next()).text == "Cancelled: nothing was sent."
    assert await sam.callback_answer(cancel) is not None
    # Cancelled is cancelled: another button of the same choice does nothing.
    after_cancel = await sam.press_data(f"S:i:{STRUCTURE_A2}:2", message_id=choice.message_id)
    answer = await sam.callback_answer(after_cancel)
    assert answer is not None and answer.text == USED["en"]
    # A command addressed to another bot is not Voix's to carry out; its own name is.
    await sam.send("/inviter@other_bot 2")
    assert (await sam.next()).text == TYPE_HELP["en"]
    # A command put right by editing it is asked for anew, never carried out from the edit.
    await sam.edit("/inviter 1")
    assert (
        await sam.next()
    ).text == "I do not read edited messages: send the command again, in a new message."
    await sam.send("/inviter@Voix_Test_Bot 2")
    assert (await sam.next()).text == "For which structure?"
    assert database_file.execute("SELECT structure_id, COUNT(*) FROM invitations GROUP BY 1").fetchall() == [
        (STRUCTURE_A2, 1)
    ]


async def test_suivi_shows_each_youth_by_code_never_an_answer(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    questionnaire = ConversationState(Phase.QUESTIONNAIRE, SECOND, {FIRST: "strongly_disagree"})
    add_youth(
        database_file,
        "AAA-222",
        STRUCTURE_A,
        [("T0", "in_progress", ConversationState(Phase.CONSENT))],
        status="invited",
    )
    add_youth(database_file, "BBB-333", STRUCTURE_A, [("T0", "in_progress", questionnaire)], reminders_sent=2)
    add_youth(
        database_file,
        "CCC-444",
        STRUCTURE_A,
        [("T0", "completed", ConversationState(Phase.COMPLETED))],
        status="completed",
        blocked=True,
        last_activity="2026-11-20T23:30:00+00:00",  # the 20th in UTC, already the 21st in Paris
    )
    add_youth(
        database_file,
        "DDD-555",
        STRUCTURE_A,
        [("T0", "in_progress", ConversationState(Phase.DECLINED))],
        status="declined",
    )
    add_youth(database_file, "OTH-ERS", STRUCTURE_B, [("T0", "in_progress", questionnaire)])
    samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    await samia.send("/suivi")
    listing, footer = await read(samia, 2)
    assert (listing.text or "").splitlines() == [
        "MECS Les Tilleuls : 4 jeunes",
        "AAA-222 — accord pas encore donné · T0 information lue · T1 pas commencé · départ pas commencé · "
        "actif le 24 nov. 2026 · relances : 0",
        "BBB-333 — accord donné · T0 en cours 3\u00a0% · T1 pas commencé · départ pas commencé · "
        "actif le 24 nov. 2026 · relances : 2",
        "CCC-444 — accord donné · T0 terminé · T1 pas commencé · départ pas commencé · "
        "actif le 21 nov. 2026 · relances : 0 · a bloqué le bot",
        "DDD-555 — accord refusé · T0 refusé · T1 pas commencé · départ pas commencé · "
        "actif le 24 nov. 2026 · relances : 0",
    ]
    assert footer.text == (
        "Invitations pas encore ouvertes : 0. Effacés (à leur demande ou après la durée de conservation) : 0."
    )
    assert "disagree" not in (listing.text or "") and "OTH-ERS" not in (listing.text or "")
    [(actor, details)] = database_file.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'progress viewed'"
    ).fetchall()
    assert (actor, json.loads(details)) == (
        "staff",
        {"page": 1, "staff_id": 1, "structure_id": 1, "youth": 4},
    )


async def test_suivi_in_english_and_for_a_structure_without_youth(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    sam = await educator(sim, database_file, clock, STRUCTURE_A2, language="en")
    await sam.send("/suivi")
    empty, footer = await read(sam, 2)
    assert empty.text == "Foyer du Port: no young person yet. /inviter makes invitations."
    assert (
        footer.text
        == "Invitations not opened yet: 0. Erased (at their request or after the retention period): 0."
    )


async def test_suivi_pages_sixty_youth_or_more_and_old_page_buttons_change_nothing(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    codes = [f"{letter}{letter}{letter}-{digit}{digit}{digit}" for letter in "ABC" for digit in "2345678"]
    codes += [f"D{letter}D-{digit}22" for letter in "EFGHJKMN" for digit in "23456"]
    assert len(codes) == 61
    state = ConversationState(Phase.PAUSED, SECOND, {FIRST: None}, (), Phase.QUESTIONNAIRE)
    for code in codes:
        add_youth(database_file, code, STRUCTURE_A, [("T0", "paused", state)], reminders_sent=2, blocked=True)
    samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    await samia.send("/suivi")
    listed: list[str] = []
    for page in range(1, 5):
        listing, footer = await read(samia, 2)
        lines = (listing.text or "").splitlines()
        assert lines[0] == f"MECS Les Tilleuls : 61 jeunes (page {page}/4)"
        assert len(listing.text or "") < 4096
        listed += [line.split(" — ")[0] for line in lines[1:]]
        expected_buttons = {1: ["Suivant ▶"], 4: ["◀ Précédent"]}.get(page, ["◀ Précédent", "Suivant ▶"])
        assert footer.buttons == expected_buttons
        if page < 4:
            await samia.press("Suivant ▶", message_id=footer.message_id)
    assert listed == sorted(codes)
    # A page that no longer exists (youth left since the list was shown): type the command again.
    press = await samia.press_data("S:p:1:7")
    answer = await samia.callback_answer(press)
    assert answer is not None and answer.text == "Ce bouton n’est plus à jour : retapez /suivi."
    assert (await samia.next()).text == answer.text
    # A structure not the educator's reads as any refusal.
    press = await samia.press_data("S:p:3:0")
    answer = await samia.callback_answer(press)
    assert answer is not None and answer.text == NOT_AVAILABLE["fr"]


async def educator_and_youth_done(
    sim: EmulatorClient, connection: sqlite3.Connection, clock: FixedClock
) -> tuple[SimulatedUser, SimulatedUser]:
    """An educator of structure A, and a youth of A who finished T0 (youth 1)."""
    build_sector(connection)
    samia = await bind(sim, staff_link(connection, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    lina, _ = await enrol(sim, await written(connection, youth_link, clock(), STRUCTURE_A))
    await written(connection, complete_first_questionnaire, 1, clock())
    return samia, lina


async def test_relancer_one_youth_after_a_confirmation_with_counts_and_reasons(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    samia, lina = await educator_and_youth_done(sim, database_file, clock)
    code = database_file.execute("SELECT code FROM youth WHERE id = 1").fetchone()[0]
    await written(
        database_file,
        add_youth,
        "BBB-333",
        STRUCTURE_A,
        [("T0", "in_progress", ConversationState(Phase.QUESTIONNAIRE, FIRST))],
    )
    await samia.send("/relancer")
    waves = await samia.next()
    assert waves.text == "MECS Les Tilleuls : quel questionnaire envoyer ?"
    assert waves.buttons == ["Questionnaire de suivi (T1)", "Questionnaire de départ", "Annuler"]
    await pressed(samia, waves, "Questionnaire de suivi (T1)")
    who = await samia.next()
    assert (who.text or "").splitlines() == [
        "MECS Les Tilleuls, questionnaire de suivi (T1) : 1 jeune peut le recevoir maintenant. L’envoyer ?",
        "Pas maintenant : 1 (aucun questionnaire précédent terminé)",
    ]
    assert who.buttons == ["Tous (1)", code, "Annuler"]
    await pressed(samia, who, code)
    confirm = await samia.next()
    assert (confirm.text, confirm.buttons) == (
        f"Envoyer le questionnaire de suivi (T1) à {code} ?",
        ["Oui, envoyer", "Annuler"],
    )
    await pressed(samia, confirm, "Oui, envoyer")
    assert (await samia.next()).text == (
        "Questionnaire de suivi (T1), MECS Les Tilleuls : proposé à 1 jeune ; la proposition part "
        "maintenant (à 9 h s’il fait nuit)."
    )
    offer = await until(lina, "")
    assert any(OFFER_WORDS in label for label in offer.buttons)
    # Everyone offered since: an old « Tous » asks to type the command again, not to confirm.
    outdated = "Ce bouton n’est plus à jour : retapez /relancer."
    assert await refused_press(samia, "/relancer", "S:y:1:T1:all") == outdated
    assert (await samia.next()).text == outdated
    # The same confirmation again (a double tap) does nothing; a replay of its data on another
    # keyboard offers nothing twice either (the rule is decided again).
    again = await samia.press_data(f"S:o:1:T1:{code}", message_id=confirm.message_id)
    answer = await samia.callback_answer(again)
    assert answer is not None and answer.text == USED["fr"]
    await samia.send("/relancer")
    fresh = await samia.next()
    await pressed(samia, fresh, data=f"S:o:1:T1:{code}")
    done_again = await samia.next()
    assert (done_again.text or "").splitlines()[1:] == ["Pas maintenant : 1 (déjà proposé)"]
    assert database_file.execute(
        "SELECT COUNT(*) FROM scheduled_messages WHERE kind = 'followup' AND sent_at IS NOT NULL"
    ).fetchone() == (1,)
    details = [
        json.loads(row[0])
        for row in database_file.execute(
            "SELECT details FROM audit_log WHERE action = 'follow-ups opened' AND actor = 'staff'"
        )
    ]
    assert details[0] == {"queued": 1, "skipped": {}, "staff_id": 1, "structure_id": 1, "wave": "T1"}


async def test_relancer_shows_a_hundred_codes_thirty_a_page_under_telegrams_keyboard_limit(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    # 100 youth who finished T0: a button each, with « Tous » and « Annuler », would be a keyboard
    # Telegram (and the emulator) refuses, and the educator could send the follow-up to nobody.
    build_sector(database_file)
    codes = sorted(f"{letter * 3}-{digit * 3}" for letter in "ABCDEFGHJKMNPQRSTUVW" for digit in "23456")
    assert len(codes) == 100
    for code in codes:
        add_youth(database_file, code, STRUCTURE_A, [("T0", "completed", ConversationState(Phase.COMPLETED))])
    database_file.execute("UPDATE youth SET status = 'completed'")
    samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    await samia.send("/relancer")
    await pressed(samia, await samia.next(), "Questionnaire de suivi (T1)")
    shown: list[str] = []
    for page in range(4):
        who = await samia.next()
        turn = ["◀ Précédent"] * (page > 0) + ["Suivant ▶"] * (page < 3)
        assert (who.text or "").splitlines() == [
            "MECS Les Tilleuls, questionnaire de suivi (T1) : 100 jeunes peuvent le recevoir "
            "maintenant. L’envoyer à tous, ou à un seul ?",
            f"Codes {30 * page + 1} à {min(30 * page + 30, 100)} sur 100.",
        ]
        assert who.buttons[0] == "Tous (100)" and who.buttons[-1] == "Annuler"
        assert who.buttons[-1 - len(turn) : -1] == turn
        shown += who.buttons[1 : -1 - len(turn)]
        if page < 3:
            await pressed(samia, who, "Suivant ▶")
    assert shown == codes
    # Back one page, then one youth of it, as on a single page.
    await pressed(samia, who, "◀ Précédent")
    again = await samia.next()
    assert again.buttons[1] == codes[60]
    await pressed(samia, again, codes[61])
    confirm = await samia.next()
    assert confirm.text == f"Envoyer le questionnaire de suivi (T1) à {codes[61]} ?"
    # A page that no longer exists (youth offered since): type the command again.
    outdated = "Ce bouton n’est plus à jour : retapez /relancer."
    assert await refused_press(samia, "/relancer", "S:w:1:T1:4") == outdated


async def test_two_educators_opening_at_once_send_one_offer_per_youth(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    samia = await bind(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]), "Samia"
    )
    karim = await bind(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]), "Karim"
    )
    youth = []
    for name in ("Lina", "Noé"):
        user, _ = await enrol(sim, await written(database_file, youth_link, clock(), STRUCTURE_A), name)
        youth.append(user)
    for youth_id in (1, 2):
        await written(database_file, complete_first_questionnaire, youth_id, clock())
    confirmations = []
    for educator_user in (samia, karim):
        await educator_user.send("/relancer")
        waves = await educator_user.next()
        await pressed(educator_user, waves, data="S:y:1:T1:all")
        confirmation = await educator_user.next()
        assert confirmation.buttons == ["Oui, envoyer", "Annuler"]
        confirmations.append(confirmation)
    await asyncio.gather(
        *(
            pressed(educator_user, confirmation, "Oui, envoyer")
            for educator_user, confirmation in zip((samia, karim), confirmations, strict=True)
        )
    )
    answers = [(await samia.next()).text or "", (await karim.next()).text or ""]
    nothing, offered = sorted(answers, key=lambda text: "rien" not in text)
    assert nothing.splitlines() == [
        "Questionnaire de suivi (T1), MECS Les Tilleuls : rien n’a été proposé.",
        "Pas maintenant : 2 (déjà proposé)",
    ]
    assert offered == (
        "Questionnaire de suivi (T1), MECS Les Tilleuls : proposé à 2 jeunes ; les propositions partent "
        "maintenant (à 9 h s’il fait nuit)."
    )
    for user in youth:
        await until(user, "")  # the offer, sent by the scheduler the opening woke
        sent = await sim.calls("sendMessage", chat_id=user.id)
        assert sum(OFFER_WORDS in json.dumps(call["params"], ensure_ascii=False) for call in sent) == 1


async def test_relancer_in_english_when_nobody_can_receive_it_and_forged_steps(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    sam = await educator(sim, database_file, clock, STRUCTURE_A, STRUCTURE_A2, language="en")
    add_youth(
        database_file, "OTH-ERS", STRUCTURE_B, [("T0", "completed", ConversationState(Phase.COMPLETED))]
    )
    await sam.send("/relancer")
    choice = await sam.next()
    assert choice.buttons == ["Foyer du Port", "MECS Les Tilleuls", "Cancel"]
    await pressed(sam, choice, "Foyer du Port")
    waves = await sam.next()
    assert waves.buttons == ["Follow-up questionnaire (T1)", "Leaving questionnaire (exit)", "Cancel"]
    await pressed(sam, waves, "Leaving questionnaire (exit)")
    assert (await sam.next()).text == (
        "Foyer du Port, leaving questionnaire (exit): no young person can receive it now."
    )
    for forged in (
        "S:f:3",
        "S:w:3:T1",
        "S:w:2:T0",
        "S:w:2:T9",
        "S:y:3:T1:all",
        "S:o:3:T1:all",
    ):
        assert await refused_press(sam, "/relancer", forged) == NOT_AVAILABLE["en"], forged
    # A code not in the educator's structure (now): the words of a youth who left, whoever it is.
    assert await refused_press(sam, "/relancer", "S:o:2:T1:OTH-ERS") == (
        "This button is out of date: type /relancer again."
    )
    assert await refused_press(sam, "/relancer", "S:o:2:T1:ZZZ-ZZZ") == (
        "This button is out of date: type /relancer again."
    )
    assert database_file.execute("SELECT COUNT(*) FROM scheduled_messages").fetchone() == (0,)


async def test_aide_lists_what_an_educator_can_do(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    samia = await educator(sim, database_file, clock, STRUCTURE_A)
    await samia.send("/aide")
    assert (await samia.next()).text == (
        "Ce que vous pouvez faire pour MECS Les Tilleuls :\n"
        "/inviter — des invitations pour les jeunes (un lien, un QR code et un texte à transférer) ; "
        "/inviter 5 en fait cinq\n"
        "/suivi — où en est chaque jeune, par code : jamais ce qu’il a répondu\n"
        "/relancer — envoyer un questionnaire de suivi\n"
        "/langue — la langue de mes messages\n"
        "/aide — cette aide"
    )
    await samia.send("bonjour")
    assert (await samia.next()).text == TYPE_HELP["fr"]
    token = await written(database_file, staff_link, clock(), Role.EDUCATOR, structures=[STRUCTURE_A2])
    sam = await bind(sim, token, "Sam", "en")
    await sam.send("/aide")
    assert (await sam.next()).text == (
        "What you can do for Foyer du Port:\n"
        "/inviter — invitations for young people (a link, a QR code and a text to forward); "
        "/inviter 5 makes five\n"
        "/suivi — where each young person is, by code: never what they answered\n"
        "/relancer — send a follow-up questionnaire\n"
        "/langue — the language of my messages\n"
        "/aide — this help"
    )
    assert [command["description"] for command in await sam.menu()] == EDUCATOR_MENU_IN_ENGLISH


async def test_a_youth_who_moved_is_followed_by_the_educators_of_their_new_structure_only(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    add_youth(
        database_file, "MOV-234", STRUCTURE_A, [("T0", "completed", ConversationState(Phase.COMPLETED))]
    )
    of_a = await bind(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]), "Samia"
    )
    of_b = await bind(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_B]), "Karim"
    )
    await written(database_file, transfer_youth, "MOV-234", STRUCTURE_B, "admin-cli", clock())
    await of_a.send("/suivi")
    assert (
        await of_a.next()
    ).text == "MECS Les Tilleuls : aucun jeune pour l’instant. /inviter crée des invitations."
    await of_b.send("/suivi")
    listing = await of_b.next()
    assert (listing.text or "").splitlines()[1].startswith("MOV-234 — accord donné · T0 terminé")


async def test_a_cancelled_confirmation_sends_nothing_whatever_is_pressed_after(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    samia, lina = await educator_and_youth_done(sim, database_file, clock)
    await samia.send("/relancer")
    waves = await samia.next()
    await pressed(samia, waves, "Questionnaire de suivi (T1)")
    who = await samia.next()
    await pressed(samia, who, "Tous (1)")
    confirm = await samia.next()
    await pressed(samia, confirm, "Annuler")
    assert (await samia.next()).text == "Annulé : rien n’a été envoyé."
    # « Oui, envoyer » of the same message, from a phone that still showed it: nothing is sent.
    late = await samia.press_data("S:o:1:T1:all", message_id=confirm.message_id)
    answer = await samia.callback_answer(late)
    assert answer is not None and answer.text == USED["fr"]
    await samia.expect_nothing_more()
    await lina.expect_nothing_more()
    assert database_file.execute(
        "SELECT COUNT(*) FROM scheduled_messages WHERE kind = 'followup'"
    ).fetchone() == (0,)
