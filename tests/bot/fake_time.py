"""A clock and a sleep that move together without waiting: retry delays run instantly in tests."""


class FakeTime:
    """``sleep`` advances ``clock`` by the delay and records it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
