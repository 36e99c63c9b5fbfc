"""Shared helpers for end-to-end tests: the emulator fixtures and PTB wiring.

The simulated-user API itself is telegram_emulator.client (also used by `voix demo`);
it is re-exported here so tests import from one place.
"""

from telegram_emulator.client import (
    BotMessage,
    CallbackAnswer,
    CallbackPress,
    ChatView,
    EmulatorClient,
    EmulatorError,
    SimulatedUser,
    WaitTimeout,
)

__all__ = [
    "BotMessage",
    "CallbackAnswer",
    "CallbackPress",
    "ChatView",
    "EmulatorClient",
    "EmulatorError",
    "SimulatedUser",
    "WaitTimeout",
]
