"""`RayExecutor`: jobs on the nodes of a Ray cluster (`--executor ray`), the worker being the
Ray driver. Same interface and results as `LocalProcessExecutor`, which each job still runs
under on its node (raynode.py): Ray picks where a job runs, not how.

- Start-up: connects to the cluster (`auto` or host:port; a clear `RayUnavailable` when it
  cannot, never a hang), ships this package to the nodes (Ray's runtime_env py_modules: the
  nodes need the worker's Python environment, not its code), and checks that some node has
  the CPUs and GPUs one job asks for.
- A job: a `JobRunner` actor with the job's num_cpus/num_gpus (SPREAD over the nodes; kept
  warm a while for the next job, raypool.py); its input files go with it and its outputs
  come back (raybundle.py); its events are long-polled while it runs, and eval events also
  appended to the driver's out_dir/evals.jsonl as they arrive.
- At most max_jobs at once: STABLE_EUREKA_MAX_JOBS as locally, else as many as the nodes'
  CPUs and GPUs hold.
- Cancel: a message to the actor, so the node-side executor ends the job as locally and the
  files written so far (best_model.zip) still come back; an actor that does not answer is
  killed.
- A node that dies: the job runs again once on another node, then ends `crashed` with the
  reason `node lost: ...`.
Every result gets `where` (`Where`).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from .jobs import JobQueue, Limits, QueuedJob, _failure
from .joboutput import no_output
from .raybundle import STREAMED, Transfer, file_size, pack, plan, relocate, unpack
from .rayconnect import FORWARDED_ENV, RayUnavailable, alive_nodes, capacity, connect, fits
from .raypool import RunnerPool

ATTEMPTS = 2  # a job whose node died runs once more elsewhere
POLL_S = 0.5  # how long one events call waits on the node for an event
CANCEL_GRACE_S = 20.0  # a cancel the node does not carry out by then: its actor is killed
NODE_DEATH_WAIT_S = 30.0  # after an actor error: how long to wait for Ray to call its node dead


class Where(TypedDict):
    executor: str  # "ray"
    node_id: str | None  # Ray's node id (hex) of the last attempt; None if it never started
    host: str | None  # that node's host name
    ip: str | None  # and its IP address
    wall_s: float  # from leaving the queue to the result on the driver, every attempt
    attempts: int  # 1, or 2 after a lost node


@dataclass
class _Job(QueuedJob):
    runner: Any = None


@dataclass
class _NodeLost:
    phase: str
    detail: str


class _EvalLog:
    """out_dir/evals.jsonl on the driver, appended from eval events as they arrive (the job
    appends to its own copy on the node the same lines: sb3.FitnessEvalCallback)."""

    def __init__(self, out_dir: str | None) -> None:
        self.path = Path(out_dir) / "evals.jsonl" if out_dir else None
        self._start = file_size(self.path) if self.path else 0

    def append(self, row: dict[str, Any]) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")

    def rewind(self) -> None:
        """Drops the lines of a lost attempt: the next one writes its own."""
        if self.path is not None and self.path.exists():
            os.truncate(self.path, self._start)


class RayExecutor(JobQueue):
    kind = "ray"
    job_class = _Job
    thread_name = "ray-job"

    def __init__(self, address: str, num_cpus: float = 1, num_gpus: float = 0, max_jobs: int | None = None) -> None:
        import ray

        if num_cpus <= 0 or num_gpus < 0:
            raise RayUnavailable(f"--ray-num-cpus must be above 0 and --ray-num-gpus at least 0 (got {num_cpus:g}, {num_gpus:g})")
        self.address = address
        self.num_cpus, self.num_gpus = float(num_cpus), float(num_gpus)
        self._target = connect(address)
        nodes = alive_nodes()
        if not any(fits(n, self.num_cpus, self.num_gpus) for n in nodes):
            have = "; ".join(f"{n.get('NodeManagerAddress')}: {(n.get('Resources') or {}).get('CPU', 0):g} CPUs, {(n.get('Resources') or {}).get('GPU', 0):g} GPUs" for n in nodes)
            raise RayUnavailable(
                f"no node of the Ray cluster at {address!r} has the {self.num_cpus:g} CPUs and {self.num_gpus:g} GPUs one job asks for "
                f"(nodes: {have or 'none'}; all: {ray.cluster_resources()}): lower --ray-num-cpus/--ray-num-gpus, or add a node with "
                f"`ray start --address {self._target} --num-cpus N --num-gpus G`"
            )
        super().__init__(max_jobs or max(1, capacity(nodes, self.num_cpus, self.num_gpus)))
        from .raynode import JobRunner

        runner_class = ray.remote(JobRunner).options(
            num_cpus=self.num_cpus,
            num_gpus=self.num_gpus,
            scheduling_strategy="SPREAD",
            max_concurrency=4,  # start/result, events, cancel at once
            max_restarts=0,  # a lost node is retried here, with the driver's copy of the inputs
            max_task_retries=0,
        )
        env = {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
        self._pool = RunnerPool(lambda: runner_class.remote(env))
        print(
            f"[stable-eureka worker] jobs run on the Ray cluster at {self._target}: {len(nodes)} nodes, "
            f"{ray.cluster_resources().get('CPU', 0):g} CPUs, {ray.cluster_resources().get('GPU', 0):g} GPUs; "
            f"{self.num_cpus:g} CPUs and {self.num_gpus:g} GPUs per job, up to {self.max_jobs} at once",
            file=sys.stderr,
            flush=True,
        )

    # --- Executor ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Kills every job's actor (and so its job processes) without waiting; the actors
        would die with the driver anyway (Ray ties them to their owner)."""
        with self._lock:
            jobs = list(self._running.values()) + list(self._queued)
        self._pool.close()
        for job in jobs:
            job.cancelled = True
            if job.runner is not None:
                self._pool.discard(job.runner)

    # --- a job ------------------------------------------------------------------------------

    def _run(self, job: _Job) -> None:
        try:
            with self._slots:
                with self._lock:
                    self._queued.remove(job)
                    self._running[job.job_id] = job
                try:
                    if job.cancelled:
                        result = _failure("cancelled", "queued", "cancelled before it started")
                        result["where"] = Where(executor="ray", node_id=None, host=None, ip=None, wall_s=0.0, attempts=0)
                    else:
                        result = self._supervise(job)
                finally:
                    with self._lock:
                        self._running.pop(job.job_id, None)
            result.setdefault("output", no_output())
            job.future.set_result(result)
        except BaseException as e:  # never take the worker down, never leave a request unanswered
            crashed = _failure("crashed", "supervise", f"{type(e).__name__}: {e}", traceback.format_exc())
            where = Where(executor="ray", node_id=None, host=None, ip=None, wall_s=0.0, attempts=0)
            job.future.set_result({**crashed, "output": no_output(), "where": where})

    def _supervise(self, job: _Job) -> dict[str, Any]:
        started = time.monotonic()
        transfer = plan(job.params)
        inputs = pack(transfer.inputs)
        evals = _EvalLog(transfer.outputs.get("out"))
        where = Where(executor="ray", node_id=None, host=None, ip=None, wall_s=0.0, attempts=0)
        result: dict[str, Any] | None = None
        lost: list[_NodeLost] = []
        while result is None:
            where["attempts"] += 1
            outcome = self._attempt(job, transfer, inputs, evals, where)
            if not isinstance(outcome, _NodeLost):
                result = outcome
                continue
            lost.append(outcome)
            if where["attempts"] < ATTEMPTS and not job.cancelled:
                job.on_event("log", {"level": "warning", "message": f"node lost: {outcome.detail}; running the job again on another node"})
                evals.rewind()
            else:
                # the phase the job was in when its node died first, and every loss in order
                result = _failure("crashed", lost[0].phase, "node lost: " + "; then ".join(x.detail for x in lost))
        output = result.get("output") or {}
        if output.get("bytes"):  # the line LocalProcessExecutor prints on its node's stderr
            log = f" (see {output['log']})" if output.get("log") else ""
            print(f"[job {job.job_id}] printed {output['bytes']} bytes, {output.get('dropped', 0)} dropped{log}", file=sys.stderr, flush=True)
        where["wall_s"] = round(time.monotonic() - started, 3)
        result["where"] = where
        return result

    def _attempt(self, job: _Job, transfer: Transfer, inputs: bytes, evals: _EvalLog, where: Where) -> dict[str, Any] | _NodeLost:
        """One run of the job on some node: its result, or _NodeLost when the node died."""
        import ray
        from ray.exceptions import ActorUnavailableError, GetTimeoutError, RayActorError, RayError, RayTaskError

        runner = self._pool.take()
        job.runner = runner
        node_id: str | None = None
        phase = "start"
        reusable = False
        try:
            placed = self._placed(job, runner.start.remote(job.job_id, job.task, job.params, job.limits, transfer, inputs))
            if placed is None:
                return _failure("cancelled", "queued", "cancelled before it started")
            if isinstance(placed, str):
                if where["attempts"] > 1:
                    return _NodeLost("start", placed)
                return _failure("crashed", "start", f"{placed} (were nodes lost?)")
            node_id = placed["node_id"]
            where.update(node_id=node_id, host=placed["host"], ip=placed["ip"])
            back = {placed["paths"][name]: path for name, path in {**transfer.inputs, **transfer.outputs}.items()}
            cursor, cancel_sent, unavailable_since = 0, 0.0, 0.0
            while True:
                if job.cancelled and not cancel_sent:
                    runner.cancel.remote()
                    cancel_sent = time.monotonic()
                if cancel_sent and time.monotonic() - cancel_sent > CANCEL_GRACE_S:
                    return _failure("cancelled", phase, "cancelled on request (the node did not end the job in time: its actor was killed)")
                try:
                    batch = ray.get(runner.events.remote(cursor, POLL_S), timeout=POLL_S + 30)
                    unavailable_since = 0.0
                except (GetTimeoutError, ActorUnavailableError):
                    # Unreachable for now (a network blip, a node on its way out): wait for
                    # Ray to say whether the node died, not forever.
                    unavailable_since = unavailable_since or time.monotonic()
                    if self._node_dead(node_id, 1.0):
                        return _NodeLost(phase, f"node {node_id} died (the job's actor stopped answering)")
                    if time.monotonic() - unavailable_since > NODE_DEATH_WAIT_S * 2:
                        return _failure("crashed", phase, f"the job's Ray actor on node {node_id} stopped answering")
                    continue
                for name, data in batch["events"]:
                    data = relocate(data, back)
                    if name == "phase":
                        phase = data["phase"]
                    elif name == "eval":
                        evals.append(data)
                    job.on_event(name, data)  # type: ignore[arg-type]
                cursor = batch["cursor"]
                if batch["done"]:
                    break
            packed = ray.get(runner.result.remote(), timeout=600)
            reusable = True  # the job ended on the node as it should: its runner can take the next
            unpack(packed["outputs"], transfer.outputs, skip=STREAMED)
            return relocate(packed["result"], back)
        except RayError as e:
            detail = _first_line(e)
            if isinstance(e, RayTaskError) or (isinstance(e, RayActorError) and e.actor_init_failed):
                # Our node-side code raised (a bug, or a node without the worker's Python packages).
                return _failure("crashed", phase, f"the job's Ray actor failed: {detail}", tb=str(e))
            if (node_id is not None and self._node_dead(node_id, NODE_DEATH_WAIT_S)) or (node_id is None and _mentions_node_death(e)):
                return _NodeLost(phase, _death_detail(e, detail))
            return _failure("crashed", phase, f"the job's Ray actor died: {detail}", tb=str(e))
        finally:
            job.runner = None
            (self._pool.give_back if reusable else self._pool.discard)(runner)

    def _placed(self, job: _Job, ref: Any) -> dict[str, Any] | str | None:
        """Waits for the actor to be placed and started: its NodeInfo; None if the job was
        cancelled meanwhile; why not, when no live node could ever take it. Waiting for
        busy nodes is fine; waiting for nodes that are gone would never end."""
        import ray

        next_check = time.monotonic() + 5
        while True:
            ready, _ = ray.wait([ref], timeout=POLL_S)
            if ready:
                return ray.get(ref)  # type: ignore[no-any-return]
            if job.cancelled:
                return None
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + 5
                if not any(fits(n, self.num_cpus, self.num_gpus) for n in alive_nodes()):
                    return f"no node left has the {self.num_cpus:g} CPUs and {self.num_gpus:g} GPUs the job asks for"

    def _node_dead(self, node_id: str | None, wait_s: float) -> bool:
        """Whether Ray calls the node dead, waiting up to wait_s for it to say so (its health
        checks take a few seconds after the node's processes died)."""
        deadline = time.monotonic() + wait_s
        while True:
            if node_id not in {n["NodeID"] for n in alive_nodes()}:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _mentions_node_death(e: BaseException) -> bool:
    text = str(e).lower()
    return "node" in text and ("died" in text or "dead" in text or "failed" in text)


def _death_detail(e: BaseException, first_line: str) -> str:
    """Ray's reason for a lost node, in one line."""
    for line in str(e).splitlines():
        low = line.lower()
        if "node" in low and ("died" in low or "dead" in low):
            return line.strip()
    return first_line
