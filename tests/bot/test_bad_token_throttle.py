"""Bad invitation tokens from one sender: refused without a lookup past a limit, told to wait once."""

from datetime import UTC, datetime, timedelta

from bot.invitation_redemption import BadTokenThrottle

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_a_sender_is_throttled_after_the_limit_and_told_to_wait_once() -> None:
    throttle = BadTokenThrottle(limit=3, window=timedelta(minutes=15))
    for minute in range(3):
        assert not throttle.is_throttled("lina", NOW + timedelta(minutes=minute))
        throttle.record_failure("lina", NOW + timedelta(minutes=minute))
    assert throttle.is_throttled("lina", NOW + timedelta(minutes=3))
    assert [throttle.first_warning("lina") for _ in range(3)] == [True, False, False]
    assert not throttle.is_throttled("sami", NOW + timedelta(minutes=3))


def test_the_window_slides_and_then_a_new_warning_is_due() -> None:
    throttle = BadTokenThrottle(limit=2, window=timedelta(minutes=15))
    throttle.record_failure("lina", NOW)
    throttle.record_failure("lina", NOW + timedelta(minutes=10))
    assert throttle.is_throttled("lina", NOW + timedelta(minutes=14)) and throttle.first_warning("lina")
    assert not throttle.is_throttled("lina", NOW + timedelta(minutes=16))  # the first failure expired
    throttle.record_failure("lina", NOW + timedelta(minutes=17))
    assert throttle.is_throttled("lina", NOW + timedelta(minutes=17))
    assert not throttle.is_throttled("lina", NOW + timedelta(minutes=40))
    throttle.record_failure("lina", NOW + timedelta(minutes=41))
    throttle.record_failure("lina", NOW + timedelta(minutes=42))
    assert throttle.is_throttled("lina", NOW + timedelta(minutes=42)) and throttle.first_warning("lina")


def test_a_working_token_clears_the_count() -> None:
    throttle = BadTokenThrottle(limit=1, window=timedelta(minutes=15))
    throttle.record_failure("lina", NOW)
    assert throttle.is_throttled("lina", NOW) and throttle.first_warning("lina")
    throttle.forget("lina")
    assert not throttle.is_throttled("lina", NOW)
