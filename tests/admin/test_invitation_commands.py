"""``voix admin invite``: tokens and links shown once, QR codes, listing by status, revocation, audit."""

import hashlib
import json
from dataclasses import replace

import pytest

from admin.workshop_participation import _structure_counts
from storage.invitations import new_token
from voix.settings import load_settings


@pytest.fixture
def structure(admin):
    admin("org", "add", "ALEFPA")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    return "MECS Bellevue"


def token(byte: int) -> str:
    """The token made from the counting random bytes (call number ``byte``)."""
    return new_token(lambda size: bytes([byte]) * size)


def test_invite_youth_prints_each_token_and_link_once(admin, structure, connection):
    result = admin("invite", "youth", "--structure", structure, "--count", "2")
    first, second = token(1), token(2)
    assert first == "AQEBAQEBAQEBAQEBAQEBAQ"
    assert result.out == (
        "id  structure      wave  expires                    token                   link\n"
        f"1   MECS Bellevue  T0    2026-12-26T10:00:00+00:00  {first}  https://t.me/VoixTestBot?start={first}\n"
        f"2   MECS Bellevue  T0    2026-12-26T10:00:00+00:00  {second}  https://t.me/VoixTestBot?start={second}\n"
    )
    assert result.err == "Tokens are shown only this once: hand each youth their link or QR code now.\n"
    assert [row[0] for row in connection.execute("SELECT token_hash FROM invitations ORDER BY id")] == [
        hashlib.sha256(first.encode()).digest(),
        hashlib.sha256(second.encode()).digest(),
    ]
    assert connection.execute("SELECT action, details FROM audit_log WHERE id = 3").fetchone() == (
        "invitations created",
        '{"count": 2, "structure_id": 1, "validity_days": 30, "wave": "T0"}',
    )


def test_invite_youth_as_json_with_wave_validity_and_bot_username(admin, structure):
    result = admin(
        "invite", "youth", "--structure", "1", "--wave", "T1", "--expires-in-days", "7",
        "--bot-username", "@AutreBot", "--json",
    )  # fmt: skip
    assert json.loads(result.out) == [
        {
            "id": 1,
            "structure": "MECS Bellevue",
            "structure_id": 1,  # in the JSON only: what a program joins on
            "wave": "T1",
            "expires": "2026-12-03T10:00:00+00:00",
            "token": token(1),
            "link": f"https://t.me/AutreBot?start={token(1)}",
        }
    ]


def test_invite_youth_writes_one_card_per_invitation_named_after_structure_and_batch(
    admin, structure, tmp_path
):
    result = admin(
        "invite", "youth", "--structure", structure, "--count", "2", "--qr", str(tmp_path / "qr"), "--json"
    )
    rows = json.loads(result.out)
    batch = tmp_path / "qr" / "mecs-bellevue_T0_2026-11-26_lot-1"
    assert [row["qr"] for row in rows] == [f"{batch}_invitation-1.png", f"{batch}_invitation-2.png"]
    assert [row["sheet"] for row in rows] == [f"{batch}.html"] * 2  # a program finds the A4 sheet too
    assert sorted(path.name for path in (tmp_path / "qr").iterdir()) == [
        "mecs-bellevue_T0_2026-11-26_lot-1.html",
        "mecs-bellevue_T0_2026-11-26_lot-1_invitation-1.png",
        "mecs-bellevue_T0_2026-11-26_lot-1_invitation-2.png",
    ]
    assert f"Cards to print on A4 (six a page): {batch}.html" in result.err
    second = admin("invite", "youth", "--structure", structure, "--qr", str(tmp_path / "qr"), "--json")
    assert json.loads(second.out)[0]["qr"] == str(
        tmp_path / "qr" / "mecs-bellevue_T0_2026-11-26_lot-3_invitation-3.png"
    )


def test_cards_that_cannot_all_be_written_leave_no_card_and_no_valid_invitation(
    admin, structure, tmp_path, connection
):
    qr = tmp_path / "qr"
    # Where the second card would go, something already there (a card restored from a backup):
    # it is never written over, and the batch fails there, saying so.
    (qr / "mecs-bellevue_T0_2026-11-26_lot-1_invitation-2.png").mkdir(parents=True)
    result = admin("invite", "youth", "--structure", structure, "--count", "3", "--qr", str(qr))
    assert (result.exit_code, result.out) == (1, "")
    assert result.err == (
        f"voix: a card named mecs-bellevue_T0_2026-11-26_lot-1_invitation-2.png is already in {qr}: "
        "the 3 invitations just made were revoked; give another directory, or move the cards already "
        "there, then run the command again\n"
    )
    assert [path.name for path in qr.iterdir()] == ["mecs-bellevue_T0_2026-11-26_lot-1_invitation-2.png"]
    assert admin("invite", "list").out.count("revoked") == 3
    [(details,)] = connection.execute("SELECT details FROM audit_log WHERE action = 'invitations revoked'")
    assert json.loads(details) == {"invitation_ids": [1, 2, 3], "reason": "QR cards not written"}
    # Nobody saw them: the workshop's funnel does not count them as invited. One handed out, then
    # revoked by the administrator, still counts.
    admin("invite", "youth", "--structure", structure)
    admin("invite", "revoke", "4")
    assert _structure_counts(connection)[(1, "T0")].counts["invited"] == 1


def test_a_bot_username_that_could_not_make_a_link_is_refused_before_any_invitation(admin, structure):
    result = admin("invite", "youth", "--structure", structure, "--bot-username", "bad name/?x")
    assert (result.exit_code, result.out) == (2, "")
    assert (
        "argument --bot-username: expected a Telegram bot username: 5-32 letters, digits or _, like "
        in result.err
    )
    assert admin("invite", "list").out.count("\n") == 1  # the header alone: nothing was made
    assert json.loads(
        admin("invite", "youth", "--structure", structure, "--bot-username", "@VoixBot", "--json").out
    )[0]["link"].startswith("https://t.me/VoixBot?start=")


def test_invite_youth_needs_a_bot_username(admin_with, structure, context, database_path):
    settings = load_settings(db=database_path)
    admin = admin_with(replace(context, settings=lambda: settings))
    result = admin("invite", "youth", "--structure", structure)
    assert (result.exit_code, result.out) == (2, "")
    assert (
        result.err
        == "voix: no bot username for the links: pass --bot-username NAME or set VOIX_BOT_USERNAME\n"
    )


def test_invite_list_shows_status_never_tokens(admin, structure, clock):
    admin("structure", "add", "--org", "ALEFPA", "Foyer du Port")
    admin("invite", "youth", "--structure", structure, "--count", "3")
    admin("invite", "youth", "--structure", "Foyer du Port", "--expires-in-days", "1")
    assert admin("invite", "revoke", "2").out == "id: 2\nstatus: revoked\n"
    clock.advance(days=2)
    result = admin("invite", "list")
    assert result.out == (
        "id  structure      wave  status   expires\n"
        "1   MECS Bellevue  T0    pending  2026-12-26T10:00:00+00:00\n"
        "2   MECS Bellevue  T0    revoked  2026-12-26T10:00:00+00:00\n"
        "3   MECS Bellevue  T0    pending  2026-12-26T10:00:00+00:00\n"
        "4   Foyer du Port  T0    expired  2026-11-27T10:00:00+00:00\n"
    )
    assert token(1) not in result.out
    listed = json.loads(admin("invite", "list", "--structure", "Foyer du Port", "--json").out)
    assert listed == [
        {
            "id": 4,
            "structure": "Foyer du Port",
            "structure_id": 2,
            "wave": "T0",
            "status": "expired",
            "expires": "2026-11-27T10:00:00+00:00",
        }
    ]


def test_revoke_refuses_unknown_or_already_revoked_invitations(admin, structure, connection):
    admin("invite", "youth", "--structure", structure)
    admin("invite", "revoke", "1")
    again = admin("invite", "revoke", "1")
    assert (again.exit_code, again.err) == (2, "voix: invitation 1 is already revoked: nothing to revoke\n")
    assert admin("invite", "revoke", "7").err == "voix: no invitation 7: see `voix admin invite list`\n"
    assert connection.execute(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'invitation revoked'"
    ).fetchone() == (1,)


def test_count_and_validity_are_bounded(admin, structure):
    assert admin("invite", "youth", "--structure", structure, "--count", "501").err == (
        "voix: --count must be between 1 and 500, not 501\n"
    )
    refused = admin("invite", "youth", "--structure", structure, "--count", "0")
    assert refused.exit_code == 2 and "argument --count: expected 1 or more, not 0" in refused.err
