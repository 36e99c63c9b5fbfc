"""What the bot says to staff (educators, coordinators), as English msgids marked for extraction.

Staff are professionals: the French catalog says *vous*. A denial is always the same sentence,
``NOT_AVAILABLE``, whoever asks and whatever they asked about, so it never tells whether a
structure, a youth or a command exists.
"""

from bot.translations import N_plural
from conversations.context import N_

NOT_AVAILABLE = N_("This command is not available.")
# To a revoked staff member, whatever they send: their own account's state, nobody else's.
ACCESS_WITHDRAWN = N_(
    "Your staff access to Voix was withdrawn by your administrator. If this is a mistake, ask them "
    "for a new link."
)

# Binding an account through a staff link.
BOUND_EDUCATOR = N_("Welcome! This Telegram account is now an educator's account for: {structures}.")
BOUND_COORDINATOR = N_("Welcome! This Telegram account is now a coordinator's account for: {scope}.")
WHOLE_SECTOR = N_("the whole sector")
ASK_NAME_AGREEMENT = N_(
    "May Voix keep a name for you (for example “Samia B.”), so that the administrator knows who "
    "this account is? Only the administrator sees it. You can say no."
)
GIVE_NAME = N_("Yes, give a name")
NO_NAME = N_("No, thanks")
WRITE_NAME = N_("Write the name to keep (60 characters at most).")
NO_NAME_AFTER_ALL = N_("No name after all")
NAME_ALREADY_ANSWERED = N_("You have already answered this question.")
NAME_REFUSED = N_("That cannot be kept as a name: write it with letters, 60 characters at most.")
NAME_KEPT = N_("Thank you, {name}: this name is kept.")
NO_NAME_KEPT = N_("All right: no name is kept.")
STAFF_LINK_UNUSABLE = N_(
    "This staff link no longer works: it was already used, has expired or was revoked. "
    "Ask your administrator for a new one."
)
# A staff link (« pro_… ») that matches none: cut short by a copy, or mistyped.
STAFF_LINK_DAMAGED = N_(
    "This staff link does not work: check that it was copied whole, or ask your administrator for a new one."
)
YOUTH_ACCOUNT_CANNOT_BE_STAFF = N_(
    "This Telegram account already answers the questionnaire as a young person: it cannot also be "
    "a staff account. Nothing was changed. Open the link from another account."
)
ALREADY_SET_UP = N_("This account is already set up with this link: there is nothing more to do with it.")
ALREADY_STAFF = N_(
    "This account already has a staff role. Nothing was changed. To change it, ask your "
    "administrator to revoke it first."
)
STAFF_CANNOT_ANSWER = N_(
    "This is a staff account: it cannot answer the questionnaire. Nothing was changed. "
    "Young people open their invitation on their own phone."
)
# A request a crash interrupted after it acted and before its reply (``storage.staff_replies``).
INTERRUPTED = N_(
    "A problem on my side interrupted my answer to your last request, which may have been done: "
    "check before asking again."
)
INTERRUPTED_INVITATIONS = N_plural(
    "A problem on my side interrupted my answer to your last request: {count} invitation whose card "
    "you did not receive is withdrawn; the cards you did receive stay valid. Ask again if you need more.",
    "A problem on my side interrupted my answer to your last request: {count} invitations whose cards "
    "you did not receive are withdrawn; the cards you did receive stay valid. Ask again if you need more.",
)
# Staff write commands and press buttons; a text (« Foyer du Port » typed at a choice), a sticker
# or a photo is not read.
TYPE_HELP = N_("Here I only read commands and buttons: type /aide to see what you can do.")
# A message edited after it was sent (a command's typo put right on a phone): its first version
# was read then, and an edit is never carried out, so it is asked for anew.
EDITED_NOT_READ = N_("I do not read edited messages: send the command again, in a new message.")
# Words after a command that takes none (« /resultats T1 »): said, not silently dropped.
ARGUMENT_IGNORED = N_("/{command} needs nothing after it: I left “{argument}” aside.")
# A keyboard answers once (``storage.staff_keyboards``); a list that changed since its buttons.
KEYBOARD_USED = N_("This button was already used. Type the command again to start over.")
OUTDATED_BUTTON = N_("This button is out of date: type {command} again.")

# /aide and the command menu.
HELP_EDUCATOR = N_(
    "What you can do for {structures}:\n"
    "/inviter — invitations for young people (a link, a QR code and a text to forward); "
    "/inviter 5 makes five\n"
    "/suivi — where each young person is, by code: never what they answered\n"
    "/relancer — send a follow-up questionnaire\n"
    "/langue — the language of my messages\n"
    "/aide — this help"
)
HELP_COORDINATOR = N_(
    "What you can do for {scope}:\n"
    "/resultats — a summary of the indicators, then the Excel export and the report\n"
    "/langue — the language of my messages\n"
    "/aide — this help"
)
MENU_INVITE = N_("Invitations for young people")
MENU_PROGRESS = N_("Where each young person is")
MENU_FOLLOW_UP = N_("Send a follow-up questionnaire")
MENU_RESULTS = N_("Results and exports")
MENU_HELP = N_("Help")
MENU_LANGUAGE = N_("Language")
CHOOSE_STAFF_LANGUAGE = N_("In which language should I write to you?")
STAFF_LANGUAGE_CHANGED = N_("All right: I will write to you in English.")

# A wave as staff name it: T0 and T1 as such, the exit questionnaire in words.
EXIT = N_("exit")

# Choosing a structure.
CHOOSE_STRUCTURE = N_("For which structure?")
CANCEL = N_("Cancel")
# Turning the pages of a long list (``/suivi``'s youth, ``/relancer``'s codes).
PREVIOUS = N_("◀ Previous")
NEXT = N_("Next ▶")
CANCELLED = N_("Cancelled: nothing was sent.")
