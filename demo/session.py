"""The demo session: emulator, throwaway database, the real bot, and a youth at the terminal.

Nothing leaves the machine: the bot talks over HTTP to the local emulator, the database and its
key live in a temporary folder deleted at the end.
"""

import asyncio
import contextlib
import random
import secrets
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.application import running_bot
from bot.translations import load_translator
from conversations.texts import AGREE, BACK, DONE, SKIP
from demo.bubbles import BUBBLE_WIDTH, render_bot_message, render_toast, render_youth_message, wrap
from demo.hints import DEFAULT_LANGUAGE, hints_for, numbers_are_answers, pressed_button
from demo.players import FIRST_MESSAGE_SECONDS, AutoPlayer, ButtonWords, latest_keyboard, read_turn
from demo.results import ScoreTableBuilder, structure_table
from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE
from storage.clock import system_clock
from storage.database import migrate, open_sync_connection
from storage.invitations import issue_invitations
from storage.organisations import add_organisation, add_structure
from telegram_emulator import DEFAULT_TOKEN, BotMessage, EmulatorClient, SimulatedUser, TelegramEmulator
from voix.settings import Settings

DEMO_BOT_USERNAME = "VoixDemoBot"
DEMO_ORGANISATION = "Association Démo"
DEMO_STRUCTURE = "MECS Les Tilleuls"
# Who the audit log of the throwaway database says created its groups and invitations.
DEMO_ACTOR = "demo"
# Youths beyond the minimum group size in --auto: skipped and conditional questions leave some
# indicators with fewer answers, and the table should show both published and masked values.
EXTRA_YOUTHS = 5
# After a toast, the bot has answered the press; it may have nothing more to say.
AFTER_TOAST_SECONDS = 1.0


@dataclass(frozen=True)
class DemoWorld:
    """What the demo set up: the settings the bot runs with and one invitation token per youth."""

    settings: Settings
    structure_id: int
    tokens: list[str]


def prepare_world(
    folder: Path, youth_count: int, minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE
) -> DemoWorld:
    """Create the throwaway database with a demo organisation, structure and invitations."""
    settings = Settings(
        db=folder / "voix-demo.db",
        secret_key=secrets.token_hex(32),
        telegram_token=DEFAULT_TOKEN,
        bot_username=DEMO_BOT_USERNAME,
        minimum_group_size=minimum_group_size,
    )
    migrate(settings.db, create=True)
    connection = open_sync_connection(settings.db)
    try:
        now = system_clock()
        organisation = add_organisation(connection, DEMO_ORGANISATION, now, DEMO_ACTOR)
        structure = add_structure(connection, organisation, DEMO_STRUCTURE, "MECS", now, DEMO_ACTOR)
        invitations = issue_invitations(connection, structure.id, youth_count, now, DEMO_ACTOR)
    finally:
        connection.close()
    return DemoWorld(settings, structure.id, [invitation.token for invitation in invitations])


@contextlib.asynccontextmanager
async def demo_bot(
    youth_count: int, minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE
) -> AsyncIterator[tuple[DemoWorld, EmulatorClient]]:
    """Run the emulator and the real bot on a throwaway database; clean everything up on exit."""
    with tempfile.TemporaryDirectory(prefix="voix-demo-") as folder:
        world = prepare_world(Path(folder), youth_count, minimum_group_size)
        async with TelegramEmulator(DEFAULT_TOKEN, bot_username=DEMO_BOT_USERNAME) as emulator:
            settings = world.settings.model_copy(update={"telegram_api_url": emulator.url})
            bot = running_bot(settings, poll_timeout=1, paced=False)  # the local emulator has no flood limit
            async with bot, EmulatorClient(emulator.url) as client:
                yield DemoWorld(settings, world.structure_id, world.tokens), client


def button_words(language: str = "fr") -> ButtonWords:
    """Return the labels a simulated youth must recognise, in the bot's language."""
    translator = load_translator([language], language)
    return ButtonWords(*(translator.gettext(language, word) for word in (AGREE, SKIP, BACK, DONE)))


def youth_language(database_path: Path, default: str = DEFAULT_LANGUAGE) -> str:
    """Return the language the bot now speaks to the demo's youth (``/langue`` changes it)."""
    connection = open_sync_connection(database_path)
    try:
        row = connection.execute("SELECT locale FROM youth ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        connection.close()
    return str(row[0]) if row else default


class Terminal:
    """Prints the chat as bubbles and reads the youth's lines; its hints follow the youth's language."""

    def __init__(
        self,
        output: TextIO,
        input_stream: TextIO,
        name: str,
        language: Callable[[], str] = lambda: DEFAULT_LANGUAGE,
    ) -> None:
        self.output = output
        self.input_stream = input_stream
        self.name = name
        self.language = language
        self._lines: asyncio.Queue[str | None] | None = None

    def show(self, message: BotMessage) -> None:
        """Print one bot message; its buttons are numbered, since a message with buttons ends a turn."""
        self.output.write(render_bot_message(message, self.language()) + "\n")
        self.output.flush()

    def toast(self, text: str) -> None:
        """Print the bot's answer to a press, which a phone shows briefly over the chat."""
        self.output.write(render_toast(text, self.language()) + "\n")
        self.output.flush()

    def hint(self, keyboard: BotMessage) -> None:
        """Say how to answer the message with buttons, in the youth's language."""
        hints = hints_for(self.language())
        hint = hints.numbers_are_answers if numbers_are_answers(keyboard.buttons) else hints.press_or_type
        self.output.write("".join(f"    {line}\n" for line in wrap(hint, BUBBLE_WIDTH)))

    def said(self, text: str) -> None:
        """Print what the youth did."""
        self.output.write(render_youth_message(text, self.name) + "\n")
        self.output.flush()

    async def read_line(self) -> str | None:
        """Read one line without blocking the bot; None at end of input."""
        if self._lines is None:
            self._lines = asyncio.Queue()
            self._start_reader(asyncio.get_running_loop(), self._lines)
        self.output.write(f"{self.name} > ")
        self.output.flush()
        line = await self._lines.get()
        return line.rstrip("\n") if line else None

    def _start_reader(self, loop: asyncio.AbstractEventLoop, lines: "asyncio.Queue[str | None]") -> None:
        """Read the input in a daemon thread, so Ctrl-C never waits for a line that will not come."""

        def read_forever() -> None:
            while True:
                line = self.input_stream.readline()
                loop.call_soon_threadsafe(lines.put_nowait, line or None)
                if not line:
                    return

        threading.Thread(target=read_forever, name="demo-input", daemon=True).start()


async def interactive(terminal: Terminal, youth: SimulatedUser, token: str) -> None:
    """Let the person at the terminal chat as the youth until end of input."""
    await youth.send(f"/start {token}")
    first_wait = FIRST_MESSAGE_SECONDS
    while True:
        turn = await read_turn(youth, terminal.show, first_wait)
        first_wait = FIRST_MESSAGE_SECONDS
        keyboard = latest_keyboard(turn) or latest_keyboard(await youth.bot_messages())
        if keyboard is not None and turn and turn[-1] is keyboard:
            terminal.hint(keyboard)
        line = await terminal.read_line()
        if line is None:
            return
        line = line.strip()
        if not line:
            continue
        label = pressed_button(line, keyboard.buttons) if keyboard is not None else None
        if keyboard is None or label is None:
            await youth.send(line)
            continue
        press = await youth.press(label, message_id=keyboard.message_id)
        answer = await youth.callback_answer(press, wait=FIRST_MESSAGE_SECONDS)
        if answer is not None and answer.text:
            terminal.toast(answer.text)
            first_wait = AFTER_TOAST_SECONDS


async def automatic(
    world: DemoWorld,
    client: EmulatorClient,
    terminal: Terminal,
    build_score_table: ScoreTableBuilder,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
    seed: int = 2026,
) -> None:
    """Play one youth visibly, the others silently, then print the structure's indicator table."""
    words = button_words()
    randomness = random.Random(seed)
    shown = await client.user(first_name="Lina", language_code="fr")
    await AutoPlayer(shown, words, random.Random(randomness.random())).play(
        f"/start {world.tokens[0]}", show=terminal.show, said=terminal.said
    )
    others = world.tokens[1:]
    terminal.output.write(f"\n… {len(others)} autres jeunes de la même structure répondent en même temps …\n")
    terminal.output.flush()
    players = []
    for index, token in enumerate(others):
        youth = await client.user(first_name=f"Jeune {index + 2}", language_code="fr")
        player = AutoPlayer(youth, words, random.Random(randomness.random()))
        players.append(player.play(f"/start {token}"))
    await asyncio.gather(*players)
    table = structure_table(world.settings.db, world.structure_id, build_score_table, minimum_group_size)
    terminal.output.write("\n" + table + "\n")
    terminal.output.flush()


async def run_demo(
    auto: bool,
    build_score_table: ScoreTableBuilder,
    output: TextIO = sys.stdout,
    input_stream: TextIO = sys.stdin,
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE,
) -> None:
    """Run the whole demo, interactive or automatic (a few more youths than the minimum group size).

    ``build_score_table`` is the export's, given by the command root: the automatic demo ends
    with the table a coordinator's export shows.
    """
    youth_count = minimum_group_size + EXTRA_YOUTHS if auto else 1
    async with demo_bot(youth_count, minimum_group_size) as (world, client):
        terminal = Terminal(output, input_stream, "Toi" if not auto else "Lina")
        output.write(
            f"Démo Voix — un émulateur Telegram local, le vrai bot, une base jetable ({DEMO_STRUCTURE}).\n"
        )
        if auto:
            await automatic(world, client, terminal, build_score_table, minimum_group_size)
            return
        output.write(
            "Tape le numéro d’un bouton ou écris un message ; /pause, /stop et /aide marchent aussi. "
            "Ctrl-D ou Ctrl-C pour quitter.\n\n"
        )
        terminal.language = lambda: youth_language(world.settings.db)
        youth = await client.user(first_name="Toi", language_code="fr")
        await interactive(terminal, youth, world.tokens[0])
