"""The few sentences the shell says itself, as English msgids marked for extraction.

Everything else a youth reads comes from the engine (``conversations.texts``).
"""

from conversations.context import N_

SOMETHING_WENT_WRONG = N_(
    "Oops, something went wrong on my side. Your answers are safe. Please try again in a moment."
)
# The same to an educator or a coordinator, who has no answers to keep.
STAFF_SOMETHING_WENT_WRONG = N_(
    "Something went wrong on my side. Please try again in a moment; if it happens again, tell "
    "your administrator."
)

# The youth's commands in Telegram's menu, in the order shown: (command, description msgid).
COMMANDS = (
    ("reprendre", N_("Continue the questions")),
    ("pause", N_("Take a break")),
    ("aide", N_("Help")),
    ("langue", N_("Change language")),
    ("stop", N_("Stop and erase my answers")),
)
