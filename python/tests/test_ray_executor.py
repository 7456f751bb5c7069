"""`--executor ray` through the real worker: a local Ray cluster (a head with no CPUs, two nodes
of one CPU each, all on this machine), the worker as its driver speaking protocol lines.

Checked: jobs run on the nodes with their events streamed and their files brought back, two
jobs land on two nodes, cancel ends the job (its files so far kept), a node killed mid-job
costs a retry or a `node lost` crash but never the worker, and a cluster that is not there
is a clear error at start-up. The cluster is stopped at the end, leaving no Ray process.

Run: PYTHONPATH=python <venv python> -m pytest -q python/tests/test_ray_executor.py
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import psutil
import pytest

ray = pytest.importorskip("ray")
from ray.cluster_utils import Cluster  # noqa: E402

from stable_eureka_worker.raynode import ROOT_PREFIX, sweep  # noqa: E402
from test_server import TINY_PPO, Worker, strict_json  # noqa: E402

from raycluster import NODE, local_cluster  # noqa: E402


class RayWorker(Worker):
    """test_server.Worker started with `--executor ray` and no STABLE_EUREKA_MAX_JOBS (the
    cluster's CPUs decide)."""

    def __init__(self, python_dir: Path, cwd: Path, *flags: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "STABLE_EUREKA_MAX_JOBS"}
        env["PYTHONPATH"] = str(python_dir)
        self.stderr_path = cwd / "worker.stderr"
        self._stderr = self.stderr_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "stable_eureka_worker", "--executor", "ray", *flags],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=cwd,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.raw: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._ids = itertools.count()
        threading.Thread(target=self._read, daemon=True).start()


def _ray_pids() -> set[int]:
    """Ray's daemons and worker processes (whose titles start with ray::)."""
    names = ("raylet", "gcs_server", "ray::", "default_worker.py")
    return {p.pid for p in psutil.process_iter(["name", "cmdline"]) if any(n in " ".join(p.info["cmdline"] or []) for n in names)}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    before = _ray_pids()
    with local_cluster() as c:
        yield c
    deadline = time.monotonic() + 30
    while _ray_pids() - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _ray_pids() - before, "Ray processes left after the cluster was shut down"
    sweep()  # the job folder of the node killed below: a real node takes it down with it
    assert not list(Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*"))


@pytest.fixture(scope="module")
def rw(cluster: Cluster, python_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayWorker]:
    w = RayWorker(python_dir, tmp_path_factory.mktemp("rayworker"), "--ray-address", cluster.address)
    hello = w.next(120)
    assert hello is not None and hello["type"] == "hello", w.stderr()
    assert hello["executor"] == "ray" and hello["max_jobs"] == 2, hello
    yield w
    try:
        for line in w.raw:  # Ray never wrote on the protocol stream
            assert strict_json(line)["type"] in ("hello", "reply", "event"), line
        assert w.call("shutdown")["result"] == {"bye": True}
        assert w.proc.wait(timeout=30) == 0
    finally:
        w.close()


def _worker_node_ids(cluster: Cluster) -> set[str]:
    return {n.node_id for n in cluster.worker_nodes}


def _train(env_dir: Path, code: str, out: Path, **overrides: Any) -> dict[str, Any]:
    rl = json.loads(json.dumps(TINY_PPO))
    rl["training"].update(overrides.pop("training", {}))
    return {"env": {"env_dir": str(env_dir)}, "code": code, "rl": rl, "out_dir": str(out), "progress_interval_s": 0.2, **overrides}


def _until_reply(w: Worker, req_id: str, timeout: float, on_event: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """The reply to req_id, its events passed to on_event; other messages are skipped."""
    deadline = time.monotonic() + timeout
    while True:
        msg = w.next(max(1.0, deadline - time.monotonic()))
        assert msg is not None, w.stderr()
        if msg["type"] == "event" and msg["id"] == req_id:
            on_event(msg)
        elif msg["type"] == "reply" and msg["id"] == req_id:
            return msg


def test_unreachable_address_is_a_clear_error_at_start(python_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(python_dir)}
    cmd = [sys.executable, "-m", "stable_eureka_worker", "--executor", "ray", "--ray-address", "127.0.0.1:1"]
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=90)
    assert done.returncode == 2
    assert done.stdout == ""  # no hello, nothing on the protocol stream
    assert "cannot reach a Ray cluster at '127.0.0.1:1'" in done.stderr and "ray start --head" in done.stderr, done.stderr


def test_a_job_no_node_can_hold_is_refused_at_start(cluster: Cluster, python_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(python_dir)}
    cmd = [sys.executable, "-m", "stable_eureka_worker", "--executor", "ray", "--ray-address", cluster.address, "--ray-num-gpus", "1"]
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert "no node of the Ray cluster" in done.stderr and "1 GPUs one job asks for" in done.stderr, done.stderr


def test_check_train_and_render_on_the_cluster(
    rw: RayWorker, cluster: Cluster, cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    env = {"env_dir": str(cartpole_dir)}
    checked = rw.call("check_reward", {"env": env, "code": reward_fixture("good"), "smoke": {"steps": 200}}, 120)["result"]
    assert checked["passed"] is True, checked
    assert checked["where"]["executor"] == "ray" and checked["where"]["node_id"] in _worker_node_ids(cluster)

    out = tmp_path / "sample"
    events: list[dict[str, Any]] = []
    lines_at_first_eval: list[int] = []

    def seen(msg: dict[str, Any]) -> None:
        events.append(msg)
        if msg["event"] == "eval" and not lines_at_first_eval:
            # streamed: the driver's evals.jsonl has the line while the job still runs
            lines_at_first_eval.append(len((out / "evals.jsonl").read_text().splitlines()))

    params = _train(cartpole_dir, reward_fixture("good"), out, training={"eval": {"num_evals": 2, "num_episodes": 1}})
    trained = _until_reply(rw, rw.request("train", params), 180, seen)["result"]
    assert trained["status"] == "succeeded", trained
    names = [e["event"] for e in events]
    assert names[0] == "started" and "progress" in names and names.count("eval") >= 2
    assert lines_at_first_eval == [1]
    for key in ("final_model", "best_model", "evals_file", "tensorboard_dir", "reward_file"):
        assert trained[key].startswith(str(out)), (key, trained[key])
    for name in ("model.zip", "best_model.zip", "evals.json", "evals.jsonl", "reward.py", "env_with_reward.py"):
        assert (out / name).is_file(), name
    assert any((out / "tensorboard").rglob("events.out.tfevents.*"))
    rows = [json.loads(line) for line in (out / "evals.jsonl").read_text().splitlines()]
    assert rows == trained["evals"] == [e["data"] for e in events if e["event"] == "eval"]
    where = trained["where"]
    assert where["executor"] == "ray" and where["node_id"] in _worker_node_ids(cluster) and where["attempts"] == 1
    assert where["wall_s"] > 0 and isinstance(where["host"], str)

    # a model file goes to the node, a GIF comes back
    gif = tmp_path / "gifs" / "run.gif"
    rendered = rw.call(
        "render_gif",
        {"env": env, "code": reward_fixture("good"), "model": trained["final_model"], "algo": "ppo", "gif": {"path": str(gif), "max_frames": 20}},
        120,
    )["result"]
    assert rendered["status"] == "succeeded", rendered
    assert rendered["gif"] == str(gif) and gif.read_bytes()[:3] == b"GIF"


def test_two_jobs_run_on_both_nodes(rw: RayWorker, cluster: Cluster, cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path) -> None:
    ids = [rw.request("train", _train(cartpole_dir, reward_fixture("good"), tmp_path / f"s{i}")) for i in range(2)]
    results: dict[str, Any] = {}
    deadline = time.monotonic() + 180
    while len(results) < 2:  # replies in whichever order the jobs end
        msg = rw.next(max(1.0, deadline - time.monotonic()))
        assert msg is not None, rw.stderr()
        if msg["type"] == "reply" and msg["id"] in ids:
            results[msg["id"]] = msg["result"]
    assert all(r["status"] == "succeeded" for r in results.values()), results
    assert {r["where"]["node_id"] for r in results.values()} == _worker_node_ids(cluster)


def test_cancel_mid_training_keeps_what_was_written(
    rw: RayWorker, cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    out = tmp_path / "cancelled"
    params = _train(cartpole_dir, reward_fixture("good"), out, total_timesteps=400_000, training={"eval": {"num_evals": 400, "num_episodes": 1}})
    req_id = rw.request("train", params)
    evals: list[dict[str, Any]] = []
    pid: list[int] = []
    cancel_id: list[str] = []

    def seen(msg: dict[str, Any]) -> None:
        if msg["event"] == "started":
            pid.append(msg["data"]["pid"])
        if msg["event"] == "eval":
            evals.append(msg["data"])
            if len(evals) == 2:  # its reply is read below: events must not be skipped meanwhile
                cancel_id.append(rw.request("cancel", {"id": req_id}))

    result = _until_reply(rw, req_id, 180, seen)["result"]
    replies = [strict_json(line) for line in rw.raw if f'"id":"{cancel_id[0]}"' in line]
    assert replies and replies[0]["result"] == {"cancelled": True}
    assert result["status"] == "cancelled" and result["failure"]["reason"] == "cancelled on request", result
    assert result["where"]["executor"] == "ray"
    rows = [json.loads(line) for line in (out / "evals.jsonl").read_text().splitlines()]
    assert rows == evals and len(rows) >= 2
    assert (out / "best_model.zip").is_file()  # saved by the first eval, brought back at the cancel
    assert not psutil.pid_exists(pid[0]) or psutil.Process(pid[0]).status() == psutil.STATUS_ZOMBIE


def _node_of(pid: int, cluster: Cluster) -> Any:
    """The cluster node whose raylet is an ancestor of the process."""
    raylets = {n.all_processes["raylet"][0].process.pid: n for n in cluster.worker_nodes}
    for parent in psutil.Process(pid).parents():
        if parent.pid in raylets:
            return raylets[parent.pid]
    raise AssertionError(f"process {pid} runs under no worker node's raylet")


def _kill_on_first_progress(cluster: Cluster, events: list[dict[str, Any]], killed: list[str]) -> Callable[[dict[str, Any]], None]:
    """An on_event that removes the node running the job (its raylet and all, no goodbye)
    once the job reports training progress."""

    def seen(msg: dict[str, Any]) -> None:
        events.append(msg)
        if msg["event"] == "progress" and not killed:
            node = _node_of([e for e in events if e["event"] == "started"][-1]["data"]["pid"], cluster)
            killed.append(node.node_id)
            cluster.remove_node(node, allow_graceful=False)

    return seen


def _lost_messages(events: list[dict[str, Any]]) -> list[str]:
    return [e["data"]["message"] for e in events if e["event"] == "log" and e["data"]["message"].startswith("node lost: ")]


def test_a_lost_node_costs_a_retry_not_the_worker(
    rw: RayWorker, cluster: Cluster, cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    out = tmp_path / "lost"
    params = _train(cartpole_dir, reward_fixture("good"), out, total_timesteps=20_000, training={"eval": {"num_evals": 2, "num_episodes": 1}})
    events: list[dict[str, Any]] = []
    killed: list[str] = []
    result = _until_reply(rw, rw.request("train", params), 240, _kill_on_first_progress(cluster, events, killed))["result"]
    assert killed and len(_lost_messages(events)) == 1, [e["event"] for e in events]
    # the other node was free: the second attempt ran there to the end
    assert result["status"] == "succeeded", result
    assert result["where"]["attempts"] == 2 and result["where"]["node_id"] not in killed
    assert (out / "model.zip").is_file() and (out / "best_model.zip").is_file()
    rows = [json.loads(line) for line in (out / "evals.jsonl").read_text().splitlines()]
    assert rows == result["evals"]  # the lost attempt's lines are gone
    assert rw.call("ping")["result"] == {"pong": True}
    checked = rw.call("check_reward", {"env": {"env_dir": str(cartpole_dir)}, "code": reward_fixture("good"), "smoke": {"steps": 50}}, 120)
    assert checked["result"]["passed"] is True, checked


def test_with_no_node_left_the_job_ends_crashed_node_lost(
    rw: RayWorker, cluster: Cluster, cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    for node in list(cluster.worker_nodes)[1:]:  # one node left, then that one dies mid-job
        cluster.remove_node(node, allow_graceful=False)
    params = _train(cartpole_dir, reward_fixture("good"), tmp_path / "orphan", total_timesteps=20_000)
    events: list[dict[str, Any]] = []
    killed: list[str] = []
    result = _until_reply(rw, rw.request("train", params), 240, _kill_on_first_progress(cluster, events, killed))["result"]
    assert killed and len(_lost_messages(events)) == 1
    assert result["status"] == "crashed", result
    # how Ray first reports the loss varies (the actor's death, or no answer); the retry found no node
    failure = result["failure"]
    assert failure["reason"].startswith("node lost: ") and "died" in failure["reason"], result
    assert failure["reason"].endswith("; then no node left has the 1 CPUs and 0 GPUs the job asks for"), result
    assert failure["phase"] == "train" and result["where"]["attempts"] == 2, result
    # the worker goes on serving once the cluster has nodes again
    assert rw.call("ping")["result"] == {"pong": True}
    cluster.add_node(**NODE)
    cluster.add_node(**NODE)
    checked = rw.call("check_reward", {"env": {"env_dir": str(cartpole_dir)}, "code": reward_fixture("good"), "smoke": {"steps": 50}}, 120)
    assert checked["result"]["passed"] is True, checked
