"""A youth who moves to another structure: same pseudonym, same history, new structure from now on.

Only ``youth.structure_id`` changes. Each questionnaire remembers the structure the youth was in
when it started (``runs.structure_id``), so the answers already given keep counting there, and a
questionnaire started after the move counts in the new structure. The educators of the new
structure see the youth from now on; those of the old one no longer do. The audit entry names
the two structures, never the youth.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.audit import record_audit_in
from storage.database import write_transaction


@dataclass(frozen=True)
class Transfer:
    """What a transfer did: the code, where from, where to, and the structure a questionnaire
    under way (begun, or paused) counts for: where it was started (None: none is under way)."""

    code: str
    from_structure_id: int
    to_structure_id: int
    questionnaire_structure_id: int | None

    @property
    def questionnaire_in_progress(self) -> bool:
        """Whether a questionnaire was under way."""
        return self.questionnaire_structure_id is not None


def find_youth_structure(connection: sqlite3.Connection, code: str) -> tuple[str, int] | None:
    """Return (code as stored, structure id) of the youth with this code (any case), or None. Read-only."""
    row = connection.execute(
        "SELECT code, structure_id FROM youth WHERE code = ?", (code.strip().upper(),)
    ).fetchone()
    return (str(row[0]), int(row[1])) if row else None


def transfer_youth(
    connection: sqlite3.Connection, code: str, to_structure_id: int, actor: str, now: datetime
) -> Transfer | None:
    """Move a youth to another structure, audited; None if no youth has this code."""
    with write_transaction(connection):
        row = connection.execute(
            "SELECT id, code, structure_id FROM youth WHERE code = ?", (code.strip().upper(),)
        ).fetchone()
        if row is None:
            return None
        youth_id, stored_code, from_structure_id = row
        # A questionnaire under way (not one declined: nothing of it counts) stays where it began,
        # which may not be where the youth is now (moved back and forth).
        in_progress = connection.execute(
            "SELECT COALESCE(structure_id, ?) FROM runs "
            "WHERE youth_id = ? AND status IN ('in_progress', 'paused') ORDER BY id DESC LIMIT 1",
            (from_structure_id, youth_id),
        ).fetchone()
        # Runs written without their structure (by older code) are pinned where they were given.
        connection.execute(
            "UPDATE runs SET structure_id = ? WHERE youth_id = ? AND structure_id IS NULL",
            (from_structure_id, youth_id),
        )
        connection.execute("UPDATE youth SET structure_id = ? WHERE id = ?", (to_structure_id, youth_id))
        details = {"from_structure_id": from_structure_id, "to_structure_id": to_structure_id}
        record_audit_in(connection, actor, "youth transferred", now, details)
    return Transfer(
        str(stored_code),
        int(from_structure_id),
        to_structure_id,
        None if in_progress is None else int(in_progress[0]),
    )
