"""make in worker processes (issue 7 §7): the same bytes as one process, progress, errors, Ctrl-C, kill -9."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docpages import block
from processes import alive, children, interrupt
from quizgen.export import render_exam
from quizgen.generation import exam as exam_mod
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.kernel import workers
from quizgen.kernel.errors import QuestionError

ROOT = Path(__file__).resolve().parents[1]
BANK = load_bank()
# cheap questions of several answer types, one with a figure
IDS = ("mle/gaussian_nll", "mle/gaussian_nll_value", "mle/kl_cross_entropy_choice", "mle/reliability_ece")
ENTRIES = [BANK.find(i) for i in IDS]


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every fork_pool opened (its number of workers); any class size goes to the workers."""
    opened: list[int] = []
    real = workers.fork_pool

    def spy(jobs: int):
        opened.append(jobs)
        return real(jobs)

    monkeypatch.setattr(workers, "fork_pool", spy)
    monkeypatch.setattr(exam_mod, "MIN_PARALLEL_VARIANTS", 0)
    return opened


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
@pytest.mark.parametrize("options", [{}, {"shuffle": True, "pool": 3, "secret": "ab" * 16}])
def test_workers_write_the_same_bytes_as_one_process(pools: list[int], options: dict) -> None:
    students = version_names(24)
    serial = build_exam(ENTRIES, 2026, students, jobs=1, **options)
    assert pools == []
    parallel = build_exam(ENTRIES, 2026, students, jobs=2, **options)
    assert pools == [2]
    assert parallel == serial
    assert render_exam(parallel, ["md", "tex", "json"]) == render_exam(serial, ["md", "tex", "json"])


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_one_question_is_split_over_the_workers(pools: list[int]) -> None:
    students = version_names(9)
    serial = build_exam(ENTRIES[:1], 5, students, jobs=1)
    assert build_exam(ENTRIES[:1], 5, students, jobs=3) == serial
    assert pools == [3]


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_progress_goes_through_every_student(pools: list[int]) -> None:
    seen: list[str] = []

    def progress(items):
        for item in items:
            seen.append(item)
            yield item

    students = version_names(30)
    build_exam(ENTRIES[:2], 5, students, jobs=2, progress=progress)
    assert seen == list(students) and pools == [2]


def test_a_small_class_is_built_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: opened.append(jobs))
    build_exam(ENTRIES[:2], 5, version_names(20), jobs=2)  # 40 variants, far below the threshold
    assert opened == []


def test_the_making_exams_page_states_the_thresholds() -> None:
    from quizgen.generation import figures

    readme = (ROOT / "docs" / "making-exams.md").read_text(encoding="utf-8")
    assert f"A class of {exam_mod.MIN_PARALLEL_VARIANTS:,} variants or more (students × questions)" in readme
    assert f"there are {figures.MIN_AHEAD_FIGURES} distinct ones or more" in readme
    assert f"if more than {figures.DRAWER_FINISHES} are left when the variants are done" in readme
    from quizgen import export

    assert f"A class of {export.MIN_PARALLEL_RENDER:,} variants or more has its Markdown, LaTeX and HTML pages" in readme


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_a_broken_question_in_a_worker_is_one_error_line(pools: list[int]) -> None:
    def derive(s):
        raise ZeroDivisionError("division by zero")

    broken = dataclasses.replace(ENTRIES[0], question=dataclasses.replace(ENTRIES[0].question, derive=derive))
    with pytest.raises(QuestionError, match=r"^mle/gaussian_nll: derive\(\) failed: ZeroDivisionError: division by zero$"):
        build_exam([broken, ENTRIES[1]], 5, version_names(10), jobs=2)
    assert pools == [2]
    before = children(os.getpid())
    with pytest.raises(QuestionError, match=r"^mle/gaussian_nll: derive\(\) failed"):  # with the drawer running
        build_exam([ENTRIES[3], broken], 5, version_names(10), jobs=2, figures=True)
    time.sleep(0.3)
    assert not alive(children(os.getpid()) - before)  # no builder, no drawer left


# ------------------------------------------------------------------ processes: Ctrl-C, kill -9

def start(*args: str) -> tuple[subprocess.Popen, set[int]]:
    """A quizgen run far too long to finish in the test, once its 2 workers run."""
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    end = time.monotonic() + 120
    while time.monotonic() < end:
        kids = children(proc.pid)
        if len(kids) >= 2:
            time.sleep(1.0)  # let them start working
            return proc, kids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("no worker processes appeared")


def start_make(out: Path, fmt: str = "json") -> tuple[subprocess.Popen, set[int]]:
    """60 questions x 400 students (with ``md``, the figures drawn by one more process)."""
    return start("make", "--topic", "mle", "--seed", "5", "--secret", "ab" * 16, "--versions", "400", "--format",
                 fmt, "--jobs", "2", "--out", str(out))


needs_proc = pytest.mark.skipif(not Path("/proc").is_dir() or not workers.can_fork(),
                                reason="needs /proc to list child processes, and fork")


@needs_proc
@pytest.mark.parametrize("fmt", ["json", "md"])
def test_ctrl_c_stops_make_and_its_workers_within_2_seconds(tmp_path: Path, fmt: str) -> None:
    proc, kids = start_make(tmp_path / "o", fmt)
    if fmt == "md":  # the drawer too, once the first figures come back
        end = time.monotonic() + 60
        while len(kids) < 3 and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.1)
            kids |= children(proc.pid)
        assert len(kids) >= 3, "no drawer process appeared"
    assert proc.poll() is None, "make finished before it could be interrupted"
    elapsed, err = interrupt(proc)  # Ctrl-C in a terminal
    assert elapsed < 2.0, f"took {elapsed:.2f} s to stop"
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    time.sleep(0.3)
    assert not alive(kids)
    assert not (tmp_path / "o").exists()


@needs_proc
def test_ctrl_c_stops_check_and_its_workers_within_2_seconds() -> None:
    proc, kids = start("check", "--seeds", "200", "--jobs", "2")
    assert proc.poll() is None, "check finished before it could be interrupted"
    elapsed, err = interrupt(proc)  # Ctrl-C in a terminal
    assert elapsed < 2.0, f"took {elapsed:.2f} s to stop"
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    time.sleep(0.3)
    assert not alive(kids)


@needs_proc
def test_kill_9_of_make_leaves_no_orphan_workers(tmp_path: Path) -> None:
    proc, kids = start_make(tmp_path / "o", "md")  # builders and the drawer
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    end = time.monotonic() + 3
    while alive(kids) and time.monotonic() < end:
        time.sleep(0.05)
    leftover = alive(kids)
    for pid in leftover:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not leftover, "worker processes outlived the killed make"


# ------------------------------------------------------------------ figures drawn ahead

@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_figures_drawn_by_a_worker_are_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen.generation import figures

    with_figures = [e for e in BANK.topic("mle") if e.question.figures]
    exam = build_exam(with_figures, 9, version_names(12), jobs=1)
    distinct = {(r.kind, r.args) for ver in exam.versions for v in ver.variants for r in v.figures}
    assert len(distinct) >= figures.MIN_AHEAD_FIGURES
    figures.clear_cache()
    here = render_exam(exam, ["md", "html"], jobs=1)
    assert figures._draw.cache_info().misses == len(distinct)

    figures.clear_cache()
    opened: list[int] = []
    real = workers.fork_pool
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: opened.append(jobs) or real(jobs))
    ahead = render_exam(exam, ["md", "html"], jobs=2)
    assert opened == [2]  # the workers draw while this process renders what needs no figure
    assert figures._draw.cache_info().misses == 0  # every figure came from the worker
    assert ahead == here and sum(name.endswith(".png") for name in ahead) == len(distinct)
    assert list(ahead) == list(here)  # the files in the same order
    # a format without figures draws none ahead
    figures.clear_cache()
    render_exam(exam, ["json"], jobs=2)
    assert opened == [2] and not figures._DRAWN


def test_formats_without_figures_are_rendered_first_and_files_keep_the_order_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen import export

    order: list[str] = []
    real = export.writer

    def spy(name: str):
        w = real(name)

        class Recorder:
            figure_carry = w.figure_carry

            def render(self, *args, **kwargs):
                order.append(name)
                return w.render(*args, **kwargs)

        return Recorder()

    monkeypatch.setattr(export, "writer", spy)
    exam = build_exam(ENTRIES[:2], 5, version_names(2), jobs=1)
    files = export.render_exam(exam, ["md", "json", "tex"], jobs=1)
    assert order == ["json", "md", "tex"]
    assert list(files) == ["sheet-v01.md", "sheet-v02.md", "solutions-v01.md", "solutions-v02.md", "key.json",
                           "sheet-v01.tex", "sheet-v02.tex", "solutions-v01.tex", "solutions-v02.tex"]


# ------------------------------------------------------------------ figures drawn while the variants are built

FIGURED = [e for e in BANK.topic("mle") if e.question.figures][:3] + ENTRIES[:1]


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_figures_drawn_while_building_are_the_same_bytes(pools: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen import export
    from quizgen.generation import figures

    students = version_names(16)
    figures.clear_cache()
    serial_exam = build_exam(FIGURED, 11, students, jobs=1)
    serial = render_exam(serial_exam, ["md", "tex", "html", "json"], jobs=1)
    distinct = {(r.kind, r.args) for ver in serial_exam.versions for v in ver.variants for r in v.figures}
    assert len(distinct) >= 2

    figures.clear_cache()
    pools.clear()
    monkeypatch.setattr(figures, "DRAWER_FINISHES", len(distinct))  # so that the drawer draws every one
    exam = build_exam(FIGURED, 11, students, jobs=2, figures=True)
    assert pools == [2]  # the builders; the drawer is a process of its own
    assert exam == serial_exam
    assert set(figures._DRAWN) == distinct and not figures.undrawn(exam.figures())  # all drawn by the drawer
    assert figures._draw.cache_info().misses == 0  # none here

    monkeypatch.setattr(export, "MIN_PARALLEL_RENDER", 0)
    pools.clear()
    parallel = render_exam(exam, ["md", "tex", "html", "json"], jobs=2)
    assert pools == [2]  # the pages were rendered by two workers
    assert figures._draw.cache_info().misses == 0
    assert parallel == serial and list(parallel) == list(serial)  # the same files, bytes and order


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_a_class_without_figures_forks_no_drawer(pools: list[int]) -> None:
    from quizgen.generation import figures

    figures.clear_cache()
    build_exam(ENTRIES[:2], 5, version_names(10), jobs=2, figures=True)
    assert pools == [2] and not figures._DRAWN


@pytest.mark.skipif(not workers.can_fork(), reason="the drawer process is forked; this platform cannot fork")
def test_figures_the_drawer_has_not_started_are_left_to_the_writers(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen.generation import figures

    exam = build_exam([BANK.find("mle/reliability_ece")], 3, version_names(12), jobs=1)
    refs = [r for ver in exam.versions for v in ver.variants for r in v.figures]
    distinct = {(r.kind, r.args) for r in refs}
    assert len(distinct) > figures.DRAWER_QUEUE + figures.DRAWER_FINISHES
    figures.clear_cache()
    with figures.drawn_alongside() as drawer:
        drawer.hand(refs)
    # the figures it held were drawn there; the others are left (too many to finish alone)
    assert len(figures._DRAWN) == figures.DRAWER_QUEUE and figures._draw.cache_info().misses == 0
    assert figures.undrawn(exam.figures())
    for ref in refs:  # the writers draw the rest, and what the drawer drew is what drawing here gives
        assert figures.png(ref) == figures._draw(ref.kind, ref.args)
    assert not figures.undrawn(exam.figures())

    figures.clear_cache()
    monkeypatch.setattr(figures, "DRAWER_FINISHES", len(distinct))
    with figures.drawn_alongside() as drawer:  # few enough left: the drawer finishes them
        drawer.hand(refs)
    assert set(figures._DRAWN) == distinct and figures._draw.cache_info().misses == 0
    with figures.drawn_alongside(False) as drawer:  # disabled: no process
        assert drawer is None


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_a_template_error_in_a_render_worker_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen import export
    from quizgen.kernel.errors import QuizgenError

    (tmp_path / "md").mkdir()
    (tmp_path / "md" / "sheet.md.j2").write_text("{{ version.student }} {{ no_such_thing }}\n", encoding="utf-8")
    exam = build_exam(ENTRIES[:1], 5, version_names(4), jobs=1)
    monkeypatch.setattr(export, "MIN_PARALLEL_RENDER", 0)
    with pytest.raises(QuizgenError, match=r"^format md: template error: 'no_such_thing' is undefined$"):
        render_exam(exam, ["md"], templates=tmp_path, jobs=2)


def test_a_small_class_is_rendered_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from quizgen import export

    opened: list[int] = []
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: opened.append(jobs))
    exam = build_exam(ENTRIES[:2], 5, version_names(20), jobs=1)  # 40 variants, far below the threshold
    assert 40 < export.MIN_PARALLEL_RENDER
    render_exam(exam, ["md", "tex"], jobs=2)
    assert opened == []


# ------------------------------------------------------------------ the library API, as docs/making-exams.md shows it

def test_the_make_from_python_example_runs(tmp_path: Path) -> None:
    code = block("make-from-python")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "sheets").iterdir())
    assert {"key.json", "sheet-v01.md", "solutions-v03.md"} <= set(names)
    assert any(n.endswith(".png") for n in names)  # mle/sigmoid has questions with figures


def test_a_process_running_other_threads_builds_and_renders_in_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from quizgen import export

    opened: list[int] = []
    monkeypatch.setattr(workers, "fork_pool", lambda jobs: opened.append(jobs))
    monkeypatch.setattr(exam_mod, "MIN_PARALLEL_VARIANTS", 0)
    monkeypatch.setattr(export, "MIN_PARALLEL_RENDER", 0)
    stop = threading.Event()
    kernel = threading.Thread(target=stop.wait, daemon=True)  # as a notebook kernel's threads
    kernel.start()
    try:
        exam = build_exam(FIGURED, 5, version_names(4), jobs=2, figures=True)
        render_exam(exam, ["md", "tex"], jobs=2)
    finally:
        stop.set()
        kernel.join()
    assert opened == []


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_stopping_a_pool_while_a_result_is_half_sent_does_not_hang() -> None:
    """A worker stopped while sending a large result leaves half a message in the results pipe;
    the pool's manager thread must not wait for the rest forever (Python would hang at exit)."""
    import struct

    with pytest.raises(RuntimeError):
        with workers.pool(1) as executor:
            assert executor.submit(os.getpid).result() > 0  # the worker and the manager thread run
            manager = executor._executor_manager_thread
            writer = executor._result_queue._writer
            os.write(writer.fileno(), struct.pack("!i", 1 << 20) + b"half")  # a 1 MiB message, 4 bytes of it
            time.sleep(0.2)  # the manager thread is now reading the rest
            raise RuntimeError("an error in the parent: stop the workers now")
    manager.join(5.0)
    assert not manager.is_alive(), "the pool's manager thread still waits for the rest of the message"


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked; this platform cannot fork")
def test_a_stopped_pool_has_closed_its_wakeup_before_python_exits() -> None:
    """At exit Python wakes every pool's manager thread; a manager thread that was still closing
    its wake-up pipe then made that write fail (EBADF) and a Ctrl-C'd make printed a traceback.
    Once stop_pool returns, the manager thread has ended and its pipe is closed: nothing to race."""
    with pytest.raises(KeyboardInterrupt):
        with workers.pool(2) as executor:
            assert executor.submit(os.getpid).result() > 0
            manager = executor._executor_manager_thread
            wakeup = executor._executor_manager_thread_wakeup
            executor.submit(time.sleep, 30)
            raise KeyboardInterrupt
    assert not manager.is_alive()
    assert wakeup._closed
