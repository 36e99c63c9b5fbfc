"""``voix admin export answers``: the answers themselves, for the evaluation team — personal data.

One row per youth and wave, one column per question, and a codebook (each question's text in
each language, its options with their codes and values, whether it is reversed, the version).
Nothing is masked here: these are the answers of identifiable groups, so the command is for the
administrator only, every export is audited with its counts, and the README says what the GDPR
asks of whoever holds the file.

The youth are named by an export pseudonym, a keyed hash of their stored pseudonym under a key
made for this export and then forgotten: the same youth has the same name in T0 and T1 of one
export, and two exports cannot be joined.
"""

import argparse
import csv
import hashlib
import hmac
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from admin.commands import add_command, add_scope_arguments, format_from_out
from admin.context import AdminContext, record_admin_audit, write_transaction
from admin.errors import UsageError, unreadable_answer
from admin.export_formats import BOOLEAN_WORDS, CSV_LINE_END, append_as_text, neutralised
from referentiel.errors import ReferentielError
from referentiel.loading import current_referentiel, find_referentiel
from referentiel.models import Referentiel
from storage.clock import timestamp
from storage.youth_records import decode_answer

FORMATS = ("xlsx", "csv", "json")
FORMAT_OF_EXTENSION = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}
FIXED_COLUMNS = ("youth", "organisation", "structure", "wave", "referentiel", "version", "completed")
CODEBOOK_COLUMNS = (
    "version",
    "question",
    "dimension",
    "type",
    "reverse",
    "text_fr",
    "text_en",
    "option",
    "value",
    "label_fr",
    "label_en",
)
PERSONAL_DATA = (
    "Données personnelles (RGPD) : réponses individuelles pseudonymisées. Réservé à l’équipe "
    "d’évaluation ; à conserver chiffré, à ne pas diffuser, à effacer à la fin de l’étude."
)
EXPORT_PSEUDONYM_HEX = 12


@dataclass(frozen=True)
class AnswersTable:
    """The exported answers: the question columns, one row per youth and wave, and the codebook."""

    questions: tuple[str, ...]
    rows: list[dict[str, object]]
    codebook: list[dict[str, object]]
    referentiels: tuple[Referentiel, ...]
    exported_at: datetime

    @property
    def youth_count(self) -> int:
        return len({row["youth"] for row in self.rows})


def collect_answers(
    connection: sqlite3.Connection,
    structure_scope: Sequence[int] | None,
    waves: Sequence[str] | None,
    random_bytes: Callable[[int], bytes],
    now: datetime,
) -> AnswersTable:
    """Read the runs in scope with their answers; name each youth by a pseudonym of this export only."""
    export_key = random_bytes(32)
    filters: list[str] = []
    parameters: list[object] = []
    if structure_scope is not None:
        filters.append(f"structures.id IN ({','.join('?' * len(structure_scope))})")
        parameters.extend(structure_scope)
    if waves is not None:
        filters.append(f"runs.wave IN ({','.join('?' * len(waves))})")
        parameters.extend(waves)
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    runs = connection.execute(
        "SELECT runs.id, youth.pseudonym, organisations.name, structures.name, runs.wave, "
        "runs.referentiel_id, runs.referentiel_version, runs.status FROM runs "
        "JOIN youth ON youth.id = runs.youth_id "
        "JOIN structures ON structures.id = coalesce(runs.structure_id, youth.structure_id) "
        f"JOIN organisations ON organisations.id = structures.organisation_id {where} "
        "ORDER BY organisations.name, structures.name, youth.pseudonym, runs.wave",
        parameters,
    ).fetchall()
    answers: dict[int, dict[str, object]] = {}
    for run_id, question_id, value in connection.execute("SELECT run_id, question_id, value FROM answers"):
        try:
            decoded = decode_answer(value)
        except ValueError as error:
            youth_id, wave = connection.execute(
                "SELECT youth_id, wave FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
            what = f"stored answer {value!r} to {question_id!r} is not JSON"
            raise unreadable_answer(connection, youth_id, wave, what) from error
        answers.setdefault(run_id, {})[question_id] = _cell(decoded)
    referentiels = _referentiels({(row[5], int(row[6])) for row in runs})
    questions = _question_columns(referentiels)
    rows = [
        {
            "youth": _export_pseudonym(export_key, pseudonym),
            "organisation": organisation,
            "structure": structure,
            "wave": wave,
            "referentiel": referentiel_id,
            "version": int(version),
            "completed": status == "completed",
            **{question: answers.get(run_id, {}).get(question) for question in questions},
        }
        for run_id, pseudonym, organisation, structure, wave, referentiel_id, version, status in runs
    ]
    return AnswersTable(questions, rows, _codebook(referentiels), referentiels, now)


def write_answers(table: AnswersTable, export_format: str, stream: IO[Any], codebook: IO[str] | None) -> None:
    """Write the table as XLSX (answers, codebook, Lisez-moi), JSON, or CSV (+ codebook CSV)."""
    columns = (*FIXED_COLUMNS, *table.questions)
    if export_format == "json":
        json.dump(
            {"personal_data": PERSONAL_DATA, "answers": table.rows, "codebook": table.codebook},
            stream,
            ensure_ascii=False,
            indent=1,
        )
        stream.write("\n")
    elif export_format == "csv":
        _write_csv(stream, columns, table.rows)
        if codebook is not None:
            _write_csv(codebook, CODEBOOK_COLUMNS, table.codebook)
    else:
        workbook = Workbook()
        readme = workbook.active
        assert readme is not None
        readme.title = "Lisez-moi"
        for line in _readme_lines(table):
            append_as_text(readme, [line])
        for title, sheet_columns, rows in (
            ("Réponses", columns, table.rows),
            ("Codebook", CODEBOOK_COLUMNS, table.codebook),
        ):
            sheet = workbook.create_sheet(title)
            sheet.append(list(sheet_columns))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                append_as_text(sheet, [_spreadsheet_cell(row.get(column)) for column in sheet_columns])
            sheet.freeze_panes = "A2"
        workbook.save(stream)


def register_answers_export(
    exports: "argparse._SubParsersAction[argparse.ArgumentParser]",
    context: AdminContext,
    resolve_scope: Callable[[sqlite3.Connection, Sequence[str], Sequence[str]], tuple[list[int] | None, str]],
) -> None:
    """Add ``voix admin export answers`` (the scope and the output file work as for the scores)."""

    def command(arguments: argparse.Namespace, context: AdminContext) -> int:
        export_format = format_from_out(arguments.format, arguments.out, FORMAT_OF_EXTENSION)
        # Checked here, not when the parser is built: a damaged référentiel must not break `voix --help`.
        if arguments.wave not in (*_wave_ids(), "all"):
            raise UsageError(f"--wave must be one of {', '.join(_wave_ids())} or all, not {arguments.wave}")
        waves = None if arguments.wave == "all" else (arguments.wave,)
        now = context.clock()
        with context.connection() as connection:
            scope, description = resolve_scope(connection, arguments.structure, arguments.organisation)
            table = collect_answers(connection, scope, waves, context.random_bytes, now)

            def audit() -> None:
                """Audited before the files are put in place: personal data never leave unaudited
                (a busy database then leaves no file: the command can simply be run again)."""
                with write_transaction(connection):
                    record_admin_audit(
                        connection,
                        "answers exported",
                        now,
                        {
                            "format": export_format,
                            "scope": description,
                            "waves": arguments.wave,
                            "rows": len(table.rows),
                            "youth": table.youth_count,
                            "questions": len(table.questions),
                        },
                    )

            if export_format == "csv":
                codebook_path = arguments.out.with_name(arguments.out.stem + ".codebook.csv")
                with (
                    context.open_out(arguments.out, False, "answers.csv") as stream,
                    context.open_out(codebook_path, False, beside="the codebook") as codebook,
                ):
                    write_answers(table, export_format, stream, codebook)
                    audit()
            else:
                with context.open_out(
                    arguments.out, export_format == "xlsx", f"answers.{export_format}"
                ) as stream:
                    write_answers(table, export_format, stream, None)
                    audit()
        print(
            f"{len(table.rows)} rows ({table.youth_count} youth) written to {arguments.out}.", file=sys.stderr
        )
        print(PERSONAL_DATA, file=sys.stderr)
        return 0

    parser = add_command(
        exports,
        "answers",
        "Export the answers (one row per youth and wave) and their codebook for the evaluation team: "
        "personal data, administrator only.",
        command,
        context,
        with_json=False,
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="PATH", help="the file to write (.xlsx, .csv, .json)"
    )
    parser.add_argument("--format", choices=FORMATS, help="output format (default: --out's extension)")
    parser.add_argument(
        "--wave",
        default="all",
        metavar="WAVE",
        help="one wave of the référentiel (T0, T1, exit), or all (default)",
    )
    add_scope_arguments(parser)


def _wave_ids() -> tuple[str, ...]:
    return tuple(wave.id for wave in current_referentiel().waves)


def _referentiels(keys: set[tuple[str, int]]) -> tuple[Referentiel, ...]:
    if not keys:
        return (current_referentiel(),)
    try:
        return tuple(find_referentiel(referentiel_id, version) for referentiel_id, version in sorted(keys))
    except ReferentielError as error:
        raise UsageError(error.message) from None


def _question_columns(referentiels: Sequence[Referentiel]) -> tuple[str, ...]:
    """Every question of the versions exported, the newest version's order first."""
    seen: dict[str, None] = {}
    for referentiel in sorted(referentiels, key=lambda item: item.version, reverse=True):
        seen.update((question.id, None) for question in referentiel.questions)
    return tuple(seen)


def _codebook(referentiels: Sequence[Referentiel]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for referentiel in referentiels:
        for question in referentiel.questions:
            base: dict[str, object] = {
                "version": referentiel.version,
                "question": question.id,
                "dimension": question.dimension or "",
                "type": question.type,
                "reverse": question.reverse,
                "text_fr": question.text.get("fr", ""),
                "text_en": question.text.get("en", ""),
            }
            options = question.options or ()
            if not options:
                rows.append({**base, "option": "", "value": None, "label_fr": "", "label_en": ""})
            for option in options:
                rows.append(
                    {
                        **base,
                        "option": option.id,
                        "value": option.value,
                        "label_fr": option.label.get("fr", ""),
                        "label_en": option.label.get("en", ""),
                    }
                )
    return rows


def _export_pseudonym(export_key: bytes, pseudonym: str) -> str:
    return hmac.new(export_key, pseudonym.encode(), hashlib.sha256).hexdigest()[:EXPORT_PSEUDONYM_HEX]


def _cell(value: object) -> object:
    """An answer as one cell: the option code, the number, the text; several options joined by ``|``."""
    if isinstance(value, (tuple, list)):
        return "|".join(str(item) for item in value)
    return value


def _spreadsheet_cell(value: object) -> object:
    if isinstance(value, bool):
        return BOOLEAN_WORDS[value]
    return neutralised(value) if isinstance(value, str) else value


def _write_csv(stream: IO[str], columns: Sequence[str], rows: Sequence[dict[str, object]]) -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator=CSV_LINE_END)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if row.get(column) is None else _spreadsheet_cell(row.get(column)) for column in columns]
        )


def _readme_lines(table: AnswersTable) -> list[str]:
    versions = ", ".join(f"{item.id} v{item.version}" for item in table.referentiels)
    return [
        "Réponses individuelles au questionnaire Voix",
        PERSONAL_DATA,
        f"Référentiel : {versions}. Une ligne par jeune et par vague ; une colonne par question.",
        "« youth » : un pseudonyme propre à cet export (deux exports ne peuvent pas être reliés).",
        "Cellule vide : question non posée ou passée. Plusieurs options : codes séparés par « | ».",
        "Feuille « Codebook » : le texte de chaque question en français et en anglais, ses options,",
        "leurs codes et valeurs, et si l’item est inversé (reverse).",
        f"Exporté le {timestamp(table.exported_at)} (UTC).",
    ]
