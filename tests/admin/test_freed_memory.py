"""The memory an export frees goes back to the system (glibc's ``malloc_trim``) where it can."""

import sys

from admin.freed_memory import give_back_freed_memory


def resident_megabytes() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_freed_pages_of_a_fragmented_heap_are_given_back():
    """50 MB of kilobyte objects, all freed but one in a hundred: the heap keeps its pages
    (a survivor pins the top), until they are given back."""
    assert sys.platform.startswith("linux")  # the machines Voix runs its exports on
    objects = [bytes(1_000) for _ in range(50_000)]
    kept = objects[::100]
    del objects
    before = resident_megabytes()
    assert give_back_freed_memory()
    after = resident_megabytes()
    assert before - after > 20, (before, after)
    assert len(kept) == 500
