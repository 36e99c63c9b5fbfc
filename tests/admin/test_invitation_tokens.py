"""Invitation tokens: random, hashed at rest, single use, expiring, revocable, bound to a structure."""

import base64
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from storage.database import Database, open_sync_connection
from storage.invitations import (
    TOKEN_PATTERN,
    InvitationStatus,
    Redemption,
    Rejection,
    RejectionReason,
    bind_invitation,
    create_invitations,
    find_invitation,
    hash_token,
    invitation_link,
    list_invitations,
    new_token,
    redeem_invitation,
    revoke_invitation,
)

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def counting_bytes():
    """Deterministic 'random' bytes: 0x00…, 0x01…, so tokens are known in advance."""
    counter = count()

    def random_bytes(size: int) -> bytes:
        return bytes([next(counter) % 256]) * size

    return random_bytes


@pytest.fixture
async def database(tmp_path):
    opened = await Database.open(tmp_path / "voix.db", create=True)
    async with opened.transaction() as transaction:
        await transaction.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Org', 'x')")
        await transaction.execute(
            "INSERT INTO structures (id, organisation_id, name, created_at) VALUES (1, 1, 'MECS A', 'x')"
        )
        await transaction.execute(
            "INSERT INTO structures (id, organisation_id, name, created_at) VALUES (2, 1, 'MECS B', 'x')"
        )
    yield opened
    await opened.close()


def create(path, structure_id=1, number=1, wave="T0", validity=timedelta(days=30), random_bytes=None):
    connection = open_sync_connection(path, create=True)
    try:
        return create_invitations(
            connection, structure_id, number, NOW, wave, validity, random_bytes or counting_bytes()
        )
    finally:
        connection.close()


async def redeem(database, token, now=NOW):
    async with database.transaction() as transaction:
        return await redeem_invitation(transaction, token, now)


def test_a_token_has_128_bits_in_22_url_safe_characters():
    token = new_token(lambda size: b"\xff" * size)
    assert token == "_____________________w"
    assert len(token) == 22 and TOKEN_PATTERN.match(token)
    assert new_token() != new_token()


def test_a_youth_token_never_starts_as_a_staff_link_does(database):
    # The first 16 bytes drawn would make "pro_" + 18 more characters: drawn again.
    staff_like = base64.urlsafe_b64decode("pro_AAAAAAAAAAAAAAAAAA==")
    draws = iter([staff_like, b"\x01" * 16])
    [created] = create(database.path, random_bytes=lambda size: next(draws))
    assert new_token(lambda size: staff_like).startswith("pro_")
    assert created.token == new_token(lambda size: b"\x01" * size) == "AQEBAQEBAQEBAQEBAQEBAQ"


def test_the_link_opens_the_bot_with_the_token():
    assert invitation_link("@VoixBot", "abc_-9") == "https://t.me/VoixBot?start=abc_-9"


async def test_only_the_hash_is_stored(database):
    [created] = create(database.path)
    assert created.token == new_token(lambda size: b"\x00" * size)
    stored = sqlite3.connect(database.path).execute("SELECT token_hash FROM invitations").fetchone()[0]
    assert stored == hashlib.sha256(created.token.encode()).digest() == hash_token(created.token)
    assert created.token.encode() not in database.path.read_bytes()


async def test_a_token_enrols_once_in_its_structure_and_wave(database):
    [created] = create(database.path, structure_id=2, wave="T1")
    assert await redeem(database, created.token) == Redemption(created.id, 2, "T1")
    assert await redeem(database, created.token) == Rejection(RejectionReason.USED)
    invitation = find_invitation(sqlite3.connect(database.path), created.id)
    assert invitation is not None and invitation.used_at == "2026-11-26T10:00:00+00:00"
    assert invitation.status(NOW) is InvitationStatus.USED


async def test_a_token_expires_at_the_end_of_its_validity(database):
    [created] = create(database.path, validity=timedelta(days=30))
    assert await redeem(database, created.token, NOW + timedelta(days=30)) == Rejection(
        RejectionReason.EXPIRED
    )
    assert await redeem(database, created.token, NOW + timedelta(days=29, hours=23)) == Redemption(
        created.id, 1, "T0"
    )


async def test_a_revoked_token_is_refused_and_cannot_be_revoked_twice(database):
    [created] = create(database.path)
    connection = open_sync_connection(database.path, create=True)
    assert revoke_invitation(connection, created.id, NOW) is True
    assert revoke_invitation(connection, created.id, NOW) is False
    connection.close()
    assert await redeem(database, created.token) == Rejection(RejectionReason.REVOKED)


async def test_a_used_invitation_cannot_be_revoked(database):
    [created] = create(database.path)
    await redeem(database, created.token)
    connection = open_sync_connection(database.path, create=True)
    assert revoke_invitation(connection, created.id, NOW) is False
    assert list_invitations(connection)[0].status(NOW) is InvitationStatus.USED


@pytest.mark.parametrize("token", ["", "x" * 65, "abc def", "abc/def", "ZZZZZZZZZZZZZZZZZZZZZZ"])
async def test_unknown_or_malformed_tokens_are_refused(database, token):
    create(database.path)
    assert await redeem(database, token) == Rejection(RejectionReason.UNKNOWN)


async def test_a_failed_enrolment_leaves_the_invitation_unused(database):
    [created] = create(database.path)
    with pytest.raises(RuntimeError):
        async with database.transaction() as transaction:
            await redeem_invitation(transaction, created.token, NOW)
            raise RuntimeError("enrolment failed")
    assert await redeem(database, created.token) == Redemption(created.id, 1, "T0")


async def test_the_enrolled_youth_is_bound_to_the_invitation(database):
    [created] = create(database.path)
    async with database.transaction() as transaction:
        redemption = await redeem_invitation(transaction, created.token, NOW)
        youth_id = await transaction.execute(
            "INSERT INTO youth (pseudonym, code, structure_id, enrolled_at) VALUES ('p', 'ABC-DEF', 1, 'x')"
        )
        assert isinstance(redemption, Redemption)
        await bind_invitation(transaction, redemption.invitation_id, youth_id)
    row = await database.fetch_one("SELECT youth_id FROM invitations WHERE id = ?", (created.id,))
    assert row is not None and row[0] == youth_id


async def test_invitations_list_by_structure_with_their_status(database):
    first, second = create(database.path, number=2)
    create(database.path, structure_id=2, random_bytes=lambda size: b"\x07" * size)
    connection = open_sync_connection(database.path, create=True)
    revoke_invitation(connection, second.id, NOW)
    listed = list_invitations(connection, structure_id=1)
    assert [(item.id, item.status(NOW)) for item in listed] == [
        (first.id, InvitationStatus.PENDING),
        (second.id, InvitationStatus.REVOKED),
    ]
    assert listed[0].status(NOW + timedelta(days=31)) is InvitationStatus.EXPIRED
    assert len(list_invitations(connection)) == 3
