"""Generate the compact, vendored Bot API spec used by the emulator's conformance checks.

The full scraped spec (descriptions included) is about 900 KB and lives outside the project;
the emulator only needs method and type signatures, so this script keeps names, required
flags, types and return types, and writes them next to this file.

Usage: python -m telegram_emulator.generate_spec /path/to/api.json [output.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = Path(__file__).with_name("bot_api_spec.json")


def _compact_fields(raw_fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        field["name"]: {"required": bool(field["required"]), "types": list(field["types"])}
        for field in raw_fields
    }


def compact_spec(full_spec: dict[str, Any]) -> dict[str, Any]:
    """Reduce the scraped spec to signatures: methods and types with their fields."""
    methods = {
        name: {
            "returns": list(method.get("returns", [])),
            "fields": _compact_fields(method.get("fields", [])),
        }
        for name, method in full_spec["methods"].items()
    }
    types: dict[str, dict[str, Any]] = {}
    for name, type_definition in full_spec["types"].items():
        entry: dict[str, Any] = {"fields": _compact_fields(type_definition.get("fields", []))}
        if type_definition.get("subtypes"):
            entry["subtypes"] = list(type_definition["subtypes"])
        types[name] = entry
    return {
        "version": full_spec["version"],
        "release_date": full_spec["release_date"],
        "source": "PaulSonOfLars/telegram-bot-api-spec api.json (MIT), descriptions removed",
        "methods": methods,
        "types": types,
    }


def render(compact: dict[str, Any]) -> str:
    """Serialise with one method or type per line: small, yet diffs stay readable."""

    def one_line(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    for key in ("version", "release_date", "source"):
        lines.append(f"{one_line(key)}:{one_line(compact[key])},")
    for section in ("methods", "types"):
        entries = sorted(compact[section].items())
        lines.append(f"{one_line(section)}:{{")
        lines.extend(
            f"{one_line(name)}:{one_line(entry)}{',' if index < len(entries) - 1 else ''}"
            for index, (name, entry) in enumerate(entries)
        )
        lines.append("}," if section == "methods" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(arguments: list[str]) -> int:
    """Write the compact spec from the Bot API spec file given; return the exit code."""
    if not arguments or len(arguments) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(arguments[0])
    output = Path(arguments[1]) if len(arguments) == 2 else DEFAULT_OUTPUT
    full_spec = json.loads(source.read_text(encoding="utf-8"))
    compact = compact_spec(full_spec)
    output.write_text(render(compact), encoding="utf-8")
    print(f"wrote {output}: {len(compact['methods'])} methods, {len(compact['types'])} types")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
