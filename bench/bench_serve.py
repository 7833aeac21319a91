"""Load bench for ``quizgen serve``: a class opening the exam at once, then typing, on loopback.

    python bench/bench_serve.py                       # 200 students, 60 s, SQLite, workers = CPUs
    python bench/bench_serve.py --students 50 --duration 10 --practice-students 10
    python bench/bench_serve.py --db postgresql://user:pw@127.0.0.1/db   # the same on PostgreSQL

Exam phase: an exam with one version per student (``quizgen make --tokens``), ``quizgen serve
--exam --workers W`` on a free loopback port; every student opens their page at a random moment
within ``--open-window`` seconds (default 3), then every 2-5 s types an answer, asks the live
preview first 40 % of the time, and saves it. Practice phase: ``quizgen serve`` (practice) and
``--practice-students`` students who open a question, preview 1-3 times, check, and move on.
Each simulated student sends from an address of its own (127.0.0.2, .3, ...), as a class on its
own machines would; the exam's rate limit is keyed by exam token anyway.

Prints per endpoint: count, p50/p95/p99/max latency and errors; the server's CPU time and peak
RSS (all its processes, from /proc), and this generator's own CPU. After the exam it stops the
server and reads the store: every save acknowledged to a student must be in the log with its
revision, and each student's latest acknowledged answer must be the stored one. It then derives
what a class of ``--derive-for`` students (default 2,000) would need from the measured CPU time per
request. Exit status 1 if an answer is lost, a request failed, or a p99 is >= ``--target-p99-ms``.

Bounded: loopback only, a fixed number of students (at most 5,000), a fixed duration (at most 600 s).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import resource
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOPIC = "mle/regression"
TICK = os.sysconf("SC_CLK_TCK")
ANSWERS = ["1/2", "2*x", "sigma^2", "0.25", "log(2)", "3/4*y", "1", "y - y_hat", "exp(-1)", "(y-y_hat)^2/2"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---------------------------------------------------------------- the server and its processes
def tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents[ppid].append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, ()))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Watch:
    """Samples the server's process tree: CPU time during the load, peak RSS."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.stop_flag = pid, 0.0, threading.Event()
        self.cpu0 = cpu_seconds(tree(pid))
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop_flag.wait(0.5):
            self.peak = max(self.peak, rss_mb(tree(self.pid)))

    def stop(self) -> tuple[float, float, int]:
        self.stop_flag.set()
        self.thread.join()
        pids = tree(self.pid)
        self.peak = max(self.peak, rss_mb(pids))
        return cpu_seconds(pids) - self.cpu0, self.peak, len(pids)


def start_server(args: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"server did not start: {proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out or ""


# ---------------------------------------------------------------- simulated students
class Stats:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    async def call(self, name: str, request) -> httpx.Response | None:  # noqa: ANN001 - a coroutine
        t0 = time.perf_counter()
        try:
            r = await request
        except httpx.HTTPError as err:
            self.errors[name].append(type(err).__name__)
            return None
        self.lat[name].append(time.perf_counter() - t0)
        if r.status_code >= 400:
            self.errors[name].append(str(r.status_code))
            return None
        return r


_TLS = ssl.create_default_context()  # one for every client: making one each costs the generator ~20 ms of CPU


def client(k: int) -> httpx.AsyncClient:
    """A student's browser: its own connection, from its own loopback address."""
    address = f"127.0.{(k // 250) % 250}.{2 + k % 250}"
    return httpx.AsyncClient(timeout=60, verify=_TLS,
                             transport=httpx.AsyncHTTPTransport(local_address=address, verify=_TLS))


def csrf_of(text: str) -> str:
    return re.search(r'<meta name="csrf" content="([0-9a-f]+)"', text).group(1)


class ExamStudent:
    def __init__(self, k: int, base: str, student: str, token: str, questions: int):
        self.k, self.base, self.student, self.token, self.questions = k, base, student, token, questions
        self.rev = {n: 0 for n in range(1, questions + 1)}
        self.acked: list[tuple[int, int, str]] = []  # (question, revision, answer) acknowledged

    async def run(self, stats: Stats, start: float, window: float, end: float, gap: tuple[float, float],
                  preview: float, rng: random.Random) -> None:
        async with client(self.k) as c:
            await asyncio.sleep(max(0.0, start + rng.uniform(0, window) - time.monotonic()))
            r = await stats.call("exam: open the page", c.get(f"{self.base}/exam/{self.token}"))
            if r is None:
                return
            csrf = csrf_of(r.text)
            headers = {"x-csrf-token": csrf, "accept": "application/json"}
            k = 0
            while True:
                await asyncio.sleep(rng.uniform(*gap))
                if time.monotonic() >= end:
                    return
                k += 1
                n = rng.randint(1, self.questions)
                answer = f"{rng.choice(ANSWERS)} + {k}"
                if rng.random() < preview:
                    await stats.call("exam: live preview", c.post(f"{self.base}/exam/{self.token}/read",
                                                                  json={"q": str(n), "answer": answer}, headers=headers))
                data = {"csrf": csrf, "q": str(n), "rev": str(self.rev[n]), "answer": answer}
                r = await stats.call("exam: save", c.post(f"{self.base}/exam/{self.token}/save", data=data,
                                                          headers={"accept": "application/json"}))
                if r is not None:
                    self.rev[n] = r.json()["rev"]
                    self.acked.append((n, self.rev[n], answer))


async def practice_student(k: int, base: str, stats: Stats, end: float, gap: tuple[float, float],
                           rng: random.Random) -> None:
    async with client(10_000 + k) as c:
        await asyncio.sleep(rng.uniform(0, 3))
        while time.monotonic() < end:
            r = await stats.call("practice: open a question",
                                 c.get(f"{base}/practice", params={"topic": "mle"}, follow_redirects=True))
            if r is None:
                await asyncio.sleep(1)
                continue
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', r.text))
            headers = {"x-csrf-token": fields["csrf"], "accept": "application/json"}
            for _ in range(rng.randint(1, 3)):
                await asyncio.sleep(rng.uniform(*gap))
                await stats.call("practice: live preview", c.post(f"{base}/api/read", headers=headers, json={
                    "qid": fields["qid"], "v": fields["v"], "answer": rng.choice(ANSWERS)}))
            await asyncio.sleep(rng.uniform(*gap))
            await stats.call("practice: check", c.post(f"{base}/practice/answer", headers=headers,
                                                       data={**fields, "answer": rng.choice(ANSWERS)}))
            await asyncio.sleep(rng.uniform(*gap))


# ---------------------------------------------------------------- report
def table(stats: Stats, target: float) -> tuple[list[str], bool]:
    lines = [f"{'endpoint':<27} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  errors",
             f"{'':<27} {'':>6} {'ms':>8} {'ms':>8} {'ms':>8} {'ms':>8}"]
    ok = True
    for name in sorted(set(stats.lat) | set(stats.errors)):
        ms = [x * 1000 for x in stats.lat[name]]
        errs = stats.errors[name]
        p99 = pct(ms, 99)
        ok = ok and not errs and p99 < target
        shown = f"{len(errs)}" + (f" ({', '.join(sorted(set(errs)))})" if errs else "")
        lines.append(f"{name:<27} {len(ms):>6} {pct(ms, 50):>8.1f} {pct(ms, 95):>8.1f} {p99:>8.1f} "
                     f"{max(ms) if ms else float('nan'):>8.1f}  {shown}")
    return lines, ok


def generator_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measured(load, proc: subprocess.Popen, watch: Watch, g0: float, w0: float):  # noqa: ANN001
    """Run the load, stop the server: (wall s, server CPU s, peak RSS MB, processes, generator CPU s)."""
    try:
        asyncio.run(load())
    finally:
        wall = time.perf_counter() - w0
        server_cpu, peak, nproc = watch.stop()
        gen = generator_cpu() - g0
        stop_server(proc)
    return wall, server_cpu, peak, nproc, gen


def check_store(db: str, key: Path, students: list[ExamStudent]) -> tuple[int, int, int]:
    """(acknowledged saves, of them missing from the log, latest answers not stored)."""
    sys.path.insert(0, str(ROOT))
    import json

    from quizgen.web.store import open_store

    k = json.loads(key.read_text())
    store = open_store(db, k.get("exam_id") or str(k["seed"]), writable_check=False)
    try:
        logged = {(s, n, rev): a for s, n, a, rev in store.log()}
        missing = sum(1 for s in students for n, rev, a in s.acked if logged.get((s.student, n, rev)) != a)
        lost = 0
        for s in students:
            stored = store.answers(s.student)
            for n in {n for n, _, _ in s.acked}:
                last = max((rev, a) for m, rev, a in s.acked if m == n)
                if stored.get(n) != (last[1], last[0]):
                    lost += 1
    finally:
        store.close()
    return sum(len(s.acked) for s in students), missing, lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of exam load after the opening")
    ap.add_argument("--open-window", type=float, default=3.0, help="every student opens within this many seconds")
    ap.add_argument("--gap", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"),
                    help="seconds between one student's saves")
    ap.add_argument("--preview", type=float, default=0.4, help="share of saves preceded by a live preview")
    ap.add_argument("--practice-students", type=int, default=50)
    ap.add_argument("--practice-duration", type=float, default=40.0)
    ap.add_argument("--workers", type=int, default=None, help="server worker processes [default: the CPUs]")
    ap.add_argument("--db", help="the exam's store: a postgresql:// URL [default: SQLite beside the key]")
    ap.add_argument("--derive-for", type=int, default=2000, help="derive the cores a class of this size needs")
    ap.add_argument("--target-p99-ms", type=float, default=300.0)
    ap.add_argument("--questions", type=int, default=3)
    args = ap.parse_args()
    if not (1 <= args.students <= 5000 and 1 <= args.duration <= 600 and 0 <= args.practice_students <= 2000):
        ap.error("bounded: 1-5000 students, 1-600 s, 0-2000 practice students")
    workers = ["--workers", str(args.workers)] if args.workers else []
    load0 = open("/proc/loadavg").read().split()[:3]
    print(f"machine: {os.cpu_count()} CPUs, load average before the run {' '.join(load0)}")
    all_ok = True
    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        out = Path(tmp) / "exam"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "quizgen", "make", "-t", TOPIC, "-n", str(args.questions),
                        "--versions", str(args.students), "--seed", "1", "--tokens", "-f", "json", "-o", str(out)],
                       cwd=ROOT, check=True, capture_output=True)
        print(f"exam of {args.questions} questions for {args.students} students built in {time.perf_counter() - t0:.1f} s")
        rows = list(csv.DictReader((out / "tokens.csv").open()))
        db = args.db or str(out / "answers.sqlite")
        t0 = time.perf_counter()
        proc, base = start_server(["--exam", str(out / "key.json"), "--db", db, *workers])
        print(f"server ready in {time.perf_counter() - t0:.1f} s (pages rendered, workers forked): "
              f"{len(tree(proc.pid)) - 1 or 1} worker(s), store {'PostgreSQL' if args.db else 'SQLite'}")
        students = [ExamStudent(k, base, r["student"], r["token"], args.questions) for k, r in enumerate(rows)]
        stats = Stats()
        watch = Watch(proc.pid)
        g0, w0 = generator_cpu(), time.perf_counter()

        async def exam_load() -> None:
            start = time.monotonic() + 0.5
            end = start + args.open_window + args.duration
            rng = random.Random(1)
            await asyncio.gather(*(s.run(stats, start, args.open_window, end, tuple(args.gap), args.preview,
                                         random.Random(rng.random())) for s in students))

        wall, server_cpu, peak, nproc, gen = measured(exam_load, proc, watch, g0, w0)
        lines, ok = table(stats, args.target_p99_ms)
        acked, missing, lost = check_store(db, out / "key.json", students)
        requests = sum(len(v) for v in stats.lat.values())
        print(f"\nEXAM: {args.students} students open within {args.open_window:g} s, then each saves every "
              f"{args.gap[0]:g}-{args.gap[1]:g} s ({args.preview:.0%} with a preview first) for {args.duration:g} s")
        print("\n".join(lines))
        print(f"server: {server_cpu:.1f} s CPU over {wall:.1f} s ({server_cpu / wall:.2f} cores), peak RSS {peak:.0f} MB "
              f"in {nproc} processes; generator: {gen:.1f} s CPU ({gen / wall:.2f} cores); {requests} requests "
              f"({requests / wall:.0f}/s), server CPU {1000 * server_cpu / max(requests, 1):.2f} ms per request")
        print(f"acknowledged saves {acked}; missing from the store's log: {missing}; latest answers not stored: {lost}")
        all_ok = all_ok and ok and not missing and not lost
        # a larger class: the same per-student request rate, so the server's CPU scales with the students
        scale = args.derive_for / args.students
        print(f"derived for {args.derive_for} students (per-request CPU from this run, x{scale:g} the requests): "
              f"{server_cpu / wall * scale:.1f} cores busy on average (plus the opening burst: "
              f"{args.derive_for} pages at ~{1000 * server_cpu / max(requests, 1):.1f} ms CPU each within "
              f"{args.open_window:g} s, {args.derive_for * server_cpu / max(requests, 1) / args.open_window:.1f} cores)")

        if args.practice_students:
            t0 = time.perf_counter()
            proc, base = start_server(workers)
            print(f"\npractice server ready in {time.perf_counter() - t0:.1f} s (every question derived before the first request)")
            stats = Stats()
            watch = Watch(proc.pid)
            g0, w0 = generator_cpu(), time.perf_counter()

            async def practice_load() -> None:
                end = time.monotonic() + args.practice_duration
                rng = random.Random(2)
                await asyncio.gather(*(practice_student(k, base, stats, end, tuple(args.gap), random.Random(rng.random()))
                                       for k in range(args.practice_students)))

            wall, server_cpu, peak, nproc, gen = measured(practice_load, proc, watch, g0, w0)
            lines, ok = table(stats, args.target_p99_ms)
            print(f"PRACTICE: {args.practice_students} students for {args.practice_duration:g} s (open a question of "
                  f"'mle', preview 1-3 times, check; {args.gap[0]:g}-{args.gap[1]:g} s between steps)")
            print("\n".join(lines))
            print(f"server: {server_cpu:.1f} s CPU ({server_cpu / wall:.2f} cores), peak RSS {peak:.0f} MB in {nproc} "
                  f"processes; generator: {gen:.1f} s CPU ({gen / wall:.2f} cores)")
            all_ok = all_ok and ok
    print(f"\nload average after the run {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"targets (p99 < {args.target_p99_ms:g} ms on every endpoint, 0 errors, 0 acknowledged saves lost): "
          f"{'MET' if all_ok else 'NOT MET'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
