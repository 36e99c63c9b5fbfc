"""Every sentence the youth can read, as English msgids marked with ``N_`` for extraction.

Written for 13–18-year-olds, some of them weak readers or learning French: "tu", short
sentences, one idea per line, emoji only next to words (never carrying the meaning alone).
The French catalog (``locales/fr/LC_MESSAGES/voix.po``) translates them; ``{named}``
parameters are filled after translation.

``NOTICE_VERSION`` names the wording of the information notice the youth agrees to: change it
whenever ``NOTICE`` changes, so stored consents say which text was shown.
"""

from conversations.context import N_

# v3: the group size is the deployment's own (at least 5, default 10); v4: the time is the
# référentiel's estimate (``referentiel.timing``), no longer a fixed "8 minutes".
NOTICE_VERSION = "2026-11-v4"

NOTICE = N_(
    "Hi! I'm Voix 👋\n"
    "I ask young people questions about their life where they live: feeling safe, school, "
    "health, self-confidence, the people around them, doing things on their own. "
    "It takes about {shortest_minutes} to {longest_minutes} minutes.\n"
    "Why? To help homes like yours do better for young people.\n"
    "\n"
    "🔒 Your educators only see whether you answered. Never what you answered.\n"
    "👥 Results are only counted in groups of at least {minimum_group_size} young people. "
    "Nobody can know what you said.\n"
    "🙂 It's your choice. Saying no changes nothing for you.\n"
    "⏭ You can skip any question.\n"
    "🗑 You can stop at any time and have your answers erased: send /stop.\n"
    "📅 Your answers are kept 2 years at most. After that, only group results remain.\n"
    "\n"
    "Do you want to answer?"
)
AGREE = N_("Yes, I agree")
DECLINE = N_("No, thanks")
AGREED = N_(
    "Thank you! Let's go.\n"
    "Press “Skip” if you prefer not to answer, and “Back” to change your last answer. "
    "Send /pause to take a break."
)
DECLINED = N_("OK, no problem. I won't write to you again. If you change your mind, send /start.")
# The offer's first line depends on how long ago the youth last answered; the rest does not.
FOLLOW_UP_HELLO_AGAIN = N_("Hi! 👋 It's me, Voix, again.")
FOLLOW_UP_HELLO_AFTER_A_WHILE = N_("Hi! 👋 It's me, Voix. Some time has passed since your answers.")
FOLLOW_UP_OFFER = N_(
    "Here is the {questionnaire}: the same kind of questions, to see what has changed for you. "
    "It takes about {shortest_minutes} to {longest_minutes} minutes.\n"
    "It's your choice, as last time."
)
START = N_("Start")
FOLLOW_UP_GREETING = N_(
    "Welcome back! 👋 This is the {questionnaire}.\n"
    "It's a new questionnaire, so here is again what it is about."
)
CONSENT_BUTTONS_PLEASE = N_("Do you want to answer the questions? Press a button, or type “yes” or “no”.")
# Words a youth may type instead of pressing a consent button, separated by commas; each
# language lists its own (case, accents and punctuation are ignored; the buttons' labels and
# numbers work too). Kept to clear words: anything else is asked again.
TYPED_YES = N_("yes, yeah, yep, yup, yes please")
TYPED_NO = N_("no, nope, nah, no thank you, not now")
COME_BACK_LATER = N_("No problem. Come back whenever you want: send /start.")

SKIP = N_("Skip")
BACK = N_("Back")
DONE = N_("Done")
CONTINUE = N_("Continue")
CHOSEN = N_("✔️ {answer}")
SKIPPED = N_("⏭ Skipped")
PROGRESS = N_("{position}/{total}")
HINT_MULTIPLE = N_("You can choose more than one, then press “Done”.")
HINT_NUMBER = N_("Type a number.")
HINT_NUMBER_RANGE = N_("Type a number between {minimum} and {maximum}.")
HINT_TEXT = N_("Type your answer.")

BUTTONS_PLEASE = N_("Please answer with the buttons, or type the number of your answer.")
# Where some options are numbers ("how many adults?"), a typed number is never guessed.
PRESS_A_BUTTON_PLEASE = N_(
    "Please press the button of your answer: here the answers are numbers, "
    "so a typed number could mean two things."
)
NUMBER_PLEASE = N_("Sorry, I need a number, like 12.")
NUMBER_RANGE_PLEASE = N_("Sorry, I need a number between {minimum} and {maximum}.")
TEXT_PLEASE = N_("Sorry, I need a short text answer.")
UNSUPPORTED = N_("I can only read text and buttons.")
# A message edited after it was sent (an answer put right): the edit is not read, the answer kept
# is the first one, and « Back » is how to change it (where there is a question to go back to).
EDITED = N_("I do not read edited messages.")
CHANGE_WITH_BACK = N_("To change an answer, press “Back”.")
CHOOSE_AT_LEAST_ONE = N_("Choose at least one answer, or press “Skip”.")
FIRST_QUESTION = N_("This is the first question.")
OLD_BUTTON = N_("This button is no longer active. Please answer the last message.")

COMPLETED = N_("That's all, thank you! 🙏\nYour answers are saved. Nobody here will see them.")
ALREADY_COMPLETED = N_("You have already answered everything. Thank you!\nTo erase your answers, send /stop.")

PAUSED = N_(
    "OK, let's take a break. Your answers are saved.\n"
    "Come back whenever you want: press “Continue”, send /reprendre or any message."
)
ALREADY_PAUSED = N_("You are taking a break. Press “Continue” when you want.")
WELCOME_BACK = N_("Welcome back! Here is where we were:")
REMINDER = N_("Hi! 👋 You can finish the questions whenever you want. It only takes a few minutes.")

CONFIRM_STOP = N_(
    "Do you want to stop and erase everything you answered?\n"
    "This cannot be undone. Nothing happens to you if you stop."
)
ERASE = N_("Yes, erase everything")
KEEP = N_("No, keep going")
ERASED = N_("Done: your answers and your contact are erased. I won't write to you again. Take care!")
NOT_ERASED = N_("OK, nothing is erased.")

CHOOSE_LANGUAGE = N_("Choose your language:")
LANGUAGE_CHANGED = N_("OK, I will write in English.")

HELP = N_(
    "I'm Voix: questions for young people about their life where they live. "
    "Your educators never see your answers.\n"
    "\n"
    "Answer with the buttons, or type the number of your answer.\n"
    "/pause – take a break\n"
    "/reprendre – continue\n"
    "/langue – change language\n"
    "/stop – stop and erase your answers\n"
    "/aide – this help"
)

SAFEGUARDING = N_(
    "If something is wrong, or if someone hurts you, you are not alone:\n"
    "📞 119 – Allô Enfance en Danger: free, 24/7, and it does not show on the phone bill. "
    "You can also chat on allo119.gouv.fr.\n"
    "🚨 112 in an emergency.\n"
    "💬 You can also talk to an adult you trust."
)

# After the help block: the youth may need a moment.
PAUSE_OFFER = N_("If you want, take a break: send /pause, and come back whenever you like.")
# A later worrying answer, when the help block was already shown (a référentiel without reminders).
HELP_REMINDER = N_("Remember: 119 is there for you, day and night, for free.")
# The help block at the end, followed by every help resource of the référentiel.
HELP_INTRO = N_("If something is wrong, or if someone hurts you, you are not alone. You can talk to:")

STRANGER = N_(
    "Hi! I'm Voix 👋 I ask young people in care questions about their life where they live.\n"
    "To take part, you need an invitation link from your educator. Ask them for it!"
)
INVITATION_REJECTED = N_("Sorry, this invitation link does not work. Ask your educator for a new one.")
THROTTLED = N_("Please wait a little before trying again. Your educator can give you a new link.")

# Language names are written in their own language, never translated.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
