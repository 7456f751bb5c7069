"""The node side of a Ray job: `JobRunner`, one Ray actor per job attempt (rayexec.py makes
it with the job's num_cpus/num_gpus).

Inside it the job runs exactly as on the worker's own machine: a `LocalProcessExecutor` of one
slot forks it from a forkserver, with the same limits, containment, output capture and result
statuses. The actor only adds what a cluster needs: the job's input files unpacked into a
temporary folder and its params pointed there (raybundle.py), its events kept for the driver
to fetch while it runs, a cancel the driver can send, and its outputs packed with the result.

The actor is threaded (several methods at once): `events` long-polls while `start`'s job runs
in the executor's own thread and `cancel` can arrive at any time. It runs one job at a time,
and may run several in turn (raypool.py keeps it warm between jobs).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, TypedDict

import psutil

from .device import job_device
from .jobs import Limits, LocalProcessExecutor
from .raybundle import Transfer, localize, node_paths, pack, unpack

# A job's folder on the node: <tmp>/stable-eureka-job-<runner pid>-<random>. A runner killed
# before it could remove its folder leaves it behind; the next runner on the node removes
# the folders of runners that are gone (sweep).
ROOT_PREFIX = "stable-eureka-job-"


class NodeInfo(TypedDict):
    node_id: str
    host: str
    ip: str
    pid: int
    root: str
    paths: dict[str, str]  # name -> path on the node (raybundle.Transfer)


class EventBatch(TypedDict):
    events: list[tuple[str, dict[str, Any]]]
    cursor: int  # how many events were sent so far: the next call's `since`
    done: bool  # the job has ended: its result is ready


class Packed(TypedDict):
    result: dict[str, Any]
    outputs: bytes  # raybundle.pack of the job's outputs, by name


class JobRunner:
    def __init__(self, env: Mapping[str, str]) -> None:
        import ray

        # What the worker's main() sets for its own forkserver (SDL's dummy drivers, one
        # thread per job): the forkserver this actor starts inherits this environment.
        for key, value in env.items():
            os.environ.setdefault(key, value)
        self._gpus = [str(g) for g in ray.get_gpu_ids()]
        if not self._gpus:
            # Ray sets CUDA_VISIBLE_DEVICES only for actors that asked for GPUs: a job
            # without one must not find the node's GPUs anyway (device: cuda falls back to
            # the CPU with a warning, as on a machine without a GPU).
            os.environ["CUDA_VISIBLE_DEVICES"] = ""
        self._node_id = ray.get_runtime_context().get_node_id()
        self._ip = ray.util.get_node_ip_address()
        self._executor = LocalProcessExecutor(max_jobs=1)
        self._cond = threading.Condition()
        self._events: list[tuple[str, dict[str, Any]]] = []
        self._offset = 0  # events before it were fetched by the driver and dropped here
        self._result: dict[str, Any] | None = None
        self._future: Future[dict[str, Any]] | None = None
        self._job_id = ""
        self._root: Path | None = None
        self._paths: dict[str, str] = {}
        self._transfer = Transfer()
        sweep()

    def ping(self) -> bool:
        return True

    def start(self, job_id: str, task: str, params: dict[str, Any], limits: Limits, transfer: Transfer, inputs: bytes) -> NodeInfo:
        """Unpacks the inputs and starts the job; returns at once with where it runs."""
        if self._future is not None and not self._future.done():
            raise RuntimeError(f"this runner still runs job {self._job_id}")
        with self._cond:
            self._events, self._offset, self._result = [], 0, None
        self._job_id, self._transfer = job_id, transfer
        self._root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-"))
        self._paths = node_paths(transfer, self._root)
        unpack(inputs, {name: self._paths[name] for name in transfer.inputs})
        local = localize(params, transfer, self._paths)
        # The driver decided the address-space limit from its own CUDA; here is the node's:
        # a job given a GPU by Ray may run on it, and CUDA breaks under that limit.
        limits = replace(limits, address_space=job_device(task, local, bool(self._gpus)).is_cpu)
        self._future = self._executor.submit(job_id, task, local, limits, self._on_event)
        self._future.add_done_callback(self._finished)
        return {
            "node_id": self._node_id,
            "host": socket.gethostname(),
            "ip": self._ip,
            "pid": os.getpid(),
            "root": str(self._root),
            "paths": dict(self._paths),
        }

    def _on_event(self, name: str, data: Mapping[str, Any]) -> None:
        with self._cond:
            self._events.append((name, dict(data)))
            self._cond.notify_all()

    def _finished(self, future: Future[dict[str, Any]]) -> None:
        with self._cond:
            self._result = future.result()  # the executor always sets a result, never raises
            self._cond.notify_all()

    def events(self, since: int, wait_s: float) -> EventBatch:
        """The events from `since` on, waiting up to wait_s for one (a long poll: events reach
        the driver as they happen without a round trip per event)."""
        deadline = time.monotonic() + wait_s
        with self._cond:
            # What the driver has (before `since`) is not kept.
            drop = max(0, min(since - self._offset, len(self._events)))
            del self._events[:drop]
            self._offset += drop
            while not self._events and self._result is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            batch = list(self._events)
            return {"events": batch, "cursor": self._offset + len(batch), "done": self._result is not None and not batch}

    def cancel(self) -> bool:
        """Ends the job as the local executor does (its process tree killed, status
        'cancelled'); its outputs so far still come back with `result`."""
        return self._executor.cancel(self._job_id)

    def result(self) -> Packed:
        """The job's result and its outputs packed (after `events` said done); the job's
        temporary folder is removed."""
        with self._cond:
            while self._result is None:
                self._cond.wait()
            result = self._result
        try:
            outputs = pack({name: self._paths[name] for name in self._transfer.outputs})
        finally:
            self.cleanup()
        return {"result": result, "outputs": outputs}

    def cleanup(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


def sweep(tmp: str | None = None) -> list[str]:
    """Removes the job folders of runners that no longer run (on this node); returns them."""
    removed = []
    base = Path(tmp or tempfile.gettempdir())
    for path in base.glob(f"{ROOT_PREFIX}*"):
        pid = path.name[len(ROOT_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed
