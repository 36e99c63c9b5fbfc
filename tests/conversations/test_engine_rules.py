"""The engine's house rules: pure, small modules, a documented diagram, every text extractable."""

import ast
import io
from pathlib import Path

from babel.messages.extract import extract

import conversations
from conversations import texts
from conversations.diagram import mermaid_diagram, with_current_diagram
from conversations.state import Phase
from conversations.transitions import STARTING_TRIGGERS, TABLE, Trigger, rule_for

PACKAGE = Path(conversations.__file__).parent
DOCUMENT = PACKAGE.parent / "docs" / "conversation.md"
FORBIDDEN = {
    "telegram",
    "aiosqlite",
    "apscheduler",
    "babel",
    "bot",
    "admin",
    "storage",
    "voix",
    "httpx",
    "sqlite3",
    "os",
    "pathlib",
}


def modules():
    return sorted(PACKAGE.glob("*.py"))


def test_the_engine_imports_no_io_nor_the_shell():
    for module in modules():
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{module.name} imports {name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"open", "print", "input"}, f"{module.name} calls {node.func.id}"


def test_modules_stay_small_and_explain_themselves():
    for module in modules():
        source = module.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 400, module.name
        assert ast.get_docstring(ast.parse(source)), f"{module.name} has no docstring"


def test_the_documented_diagram_is_the_table():
    document = DOCUMENT.read_text(encoding="utf-8")
    assert with_current_diagram(document) == document, (
        "refresh docs/conversation.md (see conversations.diagram)"
    )
    assert mermaid_diagram().startswith("stateDiagram-v2\n")


def test_every_phase_and_trigger_has_a_rule():
    for phase in Phase:
        for trigger in Trigger:
            if trigger in STARTING_TRIGGERS and phase is not Phase.NEW:
                continue
            assert rule_for(phase, trigger).targets, (phase, trigger)
    assert set(TABLE) == set(Phase)


def test_every_text_is_extracted_for_translators():
    source = (PACKAGE / "texts.py").read_bytes()
    extracted = {message for _, message, _, _ in extract("python", io.BytesIO(source), keywords={"N_": None})}
    written = {
        value
        for name, value in vars(texts).items()
        if name.isupper() and isinstance(value, str) and name != "NOTICE_VERSION"
    }
    assert written == extracted
