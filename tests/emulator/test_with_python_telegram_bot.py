"""The emulator against the real python-telegram-bot, over real HTTP on 127.0.0.1.

A small bot defined here (welcome with a payload, a consent keyboard edited on press, an echo,
media and edit reporting, private chats only) must behave as it would on Telegram.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from telegram_emulator import EmulatorClient, TelegramEmulator, check_call_against_spec
from tests.support.ptb import AnyApplication, builder_for, polling

PRIVATE = filters.ChatType.PRIVATE


def build_bot(emulator: TelegramEmulator, seen: dict[str, list[Any]]) -> AnyApplication:
    application = builder_for(emulator).build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        payload = " ".join(context.args or [])
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("J'accepte", callback_data="consent:yes")],
             [InlineKeyboardButton("Non merci", callback_data="consent:no")]]
        )  # fmt: skip
        await update.effective_message.reply_html(f"<b>Bienvenue</b> {payload}", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        seen["presses"].append((query.data, query.message.message_id))
        await query.answer("Merci")
        if query.data == "consent:yes":
            await query.edit_message_text("Accepté")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.text:
            kind = f"texte {message.text}"
        else:
            kind = next(k for k in ("sticker", "photo", "voice") if getattr(message, k))
        prefix = "Modifié" if update.edited_message else "Reçu"
        await message.reply_text(f"{prefix} : {kind}")

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        seen["members"].append(update.my_chat_member.new_chat_member.status)

    application.add_handler(CommandHandler("start", start, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(pressed, pattern=r"^consent:"))
    application.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND, echo))
    application.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    return application


@pytest.fixture
def seen() -> dict[str, list[Any]]:
    return {"presses": [], "members": []}


async def test_start_with_payload_then_button_press_edits_and_answers(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    async with polling(build_bot(emulator, seen)):
        youth = await sim.user(first_name="Lina", language_code="fr")
        await youth.send("/start abc-123")
        welcome = await youth.next()
        assert welcome.text == "Bienvenue abc-123"
        assert welcome.entities == [{"offset": 0, "length": 9, "type": "bold"}]
        assert welcome.buttons == ["J'accepte", "Non merci"]

        press = await youth.press("J'accepte")
        edited = await youth.next()
        assert edited.is_edit and edited.message_id == welcome.message_id
        assert edited.text == "Accepté" and edited.buttons == []
        answer = await youth.callback_answer(press)
        assert answer is not None and answer.text == "Merci" and not answer.show_alert

    assert seen["presses"] == [("consent:yes", welcome.message_id)]
    [message] = await youth.bot_messages()
    assert (message.text, message.buttons) == ("Accepté", [])
    for call in emulator.calls:
        assert check_call_against_spec(call) == [], call.method


async def test_press_on_an_old_message_and_forged_data(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    async with polling(build_bot(emulator, seen)):
        youth = await sim.user(first_name="Noé")
        await youth.send("/start")
        first = await youth.next()
        await youth.send("/start")
        second = await youth.next()
        await youth.press("Non merci", message_id=first.message_id)
        forged = await youth.press_data("consent:maybe")
        assert await youth.callback_answer(forged) is not None
        await youth.expect_silence(0.2)  # neither press edits anything
    assert seen["presses"] == [("consent:no", first.message_id), ("consent:maybe", second.message_id)]


async def test_text_media_and_edited_messages_reach_the_bot(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    async with polling(build_bot(emulator, seen)):
        youth = await sim.user(first_name="Sam")
        await youth.send("bonjour")
        assert (await youth.next()).text == "Reçu : texte bonjour"
        await youth.edit("bonsoir")
        assert (await youth.next()).text == "Modifié : texte bonsoir"
        await youth.send_sticker()
        assert (await youth.next()).text == "Reçu : sticker"
        await youth.send_photo(caption="ma chambre")
        assert (await youth.next()).text == "Reçu : photo"
        await youth.send_voice()
        assert (await youth.next()).text == "Reçu : voice"


async def test_group_messages_are_ignored_by_a_private_bot(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    async with polling(build_bot(emulator, seen)):
        youth = await sim.user(first_name="Inès")
        group = await youth.send_in_group("/start salut")
        await group.expect_silence(0.3)
        await youth.expect_silence(0.0)
        assert await sim.pending_updates() == []  # delivered and confirmed, just ignored


async def test_blocked_bot_gets_forbidden_and_member_updates(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    application = build_bot(emulator, seen)
    async with polling(application):
        youth = await sim.user(first_name="Léo")
        await youth.send("/start")
        await youth.next()
        await youth.block()
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await application.bot.send_message(youth.id, "Rappel")
        await youth.unblock()
        await application.bot.send_message(youth.id, "De retour")
        assert (await youth.next()).text == "De retour"
    assert seen["members"] == ["kicked", "member"]


async def test_telegram_errors_become_ptb_exceptions(emulator: TelegramEmulator, sim: EmulatorClient) -> None:
    async with builder_for(emulator).updater(None).build() as application:
        bot = application.bot
        youth = await sim.user()
        await youth.send("/start")
        too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("é", callback_data="é" * 33)]])
        with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
            await bot.send_message(youth.id, "Question", reply_markup=too_long_data)
        message = await bot.send_message(youth.id, "Question")
        with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message content"):
            await bot.edit_message_text("Question", chat_id=youth.id, message_id=message.message_id)
        with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
            await bot.edit_message_text("Autre", chat_id=youth.id, message_id=999)
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await bot.send_message(42, "Bonjour")
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await bot.send_message(youth.id, "a" * 4097)
        with pytest.raises(
            BadRequest, match=r'^Can\'t parse entities: unsupported start tag "x" at byte offset 0$'
        ):
            await bot.send_message(youth.id, "<x>", parse_mode="HTML")
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await bot.send_message((await sim.user()).id, "Bonjour")
        await sim.set_rate_limit(per_chat_per_second=0.5, per_chat_burst=1)
        await bot.send_message(youth.id, "Un")
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(youth.id, "Deux")
        assert retry.value.retry_after == 2


async def test_bot_objects_parse_and_calls_conform(emulator: TelegramEmulator, sim: EmulatorClient) -> None:
    async with builder_for(emulator).updater(None).build() as application:
        bot = application.bot
        assert (bot.username, bot.id) == ("voix_test_bot", 123456789)
        youth = await sim.user()
        await youth.send("/start")
        await bot.set_my_commands([("start", "Commencer"), ("aide", "Aide")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "aide"]
        assert await bot.send_chat_action(youth.id, "typing") is True
        sent = await bot.send_message(youth.id, "<i>Salut</i> 👋", parse_mode="HTML")
        assert sent.from_user is not None and sent.from_user.is_bot
        assert sent.text == "Salut 👋" and sent.entities[0].type == "italic"
        document = await bot.send_document(youth.id, InputFile(b"col1;col2\n", filename="export.csv"))
        assert document.document is not None and document.document.file_name == "export.csv"
        assert await sim.file(document.document.file_id) == b"col1;col2\n"
        photo = await bot.send_photo(youth.id, b"\x89PNG fake", caption="Graphique")
        assert photo.caption == "Graphique" and photo.photo
        assert await bot.delete_message(youth.id, sent.message_id) is True
        assert await youth.chat.next_deletion() == sent.message_id
        remaining = [m.get("text") or m.get("caption") for m in await youth.transcript()]
        assert remaining == ["/start", None, "Graphique"]
    assert [check_call_against_spec(call) for call in emulator.calls] == [[]] * len(emulator.calls)


async def test_unconfirmed_updates_are_redelivered_and_confirmed_ones_are_not(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    youth = await sim.user(first_name="Tom")
    await youth.send("un")  # the bot is down: the update waits
    async with builder_for(emulator).updater(None).build() as application:
        first = await application.bot.get_updates(timeout=0)
        again = await application.bot.get_updates(timeout=0)
        assert [u.update_id for u in first] == [u.update_id for u in again] == [1]
    async with polling(build_bot(emulator, seen)):
        assert (await youth.next()).text == "Reçu : texte un"
    async with polling(build_bot(emulator, seen)):
        await youth.expect_silence(0.3)  # the restart does not process "un" again
        await youth.send("deux")
        assert (await youth.next()).text == "Reçu : texte deux"


async def test_faults_reach_the_bot_as_network_errors(
    emulator: TelegramEmulator, sim: EmulatorClient
) -> None:
    async with builder_for(emulator).updater(None).build() as application:
        bot = application.bot
        youth = await sim.user()
        await youth.send("/start")
        await sim.inject_fault("sendMessage", "server_error", status=502)
        with pytest.raises(NetworkError):
            await bot.send_message(youth.id, "perdu")
        await sim.inject_fault("sendMessage", "disconnect")
        with pytest.raises(NetworkError):
            await bot.send_message(youth.id, "perdu aussi")
        await sim.inject_fault("sendMessage", "disconnect_after")
        with pytest.raises(NetworkError):
            await bot.send_message(youth.id, "arrivé sans réponse")
        await sim.inject_fault("sendMessage", "latency", delay=0.3)
        started = time.monotonic()
        await bot.send_message(youth.id, "lent")
        assert time.monotonic() - started >= 0.3
    texts = [m.text for m in await youth.bot_messages()]
    assert texts == ["arrivé sans réponse", "lent"]


async def test_polling_survives_get_updates_failures(
    emulator: TelegramEmulator, sim: EmulatorClient, seen: dict[str, list[Any]]
) -> None:
    async with polling(build_bot(emulator, seen)):
        await sim.inject_fault("getUpdates", "server_error")
        youth = await sim.user()
        await youth.send("toujours là ?")
        assert (await youth.next(wait=8)).text == "Reçu : texte toujours là ?"
