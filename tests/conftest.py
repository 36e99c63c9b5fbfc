"""Shared pytest configuration: the emulator fixtures (``emulator``, ``sim``) come from tests/support/.

Property tests have no time limit per example: on a shared 2-core machine (CI, several jobs at
once) a 200 ms deadline failed examples that passed alone, and a test must fail only on a wrong
result.
"""

from hypothesis import settings

settings.register_profile("voix", deadline=None)
settings.load_profile("voix")

pytest_plugins = ["tests.support.fixtures"]
