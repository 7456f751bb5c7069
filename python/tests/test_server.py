"""The worker as the TypeScript side runs it: `python -u -m stable_eureka_worker`, JSON lines on
stdin/stdout (see python/PROTOCOL.md)."""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import platform
import queue
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from stable_eureka_worker import PROTOCOL_VERSION
from stable_eureka_worker.jobs import LocalProcessExecutor
from stable_eureka_worker.server import Server, _clean

METHODS = ["cancel", "check_reward", "describe_env", "evaluate", "jobs", "ping", "render_gif", "shutdown", "train"]

TINY_PPO = {
    "algo": "ppo",
    "algo_params": {"n_steps": 32, "batch_size": 64, "n_epochs": 1},
    "training": {
        "num_envs": 8,
        "total_timesteps": 2048,
        "seed": 0,
        "device": "cpu",
        "eval": {"num_evals": 1, "num_episodes": 1},
    },
}


def strict_json(line: str) -> dict[str, Any]:
    """json.loads that refuses NaN/Infinity, as JSON.parse on the TypeScript side does."""

    def reject(token: str) -> Any:
        raise ValueError(f"not valid JSON: {token}")

    return json.loads(line, parse_constant=reject)


class Worker:
    """One worker process; a thread reads its stdout lines into a queue."""

    def __init__(self, python_dir: Path, cwd: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(python_dir), "STABLE_EUREKA_MAX_JOBS": "2"}
        self.stderr_path = cwd / "worker.stderr"
        self._stderr = self.stderr_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "stable_eureka_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=cwd,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.raw: list[str] = []  # every stdout line, as sent
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._ids = itertools.count()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.raw.append(line)
            self._lines.put(line)
        self._lines.put(None)

    def send_line(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> str:
        req_id = f"r{next(self._ids)}"
        msg: dict[str, Any] = {"type": "request", "id": req_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send_line(json.dumps(msg))
        return req_id

    def next(self, timeout: float = 30.0) -> dict[str, Any] | None:
        """The next message, or None once stdout is closed."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line from the worker within {timeout} s; stderr:\n{self.stderr()}") from None
        if line is None:
            return None
        assert line.endswith("\n")
        return strict_json(line)

    def reply(
        self, req_id: str | None, timeout: float = 30.0, events: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Waits for the reply to req_id; its events go into `events`."""
        while True:
            msg = self.next(timeout)
            assert msg is not None, f"the worker closed stdout; exit code {self.proc.poll()}; stderr:\n{self.stderr()}"
            if msg["type"] == "event" and msg["id"] == req_id and events is not None:
                events.append(msg)
            if msg["type"] == "reply" and msg["id"] == req_id:
                return msg

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        return self.reply(self.request(method, params), timeout)

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._stderr.close()


@pytest.fixture
def start_worker(python_dir: Path, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    workers: list[Worker] = []

    def start() -> Worker:
        folder = tmp_path / f"worker{len(workers)}"
        folder.mkdir()
        w = Worker(python_dir, folder)
        workers.append(w)
        return w

    yield start
    for w in workers:
        w.close()


@pytest.fixture(scope="module")
def worker(python_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """A worker shared by the tests that leave it running; its hello is already read."""
    w = Worker(python_dir, tmp_path_factory.mktemp("worker"))
    hello = w.next(60)
    assert hello is not None and hello["type"] == "hello"
    yield w
    w.close()


def test_hello_first(start_worker: Callable[[], Worker]) -> None:
    w = start_worker()
    hello = w.next(60)
    assert hello == {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "pid": w.proc.pid,
        "python": platform.python_version(),
        "versions": {
            "torch": version("torch"),
            "stable_baselines3": version("stable_baselines3"),
            "gymnasium": version("gymnasium"),
            "numpy": version("numpy"),
        },
        "cuda": hello["cuda"],
        "cpus": os.cpu_count(),
        "max_jobs": 2,
        "executor": "local",
    }
    assert PROTOCOL_VERSION == 1
    assert isinstance(hello["cuda"], bool)
    assert w.raw[0].startswith('{"type":"hello","protocol":1,')


def test_ping(worker: Worker) -> None:
    req_id = worker.request("ping")
    assert worker.reply(req_id) == {"type": "reply", "id": req_id, "ok": True, "result": {"pong": True}}


def test_not_json_line_then_keeps_going(worker: Worker) -> None:
    worker.send_line("this is not json {")
    assert worker.reply(None) == {
        "type": "reply",
        "id": None,
        "ok": False,
        "error": {
            "kind": "protocol",
            "message": "not a JSON line: Expecting value: line 1 column 1 (char 0)",
            "details": {},
        },
    }
    assert worker.call("ping")["result"] == {"pong": True}


def test_blank_lines_are_ignored(worker: Worker) -> None:
    worker.send_line("")
    worker.send_line("   ")
    req_id = worker.request("ping")
    msg = worker.next()
    assert msg is not None and msg["id"] == req_id  # no reply to the blank lines came first


@pytest.mark.parametrize(
    ("message", "reply_id"),
    [
        ({"type": "event", "id": "x1", "method": "ping"}, "x1"),
        ({"type": "request", "id": 7, "method": "ping"}, None),
        ({"method": "ping"}, None),
    ],
    ids=["not-a-request", "numeric-id", "no-type"],
)
def test_malformed_request(worker: Worker, message: dict[str, Any], reply_id: str | None) -> None:
    worker.send_line(json.dumps(message))
    reply = worker.reply(reply_id)
    assert reply["ok"] is False
    assert reply["error"] == {
        "kind": "protocol",
        "message": "expected {type: 'request', id: string, method, params}",
        "details": {},
    }
    assert worker.call("ping")["ok"] is True


def test_unknown_method(worker: Worker) -> None:
    reply = worker.call("frobnicate", {})
    assert reply["ok"] is False
    assert reply["error"] == {
        "kind": "unknown_method",
        "message": "unknown method 'frobnicate'",
        "details": {"known": METHODS},
    }


@pytest.mark.parametrize(
    ("method", "params", "path", "message"),
    [
        ("describe_env", {"env": {}}, "env.env_dir", "params.env.env_dir (the env folder's path) is required"),
        ("describe_env", {}, "env.env_dir", "params.env.env_dir (the env folder's path) is required"),
        (
            "describe_env",
            {"env": {"env_dir": 3}},
            "env.env_dir",
            "params.env.env_dir (the env folder's path) is required",
        ),
        ("check_reward", {"env": {"env_dir": "/x"}}, "code", "params.code (the reward's source) is required"),
        (
            "train",
            {"code": "x", "env": "CARTPOLE", "out_dir": "/tmp/x"},
            "rl",
            "params.rl (the config's rl section) is required",
        ),
        ("train", {"code": "x", "env": "CARTPOLE", "rl": {}}, "out_dir", "params.out_dir is required"),
        ("evaluate", {"code": "x", "env": "CARTPOLE"}, "model", "params.model (a saved model's path) is required"),
        ("cancel", {}, "id", "params.id (the job's request id) is required"),
    ],
    ids=[
        "env-empty",
        "env-missing",
        "env_dir-not-str",
        "no-code",
        "train-no-rl",
        "train-no-out_dir",
        "evaluate-no-model",
        "cancel-no-id",
    ],
)
def test_bad_params(
    worker: Worker, cartpole_dir: Path, method: str, params: dict[str, Any], path: str, message: str
) -> None:
    if params.get("env") == "CARTPOLE":
        params = {**params, "env": {"env_dir": str(cartpole_dir)}}
    reply = worker.call(method, params)
    assert reply["ok"] is False
    assert reply["error"] == {"kind": "bad_request", "message": message, "details": {"path": path}}


def test_env_error(worker: Worker, tmp_path: Path) -> None:
    missing = tmp_path / "no_such_env"
    reply = worker.call("describe_env", {"env": {"env_dir": str(missing)}})
    assert reply["ok"] is False
    assert reply["error"]["kind"] == "env_error"
    assert reply["error"]["message"] == f"env folder {missing} does not exist"
    assert reply["error"]["details"]["file"] == str(missing)
    assert reply["error"]["details"]["hint"].startswith("Create it in stable-eureka's layout")


def test_check_reward_static_only(worker: Worker, cartpole_dir: Path, reward_fixture: Callable[[str], str]) -> None:
    env = {"env_dir": str(cartpole_dir)}
    bad = worker.call("check_reward", {"env": env, "code": reward_fixture("imports_os"), "smoke": False})
    assert bad["ok"] is True
    result = bad["result"]
    assert (result["passed"], result["stage"], result["components"], result["smoke"]) == (
        False,
        "forbidden",
        None,
        None,
    )
    assert [(e["stage"], e["line"]) for e in result["errors"]] == [
        ("forbidden", 1),
        ("forbidden", 2),
        ("forbidden", 3),
        ("forbidden", 7),
    ]
    assert result["errors"][0]["message"].startswith("`import os` is not allowed")
    assert result["signature"] == (
        "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)"
    )
    good = worker.call("check_reward", {"env": env, "code": reward_fixture("good"), "smoke": False})["result"]
    assert (good["passed"], good["stage"], good["errors"]) == (True, "ok", [])


def test_check_reward_normalized(worker: Worker, cartpole_dir: Path, reward_fixture: Callable[[str], str]) -> None:
    env = {"env_dir": str(cartpole_dir)}
    good = reward_fixture("good")
    # Same reward: a docstring, comments, other quotes and spacing; the check fails on the
    # second one (os), and normalized is there all the same.
    noisy = '"""Upright and centered."""\n' + good.replace('"upright"', "'upright'").replace(" - ", "-") + "# end\n"
    results = [
        worker.call("check_reward", {"env": env, "code": code, "smoke": False})["result"]
        for code in (good, noisy, reward_fixture("imports_os"), good.replace("0.2095", "0.21"), reward_fixture("syntax_error"))
    ]
    normalized = [r["normalized"] for r in results]
    assert [r["passed"] for r in results] == [True, True, False, True, False]
    assert normalized[0] is not None and normalized[0] == normalized[1]
    assert isinstance(normalized[2], str) and normalized[2] != normalized[0]
    assert normalized[3] is not None and normalized[3] != normalized[0]
    assert normalized[4] is None


@pytest.mark.parametrize(
    ("method", "params", "path", "message"),
    [
        (
            "train",
            {"env": {"gym_id": "NoSuchEnv-v0"}, "rl": {}, "out_dir": "/tmp/x"},
            "env.gym_id",
            "env.gym_id 'NoSuchEnv-v0' is not a registered gymnasium id: Environment `NoSuchEnv` doesn't exist.",
        ),
        (
            "evaluate",
            {"env": {"gym_id": 3}, "model": "/tmp/m.zip"},
            "env.gym_id",
            "env.gym_id must be a registered gymnasium id such as 'CartPole-v1'",
        ),
        (
            "train",
            {"env": {"gym_id": "CartPole-v1"}, "code": "x = 1", "rl": {}, "out_dir": "/tmp/x"},
            "code",
            "params.code must be null or absent with env.gym_id: the registered env's own reward is used",
        ),
        (
            "train",
            {"env": {"gym_id": "CartPole-v1", "max_episode_steps": 0}, "rl": {}, "out_dir": "/tmp/x"},
            "env.max_episode_steps",
            "env.max_episode_steps must be a positive integer or null (the registered limit)",
        ),
        (
            "check_reward",
            {"env": {"gym_id": "CartPole-v1"}, "code": "x = 1"},
            "env.gym_id",
            "env.gym_id works only with train, evaluate and render_gif; describe_env and check_reward need an env folder (env.env_dir)",
        ),
    ],
    ids=["unknown-id", "id-not-str", "code-with-gym-id", "bad-max-steps", "check-on-gym-id"],
)
def test_gym_id_bad_params(worker: Worker, method: str, params: dict[str, Any], path: str, message: str) -> None:
    reply = worker.call(method, params)
    assert reply["ok"] is False
    error = reply["error"]
    assert (error["kind"], error["details"]) == ("bad_request", {"path": path})
    assert error["message"].startswith(message)  # gymnasium may add a "Did you mean" hint
    assert worker.call("ping")["ok"] is True  # the worker lives on


def test_jobs_and_cancel_unknown(worker: Worker) -> None:
    assert worker.call("jobs")["result"] == {"running": [], "queued": [], "max_jobs": 2}
    assert worker.call("cancel", {"id": "no-such-job"})["result"] == {"cancelled": False}


def test_jobs_end_to_end(
    start_worker: Callable[[], Worker], cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path: Path
) -> None:
    w = start_worker()
    assert w.next(60)["type"] == "hello"  # type: ignore[index]
    env = {"env_dir": str(cartpole_dir)}

    described = w.call("describe_env", {"env": env}, timeout=60)
    assert described["ok"] is True, described
    d = described["result"]
    assert (d["class_name"], d["action_type"], d["observation_shape"], d["action_shape"]) == (
        "CartPoleEnv",
        "discrete",
        [4],
        [],
    )
    assert d["action_space"] == "Discrete(2)"
    assert "module_names" not in d

    events: list[dict[str, Any]] = []
    checked = w.reply(
        w.request("check_reward", {"env": env, "code": reward_fixture("good"), "smoke": {"steps": 200}}), 60, events
    )
    assert checked["result"]["passed"] is True and checked["result"]["stage"] == "ok"
    assert checked["result"]["components"] == ["upright", "centered"]
    assert checked["result"]["smoke"]["steps"] == 200
    assert [e["event"] for e in events] == ["started", "phase", "phase", "phase"]

    failed = w.call(
        "check_reward", {"env": env, "code": reward_fixture("raises_at_step_1000"), "smoke": {"steps": 1500}}, 60
    )
    result = failed["result"]
    assert (failed["ok"], result["passed"], result["stage"]) == (True, False, "smoke")
    assert result["errors"] == [
        {
            "stage": "smoke",
            "code": "smoke_failed",
            "params": {"reason": "compute_reward raised ValueError: step budget exceeded (reward line 4)"},
            "message": "compute_reward raised ValueError: step budget exceeded (reward line 4)",
            "line": 4,
            "col": None,
        }
    ]
    assert result["failure"]["phase"] == "smoke" and 'File "reward.py", line 4' in result["failure"]["traceback"]
    assert result["failure"]["status"] == "failed"

    out = tmp_path / "sample"
    events = []
    trained = w.reply(
        w.request("train", {"env": env, "code": reward_fixture("good"), "rl": TINY_PPO, "out_dir": str(out)}),
        120,
        events,
    )
    assert trained["result"]["status"] == "succeeded", trained
    names = [e["event"] for e in events]
    assert names[0] == "started" and "progress" in names and "eval" in names
    assert [e["data"]["phase"] for e in events if e["event"] == "phase"] == [
        "load_env",
        "bind_reward",
        "build_model",
        "train",
        "save",
    ]

    # No episodes: nothing to average; the job says which field is wrong.
    evaluated = w.call(
        "evaluate",
        {
            "env": env,
            "code": reward_fixture("good"),
            "model": trained["result"]["final_model"],
            "algo": "ppo",
            "episodes": 0,
        },
        60,
    )
    result = evaluated["result"]
    assert result["status"] == "failed"
    assert result["failure"]["reason"] == "episodes must be at least 1 (got 0): there is nothing to average over zero episodes"
    assert "NaN" not in w.raw[-1]

    evaluated = w.call(
        "evaluate",
        {
            "env": env,
            "code": reward_fixture("good"),
            "model": trained["result"]["final_model"],
            "algo": "ppo",
            "episodes": 2,
        },
        60,
    )
    assert len(evaluated["result"]["episodes"]) == 2
    assert evaluated["result"]["fitness_mean"] == evaluated["result"]["length_mean"]  # +1 fitness per step

    for line in w.raw:
        strict_json(line)  # every line the worker sent is valid JSON
    assert w.call("shutdown")["result"] == {"bye": True}
    assert w.proc.wait(timeout=20) == 0


def test_nan_and_inf_go_out_as_null() -> None:
    # JSON has no NaN: a fitness that is NaN inside a job (an env that divides by zero) reaches
    # the client as null, never as a line its parser rejects
    from stable_eureka_worker.server import _clean

    line = json.dumps(_clean({"fitness_mean": math.nan, "x": [1.0, math.inf, {"y": -math.inf}], "n": 2}), allow_nan=False)
    assert json.loads(line) == {"fitness_mean": None, "x": [1.0, None, {"y": None}], "n": 2}


def test_train_and_evaluate_on_a_gym_id(worker: Worker, tmp_path: Path) -> None:
    # The server's side of a benchmark run: no code sent (absent, then null), gym_id resolved.
    env = {"gym_id": "CartPole-v1"}
    out = tmp_path / "benchmark"
    trained = worker.call("train", {"env": env, "rl": TINY_PPO, "out_dir": str(out), "total_timesteps": 256}, 120)
    result = trained["result"]
    assert result["status"] == "succeeded", result
    assert (result["reward_file"], result["env_copy_file"], result["components"]) == (None, None, [])
    assert result["final"]["fitness_mean"] == result["final"]["reward_mean"]
    evaluated = worker.call(
        "evaluate", {"env": env, "code": None, "model": result["final_model"], "algo": "ppo", "episodes": 1}, 60
    )["result"]
    assert evaluated["status"] == "succeeded", evaluated
    assert evaluated["fitness_mean"] == evaluated["reward_mean"] == evaluated["length_mean"]


def test_shutdown_exits_zero(start_worker: Callable[[], Worker]) -> None:
    w = start_worker()
    assert w.next(60)["type"] == "hello"  # type: ignore[index]
    req_id = w.request("shutdown")
    assert w.reply(req_id) == {"type": "reply", "id": req_id, "ok": True, "result": {"bye": True}}
    assert w.next(20) is None  # stdout closed
    assert w.proc.wait(timeout=20) == 0


def test_end_of_stdin_exits_zero(start_worker: Callable[[], Worker]) -> None:
    w = start_worker()
    assert w.next(60)["type"] == "hello"  # type: ignore[index]
    assert w.proc.stdin is not None
    w.proc.stdin.close()
    assert w.next(20) is None
    assert w.proc.wait(timeout=20) == 0


def test_nan_and_inf_are_sent_as_null() -> None:
    out = io.StringIO()
    server = Server(LocalProcessExecutor(max_jobs=1), out)
    server.reply(
        "r1",
        {
            "nan": math.nan,
            "inf": math.inf,
            "ninf": -math.inf,
            "ok": 1.5,
            "nested": [{"x": math.nan}, (math.inf, 2)],
            3: "k",
        },
    )
    server.event("r1", "eval", {"fitness_mean": float("nan")})
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        '{"type":"reply","id":"r1","ok":true,"result":{"nan":null,"inf":null,"ninf":null,"ok":1.5,'
        '"nested":[{"x":null},[null,2]],"3":"k"}}'
    )
    assert strict_json(lines[1]) == {"type": "event", "id": "r1", "event": "eval", "data": {"fitness_mean": None}}
    assert _clean({"a": [1, "s", None, True]}) == {"a": [1, "s", None, True]}


# --- regressions: bugs found and fixed ----------------------------------------------------


@pytest.mark.parametrize("line", ["[1, 2]", "null"])
def test_json_non_object_line_then_keeps_going(start_worker: Callable[[], Worker], line: str) -> None:
    w = start_worker()
    assert w.next(60)["type"] == "hello"  # type: ignore[index]
    w.send_line(line)
    reply = w.next(20)
    assert reply is not None and reply["error"]["kind"] == "protocol"
    assert w.call("ping")["ok"] is True


def test_params_not_an_object(worker: Worker) -> None:
    reply = worker.call("describe_env", [1, 2])  # type: ignore[arg-type]
    assert reply["error"]["kind"] == "bad_request"


def test_check_reward_star_args_call_site(worker: Worker, make_env_folder: Callable[..., Path]) -> None:
    # The arity of `self.compute_reward(*parts)` is known only at run time: the static check
    # must not reject a reward for it (the server once rebuilt the call site without that flag).
    env_dir = make_env_folder(
        {
            "env_code/env.py": """
                import gymnasium as gym

                class StarEnv(gym.Env):
                    def step(self, action):
                        parts = (action, False)
                        reward, info = self.compute_reward(*parts)
                        return None, reward, False, False, info
            """
        }
    )
    code = "def compute_reward(self, action, terminated):\n    return 1.0, {'alive': 1.0}\n"
    result = worker.call("check_reward", {"env": {"env_dir": str(env_dir)}, "code": code, "smoke": False})["result"]
    assert (result["passed"], result["stage"], result["errors"]) == (True, "ok", [])


# --- what jobs print ---------------------------------------------------------------------

CARTPOLE_SIG = "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):"
FAKE_REPLY = '{"type":"reply","id":"x","ok":true,"result":{}}'
FAKE_HELLO = '{"type":"hello","protocol":1,"pid":1,"python":"0","versions":{},"cuda":false,"cpus":1,"max_jobs":1}'


def test_a_flood_of_output_is_capped_and_the_worker_keeps_serving(
    start_worker: Callable[[], Worker], cartpole_dir: Path, tmp_path: Path
) -> None:
    # 50 MB at the end of every episode: the job is never stalled by it, the log on disk stays
    # under the cap, and neither the protocol nor the worker's stderr carries any of it.
    code = f"{CARTPOLE_SIG}\n    if terminated:\n        print('x' * 50_000_000, flush=True)\n    return 1.0, {{'alive': 1.0}}\n"
    w = start_worker()
    assert w.next(60)["type"] == "hello"  # type: ignore[index]
    out = tmp_path / "flood"
    params = {"env": {"env_dir": str(cartpole_dir)}, "code": code, "rl": TINY_PPO, "out_dir": str(out), "total_timesteps": 256}
    result = w.call("train", params, 180)["result"]
    assert result["status"] == "succeeded", result
    output = result["output"]
    assert output["bytes"] >= 50_000_000 and output["dropped"] > 0
    assert output["log"] == str(out / "job_output.log")
    log = out / "job_output.log"
    assert log.stat().st_size <= 1024 * 1024
    assert b"bytes of output dropped here" in log.read_bytes()
    assert len(output["tail"]) <= 4096 and output["tail"].strip("x\n") == ""
    assert w.call("ping")["result"] == {"pong": True}
    stderr = w.stderr()
    assert len(stderr) < 64 * 1024 and "x" * 1000 not in stderr
    assert f"printed {output['bytes']} bytes" in stderr
    # what the OS gave the job, said once by the worker (not once per job)
    assert stderr.count("job isolation: ") == 1, stderr
    for line in w.raw:
        assert len(line) < 64 * 1024
        strict_json(line)


def test_printed_protocol_lines_stay_output(worker: Worker, make_env_folder: Callable[..., Path]) -> None:
    # The reward prints (flush=True), the env writes sys.stdout and sys.stderr directly: the
    # client sees only the real messages, the fakes arrive as text in output.tail.
    env_dir = make_env_folder(
        {
            "env_code/env.py": f"""
                import sys
                import numpy as np
                import gymnasium as gym

                class LoudEnv(gym.Env):
                    observation_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
                    action_space = gym.spaces.Discrete(2)

                    def reset(self, seed=None, options=None):
                        super().reset(seed=seed)
                        sys.stdout.write({FAKE_HELLO!r} + "\\n")
                        sys.stdout.flush()
                        return np.zeros(1, np.float32), {{}}

                    def step(self, action):
                        sys.stderr.write('{{"type":"event","id":"x","event":"eval","data":{{}}}}\\n')
                        reward, info = self.compute_reward(action, False)
                        return np.zeros(1, np.float32), reward, False, False, info
            """
        }
    )
    code = (
        "def compute_reward(self, action, terminated):\n"
        f"    print({FAKE_REPLY!r}, flush=True)\n"
        f"    print({FAKE_HELLO!r})\n"
        "    return 1.0, {'alive': 1.0}\n"
    )
    before = len(worker.raw)
    req_id = worker.request("check_reward", {"env": {"env_dir": str(env_dir)}, "code": code, "smoke": {"steps": 20}})
    result = worker.reply(req_id, 60)["result"]
    assert result["passed"] is True, result
    tail = result["output"]["tail"]
    assert FAKE_REPLY in tail and FAKE_HELLO in tail and '"id":"x","event":"eval"' in tail
    assert worker.call("ping")["result"] == {"pong": True}
    for line in worker.raw[before:]:
        msg = strict_json(line)
        assert msg["type"] in ("reply", "event") and msg["id"] != "x", line
    assert FAKE_REPLY not in worker.stderr()
