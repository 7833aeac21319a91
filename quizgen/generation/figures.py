"""Figures: pictures drawn with matplotlib from a variant's own numbers, reproducible to the byte.

A question declares its figures (:class:`quizgen.generation.question.Figure`): which drawing, its arguments
as a function of the variant's parameters, the alt text, and whether it belongs on the sheet or in
the solutions. A variant carries a :class:`FigureRef` per figure — what to draw, never the
pixels — and the writers ask :func:`png` for the bytes when they write files. So:

- matplotlib is imported only when a figure is drawn (``quizgen --help``, ``list`` and a class
  without figures never import it);
- each distinct figure (drawing + arguments) is drawn once and cached, whatever the number of
  students who share it; its file name is a hash of exactly that, so the files are shared too;
- the same arguments give the same bytes: Agg backend, fixed font (DejaVu Sans, shipped with
  matplotlib), fixed size and resolution, and no date or software version in the PNG metadata.

Markdown and LaTeX write the PNG files beside the sheets (:func:`figure_files`); HTML inlines
them as ``data:`` URIs and Moodle XML as base64 ``<file>`` elements (:func:`png_base64`); Canvas
QTI puts the files into its zip.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

if TYPE_CHECKING:
    from concurrent.futures import Future

#: Resolution of the PNG files: print quality at the width the sheets use (about 12 cm).
DPI = 200
#: Width and height of every figure in inches.
SIZE = (5.0, 3.0)
#: Width and height of every PNG in pixels (HTML's ``width``/``height`` attributes reserve the space).
PIXELS = (round(SIZE[0] * DPI), round(SIZE[1] * DPI))

#: rcParams every drawing runs under (no style file, no user matplotlibrc can change the bytes).
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "svg.hashsalt": "quizgen",
    "path.simplify": True,
    "lines.linewidth": 1.6,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "savefig.dpi": DPI,
}


@dataclass(frozen=True)
class FigureRef:
    """One figure of one variant: the drawing's name and arguments, its alt text and where it goes."""

    kind: str
    args: tuple[tuple[str, Any], ...]  # sorted (name, value) pairs of plain numbers, strings, tuples
    alt: str  # a sentence saying what the picture shows (Markdown alt text, screen readers)
    where: str = "sheet"  # "sheet": with the question; "solutions": with the worked solution only

    @property
    def file(self) -> str:
        """The PNG file name: a hash of the drawing and its arguments, shared by every variant that shows it."""
        key = repr((self.kind, self.args)).encode("utf-8")
        return f"fig-{self.kind.replace('_', '-')}-{hashlib.sha256(key).hexdigest()[:12]}.png"


def plain_args(args: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A drawing's arguments as a hashable, repr-stable tuple (floats rounded to 12 figures)."""

    def plain(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return tuple(plain(x) for x in v)
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        f = float(v)
        return int(f) if f.is_integer() else float(f"{f:.12g}")

    return tuple(sorted((k, plain(v)) for k, v in args.items()))


# ---------------------------------------------------------------- drawing
DRAWINGS: dict[str, Callable[..., None]] = {}


def drawing(fn: Callable[..., None]) -> Callable[..., None]:
    DRAWINGS[fn.__name__] = fn
    return fn


@functools.lru_cache(maxsize=None)
def _draw(kind: str, args: tuple[tuple[str, Any], ...]) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display, no GUI toolkit; the object API below needs no pyplot
    from matplotlib.figure import Figure

    if kind not in DRAWINGS:
        raise KeyError(f"no drawing named {kind!r} (known: {', '.join(sorted(DRAWINGS))})")
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=SIZE, dpi=DPI)
        DRAWINGS[kind](fig, **dict(args))
        out = io.BytesIO()
        # no Software/date chunks; zlib level 3 is much faster than the default 6 for ~10% more bytes
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return out.getvalue()


#: Figures being drawn by worker processes (:func:`drawn_ahead`), and every figure drawn so far.
_AHEAD: dict[tuple[str, tuple], "Future[bytes]"] = {}
_DRAWN: dict[tuple[str, tuple], bytes] = {}
#: Fewer distinct figures than this are drawn where they are needed (forking would not pay off).
MIN_AHEAD_FIGURES = 4


def png(ref: FigureRef) -> bytes:
    """The PNG bytes of a figure, drawn once per distinct (drawing, arguments) and cached."""
    return _png(ref.kind, ref.args)


def _png(kind: str, args: tuple[tuple[str, Any], ...]) -> bytes:
    key = (kind, args)
    data = _DRAWN.get(key)
    if data is None:
        pending = _AHEAD.pop(key, None)
        data = _DRAWN[key] = pending.result() if pending is not None else _draw(kind, args)
    return data


def clear_cache() -> None:
    """Forget every figure drawn (tests count the drawings)."""
    _draw.cache_clear()
    _base64.cache_clear()
    _DRAWN.clear()


def _draw_in_worker(kind: str, args: tuple[tuple[str, Any], ...]) -> bytes:
    return _draw(kind, args)


class Drawer:
    """One forked process that draws the figures handed to it while this process does other work.

    ``make`` hands it each new figure as the variants that show it come back from the workers
    that build them (:meth:`hand`), and lets it report between chunks (:meth:`serve`). One
    process, not more: it shares the CPUs with those workers, and matplotlib's start-up (about
    0.5 s a process) is paid once. It is a plain process with two pipes, forked before the
    builders' pool starts its threads, and it is kept at most :data:`DRAWER_QUEUE` figures
    ahead, so that at :meth:`finish` what it has not started is left to the writers
    (:func:`drawn_ahead` draws that in as many workers as there are CPUs).
    """

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        child_requests, self._requests = context.Pipe(duplex=False)  # (reader, writer)
        self._results, child_results = context.Pipe(duplex=False)
        _widen(self._results)
        self._process = context.Process(target=_drawer_main, args=(child_requests, child_results),
                                        name="quizgen-drawer", daemon=True)
        self._process.start()
        child_requests.close()
        child_results.close()
        self._backlog: list[tuple[str, tuple]] = []
        self._known: set[tuple[str, tuple]] = set()
        self._out = 0  # figures handed to the process and not returned yet

    def hand(self, refs: Iterable[FigureRef]) -> None:
        """Queue the figures of ``refs`` that are neither drawn nor queued."""
        for ref in refs:
            key = (ref.kind, ref.args)
            if key not in _DRAWN and key not in self._known:
                self._known.add(key)
                self._backlog.append(key)
        self.serve()

    @property
    def busy(self) -> bool:
        return bool(self._out or self._backlog)

    def serve(self) -> None:
        """Take what the process has drawn; keep it :data:`DRAWER_QUEUE` figures ahead."""
        while self._out and self._results.poll():
            self._take()
        while self._backlog and self._out < DRAWER_QUEUE:
            self._requests.send(self._backlog.pop(0))
            self._out += 1

    def finish(self) -> None:
        """Wait for the figures in the process's hands and, when no more than
        :data:`DRAWER_FINISHES` are left, for those too (fewer than it takes to be worth a pool of
        workers); leave the rest to the writers, and stop the process."""
        if len(self._backlog) > DRAWER_FINISHES:
            self._backlog.clear()
        while self._out:
            self._take()
            self.serve()
        self.stop()

    def stop(self) -> None:
        try:
            self._requests.send(None)
        except OSError:
            pass
        self._process.join(1.0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1.0)
        self._requests.close()
        self._results.close()

    def _take(self) -> None:
        try:
            key, data = self._results.recv()
        except EOFError:
            from quizgen.kernel.errors import QuizgenError

            raise QuizgenError("the process drawing the figures died (out of memory?); rerun with --jobs 1") from None
        self._out -= 1
        if data is not None:  # a drawing that failed there is drawn again by the writers, which say why
            _DRAWN[key] = data


#: The drawer process is handed at most this many figures at a time (see :class:`Drawer`).
DRAWER_QUEUE = 2
#: When the variants are built, the drawer still draws this many figures left over (more go to the writers).
DRAWER_FINISHES = 4


def _widen(connection) -> None:  # type: ignore[no-untyped-def]
    """A 1 MiB pipe (Linux) so the drawer can send a few PNGs before this process reads them."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _drawer_main(requests, results) -> None:  # type: ignore[no-untyped-def]
    from quizgen.kernel.workers import worker_init

    worker_init()
    while True:
        try:
            key = requests.recv()
        except EOFError:
            return
        if key is None:
            return
        try:
            data: bytes | None = _draw(*key)
        except Exception:  # noqa: BLE001 - the writers draw it again and report the error
            data = None
        results.send((key, data))


@contextmanager
def drawn_alongside(enabled: bool = True) -> Iterator["Drawer | None"]:
    """A :class:`Drawer` for the block (None when not ``enabled``), stopped at its end; on an
    exception in the block it is stopped without waiting."""
    if not enabled:
        yield None
        return
    drawer = Drawer()
    try:
        yield drawer
    except BaseException:
        drawer._process.terminate()
        drawer.stop()
        raise
    drawer.finish()


@contextmanager
def drawn_ahead(figures: Iterable[FigureRef], jobs: int) -> Iterator[None]:
    """Draw the distinct ``figures`` (a class's) in ``jobs`` worker processes while the block runs.

    Drawing is the costliest part of a class with figures and needs nothing but each figure's
    arguments, so the workers draw while the caller renders the sheets, and :func:`png` takes
    their bytes (the same bytes: drawing depends only on the arguments). Nothing happens for
    no figures, ``jobs=1``, a few figures, or where workers cannot be forked; a figure not
    yet drawn when it is needed waits for its worker.
    """
    from quizgen.kernel.workers import can_fork, fork_pool

    refs = {}
    for ref in figures:
        key = (ref.kind, ref.args)
        if key not in _DRAWN and key not in refs:
            refs[key] = ref
    if jobs <= 1 or len(refs) < MIN_AHEAD_FIGURES or not can_fork():
        yield
        return
    try:  # ``jobs`` workers, not one fewer: the caller renders some of the time and waits the rest
        with fork_pool(min(jobs, len(refs))) as executor:
            for key in sorted(refs, key=lambda k: refs[k].file):
                _AHEAD[key] = executor.submit(_draw_in_worker, *key)
            yield
            for key in list(_AHEAD):  # what the block did not ask for (a format without figures)
                png(refs[key])
    finally:
        _AHEAD.clear()


def undrawn(figures: Iterable[FigureRef]) -> bool:
    """Whether one of ``figures`` has not been drawn (or taken from a worker) yet."""
    return any((ref.kind, ref.args) not in _DRAWN for ref in figures)


@functools.lru_cache(maxsize=None)
def _base64(kind: str, args: tuple[tuple[str, Any], ...]) -> str:
    import base64

    return base64.b64encode(_png(kind, args)).decode("ascii")


def png_base64(ref: FigureRef) -> str:
    """The PNG as base64 text (HTML data: URIs, Moodle's ``<file encoding="base64">``), encoded once per figure."""
    return _base64(ref.kind, ref.args)


def figure_files(figures: Iterable[FigureRef]) -> dict[str, bytes]:
    """``{file name: PNG bytes}`` of ``figures`` (a class's), each distinct figure once."""
    refs: dict[str, FigureRef] = {}
    for ref in figures:
        refs.setdefault(ref.file, ref)
    return {name: png(ref) for name, ref in sorted(refs.items())}


def _frame(fig, left=0.11, right=0.96, bottom=0.15, top=0.96):
    """One axes with fixed margins (no tight_layout: the same layout every time, and cheaper)."""
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    return fig.add_subplot()


def _sigmoid(z):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


# ---------------------------------------------------------------- the drawings
@drawing
def sigmoid_slope(fig, threshold: float = 0.05, z: float | None = None) -> None:
    """σ(z) and its slope σ(z)(1 − σ(z)); shaded where the slope (the factor in the MSE gradient) is below ``threshold``."""
    import numpy as np

    ax = _frame(fig)
    zs = np.linspace(-8, 8, 321)
    s = _sigmoid(zs)
    ax.plot(zs, s, color="#1f4e9a", label="σ(z)")
    ax.plot(zs, s * (1 - s), color="#c0392b", linestyle="--", label="σ(z)(1 − σ(z)), the slope")
    # |z| beyond which the slope is below the threshold: solve s(1 - s) = t for s > 1/2
    edge = math.log((1 + math.sqrt(1 - 4 * threshold)) / (1 - math.sqrt(1 - 4 * threshold)))
    for lo, hi in ((-8, -edge), (edge, 8)):
        ax.axvspan(lo, hi, color="#888888", alpha=0.15, linewidth=0)
    ax.text(-7.8, 0.55, f"slope < {threshold:g}:\nMSE gradient\nnearly 0", fontsize=8, color="#444444")
    ax.text(edge + 0.2, 0.55, "slope < {0:g}:\nMSE gradient\nnearly 0".format(threshold), fontsize=8, color="#444444")
    if z is not None:
        sz = float(_sigmoid(z))
        ax.plot([z], [sz], "o", color="#1f4e9a")
        ax.plot([z], [sz * (1 - sz)], "o", color="#c0392b")
        ax.annotate(f"z = {z:g}", (z, sz), textcoords="offset points", xytext=(0, -16 if sz > 0.5 else 8),
                    ha="center", fontsize=8)
    ax.set_xlim(-8, 8)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xticks([-8, -6, -4, -2, 0, 2, 4, 6, 8])
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_xlabel("logit z")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.98))


@drawing
def loss_vs_output(fig, y_hat: float | None = None) -> None:
    """For a label y = 1: the squared error ½(1 − ŷ)² and the cross-entropy −log ŷ against the output ŷ."""
    import numpy as np

    ax = _frame(fig)
    yh = np.linspace(0.002, 1.0, 500)
    ax.plot(yh, 0.5 * (1 - yh) ** 2, color="#c0392b", linestyle="--", label="squared error ½(1 − ŷ)²")
    ax.plot(yh, -np.log(yh), color="#1f4e9a", label="cross-entropy −log ŷ")
    ax.axvspan(0.0, 0.1, color="#888888", alpha=0.15, linewidth=0)
    ax.text(0.11, 4.1, "← confidently wrong:\n   ŷ near 0 although y = 1", fontsize=8, color="#444444")
    if y_hat is not None:
        ax.axvline(y_hat, color="#444444", linestyle=":", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1])
    ax.set_yticks([0, 1, 2, 3, 4, 5])
    ax.set_xlabel("output ŷ (label y = 1)")
    ax.set_ylabel("loss")
    ax.legend(loc="upper right")


@drawing
def reliability(fig, confidence: tuple, accuracy: tuple, width: float = 0.1) -> None:
    """A reliability diagram: each bin's accuracy (bars) against its mean confidence; the diagonal is calibration."""
    ax = _frame(fig, left=0.11, bottom=0.15)
    ax.plot([0, 1], [0, 1], color="#444444", linestyle=":", linewidth=1, label="perfect calibration")
    ax.bar(confidence, accuracy, width=width * 0.9, color="#1f4e9a", alpha=0.85, label="accuracy in the bin")
    for c, a in zip(confidence, accuracy):
        if c != a:
            ax.bar([c], [c - a], bottom=[a], width=width * 0.9, color="#c0392b", alpha=0.35,
                   label="gap (confidence − accuracy)" if c == confidence[0] else None)
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0, 1)
    ax.set_xticks([0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xlabel("mean confidence in the bin")
    ax.set_ylabel("accuracy")
    ax.legend(loc="upper left")


@drawing
def likelihood(fig, k: int, n: int) -> None:
    """The Bernoulli log-likelihood ℓ(θ) = k log θ + (n − k) log(1 − θ) over θ, with its maximum marked."""
    import numpy as np

    ax = _frame(fig, left=0.13)
    theta = np.linspace(0.01, 0.99, 393)
    ll = k * np.log(theta) + (n - k) * np.log(1 - theta)
    best = k / n
    top = k * math.log(best) + (n - k) * math.log(1 - best)
    ax.plot(theta, ll, color="#1f4e9a", label=f"ℓ(θ) for {k} successes in {n} trials")
    ax.axvline(best, color="#c0392b", linestyle="--", linewidth=1)
    ax.plot([best], [top], "o", color="#c0392b")
    ax.annotate(f"maximum at θ̂ = {k}/{n} = {best:g}", (best, top), textcoords="offset points",
                xytext=(8 if best < 0.6 else -8, 6), ha="left" if best < 0.6 else "right", fontsize=8)
    low = max(float(np.min(ll)), top - 12)
    ax.set_xlim(0, 1)
    ax.set_ylim(low, top + 0.15 * (top - low))
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1])
    ax.set_xlabel("θ = P(success)")
    ax.set_ylabel("log-likelihood")
    ax.legend(loc="lower center")
