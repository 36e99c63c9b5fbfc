"""Shared pytest configuration: the emulator fixtures (``emulator``, ``sim``) come from tests/support/."""

pytest_plugins = ["tests.support.fixtures"]
