"""Shared pytest configuration: the emulator fixtures live in tests/support/ and are loaded here."""
