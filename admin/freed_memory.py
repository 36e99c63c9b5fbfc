"""Give the memory an export has freed back to the system, where the C library allows it.

The score pass builds and drops hundreds of thousands of small objects; Python frees them, but
the C library keeps most of the pages they were on (its heap is fragmented), so the process's
resident size stays at the pass's peak for the rest of the export: on the 68,000-youth bench
about 100 MB of the pack process's 260 MB after the pass were free. glibc's ``malloc_trim``
hands those pages back (``bench/export_workshop.py`` shows the peaks). Elsewhere (musl, macOS,
Windows) nothing is done: the export is the same, only its resident size is larger.
"""

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _trim() -> object | None:
    """glibc's ``malloc_trim``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


def give_back_freed_memory() -> bool:
    """Return the free pages of the heap to the system; whether it could be asked to."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)  # type: ignore[operator]
    return True
