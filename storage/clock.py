"""The clock, injected wherever time matters so tests can set it instead of patching."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """Format a moment the way the database stores it: ISO 8601 in UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class FixedClock:
    """A clock for tests: returns ``now`` until moved with ``advance``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. ``advance(days=30)``."""
        self.now += timedelta(**delta)
