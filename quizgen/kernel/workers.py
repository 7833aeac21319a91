"""Worker processes that never outlive quizgen and never keep Ctrl-C waiting.

``grade`` grades answers and ``make`` builds variants and draws figures in worker processes;
both use this one discipline:

- a worker ignores SIGINT (the terminal sends it to the whole process group): the parent gets
  the KeyboardInterrupt and stops every worker itself, at once, so Ctrl-C ends the run within a
  fraction of a second instead of waiting for the work in flight;
- on Linux the kernel kills a worker as soon as its parent dies (``PR_SET_PDEATHSIG``), and on
  every platform a worker checks every :data:`PARENT_CHECK_SECONDS` that its parent is alive and
  exits if not, so a ``kill -9`` of quizgen leaves no orphans;
- :func:`pool` stops the workers on any exception in the parent (``with`` block), and waits for
  them otherwise.

``make``'s workers are forked (:func:`fork_pool`): they inherit the loaded bank and the derived
questions instead of pickling question objects (which hold functions) or deriving them again.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterator

#: How often a worker checks that the process that started it is still alive (seconds).
PARENT_CHECK_SECONDS = 0.2
#: How long stopping a pool waits for its manager thread to end (it ends within milliseconds).
MANAGER_JOIN_SECONDS = 1.0
#: At most this many workers by default (quizgen's work is CPU-bound and SymPy-sized in memory).
MAX_DEFAULT_JOBS = 8


def worker_init() -> None:
    """In each worker: leave Ctrl-C to the parent (which stops the workers itself), and exit as
    soon as the parent is gone, so a ``kill -9`` of quizgen leaves no orphans."""
    import gc
    import signal
    import threading
    import time

    gc.freeze()  # what the parent left is never collected here: no scans of it, no copies of its pages
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="quizgen-parent-watch").start()


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this process the moment its parent dies (``kill -9``
    included), so no worker outlives quizgen even for the watch thread's interval; elsewhere the
    watch thread alone does it. The pools are started by the thread that uses them and stopped
    before it ends, so "parent" (the thread that forked) is alive as long as the pool."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc: the watch thread still works
        pass


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now (Ctrl-C or an error in the parent), without waiting for their work."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)  # (shutdown forgets the queue)
    manager = getattr(pool, "_executor_manager_thread", None)
    for process in processes:
        try:
            process.kill()  # SIGKILL: a worker holds nothing that needs cleaning up, and cannot delay it
        except Exception:  # noqa: BLE001 - already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(1.0)
    # A worker stopped while it was sending a result leaves half a message in the results pipe, and
    # the pool's manager thread waits for the rest forever (so Python hangs at exit, joining it).
    # With every worker gone this process holds the pipe's last writing end: closing it gives
    # that thread an end of file, which it takes for a broken pool, and it exits.
    if writer is not None and not any(p.is_alive() for p in processes):
        try:
            writer.close()
        except OSError:
            pass
    # The manager thread, seeing its workers gone, closes its wake-up pipe as it ends; at exit
    # Python writes to every pool's wake-up pipe, and a write racing that close fails with EBADF
    # (a traceback after "interrupted", Python 3.11). Let it end first: it takes milliseconds.
    if manager is not None:
        manager.join(MANAGER_JOIN_SECONDS)


def default_jobs() -> int:
    """The CPUs this process may run on (at most :data:`MAX_DEFAULT_JOBS`)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_JOBS))


def can_fork() -> bool:
    """Whether :func:`fork_pool` is safe here: the platform forks (not Windows) and this process
    runs no other thread (a fork copies locks another thread may hold: a notebook kernel or a
    server calling the library builds in one process instead)."""
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextmanager
def pool(jobs: int, fork: bool = False) -> Iterator[ProcessPoolExecutor]:
    """``jobs`` workers with the discipline above; stopped at once if the block raises (Ctrl-C
    included), else shut down after their work is done. ``fork``: see :func:`fork_pool`;
    otherwise the platform's default start method (tasks and results are pickled)."""
    context = multiprocessing.get_context("fork") if fork else None
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker_init)
    try:
        yield executor
    except BaseException:
        stop_pool(executor)
        raise
    executor.shutdown(wait=True, cancel_futures=True)


def fork_pool(jobs: int):  # type: ignore[no-untyped-def]
    """``jobs`` forked workers (:func:`pool`). Workers are forked when the first task is
    submitted, so they see the parent's memory as it is then: set up what they need (module
    globals) before submitting."""
    return pool(jobs, fork=True)
