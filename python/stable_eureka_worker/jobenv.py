"""The env a job runs: an env folder's class with the reward bound (BoundEnv), or a registered
gymnasium env with its own reward (GymEnv, the benchmark). Both make instances for training
and for scored episodes, and turn what goes wrong while stepping into a JobFailure that
points at the reward's line."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import gymnasium as gym

from .binding import (
    CallWatch,
    RewardContractError,
    RewardViolation,
    bind_reward,
    load_env_module,
    return_line,
    reward_line,
    reward_traceback,
)
from .context import JobContext
from .defaults import DEFAULTS
from .envfolder import find_env_file
from .errors import JobFailure
from .guard import GUARD
from .integrity import integrity_of


class BoundEnv:
    """The env class with the reward bound, and how to make instances of it."""

    def __init__(self, params: dict[str, Any], ctx: JobContext, reward_file: str) -> None:
        env = params["env"]
        self.env_dir = Path(env["env_dir"])
        self.class_name: str = env["class_name"]
        self.kwargs: dict[str, Any] = dict(env.get("kwargs") or {})
        self.max_episode_steps: int | None = env.get("max_episode_steps")
        self.reward_file = reward_file
        self.code: str = params["code"]
        self.component_names: list[str] = []
        ctx.enter("load_env")
        try:
            module = load_env_module(self.env_dir)
        except Exception as e:
            raise JobFailure("load_env", f"importing {find_env_file(self.env_dir)} failed: {type(e).__name__}: {e}", tb=traceback.format_exc()) from None
        base = getattr(module, self.class_name, None)
        if not isinstance(base, type):
            raise JobFailure("load_env", f"{self.env_dir} env.py has no class {self.class_name!r}")
        ctx.enter("bind_reward")
        # Every layer is on unless a test switches one off to show what the others stop.
        layers = {"audit_hook": True, "fitness_integrity": True, **(params.get("containment") or {})}
        GUARD.install(audit=bool(layers["audit_hook"]))
        watch = CallWatch(float(params.get("max_call_s") or DEFAULTS.max_call_s), ctx.abort)
        self.cls = bind_reward(
            base, params["code"], reward_file, module, watch, self.component_names, guard=GUARD, integrity=bool(layers["fitness_integrity"])
        )

    def make(self, render_mode: str | None = None) -> gym.Env:
        kwargs = dict(self.kwargs)
        if render_mode:
            try:
                env = self.cls(render_mode=render_mode, **kwargs)
            except TypeError:  # an env written without a render_mode argument
                env = self.cls(**kwargs)
                env.render_mode = render_mode
        else:
            env = self.cls(**kwargs)
        if self.max_episode_steps:
            env = gym.wrappers.TimeLimit(env, max_episode_steps=int(self.max_episode_steps))
        return env

    def make_training(self) -> gym.Env:
        """An env for training: its episodes score nothing, so its reward calls are compared
        with the env only every few calls (integrity.py); evaluation envs, every call."""
        env = self.make()
        check = integrity_of(self.cls)
        if check is not None:
            check.sample(env.unwrapped)
        return env

    def failure(self, exc: BaseException, phase: str) -> JobFailure:
        """Turn an exception raised while stepping into a failure that points at the reward."""
        if isinstance(exc, JobFailure):
            return exc
        line = reward_line(exc, self.reward_file)
        if isinstance(exc, RewardViolation):
            cause = exc.__cause__
            return JobFailure(phase, str(exc), reward_line(cause, self.reward_file) if cause else None, None)
        if isinstance(exc, RewardContractError):
            return JobFailure(phase, str(exc), return_line(self.code), None)
        if isinstance(exc, MemoryError):
            where = f" (reward line {line})" if line else ""
            return JobFailure(phase, f"ran out of memory{where}", line, reward_traceback(exc, self.reward_file), status="out_of_memory")
        if line is not None:
            reason = f"compute_reward raised {type(exc).__name__}: {exc} (reward line {line})"
            return JobFailure(phase, reason, line, reward_traceback(exc, self.reward_file))
        if isinstance(exc, TypeError) and "compute_reward()" in str(exc):
            return JobFailure(phase, f"the env's call does not fit the reward's signature: {exc}", None, traceback.format_exc())
        return JobFailure(phase, f"{type(exc).__name__}: {exc}", None, traceback.format_exc())


class FitnessIsReward(gym.Wrapper):
    """The env's own reward is its ground truth: copied into info as fitness_score, where
    the evaluations read fitness for an env folder, so both are recorded the same way."""

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward, terminated, truncated, {**info, "fitness_score": float(reward)}


class GymEnv:
    """A registered gymnasium env with its own reward (the benchmark run): what BoundEnv is
    for an env folder, with no reward code, no components and no reward lines to point at."""

    def __init__(self, params: dict[str, Any], ctx: JobContext) -> None:
        env = params["env"]
        self.gym_id: str = env["gym_id"]
        self.kwargs: dict[str, Any] = dict(env.get("kwargs") or {})
        self.max_episode_steps: int | None = env.get("max_episode_steps")
        self.component_names: list[str] = []
        ctx.enter("load_env")
        try:
            gym.spec(self.gym_id)
        except gym.error.Error as e:
            raise JobFailure("load_env", f"{self.gym_id!r} is not a registered gymnasium id: {e}") from None

    def make(self, render_mode: str | None = None) -> gym.Env:
        kwargs = dict(self.kwargs)
        if render_mode:
            kwargs["render_mode"] = render_mode
        if self.max_episode_steps:  # otherwise gym.make applies the registered limit
            kwargs["max_episode_steps"] = int(self.max_episode_steps)
        return FitnessIsReward(gym.make(self.gym_id, **kwargs))

    def make_training(self) -> gym.Env:
        return self.make()

    def failure(self, exc: BaseException, phase: str) -> JobFailure:
        if isinstance(exc, JobFailure):
            return exc
        if isinstance(exc, MemoryError):
            return JobFailure(phase, "ran out of memory", None, traceback.format_exc(), status="out_of_memory")
        return JobFailure(phase, f"{type(exc).__name__}: {exc}", None, traceback.format_exc())


def is_gym_env(params: dict[str, Any]) -> bool:
    return "gym_id" in params["env"]


def reward_file_of(params: dict[str, Any]) -> str:
    return str(params.get("reward_file") or "reward.py")


def job_env(params: dict[str, Any], ctx: JobContext) -> BoundEnv | GymEnv:
    return GymEnv(params, ctx) if is_gym_env(params) else BoundEnv(params, ctx, reward_file_of(params))
