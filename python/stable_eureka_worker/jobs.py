"""Job execution: every job in its own child process, with limits.

`Executor` is the interface the server uses; `LocalProcessExecutor` runs jobs on this
machine. Children are forked from a forkserver that imported torch, SB3 and gymnasium once,
so a job starts in milliseconds instead of the seconds a fresh interpreter needs. A child
that raises, hangs, runs out of memory or dies ends as a job result with a status and a
reason; the worker itself never goes down with it. Each job process confines itself
(confine.py) before any env or reward code is loaded.

Whatever a job prints (fds 1 and 2) goes into a pipe of its own that the supervisor drains
into an `OutputCapture` (joboutput.py): bounded on disk and in memory, never on the worker's stdout (the
protocol) nor, as is, on its stderr (the client's log).
"""

from __future__ import annotations

import importlib.machinery
import itertools
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import signal
import socket
import sys
import threading
import time
import traceback
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

import psutil

# Imported here, in the forkserver: pyseccomp looks up its libraries (a subprocess) on import.
from .confine import clean_environment, confine_job, describe_isolation
from .context import JobContext
from .errors import JobFailure
from .joboutput import READ_CHUNK, OutputCapture, grow_pipe, no_output, output_log, redirect_output
from .jobtree import MB, ProcessTree, kill_tree
from .protocol_types import EventName, JobsResult, JobWhere

EventSink = Callable[[EventName, Mapping[str, Any]], None]

MEMORY_CHECK_S = 0.25  # how often a job's process tree is measured against its memory limit


@dataclass
class Limits:
    # No defaults here: each task's are server.DEFAULT_LIMITS, from defaults.json.
    wall_s: float
    memory_mb: float
    # Address-space limits break CUDA (it maps far more virtual memory than it uses), so on
    # the GPU only the resident-memory watch applies.
    address_space: bool = True


class Executor(Protocol):
    """What the server needs from whatever runs jobs: child processes here, or a Ray cluster (rayexec.py)."""

    kind: str  # "local" | "ray": the hello's `executor`
    max_jobs: int

    def submit(self, job_id: str, task: str, params: dict[str, Any], limits: Limits, on_event: EventSink) -> Future[dict[str, Any]]: ...

    def cancel(self, job_id: str) -> bool: ...

    def status(self) -> JobsResult: ...

    def shutdown(self) -> None: ...


@dataclass
class QueuedJob:
    job_id: str
    task: str
    params: dict[str, Any]
    limits: Limits
    on_event: EventSink
    future: Future[dict[str, Any]] = field(default_factory=Future)
    cancelled: bool = False


@dataclass
class _Job(QueuedJob):
    process: Any = None


class JobQueue:
    """What every executor shares: at most `max_jobs` jobs at once and the rest queued in
    order, a thread a job (the executor's `_run`, which takes a slot), cancel by id."""

    job_class: type[QueuedJob] = QueuedJob
    thread_name = "job"

    def __init__(self, max_jobs: int) -> None:
        self.max_jobs = max_jobs
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(max_jobs)
        self._queued: list[Any] = []
        self._running: dict[str, Any] = {}

    def submit(self, job_id: str, task: str, params: dict[str, Any], limits: Limits, on_event: EventSink) -> Future[dict[str, Any]]:
        job = self.job_class(job_id, task, params, limits, on_event)
        with self._lock:
            self._queued.append(job)
            position = len(self._queued) + len(self._running) - self.max_jobs
        if position > 0:
            on_event("queued", {"position": position})
        threading.Thread(target=self._run, args=(job,), daemon=True, name=f"{self.thread_name}-{job_id}").start()
        return job.future

    def cancel(self, job_id: str) -> bool:
        """Marks the job cancelled; its thread ends it (or drops it from the queue)."""
        with self._lock:
            job = self._running.get(job_id) or next((j for j in self._queued if j.job_id == job_id), None)
            if job is None:
                return False
            job.cancelled = True
        return True

    def status(self) -> JobsResult:
        with self._lock:
            return {"running": list(self._running), "queued": [j.job_id for j in self._queued], "max_jobs": self.max_jobs}

    def _run(self, job: Any) -> None:
        raise NotImplementedError


def _jobs_without_host_script() -> None:
    """multiprocessing sets up every process the forkserver forks as a child of the process that
    asked: it runs that process's `__main__` again as `__mp_main__`, unless it is a package's
    `__main__`. A job needs nothing from its host's main script, and running it again costs the
    job its start: on a Ray node the host is Ray's worker script, whose imports (ray, grpc) took
    1.2 s of every job. A script's `__main__` (no spec) is named as a package's, which
    multiprocessing.spawn._fixup_main_from_name leaves alone; `python -m` hosts (the worker's
    own `stable_eureka_worker.__main__`) keep theirs."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None and getattr(main, "__file__", None):
        main.__spec__ = importlib.machinery.ModuleSpec("stable_eureka_job_host.__main__", None)


def local_where(wall_s: float, attempts: int = 1) -> JobWhere:
    """Where a job of this machine ran (protocol JobWhere)."""
    return {"executor": "local", "node_id": None, "host": socket.gethostname(), "ip": None, "wall_s": round(wall_s, 3), "attempts": attempts}


def _failure(status: str, phase: str, reason: str, tb: str | None = None, exit_code: int | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "failure": {"phase": phase, "reason": reason, "traceback": tb, "line": None, "exit_code": exit_code},
    }


class LocalProcessExecutor(JobQueue):
    PRELOAD = ["stable_eureka_worker.preload"]
    kind = "local"
    job_class = _Job

    # How often a running job's limits and cancel flag are looked at. Its events, output and
    # exit wake the watch at once; the clock is only for the limits (0.25 s: a stop within a
    # second, and a worker that keeps out of the jobs' way: every 50 ms it took 1.2% of the
    # core a job ran on, bench/RESULTS.md).
    def __init__(self, max_jobs: int | None = None, poll_s: float = 0.25) -> None:
        super().__init__(max_jobs or os.cpu_count() or 1)
        self._poll_s = poll_s
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(self.PRELOAD)
        _jobs_without_host_script()
        self._seq = itertools.count()
        self._isolation_logged = False

    def warm_up(self) -> None:
        """Start the forkserver (and its imports) now rather than on the first job."""
        multiprocessing.forkserver.ensure_running()

    def shutdown(self) -> None:
        with self._lock:
            jobs = list(self._running.values()) + list(self._queued)
        for job in jobs:
            job.cancelled = True
            if job.process is not None and job.process.is_alive():
                kill_tree(job.process.pid)

    def _run(self, job: _Job) -> None:
        try:
            with self._slots:
                with self._lock:
                    self._queued.remove(job)
                    self._running[job.job_id] = job
                started = time.monotonic()
                try:
                    result = _failure("cancelled", "queued", "cancelled before it started") if job.cancelled else self._supervise(job)
                finally:
                    with self._lock:
                        self._running.pop(job.job_id, None)
                attempts = 0 if (result.get("failure") or {}).get("phase") == "queued" else 1
                # a Ray node runs its job through this executor; the driver puts its own in place
                result.setdefault("where", local_where(time.monotonic() - started, attempts))
            result.setdefault("output", no_output())
            job.future.set_result(result)
        except BaseException as e:  # the supervisor itself must never take the worker down
            crashed = _failure("crashed", "supervise", f"{type(e).__name__}: {e}", traceback.format_exc())
            job.future.set_result({**crashed, "output": no_output()})

    def _supervise(self, job: _Job) -> dict[str, Any]:
        receiver, sender = self._ctx.Pipe(duplex=False)
        # The job's fds 1 and 2: a raw pipe (a Connection only to pass it through the forkserver).
        out_r, out_w = self._ctx.Pipe(duplex=False)
        grow_pipe(out_w.fileno())
        capture = OutputCapture(output_log(job.params))
        proc = self._ctx.Process(
            target=child_main, args=(job.task, job.params, sender, job.limits, out_w), daemon=True, name=f"se-job-{job.job_id}"
        )
        job.process = proc
        try:
            proc.start()
            sender.close()  # the child holds the write ends now: EOF when it is gone
            out_w.close()
            job.on_event("started", {"pid": proc.pid})
            verdict, result, phase = self._watch(job, proc, receiver, out_r, capture)
        finally:
            for conn in (sender, out_w, receiver, out_r):
                conn.close()
            capture.close()
        output = capture.summary()
        if output["bytes"]:
            # One line per job on the worker's stderr, never the output itself.
            where = f" (see {output['log']})" if output["log"] else ""
            print(f"[job {job.job_id}] printed {output['bytes']} bytes, {output['dropped']} dropped{where}", file=sys.stderr, flush=True)
        if verdict is None and result is None:
            code = proc.exitcode
            how = f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exited with code {code}"
            hint = " (the system may have run out of memory)" if code == -signal.SIGKILL else ""
            verdict = _failure("crashed", phase, f"the job process {how} without a result{hint}", exit_code=code)
        if verdict is not None and verdict["status"] in ("crashed", "timeout") and output["bytes"]:
            # What it printed last often says why (a fatal error, where it hung).
            verdict["failure"]["reason"] += f"; its last output: {capture.last_lines()}"
        return {**(verdict or result or {}), "output": output}

    def _watch(
        self, job: _Job, proc: Any, receiver: Any, out_r: Any, capture: OutputCapture
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
        """Relay events, drain output and enforce the limits until the job ends; returns
        (verdict of a limit or cancel, the job's own result, the phase it was in)."""
        out_fd = out_r.fileno()
        out_open = True

        def drain(ready: list[Any]) -> None:
            nonlocal out_open
            if out_open and out_r in ready:
                chunk = os.read(out_fd, READ_CHUNK)  # ready: does not block
                if chunk:
                    capture.feed(chunk)
                else:
                    out_open = False  # every writer closed it

        result: dict[str, Any] | None = None
        phase = "start"

        def receive() -> bool:
            """Handle one message; False once the child closed its end (it exited or is exiting)."""
            nonlocal result, phase
            try:
                msg = receiver.recv()
            except (EOFError, OSError):
                return False
            if msg["type"] == "event":
                if msg["event"] == "phase":
                    phase = msg["data"]["phase"]
                job.on_event(msg["event"], msg["data"])
            elif msg["type"] == "result":
                result = msg["result"]
            elif msg["type"] == "isolation" and not self._isolation_logged:
                # Once per worker: which OS layers this host gives (the others go on regardless).
                self._isolation_logged = True
                print(f"[stable-eureka worker] {describe_isolation(msg['report'])}", file=sys.stderr, flush=True)
            return True

        started = time.monotonic()
        verdict: dict[str, Any] | None = None
        tree = ProcessTree.of(proc.pid)
        next_check = 0.0
        next_memory_check = 0.0
        while True:
            ready = multiprocessing.connection.wait([receiver, out_r, proc.sentinel] if out_open else [receiver, proc.sentinel], self._poll_s)
            drain(ready)
            if receiver in ready and not receive():
                break
            if proc.sentinel in ready:
                break  # it exited: its last messages, if any, are read below
            # The limits are checked on a clock, not only when the pipes are quiet: a job
            # that floods its output keeps them busy all the time.
            elapsed = time.monotonic() - started
            if elapsed < next_check:
                continue
            next_check = elapsed + self._poll_s
            if not proc.is_alive():
                break  # its last messages, if any, are read below
            if job.cancelled:
                verdict = _failure("cancelled", phase, "cancelled on request")
            elif elapsed > job.limits.wall_s:
                verdict = _failure("timeout", phase, f"exceeded the wall-time limit of {job.limits.wall_s:g} s")
            elif tree is not None and elapsed >= next_memory_check:
                # Reading /proc for the process tree costs CPU that the jobs need: every
                # 0.25 s is enough, the address-space limit stops fast growth on the CPU.
                next_memory_check = elapsed + MEMORY_CHECK_S
                if tree.rss_mb(elapsed) > job.limits.memory_mb:
                    verdict = _failure("out_of_memory", phase, f"used more than the memory limit of {job.limits.memory_mb:g} MB")
            if verdict is not None:
                kill_tree(proc.pid)
                break
        # Let it exit, still draining: a child blocked on a full output pipe never would.
        deadline = time.monotonic() + 10
        while proc.is_alive() and time.monotonic() < deadline:
            drain(multiprocessing.connection.wait([out_r, proc.sentinel] if out_open else [proc.sentinel], self._poll_s))
        if proc.is_alive():
            kill_tree(proc.pid)
            proc.join(timeout=5)
        proc.join(timeout=1)
        # A result sent just before it exited, after the last wait.
        while verdict is None and receiver.poll(0) and receive():
            pass
        # What is left in the pipe; a grandchild could hold it open, so not forever.
        deadline = time.monotonic() + 1
        while out_open and time.monotonic() < deadline:
            drain(multiprocessing.connection.wait([out_r], 0.05))
        return verdict, result, phase


# --- inside the child ---------------------------------------------------------------------


def _die_with_parent() -> None:
    """The forkserver is our parent; if the worker dies it exits, and so must we."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _limit_address_space(memory_mb: float) -> None:
    import resource

    vms = psutil.Process().memory_info().vms
    limit = int(vms + memory_mb * MB)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def child_main(task: str, params: dict[str, Any], conn: Any, limits: Limits, output: Any = None) -> None:
    if output is not None:
        redirect_output(output)
    else:  # no pipe (a caller of its own): stdout belongs to the protocol, prints go to stderr
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    _die_with_parent()
    if limits.address_space:
        _limit_address_space(limits.memory_mb)
    # After the limits above (the seccomp filter refuses setrlimit), before any env or reward
    # code is loaded. A test may switch it off to show what the other layers stop alone.
    clean_environment()
    if (params.get("containment") or {}).get("os_isolation", True):
        # what the host gave this job: the worker logs it once (LocalProcessExecutor)
        conn.send({"type": "isolation", "report": confine_job()})
    # Here, not at the top: the worker's main process never runs a task, and the forkserver
    # has already imported it (preload.py).
    from . import tasks

    ctx = JobContext(conn)
    try:
        result = tasks.TASKS[task](params, ctx)
        result.setdefault("status", "succeeded")
        ctx.finish(result)
    except JobFailure as f:
        ctx.finish({"status": f.status, "failure": {"phase": f.phase, "reason": f.reason, "traceback": f.tb, "line": f.line, "exit_code": None}})
    except MemoryError:
        ctx.finish(_failure("out_of_memory", ctx.phase, f"ran out of memory (limit {limits.memory_mb:g} MB)", traceback.format_exc()))
    except BaseException as e:
        ctx.finish(_failure("failed", ctx.phase, f"{type(e).__name__}: {e}", traceback.format_exc()))
    finally:
        conn.close()
