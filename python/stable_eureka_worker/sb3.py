"""stable-baselines3 from a stable-eureka `rl` config section: model, vec env, callbacks."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import DDPG, DQN, PPO, SAC, TD3
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.noise import NormalActionNoise
from stable_baselines3.common.vec_env import DummyVecEnv, VecEnv, VecFrameStack

from . import protocol_types as protocol
from .device import cuda_available, train_device
from .errors import JobFailure
from .rollout import run_episodes, summarize

ALGOS: dict[str, type[BaseAlgorithm]] = {"ppo": PPO, "sac": SAC, "dqn": DQN, "td3": TD3, "ddpg": DDPG}
SHARES_FEATURES = {"ppo", "sac", "td3", "ddpg"}  # policies with share_features_extractor


def algo_class(name: str) -> type[BaseAlgorithm]:
    try:
        return ALGOS[name.lower()]
    except KeyError:
        raise JobFailure("build_model", f"rl.algo {name!r} is not one of {', '.join(ALGOS)}") from None


def policy_kwargs(algo: str, algo_params: dict[str, Any], architecture: dict[str, Any] | None, warnings: list[str]) -> dict[str, Any]:
    kwargs = dict(algo_params.pop("policy_kwargs", None) or {})
    arch = architecture or {}
    if arch.get("net_arch") is not None:
        net = arch["net_arch"]
        if algo == "dqn" and isinstance(net, dict):
            net = net.get("qf") or net.get("pi") or next(iter(net.values()))
            warnings.append("dqn takes net_arch as a list; using the first list of the dict.")
        elif algo in ("sac", "td3", "ddpg") and isinstance(net, dict) and "vf" in net and "qf" not in net:
            net = {"pi": net.get("pi", net["vf"]), "qf": net["vf"]}
            warnings.append(f"{algo} has critics (qf), not a value function (vf): net_arch.vf is used as qf.")
        kwargs["net_arch"] = net
    if arch.get("activation_fn"):
        name = arch["activation_fn"]
        fn = getattr(torch.nn, str(name), None)
        if not (isinstance(fn, type) and issubclass(fn, torch.nn.Module)):
            raise JobFailure("build_model", f"rl.architecture.activation_fn: torch.nn has no activation {name!r} (try ReLU, Tanh, ELU)")
        kwargs["activation_fn"] = fn
    if "share_features_extractor" in arch and arch["share_features_extractor"] is not None:
        if algo in SHARES_FEATURES:
            kwargs["share_features_extractor"] = bool(arch["share_features_extractor"])
        else:
            warnings.append(f"{algo} policies have no share_features_extractor; ignored.")
    return kwargs


def action_noise(algo: str, algo_params: dict[str, Any], action_space: gym.Space) -> None:
    """td3/ddpg explore only through action noise: give them SB3's usual Gaussian noise."""
    if algo not in ("td3", "ddpg") or not isinstance(action_space, gym.spaces.Box):
        return
    spec = algo_params.get("action_noise", "default")
    if spec is None or isinstance(spec, NormalActionNoise):
        return
    sigma = 0.1
    if isinstance(spec, (int, float)):
        sigma = float(spec)
    elif isinstance(spec, dict):
        sigma = float(spec.get("sigma", 0.1))
    n = int(np.prod(action_space.shape))
    algo_params["action_noise"] = NormalActionNoise(mean=np.zeros(n), sigma=sigma * np.ones(n))


class ShallowInfoVecEnv(DummyVecEnv):
    """DummyVecEnv, except that infos are copied shallowly. SB3 deep-copies every info dict
    on every step; with a reward's components in each info that cost about 100 us per step
    of 16 LunarLanders, 6% of training time. Each env's info is still copied, so an env
    that reuses its dict cannot change what was returned earlier."""

    def step_wait(self) -> Any:
        for i in range(self.num_envs):
            obs, self.buf_rews[i], terminated, truncated, info = self.envs[i].step(self.actions[i])
            info = dict(info)
            self.buf_dones[i] = terminated or truncated
            info["TimeLimit.truncated"] = truncated and not terminated
            if self.buf_dones[i]:
                info["terminal_observation"] = obs
                obs, self.reset_infos[i] = self.envs[i].reset()
            self.buf_infos[i] = info
            self._save_obs(i, obs)
        return self._obs_from_buf(), np.copy(self.buf_rews), np.copy(self.buf_dones), list(self.buf_infos)


def make_vec_env(make_env: Callable[[], gym.Env], n: int, state_stack: int) -> VecEnv:
    # In-process envs: on few cores SubprocVecEnv measured half the speed (IPC per step).
    venv: VecEnv = ShallowInfoVecEnv([lambda: Monitor(make_env()) for _ in range(n)])
    if state_stack and state_stack > 1:
        venv = VecFrameStack(venv, n_stack=int(state_stack))
    return venv


def build_model(rl: dict[str, Any], venv: VecEnv, tensorboard_dir: str | None, warnings: list[str]) -> tuple[BaseAlgorithm, str]:
    algo = str(rl.get("algo", "ppo")).lower()
    cls = algo_class(algo)
    training = rl.get("training") or {}
    params = dict(rl.get("algo_params") or {})
    policy = params.pop("policy", "MlpPolicy")
    if isinstance(params.get("train_freq"), list):
        params["train_freq"] = tuple(params["train_freq"])
    pk = policy_kwargs(algo, params, rl.get("architecture"), warnings)
    action_noise(algo, params, venv.action_space)
    chosen = train_device(rl, cuda_available())
    device = chosen.name
    if chosen.warning:
        warnings.append(chosen.warning)
    try:
        model = cls(policy, venv, policy_kwargs=pk or None, seed=training.get("seed"), device=device, tensorboard_log=tensorboard_dir, verbose=0, **params)
    except (TypeError, ValueError, AssertionError) as e:
        raise JobFailure("build_model", f"{cls.__name__}({policy!r}, ...) rejected the config's rl.algo_params / rl.architecture: {e}") from None
    if training.get("torch_compile"):
        if device == "cpu":
            warnings.append("torch_compile ignored on the CPU: it made PPO about 3x slower there (measured).")
        else:
            model.policy.compile()
    return model, device


def log_interval(model: BaseAlgorithm) -> int:
    """SB3 writes its TensorBoard scalars every `log_interval` rollouts (on-policy) or
    episodes (off-policy). With short rollouts (CartPole's 8 x 32 steps) every rollout is
    too often; about every 2048 steps keeps the curves and costs little."""
    n_steps = getattr(model, "n_steps", None)
    if n_steps:
        return max(1, -(-2048 // (n_steps * model.n_envs)))
    return 4  # SB3's own default for off-policy algorithms (episodes)


class ProgressCallback(BaseCallback):
    def __init__(self, emit: Callable[[protocol.EventName, Mapping[str, Any]], None], total: int, interval_s: float) -> None:
        super().__init__()
        self._emit, self._total, self._interval = emit, total, interval_s
        self._start = self._last = time.monotonic()
        self._last_steps = 0
        self._first = True

    def _on_training_start(self) -> None:
        self._start = self._last = time.monotonic()
        self._last_steps = self.num_timesteps

    def _send(self) -> None:
        now = time.monotonic()
        recent = (self.num_timesteps - self._last_steps) / max(now - self._last, 1e-9)
        progress: protocol.ProgressEvent = {
            "timesteps": int(self.num_timesteps),
            "total_timesteps": self._total,
            "steps_per_s": round(recent, 1),
            "elapsed_s": round(now - self._start, 2),
        }
        self._emit("progress", progress)
        self._last, self._last_steps = now, self.num_timesteps

    def _on_step(self) -> bool:
        # The first event comes right after the first env step: "training is running".
        if self._first or time.monotonic() - self._last >= self._interval:
            self._first = False
            self._send()
        return True

    def _on_training_end(self) -> None:
        self._send()


class FitnessEvalCallback(BaseCallback):
    """Every total/num_evals steps: seeded deterministic episodes, the ground-truth fitness,
    the reward, the length and each component summed per episode; keeps the best model."""

    def __init__(
        self,
        make_eval_env: Callable[[], VecEnv],
        every: int,
        episodes: int,
        seed: int,
        component_names: list[str],
        out_dir: Path,
        emit: Callable[[protocol.EventName, Mapping[str, Any]], None],
    ) -> None:
        super().__init__()
        self._make_eval_env = make_eval_env
        self.every = max(1, every)
        self.episodes, self.seed = episodes, seed
        self.names = component_names
        self.out_dir = out_dir
        self._emit = emit
        self.next_eval = self.every
        self.evals: list[protocol.EvalPoint] = []
        self.best: protocol.EvalPoint | None = None
        self._venv: VecEnv | None = None
        self._log = (out_dir / "evals.jsonl").open("a", encoding="utf-8")
        self.eval_s = 0.0  # time spent evaluating, so training speed can be told apart

    def _evaluate(self) -> None:
        started = time.monotonic()
        try:
            self._evaluate_now()
        finally:
            self.eval_s += time.monotonic() - started

    def _evaluate_now(self) -> None:
        if self._venv is None:
            self._venv = self._make_eval_env()
        model = self.model
        episodes = run_episodes(lambda obs: model.predict(obs, deterministic=True)[0], self._venv, self.episodes, self.seed, self.names)
        s = summarize(episodes)
        row: protocol.EvalPoint = {
            "timesteps": int(self.num_timesteps),
            "fitness_mean": s["fitness_mean"],
            "fitness_std": s["fitness_std"],
            "reward_mean": s["reward_mean"],
            "length_mean": s["length_mean"],
            "components": s["components"],
            "episodes": [{k: e[k] for k in ("seed", "fitness", "reward", "length")} for e in s["episodes"]],
            "best": False,
        }
        # Ties go to the earlier checkpoint: fewer steps for the same fitness.
        if self.best is None or row["fitness_mean"] > self.best["fitness_mean"]:
            row["best"] = True
            self.best = row
            self.model.save(self.out_dir / "best_model.zip")
        self.evals.append(row)
        self._log.write(json.dumps(row) + "\n")
        self._log.flush()
        for key in ("fitness_mean", "reward_mean", "length_mean"):
            self.logger.record(f"eval/{key}", row[key])
        for name, value in row["components"].items():
            self.logger.record(f"eval/components/{name}", value)
        self.logger.dump(self.num_timesteps)
        self._emit("eval", row)

    def _on_step(self) -> bool:
        if self.num_timesteps >= self.next_eval:
            self._evaluate()
            while self.next_eval <= self.num_timesteps:
                self.next_eval += self.every
        return True

    def _on_training_end(self) -> None:
        # The last rollout can overshoot total_timesteps a little; a checkpoint that close
        # to the last evaluation adds nothing.
        if not self.evals or self.num_timesteps - self.evals[-1]["timesteps"] >= self.every / 2:
            self._evaluate()
        self._log.close()
        if self._venv is not None:
            self._venv.close()
