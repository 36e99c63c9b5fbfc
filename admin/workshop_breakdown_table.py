"""The pack page's breakdowns: one table per context question, its answers as columns.

The XLSX and the JSON have one row per cell (wave, indicator, answer); printed so, the sector's
breakdowns of version 2 took most of a 28-page pack. Here each indicator and wave is one row, and
each answer of the context question (« 13-14 ans », « 15-16 ans »…) a column, so that a row reads
across the ages as the workshop compares them: the value, its 95 % interval and its n, a band, or
« masqué » (« non posée » where the indicator's questions are not asked after that answer). A row
whose every cell is masked says nothing and is left out (the XLSX and the JSON keep it), but that
of an indicator never broken down, which says why.
"""

from collections.abc import Sequence
from html import escape
from typing import Any

from admin.context_questions import not_broken_down_by
from admin.table_words import breakable
from admin.workshop_items import french_number
from referentiel.loading import find_referentiel

# After the indicator's identifier: what its values are in.
UNIT_SUFFIXES = {"percent": " (%)", "score_0_100": " (sur 100)", "count": " (nombre)"}
MASKED = "masqué"
NOT_ASKED = "non posée"
# An indicator whose n in a cell counts answers to another question (``not_broken_down_by``): no cell.
NOT_BROKEN_DOWN = (
    "non ventilé : son nombre de jeunes par case dirait combien ont donné une réponse à une autre question"
)
NO_BREAK = "\u00a0"
ALL_MASKED = "Toutes les cases sont masquées : trop peu de jeunes par réponse dans ce groupe."


def breakdown_tables(rows: Sequence[dict[str, Any]], several_versions: bool) -> str:
    """Every context question's table, in the order the pack's rows first name them."""
    questions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        questions.setdefault((row["referentiel_version"], row["question"]), []).append(row)
    tables = {key: _table(*key, found, several_versions) for key, found in questions.items()}
    if any(tables.values()):
        # A question whose cells are all masked keeps its heading: not silently left out.
        return "".join(
            table or f"{_heading(*key, several_versions)}<p>{ALL_MASKED}</p>" for key, table in tables.items()
        )
    if rows:  # every cell masked: not « nothing to report »
        return f"<p>{ALL_MASKED}</p>"
    return "<p>Aucune question de contexte n’a encore de réponse.</p>"


def _heading(version: str, question_id: str, several_versions: bool) -> str:
    """« Selon » the context question's text, and its version where the pack has several."""
    identifier, _, number = version.rpartition("/")
    referentiel = find_referentiel(identifier, int(number))
    text = referentiel.question(question_id).text[referentiel.default_language]
    which = f" (v{number})" if several_versions else ""
    return f"<h3>Selon « {escape(text)} »{which}</h3>"


def _table(version: str, question_id: str, rows: list[dict[str, Any]], several_versions: bool) -> str:
    """One context question's table, or "" where every cell is masked."""
    identifier, _, number = version.rpartition("/")
    referentiel = find_referentiel(identifier, int(number))
    counting = not_broken_down_by(referentiel, question_id)
    options: dict[str, str] = {}
    lines: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        options.setdefault(row["option"], row["option_label"])
        lines.setdefault((row["wave"], row["indicator"], row["unit"]), {})[row["option"]] = row
    shown = {
        line: cells
        for line, cells in lines.items()
        if line[1] in counting or any(cell["reason"] is None or cell["band"] for cell in cells.values())
    }
    if all(line[1] in counting for line in shown):
        return ""
    head = "<th>Vague</th><th>Indicateur</th>" + "".join(
        f"<th>{breakable(label)}</th>" for label in options.values()
    )
    body = []
    for (wave, indicator_id, unit), cells in shown.items():
        name = breakable(indicator_id + UNIT_SUFFIXES.get(unit, ""), identifier=True)
        if indicator_id in counting:
            # Kept, not left out: the workshop sees that it is not broken down, and why.
            cells_html = f'<td colspan="{len(options)}">{escape(NOT_BROKEN_DOWN)}</td>'
        else:
            cells_html = "".join(_cell(cells.get(option)) for option in options)
        body.append(f"<tr><td>{escape(wave)}</td><td>{name}</td>{cells_html}</tr>")
    return (
        f"{_heading(version, question_id, several_versions)}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _cell(row: dict[str, Any] | None) -> str:
    """A cell: the value, then its interval and n on a line below; a band; or « masqué »."""
    if row is None:
        return "<td></td>"  # no youth gave that answer at that wave
    if row["reason"] == "not_asked":  # the rows' own decision (``breakdown_rows``)
        return f"<td>{NOT_ASKED}</td>"
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
    return french_number(value + 0)  # -0.0 reads "0,0"
