"""What reward code may reach: the allow-lists, and the static stage that enforces them.

Reward code is treated as written by an adversary who knows Python's internals. Where the
language allows it this module allows rather than forbids:
- imports: `math`, `numpy`, `random` as whole packages, or public non-module names of them;
- module attributes: chains such as `np.linalg.norm` are resolved on the real modules, and
  every step must be a public function, type or constant, or one of a few submodules;
- a module itself is only ever the base of an attribute (never stored, passed or returned);
- reflective builtins only as direct calls, with constant public names;
- `str.format` only on a literal whose fields name no attribute or index;
- assignments only to the reward's own locals and to new attributes of `self`;
- `self` is the env and nothing else: it is never rebound.
Deny-lists remain for what no allow-list can express (method names reached through values
whose type is unknown before run time). The job process enforces the same promises at run time
(guard.py), so a gap here is not a way out.
"""

from __future__ import annotations

import ast
import math
import random
import string
import types
from typing import Any, Iterator

import numpy

from .allowlists import (
    ALLOWED_MODULES,
    RESERVED_COMPONENTS,
    ALLOWED_SUBMODULES,
    REFLECTIVE,
    FORBIDDEN_NAMES,
    FORBIDDEN_ATTRIBUTES,
    NUMPY_FORBIDDEN,
    MUTATING_METHODS,
    PHYSICS_MUTATORS_PREFIXES,
    PHYSICS_MUTATORS,
    IN_PLACE_FUNCTIONS,
)
from .envfolder import REWARD_METHOD
from .problems import Params, Problem, forbidden_builtin_code

_MODULE_OBJECTS: dict[str, types.ModuleType] = {"math": math, "numpy": numpy, "random": random}


def _p(code: str, node: ast.AST, /, **params: str | int) -> Problem:
    return Problem("forbidden", code, params, getattr(node, "lineno", None), getattr(node, "col_offset", None))


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _root(node: ast.AST) -> ast.AST:
    """The innermost base of an attribute / subscript / call chain: `a` in `a.b[0].c()`."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _self_attr(node: ast.AST) -> str | None:
    """`x` when node's chain starts with `self.x` (`self.x`, `self.x[0]`, `self.x.y`)."""
    first: ast.AST | None = None
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        first = node
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name) and node.id == "self" and isinstance(first, ast.Attribute):
        return first.attr
    return None


class ForbiddenCheck:
    """One pass over a reward's tree; `problems` holds every violation with its line."""

    def __init__(self, tree: ast.Module, env_attributes: frozenset[str] = frozenset()) -> None:
        self.tree = tree
        self.env_attributes = env_attributes
        self.parent = _parents(tree)
        self.problems: list[Problem] = []
        # local name -> the module it binds: the names reward code always has, then its imports
        self.modules: dict[str, str] = {"math": "math", "np": "numpy", "numpy": "numpy", "random": "random"}
        self.own = self._own_attributes()

    def run(self) -> list[Problem]:
        self._imports()
        trusted = self._self_functions()
        for node in ast.walk(self.tree):
            self._node(node, trusted)
        return self.problems

    # --- what the reward binds ------------------------------------------------------------

    def _own_attributes(self) -> set[str]:
        """Attributes the reward creates on `self` (`self.prev_x = ...`): its own state."""
        own = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    own.add(node.attr)
        return own - self.env_attributes

    def _imports(self) -> None:
        allowed = ", ".join(ALLOWED_MODULES)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]
                    if root not in ALLOWED_MODULES:
                        self.problems.append(_p("import_not_allowed", node, module=alias.name, allowed=allowed))
                    elif alias.name != root:
                        self.problems.append(_p("import_submodule", node, module=alias.name, package=root))
                    else:
                        self.modules[alias.asname or root] = root
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level or not (mod in ALLOWED_MODULES or mod in ALLOWED_SUBMODULES):
                    package, source = mod.split(".")[0], "." * node.level + mod
                    if package in ALLOWED_MODULES:
                        self.problems.append(_p("from_submodule_not_allowed", node, source=source, allowed=allowed, package=package, module=mod))
                    else:
                        self.problems.append(_p("from_import_not_allowed", node, source=source, allowed=allowed))
                    continue
                for alias in node.names:
                    problem = self._member_problem(mod, alias.name)
                    if problem:
                        self.problems.append(_p(_FROM_IMPORT_CODES[problem[0]], node, **problem[1]))

    def _member_problem(self, module: str, name: str) -> tuple[str, Params] | None:
        """Why `module.name` may not be used (a key of _FROM_IMPORT_CODES and its params), or
        None when it may."""
        params: Params = {"module": module, "name": name}
        if name == "*":
            return "star", params
        if name.startswith("_"):
            return "private", params
        if name in FORBIDDEN_ATTRIBUTES or (module.startswith("numpy") and name in NUMPY_FORBIDDEN):
            return "forbidden", params
        base = _MODULE_OBJECTS.get(module.split(".")[0])
        obj: Any = base
        for part in module.split(".")[1:] + [name]:
            try:
                obj = getattr(obj, part)
            except AttributeError:
                return "missing", params
        if isinstance(obj, types.ModuleType) and obj.__name__ not in ALLOWED_SUBMODULES:
            return "submodule", {**params, "submodule": obj.__name__}
        return None

    def _self_functions(self) -> set[ast.AST]:
        """Functions whose `self` parameter is the env: compute_reward, and helpers whose first
        parameter is `self` and that are only ever called as `helper(self, ...)`."""
        candidates = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef):
                params = node.args.posonlyargs + node.args.args
                if params and params[0].arg == "self":
                    candidates[node.name] = node
        trusted = {n for name, n in candidates.items() if name == REWARD_METHOD}
        for name, fn in candidates.items():
            if name == REWARD_METHOD:
                continue
            uses = [n for n in ast.walk(self.tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
            ok = all(
                isinstance(call := self.parent.get(u), ast.Call)
                and call.func is u
                and call.args
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == "self"
                for u in uses
            )
            if ok:
                trusted.add(fn)
            else:
                self.problems.append(_p("helper_self_misused", fn, name=name))
        return trusted

    # --- every node ------------------------------------------------------------------------

    def _node(self, node: ast.AST, trusted: set[ast.AST]) -> None:
        if isinstance(node, (ast.ClassDef, ast.AsyncFunctionDef)) and isinstance(self.parent.get(node), ast.Module):
            return  # the structure stage reports what stands at the top level
        if isinstance(node, (ast.ClassDef, ast.AsyncFunctionDef, ast.Await, ast.Yield, ast.YieldFrom)):
            code = {ast.ClassDef: "class_definition", ast.AsyncFunctionDef: "async_function", ast.Await: "await_used"}.get(type(node), "generator")
            self.problems.append(_p(code, node))
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            self._function(node, trusted)
        elif isinstance(node, ast.Name):
            self._name(node)
        elif isinstance(node, ast.Constant) and node.value in RESERVED_COMPONENTS:
            self.problems.append(_p("ground_truth_named", node, component=node.value))
        elif isinstance(node, ast.Attribute):
            self._attribute(node)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            code = "global_statement" if isinstance(node, ast.Global) else "nonlocal_statement"
            self.problems.append(_p(code, node, names=", ".join(node.names)))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                self._target(t)
        elif isinstance(node, (ast.For, ast.comprehension, ast.withitem)):
            target = node.optional_vars if isinstance(node, ast.withitem) else node.target
            if target is not None:
                self._target(target)
        elif isinstance(node, ast.ExceptHandler) and node.name == "self":
            self.problems.append(_p("self_rebound_by_except", node))
        elif isinstance(node, ast.alias) and (node.asname or node.name) == "self":
            self.problems.append(_p("self_rebound_by_import", node))

    def _function(self, fn: ast.FunctionDef | ast.Lambda, trusted: set[ast.AST]) -> None:
        args = fn.args
        every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
        for i, a in enumerate(every):
            if a.arg == "self" and not (i == 0 and fn in trusted):
                self.problems.append(_p("self_parameter", fn))
        if isinstance(fn, ast.FunctionDef) and fn.decorator_list:
            self.problems.append(_p("decorator", fn, function=fn.name))

    def _name(self, node: ast.Name) -> None:
        name = node.id
        if name in FORBIDDEN_NAMES:
            self.problems.append(_p(forbidden_builtin_code(name), node, name=name))
        elif name.startswith("__"):
            self.problems.append(_p("dunder_name", node, name=name))
        elif name == "self" and not isinstance(node.ctx, ast.Load):
            self.problems.append(_p("self_rebound", node))
        elif name in REFLECTIVE:
            call = self.parent.get(node)
            if not (isinstance(call, ast.Call) and call.func is node):
                self.problems.append(_p("reflective_not_called", node, name=name))
        elif name in self.modules:
            parent = self.parent.get(node)
            if not isinstance(node.ctx, ast.Load):
                self.problems.append(_p("module_rebound", node, name=name))
            elif not (isinstance(parent, ast.Attribute) and parent.value is node):
                self.problems.append(_p("module_as_value", node, name=name))

    def _attribute(self, node: ast.Attribute) -> None:
        attr = node.attr
        base = node.value
        if attr.startswith("__"):
            self.problems.append(_p("dunder_attribute", node, attribute=attr))
        elif attr.startswith("_") and not (isinstance(base, ast.Name) and base.id == "self"):
            # `random._os` is the os module: private attributes of anything but the env are off limits.
            self.problems.append(_p("private_attribute", node, attribute=attr))
        elif attr in FORBIDDEN_ATTRIBUTES:
            self.problems.append(_p("forbidden_attribute", node, attribute=attr))
        elif attr in ("format",):
            self._format(node)
        elif isinstance(base, ast.Name) and base.id in self.modules:
            self._module_attribute(self.modules[base.id], node)
        elif isinstance(base, ast.Attribute) and isinstance(_root(base), ast.Name) and _root(base).id in self.modules:
            dotted = self._dotted(base)
            if dotted:
                self._module_attribute(dotted, node)

    def _module_attribute(self, module: str, node: ast.Attribute) -> None:
        problem = self._member_problem(module, node.attr)
        if problem:
            # `*` and private names reach _member_problem only from imports (_attribute reports
            # private attributes first), so _ATTRIBUTE_CODES has no code for them
            self.problems.append(_p(_ATTRIBUTE_CODES[problem[0]], node, **problem[1]))

    def _dotted(self, node: ast.AST) -> str | None:
        """`numpy.linalg` for `np.linalg` when every step is a module; None otherwise."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        module = self.modules.get(node.id)
        if module is None:
            return None
        obj: Any = _MODULE_OBJECTS[module]
        for part in reversed(parts):
            obj = getattr(obj, part, None)
            if not isinstance(obj, types.ModuleType):
                return None
        return obj.__name__

    def _format(self, node: ast.Attribute) -> None:
        call = self.parent.get(node)
        literal = node.value.value if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) else None
        if literal is None or not (isinstance(call, ast.Call) and call.func is node):
            self.problems.append(_p("format_not_on_literal", node))
            return
        bad = _walking_field(literal)
        if bad is not None:
            self.problems.append(_p("format_field_walks", node, field=bad))

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("getattr", "hasattr"):
            name = node.args[1] if len(node.args) > 1 else None
            value = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None
            starred = any(isinstance(a, ast.Starred) for a in node.args) or node.keywords
            if value is None or starred:
                self.problems.append(_p("getattr_name_not_constant", node, function=func.id))
            elif value.startswith("_"):
                self.problems.append(_p("getattr_private_name", node, function=func.id, name=value))
            elif value in FORBIDDEN_ATTRIBUTES:
                self.problems.append(_p("getattr_forbidden_name", node, function=func.id, name=value))
        elif isinstance(func, ast.Name) and func.id == "type" and len(node.args) != 1:
            self.problems.append(_p("type_call_arguments", node))
        for kw in node.keywords:
            out = _self_attr(kw.value) if kw.arg == "out" else None
            if out is not None and out not in self.own:
                self.problems.append(_p("out_into_env", node, attribute=out))
        if not isinstance(func, ast.Attribute):
            return
        method = func.attr
        if method in PHYSICS_MUTATORS or (method.startswith(PHYSICS_MUTATORS_PREFIXES) and method[:1].isupper()):
            self.problems.append(_p("physics_mutator", node, method=method))
            return
        receiver = func.value
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            owner, risky = method, method in MUTATING_METHODS or method.startswith("_")
        else:
            owner, risky = _self_attr(receiver), method in MUTATING_METHODS
        if owner is not None and owner not in self.own and risky:
            self.problems.append(_p("env_method_mutates", node, call=ast.unparse(func)))
        if method in IN_PLACE_FUNCTIONS and isinstance(_root(func), ast.Name) and _root(func).id in self.modules and node.args:
            target = _self_attr(node.args[0])
            if target is not None and target not in self.own:
                self.problems.append(_p("in_place_into_env", node, function=ast.unparse(func), attribute=target))

    def _target(self, target: ast.AST) -> None:
        """Assignment (and del) targets: locals, and attributes of `self` the reward owns."""
        for t in _flatten(target):
            if isinstance(t, ast.Name):
                continue  # rebinding self or a module is reported by _name
            attr = _self_attr(t)
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                if attr in self.env_attributes:
                    self.problems.append(_p("env_attribute_assigned", t, attribute=attr))
            elif attr is not None:
                if attr not in self.own:
                    self.problems.append(_p("env_state_assigned", t, target=ast.unparse(t)))
            elif isinstance(t, ast.Subscript) and isinstance(_root(t), ast.Name):
                root = _root(t).id
                if root in self.modules:
                    self.problems.append(_p("module_assigned", t, target=ast.unparse(t)))
            else:
                self.problems.append(_p("assignment_not_allowed", t, target=ast.unparse(t)))


# The code of each reason ForbiddenCheck._member_problem gives, in `from m import n` and in `m.n`.
_FROM_IMPORT_CODES = {
    "star": "from_import_star",
    "private": "from_import_private",
    "forbidden": "from_import_forbidden",
    "missing": "from_import_missing",
    "submodule": "from_import_submodule",
}
_ATTRIBUTE_CODES = {"forbidden": "module_attribute_forbidden", "missing": "module_attribute_missing", "submodule": "submodule_not_available"}


def _flatten(target: ast.AST) -> Iterator[ast.AST]:
    if isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _flatten(elt)
    elif isinstance(target, ast.Starred):
        yield from _flatten(target.value)
    else:
        yield target


def _walking_field(literal: str) -> str | None:
    """The first replacement field of a format string that reads an attribute or an item
    (`{0.attr}`, `{x[key]}`), nested specs included; None when there is none."""
    try:
        fields = list(string.Formatter().parse(literal))
    except ValueError:
        return None  # not a valid format string: it raises at run time, harmlessly
    for _text, name, spec, _conv in fields:
        if name and ("." in name or "[" in name):
            return name
        if spec and "{" in spec:
            inner = _walking_field(spec)
            if inner is not None:
                return inner
    return None


def check_forbidden(tree: ast.Module, env_attributes: frozenset[str] = frozenset()) -> list[Problem]:
    return ForbiddenCheck(tree, env_attributes).run()
