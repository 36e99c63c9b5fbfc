"""Every setting of Voix, typed and read once at start from ``VOIX_*`` variables or an optional ``.env``.

No other module reads ``os.environ``. A bad value fails at start with the variable's name and what
is expected (``SettingsError``); secrets are ``SecretStr`` so they never show in reprs or logs.
"""

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from referentiel.aggregation import (
    DEFAULT_MINIMUM_GROUP_SIZE,
    DEFAULT_MINIMUM_YOUTH_PER_SIDE,
    MINIMUM_GROUP_SIZE_FLOOR,
)
from voix.errors import SettingsError

SUPPORTED_LOCALES = ("fr", "en")
# The consent notice promises every youth their answers are kept 2 years at most.
MAXIMUM_RETENTION_MONTHS = 24
# Telegram's overall limit for a bot, and the share of it reminders and offers take by default.
TELEGRAM_MESSAGES_PER_SECOND = 30
# Settings may also come from this file of the working directory (VOIX_NAME=value lines).
ENV_FILE = ".env"
DEFAULT_SCHEDULED_MESSAGES_PER_SECOND = 20.0


def clean_bot_username(value: str) -> str:
    """A bot's @username as links need it (without the @); ValueError saying what is expected."""
    value = value.removeprefix("@")
    if not (5 <= len(value) <= 32) or not value.replace("_", "").isalnum() or not value.isascii():
        raise ValueError("expected a Telegram bot username: 5-32 letters, digits or _, like VoixBot")
    return value


class Settings(BaseSettings):
    """The configuration of one Voix deployment."""

    model_config = SettingsConfigDict(
        env_prefix="VOIX_", env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; required by `voix run`."
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API base URL; the bot calls {url}/bot{token}/{method}. "
        "Point it at the local emulator for tests and the demo.",
    )
    bot_username: str | None = Field(
        default=None,
        description="The bot's @username without the @, for invitation links (https://t.me/<username>).",
    )
    db: Path = Field(default=Path("voix.db"), description="SQLite database file.")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for pseudonyms and contact encryption (64 hex characters). If unset, a key "
        "file is created next to the database on first use. Losing it means losing the ability to "
        "contact youth.",
    )
    minimum_group_size: int = Field(
        default=DEFAULT_MINIMUM_GROUP_SIZE,
        description="The smallest group whose results are shown (at least 5). The youth are told it "
        "in the consent notice, so exports never use a smaller one.",
    )
    minimum_youth_per_side: int = Field(
        default=DEFAULT_MINIMUM_YOUTH_PER_SIDE,
        description="A share with fewer youth than this on one side (0 %, 100 %, 1 of 12) is published "
        'as a band ("< 10 %"), never as its number (at least 1: 0 % and 100 % are always banded).',
    )
    retention_months: int = Field(
        default=MAXIMUM_RETENTION_MONTHS,
        description="How many months after enrolment a youth's contact and answers are erased "
        f"(1 to {MAXIMUM_RETENTION_MONTHS}); only group results remain. The consent notice promises "
        "2 years at most, so it can be shorter, never longer.",
    )
    scheduled_messages_per_second: float = Field(
        default=DEFAULT_SCHEDULED_MESSAGES_PER_SECOND,
        description="How many reminders and follow-up offers the bot sends a second at most, evenly "
        f"spread (more than 0, at most {TELEGRAM_MESSAGES_PER_SECOND}): a follow-up opened for "
        "thousands of youth goes out over time, and youth chatting keep the rest of Telegram's "
        f"{TELEGRAM_MESSAGES_PER_SECOND} messages a second.",
    )
    timezone: str = Field(default="Europe/Paris", description="Time zone for reminders and dates.")
    default_locale: str = Field(default="fr", description="Language when Telegram gives none we support.")

    @field_validator("db")
    @classmethod
    def _home_expanded(cls, value: Path) -> Path:
        """``~/voix/voix.db`` is in the home directory, as a shell would read it (a ``.env`` or a
        quoted value is read by no shell: a directory named ``~`` had been made where it ran)."""
        return value.expanduser()

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL, e.g. https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("bot_username")
    @classmethod
    def _check_bot_username(cls, value: str | None) -> str | None:
        return None if value is None else clean_bot_username(value)

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if len(text) != 64 or any(character not in "0123456789abcdefABCDEF" for character in text):
            raise ValueError(
                "expected 64 hexadecimal characters; generate one with: "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return value

    @field_validator("minimum_group_size")
    @classmethod
    def _check_minimum_group_size(cls, value: int) -> int:
        if value < MINIMUM_GROUP_SIZE_FLOOR:
            raise ValueError(
                f"expected {MINIMUM_GROUP_SIZE_FLOOR} or more: smaller groups could identify a youth"
            )
        return value

    @field_validator("minimum_youth_per_side")
    @classmethod
    def _check_minimum_youth_per_side(cls, value: int) -> int:
        if value < 1:
            raise ValueError("expected 1 or more: a share of 0 % or 100 % tells what each youth answered")
        return value

    @field_validator("retention_months")
    @classmethod
    def _check_retention_months(cls, value: int) -> int:
        if not 1 <= value <= MAXIMUM_RETENTION_MONTHS:
            raise ValueError(
                f"expected 1 to {MAXIMUM_RETENTION_MONTHS} months: the youth were told their answers "
                "are kept 2 years at most"
            )
        return value

    @field_validator("scheduled_messages_per_second")
    @classmethod
    def _check_scheduled_rate(cls, value: float) -> float:
        if not 0 < value <= TELEGRAM_MESSAGES_PER_SECOND:
            raise ValueError(
                f"expected more than 0 and at most {TELEGRAM_MESSAGES_PER_SECOND} messages a second "
                "(Telegram's limit for a bot), e.g. 20"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("expected an IANA time zone such as Europe/Paris") from error
        return value

    @field_validator("default_locale")
    @classmethod
    def _check_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"expected one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    @property
    def secret_key_file(self) -> Path:
        """Where the generated key lives when ``VOIX_SECRET_KEY`` is unset: beside the database."""
        return self.db.with_name(self.db.name + ".key")


def load_settings(**overrides: object) -> Settings:
    """Read the settings once; raise ``SettingsError`` naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError:
        raise SettingsError(
            f"the file {ENV_FILE} in {Path.cwd()} is not UTF-8 text: save it as UTF-8 (its accented "
            "letters, in a path for instance, are in another encoding)"
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        variable = f"VOIX_{field.upper()}"
        raise SettingsError(f"{variable} is invalid: {_expected(first, secret=field in _SECRETS)}") from None


# Settings whose value must never be echoed in a message (it would land in a terminal or a log).
_SECRETS = {"telegram_token", "secret_key"}
_EXPECTED_KINDS = {
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
}


def _expected(detail: Any, secret: bool) -> str:
    """What the variable should hold, in words (pydantic's own wording only where none is ours)."""
    context = detail.get("ctx") or {}
    if detail.get("type") == "value_error" and "error" in context:
        return str(context["error"])  # our validators' messages, without pydantic's "Value error, "
    expected = _EXPECTED_KINDS.get(str(detail.get("type")), str(detail.get("msg", "invalid value")))
    return expected if secret else f"{expected}, not {detail.get('input')!r}"


def require_token(settings: Settings) -> str:
    """Return the bot token or fail with what to set."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise SettingsError("VOIX_TELEGRAM_TOKEN is not set: put the token @BotFather gave you in it.")
    return settings.telegram_token.get_secret_value()
