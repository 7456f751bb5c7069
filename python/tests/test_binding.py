"""Binding a reward to the env class in-process (binding.load_env_module / bind_reward), the
checks on what a reward returns, CallWatch, and the env copy written beside a sample."""

from __future__ import annotations

import ast
import math
import threading
import time
import types
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from stable_eureka_worker.binding import (
    CallWatch,
    RewardContractError,
    bind_reward,
    compile_reward,
    env_with_reward_source,
    load_env_module,
    reward_globals,
    reward_line,
    reward_traceback,
    validate_result,
)
from stable_eureka_worker.errors import JobFailure
from stable_eureka_worker.rewardcheck import SAFE_BUILTINS

SIG = "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):"
REWARD_FILE = "samples/iteration_0/sample_3/reward.py"

# A cartpole env module with constants, a helper and modules a reward must not reach.
ENV_WITH_CONSTANTS = """
import os
import sys as interpreter
import math
import numpy as np
from os import path
from gymnasium.envs.classic_control.cartpole import CartPoleEnv as GymCartPoleEnv

ALIVE_BONUS = 0.5
LIMITS = {"angle": 0.2095}


def shaped(x):
    return 2.0 * x


class CartPoleEnv(GymCartPoleEnv):
    def step(self, action):
        observation, original_reward, terminated, truncated, _ = super().step(action)
        cart_position, cart_velocity, pole_angle, pole_angular_velocity = observation.tolist()
        reward, info = self.compute_reward(cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)
        info["fitness_score"] = float(original_reward)
        return observation, reward, terminated, truncated, info
"""


def reward(*body: str, before: str = "") -> str:
    return before + SIG + "\n" + "".join(f"    {line}\n" for line in body)


@pytest.fixture(scope="module")
def cartpole_module(cartpole_dir: Path) -> types.ModuleType:
    return load_env_module(cartpole_dir)


@pytest.fixture
def constants_module(make_env_folder: Callable[..., Path]) -> types.ModuleType:
    folder = make_env_folder({"env_code/env.py": ENV_WITH_CONSTANTS})
    return load_env_module(folder)


def step_once(cls: type, action: int = 1) -> tuple[float, dict[str, Any]]:
    env = cls()
    env.reset(seed=0)
    _, r, _, _, info = env.step(action)
    env.close()
    return r, info


def run_reward(module: types.ModuleType, code: str) -> tuple[float, dict[str, Any]]:
    cls = bind_reward(module.CartPoleEnv, code, REWARD_FILE, module)
    return step_once(cls)


def test_load_env_module_is_cached(cartpole_dir: Path, cartpole_module: types.ModuleType) -> None:
    assert load_env_module(cartpole_dir) is cartpole_module
    assert load_env_module(str(cartpole_dir / ".")) is cartpole_module
    assert cartpole_module.__name__.startswith("stable_eureka_env_")
    assert isinstance(cartpole_module.CartPoleEnv, type)


def test_good_reward_on_cartpole(cartpole_module: types.ModuleType, reward_fixture: Callable[[str], str]) -> None:
    names: list[str] = []
    cls = bind_reward(cartpole_module.CartPoleEnv, reward_fixture("good"), REWARD_FILE, cartpole_module, None, names)
    env = cls()
    env.reset(seed=0)
    obs, r, terminated, truncated, info = env.step(1)
    cart_position, pole_angle = float(obs[0]), float(obs[2])
    upright = 1.0 - abs(pole_angle) / 0.2095
    centered = -0.1 * abs(cart_position)
    assert r == pytest.approx(upright + centered)
    assert isinstance(r, float)
    assert info == {"upright": pytest.approx(upright), "centered": pytest.approx(centered), "fitness_score": 1.0}
    assert names == ["upright", "centered"]
    assert (terminated, truncated) == (False, False)


def test_reward_sees_env_module_constants(constants_module: types.ModuleType) -> None:
    r, info = run_reward(
        constants_module,
        reward("total = ALIVE_BONUS + shaped(1.0) + LIMITS['angle']", "return total, {'total': total}"),
    )
    assert r == pytest.approx(0.5 + 2.0 + 0.2095)
    assert info["total"] == pytest.approx(2.7095)


def test_reward_globals_leave_out_other_modules(constants_module: types.ModuleType) -> None:
    g = reward_globals(constants_module)
    for hidden in ("os", "interpreter", "path"):
        assert hidden not in g
    # views of the public names, never the modules the env's code uses
    assert g["np"] is not np and g["np"].clip is np.clip and g["np"].linalg.norm is np.linalg.norm
    assert g["math"] is not math and g["math"].cos is math.cos
    assert not hasattr(g["np"], "_core") and not hasattr(g["random"], "_os")
    with pytest.raises(PermissionError, match="numpy.ctypeslib"):
        g["np"].ctypeslib.ctypes  # a stand-in that refuses every use
    assert g["ALIVE_BONUS"] == 0.5
    assert g["__name__"] == "reward"
    assert set(g["__builtins__"]) == set(SAFE_BUILTINS) | {"__import__"}
    assert not any(k.startswith("__") for k in g if k not in ("__builtins__", "__name__"))


@pytest.mark.parametrize("name", ["os", "interpreter", "path"])
def test_env_modules_are_not_visible_at_run_time(constants_module: types.ModuleType, name: str) -> None:
    with pytest.raises(NameError, match=f"^name '{name}' is not defined$"):
        run_reward(constants_module, reward(f"x = {name}", "return 1.0, {}"))


@pytest.mark.parametrize(
    ("body", "exc", "message"),
    [
        ("f = open('/etc/passwd')", NameError, "name 'open' is not defined"),
        ("g = globals()", NameError, "name 'globals' is not defined"),
        ("e = eval('1')", NameError, "name 'eval' is not defined"),
        ("os = __import__('os')", ImportError, "reward code may import only math, numpy, random, not os"),
        ("import subprocess", ImportError, "reward code may import only math, numpy, random, not subprocess"),
        ("from os import path", ImportError, "reward code may import only math, numpy, random, not os"),
    ],
    ids=["open", "globals", "eval", "__import__", "import-subprocess", "from-os"],
)
def test_dangerous_builtins_absent_at_run_time(
    cartpole_module: types.ModuleType, body: str, exc: type[Exception], message: str
) -> None:
    with pytest.raises(exc) as info:
        run_reward(cartpole_module, reward(body, "return 1.0, {}"))
    assert str(info.value) == message
    assert reward_line(info.value, REWARD_FILE) == 2


def test_allowed_imports_work_at_run_time(cartpole_module: types.ModuleType) -> None:
    r, _ = run_reward(
        cartpole_module,
        reward(
            "import math as m", "from numpy import linalg", "x = m.sqrt(4.0) + linalg.norm([3.0, 4.0])", "return x, {}"
        ),
    )
    assert r == 7.0


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ((1.5, {"a": 2.0}), (1.5, {"a": 2.0})),
        ((np.float64(0.25), {"a": np.float32(0.5)}), (0.25, {"a": 0.5})),
        ((np.array([2.0]), {"a": np.array([[3.0]])}), (2.0, {"a": 3.0})),
        ((np.array(4.0), {}), (4.0, {})),
        ((3, {"n": np.int64(2)}), (3.0, {"n": 2.0})),
        ((True, {"flag": np.bool_(False)}), (1.0, {"flag": 0.0})),
        ([1.0, {}], (1.0, {})),
    ],
    ids=["floats", "numpy-floats", "size-1-arrays", "0d-array", "ints", "bools", "list"],
)
def test_validate_result_accepts(result: Any, expected: tuple[float, dict[str, float]]) -> None:
    total, comps = validate_result(result, 1)
    assert (total, comps) == expected
    assert type(total) is float
    assert all(type(v) is float for v in comps.values())


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ((math.nan, {}), "the total reward (call 7) is nan (it must be a finite number)"),
        ((1.0, {"wobble": math.nan}), "component 'wobble' (call 7) is nan (it must be a finite number)"),
        ((1.0, {"blowup": np.float32("inf")}), "component 'blowup' (call 7) is inf (it must be a finite number)"),
        ((-math.inf, {}), "the total reward (call 7) is -inf (it must be a finite number)"),
        (("1.0", {}), "the total reward (call 7) must be a float, got str"),
        ((None, {}), "the total reward (call 7) must be a float, got NoneType"),
        ((np.array([1.0, 2.0]), {}), "the total reward (call 7) must be a float, got ndarray of shape (2,)"),
        ((1.0, {"a": np.zeros((2, 2))}), "component 'a' (call 7) must be a float, got ndarray of shape (2, 2)"),
        (
            (1.0, [1.0, 0.0]),
            "the second value returned by compute_reward must be a plain dict of named float components, got list on call 7",
        ),
        (
            (1.0, {"fitness_score": 1.0}),
            "the component name 'fitness_score' is reserved for the ground truth; rename it",
        ),
        ((1.0, {1: 1.0}), "component names must be plain strings, got a int on call 7"),
        (1.0, "compute_reward must return (total_reward, components_dict); on call 7 it returned a float"),
        (
            (1.0, {}, 2.0),
            "compute_reward must return (total_reward, components_dict); on call 7 it returned a tuple of length 3",
        ),
        (None, "compute_reward must return (total_reward, components_dict); on call 7 it returned a NoneType"),
    ],
    ids=[
        "nan-total",
        "nan-component",
        "inf-component",
        "-inf-total",
        "str",
        "none-total",
        "2-element-array",
        "2d-array-component",
        "non-dict",
        "reserved-fitness_score",
        "non-str-name",
        "not-a-tuple",
        "3-tuple",
        "none",
    ],
)
def test_validate_result_rejects(result: Any, message: str) -> None:
    with pytest.raises(RewardContractError) as info:
        validate_result(result, 7)
    assert str(info.value) == message


def test_contract_error_when_stepping(cartpole_module: types.ModuleType, reward_fixture: Callable[[str], str]) -> None:
    cls = bind_reward(cartpole_module.CartPoleEnv, reward_fixture("non_dict_components"), REWARD_FILE, cartpole_module)
    with pytest.raises(RewardContractError, match="got list on call 1$"):
        step_once(cls)


def test_component_names_in_first_seen_order(cartpole_module: types.ModuleType) -> None:
    code = reward(
        "self.n = getattr(self, 'n', 0) + 1",
        "comps = {'zeta': 1.0, 'alpha': 2.0}",
        "if self.n >= 2:",
        "    comps = {'mid': 0.5, 'alpha': 1.0, 'zeta': 0.0}",
        "if self.n >= 3:",
        "    comps['beta'] = 0.1",
        "return 1.0, comps",
    )
    names = ["already_known"]
    cls = bind_reward(cartpole_module.CartPoleEnv, code, REWARD_FILE, cartpole_module, None, names)
    env = cls()
    env.reset(seed=0)
    for _ in range(4):
        env.step(0)
    assert names == ["already_known", "zeta", "alpha", "mid", "beta"]


def test_original_env_class_is_not_modified(cartpole_module: types.ModuleType) -> None:
    base = cartpole_module.CartPoleEnv
    before = dict(vars(base))
    one = bind_reward(base, reward("return 1.0, {'one': 1.0}"), REWARD_FILE, cartpole_module)
    two = bind_reward(base, reward("return 2.0, {'two': 2.0}"), "other/reward.py", cartpole_module)
    assert dict(vars(base)) == before
    assert "compute_reward" not in vars(base)
    assert not hasattr(base, "compute_reward")
    assert issubclass(one, base) and one is not base
    assert (one.__name__, one.__module__) == ("CartPoleEnv", base.__module__)
    # two bindings of the same class stay independent
    assert step_once(one)[0] == 1.0
    assert step_once(two)[0] == 2.0
    with pytest.raises(AttributeError, match="compute_reward"):
        step_once(base)


def test_reward_line_and_traceback(cartpole_module: types.ModuleType) -> None:
    code = reward(
        "scale = 1.0",
        "divisor = 0.0",
        "ratio = scale / divisor",
        "return ratio, {}",
        before="import math\n\n",
    )
    with pytest.raises(ZeroDivisionError) as info:
        run_reward(cartpole_module, code)
    assert reward_line(info.value, REWARD_FILE) == 6
    assert reward_line(info.value, "another/reward.py") is None
    tb = reward_traceback(info.value, REWARD_FILE)
    assert tb == (
        "Traceback (most recent call last):\n"
        f'  File "{REWARD_FILE}", line 6, in compute_reward\n'
        "ZeroDivisionError: float division by zero\n"
    )
    # frames of the env and the binder before the reward are left out
    assert "env.py" not in tb and "binding.py" not in tb


def test_reward_line_through_a_helper(cartpole_module: types.ModuleType) -> None:
    code = "def helper(x):\n    return [x][3]\n\n" + reward("v = helper(pole_angle)", "return v, {}")
    with pytest.raises(IndexError) as info:
        run_reward(cartpole_module, code)
    # the deepest reward line the exception passed through: inside the helper
    assert reward_line(info.value, REWARD_FILE) == 2
    tb = reward_traceback(info.value, REWARD_FILE)
    assert f'File "{REWARD_FILE}", line 5, in compute_reward' in tb
    assert f'File "{REWARD_FILE}", line 2, in helper' in tb
    assert tb.endswith("IndexError: list index out of range\n")


def test_compile_reward_failures(cartpole_module: types.ModuleType) -> None:
    with pytest.raises(JobFailure) as info:
        compile_reward("SCALE = 1 / 0\n" + reward("return 1.0, {}"), REWARD_FILE, cartpole_module)
    f = info.value
    assert (f.phase, f.line) == ("bind_reward", 1)
    assert f.reason == "running the reward module failed: ZeroDivisionError: division by zero"
    assert f.tb is not None and "ZeroDivisionError" in f.tb
    with pytest.raises(JobFailure) as info:
        compile_reward("def reward(self):\n    return 1.0, {}\n", REWARD_FILE, cartpole_module)
    assert info.value.reason == "the reward code defines no function compute_reward"
    with pytest.raises(JobFailure) as info:
        compile_reward("compute_reward = 3\n", REWARD_FILE, cartpole_module)
    assert info.value.phase == "bind_reward"


def test_call_watch_reports_a_call_that_does_not_return(cartpole_module: types.ModuleType) -> None:
    stuck: list[str] = []
    fired = threading.Event()

    def on_stuck(message: str) -> None:
        stuck.append(message)
        fired.set()

    watch = CallWatch(0.2, on_stuck)
    # The second call spins until the test releases it: it returns, but only after the watch fired.
    slow = reward(
        "self.calls = getattr(self, 'calls', 0) + 1",
        "while self.calls == 2 and not self.release:",
        "    pass",
        "return 1.0, {}",
    )
    cls = bind_reward(cartpole_module.CartPoleEnv, slow, REWARD_FILE, cartpole_module, watch)
    env = cls()
    env.release = False
    env.reset(seed=0)
    env.step(0)
    assert watch.entered is None and watch.calls == 1
    stepper = threading.Thread(target=env.step, args=(0,), daemon=True)
    stepper.start()
    try:
        assert fired.wait(5.0)
    finally:
        env.release = True
        stepper.join(5.0)
    assert not stepper.is_alive()
    assert watch.entered is None
    assert stuck == [
        "compute_reward did not return within 0.2 s on call 2 (an infinite loop or a very slow computation)"
    ]


def test_env_with_reward_source_inserts_the_method(cartpole_dir: Path, reward_fixture: Callable[[str], str]) -> None:
    env_file = cartpole_dir / "env_code" / "env.py"
    original = env_file.read_text(encoding="utf-8")
    code = reward_fixture("good")
    out = env_with_reward_source(env_file, "CartPoleEnv", code)
    tree = ast.parse(out)
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [c.name for c in classes] == ["CartPoleEnv"]
    methods = [n.name for n in classes[0].body if isinstance(n, ast.FunctionDef)]
    assert methods == ["step", "compute_fitness_score", "compute_reward"]
    assert not any(isinstance(n, ast.FunctionDef) for n in tree.body)  # nothing left at the top level
    assert "    # --- compute_reward inserted by stable-eureka ---\n" in out
    assert "    def compute_reward(self, cart_position, cart_velocity, pole_angle" in out
    assert out.startswith(original.rstrip("\n"))
    assert env_file.read_text(encoding="utf-8") == original  # env.py itself is not edited
    # the copy runs: the class with the inserted method steps like the bound one
    namespace: dict[str, Any] = {}
    exec(compile(out, "env_with_reward.py", "exec"), namespace)
    env = namespace["CartPoleEnv"]()
    env.reset(seed=0)
    _, r, _, _, info = env.step(1)
    assert set(info) == {"upright", "centered", "fitness_score"}
    assert r == pytest.approx(info["upright"] + info["centered"])


def test_env_with_reward_source_class_in_the_middle(make_env_folder: Callable[..., Path]) -> None:
    folder = make_env_folder({"env.py": """
            class Env:
                \"\"\"Docstring.\"\"\"

                def step(self, action):
                    return self.compute_reward(action)


            def after():
                return 1
            """})
    out = env_with_reward_source(folder / "env.py", "Env", "def compute_reward(self, action):\n    return 1.0, {}\n")
    tree = ast.parse(out)
    env_cls = tree.body[0]
    assert isinstance(env_cls, ast.ClassDef)
    assert [n.name for n in env_cls.body if isinstance(n, ast.FunctionDef)] == ["step", "compute_reward"]
    assert isinstance(tree.body[1], ast.FunctionDef) and tree.body[1].name == "after"


def test_env_with_reward_source_unknown_class(cartpole_dir: Path) -> None:
    env_file = cartpole_dir / "env_code" / "env.py"
    out = env_with_reward_source(env_file, "NoSuchEnv", "def compute_reward(self):\n    return 1.0, {}\n")
    assert out.startswith(env_file.read_text(encoding="utf-8"))
    assert "\n\n# --- reward (no class to insert it into) ---\ndef compute_reward(self):" in out


# --- regressions: bugs found and fixed ----------------------------------------------------


def test_numpy_name_without_import_runs(cartpole_module: types.ModuleType) -> None:
    r, _ = run_reward(cartpole_module, reward("x = numpy.sqrt(4.0)", "return x, {}"))
    assert r == 2.0


def test_random_module_does_not_expose_os(cartpole_module: types.ModuleType) -> None:
    with pytest.raises((AttributeError, NameError)):
        run_reward(cartpole_module, reward("pid = random._os.getpid()", "return 1.0, {'pid': float(pid)}"))


def test_call_watch_disarmed_after_a_raising_call(cartpole_module: types.ModuleType) -> None:
    stuck: list[str] = []
    watch = CallWatch(0.2, stuck.append)
    cls = bind_reward(
        cartpole_module.CartPoleEnv, reward("raise ValueError('bad step')"), REWARD_FILE, cartpole_module, watch
    )
    env = cls()
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(0)  # an env (or wrapper) may catch this and go on stepping
    time.sleep(0.6)
    assert stuck == []


def test_env_copy_keeps_reward_helpers_callable(cartpole_dir: Path) -> None:
    code = "def bonus(x):\n    return 2.0 * x\n\n" + reward("b = bonus(1.0)", "return b, {'b': b}")
    out = env_with_reward_source(cartpole_dir / "env_code" / "env.py", "CartPoleEnv", code)
    namespace: dict[str, Any] = {}
    exec(compile(out, "env_with_reward.py", "exec"), namespace)
    env = namespace["CartPoleEnv"]()
    env.reset(seed=0)
    assert env.step(0)[1] == 2.0
