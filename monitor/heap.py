"""Keep the C heap to what is in use: fewer glibc malloc arenas, free pages handed back.

glibc's malloc gives each thread that allocates an arena of its own (up to eight per core),
and memory freed inside an arena's heap (not at its top) stays resident. The daemon's threads
take turns at large short-lived allocations (SQLite's page cache, refilled whenever another
connection has committed; parsed feeds handed back by the workers; rule analyses), each time
in whichever thread ``asyncio.to_thread`` picks, so each arena's resident size creeps up to
its own high-water mark, one arena after another, long after the Python heap has stopped
growing. ``malloc_trim(0)`` hands every whole free page of every arena back to the kernel
(``MADV_DONTNEED``; the pages stay mapped and come back zeroed on the next use), so the RSS
follows what is in use. And ``limit_arenas`` caps the arenas at two (``mallopt``, before the
daemon starts its threads): the threads mostly wait for the GIL, SQLite or the network, so
they contend little for two arenas, and each arena fewer is one high-water mark fewer (in
the 100,000-feed soak two arenas held the daemon 26 MB lower). A ``MALLOC_ARENA_MAX``
or ``glibc.malloc.arena_max`` tunable in the environment is left to rule. Other C libraries
(musl, macOS) have no such calls: both do nothing there.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping

ARENAS = 2  # malloc arenas the daemon's threads share
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


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


def limit_arenas(arenas: int = ARENAS, env: Mapping[str, str] | None = None) -> bool | None:
    """Cap glibc's malloc arenas at ``arenas`` for threads that allocate from now on: True
    when capped, False when the environment sets the cap (or the C library refused), None
    where the C library has no ``mallopt``."""
    env = os.environ if env is None else env
    if "MALLOC_ARENA_MAX" in env or "glibc.malloc.arena_max" in env.get("GLIBC_TUNABLES", ""):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
