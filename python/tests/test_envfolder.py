"""Env folders read with ast (envfolder.describe_static): the shipped cartpole folder and
throwaway folders with the mistakes people make."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from stable_eureka_worker.envfolder import call_site, describe_static, module_names, parse_env
from stable_eureka_worker.errors import EnvError

CARTPOLE_ARGS = ["cart_position", "cart_velocity", "pole_angle", "pole_angular_velocity", "action", "terminated"]

ONE_CLASS = """
import math
import numpy as np

ALIVE_BONUS = 1.0


class Env:
    def step(self, action):
        obs = np.zeros(2)
        reward, components = self.compute_reward(obs[0], action)
        fitness = self.compute_fitness_score(1.0)
        return obs, reward, False, False, components

    def compute_fitness_score(self, r):
        return r
"""


def test_cartpole(cartpole_static: dict[str, Any], cartpole_dir: Path) -> None:
    d = cartpole_static
    assert d["class_name"] == "CartPoleEnv"
    assert d["classes"] == ["CartPoleEnv"]
    assert d["env_dir"] == str(cartpole_dir)
    assert d["env_file"] == str(cartpole_dir / "env_code" / "env.py")
    site = d["call_site"]
    assert site["args"] == CARTPOLE_ARGS
    assert site["positional"] == CARTPOLE_ARGS
    assert site["keywords"] == []
    assert site["line"] == 23
    assert site["text"] == (
        "self.compute_reward(cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)"
    )
    assert site["signature"] == (
        "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)"
    )
    assert d["fitness_call_site"]["args"] == ["original_reward"]
    assert d["fitness_call_site"]["line"] == 25
    assert d["step_code_source"] == "step.py"
    assert d["step_code"] == (cartpole_dir / "step.py").read_text(encoding="utf-8")
    assert d["step_code"].startswith("def step(self, action):")
    assert "self.compute_reward(cart_position, cart_velocity" in d["step_code"]
    assert d["task_description"].startswith("A pole is attached by an unactuated joint to a cart")
    assert d["task_description"] == d["task_description"].strip()
    assert d["initial_reward"].startswith("def compute_reward(self, cart_position")
    assert d["warnings"] == []
    assert d["module_names"] == {"GymCartPoleEnv": None, "CartPoleEnv": None}
    assert d["module_star_import"] is False


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_env"
    with pytest.raises(EnvError) as info:
        describe_static(missing, None)
    assert info.value.kind == "env_error"
    assert info.value.message == f"env folder {missing} does not exist"
    assert info.value.details["file"] == str(missing)
    assert "env_code/env.py" in info.value.details["hint"]


def test_missing_env_py(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"task_description.txt": "Balance the pole."})
    with pytest.raises(EnvError) as info:
        describe_static(folder, None)
    assert info.value.message == f"{folder} has no env_code/env.py (nor env.py)"
    assert info.value.details["file"] == str(folder / "env_code" / "env.py")
    assert "self.compute_reward(...)" in info.value.details["hint"]


def test_env_py_syntax_error(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": """
            class Env:
                def step(self, action):
                    reward, comps = self.compute_reward(action
                    return reward
            """})
    env_file = folder / "env_code" / "env.py"
    with pytest.raises(EnvError) as info:
        describe_static(folder, None)
    assert info.value.message == f"{env_file} line 3: syntax error: '(' was never closed"
    assert info.value.details["file"] == str(env_file)
    assert info.value.details["line"] == 3


TWO_CALLERS = """
class LeftEnv:
    def step(self, action):
        return self.compute_reward(action)


class RightEnv:
    def step(self, action):
        return self.compute_reward(action, self.done)
"""


def test_two_classes_calling_compute_reward(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": TWO_CALLERS})
    env_file = folder / "env_code" / "env.py"
    with pytest.raises(EnvError) as info:
        describe_static(folder, None)
    assert info.value.message == f"{env_file}: several classes call self.compute_reward: LeftEnv, RightEnv"
    assert info.value.details["key"] == "environment.class_name"
    assert info.value.details["hint"] == "Name one with environment.class_name (or --class): LeftEnv, RightEnv."


def test_class_name_picks_one(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": TWO_CALLERS})
    d = describe_static(folder, "RightEnv")
    assert d["class_name"] == "RightEnv"
    assert d["classes"] == ["LeftEnv", "RightEnv"]
    assert d["call_site"]["args"] == ["action", "arg1"]
    assert d["call_site"]["positional"] == ["action", "self.done"]
    assert d["call_site"]["line"] == 8
    left = describe_static(folder, "LeftEnv")
    assert (left["class_name"], left["call_site"]["args"], left["call_site"]["line"]) == ("LeftEnv", ["action"], 3)


def test_class_name_unknown(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": TWO_CALLERS})
    with pytest.raises(EnvError) as info:
        describe_static(folder, "MiddleEnv")
    assert info.value.message == (
        f"{folder / 'env_code' / 'env.py'}: no class named 'MiddleEnv' (classes there: LeftEnv, RightEnv)"
    )
    assert info.value.details["hint"] == "Set environment.class_name to one of: LeftEnv, RightEnv."


def test_no_class_calls_compute_reward(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": "class Env:\n    def step(self, action):\n        return 0.0\n"})
    with pytest.raises(EnvError) as info:
        describe_static(folder, None)
    assert info.value.message == f"{folder / 'env_code' / 'env.py'}: no class calls self.compute_reward(...)"


def test_named_class_without_call_site(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": ONE_CLASS + "\n\nclass Helper:\n    pass\n"})
    with pytest.raises(EnvError) as info:
        describe_static(folder, "Helper")
    assert info.value.message.endswith(": class Helper never calls self.compute_reward(...)")


def test_subclass_and_base_pick_the_subclass(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env_code/env.py": """
            class BaseEnv:
                def step(self, action):
                    return self.compute_reward(action, self.state)


            class TunedEnv(BaseEnv):
                def reset(self):
                    self.state = 0
            """})
    d = describe_static(folder, None)
    assert d["class_name"] == "TunedEnv"
    assert d["classes"] == ["BaseEnv", "TunedEnv"]
    assert d["call_site"]["args"] == ["action", "arg1"]
    assert d["call_site"]["line"] == 3
    # the step() shown to the LLM is the inherited one
    assert d["step_code"] == "def step(self, action):\n    return self.compute_reward(action, self.state)\n"
    assert d["step_code_source"] == "env.py"


def test_env_py_at_folder_root(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env.py": ONE_CLASS, "task_description.txt": "  Keep it up.\n\n"})
    d = describe_static(folder, None)
    assert d["env_file"] == str(folder / "env.py")
    assert d["class_name"] == "Env"
    assert d["task_description"] == "Keep it up."
    assert d["fitness_call_site"]["args"] == ["arg0"]
    assert d["warnings"] == []
    assert d["module_names"] == {"math": "math", "np": "numpy", "ALIVE_BONUS": None, "Env": None}


def test_env_code_wins_over_root(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env.py": TWO_CALLERS, "env_code/env.py": ONE_CLASS, "task_description.txt": "x"})
    d = describe_static(folder, None)
    assert d["env_file"] == str(folder / "env_code" / "env.py")
    assert d["class_name"] == "Env"


def test_call_site_with_expressions(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder(
        {
            "env_code/env.py": """
            class Env:
                def step(self, action):
                    reward, comps = self.compute_reward(
                        self.state[0],
                        action,
                    )
                    return reward
            """,
            "task_description.txt": "x",
        }
    )
    site = describe_static(folder, None)["call_site"]
    assert site["args"] == ["arg0", "action"]
    assert site["positional"] == ["self.state[0]", "action"]
    assert site["text"] == "self.compute_reward( self.state[0], action, )"
    assert site["line"] == 3
    assert site["signature"] == "def compute_reward(self, arg0, action)"


def test_call_site_with_keywords_and_star(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder(
        {
            "env_code/env.py": """
            class Env:
                def step(self, action):
                    return self.compute_reward(*self.obs, action=action, done=False)
            """,
            "task_description.txt": "x",
        }
    )
    env = parse_env(folder)
    site = call_site(env, env.classes["Env"])
    assert site is not None
    assert site.has_star_args is True
    assert site.positional == ["*self.obs"]
    assert site.keywords == ["action", "done"]


def test_step_py_drifted(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder(
        {
            "env_code/env.py": """
            class Env:
                def step(self, action):
                    reward, comps = self.compute_reward(action, self.done)
                    return reward
            """,
            "step.py": """
            def step(self, action):
                reward, comps = self.compute_reward(action)
                return reward
            """,
            "task_description.txt": "x",
        }
    )
    d = describe_static(folder, None)
    assert d["step_code_source"] == "env.py"
    assert d["step_code"] == (
        "def step(self, action):\n    reward, comps = self.compute_reward(action, self.done)\n    return reward\n"
    )
    assert (
        "step.py calls self.compute_reward(action) but env.py line 3 calls self.compute_reward(action, self.done); "
        "the LLM is shown the step() derived from env.py. Fix step.py or delete it."
    ) in d["warnings"]


@pytest.mark.parametrize(
    ("step_py", "warning"),
    [
        ("def step(self, action):\n    return (1\n", "step.py line 2: syntax error ('(' was never closed)"),
        ("def step(self, action):\n    return 0.0\n", "step.py never calls self.compute_reward(...)"),
    ],
    ids=["syntax-error", "no-call"],
)
def test_step_py_unusable(make_env_folder: Callable[..., Path], step_py: str, warning: str) -> None:
    folder = make_env_folder({"env_code/env.py": ONE_CLASS, "step.py": step_py, "task_description.txt": "x"})
    d = describe_static(folder, None)
    assert d["step_code_source"] == "env.py"
    assert d["step_code"].startswith("def step(self, action):\n    obs = np.zeros(2)\n")
    assert any(w.startswith(warning) for w in d["warnings"]), d["warnings"]


def test_missing_optional_files_warn(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder(
        {"env_code/env.py": "class Env:\n    def step(self, a):\n        return self.compute_reward(a)\n"}
    )
    d = describe_static(folder, None)
    assert d["task_description"] is None
    assert d["initial_reward"] is None
    assert d["fitness_call_site"] is None
    assert d["warnings"] == [
        "env.py: Env never calls self.compute_fitness_score(...); without a fitness_score in info, samples "
        "cannot be ranked against the ground truth.",
        f"{folder / 'task_description.txt'} is missing: the LLM gets no task description.",
    ]


def test_module_names_kinds(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env.py": """
            import os
            import os.path as osp
            import gymnasium as gym
            from gymnasium import spaces
            from math import *
            try:
                import pygame
            except ImportError:
                pygame = None
            LIMIT: float = 2.4
            A, (B, C) = 1, (2, 3)

            def helper():
                pass
            """})
    names, star = module_names(parse_env(folder).tree)
    assert star is True
    assert names == {
        "os": "os",
        "osp": "os.path",
        "gym": "gymnasium",
        "spaces": None,
        "pygame": None,  # the except branch rebinds it; the last binding wins
        "LIMIT": None,
        "A": None,
        "B": None,
        "C": None,
        "helper": None,
    }


def test_fitness_call_site_signature_names_the_fitness_method(cartpole_static: dict[str, Any]) -> None:
    assert cartpole_static["fitness_call_site"]["signature"] == "def compute_fitness_score(self, original_reward)"
