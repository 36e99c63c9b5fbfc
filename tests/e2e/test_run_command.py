"""``voix run`` as an administrator starts it: what stops it before it polls is one line."""

import asyncio
import os
from pathlib import Path

from telegram_emulator import TelegramEmulator
from tests.e2e.bot_process import VOIX
from voix.settings import Settings


async def run(settings: Settings, workdir: Path, **changed: str | None) -> tuple[int, str]:
    """The real ``voix run``, stopped by what it refuses before it polls (never left running):
    its exit code and standard error. Awaited, so that the emulator of this loop answers it."""
    assert settings.telegram_token is not None and settings.secret_key is not None
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "VOIX_TELEGRAM_TOKEN": settings.telegram_token.get_secret_value(),
        "VOIX_TELEGRAM_API_URL": settings.telegram_api_url,
        "VOIX_DB": str(settings.db),
        "VOIX_SECRET_KEY": settings.secret_key.get_secret_value(),
        **changed,
    }
    environment = {name: value for name, value in environment.items() if value is not None}
    process = await asyncio.create_subprocess_exec(
        str(VOIX), "run", cwd=workdir, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, errors = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:  # it polls: what it should have refused was taken
        process.kill()
        await process.wait()
        raise
    return process.returncode or 0, errors.decode()


async def test_a_database_that_does_not_exist_is_refused_never_made_empty(
    voix_settings: Settings, emulator: TelegramEmulator, tmp_path: Path
) -> None:
    # A typo in VOIX_DB (or a service started in another directory) had given a live bot an
    # empty database and a new key: every youth a stranger.
    typo = tmp_path / "voix-typo.db"
    # Without VOIX_SECRET_KEY: a bot that made the database would make its key file beside it.
    assert await run(voix_settings, tmp_path, VOIX_DB=str(typo), VOIX_SECRET_KEY=None) == (
        2,
        f"voix: no Voix database at {typo}: run `voix admin init` or set VOIX_DB to the right file\n",
    )
    assert not typo.exists() and not typo.with_name("voix-typo.db.key").exists()


async def test_a_refused_token_or_an_unreachable_api_is_one_line(
    voix_settings: Settings, database_file: object, tmp_path: Path
) -> None:
    assert await run(voix_settings, tmp_path, VOIX_TELEGRAM_TOKEN="123:not-the-bots-token") == (
        2,
        "voix: VOIX_TELEGRAM_TOKEN was refused by the Bot API: check the token.\n",
    )
    assert await run(voix_settings, tmp_path, VOIX_TELEGRAM_API_URL="http://127.0.0.1:9") == (
        1,
        "voix: Cannot reach the Bot API at http://127.0.0.1:9 (NetworkError): check VOIX_TELEGRAM_API_URL "
        "and the network.\n",
    )
