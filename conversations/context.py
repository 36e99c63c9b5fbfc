"""What one step may know besides the state and the event: the référentiel, language, translations, time.

The shell builds a ``Context`` for every step: the référentiel version of this youth's run, the
youth's locale, the translation function and the current time. Nothing else reaches the engine,
so every step is a pure function of (state, event, context).

Every user-facing text of the engine is an English msgid marked with ``N_`` (so ``pybabel
extract -k N_`` finds it) and translated here at the last moment; ``{named}`` parameters are filled
after translation, so translators may move them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from referentiel.aggregation import DEFAULT_MINIMUM_GROUP_SIZE
from referentiel.models import Referentiel

# (locale, msgid) -> translated text; ``bot.translations.Translator.gettext`` fits.
Translate = Callable[[str, str], str]


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it (translation happens in ``Context.text``)."""
    return message


@dataclass(frozen=True)
class Context:
    """The outside world as the engine may see it during one step (read-only)."""

    referentiel: Referentiel
    locale: str
    translate: Translate
    now: datetime
    # The deployment's smallest published group, promised to the youth in the consent notice.
    minimum_group_size: int = DEFAULT_MINIMUM_GROUP_SIZE

    def text(self, message: str, **parameters: object) -> str:
        """Translate a msgid into the youth's language and fill its ``{named}`` parameters."""
        translated = self.translate(self.locale, message)
        return translated.format(**parameters) if parameters else translated

    def localized(self, texts: Mapping[str, str]) -> str:
        """Pick a référentiel text in the youth's language, else in the référentiel's default one."""
        return texts.get(self.locale) or texts[self.referentiel.default_language]

    def with_locale(self, locale: str) -> "Context":
        """Return the same context in another language (after the youth chose it with /langue)."""
        return replace(self, locale=locale)


def identity_translate(locale: str, message: str) -> str:
    """Return the msgid itself: English, for tests and for a deployment without catalogs."""
    return message


def choose_locale(language_code: str | None, referentiel: Referentiel) -> str:
    """Pick the youth's first locale from Telegram's ``language_code`` (``fr-BE`` → ``fr``)."""
    if language_code:
        primary = language_code.split("-")[0].split("_")[0].lower()
        if primary in referentiel.languages:
            return primary
    return referentiel.default_language
