"""Staff requests pending their reply: forgotten once sent, withdrawn once Telegram will not ask again."""

from datetime import UTC, datetime, timedelta

from storage.database import Database, open_sync_connection
from storage.invitations import issue_invitations
from storage.staff import Role, StaffScope, create_staff_invitation
from storage.staff_replies import reply_pending, reply_sent, take_interrupted, withdraw_forgotten

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def made_for(database: Database, update_id: int) -> None:
    """A staff member and two invitations their update ``update_id`` asked for."""
    connection = open_sync_connection(database.path)
    try:
        with connection:
            create_staff_invitation(connection, Role.EDUCATOR, StaffScope.STRUCTURES, NOW, structure_ids=[1])
        issue_invitations(connection, 1, 2, NOW, "staff", staff_update_id=update_id)
    finally:
        connection.close()


async def revoked(database: Database) -> list[bool]:
    """Per invitation, whether it was withdrawn, and marked as never seen (the funnel leaves it out)."""
    rows = await database.fetch_all(
        "SELECT revoked_at IS NOT NULL, withdrawn_unseen FROM invitations ORDER BY id"
    )
    assert all(bool(withdrawn) == bool(unseen) for withdrawn, unseen in rows)
    return [bool(row[0]) for row in rows]


async def test_a_sent_reply_leaves_nothing_to_withdraw(database: Database) -> None:
    made_for(database, 41)
    async with database.transaction() as transaction:
        await reply_pending(transaction, 41, 1, NOW)
    await reply_sent(database, 41)
    async with database.transaction() as transaction:
        assert await take_interrupted(transaction, 41, NOW) is None
    assert await revoked(database) == [False, False]


async def test_a_request_never_answered_is_withdrawn_when_redelivered_or_at_the_start_after_two_days(
    database: Database,
) -> None:
    made_for(database, 41)
    async with database.transaction() as transaction:
        await reply_pending(transaction, 41, 1, NOW)
    await withdraw_forgotten(database, NOW + timedelta(days=1), timedelta(days=2))  # may still come back
    assert await revoked(database) == [False, False]
    await withdraw_forgotten(database, NOW + timedelta(days=3), timedelta(days=2))  # never will
    assert await revoked(database) == [True, True]
    async with database.transaction() as transaction:
        assert await take_interrupted(transaction, 41, NOW) is None  # forgotten with them
