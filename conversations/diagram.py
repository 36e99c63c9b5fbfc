"""The phase diagram, drawn from ``transitions.TABLE`` so that it cannot drift from the code.

``mermaid_diagram()`` returns a Mermaid ``stateDiagram-v2``: one arrow per (phase, target)
pair, labelled with the triggers that lead there. Moves that stay in the same phase (re-prompts,
help, toggles…) are left out to keep it readable; the table in ``transitions`` lists them all.
``docs/conversation.md`` embeds the output; a test checks that the file is up to date.
"""

from conversations.state import Phase
from conversations.transitions import TABLE, Trigger


def arrows() -> dict[tuple[Phase, Phase], list[Trigger]]:
    """Return, for each move between two different phases, the triggers that may cause it."""
    found: dict[tuple[Phase, Phase], list[Trigger]] = {}
    for phase, rows in TABLE.items():
        for trigger, row in rows.items():
            for target in sorted(row.targets - {phase}, key=list(Phase).index):
                found.setdefault((phase, target), []).append(trigger)
    return found


def mermaid_diagram() -> str:
    """Return the Mermaid source of the phase diagram."""
    lines = ["stateDiagram-v2", f"    [*] --> {Phase.NEW.name}"]
    for (source, target), triggers in arrows().items():
        label = ", ".join(trigger.value for trigger in triggers)
        lines.append(f"    {source.name} --> {target.name}: {label}")
    lines.append(f"    {Phase.ERASED.name} --> [*]")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a developer's convenience
    print(mermaid_diagram(), end="")
