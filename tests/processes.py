"""Helpers for the tests that kill quizgen (Ctrl-C, kill -9) and look for worker processes left behind.

Read from /proc, so they work without psutil; Linux only, like the tests that use them.
"""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> set[int]:
    """The pids whose parent is ``pid``."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie waiting to be reaped does not count)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def interrupt(proc) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    """Send Ctrl-C to ``proc``'s process group (what a terminal does) and wait for it to exit:
    (seconds it took, its stderr). A process still running after 10 s is killed."""
    import os
    import signal
    import time

    start = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    return time.monotonic() - start, err


def seconds_until_gone(pids: set[int], limit: float = 3.0) -> float:
    """How long ``pids`` take to be gone (polled every 10 ms, for at most ``limit`` seconds)."""
    import time

    start = time.monotonic()
    while alive(pids) and time.monotonic() < start + limit:
        time.sleep(0.01)
    return time.monotonic() - start
