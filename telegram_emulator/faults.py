"""Fault injection: make the next N calls of a method fail the way networks and servers do.

Kinds: "server_error" (an HTTP 5xx answer, nothing done), "disconnect" (connection dropped
before anything is done), "disconnect_after" (the call takes effect, then the connection
drops, so the bot cannot know it succeeded), "latency" (the answer is delayed).

A fault may be limited to the calls about one chat (``chat_id``): e.g. one youth's chat is slow
while the others are not, to check that a slow call never stalls other chats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAULT_KINDS = frozenset({"server_error", "disconnect", "disconnect_after", "latency"})


@dataclass
class Fault:
    """One injected fault and how many more calls it hits."""

    method: str  # lower-case method name, or "*" for every method
    kind: str
    remaining: int
    status: int = 500
    delay: float = 0.0
    chat_id: int | None = None  # only calls whose chat_id parameter is this one

    def applies_to(self, method: str, params: dict[str, Any]) -> bool:
        """Tell whether this fault hits a call of ``method`` with these decoded parameters."""
        if self.method not in (method.lower(), "*"):
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
        }


class FaultInjector:
    """The faults waiting for the next Bot API calls, first added first applied."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(
        self,
        method: str,
        kind: str,
        count: int = 1,
        status: int = 500,
        delay: float = 0.0,
        chat_id: int | None = None,
    ) -> Fault:
        """Make the next ``count`` calls of ``method`` fail with ``kind``; reject an impossible fault."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        if kind == "server_error" and not 500 <= status <= 599:
            raise ValueError("server_error status must be 5xx")
        fault = Fault(method.lower(), kind, count, status, delay, chat_id)
        self.faults.append(fault)
        return fault

    def take(self, method: str, params: dict[str, Any] | None = None) -> Fault | None:
        """The fault applying to this call, if any, consuming one of its occurrences."""
        for fault in self.faults:
            if fault.applies_to(method, params or {}):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Remove every fault."""
        self.faults.clear()
