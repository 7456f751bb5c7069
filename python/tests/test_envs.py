"""The shipped env folders (envs/<name>/) and their configs (configs/<name>.yml).

For every env, rolled out step by step next to gymnasium's own env (same seeds, same actions):
- observations, terminated and truncated are identical;
- info['fitness_score'] is exactly gymnasium's reward, so an episode's fitness is its return;
- the human reward (initial_reward_prompt.txt) returns a float total equal to the sum of its
  float components, and that total equals gymnasium's reward (exactly or to float32 rounding).
Statically: step.py shows env.py's step() (same code, same compute_reward call), the human
reward's signature is the call site's, and the config names the folder, class and benchmark.

Run: PYTHONPATH=python <venv python> -m pytest python/tests/test_envs.py (the PYTHONPATH is for
python/tests/conftest.py; this file itself needs only gymnasium[box2d] and numpy)
"""

from __future__ import annotations

import ast
import importlib.util
import math
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.envs.box2d.lunar_lander import heuristic as lunar_lander_heuristic

ROOT = Path(__file__).resolve().parents[2]
ENVS = ROOT / "envs"
CONFIGS = ROOT / "configs"
FIXTURE = ROOT / "test" / "fixtures" / "stable_eureka_format"

ALLOWED_IMPORTS = {"math", "numpy", "random"}
FORBIDDEN_CALLS = {"getattr", "eval", "exec", "globals", "locals", "vars", "open", "compile", "__import__"}


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

Policy = Callable[[Any, gym.Env], Any]


@dataclass
class Case:
    id: str
    config: str  # configs/<config>.yml
    folder: str  # envs/<folder>
    class_name: str
    benchmark: str
    kwargs: dict[str, Any]
    max_episode_steps: int
    # Largest allowed |human total - gymnasium reward| per step: 0 where the human reward sees
    # the same float64 values as gymnasium; float32 rounding where it only sees the observation.
    tolerance: float
    # Components that must be non-zero on some step of the rollout (each branch exercised).
    must_see: tuple[str, ...] = ()
    must_terminate: bool = True
    heuristic: Policy | None = None  # played for one whole episode before the random actions
    random_steps: int = 1000
    extra_kwargs_for_benchmark: dict[str, Any] = field(default_factory=dict)


def _mcc_heuristic(obs: Any, env: gym.Env) -> Any:
    return np.array([1.0 if obs[1] >= 0 else -1.0], dtype=np.float32)  # push along the motion


def _acrobot_heuristic(obs: Any, env: gym.Env) -> Any:
    return 0 if obs[4] > 0 else 2  # pump energy: reaches the target in ~70-140 steps


def _lander_heuristic(obs: Any, env: gym.Env) -> Any:
    return lunar_lander_heuristic(env, obs)  # gymnasium's own: lands and comes to rest


def _walker_stumble(obs: Any, env: gym.Env) -> Any:
    return np.array([1.0, 1.0, 1.0, -1.0], dtype=np.float32)  # falls after ~40 steps (random: 300+)


CASES = [
    Case("cartpole", "cartpole", "cartpole", "CartPoleEnv", "CartPole-v1", {}, 500, 0.0, ("alive_bonus",)),
    Case(
        "acrobot", "acrobot", "acrobot", "AcrobotEnv", "Acrobot-v1", {}, 500, 0.0,
        ("time_penalty",), heuristic=_acrobot_heuristic,
    ),
    Case(
        "pendulum", "pendulum", "pendulum", "PendulumEnv", "Pendulum-v1", {}, 200, 1e-8,
        ("angle_cost", "angular_velocity_cost", "torque_cost"), must_terminate=False, random_steps=400,
    ),
    Case(
        "mountain_car_continuous", "mountain_car_continuous", "mountain_car_continuous",
        "Continuous_MountainCarEnv", "MountainCarContinuous-v0", {}, 999, 0.0,
        ("goal_bonus", "action_cost"), heuristic=_mcc_heuristic,
    ),
    Case(
        "lunar_lander", "lunar_lander", "lunar_lander", "LunarLander", "LunarLander-v3", {}, 1000, 1e-4,
        ("shaping_progress", "main_engine_fuel", "side_engine_fuel", "crash_penalty", "rest_bonus"),
        heuristic=_lander_heuristic,
    ),
    Case(
        "lunar_lander_continuous", "lunar_lander", "lunar_lander", "LunarLander", "LunarLander-v3",
        {"continuous": True}, 1000, 1e-4,
        ("shaping_progress", "main_engine_fuel", "side_engine_fuel", "crash_penalty", "rest_bonus"),
        heuristic=_lander_heuristic,
    ),
    Case(
        "bipedal_walker", "bipedal_walker", "bipedal_walker", "BipedalWalker", "BipedalWalker-v3", {}, 1600, 1e-6,
        ("shaping_progress", "torque_cost", "fall_penalty"), heuristic=_walker_stumble,
    ),
    Case(
        # no shipped config: hardcore is bipedal_walker.yml with environment.kwargs {hardcore: true}
        "bipedal_walker_hardcore", "bipedal_walker", "bipedal_walker", "BipedalWalker",
        "BipedalWalkerHardcore-v3", {"hardcore": True}, 2000, 1e-6,
        ("shaping_progress", "torque_cost", "fall_penalty"), heuristic=_walker_stumble,
    ),
]
FOLDERS = sorted({c.folder for c in CASES})
CONFIG_CASES = {c.config: c for c in CASES if c.config == c.id}  # one case per config file


# ---------------------------------------------------------------------------------------------
# Loading an env folder the way the worker does
# ---------------------------------------------------------------------------------------------

_modules: dict[Path, Any] = {}


def load_env_module(env_dir: Path) -> Any:
    env_file = env_dir / "env_code" / "env.py"
    if env_file in _modules:
        return _modules[env_file]
    folder = str(env_file.parent)
    sys.path.insert(0, folder)  # sibling modules of env.py import as in stable-eureka
    try:
        name = f"test_envs_{env_dir.parent.name}_{env_dir.name}"
        spec = importlib.util.spec_from_file_location(name, env_file)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    _modules[env_file] = module
    return module


def compile_reward(code: str, filename: str, module: Any) -> Callable[..., Any]:
    namespace = {k: v for k, v in vars(module).items() if not k.startswith("__")}
    namespace.update(math=math, np=np, random=random)
    exec(compile(code, filename, "exec"), namespace)
    return namespace["compute_reward"]


def bound_class(env_dir: Path, class_name: str, reward_file: Path) -> type:
    module = load_env_module(env_dir)
    cls = getattr(module, class_name)
    assert "compute_reward" not in vars(cls), f"{class_name} must not define compute_reward (it is bound at run time)"
    fn = compile_reward(reward_file.read_text(encoding="utf-8"), str(reward_file), module)
    return type(cls.__name__, (cls,), {"compute_reward": fn})


# ---------------------------------------------------------------------------------------------
# Rollouts next to gymnasium
# ---------------------------------------------------------------------------------------------


@dataclass
class RolloutStats:
    steps: int = 0
    episodes: int = 0
    terminations: int = 0
    max_error: float = 0.0
    nonzero: set[str] = field(default_factory=set)


def _same_obs(a: Any, b: Any) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def _check_step(case_id: str, t: int, ours: tuple, ref: tuple, stats: RolloutStats, tolerance: float | None) -> None:
    obs, reward, terminated, truncated, info = ours
    r_obs, r_reward, r_terminated, r_truncated, r_info = ref
    where = f"{case_id} step {t}"
    assert _same_obs(obs, r_obs), f"{where}: observation differs from gymnasium's: {obs} vs {r_obs}"
    assert terminated == r_terminated and truncated == r_truncated, f"{where}: terminated/truncated differ"
    assert isinstance(info, dict) and "fitness_score" in info, f"{where}: info has no fitness_score"
    fitness = info["fitness_score"]
    assert type(fitness) is float and fitness == float(r_reward), f"{where}: fitness {fitness!r} != gymnasium reward {r_reward!r}"
    components = {k: v for k, v in info.items() if k != "fitness_score"}
    assert components, f"{where}: info carries no reward components"
    for name, value in components.items():
        assert type(value) is float, f"{where}: component {name!r} is {type(value).__name__}, not float"
    assert type(reward) is float, f"{where}: reward is {type(reward).__name__}, not float"
    assert math.isclose(reward, math.fsum(components.values()), rel_tol=0, abs_tol=1e-6), (
        f"{where}: total {reward} != sum of components {components}"
    )
    if tolerance is not None:
        error = abs(reward - float(r_reward))
        assert error <= tolerance, f"{where}: human reward {reward} != gymnasium reward {r_reward} (error {error:g})"
        stats.max_error = max(stats.max_error, error)
    stats.nonzero.update(k for k, v in components.items() if v != 0.0)


def rollout(case_id: str, env: gym.Env, ref: gym.Env, heuristic: Policy | None, random_steps: int, seed: int,
            max_steps: int, tolerance: float | None) -> RolloutStats:
    """One heuristic episode (if any), then random actions; both envs reset with the same seeds."""
    stats = RolloutStats()
    env.action_space.seed(seed)
    episode = 0

    def reset() -> Any:
        nonlocal episode
        obs, _ = env.reset(seed=seed + episode)
        r_obs, _ = ref.reset(seed=seed + episode)
        assert _same_obs(obs, r_obs), f"{case_id}: reset observation differs from gymnasium's"
        episode += 1
        return obs

    def play(policy: Policy | None, budget: int, whole_episode: bool) -> None:
        obs = reset()
        steps_in_episode = 0
        for _ in range(budget):
            action = env.action_space.sample() if policy is None else policy(obs, env)
            ours = env.step(np.copy(action) if isinstance(action, np.ndarray) else action)
            theirs = ref.step(np.copy(action) if isinstance(action, np.ndarray) else action)
            _check_step(case_id, stats.steps, ours, theirs, stats, tolerance)
            stats.steps += 1
            steps_in_episode += 1
            obs, terminated = ours[0], ours[2]
            if terminated or steps_in_episode >= max_steps:
                stats.episodes += 1
                stats.terminations += int(terminated)
                if whole_episode:
                    return
                obs = reset()
                steps_in_episode = 0
        assert not whole_episode, f"{case_id}: the heuristic episode did not end within {budget} steps"

    if heuristic is not None:
        play(heuristic, max_steps, whole_episode=True)
    play(None, random_steps, whole_episode=False)
    return stats


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_human_reward_reproduces_gymnasium(case: Case) -> None:
    env_dir = ENVS / case.folder
    cls = bound_class(env_dir, case.class_name, env_dir / "initial_reward_prompt.txt")
    env = cls(**case.kwargs)
    ref = gym.make(case.benchmark, **case.kwargs).unwrapped
    try:
        stats = rollout(case.id, env, ref, case.heuristic, case.random_steps, seed=123,
                        max_steps=case.max_episode_steps, tolerance=case.tolerance)
    finally:
        env.close()
        ref.close()
    assert stats.steps >= 400
    if case.must_terminate:
        assert stats.terminations >= 1, f"{case.id}: no episode terminated; the terminal branch went unchecked"
    missing = set(case.must_see) - stats.nonzero
    assert not missing, f"{case.id}: components {sorted(missing)} were never non-zero: that branch went unchecked"


def test_fitness_needs_no_reward_logic() -> None:
    """fitness_score is gymnasium's reward whatever compute_reward returns (here: a constant)."""
    code = "def compute_reward(self, *args):\n    return 0.5, {'constant': 0.5}\n"
    for case in (CASES[1], CASES[4], CASES[6]):
        module = load_env_module(ENVS / case.folder)
        fn = compile_reward(code, "<constant>", module)
        cls = type(case.class_name, (getattr(module, case.class_name),), {"compute_reward": fn})
        env, ref = cls(**case.kwargs), gym.make(case.benchmark, **case.kwargs).unwrapped
        stats = rollout(case.id, env, ref, None, 100, seed=7, max_steps=case.max_episode_steps, tolerance=None)
        assert stats.nonzero == {"constant"}


# ---------------------------------------------------------------------------------------------
# Static checks of the folders
# ---------------------------------------------------------------------------------------------


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    assert name in classes, f"no class {name} (classes: {sorted(classes)})"
    return classes[name]


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    return next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _calls(node: ast.AST, method: str) -> list[ast.Call]:
    return [
        n for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
        and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"
    ]


def _call_args(call: ast.Call) -> tuple[list[str], list[str]]:
    return [ast.unparse(a) for a in call.args], [k.arg or "**" for k in call.keywords]


def _step_of_env(env_dir: Path, class_name: str) -> ast.FunctionDef:
    tree = ast.parse((env_dir / "env_code" / "env.py").read_text(encoding="utf-8"))
    step = _method(_class(tree, class_name), "step")
    assert step is not None, f"{class_name} has no step()"
    return step


def _step_of_step_py(env_dir: Path) -> ast.FunctionDef:
    tree = ast.parse((env_dir / "step.py").read_text(encoding="utf-8"))
    steps = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "step"]
    assert len(steps) == 1, "step.py must hold exactly one top-level def step(self, action)"
    return steps[0]


def _class_name_of(folder: str) -> str:
    return next(c.class_name for c in CASES if c.folder == folder)


@pytest.mark.parametrize("folder", FOLDERS)
def test_folder_layout(folder: str) -> None:
    env_dir = ENVS / folder
    for name in ("env_code/env.py", "step.py", "task_description.txt", "initial_reward_prompt.txt"):
        assert (env_dir / name).is_file(), f"envs/{folder}/{name} is missing"
    task = (env_dir / "task_description.txt").read_text(encoding="utf-8").strip()
    assert task and "\n\n" not in task, "task_description.txt must be one non-empty paragraph"
    tree = ast.parse((env_dir / "env_code" / "env.py").read_text(encoding="utf-8"))
    cls = _class(tree, _class_name_of(folder))
    assert _method(cls, "compute_reward") is None, "the env class must not define compute_reward"
    assert _method(cls, "compute_fitness_score") is not None, "the env class must define compute_fitness_score"
    step = _method(cls, "step")
    assert step is not None
    (reward_call,) = _calls(step, "compute_reward")
    (fitness_call,) = _calls(step, "compute_fitness_score")
    # `reward, individual_reward = self.compute_reward(...)`, plain names as arguments.
    assigns = [n for n in ast.walk(step) if isinstance(n, ast.Assign) and n.value is reward_call]
    assert assigns and ast.unparse(assigns[0].targets[0]) == "(reward, individual_reward)"
    assert all(isinstance(a, ast.Name) for a in reward_call.args), "pass plain names to compute_reward"
    assert "individual_reward.update({'fitness_score': fitness_score})" in ast.unparse(step)
    assert fitness_call is not None


@pytest.mark.parametrize("folder", FOLDERS)
def test_step_py_matches_env_py(folder: str) -> None:
    env_dir = ENVS / folder
    env_step = _step_of_env(env_dir, _class_name_of(folder))
    shown = _step_of_step_py(env_dir)
    for method in ("compute_reward", "compute_fitness_score"):
        (env_call,) = _calls(env_step, method)
        (shown_call,) = _calls(shown, method)
        assert _call_args(shown_call) == _call_args(env_call), f"step.py calls {method} with other arguments than env.py"
    # Not just the calls: step.py is env.py's step() itself (comments and layout aside).
    assert ast.dump(shown) == ast.dump(env_step), "step.py differs from env.py's step(); copy it over again"


@pytest.mark.parametrize("folder", FOLDERS)
def test_human_reward_is_valid_reward_code(folder: str) -> None:
    env_dir = ENVS / folder
    code = (env_dir / "initial_reward_prompt.txt").read_text(encoding="utf-8")
    tree = ast.parse(code)
    for node in tree.body:
        assert isinstance(node, (ast.Import, ast.FunctionDef)), f"line {node.lineno}: only imports and the function"
        if isinstance(node, ast.Import):
            assert {a.name for a in node.names} <= ALLOWED_IMPORTS, f"line {node.lineno}: import only math, numpy, random"
    (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert fn.name == "compute_reward"
    for node in ast.walk(tree):
        assert not isinstance(node, ast.ImportFrom), "no from-imports"
        if isinstance(node, ast.Name):
            assert node.id not in FORBIDDEN_CALLS and not node.id.startswith("__"), f"line {node.lineno}: {node.id}"
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("__"), f"line {node.lineno}: .{node.attr}"
    params = [a.arg for a in fn.args.args]
    (call,) = _calls(_step_of_env(env_dir, _class_name_of(folder)), "compute_reward")
    positional, keywords = _call_args(call)
    assert params == ["self", *positional, *keywords], "the human reward's parameters must be the call site's arguments"


# ---------------------------------------------------------------------------------------------
# Configs (read without a YAML library: the venv has none, and these files are plain)
# ---------------------------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    text = text.strip()
    if text in ("null", "~", ""):
        return None
    if text in ("true", "false"):
        return text == "true"
    if text[0] in "'\"" and text[-1] == text[0]:
        return text[1:-1]
    if text[0] in "{[":  # flow collection: quote bare keys, map YAML words, read as Python
        text = re.sub(r"([{,]\s*)([A-Za-z_]\w*)(\s*:)", r"\1'\2'\3", text)
        text = re.sub(r"\b(true|false|null)\b", lambda m: {"true": "True", "false": "False", "null": "None"}[m[1]], text)
        return ast.literal_eval(text)
    if re.fullmatch(r"-?[\d_]+", text):
        return int(text.replace("_", ""))
    try:
        return float(text)
    except ValueError:
        return text


def read_config(path: Path) -> dict[str, Any]:
    """Flattens a config into {'section.key': value} for 'key: value' lines (no lists)."""
    flat: dict[str, Any] = {}
    stack: list[tuple[int, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\s+#.*$", "", raw) if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        dotted = ".".join([k for _, k in stack] + [key])
        if value.strip():
            flat[dotted] = _scalar(value)
        else:
            stack.append((indent, key))
    return flat


@pytest.mark.parametrize("config", sorted(CONFIG_CASES))
def test_config(config: str) -> None:
    case = CONFIG_CASES[config]
    cfg = read_config(CONFIGS / f"{config}.yml")
    assert cfg["environment.name"] == case.folder
    assert cfg["environment.class_name"] == case.class_name
    assert (cfg["environment.kwargs"] or {}) == case.kwargs
    assert cfg["environment.benchmark"] == case.benchmark
    spec = gym.spec(case.benchmark)
    assert cfg["environment.max_episode_steps"] == spec.max_episode_steps == case.max_episode_steps
    assert cfg["experiment.name"] == config
    assert cfg["rl.algo"] in ("ppo", "sac", "dqn", "td3", "ddpg")
    assert cfg["rl.training.device"] == "auto"
    assert cfg["rl.training.total_timesteps"] > 0
    assert (ENVS / case.folder / "env_code" / "env.py").is_file()
    text = (CONFIGS / f"{config}.yml").read_text(encoding="utf-8")
    assert "rl-baselines3-zoo" in text, "cite the hyperparameters' source"


def test_every_config_is_tested() -> None:
    shipped = {p.stem for p in CONFIGS.glob("*.yml")}
    assert set(CONFIG_CASES) <= shipped
    assert {"cartpole", "acrobot", "pendulum", "mountain_car_continuous", "lunar_lander", "bipedal_walker"} <= set(CONFIG_CASES)


# ---------------------------------------------------------------------------------------------
# The stable-eureka format fixture (test/fixtures/stable_eureka_format)
# ---------------------------------------------------------------------------------------------


def test_fixture_env_is_mountain_car_continuous() -> None:
    """The fixture's copied env class, with the fixture's reward.py, behaves as gymnasium's
    MountainCarContinuous-v0, and its compute_fitness_score is gymnasium's reward."""
    env_dir = FIXTURE / "envs" / "mountain_car_continuous"
    cls = bound_class(env_dir, "Continuous_MountainCarEnv", FIXTURE / "reward.py")
    env, ref = cls(), gym.make("MountainCarContinuous-v0").unwrapped
    stats = rollout("fixture", env, ref, _mcc_heuristic, 200, seed=3, max_steps=999, tolerance=None)
    assert stats.terminations >= 1
    assert {"height_reward", "goal_reward", "action_penalty"} <= stats.nonzero
    cfg = read_config(FIXTURE / "configs" / "mountain_car_continuous.yml")
    assert cfg["environment.name"] == "mountain_car_continuous"
    assert cfg["rl.training.torch_compile"] is True and cfg["rl.training.device"] == "cuda"
    assert "eureka.sleep_time_per_iteration" not in cfg


def test_fixture_drifted_step_differs_only_in_the_call() -> None:
    good, drifted = FIXTURE / "envs" / "mountain_car_continuous", FIXTURE / "envs" / "drifted_step"
    assert (good / "env_code" / "env.py").read_text() == (drifted / "env_code" / "env.py").read_text()
    (env_call,) = _calls(_step_of_env(drifted, "Continuous_MountainCarEnv"), "compute_reward")
    (shown_call,) = _calls(_step_of_step_py(drifted), "compute_reward")
    assert _call_args(env_call)[0] == ["position", "velocity", "action", "terminated"]
    assert _call_args(shown_call)[0] == ["position", "velocity", "action"]
    (good_call,) = _calls(_step_of_step_py(good), "compute_reward")
    assert _call_args(good_call) == _call_args(env_call)
