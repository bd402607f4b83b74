"""Give the C heap's free memory back to the system: glibc's ``malloc_trim``.

glibc's malloc gives each thread that allocates an arena of its own (up to eight per core),
and memory freed inside an arena's heap (not at its top) stays resident. The daemon's threads
take turns at large short-lived allocations (SQLite's page cache, refilled whenever another
connection has committed; parsed feeds handed back by the workers; rule analyses), each time
in whichever thread ``asyncio.to_thread`` picks, so each arena's resident size creeps up to
its own high-water mark, one arena after another, long after the Python heap has stopped
growing. ``malloc_trim(0)`` hands every whole free page of every arena back to the kernel
(``MADV_DONTNEED``; the pages stay mapped and come back zeroed on the next use), so the RSS
follows what is in use. Other C libraries (musl, macOS) have no such call: ``trim`` does
nothing there.
"""

from __future__ import annotations

import ctypes


def trim() -> bool | None:
    """Return the C heap's free pages to the system: True when some were returned, False
    when none could be, None where the C library has no ``malloc_trim``."""
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    return bool(malloc_trim(0))
