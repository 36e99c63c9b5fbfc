"""Catalogs compile at start, every msgid is translated in French, and a missing catalog stops the bot."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.translations import LOCALES_DIRECTORY, CatalogError, N_plural, catalog_path, load_translator

ROOT = LOCALES_DIRECTORY.parent


def extracted_msgids() -> set[str]:
    """Return every msgid the shell and the engine mark, as ``make catalogs`` extracts them."""
    keywords = {"N_": None, "_": None, "N_plural": (1, 2)}
    msgids: set[str] = set()
    for package in ("bot", "conversations"):
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / package, keywords=keywords):
            msgids.add(message if isinstance(message, str) else message[0])
    return msgids


def test_every_marked_message_is_translated_in_french() -> None:
    with catalog_path("fr").open("rb") as po_file:
        catalog = read_po(po_file)
    translations = {
        _singular(message.id): message.string for message in catalog if message.id and not message.fuzzy
    }
    untranslated = sorted(msgid for msgid in extracted_msgids() if not _every_form(translations.get(msgid)))
    assert untranslated == []


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _every_form(translated: str | tuple[str, ...] | None) -> bool:
    """A translation, and for a message with a plural each of its forms (French has two)."""
    if isinstance(translated, tuple | list):
        return len(translated) == 2 and all(translated)
    return bool(translated)


def test_french_keeps_every_parameter_of_each_msgid() -> None:
    with catalog_path("fr").open("rb") as po_file:
        catalog = read_po(po_file)
    for message in catalog:
        if isinstance(message.id, tuple | list):  # each form keeps the fields of its English form
            for english, french in zip(message.id, message.string, strict=True):
                assert sorted(_fields(english)) == sorted(_fields(french)), message.id
        elif message.id:
            assert sorted(_fields(message.id)) == sorted(_fields(message.string)), message.id


def _fields(text: str) -> list[str]:
    import string

    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


def test_translator_translates_fills_parameters_and_picks_languages() -> None:
    translator = load_translator(("fr", "en"), "fr")
    assert translator.gettext("fr", "Skip") == "Passer"
    assert translator.gettext("en", "Skip") == "Skip"
    assert translator.gettext("fr", "{position}/{total}", {"position": 3, "total": 28}) == "3/28"
    assert translator.language_for("en-GB") == "en"
    assert translator.language_for("de") == "fr"
    assert translator.language_for(None) == "fr"


def test_the_number_picks_the_form_by_each_languages_rule() -> None:
    translator = load_translator(("fr", "en"), "fr")
    header = N_plural("{structure}: {count} young person", "{structure}: {count} young people")
    said = {
        (language, count): translator.ngettext(language, header, count, {"structure": "MECS", "count": count})
        for language in ("fr", "en")
        for count in (0, 1, 2)
    }
    assert said == {
        ("fr", 0): "MECS : 0 jeune",
        ("fr", 1): "MECS : 1 jeune",
        ("fr", 2): "MECS : 2 jeunes",
        ("en", 0): "MECS: 0 young people",
        ("en", 1): "MECS: 1 young person",
        ("en", 2): "MECS: 2 young people",
    }


def test_a_missing_catalog_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="missing"):
        load_translator(("fr",), "fr", locales_directory=tmp_path)


def test_a_broken_catalog_fails_loudly(tmp_path: Path) -> None:
    path = catalog_path("fr", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Skip"\nmsgstr "Passer"\nthis is not a po line\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_translator(("fr",), "fr", locales_directory=tmp_path)
