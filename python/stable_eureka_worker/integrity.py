"""Fitness integrity: the ground truth and the env's state are out of the reward's reach.

`compute_fitness_score` is resolved from the env's original class into the bound class, and no
attribute the reward sets on the instance may hide it (or any other class attribute). Around every `compute_reward` call
the env instance is compared with itself: its existing attributes must still be the same
objects, its arrays hold the same bytes, no attribute the reward creates may shadow one of the
class's (a method such as `step`), the instance keeps its class and its `__dict__`, and the
classes of its MRO keep every entry. The reward may keep its own state on `self`: attributes
that did not exist before a call it made are its own from then on.

Cost: identity comparisons done by C loops (itemgetter, map(is_)) plus `tobytes()` of the
env's arrays, 2-4 us per compared call; training envs are compared every 16th call
(bench/RESULTS.md: layers).
"""

from __future__ import annotations

import operator
import typing
from typing import Any, Callable

import numpy as np


_MISSING = object()
_SKIP_CLASSES = (object, typing.Generic)


class _InstanceView:
    """What is known about one env instance: which attributes are the env's, which the reward's,
    and how often its calls are compared in full (`every`: 1 = every call)."""

    def __init__(self, env: Any, every: int) -> None:
        self.env = env  # a strong reference: ids are never reused while the view lives
        self.dict = env.__dict__
        self.every = every
        self.count = 0
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
    """Compares an env instance and its classes around reward calls: every call of the envs
    whose episodes are scored (evaluation, smoke runs), every `sample_every`-th call of the
    training envs (`sample`), whose fitness judges nothing. A change that lasts (a patched
    class, a shadowed method) is still caught on the first scored call; new attributes are
    told apart as the reward's own on every call."""

    def __init__(self, bound_cls: type, sample_every: int = 16) -> None:
        self.bound_cls = bound_cls
        self.sample_every = sample_every
        self.views: dict[Any, _InstanceView] = {}
        # The classes between the bound class and gymnasium.Env: where step(), the fitness
        # and the physics live. gymnasium.Env itself has only abstract methods and helpers.
        classes = []
        for c in bound_cls.__mro__:
            if c in _SKIP_CLASSES or (c.__module__ == "gymnasium.core" and c.__name__ == "Env"):
                break
            classes.append(c)
        self.class_entries = [(c, vars(c), tuple(vars(c).keys()), tuple(vars(c).values())) for c in classes]

    def view(self, env: Any) -> _InstanceView:
        # Keyed by the env itself: object hashing, unlike id(), raises no audit event.
        view = self.views.get(env)
        if view is None:
            view = self.views[env] = _InstanceView(env, 1)
        return view

    def sample(self, env: Any) -> None:
        """Compare this (training) env in full only every `sample_every`-th call."""
        self.view(env).every = self.sample_every

    def before(self, env: Any) -> tuple[_InstanceView, Any, list[tuple[int, bytes]] | int]:
        """What `after` compares with: on a compared call the env's values and array bytes;
        otherwise only the size of its dict (new attributes are told apart on every call)."""
        view = self.view(env)
        view.count += 1
        if len(view.dict) != view.size:  # attributes the env added since: the env's
            view.refresh()
        if view.count % view.every:
            return view, None, view.size
        values = view.getter(view.dict)
        if not view.array_at:
            return view, values, []
        return view, values, [(i, values[i].tobytes()) for i in view.array_at if type(values[i]) is np.ndarray]

    def after(self, env: Any, snapshot: tuple[_InstanceView, Any, list[tuple[int, bytes]] | int]) -> str | None:
        """Why the call broke the env's integrity, or None."""
        view, values, arrays = snapshot
        if values is None:
            return self.grew(env, view) if len(view.dict) != arrays else None
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
        for i, data in arrays:  # type: ignore[union-attr]
            if values[i].tobytes() != data:
                return f"changed the contents of the env's array `{view.keys[i]}`"
        if len(d) != view.size:
            broken = self.grew(env, view)
            if broken:
                return broken
            view.refresh()
        for cls, entries, keys, vals in self.class_entries:
            if len(entries) != len(keys) or not all(map(operator.is_, entries.values(), vals)):
                changed = next((k for k in keys if entries.get(k, _MISSING) is not vals[keys.index(k)]), None)
                changed = changed or next((k for k in entries if k not in keys), "?")
                return f"changed `{changed}` of the env class `{cls.__name__}`"
        return None

    def grew(self, env: Any, view: _InstanceView) -> str | None:
        """New attributes after a call: the reward's own, unless they hide the class's."""
        if type(env) is not self.bound_cls:
            return "changed the env's class"
        cls = type(env)
        for key in [k for k in view.dict if k not in view.keys and k not in view.own]:
            if getattr(cls, key, _MISSING) is not _MISSING:
                return f"set `{key}` on the env, which hides the env's own `{key}`"
            view.own.add(key)
        return None


_CHECKS: dict[type, EnvIntegrity] = {}


def integrity_of(bound_cls: type) -> EnvIntegrity | None:
    """The integrity check of a bound class (None when it was bound without one)."""
    return _CHECKS.get(bound_cls)


def register(bound_cls: type) -> EnvIntegrity:
    check = _CHECKS[bound_cls] = EnvIntegrity(bound_cls)
    return check


def fixed_methods(env_cls: type, names: tuple[str, ...] = ("compute_fitness_score",)) -> dict[str, Any]:
    """The ground truth resolved on the env's original class now, for the bound class's own
    dict: a later patch of a base class changes nothing, an instance attribute that would hide
    it is refused after the call that sets it (EnvIntegrity.grew), and a patch of the bound
    class by a compared call (every scored call)."""
    out = {}
    for name in names:
        func = getattr(env_cls, name, None)
        if callable(func):
            out[name] = func
    return out
