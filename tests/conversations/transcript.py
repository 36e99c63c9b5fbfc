"""The transcript helper of the engine tests: a ``Chat`` plays the shell, without Telegram.

``chat = Chat(referentiel); chat.enrol(); chat.press("Yes, I agree"); chat.last_text()``. Each
step stores the state as JSON and reads it back (as the shell does with ``runs.state``), applies
the effects to a small fake store (answers, consent, locale, erasure) and keeps the messages.
Texts are the English msgids (identity translation) unless a test passes another ``translate``.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from conversations.context import Context, Translate, identity_translate
from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Enrolled,
    Event,
    FollowUpDue,
    FollowUpStarted,
    InvitationOpened,
    ReminderDue,
    Restarted,
    TextReceived,
    UnsupportedMessageReceived,
)
from conversations.outputs import (
    Button,
    ChangeLocale,
    CompleteRun,
    DiscardAnswer,
    EditQuestion,
    EraseYouth,
    Keyboard,
    Notice,
    Output,
    RecordConsent,
    RecordDeclined,
    SaveAnswer,
    Send,
    StartFollowUp,
)
from conversations.state import ConversationState
from conversations.transitions import step
from referentiel.answers import AnswerValue
from referentiel.models import Referentiel

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
_DECORATION = re.compile(r"^(?:[^\w\s]+\s+)*(?:\d+\.\s+)?")


def plain_label(label: str) -> str:
    """Return a button label without its emoji, check mark or number: "✅ 2. Family" → "Family"."""
    return _DECORATION.sub("", label)


class Chat:
    """One youth talking to the engine; every step goes through JSON like in the shell."""

    def __init__(
        self,
        referentiel: Referentiel,
        locale: str = "en",
        translate: Translate = identity_translate,
        minimum_group_size: int = 10,
    ):
        self.referentiel = referentiel
        self.minimum_group_size = minimum_group_size
        self.locale = locale
        self.translate = translate
        self.state = ConversationState.new()
        self.outputs: tuple[Output, ...] = ()
        self.history: list[Output] = []
        self.answers: dict[str, AnswerValue] = {}
        self.consents: list[str] = []
        self.declined = False
        self.completed = False
        self.erased = False
        # The wave of the last ``StartFollowUp``: the shell would now open that wave's run.
        self.follow_up_to_start: str | None = None

    # The youth's actions.
    def context(self) -> Context:
        return Context(self.referentiel, self.locale, self.translate, NOW, self.minimum_group_size)

    def step(self, event: Event) -> tuple[Output, ...]:
        transition = step(self.state, event, self.context())
        self.state = ConversationState.from_json(transition.state.to_json())
        assert self.state == transition.state
        self.outputs = transition.outputs
        self.history.extend(transition.outputs)
        for effect in transition.effects:
            self._apply(effect)
        return self.outputs

    def _apply(self, effect: Output) -> None:
        if isinstance(effect, SaveAnswer):
            self.answers[effect.question_id] = effect.value
        elif isinstance(effect, DiscardAnswer):
            self.answers.pop(effect.question_id, None)
        elif isinstance(effect, RecordConsent):
            self.consents.append(effect.notice_version)
        elif isinstance(effect, RecordDeclined):
            self.declined = True
        elif isinstance(effect, ChangeLocale):
            self.locale = effect.locale
        elif isinstance(effect, CompleteRun):
            self.completed = True
        elif isinstance(effect, EraseYouth):
            self.erased = True
            self.answers.clear()
        elif isinstance(effect, StartFollowUp):
            self.follow_up_to_start = effect.wave

    def enrol(self) -> tuple[Output, ...]:
        return self.step(Enrolled())

    def start_follow_up(self, wave: str = "T1") -> tuple[Output, ...]:
        """Start a later wave's run: a fresh state, as the shell creates it, then ``FollowUpStarted``."""
        self.state = ConversationState.new()
        self.answers.clear()
        self.completed = False
        return self.step(FollowUpStarted(wave))

    def follow_up_due(
        self, wave: str = "T1", since_answers: timedelta = timedelta(days=180)
    ) -> tuple[Output, ...]:
        """The shell's scheduler says the offer of ``wave`` is due, ``since_answers`` after the last ones."""
        return self.step(FollowUpDue(wave, NOW - since_answers))

    def open_invitation(self, wave: str = "T1") -> tuple[Output, ...]:
        """The youth opened a valid invitation link of ``wave`` (the shell checked it)."""
        return self.step(InvitationOpened(wave))

    def type(self, text: str) -> tuple[Output, ...]:
        return self.step(TextReceived(text))

    def command(self, name: str, argument: str = "") -> tuple[Output, ...]:
        return self.step(CommandReceived(name, argument))

    def restart(self) -> tuple[Output, ...]:
        return self.step(Restarted())

    def remind(self) -> tuple[Output, ...]:
        return self.step(ReminderDue())

    def send_sticker(self) -> tuple[Output, ...]:
        return self.step(UnsupportedMessageReceived("sticker"))

    def send_edit(self, text: str) -> tuple[Output, ...]:
        """Edit an earlier message to ``text``: the shell passes on that it was edited, not the text."""
        return self.step(UnsupportedMessageReceived("edited"))

    def press_data(self, data: str) -> tuple[Output, ...]:
        return self.step(ButtonPressed(data))

    def press(self, label: str) -> tuple[Output, ...]:
        """Press a button of the last keyboard shown; ``label`` may leave out emoji and number."""
        return self.press_data(self.button(label, self.keyboards()[-1:]).data)

    def press_old(self, label: str) -> tuple[Output, ...]:
        """Press a button of an older message (the most recent keyboard that has it)."""
        return self.press_data(self.button(label, self.keyboards()).data)

    # What the youth sees.
    def button(self, label: str, keyboards: list[Keyboard]) -> Button:
        for keyboard in reversed(keyboards):
            for button in keyboard.buttons():
                if label in (button.label, plain_label(button.label)):
                    return button
        raise AssertionError(f"No button {label!r}; last buttons: {self.labels()}")

    def keyboards(self) -> list[Keyboard]:
        return [
            output.keyboard
            for output in self.history
            if isinstance(output, (Send, EditQuestion)) and output.keyboard is not None
        ]

    def labels(self) -> list[str]:
        """Return the labels of the last keyboard shown, as displayed."""
        keyboards = self.keyboards()
        return [button.label for button in keyboards[-1].buttons()] if keyboards else []

    def texts(self) -> list[str]:
        """Return the texts sent or edited by the last step, in order."""
        return [output.text for output in self.outputs if isinstance(output, (Send, EditQuestion))]

    def sent(self) -> list[str]:
        """Return the texts of new messages of the last step (edits left out)."""
        return [output.text for output in self.outputs if isinstance(output, Send)]

    def last_text(self) -> str:
        return self.texts()[-1]

    def edits(self) -> list[EditQuestion]:
        return [output for output in self.outputs if isinstance(output, EditQuestion)]

    def notice(self) -> str | None:
        notices = [output.text for output in self.outputs if isinstance(output, Notice)]
        return notices[-1] if notices else None

    def effects(self) -> list[Output]:
        return [output for output in self.outputs if not isinstance(output, (Send, EditQuestion, Notice))]

    def answer_all(self, choices: Iterable[str] = ()) -> None:
        """Answer every remaining question with the first of ``choices`` it offers, else skip it."""
        preferred = list(choices)
        while self.state.question_id is not None:
            labels = [plain_label(label) for label in self.labels()]
            chosen = next((choice for choice in preferred if choice in labels), None)
            if self.state.selection:
                self.press("Done")
            elif chosen is not None:
                self.press(chosen)
            else:
                self.press("Skip")


TINY = """
id: tiny
version: 1
title: {fr: Petit, en: Tiny}
languages: [fr, en]
waves:
  - {id: T0, title: {fr: Arrivée, en: Arrival}}
dimensions:
  - id: liens
    title: {fr: Liens, en: Ties}
    key_effect: {fr: Des liens, en: Ties}
    introduction: {fr: "Parlons de tes liens.", en: "Let's talk about the people around you."}
  - id: autonomie
    title: {fr: Autonomie, en: Autonomy}
    key_effect: {fr: Autonome, en: Autonomous}
    introduction: {fr: Et maintenant ton autonomie., en: Now about doing things on your own.}
questions:
  - id: age
    dimension: null
    type: number
    text: {fr: "Quel âge as-tu ?", en: "How old are you?"}
    minimum: 10
    maximum: 21
  - id: who
    dimension: liens
    type: multiple_choice
    text: {fr: "Qui t'aide ?", en: "Who helps you?"}
    options:
      - {id: family, label: {fr: Ma famille, en: My family}}
      - {id: friend, label: {fr: Un ami, en: A friend}}
      - {id: nobody, label: {fr: Personne, en: Nobody}, exclusive: true}
  - id: friend_kind
    dimension: liens
    type: yes_no
    text: {fr: "Cet ami est-il gentil ?", en: "Is this friend kind?"}
    condition: {question: who, any_of: [friend]}
    options:
      - {id: "yes", label: {fr: Oui, en: "Yes"}}
      - {id: "no", label: {fr: Non, en: "No"}}
  - id: wish
    dimension: autonomie
    type: short_text
    text: {fr: "Un souhait ?", en: "A wish?"}
  - id: feel_ok
    dimension: autonomie
    type: yes_no
    text: {fr: "Ça va aujourd'hui ?", en: "Are you OK today?"}
    options:
      - {id: "yes", label: {fr: Oui, en: "Yes"}}
      - {id: "no", label: {fr: Non, en: "No"}}
safeguarding:
  - {question: who, any_of: [nobody]}
  - {question: feel_ok, any_of: ["no"]}
"""
