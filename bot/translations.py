"""Gettext catalogs, compiled in memory at start from ``locales/<language>/LC_MESSAGES/voix.po``.

Compiling at start keeps ``.mo`` files out of the repository and the build. A missing or broken
catalog stops the bot at start (``CatalogError``) instead of silently showing English or msgids to
a youth; a message missing from a catalog that did load falls back to the msgid.
"""

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from bot.errors import BotError

DOMAIN = "voix"
LOCALES_DIRECTORY = Path(__file__).resolve().parent.parent / "locales"


@dataclass(frozen=True)
class Plural:
    """A message whose words follow a number ("1 young person", "2 young people"), in both forms."""

    singular: str
    plural: str


def N_plural(singular: str, plural: str) -> Plural:
    """Mark a message with its plural for extraction (``make catalogs``: keyword ``N_plural:1,2``)."""
    return Plural(singular, plural)


class CatalogError(BotError):
    """A gettext catalog is missing or cannot be read; the message names the file."""


def catalog_path(language: str, locales_directory: Path = LOCALES_DIRECTORY) -> Path:
    """Return where the ``.po`` catalog of a language lives."""
    return locales_directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(path: Path) -> Translations:
    """Read one ``.po`` file and compile it in memory (fuzzy entries are left out, as msgfmt does)."""
    if not path.is_file():
        raise CatalogError(f"The translation catalog {path} is missing: restore it from the repository.")
    try:
        with path.open("rb") as po_file:
            catalog = read_po(po_file, abort_invalid=True)
    except (PoFileError, OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"The translation catalog {path} cannot be read: {error}") from error
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


class Translator:
    """Every loaded language, with the fallback rule in one place."""

    def __init__(self, catalogs: Mapping[str, Translations], default_language: str) -> None:
        if default_language not in catalogs:
            raise CatalogError(f"No catalog was loaded for the default language {default_language!r}.")
        self._catalogs = dict(catalogs)
        self.default_language = default_language

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages a youth can choose."""
        return tuple(self._catalogs)

    def language_for(self, requested: str | None) -> str:
        """Pick the language for a Telegram ``language_code`` such as ``fr-BE``: ours, or the default."""
        if requested:
            primary = requested.split("-")[0].split("_")[0].lower()
            if primary in self._catalogs:
                return primary
        return self.default_language

    def gettext(self, language: str, message: str, parameters: Mapping[str, Any] | None = None) -> str:
        """Translate one message and fill its ``{named}`` parameters."""
        catalog = self._catalogs.get(language) or self._catalogs[self.default_language]
        text = catalog.gettext(message) if message else message
        return text.format(**parameters) if parameters else text

    def ngettext(
        self, language: str, message: Plural, count: int, parameters: Mapping[str, Any] | None = None
    ) -> str:
        """Translate the form of a message that fits ``count`` (the language's own plural rule:
        French says "0 jeune", English "0 young people") and fill its ``{named}`` parameters."""
        catalog = self._catalogs.get(language) or self._catalogs[self.default_language]
        text = catalog.ngettext(message.singular, message.plural, count)
        return text.format(**parameters) if parameters else text


def load_translator(
    languages: Iterable[str],
    default_language: str,
    locales_directory: Path = LOCALES_DIRECTORY,
) -> Translator:
    """Compile every catalog a deployment offers; fail at start if one is missing."""
    catalogs = {
        language: compile_catalog(catalog_path(language, locales_directory)) for language in languages
    }
    return Translator(catalogs, default_language)
