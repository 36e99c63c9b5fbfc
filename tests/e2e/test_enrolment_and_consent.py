"""Invitation links, the information notice and consent, and the youth's language."""

import json
import sqlite3
from collections.abc import Callable

from conversations import NOTICE_VERSION
from storage.clock import FixedClock
from telegram_emulator import EmulatorClient
from tests.e2e.journey import AGREE, enrol, next_question, option_buttons, until, youth_ids

REJECTED = "ce lien d’invitation ne marche pas"


async def test_an_expired_token_reads_exactly_like_an_unknown_one(
    voix: object,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    token = invite()[0]
    clock.advance(days=31)  # invitations are valid 30 days
    late, guesser = await sim.user("Lina"), await sim.user("Sami")
    await late.send(f"/start {token}")
    await guesser.send(f"/start {token[:-2]}xx")
    expired, unknown = (await late.next()).text, (await guesser.next()).text
    assert expired == unknown and REJECTED in (expired or "")
    assert "expir" not in (expired or "").lower() and token not in (expired or "")
    assert youth_ids(database_file) == []


async def test_an_invitation_pasted_instead_of_tapped_opens_as_the_link_would(
    voix: object,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> None:
    # A youth forwarded the invitation may paste it: the whole text, the link, the bare token, or
    # the link after /start. Each opens the notice, as tapping would have; nothing else is taken.
    first, second, third, fourth = invite(count=4)
    forwarded = (
        "Salut ! Voici ton invitation personnelle pour répondre au questionnaire Voix. Ouvre-la sur "
        f"ton téléphone :\nhttps://t.me/voix_test_bot?start={first}\nElle ne marche qu’une fois."
    )
    pasted = [
        forwarded,
        f"t.me/voix_test_bot?start={second}",
        f"  {third}\n",
        f"/start https://t.me/voix_test_bot?start={fourth}",
    ]
    for number, text in enumerate(pasted):
        youth = await sim.user(f"Youth {number}")
        await youth.send(text)
        await until(youth, "Tu veux bien répondre ?")
    assert database_file.execute("SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL").fetchone() == (
        4,
    )
    assert len(youth_ids(database_file)) == 4
    # A link of no invitation reads as any refused one; a word is no token.
    guesser, chatty = await sim.user("Sami"), await sim.user("Noa")
    await guesser.send(f"https://t.me/voix_test_bot?start={first[:-2]}xx")
    assert REJECTED in ((await guesser.next()).text or "")
    await chatty.send("bonjour")
    assert "il te faut un lien d’invitation" in ((await chatty.next()).text or "")
    assert len(youth_ids(database_file)) == 4


async def test_start_without_a_token_explains_voix_and_stores_nobody(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection
) -> None:
    stranger = await sim.user("Sami")
    await stranger.send("/start")
    greeting = (await stranger.next()).text or ""
    assert "Voix" in greeting and "invitation" in greeting
    await stranger.send("bonjour ?")
    assert (await stranger.next()).text == greeting
    assert youth_ids(database_file) == []


async def test_consent_stores_its_time_and_notice_version_and_audits_without_identity(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    await enrol(sim, invite()[0])
    status, version, consented_at = database_file.execute(
        "SELECT status, notice_version, consented_at FROM youth"
    ).fetchone()
    assert (status, version, consented_at) == ("consented", NOTICE_VERSION, "2026-11-26T10:00:00+00:00")
    [(details,)] = database_file.execute(
        "SELECT details FROM audit_log WHERE action = 'consent given'"
    ).fetchall()
    assert json.loads(details) == {"notice_version": NOTICE_VERSION}


async def test_a_no_means_silence_until_the_youth_comes_back(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await sim.user("Lina")
    await youth.send(f"/start {invite()[0]}")
    notice = await until(youth, "Tu veux bien répondre ?")
    await youth.press(next(label for label in notice.buttons if "Non" in label))
    await until(youth, "Je ne t’écrirai plus")
    await youth.expect_nothing_more()
    assert database_file.execute("SELECT COUNT(*) FROM scheduled_messages").fetchone()[0] == 0
    # Coming back, in any way, offers the notice again; agreeing then starts the questions.
    await youth.send("en fait si")
    again = await until(youth, "Tu veux bien répondre ?")
    await youth.press(AGREE, message_id=again.message_id)
    await next_question(youth)
    assert database_file.execute("SELECT status FROM youth").fetchone()[0] == "consented"


async def test_a_typed_oui_or_non_at_the_notice_counts_like_the_button(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    lina, sami = await sim.user("Lina"), await sim.user("Sami")
    tokens = invite(2)
    await lina.send(f"/start {tokens[0]}")
    await until(lina, "Tu veux bien répondre ?")
    await lina.send("peut-être")
    assert (await lina.next()).text == (
        "Tu veux bien répondre aux questions ? Appuie sur un bouton, ou écris « oui » ou « non »."
    )
    await lina.send("Oui !")
    edited = await until(lina, "✔️ Oui, je veux bien")
    assert edited.is_edit and edited.buttons == []
    assert (await next_question(lina)).text == "1/38\nDepuis combien de temps tu vis ici ?"
    await sami.send(f"/start {tokens[1]}")
    await until(sami, "Tu veux bien répondre ?")
    await sami.send("non merci")
    await until(sami, "Je ne t’écrirai plus")
    statuses = database_file.execute("SELECT status, notice_version FROM youth ORDER BY id").fetchall()
    assert statuses == [("consented", NOTICE_VERSION), ("declined", None)]


async def test_telegram_language_is_used_and_langue_changes_it(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await sim.user("Amir", language_code="en")
    await youth.send(f"/start {invite()[0]}")
    notice = await until(youth, "Do you want to answer?")
    await youth.press(next(label for label in notice.buttons if "Yes" in label))
    question = await until(youth, "1/")
    assert "How long have you lived here?" in (question.text or "")
    assert database_file.execute("SELECT locale FROM youth").fetchone()[0] == "en"
    await youth.send("/langue")
    choice = await until(youth, "language")
    await youth.press("Français", message_id=choice.message_id)
    await until(youth, "je t’écris en français")
    again = await next_question(youth)
    assert "Depuis combien de temps tu vis ici ?" in (again.text or "")
    assert database_file.execute("SELECT locale FROM youth").fetchone()[0] == "fr"
    await youth.press(option_buttons(again)[0])
    await next_question(youth)
