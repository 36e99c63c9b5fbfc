"""One Telegram account, one side: an account bound to a staff link is never enrolled as a youth.

The staff side answers a staff account before the youth side sees its update, so this is the
storage's own guard, for a link bound between the two (``bind_staff`` guards the other way).
"""

from datetime import UTC, datetime

from bot.invitation_redemption import Enrolment, enrol_by_invitation
from storage.database import Database, open_sync_connection
from storage.invitations import Redemption, Rejection, RejectionReason, create_invitations, redeem_invitation
from storage.pseudonymisation import Pseudonymiser
from storage.staff import Role, StaffMember, StaffScope, bind_staff, create_staff_invitation, revoke_staff

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SAMIA, LINA = 4242, 4343


def created(database: Database) -> tuple[str, str]:
    """A youth invitation and an educator's staff link, both unused."""
    connection = open_sync_connection(database.path)
    try:
        with connection:
            [invitation] = create_invitations(connection, 1, 1, NOW, "T0")
            staff = create_staff_invitation(
                connection, Role.EDUCATOR, StaffScope.STRUCTURES, NOW, structure_ids=[1]
            )
        return invitation.token, staff.token
    finally:
        connection.close()


async def enrol(
    database: Database, pseudonymiser: Pseudonymiser, token: str, user: int
) -> Enrolment | Rejection:
    async with database.transaction() as transaction:
        return await enrol_by_invitation(transaction, pseudonymiser, token, user, user, "fr", NOW)


async def youth_count(database: Database) -> int:
    row = await database.fetch_one("SELECT COUNT(*) FROM youth")
    assert row is not None
    return int(row[0])


async def bind(database: Database, pseudonymiser: Pseudonymiser, token: str, user: int) -> None:
    async with database.transaction() as transaction:
        assert isinstance(await bind_staff(transaction, pseudonymiser, token, user, "fr", NOW), StaffMember)


async def test_a_staff_account_is_refused_and_the_invitation_stays_usable(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    invitation, staff_link = created(database)
    await bind(database, pseudonymiser, staff_link, SAMIA)
    assert await enrol(database, pseudonymiser, invitation, SAMIA) == Rejection(RejectionReason.STAFF_ACCOUNT)
    assert await youth_count(database) == 0
    async with database.transaction() as transaction:  # still usable by the youth it was meant for
        assert isinstance(await redeem_invitation(transaction, invitation, NOW), Redemption)


async def test_a_revoked_staff_account_is_refused_too_as_the_bot_routes_it_to_the_staff_side(
    database: Database,
) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    invitation, staff_link = created(database)
    await bind(database, pseudonymiser, staff_link, SAMIA)
    connection = open_sync_connection(database.path)
    with connection:
        assert revoke_staff(connection, 1, NOW)
    connection.close()
    assert await enrol(database, pseudonymiser, invitation, SAMIA) == Rejection(RejectionReason.STAFF_ACCOUNT)


async def test_any_other_account_is_enrolled(database: Database) -> None:
    pseudonymiser = Pseudonymiser(bytes(range(32)))
    invitation, staff_link = created(database)
    await bind(database, pseudonymiser, staff_link, SAMIA)
    enrolment = await enrol(database, pseudonymiser, invitation, LINA)
    assert isinstance(enrolment, Enrolment) and enrolment.wave == "T0"
    assert await youth_count(database) == 1
