"""Storage: SQLite, its migrations and the pseudonymisation — everything durable, nothing of Telegram.

Both the Telegram adapter (``bot/``) and the administrator's commands (``admin/``) read and write
through these modules; none of them imports ``telegram``.
"""
