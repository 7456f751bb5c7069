"""The bodies of jobs, run inside a job process (see jobs.child_main)."""

from __future__ import annotations

import json
import math
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import gymnasium as gym
import numpy as np
import torch

from . import protocol_types as protocol
from .binding import env_with_reward_source, load_env_module
from .context import JobContext
from .defaults import DEFAULTS
from .device import cuda_available, job_device
from .envfolder import find_env_file
from .errors import JobFailure
from .jobenv import BoundEnv, GymEnv, is_gym_env, job_env, reward_file_of


def describe_spaces(params: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    env = params["env"]
    ctx.enter("load_env")
    try:
        module = load_env_module(env["env_dir"])
        cls = getattr(module, env["class_name"])
        instance = cls(**(env.get("kwargs") or {}))
    except Exception as e:
        raise JobFailure("load_env", f"creating {env['class_name']}(**kwargs) failed: {type(e).__name__}: {e}", tb=traceback.format_exc()) from None
    obs, act = instance.observation_space, instance.action_space
    action_type = "discrete" if isinstance(act, gym.spaces.Discrete) else "continuous" if isinstance(act, gym.spaces.Box) else "other"
    out = {
        "observation_space": repr(obs),
        "action_space": repr(act),
        "observation_shape": list(obs.shape) if obs.shape is not None else None,
        "action_shape": list(act.shape) if act.shape is not None else None,
        "action_type": action_type,
    }
    instance.close()
    return out


def _stats(values: list[float]) -> dict[str, float]:
    return {"mean": float(np.mean(values)), "min": float(np.min(values)), "max": float(np.max(values))}


def smoke(params: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """Random-action steps with the reward: does it return a finite float and a dict of
    finite floats, every step, across episode boundaries?"""
    bound = BoundEnv(params, ctx, reward_file_of(params))
    opts = params.get("smoke") or {}
    steps, seed = int(opts.get("steps", DEFAULTS.smoke.steps)), int(opts.get("seed", DEFAULTS.smoke.seed))
    ctx.enter("smoke")
    started = time.monotonic()
    rewards: list[float] = []
    per_component: dict[str, list[float]] = {}
    warnings: list[str] = []
    episodes = 0
    info: dict[str, Any] = {}
    try:
        env = bound.make()
        env.action_space.seed(seed)
        env.reset(seed=seed)
        for _ in range(steps):
            _, reward, terminated, truncated, info = env.step(env.action_space.sample())
            rewards.append(float(reward))
            for name in bound.component_names:
                if name in info:
                    per_component.setdefault(name, []).append(float(info[name]))
            if terminated or truncated:
                episodes += 1
                env.reset()
        env.close()
    except Exception as e:
        raise bound.failure(e, "smoke") from None
    if not isinstance(info, dict) or "fitness_score" not in info:
        warnings.append("the env's info has no fitness_score: samples cannot be ranked by the ground truth.")
    for name, values in per_component.items():
        if len(values) > 1 and max(values) == min(values):
            warnings.append(f"component {name!r} was {values[0]:g} on every one of {len(values)} random steps (a flat component teaches nothing).")
    if not bound.component_names:
        warnings.append("compute_reward returned no components: name the parts of the reward so their effect can be measured.")
    return {
        "components": list(bound.component_names),
        "warnings": warnings,
        "smoke": {
            "steps": len(rewards),
            "episodes": episodes,
            "reward": _stats(rewards),
            "components": {k: _stats(v) for k, v in per_component.items()},
            "wall_s": round(time.monotonic() - started, 3),
        },
    }


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=_json_default), encoding="utf-8")
    tmp.replace(path)


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def train(params: protocol.TrainParams, ctx: JobContext) -> protocol.TrainFields:
    from . import sb3

    torch.set_num_threads(int(params.get("torch_threads") or 1))
    out = Path(params["out_dir"])
    out.mkdir(parents=True, exist_ok=True)
    bound, reward_file, env_copy_file = _train_env(params, out, ctx)
    rl = params["rl"]
    training = rl.get("training") or {}
    total = int(params.get("total_timesteps") or training.get("total_timesteps") or 0)
    if total <= 0:
        raise JobFailure("build_model", "rl.training.total_timesteps must be a positive number of steps")
    eval_cfg = training.get("eval") or {}
    warnings: list[str] = []

    ctx.enter("build_model")
    n_envs = int(training.get("num_envs") or 1)
    stack = int(training.get("state_stack") or 1)
    if training.get("is_atari"):
        warnings.append("is_atari: Atari preprocessing is not applied (the env folder's own wrappers are used).")
    try:
        venv = sb3.make_vec_env(bound.make_training, n_envs, stack)
    except Exception as e:
        raise bound.failure(e, "build_model") from None
    tb_dir = out / "tensorboard"
    model, device = sb3.build_model(rl, venv, str(tb_dir), warnings)
    if params.get("init_model"):
        try:
            model.set_parameters(str(params["init_model"]), exact_match=True, device=device)
        except Exception as e:
            warnings.append(f"could not warm-start from {params['init_model']}: {type(e).__name__}: {e}")
    for w in warnings:
        ctx.emit("log", {"level": "warning", "message": w})

    num_evals = max(1, int(eval_cfg.get("num_evals") or DEFAULTS.training_eval.num_evals))
    evaluator = sb3.FitnessEvalCallback(
        lambda: sb3.make_vec_env(bound.make, 1, stack),
        every=total // num_evals,
        episodes=int(eval_cfg.get("num_episodes") or DEFAULTS.training_eval.num_episodes),
        seed=int(eval_cfg.get("seed") or DEFAULTS.training_eval.seed),
        component_names=bound.component_names,
        out_dir=out,
        emit=ctx.emit,
    )
    progress = sb3.ProgressCallback(ctx.emit, total, float(params.get("progress_interval_s") or 1.0))
    ctx.enter("train")
    started = time.monotonic()
    try:
        model.learn(total_timesteps=total, callback=[progress, evaluator], tb_log_name="train", progress_bar=False, log_interval=sb3.log_interval(model))
    except Exception as e:
        raise bound.failure(e, ctx.phase) from None
    wall = time.monotonic() - started

    ctx.enter("save")
    model.save(out / "model.zip")
    venv.close()
    _write_json(out / "evals.json", evaluator.evals)
    final = evaluator.evals[-1] if evaluator.evals else None
    return {
        "timesteps": int(model.num_timesteps),
        "wall_s": round(wall, 3),
        "eval_s": round(evaluator.eval_s, 3),
        "steps_per_s": round(model.num_timesteps / max(wall, 1e-9), 1),
        "train_steps_per_s": round(model.num_timesteps / max(wall - evaluator.eval_s, 1e-9), 1),
        "device": device,
        "algo": str(rl.get("algo", "ppo")).lower(),
        "components": list(bound.component_names),
        "evals": evaluator.evals,
        "best": evaluator.best,
        "final": final,
        "best_model": str(out / "best_model.zip"),
        "final_model": str(out / "model.zip"),
        "tensorboard_dir": str(tb_dir),
        "evals_file": str(out / "evals.json"),
        "reward_file": str(reward_file) if reward_file else None,
        "env_copy_file": str(env_copy_file) if env_copy_file else None,
        "warnings": warnings,
    }


def _train_env(params: protocol.TrainParams, out: Path, ctx: JobContext) -> tuple[BoundEnv | GymEnv, Path | None, Path | None]:
    """The env to train on, and the reward and env-with-reward copies written beside the
    sample for reproducibility (none for a registered env: there is no reward code)."""
    if is_gym_env(params):
        return GymEnv(params, ctx), None, None
    reward_file = out / "reward.py"
    reward_file.write_text(params["code"], encoding="utf-8")
    bound = BoundEnv(params, ctx, str(reward_file))
    env_copy_file = out / "env_with_reward.py"
    env_copy_file.write_text(env_with_reward_source(find_env_file(bound.env_dir), bound.class_name, params["code"]), encoding="utf-8")
    return bound, reward_file, env_copy_file


def evaluate(params: protocol.EvaluateParams, ctx: JobContext) -> protocol.EvaluateFields:
    from . import sb3
    from .rollout import GifRecorder, run_episodes, summarize

    torch.set_num_threads(int(params.get("torch_threads") or 1))
    bound = job_env(params, ctx)
    gif = params.get("gif")
    ctx.enter("evaluate")
    model_path = str(params["model"])
    if not Path(model_path).is_file():
        raise JobFailure("evaluate", f"no model file at {model_path}")
    n_episodes = int(params.get("episodes", DEFAULTS.evaluation.num_episodes))
    if n_episodes < 1:
        raise JobFailure("evaluate", f"episodes must be at least 1 (got {n_episodes}): there is nothing to average over zero episodes")
    cls = sb3.algo_class(str(params.get("algo", "ppo")))
    stack = int(params.get("state_stack") or 1)
    recorder = GifRecorder(int(gif.get("max_frames", DEFAULTS.gif.max_frames))) if gif else None
    device = job_device("evaluate", params, cuda_available())  # render_gif's too: the same rule
    if device.warning:
        ctx.emit("log", {"level": "warning", "message": device.warning})
    try:
        model = cls.load(model_path, device=device.name)
        venv = sb3.make_vec_env(lambda: bound.make("rgb_array" if gif else None), 1, stack)
        deterministic = bool(params.get("deterministic", True))
        episodes = run_episodes(
            lambda obs: model.predict(obs, deterministic=deterministic)[0],
            venv,
            n_episodes,
            int(params.get("seed", DEFAULTS.evaluation.seed)),
            bound.component_names,
            on_frame=recorder,
            frame_episode=int(gif.get("episode", 0)) if gif else 0,
        )
        venv.close()
    except JobFailure:
        raise
    except Exception as e:
        raise bound.failure(e, "evaluate") from None
    result = summarize(episodes)
    result["gif"], result["gif_frames"] = None, 0
    if recorder is not None and gif:
        ctx.enter("render")
        result["gif_frames"] = recorder.save(gif["path"], float(gif.get("fps", DEFAULTS.gif.fps)))
        result["gif"] = str(gif["path"])
    for k in ("fitness_mean", "fitness_std", "reward_mean", "length_mean"):
        if isinstance(result[k], float) and math.isnan(result[k]):
            result[k] = None
    return result


def render_gif(params: protocol.EvaluateParams, ctx: JobContext) -> protocol.EvaluateFields:
    if not params.get("gif"):
        raise JobFailure("render", "render_gif needs gif.path")
    return evaluate({**params, "episodes": 1, "gif": {**params["gif"], "episode": 0}}, ctx)


# Each takes its job's params (train, evaluate, render_gif: the request's, env resolved by the
# server) and returns the result less status and output, which child_main and the executor add.
TASKS: dict[str, Callable[[Any, JobContext], Any]] = {
    "describe_spaces": describe_spaces,
    "smoke": smoke,
    "train": train,
    "evaluate": evaluate,
    "render_gif": render_gif,
}
