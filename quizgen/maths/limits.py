"""Hard limits applied before anything is evaluated, and a time budget for SymPy steps.

Student text is untrusted: every check here runs in time linear in the input and never builds a
large number. Constant powers and factorials are *estimated* (as log10 of the magnitude, in
floating point), never computed.
"""

from __future__ import annotations

import math
import signal
import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """Bounds on one answer. The defaults are generous for any expression from this subject."""

    max_chars: int = 2000
    max_depth: int = 100
    max_nodes: int = 2000
    max_int_digits: int = 100
    max_exponent_digits: int = 4  # in 1e-3000: the "3000"
    max_magnitude_digits: float = 10000.0  # |log10| of any constant power / factorial
    max_symbolic_exponent: float = 10000.0  # |n| in x**n
    #: Deterministic proof budget (a verdict is a pure function of key and answer): at most
    #: ``proof_attempts`` proofs per answer (shared by the expected answer and the known wrong
    #: ones), each on a difference of at most ``proof_max_ops`` SymPy operations; ``simplify``
    #: only below ``proof_simplify_ops``; any intermediate result above ``4 * proof_max_ops``
    #: stops the proof (undecided).
    proof_attempts: int = 4
    proof_max_ops: int = 300
    proof_simplify_ops: int = 120
    #: A safety net only, not a budget: a proof inside the size budget ends far sooner. If it
    #: ever fires, the answer is flagged for review with a message saying so.
    time_budget: float = 30.0


DEFAULT_LIMITS = Limits()


class LimitExceeded(Exception):
    """An answer broke a limit; ``str(err)`` is a sentence for the student."""


class TimeBudgetExceeded(BaseException):
    """Raised inside a SymPy step when its time is up (BaseException: SymPy catches Exception)."""


# --------------------------------------------------------------------------- time budget

_abandoned: list[threading.Thread] = []
_MAX_ABANDONED = 2


def run_with_time_limit(fn: Callable[[], T], seconds: float) -> tuple[bool, T | None]:
    """Run ``fn()`` for at most ``seconds``; return ``(finished, result)``.

    On the main thread of a process we use ``signal.setitimer(ITIMER_REAL)``: the alarm raises
    :class:`TimeBudgetExceeded` inside ``fn`` and any previous timer/handler is restored. Elsewhere
    (signals only reach the main thread) ``fn`` runs in a daemon worker thread that is abandoned
    when the time is up; Python cannot kill a thread, so it may finish in the background. To keep
    abandoned threads from piling up, when two are still running we do not start another and
    report "not finished" straight away.
    """
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _run_with_alarm(fn, seconds)
    return _run_in_worker(fn, seconds)


def _run_with_alarm(fn: Callable[[], T], seconds: float) -> tuple[bool, T | None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise TimeBudgetExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    prev_delay, prev_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            result = fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return True, result
    except TimeBudgetExceeded:  # also one that fires just as fn returns
        return False, None
    finally:
        signal.signal(signal.SIGALRM, previous)
        if prev_delay:
            signal.setitimer(signal.ITIMER_REAL, prev_delay, prev_interval)


def _run_in_worker(fn: Callable[[], T], seconds: float) -> tuple[bool, T | None]:
    _abandoned[:] = [t for t in _abandoned if t.is_alive()]
    if len(_abandoned) >= _MAX_ABANDONED:
        return False, None
    box: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            box.append(fn())
        except BaseException as err:  # noqa: BLE001 - reported to the caller as "not finished"
            errors.append(err)

    worker = threading.Thread(target=target, daemon=True, name="quizgen-proof")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        _abandoned.append(worker)
        return False, None
    if box:
        return True, box[0]
    return False, None


# --------------------------------------------------------------------------- magnitude estimates

def log10_factorial(n: float) -> float:
    """log10(n!) via lgamma: cheap for any n, never computes the factorial."""
    if n < 0:
        return 0.0
    if n > 1e300:
        return math.inf
    return math.lgamma(n + 1.0) / math.log(10.0)
