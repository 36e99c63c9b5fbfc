"""The pack page's breakdowns: one table per context question, its answers as columns.

The XLSX and the JSON have one row per cell (wave, indicator, answer); printed so, the sector's
breakdowns of version 2 took most of a 28-page pack. Here each indicator and wave is one row, and
each answer of the context question (« 13-14 ans », « 15-16 ans »…) a column, so that a row reads
across the ages as the workshop compares them: the value, its 95 % interval and its n, a band, or
« masqué ». A row whose every cell is masked says nothing and is left out (the XLSX and the JSON
keep it).
"""

from collections.abc import Sequence
from html import escape
from typing import Any

from admin.table_words import breakable
from referentiel.loading import find_referentiel

# After the indicator's identifier: what its values are in.
UNIT_SUFFIXES = {"percent": " (%)", "score_0_100": " (sur 100)", "count": " (nombre)"}
MASKED = "masqué"
NO_BREAK = "\u00a0"


def breakdown_tables(rows: Sequence[dict[str, Any]], several_versions: bool) -> str:
    """Every context question's table, in the order the pack's rows first name them."""
    questions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        questions.setdefault((row["referentiel_version"], row["question"]), []).append(row)
    tables = [
        _table(version, question, found, several_versions) for (version, question), found in questions.items()
    ]
    shown = [table for table in tables if table]
    return "".join(shown) if shown else "<p>Rien à signaler.</p>"


def _table(version: str, question_id: str, rows: list[dict[str, Any]], several_versions: bool) -> str:
    """One context question's table, or "" where every cell is masked."""
    options: dict[str, str] = {}
    lines: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        options.setdefault(row["option"], row["option_label"])
        lines.setdefault((row["wave"], row["indicator"], row["unit"]), {})[row["option"]] = row
    shown = {
        line: cells
        for line, cells in lines.items()
        if any(cell["reason"] is None or cell["band"] for cell in cells.values())
    }
    if not shown:
        return ""
    identifier, _, number = version.rpartition("/")
    referentiel = find_referentiel(identifier, int(number))
    text = referentiel.question(question_id).text[referentiel.default_language]
    which = f" (v{number})" if several_versions else ""
    head = "<th>Vague</th><th>Indicateur</th>" + "".join(
        f"<th>{breakable(label)}</th>" for label in options.values()
    )
    body = "".join(
        f"<tr><td>{escape(wave)}</td>"
        f"<td>{breakable(indicator + UNIT_SUFFIXES.get(unit, ''), identifier=True)}</td>"
        + "".join(_cell(cells.get(option)) for option in options)
        + "</tr>"
        for (wave, indicator, unit), cells in shown.items()
    )
    return (
        f"<h3>Selon « {escape(text)} »{which}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _cell(row: dict[str, Any] | None) -> str:
    """A cell: the value, then its interval and n on a line below; a band; or « masqué »."""
    if row is None:
        return "<td></td>"  # no youth gave that answer at that wave
    if row["reason"] is None and row["value"] is not None:
        interval = (
            f"{_number(row['ci_low'])}–{_number(row['ci_high'])}"
            if row["ci_low"] is not None and row["ci_high"] is not None
            else ""
        )
        counted = f"n{NO_BREAK}{row['n']}" if row["n"] is not None else ""
        detail = " ; ".join(part for part in (interval, counted) if part)
        return f'<td class="number">{_number(row["value"])}<br>{escape(detail)}</td>'
    if row["band"]:
        band = row["band"].replace(" ", NO_BREAK)  # "< 10 %" on one line
        return f'<td class="number">{escape(band)}</td>'
    return f"<td>{MASKED}</td>"


def _number(value: float) -> str:
    return str(value + 0).replace(".", ",")  # -0.0 reads "0,0"
