"""Load bench for ``quizgen serve --exam``: simulated students autosaving answers over loopback.

    python bench/bench_serve.py                 # 200 students, each saving every 2-4 s, for 60 s
    python bench/bench_serve.py --students 50 --duration 10

Bounded: loopback only (127.0.0.1), a fixed number of students and a fixed duration. It builds an
exam with one version per student (``quizgen make --tokens``), starts ``quizgen serve --exam`` on a
free port, measures a baseline (one student saving alone, sequentially), then the load, and prints
p50/p90/p99/max latency of the saves for both. Afterwards it counts the rows in SQLite: every
save the server acknowledged must be in the log, and every student's latest acknowledged answer
must be the stored one ("no answer lost"). Exit status 1 if an answer is lost or p99 >= the target.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def show(label: str, lat: list[float]) -> str:
    ms = [x * 1000 for x in lat]
    return (f"{label:<10} n={len(ms):6d}  p50={pct(ms, 50):7.1f} ms  p90={pct(ms, 90):7.1f} ms  "
            f"p99={pct(ms, 99):7.1f} ms  max={max(ms) if ms else float('nan'):7.1f} ms")


class Student:
    def __init__(self, base: str, student: str, token: str, questions: int):
        self.base, self.student, self.token, self.questions = base, student, token, questions
        self.rev = {n: 0 for n in range(1, questions + 1)}
        self.last: dict[int, str] = {}
        self.acked = 0
        self.errors: list[str] = []
        self.lat: list[float] = []

    async def open(self, client: httpx.AsyncClient) -> None:
        r = await client.get(f"{self.base}/exam/{self.token}")
        r.raise_for_status()
        self.csrf = re.search(r'<meta name="csrf" content="([0-9a-f]+)"', r.text).group(1)

    async def save(self, client: httpx.AsyncClient, n: int, answer: str) -> None:
        data = {"csrf": self.csrf, "q": str(n), "rev": str(self.rev[n]), "answer": answer}
        t0 = time.perf_counter()
        try:
            r = await client.post(f"{self.base}/exam/{self.token}/save", data=data,
                                  headers={"accept": "application/json"})
        except httpx.HTTPError as err:
            self.errors.append(type(err).__name__)
            return
        self.lat.append(time.perf_counter() - t0)
        if r.status_code == 200:
            self.rev[n] = r.json()["rev"]
            self.last[n] = answer
            self.acked += 1
        else:
            self.errors.append(f"{r.status_code}")


async def run_student(s: Student, end: float, lo: float, hi: float, rng: random.Random) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        await s.open(client)
        await asyncio.sleep(rng.uniform(0, hi))  # students do not all start on the same tick
        k = 0
        while time.monotonic() < end:
            k += 1
            n = rng.randint(1, s.questions)
            await s.save(client, n, f"{k}*x/{rng.randint(2, 99)}")
            await asyncio.sleep(rng.uniform(lo, hi))


async def baseline(base: str, student: str, token: str, questions: int, count: int) -> list[float]:
    s = Student(base, student, token, questions)
    async with httpx.AsyncClient(timeout=30) as client:
        await s.open(client)
        for k in range(count):
            await s.save(client, 1 + k % questions, f"baseline {k}")
            await asyncio.sleep(0.05)
    return s.lat


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--interval", type=float, nargs=2, default=(2.0, 4.0), metavar=("MIN", "MAX"),
                    help="seconds between one student's saves")
    ap.add_argument("--target-p99-ms", type=float, default=300.0)
    args = ap.parse_args()
    if not (1 <= args.students <= 1000 and 1 <= args.duration <= 600):
        ap.error("bounded: 1-1000 students, 1-600 s")

    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        out = Path(tmp) / "exam"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "quizgen", "make", "-t", "mle/regression", "-n", "3",
                        "--versions", str(args.students + 1), "--seed", "1", "--tokens", "-f", "json", "-o", str(out)],
                       cwd=ROOT, check=True, capture_output=True)
        print(f"exam for {args.students + 1} students built in {time.perf_counter() - t0:.1f} s")
        rows = list(csv.DictReader((out / "tokens.csv").open()))
        port = free_port()
        db = out / "answers.sqlite"
        server = subprocess.Popen([sys.executable, "-m", "quizgen", "serve", "--exam", str(out / "key.json"),
                                   "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    print("server did not start:", server.stderr.read() if server.stderr else "")
                    return 2
                time.sleep(0.2)
            first, rest = rows[0], rows[1:]
            base_lat = asyncio.run(baseline(base, first["student"], first["token"], 3, 100))
            rng = random.Random(1)
            students = [Student(base, r["student"], r["token"], 3) for r in rest[: args.students]]

            async def load() -> None:
                end = time.monotonic() + args.duration
                await asyncio.gather(*(run_student(s, end, *args.interval, random.Random(rng.random()))
                                       for s in students))

            t0 = time.perf_counter()
            asyncio.run(load())
            wall = time.perf_counter() - t0
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()

        lat = [x for s in students for x in s.lat]
        acked = sum(s.acked for s in students)
        errors = [e for s in students for e in s.errors]
        con = sqlite3.connect(str(db))
        logged = con.execute("SELECT COUNT(*) FROM log WHERE student != ?", (first["student"],)).fetchone()[0]
        stored = {(st, n): a for st, n, a in con.execute("SELECT student, number, answer FROM answers")}
        con.close()
        lost = [(s.student, n) for s in students for n, a in s.last.items() if stored.get((s.student, n)) != a]
        print(f"load: {len(students)} students, each saving every {args.interval[0]:g}-{args.interval[1]:g} s "
              f"for {args.duration:g} s (wall {wall:.1f} s), {len(lat) / wall:.1f} saves/s")
        print(show("baseline", base_lat) + "   (one student alone, sequential)")
        print(show("load", lat))
        print(f"acknowledged saves {acked}, rows in the SQLite log {logged}, latest answers not stored: {len(lost)}, "
              f"errors: {len(errors)}" + (f" {sorted(set(errors))}" if errors else ""))
        ok = not lost and logged == acked and not errors and pct([x * 1000 for x in lat], 99) < args.target_p99_ms
        print(f"target p99 < {args.target_p99_ms:g} ms and no answer lost: {'MET' if ok else 'NOT MET'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
