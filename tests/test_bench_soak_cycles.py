"""The soak's growth verdict says what its samples show: RSS at the end of each cycle, the
growth from the end of the first cycle to the end of the last, a least-squares slope over the
samples after the first cycle, and "flat" / "growing" against a stated tolerance (or that the
run cannot tell, or is too short) -- so a leak is not called flat, nor filling a leak."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.soak_cycles import Sample, cut_cycles, judge, render

MINUTE = 60.0
INTERVAL = 10 * MINUTE


def _run(minutes: float, rss: Callable[[float], float], *, every: float = 30.0) -> list[Sample]:
    """Samples every ``every`` seconds for ``minutes``, then one at the end (as the soak
    takes them), RSS from ``rss(seconds)``; 1,000 polls and 1 CPU second a minute."""
    times = [t * every for t in range(int(minutes * MINUTE / every))] + [minutes * MINUTE + 1]
    return [Sample(t, rss(t), 50.0, cpu=t / MINUTE, served=int(t / MINUTE * 1000),
                   never_polled=0, backlog=0, oldest_wait=0.0) for t in times]


def _zigzag(t: float) -> float:
    return 1.5 if int(t / 30) % 2 else -1.5


def _flat(t: float) -> float:
    return 290.0 + _zigzag(t)


def _leak(t: float) -> float:
    return 290.0 + 6.0 * t / 3600 + _zigzag(t)


def _fills_in_the_first_cycle(t: float) -> float:
    return 250.0 + 40.0 * min(t, INTERVAL) / INTERVAL + _zigzag(t)


def _grows_once_after_the_first_cycle(t: float) -> float:
    return 290.0 + 8.0 * min(max(t - INTERVAL, 0.0), 180.0) / 180 + _zigzag(t) / 3


def _quiet(t: float) -> float:
    return 290.0 + _zigzag(t) / 3


def _noisy_creep(t: float) -> float:
    return 290.0 + 1.0 * t / 3600 + (30.0 if int(t / 30) % 2 else -30.0)


@pytest.mark.parametrize(("minutes", "rss", "word", "cycles", "slope"), [
    # flat but noisy (the allocator's ups and downs): flat, the slope near 0
    (50, _flat, "flat", 5, 0.0),
    # 6 MB an hour, past a tolerance of 2: growing, however small beside the RSS
    (50, _leak, "growing", 5, 6.0),
    # memory that fills during the first cycle and then holds is no growth
    (50, _fills_in_the_first_cycle, "flat", 5, 0.0),
    # a slope well inside the noise: the run cannot tell, and says so
    (50, _noisy_creep, "unresolved", 5, 1.0),
    # one full cycle after the first is the least a verdict needs
    (15, _flat, "too short", 1, None),
])
def test_the_verdict_follows_the_rss_after_the_first_cycle(
        minutes: float, rss: Callable[[float], float], word: str, cycles: int,
        slope: float | None) -> None:
    verdict = judge(_run(minutes, rss), first_end=INTERVAL, interval=INTERVAL, tolerance=2.0)
    assert verdict.word == word
    assert len(verdict.cycles) == cycles
    if slope is not None:
        assert verdict.slope == pytest.approx(slope, abs=0.5)


def _steps_once_by_a_megabyte(t: float) -> float:
    """The daemon's real shape: +1 MB (in kB steps) 8 minutes after the first cycle, then
    flat for 32 minutes, read at the kernel's kB resolution."""
    return 290.0 + (1.0 if t >= INTERVAL + 480 else 0.0) + (4 if int(t / 30) % 2 else 0) / 1024


def _leaks_in_the_workers_only(t: float) -> float:
    return 290.0 + (3.0 * t / 3600 if t > INTERVAL else 0.0)


@pytest.mark.parametrize(("rss", "tolerance", "overall", "late", "word"), [
    (_leak, 2.0, "growing", "growing", "growing"),  # a leak keeps growing to the end
    # +8 MB in the three minutes after the first cycle, then flat: growing overall (the
    # criterion counts it), flat over the last half (it stopped): a plateau, not a leak
    (_grows_once_after_the_first_cycle, 2.0, "growing", "flat", "plateau"),
    # one step of 1 MB, then 32 flat minutes: a slope overall (1.4 MB an hour), none late
    (_steps_once_by_a_megabyte, 1.0, "growing", "flat", "plateau"),
    (_leaks_in_the_workers_only, 2.0, "growing", "growing", "growing"),
    (_quiet, 2.0, "flat", "flat", "flat"),
])
def test_the_last_half_tells_a_plateau_from_a_leak(rss: Callable[[float], float],
                                                  tolerance: float, overall: str, late: str,
                                                  word: str) -> None:
    verdict = judge(_run(50, rss), first_end=INTERVAL, interval=INTERVAL, tolerance=tolerance)
    assert (verdict.overall, verdict.word) == (overall, word)
    assert verdict.late is not None and verdict.late[2] == late
    assert verdict.late_from == 1800.0  # the end of cycle 3: cycles 4 and 5 are the last half


def test_growing_late_is_growing_whatever_came_before() -> None:
    """Memory that fell after the first cycle and then started to grow is no plateau."""
    def falls_then_leaks(t: float) -> float:
        return 300.0 - 10.0 * min(max(t - INTERVAL, 0), 900) / 900 + max(t - 1800, 0) / 3600 * 6

    verdict = judge(_run(50, falls_then_leaks), first_end=INTERVAL, interval=INTERVAL,
                    tolerance=2.0)
    assert verdict.late is not None and verdict.late[2] == "growing"
    assert verdict.word == "growing"


def test_the_late_slope_is_given_for_the_daemon_and_the_workers_apart() -> None:
    samples = [Sample(s.elapsed, 250.0 + s.elapsed / 3600 * 4, 50.0, s.cpu, s.served, 0, 0,
                      0.0, daemon_anon_mb=230.0 + s.elapsed / 3600 * 4, daemon_file_mb=20.0)
               for s in _run(50, _quiet)]
    verdict = judge(samples, first_end=INTERVAL, interval=INTERVAL, tolerance=2.0)
    parts = {name: slope for name, slope, _error in verdict.late_parts}
    assert parts["daemon"] == pytest.approx(4.0)
    assert parts["its anonymous memory"] == pytest.approx(4.0)
    assert parts["workers"] == pytest.approx(0.0, abs=1e-6)
    assert verdict.cycles[-1].workers_mb == 50.0
    assert verdict.cycles[-1].daemon_anon_mb == pytest.approx(230.0 + 3001 / 3600 * 4)


def test_growth_runs_from_the_end_of_the_first_cycle_to_the_end_of_the_last() -> None:
    verdict = judge(_run(50, _leak), first_end=INTERVAL, interval=INTERVAL, tolerance=2.0)
    first, last = verdict.cycles[0], verdict.cycles[-1]
    assert (first.end, last.end) == (600.0, 3001.0)
    assert verdict.growth_mb == pytest.approx(last.rss - first.rss)
    assert verdict.growth_mb == pytest.approx(4.0, abs=3.1)  # 40 minutes at 6 MB an hour
    assert verdict.growth == pytest.approx(verdict.growth_mb / first.rss)


def test_a_cycle_counts_only_when_a_sample_ends_it() -> None:
    """A run ending one sampling period short of a cycle's end has not done that cycle; one
    ending within it has (its last sample ends the cycle)."""
    short = cut_cycles(_run(49, _flat), first_end=INTERVAL, interval=INTERVAL, slack=30.0)
    assert [c.number for c in short] == [1, 2, 3, 4]
    assert [c.end for c in short] == [600.0, 1200.0, 1800.0, 2400.0]
    full = cut_cycles(_run(49.6, _flat), first_end=INTERVAL, interval=INTERVAL, slack=30.0)
    assert [c.end for c in full][-1] == 49.6 * MINUTE + 1
    # sampled every 3 s with a slack of 30: the last sample ends one cycle, not two
    often = cut_cycles(_run(2, _flat, every=3.0), first_end=30.0, interval=30.0, slack=30.0)
    assert [c.end for c in often] == [30.0, 60.0, 90.0, 121.0]


def test_each_cycle_has_its_peak_cpu_polls_and_lag() -> None:
    samples = _run(30, _fills_in_the_first_cycle)
    samples[25] = Sample(samples[25].elapsed, 400.0, 50.0, cpu=samples[25].cpu,
                         served=samples[25].served, never_polled=0, backlog=7, oldest_wait=12.0)
    second = cut_cycles(samples, first_end=INTERVAL, interval=INTERVAL, slack=30.0)[1]
    assert second.number == 2
    assert (second.peak, second.max_backlog, second.max_wait) == (450.0, 7, 12.0)
    assert second.cpu_per_hour == pytest.approx(60.0)
    assert second.polls_per_minute == pytest.approx(1000.0, abs=1)


def test_the_rendering_states_the_tolerance_and_the_verdict() -> None:
    text = "\n".join(render(judge(_run(50, _leak), first_end=INTERVAL, interval=INTERVAL,
                                  tolerance=2.0)))
    assert "verdict: growing" in text and "2 MB an hour" in text
    assert "last half (minute 30.0 to 50.0)" in text
    assert text.count("\n  cycle ") >= 5  # a row per cycle
