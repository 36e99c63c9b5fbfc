"""Any sequence of events keeps a valid state, and never stores a value the question refuses.

A hypothesis state machine plays a youth pressing visible and forged buttons, typing labels,
numbers and nonsense, sending commands, stickers and restarts while reminders and follow-up offers
fire (a started follow-up continues in a new run, as the shell does). After
every step it checks the invariants the shell relies on, and that the phase reached is one the
transition table declared for that row.
"""

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conversations import callback_data
from conversations.context import Context, identity_translate
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
    EFFECT_TYPES,
    ChangeLocale,
    DiscardAnswer,
    EditQuestion,
    EraseYouth,
    Notice,
    SaveAnswer,
    Send,
    StartFollowUp,
)
from conversations.state import ConversationState, Phase
from conversations.transitions import rule_for, step, trigger_of
from referentiel.answers import is_question_shown, validate_answer
from referentiel.loading import current_referentiel, parse_referentiel
from referentiel.models import Referentiel

from .transcript import NOW, TINY

_NONE = callback_data.ButtonData(callback_data.Action.RESUME)
COMMANDS = ["pause", "reprendre", "stop", "aide", "langue", "start", "unknown", "help"]
NONSENSE = [
    "",
    " ",
    "ok",
    "0",
    "1",
    "2",
    "3",
    "4",
    "7",
    "-3",
    "15",
    "99",
    "1, 2",
    "1 3",
    "skip",
    "Passer",
    "oui",
]


class ConversationMachine(RuleBasedStateMachine):
    """One youth; ``referentiel`` is set by the subclasses below."""

    referentiel: Referentiel

    def __init__(self) -> None:
        super().__init__()
        self.state = ConversationState.new()
        self.locale = "fr"
        self.visible_data: list[str] = []
        self.stored: dict[str, object] = {}

    def context(self) -> Context:
        return Context(self.referentiel, self.locale, identity_translate, NOW)

    def apply(self, event: Event) -> None:
        before = self.state
        transition = step(before, event, self.context())
        after = transition.state
        assert ConversationState.from_json(after.to_json()) == after
        assert after.phase in rule_for(before.phase, trigger_of(event)).targets, (
            before.phase,
            event,
            after.phase,
        )
        kinds = [isinstance(output, EFFECT_TYPES) for output in transition.outputs]
        assert kinds == sorted(kinds, reverse=True), "effects must come before messages"
        notices = [output for output in transition.outputs if isinstance(output, Notice)]
        assert len(notices) <= 1 and (not notices or isinstance(event, ButtonPressed))
        for output in transition.outputs:
            self.check_output(output, after)
        self.state = after
        hypothesis_event(f"reached {after.phase.value}")
        for output in transition.outputs:
            if isinstance(output, (Send, EditQuestion)) and output.keyboard is not None:
                self.visible_data = [button.data for button in output.keyboard.buttons()] + self.visible_data[
                    :30
                ]
        started = [output.wave for output in transition.outputs if isinstance(output, StartFollowUp)]
        if started:
            assert after.phase is Phase.CLOSED and not transition.messages
            self.state, self.stored = ConversationState.new(), {}
            self.apply(FollowUpStarted(started[0]))

    def check_output(self, output: object, after: ConversationState) -> None:
        if isinstance(output, SaveAnswer):
            question = self.referentiel.question(output.question_id)
            assert validate_answer(question, output.value), output
            assert is_question_shown(question, after.answers)
            self.stored[output.question_id] = output.value
        elif isinstance(output, DiscardAnswer):
            self.stored.pop(output.question_id, None)
        elif isinstance(output, EraseYouth):
            self.stored.clear()
            assert after.phase is Phase.ERASED
        elif isinstance(output, (Send, EditQuestion)):
            assert 0 < len(output.text) <= 4096
            for button in output.keyboard.buttons() if output.keyboard else ():
                assert len(button.data.encode()) <= callback_data.MAXIMUM_BYTES
                assert callback_data.parse(button.data) is not None
        elif isinstance(output, Notice):
            assert 0 < len(output.text) <= 200
        elif isinstance(output, ChangeLocale):
            self.locale = output.locale

    @precondition(lambda self: self.state.phase is Phase.NEW)
    @rule()
    def enrol(self) -> None:
        self.apply(Enrolled())

    @precondition(lambda self: self.state.phase is Phase.NEW)
    @rule()
    def start_a_follow_up(self) -> None:
        self.apply(FollowUpStarted(self.referentiel.waves[-1].id))

    @precondition(lambda self: self.visible_data)
    @rule(data=st.data())
    def press_a_visible_button(self, data: st.DataObject) -> None:
        self.apply(ButtonPressed(data.draw(st.sampled_from(self.visible_data))))

    @precondition(lambda self: self.state.phase is Phase.CONSENT)
    @rule()
    def agree(self) -> None:
        self.apply(ButtonPressed(callback_data.consent(agree=True)))

    @precondition(lambda self: self.state.phase is Phase.QUESTIONNAIRE)
    @rule(data=st.data())
    def answer_the_current_question(self, data: st.DataObject) -> None:
        """Press one of the current question's buttons (Skip and Back included): it gets somewhere."""
        question = self.state.question_id or ""
        current = [
            datum
            for datum in self.visible_data
            if (callback_data.parse(datum) or _NONE).question_id == question
        ]
        if current:
            self.apply(ButtonPressed(data.draw(st.sampled_from(current))))

    @rule(data=st.data())
    def press_a_forged_button(self, data: st.DataObject) -> None:
        question = data.draw(st.sampled_from(self.referentiel.questions))
        option = data.draw(st.sampled_from([*question.option_ids, "nope", "yes"]))
        other = data.draw(st.sampled_from(self.referentiel.questions)).id
        forged = data.draw(
            st.sampled_from(
                [
                    callback_data.answer(question.id, option),
                    callback_data.toggle(question.id, option),
                    callback_data.answer(other, option),
                    callback_data.validate(question.id),
                    callback_data.skip(other),
                    callback_data.back(other),
                    "c:yes",
                    "c:no",
                    "x:yes",
                    "x:no",
                    "l:en",
                    "l:xx",
                    "r",
                    callback_data.follow_up(self.referentiel.waves[-1].id, start=True),
                    callback_data.follow_up(self.referentiel.waves[-1].id, start=False),
                    "n:T9",
                ]
            )
            | st.text(max_size=70)
        )
        self.apply(ButtonPressed(forged))

    @rule(data=st.data())
    def type_something(self, data: st.DataObject) -> None:
        labels = [
            option.label[language]
            for question in self.referentiel.questions
            for option in question.options
            for language in option.label
        ]
        self.apply(TextReceived(data.draw(st.sampled_from(NONSENSE + labels) | st.text(max_size=40))))

    @rule(name=st.sampled_from(COMMANDS))
    def command(self, name: str) -> None:
        self.apply(CommandReceived(name))

    @rule(kind=st.sampled_from(["sticker", "photo", "voice", "edited"]))
    def send_unsupported(self, kind: str) -> None:
        self.apply(UnsupportedMessageReceived(kind))

    @rule()
    def remind(self) -> None:
        self.apply(ReminderDue())

    @rule()
    def restart(self) -> None:
        self.apply(Restarted())

    @precondition(lambda self: len(self.referentiel.waves) > 1)
    @rule(data=st.data())
    def a_follow_up_is_due(self, data: st.DataObject) -> None:
        self.apply(FollowUpDue(data.draw(st.sampled_from(self.referentiel.waves[1:])).id, NOW))

    @precondition(lambda self: len(self.referentiel.waves) > 1)
    @rule(data=st.data())
    def open_a_later_invitation(self, data: st.DataObject) -> None:
        self.apply(InvitationOpened(data.draw(st.sampled_from(self.referentiel.waves[1:])).id))

    @invariant()
    def answers_are_valid_and_stored(self) -> None:
        for question_id, value in self.state.answers.items():
            question = self.referentiel.question(question_id)
            assert validate_answer(question, value)
            assert is_question_shown(question, self.state.answers)
        if self.state.phase is not Phase.ERASED:
            assert self.stored == self.state.answers

    @invariant()
    def a_question_is_waiting_when_one_should_be(self) -> None:
        waiting = self.state.phase in (Phase.QUESTIONNAIRE, Phase.PAUSED) or (
            self.state.phase is Phase.CONFIRMING_STOP and self.state.resume_phase is Phase.QUESTIONNAIRE
        )
        if waiting:
            question = self.referentiel.question(self.state.question_id or "")
            assert is_question_shown(question, self.state.answers)
        if self.state.selection:
            question = self.referentiel.question(self.state.question_id or "")
            assert set(self.state.selection) <= set(question.option_ids)


ConversationMachine.referentiel = current_referentiel()


class TinyMachine(ConversationMachine):
    """The same youth on the tiny référentiel (numbers, short text, an exclusive option), with a
    follow-up wave, so completed questionnaires get offers and start new runs."""

    referentiel = parse_referentiel(
        TINY.replace(
            "  - {id: T0, title: {fr: Arrivée, en: Arrival}}",
            "  - {id: T0, title: {fr: Arrivée, en: Arrival}}\n"
            "  - {id: T1, title: {fr: Suivi, en: Follow-up}, default_delay_days: 180}",
        ),
        "tiny.yaml",
    )


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        suppress_health_check=[HealthCheck.too_slow],
        deadline=None,
    )


TestShippedReferentiel = ConversationMachine.TestCase
TestShippedReferentiel.settings = _settings(60, 120)
TestTinyReferentiel = TinyMachine.TestCase
TestTinyReferentiel.settings = _settings(150, 50)
