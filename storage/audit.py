"""The audit log: who did what, when — never which youth, never a Telegram id, never an answer.

Entries are written inside the transaction of the change they describe, so an audited change and
its entry are committed together or not at all.
"""

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.clock import timestamp
from storage.database import Transaction

# Keys that would identify a person; refused so a careless caller cannot leak one into the log.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"youth_id", "pseudonym", "code", "telegram_user_id", "chat_id", "user_id", "name", "text"}
)


INSERT_ENTRY = "INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)"


def entry_parameters(
    actor: str, action: str, now: datetime, details: Mapping[str, Any] | None = None
) -> tuple[str, str, str, str]:
    """The row of one entry, refusing details that would identify anyone (one rule for every writer)."""
    details = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & details.keys()
    if leaked:
        raise ValueError(f"audit details must not identify anyone: {sorted(leaked)}")
    return timestamp(now), actor, action, json.dumps(details, ensure_ascii=False, sort_keys=True)


async def record_audit(
    transaction: Transaction,
    actor: str,
    action: str,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry in the bot's transaction (``actor`` is a role such as ``youth`` or ``bot``)."""
    await transaction.execute(INSERT_ENTRY, entry_parameters(actor, action, now, details))


def record_audit_in(
    connection: sqlite3.Connection,
    actor: str,
    action: str,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry in a synchronous connection's open transaction (the admin commands')."""
    connection.execute(INSERT_ENTRY, entry_parameters(actor, action, now, details))
