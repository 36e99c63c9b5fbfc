"""Staff links in the bot: binding, the optional name, one account one side, bad links, revocation."""

import json
import sqlite3

import pytest

from storage.clock import FixedClock
from storage.invitations import hash_token
from storage.pseudonymisation import Pseudonymiser
from storage.staff import Role, revoke_staff
from telegram_emulator import EmulatorClient
from tests.e2e.conftest import SECRET_KEY
from tests.e2e.journey import enrol, until
from tests.e2e.staff_world import (
    EDUCATOR_MENU_IN_ENGLISH,
    NOT_AVAILABLE,
    ORGANISATION_X,
    STRUCTURE_A,
    STRUCTURE_A2,
    TYPE_HELP,
    WITHDRAWN,
    bind,
    build_sector,
    open_staff_link,
    pressed,
    read,
    staff_link,
    written,
    youth_link,
)

UNUSABLE = (
    "Ce lien professionnel ne marche plus : il a déjà servi, a expiré ou a été révoqué. "
    "Demandez-en un nouveau à votre administrateur."
)
YOUTH_REJECTED = "ce lien d’invitation ne marche pas"
EDUCATOR_MENU = [
    {"command": "inviter", "description": "Invitations pour les jeunes"},
    {"command": "suivi", "description": "Où en est chaque jeune"},
    {"command": "relancer", "description": "Envoyer un questionnaire de suivi"},
    {"command": "langue", "description": "Langue"},
    {"command": "aide", "description": "Aide"},
]


def staff_rows(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    return connection.execute(
        "SELECT id, bound_at, telegram_user_hash IS NOT NULL, display_name, locale, revoked_at FROM staff"
    ).fetchall()


async def test_an_educator_binds_their_account_gives_a_name_and_gets_a_menu_only_they_see(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    token = staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A, STRUCTURE_A2])
    samia = await sim.user("Samia")
    await samia.send(f"/start {token}")
    welcome, question = await read(samia, 2)
    assert welcome.text == (
        "Bienvenue ! Ce compte Telegram est maintenant un compte d’éducateur ou d’éducatrice pour : "
        "Foyer du Port, MECS Les Tilleuls."
    )
    assert question.buttons == ["Oui, donner un nom", "Non, merci"]
    assert "Seul l’administrateur le voit" in (question.text or "")
    await pressed(samia, question, "Oui, donner un nom")
    write = await samia.next()
    assert (write.text, write.buttons) == (
        "Écrivez le nom à garder (60 caractères au plus).",
        ["Pas de nom finalement"],
    )
    await samia.send("1234")
    assert (await samia.next()).text == (
        "Cela ne peut pas être gardé comme nom : écrivez-le en lettres, 60 caractères au plus."
    )
    # A name that looks like an invitation's token (22 letters, digits, - and _) is a name here:
    # only a stranger's bare token opens as a link would.
    await samia.send("Jean-Christophe-Martin")
    kept, help_text = await read(samia, 2)
    assert kept.text == "Merci, Jean-Christophe-Martin : ce nom est gardé."
    await written(database_file, lambda own: own.execute("UPDATE staff SET awaiting = 'name' WHERE id = 1"))
    await samia.send("  Samia   B. ")
    kept, help_text = await read(samia, 2)
    assert kept.text == "Merci, Samia B. : ce nom est gardé."
    assert (help_text.text or "").startswith(
        "Ce que vous pouvez faire pour Foyer du Port, MECS Les Tilleuls :"
    )
    assert staff_rows(database_file) == [(1, "2026-11-26T10:00:00+00:00", 1, "Samia B.", "fr", None)]
    stored_hash = database_file.execute("SELECT telegram_user_hash FROM staff").fetchone()[0]
    assert stored_hash == Pseudonymiser(bytes.fromhex(SECRET_KEY)).telegram_user_hash(samia.id)
    [(actor, details)] = database_file.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'staff bound'"
    ).fetchall()
    assert (actor, json.loads(details)) == (
        "staff",
        {"role": "educator", "scope": "structures", "staff_id": 1, "structure_ids": [1, 2]},
    )
    # The staff menu is this chat's only: a youth (and anyone else) keeps the youth's menu.
    assert await samia.menu() == EDUCATOR_MENU
    youth = await sim.user("Lina")
    assert [command["command"] for command in await youth.menu()] == [
        "reprendre",
        "pause",
        "aide",
        "langue",
        "stop",
    ]


async def test_an_english_coordinator_reads_english_and_may_keep_no_name(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    token = staff_link(database_file, clock(), Role.COORDINATOR, organisation=ORGANISATION_X)
    sam = await sim.user("Sam", language_code="en")
    await sam.send(f"/start {token}")
    welcome, question = await read(sam, 2)
    assert (
        welcome.text == "Welcome! This Telegram account is now a coordinator's account for: Association test."
    )
    await pressed(sam, question, "No, thanks")
    kept, help_text = await read(sam, 2)
    assert kept.text == "All right: no name is kept."
    assert help_text.text == (
        "What you can do for Association test:\n"
        "/resultats — a summary of the indicators, then the Excel export and the report\n"
        "/langue — the language of my messages\n"
        "/aide — this help"
    )
    assert await sam.menu() == [
        {"command": "resultats", "description": "Results and exports"},
        {"command": "langue", "description": "Language"},
        {"command": "aide", "description": "Help"},
    ]
    assert staff_rows(database_file) == [(1, "2026-11-26T10:00:00+00:00", 1, None, "en", None)]
    # The name question answers once: pressed again (a phone that had not yet seen its keyboard
    # go), it changes nothing, and says so.
    again = await sam.press_data("S:n:no", message_id=question.message_id)
    answer = await sam.callback_answer(again)
    assert answer is not None and answer.text == (
        "This button was already used. Type the command again to start over."
    )
    assert staff_rows(database_file) == [(1, "2026-11-26T10:00:00+00:00", 1, None, "en", None)]


async def test_used_expired_and_revoked_links_read_alike_and_change_nothing(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    used = staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A])
    revoked = staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A])
    expiring = staff_link(database_file, clock(), Role.COORDINATOR)
    await bind(sim, used)
    await written(database_file, revoke_staff, 2, clock())
    clock.advance(days=8)  # staff links are valid 7 days
    before = staff_rows(database_file)
    for token in (used, revoked, expiring):
        other = await sim.user("Autre")
        await other.send(f"/start {token}")
        assert (await other.next()).text == UNUSABLE
    assert staff_rows(database_file) == before
    malformed = await sim.user("Curieux")
    await malformed.send("/start S:%%%")
    assert YOUTH_REJECTED in ((await malformed.next()).text or "")
    assert staff_rows(database_file) == before
    # A youth's invitation made before staff links had their prefix may start so (once in 16
    # million): still a youth's, read by the youth side.
    database_file.execute(
        "INSERT INTO invitations (token_hash, structure_id, wave, created_at, expires_at) "
        "VALUES (?, ?, 'T0', ?, '2099-01-01T00:00:00+00:00')",
        (hash_token("pro_AAAAAAAAAAAAAAAAAA"), STRUCTURE_A, clock().isoformat()),
    )
    await enrol(sim, "pro_AAAAAAAAAAAAAAAAAA", "Inès")
    # A staff link cut short by a copy, or mistyped, is answered as staff links are (vous), not
    # as a youth's invitation.
    assert used.startswith("pro_")
    for damaged in (used[:-4], used[:-1] + ("A" if used[-1] != "A" else "B")):
        hurried = await sim.user("Pressé")
        await hurried.send(f"/start {damaged}")
        assert (await hurried.next()).text == (
            "Ce lien professionnel ne marche pas : vérifiez qu’il a été copié en entier, ou "
            "demandez-en un nouveau à votre administrateur."
        )
    assert staff_rows(database_file) == before


async def test_one_account_one_side(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    staff_token = staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A])
    lina, _ = await enrol(sim, await written(database_file, youth_link, clock(), STRUCTURE_A))
    await lina.send(f"/start {staff_token}")
    assert await until(lina, "répond déjà au questionnaire en tant que jeune")
    assert staff_rows(database_file)[0][1:3] == (None, 0)  # the link still waits for its owner
    samia = await bind(sim, staff_token)
    youth_token = await written(database_file, youth_link, clock(), STRUCTURE_A)
    await samia.send(f"/start {youth_token}")
    assert (await samia.next()).text == (
        "Ce compte est un compte professionnel : il ne peut pas répondre au questionnaire. Rien n’a été "
        "changé. Les jeunes ouvrent leur invitation sur leur propre téléphone."
    )
    assert database_file.execute("SELECT COUNT(*) FROM youth").fetchone() == (1,)
    assert database_file.execute(
        "SELECT used_at FROM invitations WHERE id = (SELECT MAX(id) FROM invitations)"
    ).fetchone() == (None,)
    another = await written(database_file, staff_link, clock(), Role.COORDINATOR)
    await samia.send(f"/start {another}")
    assert (await samia.next()).text == (
        "Ce compte a déjà un rôle professionnel. Rien n’a été changé. Pour le modifier, demandez "
        "d’abord à votre administrateur de le révoquer."
    )
    assert staff_rows(database_file)[1][1] is None


async def test_a_revoked_staff_member_loses_every_command_and_their_menu_but_help_at_their_next_message(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    await samia.send("/suivi")
    assert "MECS Les Tilleuls" in ((await samia.next()).text or "")
    await samia.next()
    await written(database_file, revoke_staff, 1, clock())
    for command in ("/suivi", "/inviter", "/aide", "bonjour"):
        await samia.send(command)
        assert (await samia.next()).text == WITHDRAWN
    press = await samia.press_data("S:i:1:1")
    answer = await samia.callback_answer(press)
    assert answer is not None and answer.text == WITHDRAWN
    # /aide alone, which says what happened: not the youth's menu, whose every entry would too.
    assert await samia.menu() == [{"command": "aide", "description": "Aide"}]
    assert database_file.execute("SELECT COUNT(*) FROM invitations").fetchone() == (0,)


async def test_a_redelivered_staff_link_binds_once_and_says_nothing_twice(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    samia = await sim.user("Samia")
    await samia.send(f"/start {staff_link(database_file, clock(), Role.COORDINATOR)}")
    await read(samia, 2)
    assert samia.last_update_id is not None
    await sim.redeliver(samia.last_update_id)
    await samia.send("/aide")
    assert ((await samia.next()).text or "").startswith("Ce que vous pouvez faire pour tout le secteur")
    assert database_file.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'staff bound'"
    ).fetchone() == (1,)


async def test_a_staff_member_who_blocks_the_bot_changes_nothing_and_is_answered_after_unblocking(
    voix: object,
    sim: EmulatorClient,
    database_file: sqlite3.Connection,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    build_sector(database_file)
    samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
    before = staff_rows(database_file)
    await samia.block()
    await samia.unblock()
    await samia.send("/aide")
    assert ((await samia.next()).text or "").startswith("Ce que vous pouvez faire pour MECS Les Tilleuls")
    assert staff_rows(database_file) == before
    assert "handling an update failed" not in caplog.text


async def test_the_name_question_never_traps_a_new_staff_member(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    samia, question = await open_staff_link(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A])
    )
    # Anything but a button at the yes/no question asks it again.
    await samia.send("oui")
    again = await samia.next()
    assert (again.text, again.buttons) == (question.text, question.buttons)
    await pressed(samia, again, "Oui, donner un nom")
    write = await samia.next()
    # Changing one's mind once asked for the name: the button under the request.
    await pressed(samia, write, "Pas de nom finalement")
    kept, _ = await read(samia, 2)
    assert kept.text == "D’accord : aucun nom n’est gardé."
    assert staff_rows(database_file)[0][3:] == (None, "fr", None)
    # A command while the name is awaited moves on: the next text is not taken as a name.
    other, question = await open_staff_link(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]), "Karim"
    )
    await pressed(other, question, "Oui, donner un nom")
    await other.next()
    await other.send("/suivi")
    await read(other, 2)
    await other.send("non merci finalement")
    assert (await other.next()).text == TYPE_HELP["fr"]
    assert database_file.execute("SELECT display_name, awaiting FROM staff WHERE id = 2").fetchone() == (
        None,
        None,
    )


async def test_a_staff_member_opening_their_own_link_again_is_told_it_is_set_up(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    token = staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A])
    samia, _ = await open_staff_link(sim, token)
    # The welcome and the name question as if lost (a crash before they were sent): opening the
    # link again says the account is set up, and asks what is still to answer.
    await samia.send(f"/start {token}")
    told, question = await read(samia, 2)
    assert told.text == "Ce compte est déjà configuré avec ce lien : il n’y a plus rien à en faire."
    assert question.buttons == ["Oui, donner un nom", "Non, merci"]
    await pressed(samia, question, "Oui, donner un nom")
    await samia.next()
    # Opened again while the name is awaited: asked for it again, so the next text is meant as one.
    await samia.send(f"/start {token}")
    told, write = await read(samia, 2)
    assert (write.text, write.buttons) == (
        "Écrivez le nom à garder (60 caractères au plus).",
        ["Pas de nom finalement"],
    )
    await samia.send("Samia B.")
    await read(samia, 2)
    await samia.send(f"/start {token}")
    told, help_text = await read(samia, 2)
    assert told.text == "Ce compte est déjà configuré avec ce lien : il n’y a plus rien à en faire."
    assert (help_text.text or "").startswith("Ce que vous pouvez faire pour MECS Les Tilleuls :")
    assert [row[1:3] for row in staff_rows(database_file)] == [("2026-11-26T10:00:00+00:00", 1)]


async def test_a_staff_member_chooses_the_language_of_their_messages_and_menu(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    sam = await bind(
        sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]), "Sam", "de"
    )
    assert [command["command"] for command in await sam.menu()] == [
        command["command"] for command in EDUCATOR_MENU
    ]
    await sam.send("/langue")
    question = await sam.next()
    assert (question.text, question.buttons) == (
        "Dans quelle langue dois-je vous écrire ?",
        ["Français", "English"],
    )
    await pressed(sam, question, "English")
    assert (await sam.next()).text == "All right: I will write to you in English."
    assert [command["description"] for command in await sam.menu()] == EDUCATOR_MENU_IN_ENGLISH
    await sam.send("bonjour")
    assert (await sam.next()).text == TYPE_HELP["en"]
    assert database_file.execute("SELECT locale FROM staff").fetchone() == ("en",)
    # A youth's /langue stays the youth's: never refused as a staff command; and the staff side's
    # refusals then speak the youth's language, not the phone's.
    lina, _ = await enrol(sim, await written(database_file, youth_link, clock(), STRUCTURE_A))
    await lina.send("/langue")
    choice = await lina.next()
    assert choice.buttons == ["Français", "English"]
    await lina.press("English", message_id=choice.message_id)
    await until(lina, "in English")
    await lina.chat.catch_up()
    await lina.send("/inviter")
    assert (await lina.next()).text == NOT_AVAILABLE["en"]


async def test_changing_language_keeps_the_name_question_open_and_asks_it_in_the_new_one(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    claire, question = await open_staff_link(
        sim, staff_link(database_file, clock(), Role.COORDINATOR, organisation=1)
    )
    await pressed(claire, question, "Oui, donner un nom")
    await claire.next()
    await claire.send("/langue")
    languages = await claire.next()
    await pressed(claire, languages, "English")
    changed, again = await read(claire, 2)
    assert changed.text == "All right: I will write to you in English."
    assert (again.text, again.buttons) == (
        "Write the name to keep (60 characters at most).",
        ["No name after all"],
    )
    await claire.send("Claire D.")
    assert (await claire.next()).text == "Thank you, Claire D.: this name is kept."
