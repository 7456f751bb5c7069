"""An env folder in stable-eureka's layout, read with Python's own `ast`.

Nothing here executes the env's code: the class, its `compute_reward` call site and the
code shown to the LLM all come from the source text, so a broken env folder is described
precisely instead of crashing an import.
"""

from __future__ import annotations

import ast
import functools
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EnvError

REWARD_METHOD = "compute_reward"
FITNESS_METHOD = "compute_fitness_score"


@dataclass
class CallSite:
    """How env.py calls a method on self: what a reward's signature must accept."""

    positional: list[str]  # source text of each positional argument
    keywords: list[str]
    line: int
    text: str
    has_star_args: bool = False
    method: str = REWARD_METHOD

    @property
    def param_names(self) -> list[str]:
        """Parameter names to suggest: the argument itself when it is a plain name."""
        names = []
        for i, arg in enumerate(self.positional):
            names.append(arg if arg.isidentifier() else f"arg{i}")
        return names + list(self.keywords)

    def signature(self) -> str:
        return f"def {self.method}(self{''.join(', ' + n for n in self.param_names)})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "args": self.param_names,
            "positional": self.positional,
            "keywords": self.keywords,
            "line": self.line,
            "text": self.text,
            "signature": self.signature(),
            "has_star_args": self.has_star_args,
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CallSite":
        """The inverse of as_dict (what describe_static returns)."""
        return cls(d["positional"], d["keywords"], d["line"], d["text"], d.get("has_star_args", False), d.get("method", REWARD_METHOD))


@dataclass
class EnvSource:
    env_dir: Path
    env_file: Path
    source: str
    tree: ast.Module
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


def find_env_file(env_dir: Path) -> Path:
    if not env_dir.is_dir():
        raise EnvError(
            f"env folder {env_dir} does not exist",
            file=str(env_dir),
            hint="Create it in stable-eureka's layout (env_code/env.py, task_description.txt) or fix environment.name.",
        )
    for candidate in (env_dir / "env_code" / "env.py", env_dir / "env.py"):
        if candidate.is_file():
            return candidate
    raise EnvError(
        f"{env_dir} has no env_code/env.py (nor env.py)",
        file=str(env_dir / "env_code" / "env.py"),
        hint="Put the gymnasium.Env class whose step() calls self.compute_reward(...) in env_code/env.py.",
    )


def parse_env(env_dir: str | Path) -> EnvSource:
    env_dir = Path(env_dir).resolve()
    env_file = find_env_file(env_dir)
    source = env_file.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=str(env_file))
    except SyntaxError as e:
        raise EnvError(
            f"{env_file} line {e.lineno}: syntax error: {e.msg}",
            file=str(env_file),
            line=e.lineno,
            hint="Fix the env's Python code.",
        ) from None
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    return EnvSource(env_dir, env_file, source, tree, classes)


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _self_calls(node: ast.AST, method: str) -> list[ast.Call]:
    calls = []
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == method
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id == "self"
        ):
            calls.append(sub)
    return calls


def _class_chain(env: EnvSource, cls: ast.ClassDef) -> list[ast.ClassDef]:
    """The class and its bases defined in the same file, nearest first."""
    chain, todo, seen = [], [cls], set()
    while todo:
        c = todo.pop(0)
        if c.name in seen:
            continue
        seen.add(c.name)
        chain.append(c)
        for base in c.bases:
            if isinstance(base, ast.Name) and base.id in env.classes:
                todo.append(env.classes[base.id])
    return chain


def call_site(env: EnvSource, cls: ast.ClassDef, method: str = REWARD_METHOD) -> CallSite | None:
    """The call of `self.<method>(...)` inside step() (or anywhere in the class chain)."""
    for c in _class_chain(env, cls):
        step = _method(c, "step")
        calls = _self_calls(step, method) if step else []
        if not calls:
            calls = _self_calls(c, method)
        if calls:
            return _to_call_site(env.source, calls[0], method)
    return None


def _to_call_site(source: str, call: ast.Call, method: str = REWARD_METHOD) -> CallSite:
    positional = []
    star = False
    for a in call.args:
        if isinstance(a, ast.Starred):
            star = True
        positional.append(ast.get_source_segment(source, a) or ast.unparse(a))
    keywords = []
    for k in call.keywords:
        if k.arg is None:
            star = True
        else:
            keywords.append(k.arg)
    text = ast.get_source_segment(source, call) or ast.unparse(call)
    return CallSite(positional, keywords, call.lineno, " ".join(text.split()), star, method)


def pick_class(env: EnvSource, class_name: str | None) -> ast.ClassDef:
    if class_name:
        cls = env.classes.get(class_name)
        if cls is None:
            raise EnvError(
                f"{env.env_file}: no class named {class_name!r} (classes there: {', '.join(env.classes) or 'none'})",
                file=str(env.env_file),
                key="environment.class_name",
                hint=f"Set environment.class_name to one of: {', '.join(env.classes) or '(define the env class)'}.",
            )
        return cls
    callers = [c for c in env.classes.values() if call_site(env, c) is not None]
    # A subclass and its base both "call" through inheritance; prefer the most derived.
    bases = {b.id for c in callers for b in c.bases if isinstance(b, ast.Name)}
    leaves = [c for c in callers if c.name not in bases]
    if len(leaves) == 1:
        return leaves[0]
    if not leaves:
        raise EnvError(
            f"{env.env_file}: no class calls self.{REWARD_METHOD}(...)",
            file=str(env.env_file),
            hint=f"The env's step() must call `reward, components = self.{REWARD_METHOD}(...)`.",
        )
    names = ", ".join(c.name for c in leaves)
    raise EnvError(
        f"{env.env_file}: several classes call self.{REWARD_METHOD}: {names}",
        file=str(env.env_file),
        key="environment.class_name",
        hint=f"Name one with environment.class_name (or --class): {names}.",
    )


def require_call_site(env: EnvSource, cls: ast.ClassDef) -> CallSite:
    site = call_site(env, cls)
    if site is None:
        raise EnvError(
            f"{env.env_file}: class {cls.name} never calls self.{REWARD_METHOD}(...)",
            file=str(env.env_file),
            key="environment.class_name",
            hint=f"Its step() must call `reward, components = self.{REWARD_METHOD}(...)`, or pick the class that does.",
        )
    return site


def module_names(tree: ast.Module) -> tuple[dict[str, str | None], bool]:
    """Top-level names of a module: name -> imported module (None for other values).
    The flag says whether a star import makes the list incomplete."""
    names: dict[str, str | None] = {}
    star = False
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    names[root] = root
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    star = True
                else:
                    # `from gymnasium import spaces` may bind a module or a value; record
                    # the dotted origin so the reward binder can decide at load time.
                    names[alias.asname or alias.name] = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = None
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    if isinstance(sub, ast.Name):
                        names[sub.id] = None
        elif isinstance(node, (ast.If, ast.Try)):
            inner, inner_star = module_names(ast.Module(body=_flat_body(node), type_ignores=[]))
            names.update(inner)
            star = star or inner_star
    return names, star


def _flat_body(node: ast.If | ast.Try) -> list[ast.stmt]:
    body = list(node.body) + list(node.orelse)
    if isinstance(node, ast.Try):
        for h in node.handlers:
            body += h.body
        body += node.finalbody
    return body


def _step_source(env: EnvSource, cls: ast.ClassDef) -> str:
    for c in _class_chain(env, cls):
        step = _method(c, "step")
        if step is not None and _self_calls(step, REWARD_METHOD):
            seg = ast.get_source_segment(env.source, step, padded=True) or ast.unparse(step)
            return textwrap.dedent(seg).strip() + "\n"
    return ""


def _read_optional(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


# Attributes every gymnasium env has, whatever its source says.
GYM_ENV_ATTRIBUTES = {
    "action_space", "observation_space", "np_random", "_np_random", "np_random_seed", "_np_random_seed",
    "spec", "render_mode", "metadata", "reward_range", "unwrapped", "state",
}


def _self_stores(tree: ast.AST) -> set[str]:
    """Names of attributes assigned on `self` and methods defined, in every class of a tree."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names |= {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
    return names


def env_attributes(env: EnvSource) -> list[str]:
    """The env's own attribute and method names, as far as source can tell: what env.py's
    classes assign on `self` and define, what the gymnasium modules it imports from do (their
    base classes keep the physics state), and every gymnasium env's attributes. Reward code may
    read these but never assign them; the job process checks the rest at run time."""
    names = set(GYM_ENV_ATTRIBUTES) | _self_stores(env.tree)
    for node in ast.walk(env.tree):
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "gymnasium":
            names |= _installed_module_stores(node.module or "")
    names.discard(REWARD_METHOD)
    return sorted(names)


@functools.lru_cache(maxsize=None)
def _installed_module_stores(module: str) -> frozenset[str]:
    """_self_stores of an installed module's source, read once per process (every
    check_reward describes its env folder again; the installed packages do not change)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return frozenset()
        return frozenset(_self_stores(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))))
    except (ImportError, ValueError, OSError, SyntaxError):
        return frozenset()


def describe_static(env_dir: str | Path, class_name: str | None) -> dict[str, Any]:
    """Everything about an env folder that needs no import of its code."""
    env = parse_env(env_dir)
    cls = pick_class(env, class_name)
    site = require_call_site(env, cls)
    fitness = call_site(env, cls, FITNESS_METHOD)
    warnings: list[str] = []
    if fitness is None:
        warnings.append(
            f"{env.env_file.name}: {cls.name} never calls self.{FITNESS_METHOD}(...); "
            "without a fitness_score in info, samples cannot be ranked against the ground truth."
        )

    derived = _step_source(env, cls)
    step_file = env.env_dir / "step.py"
    step_code, step_source = derived, "env.py"
    if step_file.is_file():
        shown = step_file.read_text(encoding="utf-8")
        try:
            shown_tree = ast.parse(shown)
            shown_calls = _self_calls(shown_tree, REWARD_METHOD)
            shown_site = _to_call_site(shown, shown_calls[0]) if shown_calls else None
        except SyntaxError as e:
            shown_site = None
            warnings.append(f"step.py line {e.lineno}: syntax error ({e.msg}); showing the step() derived from env.py instead.")
        else:
            if shown_site is None:
                warnings.append("step.py never calls self.compute_reward(...); showing the step() derived from env.py instead.")
            elif (shown_site.positional, shown_site.keywords) != (site.positional, site.keywords):
                warnings.append(
                    f"step.py calls {shown_site.text} but {env.env_file.name} line {site.line} calls {site.text}; "
                    "the LLM is shown the step() derived from env.py. Fix step.py or delete it."
                )
            else:
                step_code, step_source = shown, "step.py"

    task = _read_optional(env.env_dir / "task_description.txt")
    if task is None:
        warnings.append(f"{env.env_dir / 'task_description.txt'} is missing: the LLM gets no task description.")
    names, star = module_names(env.tree)
    return {
        "env_dir": str(env.env_dir),
        "env_file": str(env.env_file),
        "class_name": cls.name,
        "classes": list(env.classes),
        "call_site": site.as_dict(),
        "fitness_call_site": fitness.as_dict() if fitness else None,
        "step_code": step_code,
        "step_code_source": step_source,
        "task_description": task.strip() if task else None,
        "initial_reward": _read_optional(env.env_dir / "initial_reward_prompt.txt"),
        "warnings": warnings,
        "module_names": names,
        "module_star_import": star,
        "env_attributes": env_attributes(env),
    }
