"""Writing an export's ``--out`` file: never over Voix's own files, never half-written.

An export is written beside its destination under a temporary name (readable by its owner only)
and renamed over it only once complete, keeping the rights of the file it replaces: a failure (a
full disk, Ctrl-C, a refused answer) leaves whatever was there before, and no partial file. The
database, its journal files and its key file are refused outright: an export written over them
would destroy every answer, or the key without which no youth can be contacted again. So is
anything that is not an ordinary file (``/dev/null``, a pipe: renamed over, it would be replaced
by the export).
"""

import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from admin.errors import UsageError

# SQLite's files beside a database (write-ahead log, shared memory, rollback journal).
_DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")


def voix_files(database: Path, key_file: Path) -> list[Path]:
    """The files an export must never be written over: the database, its companions, its key."""
    return [
        database,
        *(database.with_name(database.name + suffix) for suffix in _DATABASE_COMPANIONS),
        key_file,
    ]


@contextmanager
def open_out(
    path: Path, binary: bool, protected: Sequence[Path] = (), example: str = "scores.csv", beside: str = ""
) -> Iterator[IO[Any]]:
    """Open ``--out`` for writing: refused, in one line, if it is a directory (``example`` names a
    file to give instead), one of ``protected`` (``voix_files``) or in a place that cannot be
    written; renamed into place once complete. ``beside``: what a file written next to ``--out``
    is (« the Lisez-moi »), which the refusals then name, with ``--out`` to change."""
    named = f"--out {path}" if not beside else f"{beside} beside --out ({path})"
    if path.is_dir():
        instead = "give --out another file name" if beside else f"give a file path such as {path / example}"
        raise UsageError(f"{named} is a directory: {instead}")
    if path.exists() and not path.is_file():
        raise UsageError(
            f"{named} is not a file (a device, a pipe or a socket): writing there would replace "
            f"it; give a file path such as {path.parent / example}"
        )
    if any(_same_file(path, kept) for kept in protected):
        raise UsageError(
            f"{named} is one of Voix's own files (the database or its key): writing there would "
            "destroy it. Give another file name"
        )
    target = path.resolve()  # through a link: the file it names is the one replaced
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # Created inside the block that removes it: a signal (Ctrl-C, SIGTERM) between the two had
    # left a partial file of personal data behind (a test sending them caught it 1 time in 3).
    try:
        try:
            # Readable by the owner only while written (exports hold personal data), then the
            # rights of the file it replaces, if any.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            stream = (
                os.fdopen(descriptor, "wb")
                if binary
                else os.fdopen(descriptor, "w", encoding="utf-8", newline="")
            )
        except OSError as error:
            raise UsageError(
                f"cannot write {named}: {error.strerror or error}; give a file in a writable directory"
            ) from None
        with stream:
            yield stream
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        # Never in place of the error itself: no file was made where none can be (a directory
        # that is a file, a read-only disk), and removing it fails there too.
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _same_file(path: Path, kept: Path) -> bool:
    """Whether two paths name one file (through links and relative spellings), existing or not."""
    try:
        if path.exists() and kept.exists():
            return path.samefile(kept)
    except OSError:
        pass
    return path.resolve() == kept.resolve()
