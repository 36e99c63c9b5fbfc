"""A staff keyboard answers once: the first press of one of its buttons is the only one acted on.

A staff member's buttons make invitations, send follow-up offers and export documents. Pressed
twice quickly, or pressed again after « Annuler », the same message must not act twice: each
message whose button a staff member pressed is recorded, in one statement that also says
whether it already was (rows are a few bytes; they go with the staff row). Pages of ``/suivi``
only show, and are not recorded.
"""

from datetime import datetime

from storage.clock import timestamp
from storage.database import Transaction


async def use_keyboard(transaction: Transaction, staff_id: int, message_id: int, now: datetime) -> bool:
    """Record a press on the keyboard of this message; False if one of its buttons was pressed before."""
    inserted = await transaction.fetch_one(
        "INSERT INTO staff_used_keyboards (staff_id, message_id, used_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        (staff_id, message_id, timestamp(now)),
    )
    return inserted is not None
