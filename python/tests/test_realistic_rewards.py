"""A corpus of realistic LLM-written rewards (python/tests/rewards/realistic/<env>__<name>.py)
and the human rewards shipped with every env folder (envs/<env>/initial_reward_prompt.txt):
each must pass the static checks exactly as the worker's check_reward runs them, and each
must train for real through the worker (`python -m stable_eureka_worker`, a `train` request).

The corpus is written the way GPT-4 / Llama write rewards in Eureka-style loops: state kept on
`self` between steps (hasattr / getattr / try-except AttributeError, counters, lists),
module-level helpers and constants, lambdas, comprehensions, numpy and math calls, f-strings
and %-formatting in assert messages or unprinted debug strings, env attributes read (never
written), try/except and asserts, random noise, numpy scalars returned, docstrings. Every
reward in it is honest: it only reads the env, never writes the env's own attributes, never
calls env methods, and imports only math, numpy and random (checked below).

Run: PYTHONPATH=python <venv python> -m pytest -q python/tests/test_realistic_rewards.py
"""

from __future__ import annotations

import ast
import functools
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from stable_eureka_worker.envfolder import CallSite, describe_static
from stable_eureka_worker.rewardcheck import check_static
from test_server import TINY_PPO, Worker

REPO = Path(__file__).resolve().parents[2]
ENVS_DIR = REPO / "envs"
CORPUS_DIR = Path(__file__).resolve().parent / "rewards" / "realistic"
ENVS = ["acrobot", "bipedal_walker", "cartpole", "lunar_lander", "mountain_car_continuous", "pendulum"]
ALLOWED_IMPORTS = ("math", "numpy", "random")

# Training: two PPO rollouts (8 envs x 32 steps each) and one evaluation episode, every episode cut
# at 200 steps (Pendulum never terminates on its own; LunarLander and BipedalWalker episodes
# are long).
TRAIN_TIMESTEPS = 512
MAX_EPISODE_STEPS = 200
TRAIN_DEADLINE_S = 300.0


def _corpus() -> list[tuple[str, str, Path]]:
    """(test id, env, file) for every corpus file and every shipped human reward."""
    samples = []
    for path in sorted(CORPUS_DIR.glob("*.py")):
        env, _, _name = path.stem.partition("__")
        samples.append((path.stem, env, path))
    for env in ENVS:
        samples.append((f"human__{env}", env, ENVS_DIR / env / "initial_reward_prompt.txt"))
    return samples


SAMPLES = _corpus()
IDS = [s[0] for s in SAMPLES]
CORPUS = [s for s in SAMPLES if s[2].parent == CORPUS_DIR]


@functools.lru_cache(maxsize=None)
def _static(env: str) -> dict[str, Any]:
    """describe_static of the env folder, as the server's check_reward gets it."""
    return describe_static(ENVS_DIR / env, None)


def _code(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _reward_fn(tree: ast.Module) -> ast.FunctionDef:
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "compute_reward"]
    assert len(fns) == 1
    return fns[0]


# --- the corpus itself --------------------------------------------------------------------


def test_corpus_size() -> None:
    per_env = {env: sum(1 for s in CORPUS if s[1] == env) for env in ENVS}
    assert set(s[1] for s in CORPUS) <= set(ENVS), "a corpus file names an env folder that does not exist"
    assert all(n >= 5 for n in per_env.values()), per_env
    assert len(CORPUS) >= 36, per_env


@functools.lru_cache(maxsize=None)
def _env_instance(env: str) -> Any:
    """A fresh instance of the env folder's class, reset: its own attributes."""
    from stable_eureka_worker.binding import load_env_module

    module = load_env_module(ENVS_DIR / env)
    instance = getattr(module, _static(env)["class_name"])()
    instance.reset(seed=0)
    return instance


@pytest.mark.parametrize(("sample_id", "env", "path"), CORPUS, ids=[s[0] for s in CORPUS])
def test_corpus_reward_is_honest(sample_id: str, env: str, path: Path) -> None:
    """The exact signature the env passes, imports of math/numpy/random only, and the env
    only read: no write to an attribute the env itself has, no call of an env method."""
    code = _code(path)
    tree = ast.parse(code)
    fn = _reward_fn(tree)
    site = CallSite.from_dict(_static(env)["call_site"])
    assert [a.arg for a in fn.args.args] == ["self", *site.positional]
    assert not (fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or fn.args.defaults)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name.split(".")[0] in ALLOWED_IMPORTS for a in node.names), ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] in ALLOWED_IMPORTS and not node.level, ast.unparse(node)

    instance = _env_instance(env)
    env_attrs = set(dir(instance)) | set(vars(instance))
    written: set[str] = set()
    for node in ast.walk(fn):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        flat: list[ast.expr] = []
        while targets:
            t = targets.pop()
            if isinstance(t, (ast.Tuple, ast.List)):
                targets.extend(t.elts)
            else:
                flat.append(t)
        for t in flat:
            # self.x = ..., self.x[i] = ..., self.x.y = ..., del self.x[0]: x must be the
            # reward's own attribute, not one the env has.
            node_t: ast.expr = t
            while isinstance(node_t, (ast.Attribute, ast.Subscript)) and not (
                isinstance(node_t, ast.Attribute) and isinstance(node_t.value, ast.Name) and node_t.value.id == "self"
            ):
                node_t = node_t.value
            if isinstance(node_t, ast.Attribute) and isinstance(node_t.value, ast.Name):
                written.add(node_t.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if isinstance(base, ast.Name) and base.id == "self":
                pytest.fail(f"line {node.lineno} calls an env method: {ast.unparse(node)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("setattr", "delattr", "exec", "eval"), ast.unparse(node)
    clobbered = sorted(written & env_attrs)
    assert not clobbered, f"{sample_id} writes the env's own attributes {clobbered}"


# --- 1. the static check, as the worker's check_reward runs it -----------------------------


@pytest.mark.parametrize(("sample_id", "env", "path"), SAMPLES, ids=IDS)
def test_static_check_passes(sample_id: str, env: str, path: Path) -> None:
    static = _static(env)
    # As server.py's check_reward calls it (env_attributes: the env's own attribute names,
    # passed where describe_static gives them).
    extra = [static["env_attributes"]] if "env_attributes" in static else []
    result = check_static(
        _code(path),
        CallSite.from_dict(static["call_site"]),
        static["module_names"],
        static["module_star_import"],
        *extra,
    )
    problems = [f"line {p.line}: [{p.stage}] {p.message}" for p in result.problems]
    assert result.problems == [], f"{path.relative_to(REPO)} rejected:\n" + "\n".join(problems)


# --- 2. a real (tiny) training through the worker ------------------------------------------


def _selected(request: pytest.FixtureRequest) -> list[str]:
    """The ids of the test_trains cases this session runs (all of them unless deselected)."""
    ids = [
        item.callspec.params["sample_id"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_trains" and hasattr(item, "callspec")
    ]
    return ids or IDS


@pytest.fixture(scope="module")
def trainings(
    request: pytest.FixtureRequest, python_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, Any]]]:
    """Sends every selected sample's train request to one worker at once (it runs two jobs at
    a time, STABLE_EUREKA_MAX_JOBS=2) and collects the replies, in whatever order they come."""
    base = tmp_path_factory.mktemp("realistic")
    worker = Worker(python_dir, base)
    try:
        hello = worker.next(90)
        assert hello is not None and hello["type"] == "hello", hello
        wanted = set(_selected(request))
        pending: dict[str, str] = {}
        for sample_id, env, path in SAMPLES:
            if sample_id not in wanted:
                continue
            params = {
                "env": {"env_dir": str(ENVS_DIR / env), "max_episode_steps": MAX_EPISODE_STEPS},
                "code": _code(path),
                "rl": TINY_PPO,
                "out_dir": str(base / sample_id),
                "total_timesteps": TRAIN_TIMESTEPS,
            }
            pending[worker.request("train", params)] = sample_id
        replies: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + TRAIN_DEADLINE_S
        while pending and time.monotonic() < deadline:
            msg = worker.next(timeout=max(1.0, deadline - time.monotonic()))
            assert msg is not None, f"the worker closed stdout; stderr:\n{worker.stderr()}"
            if msg["type"] == "reply" and msg["id"] in pending:
                replies[pending.pop(msg["id"])] = msg
        for sample_id in pending.values():
            replies[sample_id] = {"ok": False, "error": {"message": f"no reply within {TRAIN_DEADLINE_S:g} s"}}
        yield replies
    finally:
        worker.close()


@pytest.mark.parametrize(("sample_id", "env", "path"), SAMPLES, ids=IDS)
def test_trains(trainings: dict[str, dict[str, Any]], sample_id: str, env: str, path: Path) -> None:
    reply = trainings[sample_id]
    assert reply["ok"] is True, reply.get("error")
    result = reply["result"]
    failure = result.get("failure") or {}
    assert result["status"] == "succeeded", (
        f"{path.relative_to(REPO)}: {result['status']} in {failure.get('phase')}: {failure.get('reason')}\n"
        f"{failure.get('traceback') or ''}"
    )
    assert result["timesteps"] >= TRAIN_TIMESTEPS
    assert result["components"], "no reward components recorded"
    assert result["final"] is not None and result["final"]["fitness_mean"] is not None
