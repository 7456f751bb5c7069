"""Binding a checked reward to the env class, inside a job process.

The env module is loaded from its file (never by dotted path into a run folder), the reward
is compiled with its own file name (so tracebacks point at the reward's lines) into globals
built from the env module's (namespace.py: its constants stay visible, modules become views of
math/numpy/random, builtins are reduced), and it becomes `compute_reward` of a subclass, run
under the guard (guard.py) with the env's integrity checked (integrity.py): env.py is never
edited, the original class is never changed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import numbers
import sys
import threading
import time
import traceback
import types
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .allowlists import RESERVED_COMPONENTS
from .envfolder import REWARD_METHOD, find_env_file
from .errors import JobFailure
from .guard import Guard
from .integrity import fixed_methods, register
from .namespace import reward_globals


class RewardContractError(Exception):
    """compute_reward returned something other than (float, dict of finite floats)."""


class RewardViolation(Exception):
    """Reward code tried something the guard refuses, or changed the env it may only read."""


_module_cache: dict[str, types.ModuleType] = {}


def load_env_module(env_dir: str | Path) -> types.ModuleType:
    env_file = find_env_file(Path(env_dir).resolve())
    key = str(env_file)
    if key in _module_cache:
        return _module_cache[key]
    folder = str(env_file.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # sibling modules of env.py import as in stable-eureka
    name = "stable_eureka_env_" + hashlib.sha1(key.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, env_file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _module_cache[key] = module
    return module


class CallWatch:
    """Spots a compute_reward call that never returns (an infinite loop) and says so,
    instead of leaving the job to its wall-time limit."""

    def __init__(self, max_call_s: float, on_stuck: Callable[[str], None], start: bool = True) -> None:
        self.max_call_s = max_call_s
        self.entered: float | None = None
        self.calls = 0
        self._on_stuck = on_stuck
        if start:
            threading.Thread(target=self._watch, daemon=True, name="reward-watch").start()

    @classmethod
    def idle(cls) -> "CallWatch":
        """Counts calls but watches nothing (binding outside a job)."""
        return cls(float("inf"), lambda _reason: None, start=False)

    def _watch(self) -> None:
        while True:
            time.sleep(min(0.5, self.max_call_s / 4))
            started = self.entered
            if started is not None and time.monotonic() - started > self.max_call_s:
                self._on_stuck(
                    f"compute_reward did not return within {self.max_call_s:g} s on call {self.calls} "
                    "(an infinite loop or a very slow computation)"
                )
                return


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, numbers.Real):
        f = float(value)
    elif isinstance(value, np.ndarray) and value.size == 1:
        f = float(value.reshape(()))
    else:
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        raise RewardContractError(f"{what} must be a float, got {type(value).__name__}{shape}")
    if not math.isfinite(f):
        raise RewardContractError(f"{what} is {f} (it must be a finite number)")
    return f


def validate_result(result: Any, call: int) -> tuple[float, dict[str, float]]:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        got = f"a {type(result).__name__}" + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
        raise RewardContractError(
            f"compute_reward must return (total_reward, components_dict); on call {call} it returned {got}"
        )
    total, comps = result
    if type(comps) is not dict:
        raise RewardContractError(
            f"the second value returned by compute_reward must be a plain dict of named float components, "
            f"got {type(comps).__name__} on call {call}"
        )
    out: dict[str, float] = {}
    for k, v in comps.items():
        if type(k) is not str:
            raise RewardContractError(f"component names must be plain strings, got a {type(k).__name__} on call {call}")
        if k in RESERVED_COMPONENTS:
            raise RewardContractError(f"the component name {k!r} is reserved for the ground truth; rename it")
        out[k] = _as_float(v, f"component {k!r} (call {call})")
    return _as_float(total, f"the total reward (call {call})"), out


def compile_reward(code: str, filename: str, env_module: types.ModuleType, guard: Guard | None = None) -> tuple[Callable[..., Any], dict[str, Any]]:
    g = reward_globals(env_module)
    try:
        compiled = compile(code, filename, "exec")
        if guard is None:
            exec(compiled, g)
        else:
            with guard.running(compiled):
                exec(compiled, g)
    except Exception as e:
        if guard is not None and guard.violation:
            raise JobFailure("bind_reward", f"blocked: the reward module {guard.violation}", reward_line(e, filename)) from None
        raise JobFailure("bind_reward", f"running the reward module failed: {type(e).__name__}: {e}", reward_line(e, filename), traceback.format_exc()) from None
    if guard is not None and guard.violation:
        raise JobFailure("bind_reward", f"blocked: the reward module {guard.violation}")
    fn = g.get(REWARD_METHOD)
    if not callable(fn):
        raise JobFailure("bind_reward", f"the reward code defines no function {REWARD_METHOD}")
    return fn, g


def bind_reward(
    env_class: type,
    code: str,
    filename: str,
    env_module: types.ModuleType,
    watch: CallWatch | None = None,
    component_names: list[str] | None = None,
    guard: Guard | None = None,
    integrity: bool = False,
) -> type:
    """A subclass of env_class whose compute_reward is the checked reward. Component names
    are appended to `component_names` in the order the reward first returns them. With a
    `guard` (job processes), reward code runs under it; with `integrity`, the env's fitness
    and state are compared around every call (integrity.py)."""
    fn, _ = compile_reward(code, filename, env_module, guard)
    names = component_names if component_names is not None else []
    seen = set(names)
    watch = watch if watch is not None else CallWatch.idle()
    monotonic = time.monotonic
    enter = guard.enter if guard is not None else _nothing
    leave = guard.leave if guard is not None else _nothing
    views: dict[Any, Any] | None = None  # EnvIntegrity's, once bound
    before: Callable[[Any], Any] | None = None
    after: Callable[[Any, Any], str | None] | None = None
    grew: Callable[[Any, Any], str | None] | None = None
    last_returned: list[dict[str, Any] | None] = [None]
    (fitness_key,) = RESERVED_COMPONENTS  # one name, checked on every call: a local, not a loop

    def record_names(comps: dict[str, float]) -> None:
        for k in comps:
            if k not in seen:
                seen.add(k)
                names.append(k)

    def compute_reward(self: Any, *args: Any, **kwargs: Any) -> tuple[float, dict[str, float]]:
        # Runs on every env step (bench/RESULTS.md: every frame here is about 0.1 us of a
        # LunarLander step), under the guard: the reward, and the check of what it returned
        # (a float subclass's __float__ is reward code too). The common case (a float and a
        # dict of str -> float, every name seen before) is checked inline; anything else goes through
        # validate_result, which converts numpy values or explains what is wrong.
        # `x - x == 0.0` is false exactly for nan and inf.
        watch.calls += 1
        watch.entered = monotonic()
        returned = last_returned[0]
        snapshot = view = None
        if views is not None:
            # integrity's fast path, inline (a call is ~0.3 us here): a call that is not
            # compared in full only counts, and checks the dict's size after
            view = views.get(self)
            if view is None or view.size != len(view.dict) or (view.count + 1) % view.every == 0:
                snapshot = before(self)  # type: ignore[misc]
            else:
                view.count += 1
        out = broken = None
        enter()
        try:
            result = fn(self, *args, **kwargs)
            if type(result) is tuple and len(result) == 2:
                total, comps = result
                if type(total) is float and total - total == 0.0 and type(comps) is dict and comps.keys() <= seen:
                    for k, v in comps.items():  # known names, yet a str subclass could hash alike
                        if type(v) is not float or v - v != 0.0 or type(k) is not str:
                            break
                    else:
                        last_returned[0] = comps
                        # a copy: the reward keeps no handle on the info dict the fitness goes into
                        out = total, comps.copy()
            if out is None:
                out = validate_result(result, watch.calls)
                record_names(out[1])
            if snapshot is not None:
                broken = after(self, snapshot)  # type: ignore[misc]
            elif view is not None and view.size != len(view.dict):
                broken = grew(self, view)  # type: ignore[misc]
        except Exception as e:
            if guard is not None and guard.violation:
                raise RewardViolation(f"blocked: compute_reward {guard.violation}") from e
            raise
        finally:
            leave()
            watch.entered = None
        if guard is not None and guard.violation:
            raise RewardViolation(f"blocked: compute_reward {guard.violation}")
        if not broken and returned is not None and fitness_key in returned:
            # env.py added the fitness to a copy: writing it into the dict returned last time
            # changes nothing, but it is an attempt all the same
            broken = "wrote `fitness_score` into a component dict it had returned; the ground truth is the env's"
        if broken:
            raise RewardViolation(f"blocked: compute_reward {broken}; reward code may read the env but not change it")
        return out

    attrs: dict[str, Any] = {REWARD_METHOD: compute_reward, "__module__": env_class.__module__}
    if integrity:
        attrs.update(fixed_methods(env_class))
    cls = type(env_class.__name__, (env_class,), attrs)
    if integrity:
        check = register(cls)
        views, before, after, grew = check.views, check.before, check.after, check.grew
    return cls


def _nothing() -> None:
    pass


def reward_line(exc: BaseException, filename: str) -> int | None:
    """The reward's own line the exception passed through last."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None and isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
    return line


def return_line(code: str) -> int | None:
    """The line of compute_reward's return, when it has exactly one: where a bad return
    value (NaN, a list instead of a dict) leaves the reward."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == REWARD_METHOD), None)
    returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return)] if fn else []
    return returns[0].lineno if len(returns) == 1 else None


def reward_traceback(exc: BaseException, filename: str) -> str:
    """The traceback from the first frame in the reward file on: what the LLM needs to see."""
    frames = traceback.extract_tb(exc.__traceback__)
    first = next((i for i, f in enumerate(frames) if f.filename == filename), None)
    if first is None:
        return "".join(traceback.format_exception(exc))
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames[first:])
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)


def env_with_reward_source(env_file: Path, class_name: str, code: str) -> str:
    """env.py with the reward inserted as a method of the class: written beside a sample for
    reproducibility only (the worker binds the reward without it). The reward's own imports,
    constants and helpers go to module level, after the env's code, so the copy runs."""
    import ast
    import textwrap

    source = env_file.read_text(encoding="utf-8")
    tree = ast.parse(source)
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None)
    reward_tree = ast.parse(code)
    method = next((n for n in reward_tree.body if isinstance(n, ast.FunctionDef) and n.name == REWARD_METHOD), None)
    if cls is None or cls.end_lineno is None or method is None:
        return source + "\n\n# --- reward (no class to insert it into) ---\n" + code
    method_src = ast.get_source_segment(code, method, padded=True) or ast.unparse(method)
    if method.decorator_list:
        method_src = ast.unparse(method)
    rest = [ast.get_source_segment(code, n) or ast.unparse(n) for n in reward_tree.body if n is not method]
    lines = source.splitlines(keepends=True)
    indent = " " * (cls.body[0].col_offset if cls.body else 4)
    body = textwrap.indent(textwrap.dedent(method_src).strip("\n"), indent) + "\n"
    banner = f"\n{indent}# --- compute_reward inserted by stable-eureka ---\n"
    module_part = "\n\n# --- the reward's imports, constants and helpers (stable-eureka) ---\n"
    module_part += "import math\nimport random\n\nimport numpy as np\nimport numpy\n\n" + "\n\n".join(rest) + "\n"
    out = "".join(lines[: cls.end_lineno]) + banner + body + "".join(lines[cls.end_lineno :])
    return out.rstrip("\n") + "\n" + module_part
