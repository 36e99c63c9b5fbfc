"""Fixtures of the engine tests: the shipped référentiel, a tiny one, and chats at the usual points."""

import pytest

from bot.translations import load_translator
from conversations.context import Translate
from referentiel.loading import find_referentiel, parse_referentiel
from referentiel.models import Referentiel

from .transcript import TINY, Chat


@pytest.fixture
def referentiel() -> Referentiel:
    """Return the shipped version 1: these tests walk through its questions by id."""
    return find_referentiel("voix-mecs", 1)


@pytest.fixture
def tiny() -> Referentiel:
    """Return a tiny référentiel: a number, a multiple choice with an exclusive option, a
    conditional yes/no, a short text, and safeguarding triggers on a choice and on the last question."""
    return parse_referentiel(TINY, "tiny.yaml")


@pytest.fixture(scope="session")
def catalogs() -> Translate:
    """Return the translation of the shipped French and English catalogs, as the bot loads them."""
    return load_translator(("fr", "en"), "fr").gettext


@pytest.fixture
def chat(referentiel: Referentiel) -> Chat:
    return Chat(referentiel)


@pytest.fixture
def consented(chat: Chat) -> Chat:
    """Return a chat where the youth has agreed and sees the first question."""
    chat.enrol()
    chat.press("Yes, I agree")
    return chat


@pytest.fixture
def tiny_chat(tiny: Referentiel) -> Chat:
    chat = Chat(tiny)
    chat.enrol()
    chat.press("Yes, I agree")
    return chat
