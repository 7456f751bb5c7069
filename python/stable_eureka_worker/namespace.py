"""What reward code's globals hold: the env module's constants and functions, views of `math`,
`numpy` and `random` (binding one of those never hands out the real module), reduced builtins
and an import that only gives views."""

from __future__ import annotations

import builtins
import math
import random
import types
from typing import Any

import numpy as np

from .allowlists import ALLOWED_MODULES, ALLOWED_SUBMODULES, SAFE_BUILTINS, UNREACHABLE_NUMPY
from .guard import GUARD, GuardedModule, Unreachable


def reward_globals(env_module: types.ModuleType) -> dict[str, Any]:
    g: dict[str, Any] = {}
    for k, v in vars(env_module).items():
        if k.startswith("__"):
            continue
        if isinstance(v, types.ModuleType):
            if v.__name__ in ALLOWED_MODULES or v.__name__ in ALLOWED_SUBMODULES:
                g[k] = module_view(v)
            continue
        g[k] = v
    g.setdefault("math", module_view(math))
    g.setdefault("np", module_view(np))
    g.setdefault("numpy", module_view(np))
    g.setdefault("random", module_view(random))
    safe = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
    safe["type"] = _type_of
    safe["__import__"] = _guarded_import
    g["__builtins__"] = safe
    g["__name__"] = "reward"
    return g


def _type_of(obj: Any, *class_parts: Any) -> type:
    """`type(x)` for reward code; the three-argument form would create a class at run time."""
    if class_parts:
        raise TypeError("type() with three arguments creates a class; reward code may only read a value's type")
    return type(obj)


_VIEWS: dict[str, GuardedModule] = {}


def module_view(module: types.ModuleType) -> GuardedModule:
    """What reward code gets for `math`, `numpy`, `random` and numpy's allowed submodules: a
    module of their public names (`random._os` is the os module; `np._core` leads to C
    internals), whose other submodules are absent and whose attributes reward code cannot set.
    Writing to a view could not reach the env anyway: the env's code sees the real modules,
    which stay plain (a guarded module class would slow every `np.x` lookup in the process)."""
    view = _VIEWS.get(module.__name__)
    if view is not None:
        return view
    if not _VIEWS:  # numpy loads some of them lazily: present them all from the start
        import importlib

        for name in sorted(ALLOWED_SUBMODULES):
            importlib.import_module(name)
    view = _VIEWS[module.__name__] = GuardedModule(module.__name__, getattr(module, "__doc__", None))
    public: dict[str, Any] = {}
    for k, v in vars(module).items():
        if k.startswith("_"):
            continue
        if isinstance(v, types.ModuleType):
            if v.__name__ in ALLOWED_SUBMODULES and v is not module:
                public[k] = module_view(v)
            continue
        public[k] = v
    if module.__name__ == "numpy":
        public.update({name: Unreachable(f"numpy.{name}") for name in UNREACHABLE_NUMPY})
    view.__dict__.update(public)
    return view


def _guarded_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    import importlib

    root = name.split(".")[0]
    leaf_ok = name in ALLOWED_MODULES or name in ALLOWED_SUBMODULES
    if level or root not in ALLOWED_MODULES or (fromlist and not leaf_ok):
        if GUARD.active():
            GUARD.record(f"tried to import {name}; reward code may import only {', '.join(ALLOWED_MODULES)}")
        raise ImportError(f"reward code may import only {', '.join(ALLOWED_MODULES)}, not {name}")
    # `import numpy.linalg` binds numpy; `from numpy.linalg import norm` needs numpy.linalg
    return module_view(importlib.import_module(name if fromlist else root))
