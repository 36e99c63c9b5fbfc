"""What the control API client raises: a refused action, or nothing arriving in time."""

from __future__ import annotations


class EmulatorError(Exception):
    """The control API refused an action (unknown button, blocked user...)."""


class WaitTimeout(AssertionError):
    """Nothing arrived in time; the message lists what did arrive, for the test report."""
