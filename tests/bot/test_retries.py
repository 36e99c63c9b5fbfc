"""Failed Bot API calls are classified by what the server may have done, and repeated accordingly."""

from collections.abc import Awaitable, Callable

import aiohttp
import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.retries import Failure, OutcomeUnknown, RetryPolicy, failure_of
from tests.bot.fake_time import FakeTime


def caused_by(error: NetworkError, cause: Exception) -> NetworkError:
    """python-telegram-bot raises its own error ``from`` the httpx one."""
    error.__cause__ = cause
    return error


request = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")


def connector_error() -> aiohttp.ClientConnectorError:
    """aiohttp's "could not connect" (the bot's transport): the request never left."""
    key = aiohttp.client_reqrep.ConnectionKey("127.0.0.1", 8081, False, True, None, None, None)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (RetryAfter(3), Failure.FLOOD),
        (NetworkError("Internal Server Error (500)"), Failure.NOT_DONE),
        (NetworkError("Bad Gateway"), Failure.NOT_DONE),
        (caused_by(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), Failure.NOT_DONE),
        (caused_by(TimedOut(), httpx.ConnectTimeout("slow")), Failure.NOT_DONE),
        (caused_by(TimedOut("Pool timeout"), httpx.PoolTimeout("busy")), Failure.NOT_DONE),
        (caused_by(TimedOut(), httpx.ReadTimeout("slow", request=request)), Failure.UNKNOWN),
        (
            caused_by(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone")),
            Failure.UNKNOWN,
        ),
        (caused_by(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), Failure.UNKNOWN),
        (caused_by(NetworkError("aiohttp.ClientConnectorError"), connector_error()), Failure.NOT_DONE),
        (caused_by(TimedOut(), aiohttp.ConnectionTimeoutError("slow")), Failure.NOT_DONE),
        (caused_by(TimedOut(), TimeoutError()), Failure.UNKNOWN),
        (caused_by(NetworkError("aiohttp"), aiohttp.ServerDisconnectedError()), Failure.UNKNOWN),
        (caused_by(NetworkError("aiohttp"), aiohttp.ClientPayloadError("cut")), Failure.UNKNOWN),
        (BadRequest("Message is too long"), Failure.FINAL),
        (Forbidden("bot was blocked by the user"), Failure.FINAL),
    ],
)
def test_each_failure_says_whether_the_server_may_have_acted(error: Exception, failure: Failure) -> None:
    assert failure_of(error) is failure


def failing(errors: list[Exception], calls: list[int]) -> Callable[[], Awaitable[str]]:
    """An operation raising ``errors`` one per call, then succeeding."""

    async def operation() -> str:
        calls.append(len(calls) + 1)
        if errors:
            raise errors.pop(0)
        return "done"

    return operation


def policy(time: FakeTime, random: Callable[[], float] = lambda: 0.5) -> RetryPolicy:
    return RetryPolicy(random=random, sleep=time.sleep, clock=time.clock)


async def test_passing_faults_are_repeated_with_growing_random_waits() -> None:
    time, calls = FakeTime(), []
    errors: list[Exception] = [NetworkError("Bad Gateway") for _ in range(4)]
    assert await policy(time).call(failing(errors, calls)) == "done"
    assert len(calls) == 5
    assert time.sleeps == [0.1, 0.2, 0.4, 0.8]  # half of 0.2, 0.4, 0.8, 1.6 s: the injected randomness


async def test_the_waits_stop_growing_and_the_budget_ends_the_retries() -> None:
    time, calls = FakeTime(), []
    errors: list[Exception] = [NetworkError("Bad Gateway") for _ in range(100)]
    with pytest.raises(NetworkError):
        await policy(time, random=lambda: 1.0).call(failing(errors, calls))
    assert max(time.sleeps) == 2.0
    assert sum(time.sleeps) <= RetryPolicy().budget_seconds
    assert 4 <= len(calls) < 100


async def test_a_flood_refusal_waits_what_telegram_says() -> None:
    time, calls = FakeTime(), []
    assert await policy(time, random=lambda: 0.0).call(failing([RetryAfter(7)], calls)) == "done"
    assert time.sleeps == [7.0] and len(calls) == 2


async def test_a_flood_wait_beyond_the_limit_is_not_waited() -> None:
    time, calls = FakeTime(), []
    with pytest.raises(RetryAfter):
        await policy(time).call(failing([RetryAfter(600)], calls))
    assert time.sleeps == [] and len(calls) == 1


async def test_a_call_that_must_not_be_repeated_reports_an_unknown_outcome_at_once() -> None:
    time, calls = FakeTime(), []
    dropped = caused_by(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone"))
    with pytest.raises(OutcomeUnknown):
        await policy(time).call(failing([dropped], calls), repeatable=False)
    assert len(calls) == 1


async def test_a_call_that_must_not_be_repeated_is_repeated_when_nothing_was_done() -> None:
    time, calls = FakeTime(), []
    refused = caused_by(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))
    assert (
        await policy(time).call(failing([NetworkError("Bad Gateway"), refused], calls), repeatable=False)
        == "done"
    )
    assert len(calls) == 3


async def test_a_final_error_is_raised_without_waiting() -> None:
    time, calls = FakeTime(), []
    with pytest.raises(BadRequest):
        await policy(time).call(failing([BadRequest("Message is too long")], calls))
    assert time.sleeps == [] and len(calls) == 1
