"""Test support for `monitor` as a subprocess: a config file for a daemon with a fast
scheduler, `monitor run` / `monitor web` started (and killed if the test leaves it running),
one-shot commands, waiting on a condition, probing its HTTP endpoints, and stopping it with
SIGTERM while collecting its output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import yaml

FAST_SCHEDULER = {"min_interval": "1s", "tick": "1s", "dispatch_every": "1s",
                  "shutdown_timeout": "5s"}


def write_daemon_config(tmp_path: Path, db_url: str, **sections: Any) -> Path:
    """``tmp_path/config.yaml`` for a daemon on ``db_url``: no full text, a 3 s fetch timeout,
    ``FAST_SCHEDULER``, the default rule, a console channel, no feeds; each of ``sections``
    replaces that top-level section whole."""
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "fetch": {"full_text": False, "timeout": "3s"},
        "scheduler": FAST_SCHEDULER,
        "feeds": [],
        "rules": [{"name": "russia-china-us", "countries": {"at_least": 2}}],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
        **sections,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _command(config: Path, args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "monitor", "--config", str(config), *args]


def run_monitor(config: Path, *args: str, stdin: str | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``monitor --config CONFIG ARGS`` run to its end, its output captured."""
    return subprocess.run(_command(config, args), input=stdin, capture_output=True, text=True,
                          timeout=timeout, check=False)


@contextmanager
def monitor_process(config: Path, *args: str, stdout: int = subprocess.PIPE,
                    nofile: int | None = None) -> Iterator[subprocess.Popen[str]]:
    """``monitor --config CONFIG ARGS`` running while the block runs (unbuffered, stderr
    piped; ``nofile``: its limit of open files); killed if the block leaves it running."""

    def limit() -> None:
        if nofile:
            import resource
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    proc = subprocess.Popen(_command(config, args), stdout=stdout, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=limit if nofile else None)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def daemon(config: Path) -> AbstractContextManager[subprocess.Popen[str]]:
    """``monitor run`` on ``config`` while the block runs (``monitor_process``)."""
    return monitor_process(config, "run")


def _stderr_of_killed(proc: subprocess.Popen[str]) -> str:
    """The stderr of ``proc``, killed; what it wrote until a child left holding the pipe
    could make it never end is not waited for beyond 10 s."""
    proc.kill()
    try:
        return proc.communicate(timeout=10)[1] or ""
    except subprocess.TimeoutExpired:
        return "(its stderr was still held open 10 s after the kill)"


def stop(proc: subprocess.Popen[str], timeout: float = 30) -> tuple[str, str]:
    """SIGTERM, then its stdout and stderr once it has exited ("" for one not piped); it is
    killed, and the test fails with its stderr's tail, when it is still running after
    ``timeout`` seconds. The caller checks ``proc.returncode``."""
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        err = _stderr_of_killed(proc)
        raise AssertionError(f"still running {timeout:g} s after SIGTERM: {err[-3000:]}"
                             ) from None
    return out or "", err or ""


def wait_for(predicate: Callable[[], object], *, timeout: float = 30, what: str = "",
             proc: subprocess.Popen[str] | None = None) -> None:
    """Until ``predicate()`` is true, polled every 0.2 s; fails after ``timeout`` seconds
    (with ``proc``: killing it, with its stderr in the message)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            detail = f": {_stderr_of_killed(proc)}" if proc is not None else ""
            raise AssertionError(f"timed out waiting for {what}{detail}")
        time.sleep(0.2)


def http_get(url: str, timeout: float = 10) -> tuple[int, str]:
    """The status and body of a GET of ``url``; (0, "") when nothing answers in time."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return int(resp.status), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()
    except OSError:
        return 0, ""


def http_status(url: str, timeout: float = 10) -> int:
    """The status of a GET of ``url``; 0 when nothing answers in time."""
    return http_get(url, timeout)[0]
