"""Messages for people the shell has not enrolled: no state, no effects, nothing stored.

A stranger gets the same kind words whatever went wrong with their link, so a message never
helps guessing tokens (expired, used and unknown read alike).
"""

from conversations.context import Context
from conversations.outputs import Send
from conversations.texts import INVITATION_REJECTED, STRANGER, THROTTLED


def greet_stranger(context: Context) -> tuple[Send, ...]:
    """Answer ``/start`` without a token: what Voix is, and that an educator's invitation is needed."""
    return (Send(context.text(STRANGER)),)


def reject_invitation(context: Context) -> tuple[Send, ...]:
    """Answer an invalid, expired or used invitation token, without saying which."""
    return (Send(context.text(INVITATION_REJECTED)),)


def throttled(context: Context) -> tuple[Send, ...]:
    """Answer a chat that sent too many bad tokens; the shell sends it once, then stays silent a while."""
    return (Send(context.text(THROTTLED)),)
