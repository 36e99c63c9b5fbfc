"""Fault injection: make Bot API calls fail the way networks and servers do.

Kinds: "server_error" (an HTTP 5xx answer, nothing done), "disconnect" (connection dropped
before anything is done), "disconnect_after" (the call takes effect, then the connection
drops, so the bot cannot know it succeeded), "latency" (the answer is delayed), "flood" (429
Too Many Requests with ``retry_after``, nothing done). A fault's ``delay`` holds the call that long
before the fault strikes, whatever its kind: e.g. a server error after a slow wait, so a test can
kill the bot while the call is in progress and know it will never succeed.

Counted faults hit the next N calls of a method, first added first applied. A fault may be
limited to the calls about one chat (``chat_id``): e.g. one youth's chat is slow while the others
are not, to check that a slow call never stalls other chats; and to the calls carrying buttons
(``with_buttons``): e.g. the message holding a question, not the plain texts around it.

Random faults (``RandomFaults``) hit a share of the calls of some methods, drawn from a seeded
generator so a soak run can be repeated, and may delay every call but ``getUpdates``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = frozenset({"server_error", "disconnect", "disconnect_after", "latency", "flood"})
# getUpdates is the bot's long poll, not a call that a slow network makes slower for a youth.
NOT_DELAYED = frozenset({"getupdates"})


@dataclass
class Fault:
    """One injected fault and how many more calls it hits."""

    method: str  # lower-case method name, or "*" for every method
    kind: str
    remaining: int
    status: int = 500
    delay: float = 0.0
    chat_id: int | None = None  # only calls whose chat_id parameter is this one
    retry_after: int = 1  # seconds, for "flood"
    with_buttons: bool = False  # only calls with an inline keyboard

    def applies_to(self, method: str, params: dict[str, Any]) -> bool:
        """Tell whether this fault hits a call of ``method`` with these decoded parameters."""
        if self.method not in (method.lower(), "*"):
            return False
        if self.with_buttons and not (params.get("reply_markup") or {}).get("inline_keyboard"):
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id

    def to_json(self) -> dict[str, Any]:
        """Return the fault as the control API shows it."""
        return {
            "method": self.method,
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "delay": self.delay,
            "chat_id": self.chat_id,
            "retry_after": self.retry_after,
            "with_buttons": self.with_buttons,
        }


def check_fault(kind: str, status: int = 500) -> None:
    """Reject a fault that cannot happen, with the reason."""
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
    if kind == "server_error" and not 500 <= status <= 599:
        raise ValueError("server_error status must be 5xx")


@dataclass
class RandomFaults:
    """A share (``rate``) of the calls of ``methods`` fail with one of ``kinds``, drawn at random."""

    rate: float
    methods: frozenset[str]  # lower-case names
    kinds: tuple[tuple[str, int], ...]  # (kind, status)
    latency: float = 0.0
    seed: int = 0
    drawn: dict[str, int] = field(default_factory=dict)  # how many faults of each kind were drawn
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.latency < 0:
            raise ValueError("latency must not be negative")
        if not self.kinds:
            raise ValueError("give at least one fault kind")
        for kind, status in self.kinds:
            check_fault(kind, status)
        self._random = random.Random(self.seed)

    def draw(self, method: str) -> Fault | None:
        """A fault for this call of ``method``, or None (most of the time)."""
        if method.lower() not in self.methods or self._random.random() >= self.rate:
            return None
        kind, status = self._random.choice(self.kinds)
        label = f"{kind} {status}" if kind == "server_error" else kind
        self.drawn[label] = self.drawn.get(label, 0) + 1
        return Fault(method.lower(), kind, 1, status)

    def to_json(self) -> dict[str, Any]:
        """Return the configuration and the faults drawn so far."""
        return {
            "rate": self.rate,
            "methods": sorted(self.methods),
            "kinds": [{"kind": kind, "status": status} for kind, status in self.kinds],
            "latency": self.latency,
            "seed": self.seed,
            "drawn": dict(self.drawn),
        }


class FaultInjector:
    """The faults waiting for the next Bot API calls, and the random faults, if any."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.random_faults: RandomFaults | None = None

    def add(
        self,
        method: str,
        kind: str,
        count: int = 1,
        status: int = 500,
        delay: float = 0.0,
        chat_id: int | None = None,
        retry_after: int = 1,
        with_buttons: bool = False,
    ) -> Fault:
        """Make the next ``count`` calls of ``method`` fail with ``kind``; reject an impossible fault."""
        check_fault(kind, status)
        if count < 1:
            raise ValueError("count must be at least 1")
        if kind == "flood" and retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        fault = Fault(method.lower(), kind, count, status, delay, chat_id, retry_after, with_buttons)
        self.faults.append(fault)
        return fault

    def latency(self, method: str) -> float:
        """Seconds every call of ``method`` is delayed by the random faults' latency."""
        if self.random_faults is None or method.lower() in NOT_DELAYED:
            return 0.0
        return self.random_faults.latency

    def take(self, method: str, params: dict[str, Any] | None = None) -> Fault | None:
        """The fault applying to this call, if any, consuming one of its occurrences."""
        for fault in self.faults:
            if fault.applies_to(method, params or {}):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        if self.random_faults is not None:
            return self.random_faults.draw(method)
        return None

    def clear(self) -> None:
        """Remove every fault, random ones included."""
        self.faults.clear()
        self.random_faults = None
