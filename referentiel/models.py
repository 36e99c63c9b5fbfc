"""The référentiel as typed, frozen data: waves, dimensions, questions, indicators, safeguarding.

A ``Referentiel`` is what one YAML file in ``referentiel/data/`` holds once loaded. The models
check the *shape* of each field (types, id formats, label lengths); ``referentiel.validation``
checks how fields refer to one another (a condition naming a later question, an indicator
naming an unknown option…). Building a ``Referentiel`` never does I/O.

Versions are integers (1, 2, …): a référentiel is identified by ``(id, version)`` and stored
answers are always scored under the version they were collected with.

Texts are mappings from language code to text (``{"fr": "…", "en": "…"}``); every text must
exist in every language of ``Referentiel.languages``, the first of which is the default.

A question's ``options`` may be written inline or taken from a named ``scale`` declared once
under ``scales:`` (the shared agreement, change and know-how scales). "Je préfère ne pas
répondre" is never an option: the conversation offers it on every question and records it as
``None`` (see ``referentiel.answers``).
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

# Short ASCII ids travel in Telegram callback_data (64 bytes) together with the question id.
QUESTION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
MAXIMUM_QUESTION_ID_LENGTH = 20
OPTION_ID_PATTERN = r"^[a-z0-9_]+$"
MAXIMUM_OPTION_ID_LENGTH = 12
# Options are phone buttons: longer labels wrap or get cut.
MAXIMUM_OPTION_LABEL_LENGTH = 30
IDENTIFIER_PATTERN = r"^[a-z][a-z0-9_-]*$"
MAXIMUM_IDENTIFIER_LENGTH = 40

QuestionType = Literal["scale", "yes_no", "single_choice", "multiple_choice", "number", "short_text"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "scale",
    "yes_no",
    "single_choice",
    "multiple_choice",
    "number",
    "short_text",
)
# Types whose answer is one option id or a list of option ids.
CHOICE_TYPES: frozenset[str] = frozenset({"scale", "yes_no", "single_choice", "multiple_choice"})

IndicatorKind = Literal["proportion", "score", "mean", "count_at_least", "distribution"]
IndicatorUnit = Literal["percent", "score_0_100", "count"]
# Which way a value moves when things go better for the youth.
Direction = Literal["higher", "lower"]
WaveId = Literal["T0", "T1", "exit"]

LocalizedText = dict[str, Annotated[str, Field(min_length=1)]]
QuestionId = Annotated[
    str,
    Field(pattern=QUESTION_ID_PATTERN, max_length=MAXIMUM_QUESTION_ID_LENGTH),
]
OptionId = Annotated[str, Field(pattern=OPTION_ID_PATTERN, max_length=MAXIMUM_OPTION_ID_LENGTH)]
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN, max_length=MAXIMUM_IDENTIFIER_LENGTH)]
OptionLabel = dict[str, Annotated[str, Field(min_length=1, max_length=MAXIMUM_OPTION_LABEL_LENGTH)]]


class FrozenModel(BaseModel):
    """Base of every référentiel model: immutable, and unknown keys are errors (typos show up)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def __hash__(self) -> int:
        """Hash by content: texts are dicts, which pydantic's generated hash would refuse."""
        return hash((type(self).__name__, self.model_dump_json()))


class Option(FrozenModel):
    """One answer button; ``value`` places it on a scored scale (higher is more favourable)."""

    id: OptionId
    label: OptionLabel
    value: int | None = None
    # A multiple-choice option that cannot be combined with others ("personne").
    exclusive: bool = False


class Condition(FrozenModel):
    """Show a question only if an earlier question's answer is one of ``any_of``.

    For a multiple-choice question the condition holds if any chosen option is in ``any_of``.
    A missing answer (skipped or not asked) never satisfies a condition.
    """

    question: QuestionId
    any_of: tuple[OptionId, ...] = Field(min_length=1)


class Wave(FrozenModel):
    """A moment of collection: T0 on arrival or enrolment, T1 later, exit on leaving."""

    id: WaveId
    title: LocalizedText
    # Days after T0 when this wave is proposed by default; each deployment may override it.
    default_delay_days: int | None = Field(default=None, ge=1)


class Dimension(FrozenModel):
    """One of the six impact dimensions, with the key effect it tracks."""

    id: Identifier
    title: LocalizedText
    key_effect: LocalizedText
    # Shown when the questionnaire reaches this dimension: short and encouraging.
    introduction: LocalizedText


class Question(FrozenModel):
    """One question, in the order it is asked.

    ``dimension`` is ``None`` for context questions (such as time in the structure), which are
    not part of any dimension and get no introduction.
    """

    id: QuestionId
    dimension: Identifier | None
    type: QuestionType
    text: LocalizedText
    scale: Identifier | None = None
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    condition: Condition | None = None
    # A reverse item is scored as (max + min − value): agreeing means less of the construct.
    reverse: bool = False

    def option(self, option_id: str) -> Option | None:
        """Return the option with this id, or ``None``."""
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """Return the ids of the options, in order."""
        return tuple(option.id for option in self.options)


class ComparableWith(FrozenModel):
    """An indicator of an earlier version that computes the same thing (declared by the author).

    A T0→T1 change across versions exists only for such declared pairs; ``voix referentiel
    check`` refuses a declaration whose questions changed meaning (see ``referentiel.versioning``).
    """

    version: int = Field(ge=1)
    indicator: Identifier


class Indicator(FrozenModel):
    """What is published: how the answers of one youth become one value, then a group value.

    Kinds (every per-youth value is in the indicator's unit, so a group value is their mean):

    * ``proportion`` — 100 if the answer to the single question is in ``favourable`` (for a
      multiple choice: any chosen option is), else 0. Group value: a percentage.
    * ``score`` — mean of the scale items rescaled to 0–100, reverse items flipped; needs at
      least ``minimum_answered_share`` of the items answered.
    * ``mean`` — the option ``value`` (or the number) of the single question.
    * ``count_at_least`` — 100 if at least ``threshold`` of the questions have a favourable
      answer, 0 if that is no longer possible, missing if the missing answers decide.
    * ``distribution`` — the share of each option of one single-answer question (a perceived
      change is reported this way). It is published as one ``proportion`` per option
      (``distribution_of`` names it, ``Referentiel.indicators``), and never paired T0→T1.
    """

    id: Identifier
    dimension: Identifier
    kind: IndicatorKind
    unit: IndicatorUnit
    title: LocalizedText
    description: LocalizedText
    questions: tuple[QuestionId, ...] = Field(min_length=1)
    favourable: tuple[OptionId, ...] = ()
    threshold: int | None = Field(default=None, ge=1)
    minimum_answered_share: float = Field(default=2 / 3, gt=0, le=1)
    # For ``proportion``: a youth to whom the question was not shown because of its condition
    # counts as unfavourable (e.g. "who are these adults?" hidden when there are none).
    hidden_counts_as_unfavourable: bool = False
    # Fixed wording and its source, for a licensed instrument an organisation may use.
    citation: str | None = None
    # Indicators of earlier versions this one may be compared with (change T0→T1 across versions).
    comparable_with: tuple[ComparableWith, ...] = ()
    # A paired change counts a youth as *improved* when their value moved this way. "lower" is
    # for shares of an unwanted situation, such as "no school or training" (context figures).
    better: Direction = "higher"
    # Set by Voix on the per-option proportions of a distribution, never written in a file.
    distribution_of: Identifier | None = None

    @property
    def paired(self) -> bool:
        """Whether a T0→T1 change is computed: not for a distribution, already a perceived change."""
        return self.kind != "distribution" and self.distribution_of is None


# French puts a space before a colon.
_LABEL_SEPARATORS = {"fr": " : "}


def label_separator(language: str) -> str:
    """Return the colon between a label and what follows, as the language writes it."""
    return _LABEL_SEPARATORS.get(language, ": ")


def distribution_parts(indicator: Indicator, question: Question) -> tuple[Indicator, ...]:
    """Return the proportions a distribution is published as: one per option of its question.

    Each part's id is the distribution's id and the option's id (``felt_safety_change_same``);
    its title adds the option's label to the distribution's.
    """
    return tuple(
        Indicator.model_construct(
            id=f"{indicator.id}_{option.id}",
            dimension=indicator.dimension,
            kind="proportion",
            unit="percent",
            title={
                language: f"{title}{label_separator(language)}{option.label.get(language, '')}"
                for language, title in indicator.title.items()
            },
            description=indicator.description,
            questions=indicator.questions,
            favourable=(option.id,),
            threshold=None,
            minimum_answered_share=indicator.minimum_answered_share,
            hidden_counts_as_unfavourable=False,
            citation=indicator.citation,
            comparable_with=(),
            better=indicator.better,
            distribution_of=indicator.id,
        )
        for option in question.options
    )


class HelpResource(FrozenModel):
    """A place to get help (119, 3018, Fil Santé Jeunes, 112), shown after a worrying answer."""

    id: Identifier
    # The number and the service, on one line: "119 – Allô Enfance en Danger".
    name: LocalizedText
    # What it is and how to reach it: free, anonymous, hours, chat.
    description: LocalizedText
    # In every help block (119, 112); the others only after a trigger of their topic.
    always: bool = False


class SafeguardingTrigger(FrozenModel):
    """An answer after which help is shown at once; the trigger itself is never recorded.

    The first trigger of a questionnaire shows the help block: ``advice`` (what fits this answer:
    never "talk to an adult you trust" to a youth who just said they have none), the trigger's
    ``resources`` then those shown ``always``. A later trigger adds only its ``reminder`` line.
    """

    question: QuestionId
    any_of: tuple[OptionId, ...] = Field(min_length=1)
    advice: LocalizedText | None = None
    resources: tuple[Identifier, ...] = ()
    reminder: LocalizedText | None = None


class Referentiel(FrozenModel):
    """One version of a référentiel: everything needed to ask, score and publish."""

    id: Identifier
    version: int = Field(ge=1)
    title: LocalizedText
    languages: tuple[Annotated[str, Field(pattern=r"^[a-z]{2}$")], ...] = Field(min_length=1)
    scales: dict[Identifier, tuple[Option, ...]] = Field(default_factory=dict)
    waves: tuple[Wave, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    # The indicators as written in the file (``indicators:``); ``indicators`` is what is published.
    declared_indicators: tuple[Indicator, ...] = Field(default=(), alias="indicators")
    safeguarding: tuple[SafeguardingTrigger, ...] = ()
    help_resources: tuple[HelpResource, ...] = ()
    # Context questions (age band, time here) by which exports may break indicators down.
    breakdowns: tuple[QuestionId, ...] = ()
    _published: tuple[Indicator, ...] = PrivateAttr(default=())

    @model_validator(mode="before")
    @classmethod
    def _expand_scales(cls, data: Any) -> Any:
        """Copy a named scale's options into each question that uses it (written once in YAML)."""
        if not isinstance(data, dict):
            return data
        scales = data.get("scales")
        questions = data.get("questions")
        if not isinstance(scales, dict) or not isinstance(questions, list):
            return data
        expanded = []
        for question in questions:
            if (
                isinstance(question, dict)
                and "options" not in question
                and isinstance(question.get("scale"), str)
                and question["scale"] in scales
            ):
                question = {**question, "options": scales[question["scale"]]}
            expanded.append(question)
        return {**data, "questions": expanded}

    @model_validator(mode="after")
    def _publish_indicators(self) -> "Referentiel":
        """Replace each distribution by its per-option proportions, in place (``indicators``)."""
        published: list[Indicator] = []
        questions = {question.id: question for question in self.questions}
        for indicator in self.declared_indicators:
            question = questions.get(indicator.questions[0])
            if indicator.kind == "distribution" and question is not None:
                published.extend(distribution_parts(indicator, question))
            else:
                published.append(indicator)
        self._published = tuple(published)
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Return the published indicators: as declared, each distribution as one share per option."""
        return self._published

    def __hash__(self) -> int:
        """Hash by ``(id, version)``, cheap enough to key caches on a référentiel."""
        return hash(self.key)

    @property
    def key(self) -> tuple[str, int]:
        """Return ``(id, version)``, which identifies this référentiel everywhere."""
        return (self.id, self.version)

    @property
    def default_language(self) -> str:
        """Return the language used when a youth's language is not available."""
        return self.languages[0]

    def question(self, question_id: str) -> Question:
        """Return the question with this id; raise ``KeyError`` if there is none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id; raise ``KeyError`` if there is none."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the published or declared indicator with this id; raise ``KeyError`` if none."""
        for indicator in (*self.indicators, *self.declared_indicators):
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def wave(self, wave_id: str) -> Wave:
        """Return the wave with this id; raise ``KeyError`` if there is none."""
        for wave in self.waves:
            if wave.id == wave_id:
                return wave
        raise KeyError(wave_id)

    def questions_of(self, dimension_id: str) -> tuple[Question, ...]:
        """Return the questions of one dimension, in the order they are asked."""
        return tuple(question for question in self.questions if question.dimension == dimension_id)
