"""LocalProcessExecutor with the real tasks: every job in a forkserver child, with wall-time and
memory limits, cancellation, a queue behind max_jobs, and a supervisor that survives all of it.

The tests share one executor (max_jobs=2) on purpose: the last one checks that it still works
after every kind of failure above it.
"""

from __future__ import annotations

import itertools
import math
import os
import signal
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from stable_eureka_worker.defaults import DEFAULTS
from stable_eureka_worker.jobs import Limits, LocalProcessExecutor

SIG = "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):"

TINY_PPO = {
    "algo": "ppo",
    "algo_params": {"n_steps": 32, "batch_size": 64, "n_epochs": 1},
    "architecture": {"net_arch": {"pi": [16], "vf": [16]}, "activation_fn": "Tanh"},
    "training": {
        "num_envs": 8,
        "total_timesteps": 2048,
        "seed": 0,
        "device": "cpu",
        "eval": {"num_evals": 1, "num_episodes": 2},
    },
}

# Grows by 16 MB a step (at most ~1.5 GB, so a broken watch cannot take the machine down).
GROWING_REWARD = (
    "import numpy as np\n\n"
    f"{SIG}\n"
    "    hog = getattr(self, 'hog', None)\n"
    "    if hog is None:\n"
    "        hog = []\n"
    "        self.hog = hog\n"
    "    if len(hog) < 96:\n"
    "        hog.append(np.ones(2_000_000))\n"
    "    t = 0\n"
    "    for i in range(50_000):\n"
    "        t += i\n"
    "    return 1.0, {'alive': 1.0}\n"
)

_ids = itertools.count()

NO_OUTPUT = {"bytes": 0, "dropped": 0, "tail": "", "log": None}


class Events:
    """Collects a job's events; lets a test wait for one."""

    def __init__(self, hook: Callable[[str, dict[str, Any]], None] | None = None) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []
        self._cond = threading.Condition()
        self._hook = hook

    def __call__(self, name: str, data: dict[str, Any]) -> None:
        with self._cond:
            self.items.append((name, data))
            self._cond.notify_all()
        if self._hook is not None:
            self._hook(name, data)

    def names(self) -> list[str]:
        return [n for n, _ in self.items]

    def phases(self) -> list[str]:
        return [d["phase"] for n, d in self.items if n == "phase"]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [d for n, d in self.items if n == name]

    def wait(
        self, name: str, pred: Callable[[dict[str, Any]], bool] = lambda d: True, timeout: float = 30.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for n, d in self.items:
                    if n == name and pred(d):
                        return d
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name!r} event within {timeout} s; got {self.names()}")
                self._cond.wait(left)


def local_job(result: dict[str, Any]) -> dict[str, Any]:
    """The result without `where`, once that says the job ran on this machine."""
    where = result.pop("where")
    assert where["executor"] == "local" and where["node_id"] is None and where["host"]
    assert where["attempts"] in (0, 1) and where["wall_s"] >= 0
    return result


@pytest.fixture(scope="module")
def executor() -> Iterator[LocalProcessExecutor]:
    ex = LocalProcessExecutor(max_jobs=2)
    ex.warm_up()
    yield ex
    ex.shutdown()


def submit(
    ex: LocalProcessExecutor,
    task: str,
    params: dict[str, Any],
    limits: Limits | None = None,
    hook: Callable[[str, dict[str, Any]], None] | None = None,
) -> tuple[str, Future[dict[str, Any]], Events]:
    job_id = f"job-{next(_ids)}"
    events = Events(hook)
    future = ex.submit(job_id, task, params, limits or Limits(wall_s=60, memory_mb=2048), events)
    return job_id, future, events


def smoke_params(env: dict[str, Any], code: str, steps: int = 300, **extra: Any) -> dict[str, Any]:
    return {"env": env, "code": code, "smoke": {"steps": steps, "seed": 0}, "reward_file": "reward.py", **extra}


def test_smoke_of_a_good_reward(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    _, future, events = submit(executor, "smoke", smoke_params(cartpole_env, reward_fixture("good"), steps=300))
    result = future.result(timeout=60)
    assert result["status"] == "succeeded", result
    assert result["components"] == ["upright", "centered"]
    assert result["warnings"] == []
    smoke = result["smoke"]
    assert smoke["steps"] == 300
    assert smoke["episodes"] >= 5  # random actions end a cartpole episode within ~20-40 steps
    assert set(smoke["components"]) == {"upright", "centered"}
    for stats in [smoke["reward"], *smoke["components"].values()]:
        assert stats["min"] <= stats["mean"] <= stats["max"]
    # upright is 1 - |angle| / 0.2095: at most 1, a little below 0 on a step past the 12 degree limit
    assert -0.5 < smoke["components"]["upright"]["min"] < smoke["components"]["upright"]["max"] <= 1.0
    assert smoke["components"]["centered"]["max"] <= 0.0
    assert events.names()[0] == "started"
    assert isinstance(events.of("started")[0]["pid"], int)
    assert events.phases() == ["load_env", "bind_reward", "smoke"]


def test_smoke_steps_default_to_the_shared_defaults(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    params = {"env": cartpole_env, "code": reward_fixture("good"), "smoke": {}, "reward_file": "reward.py"}
    result = submit(executor, "smoke", params)[1].result(timeout=60)
    assert result["status"] == "succeeded", result
    assert result["smoke"]["steps"] == DEFAULTS.smoke.steps  # defaults.json, as the TypeScript side sends


def test_smoke_warns_about_flat_and_missing_components(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any]
) -> None:
    code = f"{SIG}\n    return 1.0, {{'alive': 1.0}}\n"
    result = submit(executor, "smoke", smoke_params(cartpole_env, code, steps=50))[1].result(timeout=60)
    assert result["status"] == "succeeded"
    assert result["warnings"] == [
        "component 'alive' was 1 on every one of 50 random steps (a flat component teaches nothing)."
    ]
    assert result["smoke"]["reward"] == {"mean": 1.0, "min": 1.0, "max": 1.0}


def test_reward_that_raises_fails_with_its_line(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    result = submit(executor, "smoke", smoke_params(cartpole_env, reward_fixture("raises_at_step_1000"), steps=1500))[
        1
    ].result(timeout=60)
    assert result["status"] == "failed"
    failure = result["failure"]
    assert failure["phase"] == "smoke"
    assert failure["reason"] == "compute_reward raised ValueError: step budget exceeded (reward line 4)"
    assert failure["line"] == 4
    assert failure["traceback"].startswith(
        'Traceback (most recent call last):\n  File "reward.py", line 4, in compute_reward'
    )
    assert failure["traceback"].endswith("ValueError: step budget exceeded\n")
    assert failure["exit_code"] is None


def test_nan_reward_fails(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    result = submit(executor, "smoke", smoke_params(cartpole_env, reward_fixture("nan_reward"), steps=500))[1].result(
        timeout=60
    )
    assert result["status"] == "failed"
    assert result["failure"]["phase"] == "smoke"
    assert result["failure"]["reason"].startswith("component 'wobble' (call ")
    assert result["failure"]["reason"].endswith(") is nan (it must be a finite number)")


def test_tiny_training_run(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    out = tmp_path / "sample_0"
    params = {
        "env": cartpole_env,
        "code": reward_fixture("good"),
        "rl": TINY_PPO,
        "out_dir": str(out),
        "progress_interval_s": 0.2,
    }
    result = submit(executor, "train", params)[1].result(timeout=120)
    assert result["status"] == "succeeded", result.get("failure")
    assert result["timesteps"] == 2048
    assert result["device"] == "cpu"
    assert result["components"] == ["upright", "centered"]
    assert len(result["evals"]) == 1 and result["best"] == result["final"] == result["evals"][0]
    assert result["final"]["timesteps"] == 2048 and result["final"]["best"] is True
    assert set(result["final"]["components"]) == {"upright", "centered"}
    for key in ("best_model", "final_model", "evals_file", "reward_file", "env_copy_file"):
        assert Path(result[key]).is_file(), key
    assert Path(result["reward_file"]).read_text(encoding="utf-8") == reward_fixture("good")
    assert Path(result["tensorboard_dir"]).is_dir()


def test_warm_start_from_a_saved_model(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    # pretraining_with_best_model: the new training starts from the saved weights. With a
    # learning rate of 0 nothing moves, so the result must hold exactly the weights it started from.
    from stable_baselines3 import PPO

    first = submit(executor, "train", {"env": cartpole_env, "code": reward_fixture("good"), "rl": TINY_PPO, "out_dir": str(tmp_path / "a")})[1].result(timeout=120)
    assert first["status"] == "succeeded", first.get("failure")
    frozen = {**TINY_PPO, "algo_params": {**TINY_PPO["algo_params"], "learning_rate": 0.0}}
    params = {"env": cartpole_env, "code": reward_fixture("good"), "rl": frozen, "out_dir": str(tmp_path / "b"), "init_model": first["final_model"]}
    second = submit(executor, "train", params)[1].result(timeout=120)
    assert second["status"] == "succeeded", second.get("failure")
    assert not any("warm-start" in w for w in second["warnings"])
    before = PPO.load(first["final_model"], device="cpu").policy.state_dict()
    after = PPO.load(second["final_model"], device="cpu").policy.state_dict()
    assert before.keys() == after.keys()
    for name in before:
        assert (before[name] == after[name]).all(), name

    # a model that does not fit the policy is a warning, not a failed job
    params["init_model"] = str(tmp_path / "missing.zip")
    third = submit(executor, "train", {**params, "out_dir": str(tmp_path / "c")})[1].result(timeout=120)
    assert third["status"] == "succeeded"
    assert any("could not warm-start" in w for w in third["warnings"])


def test_a_timeout_names_the_last_output(executor: LocalProcessExecutor, cartpole_env: dict[str, Any]) -> None:
    # Printed without a newline and never flushed by the job: still in the reason and the tail.
    code = f"{SIG}\n    print('step one')\n    print('stuck in the loop', end='', flush=True)\n    while True:\n        pass\n"
    _, future, _ = submit(executor, "smoke", smoke_params(cartpole_env, code), Limits(wall_s=1.5, memory_mb=2048))
    result = future.result(timeout=30)
    assert result["status"] == "timeout"
    assert result["failure"]["reason"] == (
        "exceeded the wall-time limit of 1.5 s; its last output: step one | stuck in the loop"
    )
    assert result["output"] == {"bytes": 26, "dropped": 0, "tail": "step one\nstuck in the loop", "log": None}


def test_wall_time_limit(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    started = time.monotonic()
    _, future, events = submit(
        executor,
        "smoke",
        smoke_params(cartpole_env, reward_fixture("infinite_loop")),
        Limits(wall_s=1.5, memory_mb=2048),
    )
    result = future.result(timeout=30)
    elapsed = time.monotonic() - started
    assert local_job(result) == {
        "status": "timeout",
        "failure": {
            "phase": "smoke",
            "reason": "exceeded the wall-time limit of 1.5 s",
            "traceback": None,
            "line": None,
            "exit_code": None,
        },
        "output": NO_OUTPUT,
    }
    assert 1.5 <= elapsed < 8.0
    assert not _alive(events.of("started")[0]["pid"])


def test_call_that_never_returns_is_reported(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    params = smoke_params(cartpole_env, reward_fixture("infinite_loop"), max_call_s=0.5)
    result = submit(executor, "smoke", params, Limits(wall_s=20, memory_mb=2048))[1].result(timeout=30)
    assert result["status"] == "failed"
    assert result["failure"]["phase"] == "smoke"
    assert result["failure"]["reason"] == (
        "compute_reward did not return within 0.5 s on call 1 (an infinite loop or a very slow computation)"
    )


def test_memory_bomb_address_space_limit(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    result = submit(
        executor, "smoke", smoke_params(cartpole_env, reward_fixture("memory_bomb")), Limits(wall_s=30, memory_mb=512)
    )[1].result(timeout=60)
    assert result["status"] == "out_of_memory"
    assert result["failure"]["phase"] == "smoke"
    assert result["failure"]["reason"] == "ran out of memory (reward line 2)"
    assert result["failure"]["line"] == 2
    assert "MemoryError" in result["failure"]["traceback"]


def test_memory_growth_resident_memory_watch(executor: LocalProcessExecutor, cartpole_env: dict[str, Any]) -> None:
    # Without the address-space limit (as on a GPU), the supervisor's RSS watch must catch it.
    result = submit(
        executor,
        "smoke",
        smoke_params(cartpole_env, GROWING_REWARD, steps=2000),
        Limits(wall_s=30, memory_mb=512, address_space=False),
    )[1].result(timeout=60)
    assert result["status"] == "out_of_memory", result
    assert result["failure"]["phase"] == "smoke"
    assert result["failure"]["reason"] == "used more than the memory limit of 512 MB"


def test_killed_child_is_crashed(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    def kill_on_start(name: str, data: dict[str, Any]) -> None:
        if name == "started":
            os.kill(data["pid"], signal.SIGKILL)

    params = {"env": cartpole_env, "code": reward_fixture("good"), "rl": TINY_PPO, "out_dir": str(tmp_path / "killed")}
    result = submit(executor, "train", params, hook=kill_on_start)[1].result(timeout=60)
    assert result["status"] == "crashed"
    failure = result["failure"]
    assert failure["reason"] == (
        "the job process was killed by signal SIGKILL without a result (the system may have run out of memory)"
    )
    assert failure["exit_code"] == -signal.SIGKILL
    assert failure["traceback"] is None


def test_cancel_a_running_job(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    params = {
        "env": cartpole_env,
        "code": reward_fixture("good"),
        "rl": TINY_PPO,
        "out_dir": str(tmp_path / "cancelled"),
        "total_timesteps": 10_000_000,
    }
    job_id, future, events = submit(executor, "train", params)
    events.wait("phase", lambda d: d["phase"] == "train", timeout=60)
    assert job_id in executor.status()["running"]
    assert executor.cancel(job_id) is True
    result = future.result(timeout=30)
    assert local_job(result) == {
        "status": "cancelled",
        "failure": {
            "phase": "train",
            "reason": "cancelled on request",
            "traceback": None,
            "line": None,
            "exit_code": None,
        },
        "output": NO_OUTPUT,
    }
    assert not _alive(events.of("started")[0]["pid"])
    assert executor.cancel(job_id) is False  # already over
    assert executor.cancel("no-such-job") is False


def test_third_job_is_queued(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    code = reward_fixture("good")
    jobs = [submit(executor, "smoke", smoke_params(cartpole_env, code, steps=30_000)) for _ in range(2)]
    for _, _, events in jobs:
        events.wait("started")
    jobs.append(submit(executor, "smoke", smoke_params(cartpole_env, code, steps=200)))
    third_id = jobs[2][0]
    samples = []
    while not all(f.done() for _, f, _ in jobs):
        samples.append(executor.status())
        time.sleep(0.01)
    results = [f.result() for _, f, _ in jobs]
    assert [r["status"] for r in results] == ["succeeded"] * 3
    assert jobs[0][2].of("queued") == [] and jobs[1][2].of("queued") == []
    assert jobs[2][2].of("queued") == [{"position": 1}]
    assert jobs[2][2].names()[:2] == ["queued", "started"]
    assert max(len(s["running"]) for s in samples) <= 2
    assert third_id in samples[0]["queued"]
    assert results[2]["smoke"]["steps"] == 200


def test_cancel_a_queued_job(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    def long_train(name: str) -> dict[str, Any]:
        return {
            "env": cartpole_env,
            "code": reward_fixture("good"),
            "rl": TINY_PPO,
            "out_dir": str(tmp_path / name),
            "total_timesteps": 10_000_000,
        }

    a_id, a, a_events = submit(executor, "train", long_train("a"))
    b_id, b, b_events = submit(executor, "train", long_train("b"))
    a_events.wait("started")
    b_events.wait("started")
    c_id, c, c_events = submit(executor, "smoke", smoke_params(cartpole_env, reward_fixture("good")))
    assert c_events.of("queued") == [{"position": 1}]
    status = executor.status()
    assert (sorted(status["running"]), status["queued"]) == (sorted([a_id, b_id]), [c_id])
    assert executor.cancel(c_id) is True
    assert executor.cancel(a_id) is True
    assert local_job(c.result(timeout=30)) == {
        "status": "cancelled",
        "failure": {
            "phase": "queued",
            "reason": "cancelled before it started",
            "traceback": None,
            "line": None,
            "exit_code": None,
        },
        "output": NO_OUTPUT,
    }
    assert "started" not in c_events.names()
    assert executor.cancel(b_id) is True
    assert a.result(timeout=30)["status"] == "cancelled"
    assert b.result(timeout=30)["status"] == "cancelled"


def test_training_on_a_registered_gym_env(executor: LocalProcessExecutor, tmp_path: Path) -> None:
    # The benchmark run: CartPole-v1's own reward trains and is the fitness; no reward code.
    env = {"gym_id": "CartPole-v1", "kwargs": {}, "max_episode_steps": None}
    rl = {**TINY_PPO, "training": {**TINY_PPO["training"], "eval": {"num_evals": 2, "num_episodes": 2}}}
    out = tmp_path / "benchmark"
    _, future, events = submit(executor, "train", {"env": env, "rl": rl, "out_dir": str(out), "progress_interval_s": 0.2})
    result = future.result(timeout=120)
    assert result["status"] == "succeeded", result.get("failure")
    assert events.phases() == ["load_env", "build_model", "train", "save"]
    assert "progress" in events.names() and len(events.of("eval")) == 2
    assert result["timesteps"] == 2048 and result["components"] == []
    assert [e["timesteps"] for e in result["evals"]] == [1024, 2048]
    for row in result["evals"]:
        assert math.isfinite(row["fitness_mean"]) and row["fitness_mean"] > 0
        assert row["fitness_mean"] == row["reward_mean"] == row["length_mean"]  # +1 per step
        assert row["components"] == {}
    assert (result["reward_file"], result["env_copy_file"]) == (None, None)
    for key in ("best_model", "final_model", "evals_file"):
        assert Path(result[key]).is_file(), key
    assert len((out / "evals.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert Path(result["tensorboard_dir"]).is_dir()

    gif = tmp_path / "benchmark.gif"
    evaluate = {
        "env": {"gym_id": "CartPole-v1", "max_episode_steps": 20},
        "model": result["final_model"],
        "algo": "ppo",
        "episodes": 2,
        "gif": {"path": str(gif), "max_frames": 10},
    }
    evaluated = submit(executor, "evaluate", evaluate)[1].result(timeout=60)
    assert evaluated["status"] == "succeeded", evaluated.get("failure")
    assert len(evaluated["episodes"]) == 2
    assert evaluated["fitness_mean"] == evaluated["reward_mean"] == evaluated["length_mean"] <= 20
    assert evaluated["gif"] == str(gif) and gif.is_file() and 1 <= evaluated["gif_frames"] <= 10


def test_unknown_gym_id_fails_the_job(executor: LocalProcessExecutor, tmp_path: Path) -> None:
    params = {"env": {"gym_id": "NoSuchEnv-v0"}, "rl": TINY_PPO, "out_dir": str(tmp_path)}
    result = submit(executor, "train", params)[1].result(timeout=60)
    assert result["status"] == "failed"
    assert result["failure"]["phase"] == "load_env"
    assert result["failure"]["reason"].startswith("'NoSuchEnv-v0' is not a registered gymnasium id: ")


def test_executor_still_works_after_all_of_the_above(
    executor: LocalProcessExecutor, cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str]
) -> None:
    assert executor.status() == {"running": [], "queued": [], "max_jobs": 2}
    futures = [
        submit(executor, "smoke", smoke_params(cartpole_env, reward_fixture("good"), steps=100))[1] for _ in range(2)
    ]
    assert [f.result(timeout=60)["status"] for f in futures] == ["succeeded", "succeeded"]
    assert executor.status() == {"running": [], "queued": [], "max_jobs": 2}


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_output_capture_keeps_head_and_tail_within_the_cap(tmp_path: Path) -> None:
    from stable_eureka_worker.joboutput import LOG_CAP, RESULT_TAIL, TAIL_KEEP, OutputCapture

    log = tmp_path / "out" / "job_output.log"
    cap = OutputCapture(log)
    cap.feed(b"first line\n")
    for _ in range(40):
        cap.feed(b"y" * 100_000)
    cap.feed("last: é\n".encode())
    cap.close()
    s = cap.summary()
    data = log.read_bytes()
    assert s["bytes"] == 11 + 4_000_000 + 9 and s["log"] == str(log)
    assert len(data) <= LOG_CAP and data.startswith(b"first line\n") and data.endswith("last: é\n".encode())
    start = data.index(b"\n[stable-eureka: ")
    marker = data[start : data.index(b"]\n", start) + 2]
    assert marker.startswith(f"\n[stable-eureka: {s['dropped']} bytes of output dropped here".encode())
    assert s["dropped"] == s["bytes"] - (len(data) - len(marker)) > 0
    assert s["tail"].endswith("last: é\n") and len(s["tail"].encode()) <= RESULT_TAIL
    assert TAIL_KEEP < LOG_CAP

    quiet = OutputCapture(tmp_path / "quiet" / "job_output.log")
    quiet.close()
    assert quiet.summary() == {"bytes": 0, "dropped": 0, "tail": "", "log": None}
    assert not (tmp_path / "quiet").exists()

    # No log: only the result's tail is kept; a cut through a character is not a U+FFFD.
    bare = OutputCapture(None)
    bare.feed(b"a" * 10 + "é".encode() * 5000 + b"!")  # 4096 from the end falls inside an é
    bare.close()
    assert bare.summary()["dropped"] == 10 + 10_000 + 1 - RESULT_TAIL
    assert set(bare.summary()["tail"]) == {"é", "!"}


HOST_SCRIPT = """
import sys
sys.path.insert(0, {python!r})
with open({marker!r}, "a") as f:
    f.write("ran\\n")  # each run of this script's top level

if __name__ == "__main__":
    from stable_eureka_worker.jobs import Limits, LocalProcessExecutor

    ex = LocalProcessExecutor(max_jobs=1)
    params = {{"env": {env!r}, "code": {code!r}, "smoke": {{"steps": 50, "seed": 0}}, "reward_file": "reward.py"}}
    result = ex.submit("j", "smoke", params, Limits(wall_s=120, memory_mb=2048), lambda *_: None).result(timeout=180)
    print(result["status"])
    ex.shutdown()
"""


def test_a_job_does_not_run_its_host_script_again(cartpole_env: dict[str, Any], reward_fixture: Callable[[str], str], tmp_path: Path) -> None:
    """A host started as a script (Ray's worker process is one): multiprocessing would run the
    script again in every job process, which cost 1.2 s a job on Ray nodes."""
    import subprocess
    import sys

    marker = tmp_path / "runs.txt"
    script = tmp_path / "host.py"
    python_dir = str(Path(__file__).resolve().parents[1])
    script.write_text(HOST_SCRIPT.format(python=python_dir, marker=str(marker), env=cartpole_env, code=reward_fixture("good")))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "succeeded"
    assert marker.read_text().splitlines() == ["ran"]  # the host's own run only
