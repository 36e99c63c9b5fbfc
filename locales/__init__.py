"""Gettext catalogs (``<language>/LC_MESSAGES/voix.po``), compiled in memory at start."""

from pathlib import Path

LOCALES_DIRECTORY = Path(__file__).parent
DOMAIN = "voix"
