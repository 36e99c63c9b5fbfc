"""How easy each item is to read, so ``voix referentiel check`` can show it to authors.

The youth are 13 to 18, some with reading difficulties, reading on a phone. Two figures per
question text, in each language:

* its number of words, against a maximum (about 15: one idea, short words);
* a readability score from the maintained ``textstat`` library rather than our own syllable
  counting: Flesch Reading Ease with the constants of the language (for French, Kandel & Moles
  1958: 207 − 1.015 × words per sentence − 73.6 × syllables per word; syllables from Pyphen's
  hyphenation dictionaries). 0–100, higher is easier; 60 or more is plain language, 80 or more
  easy. A one-sentence question has few words, so the score mostly follows word length.

Only languages whose syllables textstat counts with Pyphen's bundled dictionaries get a score:
for English it would load NLTK's CMU dictionary, which is downloaded at run time (no network
here, and a checker must not need one), so English items get their word count only. Pure:
textstat reads bundled files.
"""

import functools
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from referentiel.models import Referentiel

if TYPE_CHECKING:
    from textstat.textstat import textstatistics

DEFAULT_MAXIMUM_WORDS = 15
# Languages with Flesch constants in textstat and syllables from Pyphen (others: words only).
SCORED_LANGUAGES = frozenset({"fr", "de", "es", "it", "nl"})
# Word counting does not depend on the language.
_WORDS_LANGUAGE = "fr"


@dataclass(frozen=True)
class ItemReading:
    """One question text in one language: how long it is and how easy to read."""

    question_id: str
    language: str
    words: int
    reading_ease: float | None


@functools.cache
def _textstat(language: str) -> "textstatistics":
    """One textstat instance per language (its language is instance state).

    Imported here, not with the module: textstat loads NLTK and SciPy (over a second), which every
    ``voix`` command would otherwise pay to build its parser.
    """
    from textstat.textstat import textstatistics

    instance = textstatistics()
    instance.set_lang(language)
    instance.set_rounding_points(None)
    return instance


def read_item(question_id: str, language: str, text: str) -> ItemReading:
    """Return the number of words and the reading ease of one text."""
    measure = _textstat(language if language in SCORED_LANGUAGES else _WORDS_LANGUAGE)
    words = int(measure.lexicon_count(text))
    ease = float(measure.flesch_reading_ease(text)) if language in SCORED_LANGUAGES else None
    return ItemReading(question_id, language, words, None if ease is None else round(ease, 1))


def item_readings(referentiel: Referentiel) -> list[ItemReading]:
    """Return every question's reading in every language, in the order of the questionnaire."""
    return [
        read_item(question.id, language, question.text[language])
        for question in referentiel.questions
        for language in referentiel.languages
        if language in question.text
    ]


def long_items(readings: list[ItemReading], maximum_words: int = DEFAULT_MAXIMUM_WORDS) -> list[ItemReading]:
    """Return the readings over the maximum number of words."""
    return [reading for reading in readings if reading.words > maximum_words]


@dataclass(frozen=True)
class ReadingSummary:
    """The figures of one language over a questionnaire, as the README states them."""

    language: str
    items: int
    median_words: float
    longest_words: int
    median_ease: float | None
    lowest_ease: float | None
    hardest_item: str | None


def summarise_language(readings: list[ItemReading], language: str) -> ReadingSummary:
    """Return the median and extremes of one language's readings."""
    chosen = [reading for reading in readings if reading.language == language]
    if not chosen:
        raise ValueError(f"no item in {language!r}")
    scored = [reading for reading in chosen if reading.reading_ease is not None]
    hardest = min(scored, key=lambda reading: reading.reading_ease or 0.0) if scored else None
    return ReadingSummary(
        language,
        len(chosen),
        statistics.median(reading.words for reading in chosen),
        max(reading.words for reading in chosen),
        round(statistics.median(reading.reading_ease or 0.0 for reading in scored), 1) if scored else None,
        hardest.reading_ease if hardest else None,
        hardest.question_id if hardest else None,
    )
