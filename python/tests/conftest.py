"""Shared fixtures for the worker's tests: repository paths, the cartpole env folder's call
site and module names, the bad-reward fixtures and a factory for throwaway env folders.

Run: PYTHONPATH=python <venv python> -m pytest -q python/tests
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest

from stable_eureka_worker.envfolder import CallSite, describe_static

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO / "python"
ENVS_DIR = REPO / "envs"
CARTPOLE_DIR = ENVS_DIR / "cartpole"
REWARD_FIXTURES_DIR = REPO / "test" / "fixtures" / "rewards"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def python_dir() -> Path:
    return PYTHON_DIR


@pytest.fixture(scope="session")
def cartpole_dir() -> Path:
    return CARTPOLE_DIR


@pytest.fixture(scope="session")
def cartpole_static() -> dict[str, Any]:
    """describe_static of envs/cartpole: no env code is run."""
    return describe_static(CARTPOLE_DIR, None)


@pytest.fixture(scope="session")
def cartpole_site(cartpole_static: dict[str, Any]) -> CallSite:
    """The CallSite of `self.compute_reward(...)` in cartpole's step(), as the server builds it."""
    cs = cartpole_static["call_site"]
    return CallSite.from_dict(cs)


@pytest.fixture(scope="session")
def cartpole_env_names(cartpole_static: dict[str, Any]) -> dict[str, str | None]:
    """Top-level names of cartpole's env.py (name -> imported module or None)."""
    return dict(cartpole_static["module_names"])


@pytest.fixture(scope="session")
def cartpole_env() -> dict[str, Any]:
    """The resolved `env` parameter object of a job on cartpole."""
    return {"env_dir": str(CARTPOLE_DIR), "class_name": "CartPoleEnv", "kwargs": {}, "max_episode_steps": None}


@pytest.fixture(scope="session")
def reward_fixture() -> Callable[[str], str]:
    """The source of test/fixtures/rewards/<name>.py."""

    def read(name: str) -> str:
        return (REWARD_FIXTURES_DIR / f"{name}.py").read_text(encoding="utf-8")

    return read


@pytest.fixture
def make_env_folder(tmp_path: Path) -> Callable[..., Path]:
    """Writes {relative path: source} (dedented) into a fresh folder and returns it."""
    counter = [0]

    def make(files: dict[str, str], name: str | None = None) -> Path:
        counter[0] += 1
        folder = tmp_path / (name or f"env{counter[0]}")
        folder.mkdir(parents=True)
        for rel, text in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return folder

    return make
