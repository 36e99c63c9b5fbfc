"""The Telegram shell around the pure engine: handlers, storage, sending (see ARCHITECTURE.md)."""
