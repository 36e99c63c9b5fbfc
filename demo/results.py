"""The indicator table a coordinator's export shows for the demo structure."""

from pathlib import Path


def structure_table(database_path: Path, structure_id: int) -> str:
    """Return the structure's indicator table as text (filled in once the export lands)."""
    return f"(table for structure {structure_id} of {database_path.name})"
