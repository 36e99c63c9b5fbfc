"""Shared test support: the emulator fixtures (``fixtures``, loaded by ``tests/conftest.py``) and PTB wiring.

The simulated-user API itself is ``telegram_emulator.client`` (also used by ``voix demo``); tests
import it from ``telegram_emulator``.
"""
