"""The emulator's own tests use the shared fixtures from tests/support."""

from tests.support.fixtures import emulator, emulator_token, sim

__all__ = ["emulator", "emulator_token", "sim"]
