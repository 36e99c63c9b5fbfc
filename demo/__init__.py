"""``voix demo``: the real bot against the local emulator, chatted with from the terminal.

Lives outside ``bot/`` because it uses ``telegram_emulator/``, which production code never imports.
"""
