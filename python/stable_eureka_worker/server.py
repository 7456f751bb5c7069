"""The worker process: JSON lines on stdin/stdout (see ../PROTOCOL.md).

Quick requests (ping, the static part of describe/check, cancel) are answered on the reading
thread; everything that runs env or reward code is a job in a child process, answered when
the job ends, with events while it runs.
"""

from __future__ import annotations

import json
import math
import os
import platform
import signal
import sys
import threading
import traceback
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from . import PROTOCOL_VERSION
from . import protocol_types as protocol
from .allowlists import ALLOWED_MODULES
from .defaults import DEFAULTS
from .device import cuda_available, job_device
from .envfolder import CallSite, describe_static
from .errors import BadRequest, WorkerError
from .jobs import Executor, Limits, LocalProcessExecutor
from .problems import smoke_problem
from .rewardcheck import check_static, normalize

DEFAULT_LIMITS = {task: Limits(wall_s=given.wall_s, memory_mb=given.memory_mb) for task, given in DEFAULTS.limits.items()}


def job_limits(task: str, params: Mapping[str, Any], cuda: bool) -> Limits:
    """The limits a job runs under: the request's, else the task's defaults; the address
    space is limited exactly when the job runs on the CPU (device.job_device), since CUDA
    maps far more virtual memory than it uses."""
    base = DEFAULT_LIMITS[task]
    given = params.get("limits") or {}
    return Limits(
        wall_s=float(given.get("wall_s", base.wall_s)),
        memory_mb=float(given.get("memory_mb", base.memory_mb)),
        address_space=job_device(task, params, cuda).is_cpu,
    )


def _clean(o: Any) -> Any:
    """JSON has no NaN/inf: send them as null rather than as invalid JSON."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


class Server:
    def __init__(self, executor: Executor, out: Any = None) -> None:
        self.executor = executor
        self._out = out or sys.stdout
        self._write_lock = threading.Lock()
        self._stopping = threading.Event()
        self._pending: set[Future[Any]] = set()
        # Each takes the request id and the method's params (protocol.METHODS), and returns its
        # result, or a Future when a job replies later. The params are as the client sent them:
        # each method checks what it relies on (a BadRequest names the key).
        self.methods: dict[str, Callable[[str, Any], Any]] = {
            "ping": self.ping,
            "describe_env": self.describe_env,
            "check_reward": self.check_reward,
            "train": self._job("train"),
            "evaluate": self._job("evaluate"),
            "render_gif": self._job("render_gif"),
            "cancel": self.cancel,
            "jobs": self.jobs,
            "shutdown": self.shutdown,
        }

    # --- output ---------------------------------------------------------------------------

    def send(self, msg: protocol.Incoming) -> None:
        line = json.dumps(_clean(msg), separators=(",", ":"), default=str)
        with self._write_lock:
            self._out.write(line + "\n")
            self._out.flush()

    def reply(self, req_id: str, result: Any) -> None:
        self.send({"type": "reply", "id": req_id, "ok": True, "result": result})

    def error(self, req_id: str | None, kind: str, message: str, **details: Any) -> None:
        self.send({"type": "reply", "id": req_id, "ok": False, "error": {"kind": kind, "message": message, "details": details}})

    def event(self, req_id: str, name: protocol.EventName, data: Mapping[str, Any]) -> None:
        self.send({"type": "event", "id": req_id, "event": name, "data": data})

    # --- the loop -------------------------------------------------------------------------

    def hello(self) -> None:
        import gymnasium
        import numpy
        import stable_baselines3
        import torch

        hello: dict[str, Any] = {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "python": platform.python_version(),
            "versions": {
                "torch": torch.__version__,
                "stable_baselines3": stable_baselines3.__version__,
                "gymnasium": gymnasium.__version__,
                "numpy": numpy.__version__,
            },
            "cuda": cuda_available(),
            "cpus": os.cpu_count() or 1,
            "max_jobs": self.executor.max_jobs,
            "executor": self.executor.kind,
        }
        self.send(hello)  # type: ignore[arg-type]

    def serve(self, stdin: Any) -> None:
        for raw in stdin:
            if not raw.strip():
                continue
            try:
                msg = json.loads(raw)
            except json.JSONDecodeError as e:
                self.error(None, "protocol", f"not a JSON line: {e}")
                continue
            self.handle(msg)
            if self._stopping.is_set():
                break
        self.executor.shutdown()

    def handle(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            self.error(None, "protocol", f"expected a JSON object per line, got {type(msg).__name__}")
            return
        req_id = msg.get("id")
        if msg.get("type") != "request" or not isinstance(req_id, str):
            self.error(req_id if isinstance(req_id, str) else None, "protocol", "expected {type: 'request', id: string, method, params}")
            return
        method = self.methods.get(str(msg.get("method")))
        if method is None:
            self.error(req_id, "unknown_method", f"unknown method {msg.get('method')!r}", known=sorted(self.methods))
            return
        params = msg.get("params") or {}
        if not isinstance(params, dict):
            self.error(req_id, "bad_request", f"params must be an object, got {type(params).__name__}", path="params")
            return
        try:
            result = method(req_id, params)
        except WorkerError as e:
            self.error(req_id, e.kind, e.message, **e.details)
            return
        except Exception as e:
            self.error(req_id, "internal", f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
            return
        if isinstance(result, Future):
            return  # a job: replied when it ends
        self.reply(req_id, result)

    # --- methods --------------------------------------------------------------------------

    def _env_params(self, params: Mapping[str, Any]) -> tuple[protocol.EnvRef, dict[str, Any]]:
        """The env folder's EnvRef resolved (its class named, every key set) and its static description."""
        env = params.get("env")
        if isinstance(env, dict) and "gym_id" in env:
            # A registered env has no compute_reward call site to describe or check against.
            raise BadRequest(
                "env.gym_id works only with train, evaluate and render_gif; describe_env and check_reward need an env folder (env.env_dir)",
                path="env.gym_id",
            )
        if not isinstance(env, dict) or not isinstance(env.get("env_dir"), str):
            raise BadRequest("params.env.env_dir (the env folder's path) is required", path="env.env_dir")
        static = describe_static(env["env_dir"], env.get("class_name"))
        resolved: protocol.EnvRef = {
            "env_dir": static["env_dir"],
            "class_name": static["class_name"],
            "kwargs": env.get("kwargs") or {},
            "max_episode_steps": env.get("max_episode_steps"),
        }
        return resolved, static

    def _run_job(self, req_id: str, task: str, params: Mapping[str, Any], finish: Callable[[dict[str, Any]], Any] | None = None) -> Future[Any]:
        future = self.executor.submit(req_id, task, params, job_limits(task, params, cuda_available()), lambda name, data: self.event(req_id, name, data))

        def done(f: Future[dict[str, Any]]) -> None:
            try:
                result = f.result()
                self.reply(req_id, finish(result) if finish else result)
            except Exception as e:
                self.error(req_id, "internal", f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
            finally:
                self._pending.discard(future)

        self._pending.add(future)
        future.add_done_callback(done)
        return future

    def ping(self, _id: str, _params: protocol.EmptyParams) -> protocol.PingResult:
        return {"pong": True}

    def jobs(self, _id: str, _params: protocol.EmptyParams) -> protocol.JobsResult:
        return self.executor.status()

    def describe_env(self, req_id: str, params: protocol.DescribeEnvParams) -> Future[Any]:
        env, static = self._env_params(params)
        for internal in ("module_names", "module_star_import", "env_attributes"):
            static.pop(internal, None)

        def finish(result: dict[str, Any]) -> protocol.EnvDescription:
            if result.get("status") != "succeeded":
                failure = result.get("failure") or {}
                static["warnings"].append(f"could not create the env to read its spaces: {failure.get('reason')}")
                result = {}
            spaces = {k: result.get(k) for k in ("observation_space", "action_space", "observation_shape", "action_shape", "action_type")}
            # what reward code may import, for the prompt: allowlists.py is its one source
            return {**static, **spaces, "allowed_modules": list(ALLOWED_MODULES)}

        return self._run_job(req_id, "describe_spaces", {"env": env}, finish)

    def check_reward(self, req_id: str, params: dict[str, Any]) -> Any:
        code = params.get("code")
        if not isinstance(code, str):
            raise BadRequest("params.code (the reward's source) is required", path="code")
        env, static = self._env_params(params)
        site = CallSite.from_dict(static["call_site"])
        checked = check_static(code, site, static["module_names"], static["module_star_import"], static["env_attributes"])
        base = {
            "passed": False,
            "stage": checked.stage,
            "errors": [p.as_dict() for p in checked.problems],
            "warnings": checked.warnings + static["warnings"],
            "normalized": normalize(code),
            "components": None,
            "smoke": None,
            "signature": site.signature(),
        }
        smoke = params.get("smoke", {})
        if isinstance(smoke, dict) and int(smoke.get("steps", 1)) < 1:
            raise BadRequest("smoke.steps must be at least 1 (or smoke: false to skip the smoke run)", path="smoke.steps")
        if checked.problems or smoke is False:
            base["passed"] = not checked.problems
            return base

        def finish(result: dict[str, Any]) -> dict[str, Any]:
            base["output"] = result.get("output")  # what the smoke run printed (jobs.OutputCapture)
            if "where" in result:  # where the smoke run ran
                base["where"] = result["where"]
            if result.get("status") == "succeeded":
                base.update(passed=True, stage="ok", components=result["components"], smoke=result["smoke"])
                base["warnings"] += result.get("warnings", [])
                return base
            failure = result.get("failure") or {}
            error = smoke_problem(result.get("status"), failure).as_dict()
            base.update(passed=False, stage="smoke", errors=[error], failure={**failure, "status": result.get("status")})
            return base

        job = {"env": env, "code": code, "smoke": smoke or {}, "reward_file": params.get("reward_file"), "max_call_s": params.get("max_call_s")}
        return self._run_job(req_id, "smoke", {**job, "limits": params.get("limits")}, finish)

    def _job(self, task: str) -> Callable[[str, protocol.TrainParams | protocol.EvaluateParams], Future[Any]]:
        """train, evaluate or render_gif: the params checked and the env resolved, then a job;
        its reply is the task's TrainResult or EvaluateResult."""

        def start(req_id: str, params: protocol.TrainParams | protocol.EvaluateParams) -> Future[Any]:
            given = params.get("env")
            env: protocol.JobEnvRef
            if isinstance(given, dict) and "gym_id" in given:
                env = _gym_env_params(given)
                if params.get("code") is not None:
                    # Silently training on the env's reward instead of the code sent would
                    # pass off the wrong run as the asked one.
                    raise BadRequest("params.code must be null or absent with env.gym_id: the registered env's own reward is used", path="code")
            else:
                if not isinstance(params.get("code"), str):
                    raise BadRequest("params.code (the reward's source) is required", path="code")
                env, _ = self._env_params(params)
            if task == "train":
                if not isinstance(params.get("rl"), dict):
                    raise BadRequest("params.rl (the config's rl section) is required", path="rl")
                if not isinstance(params.get("out_dir"), str):
                    raise BadRequest("params.out_dir is required", path="out_dir")
                Path(params["out_dir"]).mkdir(parents=True, exist_ok=True)
            elif not isinstance(params.get("model"), str):
                raise BadRequest("params.model (a saved model's path) is required", path="model")
            return self._run_job(req_id, task, {**params, "env": env})

        return start

    def cancel(self, _id: str, params: protocol.CancelParams) -> protocol.CancelResult:
        target = params.get("id")
        if not isinstance(target, str):
            raise BadRequest("params.id (the job's request id) is required", path="id")
        return {"cancelled": self.executor.cancel(target)}

    def shutdown(self, req_id: str, _params: protocol.EmptyParams) -> protocol.ShutdownResult:
        self._stopping.set()
        return {"bye": True}


def _gym_env_params(env: protocol.GymEnvRef) -> protocol.GymEnvRef:
    """The resolved `env` of a job on a registered gymnasium env; an unknown id is a bad
    request here rather than a failed job later."""
    import gymnasium

    gym_id = env.get("gym_id")
    if not isinstance(gym_id, str) or not gym_id:
        raise BadRequest("env.gym_id must be a registered gymnasium id such as 'CartPole-v1'", path="env.gym_id")
    try:
        gymnasium.spec(gym_id)
    except gymnasium.error.Error as e:
        raise BadRequest(f"env.gym_id {gym_id!r} is not a registered gymnasium id: {e}", path="env.gym_id") from None
    kwargs = env.get("kwargs") or {}
    if not isinstance(kwargs, dict):
        raise BadRequest("env.kwargs must be an object", path="env.kwargs")
    steps = env.get("max_episode_steps")
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 1):
        raise BadRequest("env.max_episode_steps must be a positive integer or null (the registered limit)", path="env.max_episode_steps")
    return {"gym_id": gym_id, "kwargs": kwargs, "max_episode_steps": steps}


THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass(frozen=True)
class ExecutorChoice:
    """What runs the jobs (the command line's --executor and --ray-* flags, __main__.py)."""

    kind: str = "local"  # "local" | "ray"
    ray_address: str = "auto"
    ray_num_cpus: float = 1
    ray_num_gpus: float = 0


def make_executor(choice: ExecutorChoice, max_jobs: int | None) -> Executor:
    if choice.kind == "ray":
        # Imported only here: a local worker never loads Ray.
        try:
            from .rayexec import RayExecutor
        except ImportError as e:
            raise RuntimeError(f"--executor ray needs Ray in the worker's Python environment ({e}): pip install -r python/requirements.txt") from None
        return RayExecutor(choice.ray_address, choice.ray_num_cpus, choice.ray_num_gpus, max_jobs)
    return LocalProcessExecutor(max_jobs)


def main(choice: ExecutorChoice | None = None) -> None:
    # Ctrl-C in a terminal (or a kernel interrupt sent as a signal) reaches the whole process
    # group; the client decides what to cancel and says so through the protocol.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    # One thread per job: jobs run side by side, one per core, and small-MLP training was
    # measured fastest single-threaded. Must be set before torch/numpy load (here and in
    # the forkserver, which inherits this environment).
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")
    # The protocol owns the real stdout; anything else printing goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    max_jobs = int(os.environ.get("STABLE_EUREKA_MAX_JOBS", "0")) or None
    choice = choice or ExecutorChoice()
    try:
        executor = make_executor(choice, max_jobs)
    except Exception as e:  # a cluster that cannot run jobs: say why and exit, no hello
        print(f"stable-eureka worker: {e}", file=sys.stderr, flush=True)
        os._exit(2)
    server = Server(executor, out)
    server.hello()
    if isinstance(executor, LocalProcessExecutor):
        threading.Thread(target=executor.warm_up, daemon=True, name="forkserver-warm-up").start()
    server.serve(sys.stdin)
    out.flush()
    os._exit(0)  # daemon threads and the forkserver must not hold the exit
