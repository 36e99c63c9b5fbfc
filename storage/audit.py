"""The audit log: who did what, when — never which youth, never a Telegram id, never an answer.

Entries are written inside the transaction of the change they describe, so an audited change and
its entry are committed together or not at all.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.clock import timestamp
from storage.database import Transaction

# Keys that would identify a person; refused so a careless caller cannot leak one into the log.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"youth_id", "pseudonym", "code", "telegram_user_id", "chat_id", "user_id", "name", "text"}
)


async def record_audit(
    transaction: Transaction,
    actor: str,
    action: str,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry (``actor`` is a role such as ``youth`` or ``admin-cli``)."""
    details = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & details.keys()
    if leaked:
        raise ValueError(f"audit details must not identify anyone: {sorted(leaked)}")
    await transaction.execute(
        "INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)",
        (timestamp(now), actor, action, json.dumps(details, ensure_ascii=False, sort_keys=True)),
    )
