"""The soak's samples cut into polling cycles, and the verdict on memory growth after the first.

Pure: no clock, no processes. ``bench.soak`` takes the samples; here they become one row per
cycle (RSS at its end and its peak, CPU an hour, feeds polled a minute, the poll lag) and a
verdict. Cycle 1 ends when every feed has been polled once (and one interval has passed);
each later cycle one interval after the one before, at the sample nearest that moment (a run
that stops more than one sampling period short of a cycle's end has not done that cycle).
Growth is from the end of cycle 1 to the end of the last; the slope is a least-squares fit of
RSS on time over the samples from the end of cycle 1 to the end of the last full cycle (whole
cycles, so a saw-tooth within a cycle does not tilt it), in MB an hour, with its standard
error. Each slope's word, against a tolerance in MB an hour:

- ``flat``: the slope plus two standard errors is within the tolerance;
- ``growing``: the slope itself is past the tolerance;
- ``unresolved``: neither (the noise is too large for the run's length: run longer).

The same fit and rule over the last half of the cycles after the first (from the end of the
middle one; with at least two) give the late slope, and the verdict combines both: memory that
rises to a high-water mark after the first cycle and stays there (a structure, a cache, the
allocator's arenas reaching their size) is a ``plateau`` (growing or unresolved overall, flat
late); a leak grows in both halves and is ``growing`` (so is any run growing late); ``flat``
is flat overall; ``too short`` is no full cycle after the first. The late slopes of the
daemon, of its anonymous memory and of the workers are given apart, to say where a rise is.

The standard error treats the samples as independent, which successive RSS readings are not
quite: read ``flat`` as "no growth this run can resolve", not as a proof for weeks.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    elapsed: float  # seconds since the daemon started
    daemon_mb: float
    workers_mb: float
    cpu: float  # CPU seconds of the daemon and its children so far
    served: int  # requests the feed server answered so far
    never_polled: int  # feeds not polled once yet
    backlog: int  # feeds due (next check passed) and not polled yet
    oldest_wait: float  # seconds the longest-waiting due feed is late
    daemon_anon_mb: float = 0.0  # of the daemon's RSS: anonymous memory (heaps, stacks)
    daemon_file_mb: float = 0.0  # and file pages (libraries, mapped files)

    @property
    def rss(self) -> float:
        return self.daemon_mb + self.workers_mb


@dataclass(frozen=True)
class Cycle:
    number: int  # 1: the first (filling) cycle
    end: float  # seconds since the start, at the sample that ends it
    rss: float  # MB, daemon + workers, at its end
    daemon_mb: float  # of which the daemon
    workers_mb: float  # and its child processes (parse workers, resource tracker)
    daemon_anon_mb: float  # the daemon's anonymous memory
    peak: float  # the largest RSS sampled within it
    cpu_per_hour: float  # CPU seconds an hour, daemon and workers, within it
    polls_per_minute: float
    max_backlog: int  # due feeds waiting for a claim, at most
    max_wait: float  # the longest-waiting due feed's wait, at most (s)


@dataclass(frozen=True)
class Verdict:
    cycles: tuple[Cycle, ...]
    growth_mb: float  # RSS at the end of the last cycle minus at the end of cycle 1
    growth: float  # the same, as a fraction of the RSS at the end of cycle 1
    slope: float  # MB an hour, least squares over the samples after cycle 1
    slope_error: float  # its standard error
    tolerance: float  # MB an hour
    word: str  # "flat", "growing", "unresolved" or "too short"
    late: tuple[float, float, str] | None = None  # slope, error, word over the last half
    late_from: float = 0.0  # where the last half starts (seconds)
    overall: str = ""  # the word of the slope after cycle 1 alone
    late_parts: tuple[tuple[str, float, float], ...] = ()  # each part's late slope, error


def _nearest(samples: Sequence[Sample], at: float) -> int:
    return min(range(len(samples)), key=lambda i: abs(samples[i].elapsed - at))


def _cycle(number: int, samples: Sequence[Sample], start: int, end: int) -> Cycle:
    """Cycle ``number``: the samples after index ``start`` up to index ``end``."""
    inside = samples[start + 1:end + 1] if end > start else samples[end:end + 1]
    a, b = samples[start], samples[end]
    span = max(b.elapsed - a.elapsed, 1e-9)
    return Cycle(number, b.elapsed, b.rss, b.daemon_mb, b.workers_mb, b.daemon_anon_mb,
                 max(s.rss for s in inside),
                 (b.cpu - a.cpu) / span * 3600, (b.served - a.served) / span * 60,
                 max(s.backlog for s in inside), max(s.oldest_wait for s in inside))


def cycle_ends(samples: Sequence[Sample], first_end: float, interval: float,
               slack: float) -> list[int]:
    """Indexes of the samples that end each full cycle."""
    ends: list[int] = []
    at = first_end
    while samples and at <= samples[-1].elapsed + slack:
        nearest = _nearest(samples, at)
        if not ends or nearest > ends[-1]:  # two cycles never end at one sample
            ends.append(nearest)
        at += interval
    return ends


def cut_cycles(samples: Sequence[Sample], first_end: float, interval: float,
               slack: float) -> list[Cycle]:
    """One row per full cycle (the first one from the first sample)."""
    ends = cycle_ends(samples, first_end, interval, slack)
    return [_cycle(n + 1, samples, ends[n - 1] if n else 0, end) for n, end in enumerate(ends)]


def _fit(samples: Sequence[Sample],
         part: Callable[[Sample], float] = lambda s: s.rss) -> tuple[float, float]:
    """Least-squares slope of ``part`` (MB; the RSS of daemon and workers) on time (hours),
    and its standard error."""
    hours = [s.elapsed / 3600 for s in samples]
    rss = [part(s) for s in samples]
    slope, intercept = statistics.linear_regression(hours, rss)
    mean = statistics.fmean(hours)
    spread = sum((h - mean) ** 2 for h in hours)
    residual = sum((r - intercept - slope * h) ** 2 for h, r in zip(hours, rss, strict=True))
    return slope, math.sqrt(residual / max(len(samples) - 2, 1) / spread)


def judge(samples: Sequence[Sample], *, first_end: float, interval: float, tolerance: float,
          slack: float = 30.0) -> Verdict:
    """The cycles and the growth verdict (see the module's docstring)."""
    ends = cycle_ends(samples, first_end, interval, slack)
    cycles = tuple(cut_cycles(samples, first_end, interval, slack))
    if len(cycles) < 2:
        return Verdict(cycles, 0.0, 0.0, 0.0, 0.0, tolerance, "too short")
    first, last = cycles[0], cycles[-1]
    slope, error = _fit(samples[ends[0]:ends[-1] + 1])
    overall = _word(slope, error, tolerance)
    middle = ends[(len(ends) - 1) // 2]
    late = None
    parts: tuple[tuple[str, float, float], ...] = ()
    word = overall
    if len(cycles) >= 3:
        half = samples[middle:ends[-1] + 1]
        late_slope, late_error = _fit(half)
        late = late_slope, late_error, _word(late_slope, late_error, tolerance)
        parts = tuple((name, *_fit(half, part)) for name, part in PARTS)
        word = _combined(overall, late[2])
    return Verdict(cycles, last.rss - first.rss, (last.rss - first.rss) / first.rss, slope,
                   error, tolerance, word, late, samples[middle].elapsed, overall, parts)


PARTS: tuple[tuple[str, Callable[[Sample], float]], ...] = (
    ("daemon", lambda s: s.daemon_mb), ("its anonymous memory", lambda s: s.daemon_anon_mb),
    ("workers", lambda s: s.workers_mb))


def _combined(overall: str, late: str) -> str:
    """The verdict from the slope after the first cycle and the slope over the last half: a
    leak grows in both; a rise that stopped (late flat) is a plateau."""
    if late == "growing":
        return "growing"
    if overall == "flat":
        return "flat"
    if late == "flat":
        return "plateau"
    return overall


def _word(slope: float, error: float, tolerance: float) -> str:
    if slope > tolerance:
        return "growing"
    if slope + 2 * error <= tolerance:
        return "flat"
    return "unresolved"


def render(verdict: Verdict) -> list[str]:
    """The per-cycle table and the verdict, as lines to print."""
    lines = ["  per cycle (its end: minute, RSS daemon + workers MB = daemon (its anonymous "
             "memory) + workers, peak MB; within it: CPU s an hour, feeds polled a minute, due "
             "feeds waiting at most, longest wait s):"]
    lines += [f"  cycle {c.number}: minute {c.end / 60:.1f}, {c.rss:.1f} MB = {c.daemon_mb:.1f}"
              f" ({c.daemon_anon_mb:.1f}) + {c.workers_mb:.1f}, peak {c.peak:.1f}; "
              f"{c.cpu_per_hour:.0f} s/h, {c.polls_per_minute:.0f}/min, "
              f"backlog {c.max_backlog}, wait {c.max_wait:.0f}" for c in verdict.cycles]
    if verdict.word == "too short":
        lines.append("  growth: too short to tell (no full cycle after the first)")
        return lines
    first, last = verdict.cycles[0], verdict.cycles[-1]
    lines.append(
        f"  growth from the end of cycle 1 (minute {first.end / 60:.1f}) to the end of cycle "
        f"{last.number} (minute {last.end / 60:.1f}): {verdict.growth_mb:+.1f} MB "
        f"({verdict.growth:+.1%}); slope {verdict.slope:+.2f} ± {verdict.slope_error:.2f} MB "
        f"an hour (least squares, ± one standard error; {verdict.slope * 24:+.0f} MB a day): "
        f"{verdict.overall}")
    if verdict.late is not None:
        late_slope, late_error, late_word = verdict.late
        parts = "; ".join(f"{name} {slope:+.2f} ± {error:.2f}"
                          for name, slope, error in verdict.late_parts)
        lines.append(f"  last half (minute {verdict.late_from / 60:.1f} to {last.end / 60:.1f}):"
                     f" slope {late_slope:+.2f} ± {late_error:.2f} MB an hour: {late_word} "
                     f"({parts})")
    lines.append(f"  verdict: {verdict.word} (tolerance {verdict.tolerance:g} MB an hour; a "
                 "slope is flat when it + 2 standard errors is within it, growing when it is "
                 "past it, else unresolved; growing in the last half is growing, a rise after "
                 "cycle 1 that is flat in the last half a plateau)")
    return lines
