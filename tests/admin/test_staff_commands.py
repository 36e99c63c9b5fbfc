"""Staff from the command line: invited by a link shown once, scopes checked, listed without Telegram data."""

import hashlib
import json

import pytest

from storage.follow_up_openings import open_follow_ups
from storage.invitations import new_token


@pytest.fixture
def groups(admin):
    admin("org", "add", "ALEFPA")
    admin("org", "add", "Apprentis d'Auteuil")
    admin("structure", "add", "--org", "ALEFPA", "MECS Bellevue")
    admin("structure", "add", "--org", "ALEFPA", "Foyer du Port")
    admin("structure", "add", "--org", "Apprentis d'Auteuil", "MECS Les Tilleuls")


def token(byte: int) -> str:
    """A staff link's token: « pro_ » then 22 random characters."""
    return "pro_" + new_token(lambda size: bytes([byte]) * size)


def test_invite_an_educator_of_two_structures_prints_the_link_once(admin, groups, connection):
    result = admin(
        "invite", "staff", "--role", "educator", "--structure", "MECS Bellevue", "--structure", "2"
    )
    assert result.exit_code == 0
    assert result.out == (
        "id: 1\n"
        "role: educator\n"
        "scope: structures MECS Bellevue, Foyer du Port\n"
        "expires: 2026-12-03T10:00:00+00:00\n"
        f"token: {token(1)}\n"
        f"link: https://t.me/VoixTestBot?start={token(1)}\n"
    )
    assert "shown only this once" in result.err
    stored = connection.execute("SELECT token_hash, telegram_user_hash, bound_at FROM staff").fetchone()
    assert stored == (hashlib.sha256(token(1).encode()).digest(), None, None)
    structures = connection.execute("SELECT structure_id FROM staff_structures ORDER BY 1").fetchall()
    assert structures == [(1,), (2,)]
    assert connection.execute("SELECT actor, action, details FROM audit_log ORDER BY id DESC").fetchone() == (
        "admin-cli",
        "staff invited",
        '{"role": "educator", "scope": "structures", "staff_id": 1, "structure_ids": [1, 2]}',
    )


def test_invite_coordinators_of_an_organisation_and_of_the_sector_as_json(admin, groups):
    organisation = json.loads(
        admin("invite", "staff", "--role", "coordinator", "--organisation", "ALEFPA", "--json").out
    )
    assert organisation == {
        "id": 1,
        "role": "coordinator",
        "scope": "organisation ALEFPA",
        # The scope as a program reads it: in the JSON only.
        "scope_level": "organisation",
        "organisation_id": 1,
        "structure_ids": [],
        "expires": "2026-12-03T10:00:00+00:00",
        "token": token(1),
        "link": f"https://t.me/VoixTestBot?start={token(1)}",
    }
    sector = json.loads(
        admin("invite", "staff", "--role", "coordinator", "--sector", "--expires-in-days", "2", "--json").out
    )
    assert (sector["scope"], sector["expires"]) == ("sector", "2026-11-28T10:00:00+00:00")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--role", "educator"), "an educator works in structures: give --structure S"),
        (("--role", "educator", "--structure", "1", "--sector"), "an educator works in structures"),
        (("--role", "coordinator"), "a coordinator needs exactly one of --organisation O or --sector"),
        (("--role", "coordinator", "--sector", "--organisation", "ALEFPA"), "exactly one of"),
        (("--role", "coordinator", "--structure", "1", "--sector"), "exactly one of"),
        (("--role", "educator", "--structure", "Nulle part"), "no structure 'Nulle part'"),
        (("--role", "coordinator", "--organisation", "Inconnue"), "no organisation 'Inconnue'"),
        (("--role", "coordinator", "--sector", "--expires-in-days", "31"), "between 1 and 30"),
        (("--role", "admin", "--sector"), "invalid choice: 'admin' (choose from 'educator', 'coordinator')"),
        (("--role", "coordinator", "--sector", "--bot-username", "x y"), "expected a Telegram bot username"),
    ],
)
def test_bad_staff_invitations_say_what_is_expected_and_store_nothing(
    admin, groups, connection, arguments, message
):
    result = admin("invite", "staff", *arguments)
    assert result.exit_code == 2
    assert message in result.err
    assert result.err.count("\n") == 1
    assert connection.execute("SELECT COUNT(*) FROM staff").fetchone() == (0,)


def test_staff_list_shows_roles_scopes_and_status_never_telegram_data(admin, groups, connection, clock):
    admin("invite", "staff", "--role", "educator", "--structure", "MECS Bellevue")
    admin("invite", "staff", "--role", "coordinator", "--sector")
    admin("invite", "staff", "--role", "coordinator", "--organisation", "ALEFPA")
    connection.execute(
        "UPDATE staff SET telegram_user_hash = x'0102', bound_at = '2026-11-26T11:00:00+00:00', "
        "display_name = 'Samia B.' WHERE id = 1"
    )
    connection.commit()
    clock.advance(days=8)  # the two unused links are past their 7 days
    admin("staff", "revoke", "3")
    rows = json.loads(admin("staff", "list", "--json").out)
    assert [(row["id"], row["role"], row["scope"], row["name"], row["status"]) for row in rows] == [
        (1, "educator", "structures MECS Bellevue", "Samia B.", "active"),
        (2, "coordinator", "sector", None, "expired"),
        (3, "coordinator", "organisation ALEFPA", None, "revoked"),
    ]
    assert (rows[0]["scope_level"], rows[0]["structure_ids"]) == ("structures", [1])
    assert (rows[2]["scope_level"], rows[2]["organisation_id"]) == ("organisation", 1)
    shown = ["id", "role", "scope", "name", "status", "invited", "bound", "revoked"]
    assert list(rows[0]) == [*shown[:3], "scope_level", "organisation_id", "structure_ids", *shown[3:]]
    table = admin("staff", "list").out
    assert table.splitlines()[0].split() == shown
    assert "0102" not in table


def test_revoke_is_audited_and_refuses_unknown_or_already_revoked(admin, groups, connection, clock):
    admin("invite", "staff", "--role", "educator", "--structure", "MECS Bellevue")
    clock.advance(hours=1)
    result = admin("staff", "revoke", "1")
    assert (result.exit_code, result.out) == (0, "id: 1\nstatus: revoked\n")
    assert connection.execute("SELECT revoked_at FROM staff").fetchone() == (
        clock().isoformat(timespec="seconds"),
    )
    last = connection.execute("SELECT action FROM audit_log ORDER BY id DESC").fetchone()
    assert last == ("staff revoked",)
    again = admin("staff", "revoke", "1")
    assert (again.exit_code, again.err) == (2, "voix: staff member 1 is already revoked: nothing to do\n")
    unknown = admin("staff", "revoke", "9")
    assert (unknown.exit_code, unknown.err) == (2, "voix: no staff member 9: see `voix admin staff list`\n")


def test_audit_list_shows_staff_actions_with_the_staff_id_scope_and_counts(admin, groups, connection, clock):
    admin("invite", "staff", "--role", "educator", "--structure", "MECS Bellevue")
    open_follow_ups(connection, 1, "T1", ["T0"], clock(), "staff", {"staff_id": 1})
    admin("staff", "revoke", "1")
    entries = json.loads(admin("audit", "list", "--json").out)[-3:]
    assert [(entry["actor"], entry["action"], entry["details"]) for entry in entries] == [
        (
            "admin-cli",
            "staff invited",
            {"role": "educator", "scope": "structures", "staff_id": 1, "structure_ids": [1]},
        ),
        (
            "staff",
            "follow-ups opened",
            {"queued": 0, "skipped": {}, "staff_id": 1, "structure_id": 1, "wave": "T1"},
        ),
        (
            "admin-cli",
            "staff revoked",
            {"role": "educator", "scope": "structures", "staff_id": 1, "structure_ids": [1]},
        ),
    ]
    table = admin("audit", "list").out
    assert "follow-ups opened" in table and '"staff_id": 1' in table
