"""``voix referentiel check`` and ``voix referentiel show``: let authors see what Voix will ask.

``check [PATH]`` validates one file (together with the other shipped versions of its
référentiel, so that a draft v2 is checked against v1), or every ``*.yaml`` of a directory
together (default: the shipped référentiels), and prints one summary line per version, with the
estimated answering time, then how easy its items are to read: French reading ease per item
(``--items`` lists every item) and every item over ``--maximum-words`` (default 15), as
warnings. On problems it prints every one as ``file:line: path.to.field: message`` on stderr
and exits 2.

``show [PATH] [--json] [--language fr]`` prints a référentiel (default: the current one) as
readable text, or as JSON for programs.

``export --format xlsform [--version N] --out FILE`` writes a version (default: the current
one) as an XLSForm workbook for KoboToolbox, ODK or paper (``referentiel.xlsform``); questions
keep their ids. Only ``export`` writes, and only its ``--out`` file.
"""

import argparse
import os
import sys
from collections.abc import Sized
from pathlib import Path

import openpyxl

from admin.commands import positive_integer
from admin.errors import UsageError
from admin.output import output_options, print_object
from admin.output_files import open_out
from referentiel.errors import ReferentielError, ReferentielInvalid
from referentiel.loading import (
    DEFAULT_REFERENTIEL_ID,
    SHIPPED_DIRECTORY,
    check_with_shipped,
    current_referentiel,
    find_referentiel,
    load_referentiel,
    shipped_referentiels,
)
from referentiel.models import Question, Referentiel
from referentiel.readability import DEFAULT_MAXIMUM_WORDS, item_readings, long_items, summarise_language
from referentiel.timing import estimated_seconds
from referentiel.xlsform import xlsform_sheets
from voix.parsers import group_parser

# A path given that names nothing (or, to show, no file): said as such, not as a problem in it.
_NO_FILE = "no such file: {path} (give {what})"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``referentiel`` command group and its subcommands."""
    commands = group_parser(
        subparsers, "referentiel", "Check and show référentiel files (questions and indicators)."
    )
    check = commands.add_parser(
        "check",
        help="Validate référentiel files and show their size and answering time.",
        description="Validate a référentiel file, or every *.yaml file of a directory together "
        "(default: the shipped référentiels). Exits 2 and lists every problem on error.",
    )
    check.add_argument("path", nargs="?", type=Path, help="a .yaml file or a directory")
    check.add_argument(
        "--maximum-words",
        type=positive_integer,
        default=DEFAULT_MAXIMUM_WORDS,
        help=f"report items longer than this many words (default {DEFAULT_MAXIMUM_WORDS})",
    )
    check.add_argument(
        "--items", action="store_true", help="list every item's words and reading ease, not only the figures"
    )
    check.set_defaults(handler=check_command)
    show = commands.add_parser(
        "show",
        parents=[output_options()],
        help="Print a référentiel's dimensions, questions and indicators.",
        description="Print a référentiel (default: the current shipped version).",
    )
    show.add_argument("path", nargs="?", type=Path, help="a .yaml file")
    show.add_argument("--language", help="language of the texts (default: the first one)")
    show.set_defaults(handler=show_command)
    export = commands.add_parser(
        "export",
        help="Write a référentiel version as an XLSForm (KoboToolbox, ODK, paper).",
        description="Write a shipped référentiel version as an XLSForm workbook; "
        "each question keeps its id as its name.",
    )
    export.add_argument("--format", choices=["xlsform"], required=True, help="xlsform")
    export.add_argument(
        "--version", type=positive_integer, help="the version to export (default: the current one)"
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .xlsx file to write")
    export.set_defaults(handler=export_command)


def check_command(arguments: argparse.Namespace) -> int:
    """Validate référentiel files; print a summary, or every problem and exit 2."""
    path: Path | None = arguments.path
    if path is not None and not path.exists():
        raise UsageError(_NO_FILE.format(path=path, what="a .yaml file or a directory of them"))
    try:
        if path is None:
            referentiels = shipped_referentiels()
        elif path.is_dir():
            referentiels = shipped_referentiels(path)
        else:
            referentiels = [check_with_shipped(path)]
    except ReferentielInvalid as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        error.message = error.message.split(";")[0] + " (listed above): fix them and check again"
        raise
    if not referentiels:
        raise ReferentielError(f"no *.yaml référentiel file in {path or SHIPPED_DIRECTORY}")
    try:
        for referentiel in referentiels:
            print(summary(referentiel))
            for line in reading_report(referentiel, arguments.maximum_words, arguments.items):
                print(f"  {line}")
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()
    return 0


def _reader_gone() -> None:
    """`voix referentiel … | head`: the reader has seen enough; no traceback on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def reading_report(referentiel: Referentiel, maximum_words: int, every_item: bool = False) -> list[str]:
    """Return the reading figures of a référentiel: per language, long items, and each item if asked."""
    readings = item_readings(referentiel)
    lines = []
    for language in referentiel.languages:
        figures = summarise_language(readings, language)
        line = f"{language}: words per item median {figures.median_words:g}, longest {figures.longest_words}"
        if figures.median_ease is not None:
            line += (
                f"; reading ease (Flesch, textstat) median {figures.median_ease:g}, "
                f"lowest {figures.lowest_ease:g} ({figures.hardest_item})"
            )
        lines.append(line)
    for reading in long_items(readings, maximum_words):
        lines.append(
            f"long item: {reading.question_id} ({reading.language}) has {reading.words} words, "
            f"more than {maximum_words}: one idea, short words"
        )
    if every_item:
        for reading in readings:
            ease = "" if reading.reading_ease is None else f", reading ease {reading.reading_ease:g}"
            lines.append(f"{reading.question_id} ({reading.language}): {reading.words} words{ease}")
    return lines


def summary(referentiel: Referentiel) -> str:
    """Return one line saying what a valid référentiel holds and how long it takes."""
    shortest, longest = estimated_seconds(referentiel)
    return (
        f"{referentiel.id} v{referentiel.version}: ok, "
        f"{_count(referentiel.dimensions, 'dimension')}, {_count(referentiel.questions, 'question')}, "
        f"{_indicators(referentiel)}, "
        f"{_count(referentiel.safeguarding, 'safeguarding trigger')}, "
        f"languages {', '.join(referentiel.languages)}; "
        f"about {_minutes(shortest)} to {_minutes(longest)} to answer"
    )


def _indicators(referentiel: Referentiel) -> str:
    """Indicators as written; a distribution publishes one value per option, counted apart."""
    declared = referentiel.declared_indicators
    distributions = sum(1 for indicator in declared if indicator.kind == "distribution")
    if not distributions:
        return _count(declared, "indicator")
    return (
        f"{_count(declared, 'indicator')} ({_count(range(distributions), 'distribution')}, "
        f"{len(referentiel.indicators)} published values)"
    )


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min {seconds % 60:02d} s"


def show_command(arguments: argparse.Namespace) -> int:
    """Print a référentiel as text or JSON."""
    path: Path | None = arguments.path
    if path is not None and not path.is_file():
        problem = _NO_FILE if not path.exists() else "{path} is not a file (give {what})"
        raise UsageError(problem.format(path=path, what="a .yaml file"))
    referentiel = load_referentiel(path) if path is not None else current_referentiel()
    try:
        return _show(referentiel, arguments)
    except BrokenPipeError:
        _reader_gone()
        return 0


def _show(referentiel: Referentiel, arguments: argparse.Namespace) -> int:
    if arguments.as_json:
        print_object(referentiel.model_dump(mode="json", by_alias=True), as_json=True)
        sys.stdout.flush()
        return 0
    language = arguments.language or referentiel.default_language
    if language not in referentiel.languages:
        raise UsageError(
            f"{referentiel.id} v{referentiel.version} has no {language!r} texts; "
            f"use one of: {', '.join(referentiel.languages)}"
        )
    sys.stdout.write("\n".join(describe(referentiel, language)) + "\n")
    sys.stdout.flush()
    return 0


def describe(referentiel: Referentiel, language: str) -> list[str]:
    """Return a référentiel as readable lines: waves, then each dimension's questions."""
    lines = [
        f"{referentiel.id} v{referentiel.version}: {referentiel.title[language]}",
        f"languages: {', '.join(referentiel.languages)}",
        "waves: "
        + ", ".join(
            wave.id + (f" (+{wave.default_delay_days} days)" if wave.default_delay_days else "")
            for wave in referentiel.waves
        ),
    ]
    triggers = {trigger.question: trigger.any_of for trigger in referentiel.safeguarding}
    current: object = object()
    for question in referentiel.questions:
        if question.dimension != current:
            current = question.dimension
            lines.append("")
            if question.dimension is None:
                lines.append("[context]")
            else:
                dimension = referentiel.dimension(question.dimension)
                lines.append(f"[{dimension.id}] {dimension.title[language]}")
                lines.append(f"  key effect: {dimension.key_effect[language]}")
        lines.extend(_describe_question(question, language, triggers.get(question.id)))
    lines.append("")
    lines.append("indicators:")
    for indicator in referentiel.declared_indicators:
        lines.append(
            f"  {indicator.id} ({indicator.dimension}, {indicator.kind}, {indicator.unit}): "
            f"{indicator.title[language]}"
        )
    return lines


def _describe_question(question: Question, language: str, trigger: tuple[str, ...] | None) -> list[str]:
    flags: list[str] = [question.type]
    if question.reverse:
        flags.append("reversed")
    if question.condition is not None:
        flags.append(f"if {question.condition.question} in {', '.join(question.condition.any_of)}")
    lines = [f"  {question.id} ({'; '.join(flags)}): {question.text[language]}"]
    if question.options:
        lines.append(
            "    " + " | ".join(f"{option.id}={option.label[language]}" for option in question.options)
        )
    if question.type == "number":
        lines.append(f"    from {question.minimum} to {question.maximum}")
    if trigger:
        lines.append(f"    help shown on: {', '.join(trigger)}")
    return lines


def export_command(arguments: argparse.Namespace) -> int:
    """Write a shipped version as an XLSForm workbook; a failed write leaves no file behind."""
    if arguments.version is None:
        referentiel = current_referentiel()
    else:
        referentiel = find_referentiel(DEFAULT_REFERENTIEL_ID, arguments.version)
    out: Path = arguments.out
    write_xlsform(referentiel, out)
    print(f"{referentiel.id} v{referentiel.version}: {len(referentiel.questions)} questions written to {out}")
    return 0


def write_xlsform(referentiel: Referentiel, out: Path) -> None:
    """Write the XLSForm workbook of a référentiel into a file named .xlsx (a référentiel's YAML
    named by mistake is never replaced); a failed write leaves what was there before."""
    if out.suffix.lower() != ".xlsx" and not out.is_dir():
        raise UsageError(f"--out {out} is not named .xlsx: an XLSForm is a workbook; name it {out.stem}.xlsx")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in xlsform_sheets(referentiel).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    with open_out(out, binary=True, example="questionnaire.xlsx") as stream:
        workbook.save(stream)
