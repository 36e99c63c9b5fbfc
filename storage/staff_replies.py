"""A staff request is known until its reply is sent, so one a crash interrupted is not met with silence.

A staff update is claimed (``storage.runs.claim_update``) before it is acted on, so that a
redelivered update never acts twice. But a bot killed after acting and before its reply reached
the staff member would then stay silent when Telegram delivers the update again: an educator's
``/inviter`` would have made invitations nobody was shown. So each staff request is recorded as
pending in the transaction that claims it, and forgotten once its reply is sent. A redelivered
update still pending was interrupted: the invitations it made whose cards were not sent (tokens
nobody saw, which cannot be shown again: only their hashes are kept) are withdrawn, and the staff
member is told so, once (the notice itself is not retried after another crash). A reply that
fails for good (Telegram down past every retry, the bot blocked) withdraws them the same way. An
invitation whose card is about to leave is marked so first (``mark_card``), and marked back only
if it surely did not leave: a card that may be in a youth's hands is never withdrawn.
"""

from datetime import datetime, timedelta

from storage.clock import timestamp
from storage.database import Database, Transaction


async def reply_pending(transaction: Transaction, update_id: int, staff_id: int, now: datetime) -> None:
    """Record, with the update's claim, that its reply has not been sent yet."""
    await transaction.execute(
        "INSERT OR IGNORE INTO staff_replies_pending (update_id, staff_id, started_at) VALUES (?, ?, ?)",
        (update_id, staff_id, timestamp(now)),
    )


async def reply_sent(database: Database, update_id: int) -> None:
    """The reply reached Telegram: nothing is left to withdraw (each of its cards was marked as it
    left, ``mark_card``, so no invitation names the update any more)."""
    async with database.transaction() as transaction:
        await transaction.execute("DELETE FROM staff_replies_pending WHERE update_id = ?", (update_id,))


async def mark_card(database: Database, invitation_id: int, pending_update: int | None) -> None:
    """Whether an invitation's card may have reached the staff member: ``None`` (it is about to
    leave, or may have: never withdrawn, since it may be in a youth's hands), or the update whose
    request is withdrawn if its reply fails (the card surely did not leave)."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "UPDATE invitations SET staff_update_id = ? WHERE id = ?", (pending_update, invitation_id)
        )


async def take_interrupted(transaction: Transaction, update_id: int, now: datetime) -> int | None:
    """None if this (redelivered) update's reply was sent; else withdraw the invitations it made
    that nobody used, forget it, and return how many were withdrawn."""
    pending = await transaction.fetch_one(
        "SELECT started_at FROM staff_replies_pending WHERE update_id = ?", (update_id,)
    )
    if pending is None:
        return None
    withdrawn = await transaction.execute(
        "UPDATE invitations SET revoked_at = ?, withdrawn_unseen = 1 "
        "WHERE staff_update_id = ? AND created_at >= ? "
        "AND used_at IS NULL AND revoked_at IS NULL",
        (timestamp(now), update_id, pending[0]),
    )
    await transaction.execute("DELETE FROM staff_replies_pending WHERE update_id = ?", (update_id,))
    return withdrawn


async def withdraw_unanswered(database: Database, update_id: int, now: datetime) -> int:
    """The reply failed for good: withdraw what the request made that nobody was shown; return
    how many invitations."""
    async with database.transaction() as transaction:
        return await take_interrupted(transaction, update_id, now) or 0


async def withdraw_forgotten(database: Database, now: datetime, older_than: timedelta) -> None:
    """At start: requests pending for longer than Telegram redelivers an update will never be
    asked about again; withdraw what they made."""
    async with database.transaction() as transaction:
        rows = await transaction.fetch_all(
            "SELECT update_id FROM staff_replies_pending WHERE started_at < ?", (timestamp(now - older_than),)
        )
        for (update_id,) in rows:
            await take_interrupted(transaction, update_id, now)
