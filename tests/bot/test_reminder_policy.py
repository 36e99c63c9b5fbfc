"""Reminders never fall between 21:00 and 09:00 local time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from storage.reminders import ReminderPolicy

PARIS = ZoneInfo("Europe/Paris")
POLICY = ReminderPolicy(zone=PARIS)


@pytest.mark.parametrize(
    ("local", "expected_local"),
    [
        (datetime(2026, 11, 27, 14, 0), datetime(2026, 11, 27, 14, 0)),
        (datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 9, 0)),
        (datetime(2026, 11, 27, 21, 0), datetime(2026, 11, 28, 9, 0)),
        (datetime(2026, 11, 27, 23, 30), datetime(2026, 11, 28, 9, 0)),
        (datetime(2026, 11, 28, 3, 15), datetime(2026, 11, 28, 9, 0)),
    ],
)
def test_quiet_hours_move_a_reminder_to_nine(local: datetime, expected_local: datetime) -> None:
    moment = local.replace(tzinfo=PARIS).astimezone(UTC)
    assert POLICY.outside_quiet_hours(moment) == expected_local.replace(tzinfo=PARIS)
    assert POLICY.is_quiet(moment) == (local != expected_local)
