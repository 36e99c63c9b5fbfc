"""Gettext catalogs (``<language>/LC_MESSAGES/voix.po``), compiled in memory at start by ``bot.translations``."""

from pathlib import Path

LOCALES_DIRECTORY = Path(__file__).parent
DOMAIN = "voix"
