"""Enrol a youth from a ``/start TOKEN``, and slow down a chat that keeps sending bad tokens.

Token checking itself lives in ``storage.invitations`` (hash only, single use, expiring, revocable,
bound to a structure and a wave). Every refusal looks the same to the youth, and a sender who
keeps trying bad tokens is refused for a while without even a lookup, and told to wait only
once, so the bot cannot be used to guess tokens nor made to flood a chat.
"""

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Transaction
from storage.invitations import Redemption, Rejection, RejectionReason, bind_invitation, redeem_invitation
from storage.pseudonymisation import Pseudonymiser
from storage.staff import holds_staff_account
from storage.youth_records import YouthRecord, enrol_youth

BAD_TOKEN_LIMIT = 5
BAD_TOKEN_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Enrolment:
    """A youth just enrolled by an invitation, and the wave they were invited to."""

    youth: YouthRecord
    wave: str


async def enrol_by_invitation(
    transaction: Transaction,
    pseudonymiser: Pseudonymiser,
    token: str,
    telegram_user_id: int,
    chat_id: int,
    locale: str,
    now: datetime,
) -> Enrolment | Rejection:
    """Redeem a token and enrol its holder in the same transaction; a refusal changes nothing.

    A staff member's account is refused (one account, one side), as ``bind_staff`` refuses a youth's.
    """
    if await holds_staff_account(transaction, pseudonymiser, telegram_user_id):
        return Rejection(RejectionReason.STAFF_ACCOUNT)
    outcome = await redeem_invitation(transaction, token, now)
    if not isinstance(outcome, Redemption):
        return outcome
    youth = await enrol_youth(
        transaction, pseudonymiser, outcome.structure_id, telegram_user_id, chat_id, locale, now
    )
    await bind_invitation(transaction, outcome.invitation_id, youth.id)
    return Enrolment(youth, outcome.wave)


class BadTokenThrottle:
    """Count bad tokens per sender in memory and refuse further tries past a limit."""

    def __init__(self, limit: int = BAD_TOKEN_LIMIT, window: timedelta = BAD_TOKEN_WINDOW) -> None:
        self._limit = limit
        self._window = window
        self._failures: dict[Hashable, deque[datetime]] = {}
        self._warned: set[Hashable] = set()

    def is_throttled(self, sender: Hashable, now: datetime) -> bool:
        """Tell whether this sender must wait before trying another token."""
        failures = self._failures.get(sender)
        if not failures:
            return False
        while failures and now - failures[0] > self._window:
            failures.popleft()
        if not failures:
            del self._failures[sender]
            self._warned.discard(sender)
        return len(failures) >= self._limit

    def first_warning(self, sender: Hashable) -> bool:
        """Tell whether a throttled sender has not been told to wait yet (then it is told once)."""
        if sender in self._warned:
            return False
        self._warned.add(sender)
        return True

    def record_failure(self, sender: Hashable, now: datetime) -> None:
        """Count one bad token from this sender."""
        self._failures.setdefault(sender, deque()).append(now)

    def forget(self, sender: Hashable) -> None:
        """Clear a sender's count after a token worked."""
        self._failures.pop(sender, None)
        self._warned.discard(sender)
