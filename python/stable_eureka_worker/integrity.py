"""Fitness integrity: the ground truth and the env's state are out of the reward's reach.

`compute_fitness_score` is resolved from the env's original class through a data descriptor
on the bound class, so no instance attribute can shadow it. Around every `compute_reward` call
the env instance is compared with itself: its existing attributes must still be the same
objects, its arrays hold the same bytes, no attribute the reward creates may shadow one of the
class's (a method such as `step`), the instance keeps its class and its `__dict__`, and the
classes of its MRO keep every entry. The reward may keep its own state on `self`: attributes
that did not exist before a call it made are its own from then on.

Cost: identity comparisons done by C loops (itemgetter, map(is_)) plus `tobytes()` of the
env's arrays, a few microseconds per call (bench/RESULTS.md: overhead).
"""

from __future__ import annotations

import operator
import typing
from typing import Any, Callable

import numpy as np

from .guard import GUARD

_MISSING = object()
_SKIP_CLASSES = (object, typing.Generic)


class FixedMethod:
    """A data descriptor: `instance.name` is the original class's function, always; setting
    it on the instance is refused."""

    def __init__(self, name: str, func: Callable[..., Any]) -> None:
        self.name = name
        self.func = func

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return self.func if instance is None else self.func.__get__(instance, owner)

    def __set__(self, instance: Any, value: Any) -> None:
        GUARD.record(f"tried to replace the env's `{self.name}`, the ground truth")
        raise AttributeError(f"the env's `{self.name}` is the ground truth and cannot be replaced")

    def __delete__(self, instance: Any) -> None:
        GUARD.record(f"tried to delete the env's `{self.name}`, the ground truth")
        raise AttributeError(f"the env's `{self.name}` is the ground truth and cannot be deleted")


class _InstanceView:
    """What is known about one env instance: which attributes are the env's, which the reward's."""

    def __init__(self, env: Any) -> None:
        self.env = env  # a strong reference: ids are never reused while the view lives
        self.dict = env.__dict__
        self.own: set[str] = set()
        self.size = -1
        self.keys: tuple[str, ...] = ()
        self.getter: Callable[[dict[str, Any]], Any] = lambda d: ()
        self.array_at: tuple[int, ...] = ()

    def refresh(self) -> None:
        d = self.dict
        keys = tuple(k for k in d if k not in self.own)
        self.keys = keys
        self.size = len(d)
        # itemgetter of one key returns the value itself, not a 1-tuple
        getter = operator.itemgetter(*keys) if keys else (lambda _d: ())
        self.getter = getter if len(keys) != 1 else (lambda d, g=getter: (g(d),))
        self.array_at = tuple(i for i, k in enumerate(keys) if isinstance(d[k], np.ndarray))


class EnvIntegrity:
    """Compares an env instance and its classes around each reward call."""

    def __init__(self, bound_cls: type) -> None:
        self.bound_cls = bound_cls
        self.views: dict[int, _InstanceView] = {}
        # The classes between the bound class and gymnasium.Env: where step(), the fitness
        # and the physics live. gymnasium.Env itself has only abstract methods and helpers.
        classes = []
        for c in bound_cls.__mro__:
            if c in _SKIP_CLASSES or (c.__module__ == "gymnasium.core" and c.__name__ == "Env"):
                break
            classes.append(c)
        self.class_entries = [(c, vars(c), tuple(vars(c).keys()), tuple(vars(c).values())) for c in classes]

    def before(self, env: Any) -> tuple[_InstanceView, Any, list[tuple[int, bytes]]]:
        view = self.views.get(id(env))
        if view is None or view.env is not env:
            view = self.views[id(env)] = _InstanceView(env)
        if len(view.dict) != view.size:
            view.refresh()
        values = view.getter(view.dict)
        arrays = [(i, values[i].tobytes()) for i in view.array_at if type(values[i]) is np.ndarray]
        return view, values, arrays

    def after(self, env: Any, view: _InstanceView, values: Any, arrays: list[tuple[int, bytes]]) -> str | None:
        """Why the call broke the env's integrity, or None."""
        if type(env) is not self.bound_cls:
            return "changed the env's class"
        d = view.dict
        if env.__dict__ is not d:
            return "replaced the env's attribute dictionary"
        try:
            now = view.getter(d)
        except KeyError:
            gone = next(k for k in view.keys if k not in d)
            return f"deleted the env's attribute `{gone}`"
        if not all(map(operator.is_, now, values)):
            changed = next(k for k, a, b in zip(view.keys, now, values) if a is not b)
            return f"changed the env's attribute `{changed}`"
        for i, data in arrays:
            if values[i].tobytes() != data:
                return f"changed the contents of the env's array `{view.keys[i]}`"
        if len(d) != view.size:
            cls = type(env)
            for key in [k for k in d if k not in view.keys and k not in view.own]:
                if getattr(cls, key, _MISSING) is not _MISSING:
                    return f"set `{key}` on the env, which hides the env's own `{key}`"
                view.own.add(key)
            view.refresh()
        for cls, entries, keys, vals in self.class_entries:
            if len(entries) != len(keys) or not all(map(operator.is_, entries.values(), vals)):
                changed = next((k for k in keys if entries.get(k, _MISSING) is not vals[keys.index(k)]), None)
                changed = changed or next((k for k in entries if k not in keys), "?")
                return f"changed `{changed}` of the env class `{cls.__name__}`"
        return None


def fixed_methods(env_cls: type, names: tuple[str, ...] = ("compute_fitness_score",)) -> dict[str, FixedMethod]:
    """Descriptors for the bound class: each name resolved on the env's original class now."""
    out = {}
    for name in names:
        func = getattr(env_cls, name, None)
        if callable(func):
            out[name] = FixedMethod(name, func)
    return out
