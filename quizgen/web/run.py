"""Run the app on uvicorn in ``workers`` processes that share one listening socket.

The app is built once, in this process, before any worker exists (the exam's pages, the
practice questions' derivations); then the workers are forked and inherit it. uvicorn's own
``--workers`` starts each worker from scratch (spawn), which would build everything again in each.
A worker that dies is replaced; a worker whose parent is killed exits (:func:`worker_init`), so
``kill -9`` of ``quizgen serve`` leaves no process behind; SIGTERM or Ctrl-C stops the workers
gracefully (requests in flight finish, for at most ``GRACEFUL_SECONDS``).
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
import time
from typing import Any, Callable

GRACEFUL_SECONDS = 5
KEEP_ALIVE_SECONDS = 75  # longer than a student's pause between saves: an idle connection closed by the
# server just as the browser reuses it fails that request (as nginx, keep them over a minute)
MAX_CONNECTIONS = 10_000  # per worker; beyond it uvicorn answers 503


def exposed(host: str) -> bool:
    """Whether ``host`` is reachable from other machines (anything but loopback)."""
    if host in ("localhost",):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name: assume it resolves to a network interface


def uvicorn_config(app: Any, host: str, port: int):
    import uvicorn

    from quizgen.web.security import slow_client_protocol

    return uvicorn.Config(app, host=host, port=port, http=slow_client_protocol(), log_level="warning",
                          access_log=False, timeout_graceful_shutdown=GRACEFUL_SECONDS,
                          timeout_keep_alive=KEEP_ALIVE_SECONDS, limit_concurrency=MAX_CONNECTIONS, backlog=4096,
                          lifespan="on")


def serve(app: Any, host: str, port: int, workers: int, before_fork: Callable[[], None] = lambda: None,
          on_listen: Callable[[int], None] = lambda port: None) -> None:
    """Serve until SIGINT/SIGTERM. ``before_fork`` closes what must not cross a fork (database
    connections); ``on_listen`` is told the port (useful with port 0)."""
    import uvicorn

    config = uvicorn_config(app, host, port)
    sock = config.bind_socket()
    on_listen(sock.getsockname()[1])
    if workers <= 1:
        uvicorn.Server(config).run(sockets=[sock])
        return
    before_fork()
    _supervise(config, sock, workers)


def _worker(config: Any, sock: socket.socket) -> None:
    import uvicorn

    from quizgen.kernel.workers import worker_init

    code = 0
    try:
        worker_init()  # exits when the parent is gone; the preloaded app is frozen out of the GC's scans
        uvicorn.Server(config).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - reported, then this process ends
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _supervise(config: Any, sock: socket.socket, workers: int) -> None:
    stopping = []
    children: set[int] = set()

    def fork() -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _worker(config, sock)
        children.add(pid)

    def stop(signum, frame) -> None:  # noqa: ANN001
        stopping.append(signum)

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    deaths: list[float] = []
    try:
        for _ in range(workers):
            fork()
        while not stopping:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid, status = 0, 0
            if pid == 0:
                time.sleep(0.2)
                continue
            children.discard(pid)
            if stopping:
                break
            now = time.monotonic()
            deaths = [t for t in deaths if now - t < 30] + [now]
            how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {os.waitstatus_to_exitcode(status)}"
            if len(deaths) > 2 * workers:
                print(f"quizgen serve: workers keep dying ({how}); stopping", file=sys.stderr, flush=True)
                break
            print(f"quizgen serve: worker {pid} ended ({how}); starting another", file=sys.stderr, flush=True)
            fork()
    finally:
        for pid in children:
            _signal(pid, signal.SIGTERM)
        end = time.monotonic() + GRACEFUL_SECONDS + 3
        while children and time.monotonic() < end:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                children.discard(pid)
            else:
                time.sleep(0.05)
        for pid in children:
            _signal(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        for s, handler in old.items():
            signal.signal(s, handler)
        sock.close()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
