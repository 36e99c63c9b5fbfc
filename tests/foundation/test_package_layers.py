"""The package picture of ARCHITECTURE.md, checked: who may import whom.

* ``storage/`` and ``admin/`` never load ``telegram``, directly or through another module;
* ``storage/`` never imports the Telegram adapter (``bot``) nor the admin commands;
* nothing imports ``admin/`` but the command root ``voix/cli.py``, with what it gives the bot
  (``voix/bot_results.py``), and ``admin/`` itself: what another package needs of it (the bot's
  results, the demo's table) the root gives it.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("referentiel", "conversations", "storage", "voix", "bot", "admin", "demo", "telegram_emulator")


def imported_packages(module: Path) -> set[str]:
    """Top-level package names a module imports, wherever the import stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def test_storage_imports_neither_the_adapter_nor_the_admin_commands():
    for module in modules_of("storage"):
        assert not imported_packages(module) & {"telegram", "bot", "admin", "demo"}, module.name


def test_only_the_command_root_imports_admin():
    importers = [
        f"{package}/{module.name}"
        for package in PACKAGES
        if package != "admin"
        for module in modules_of(package)
        if "admin" in imported_packages(module)
    ]
    assert importers == ["voix/bot_results.py", "voix/cli.py"]


def test_storage_and_admin_load_no_telegram_module():
    names = [f"{package}.{module.stem}" for package in ("storage", "admin") for module in modules_of(package)]
    program = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'telegram', 'bot'}))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
