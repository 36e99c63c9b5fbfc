"""A local Telegram Bot API emulator for tests and the demo; the bot never imports it.

Start one with TelegramEmulator, point the bot at TelegramEmulator.base_url, play users with
client.EmulatorClient, and check recorded calls with check_call_against_spec.
"""

from telegram_emulator.client import (
    BotMessage,
    Button,
    CallbackAnswer,
    CallbackPress,
    ChatView,
    EmulatorClient,
    EmulatorError,
    SimulatedUser,
    WaitTimeout,
)
from telegram_emulator.emulator import DEFAULT_TOKEN, TelegramEmulator
from telegram_emulator.rate_limit import RateLimitConfig
from telegram_emulator.spec import check_call_against_spec, check_parameters
from telegram_emulator.state import RecordedCall

__all__ = [
    "DEFAULT_TOKEN",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "CallbackPress",
    "ChatView",
    "EmulatorClient",
    "EmulatorError",
    "RateLimitConfig",
    "RecordedCall",
    "SimulatedUser",
    "TelegramEmulator",
    "WaitTimeout",
    "check_call_against_spec",
    "check_parameters",
]
