"""Whether the message holding a youth's current question has reached them, so a crash never doubles it.

``runs.question_message_id`` says it (``bot.runs`` stores the id once known):

* a positive id — the message the youth has; the next answer edits it;
* ``BEING_SENT`` (0) — a ``sendMessage`` for it has left, and a fault or a crash hid whether it
  arrived: the youth may have it, so the bot never sends it again on its own (their next press
  on it is recognised by the pressed message, a typed word asks it again);
* NULL — the step asking a new question has committed and nothing has left yet, or the send
  failed for sure: a redelivered update of that youth sends it (``bot.steps``).

A sendMessage is not idempotent: between "left" and "answered" nobody can tell whether it took
effect. Recording ``BEING_SENT`` before it leaves is what lets a restart tell "never sent" (send
it) from "maybe sent" (do not).
"""

from storage.database import Database, Transaction

BEING_SENT = 0


async def forget_question_message(transaction: Transaction, run_id: int) -> None:
    """The current question has not reached the youth (in the step's transaction: not sent yet)."""
    await transaction.execute("UPDATE runs SET question_message_id = NULL WHERE id = ?", (run_id,))


async def mark_question_being_sent(database: Database, run_id: int) -> None:
    """Just before the question message leaves: from now on it may reach the youth."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "UPDATE runs SET question_message_id = ? WHERE id = ?", (BEING_SENT, run_id)
        )


async def mark_question_unsent(database: Database, run_id: int) -> None:
    """The question message could not be sent (every attempt was refused): it never arrived."""
    async with database.transaction() as transaction:
        await forget_question_message(transaction, run_id)
