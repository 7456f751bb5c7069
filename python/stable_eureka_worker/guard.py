"""The run-time guard of a job process: what reward code cannot do even if it passed (or
never met) the static checks.

Two layers, both active only while reward code runs (the reward module's execution and every
`compute_reward` call, on the calling thread alone):
- an audit hook (PEP 578) that refuses every audit event but `builtins.id`, so reward code
  opens no file, starts no process, opens no socket, loads no C library, imports and
  compiles nothing, and reads no frame, code object or traceback frame. Events and why they
  matter (CPython 3.10-3.13):
    open                          files (numpy's save/load/tofile/memmap/dump all open files)
    os.*, subprocess.Popen, shutil.*, pty.spawn   processes, file system, environment
    socket.*, http.*, urllib.*    the network
    ctypes.*                      C calls and raw memory (`string_at`, `dlopen`, `call_function`)
    import                        modules that are not loaded yet (numpy.ctypeslib, os, ...)
    compile, exec, code.__new__, function.__new__, marshal.*, pickle.find_class   new code
    object.__getattr__            `gi_frame`, `cr_frame`, `ag_frame`, `tb_frame`, `__code__`:
                                  frames lead to every module's globals through `f_back`
    sys._getframe, sys._current_frames, sys.settrace, sys.setprofile   frames and tracing
    object.__setattr__            `__class__`, `__bases__`, `__code__` of types and functions
    gc.get_objects, gc.get_referrers, gc.get_referents   every object in the process
    sys.addaudithook              a second hook
  A refused event raises in the reward and is recorded: catching the exception does not help,
  the sample fails with the first violation's sentence.
- module attributes: reward code's `math`, `numpy` and `random` are views of their public
  names (namespace.module_view) of class GuardedModule, which refuses `setattr` and `delattr`
  while reward code runs (`np.clip = ...`, `math.cos = ...`): plain attribute sets on modules
  raise no audit event, and the env's code sees the real modules anyway.
Fitness integrity (the env's state and class around each call) lives in integrity.py.
"""

from __future__ import annotations

import sys
import threading
import types
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

ALLOWED_EVENTS = frozenset({"builtins.id"})

# numpy's lazily imported submodules that reward code may use: loaded before the guard is
# armed, so using them is not an import at run time.
PRELOAD = ("numpy.linalg", "numpy.fft", "numpy.random", "numpy.polynomial", "numpy.lib.scimath")


class RewardBlocked(PermissionError):
    """Raised inside reward code by a refused operation."""


def describe(event: str, args: tuple[Any, ...]) -> str:
    """What reward code tried, as a sentence an LLM can act on."""

    def arg(i: int) -> str:
        return repr(args[i])[:120] if len(args) > i else "?"

    if event == "open":
        return f"tried to open the file {arg(0)}; reward code may not read or write files"
    if event == "import":
        return f"tried to import {arg(0)} while running; reward code may use only math, numpy and random, imported at the top"
    if event in ("compile", "exec", "code.__new__", "function.__new__") or event.startswith(("marshal.", "pickle.")):
        return "tried to compile or run new code at run time (eval/exec/compile/pickle)"
    if event == "object.__getattr__":
        return f"tried to read {arg(1)} of a {type(args[0]).__name__ if args else 'value'}, which reaches interpreter frames or code"
    if event.startswith(("sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile")):
        return "tried to reach interpreter frames"
    if event in ("object.__setattr__", "object.__delattr__"):
        return f"tried to change {arg(1)} of {arg(0)}"
    if event.startswith(("os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "subprocess.", "pty.")):
        return "tried to start a process"
    if event.startswith(("socket.", "http.", "urllib.", "ftplib.", "smtplib.")):
        return "tried to use the network"
    if event.startswith("ctypes."):
        return "tried to call C code or read raw memory through ctypes"
    if event.startswith(("os.", "shutil.")):
        return f"tried to use the operating system ({event})"
    if event.startswith("gc."):
        return "tried to reach arbitrary objects through the garbage collector"
    return f"did something reward code may not do (audit event {event})"


class Guard:
    """One per job process (`GUARD`). `install` once, then `running()` around reward code."""

    def __init__(self) -> None:
        self.installed = False
        self.audit = True
        self._thread: int | None = None  # the thread running reward code, None when idle
        self._exec_code: Any = None  # the reward module's code object, allowed to exec once
        self.violation: str | None = None

    # --- set-up ---------------------------------------------------------------------------

    def install(self, audit: bool = True) -> None:
        """Arm the process: audit hook (unless `audit` is False, for tests of the other
        layers alone), module guards, warnings that need no source files."""
        if self.installed:
            return
        import importlib

        for name in PRELOAD:
            importlib.import_module(name)
        self.audit = audit
        if audit:
            _hash_tensors_without_audit_events()  # before the hook: it sets a type attribute
            sys.addaudithook(self._hook)
        _guard_raw_memory()
        # Printing a warning reads the source line from disk (an `open` while reward code
        # runs); show warnings without it.
        warnings.showwarning = _show_warning
        self.installed = True

    # --- while reward code runs -----------------------------------------------------------

    @contextmanager
    def running(self, module_code: Any = None) -> Iterator[None]:
        """Reward code runs inside: refused operations raise and are recorded."""
        previous = self._thread
        self._thread = threading.get_ident()
        self._exec_code = module_code
        try:
            yield
        finally:
            self._thread = previous
            self._exec_code = None

    def enter(self) -> None:
        """`running()` without a context manager, for the per-step call path."""
        self._thread = threading.get_ident()

    def leave(self) -> None:
        self._thread = None

    def active(self) -> bool:
        return self._thread is not None and self._thread == threading.get_ident()

    def record(self, reason: str) -> None:
        """Keep the first violation of reward code (only while it runs)."""
        if self.active() and self.violation is None:
            self.violation = reason

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if self._thread is None or event in ALLOWED_EVENTS or self._thread != threading.get_ident():
            return
        if event == "exec" and args and args[0] is self._exec_code:
            return  # the reward module itself, executed by the binder
        reason = describe(event, args)
        if self.violation is None:
            self.violation = reason
        raise RewardBlocked(f"blocked: {reason}")


GUARD = Guard()


class Unreachable:
    """Stands in a module view for a submodule reward code may not use."""

    def __init__(self, dotted: str) -> None:
        self._dotted = dotted

    def _refuse(self) -> None:
        reason = f"tried to use `{self._dotted}`, which reward code may not use"
        GUARD.record(reason)
        raise RewardBlocked(f"blocked: {reason}")

    def __getattr__(self, name: str) -> Any:
        self._refuse()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse()


class GuardedModule(types.ModuleType):
    """A module whose attributes reward code cannot set or delete (reward code's module views).
    Only setting and deleting are overridden: a `__getattr__` here would route every
    `np.x` of the reward through a slow generic lookup."""

    def __setattr__(self, name: str, value: Any) -> None:
        if GUARD.active():
            reason = f"tried to change the module attribute `{self.__name__}.{name}`"
            GUARD.record(reason)
            raise RewardBlocked(f"blocked: {reason}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if GUARD.active():
            reason = f"tried to delete the module attribute `{self.__name__}.{name}`"
            GUARD.record(reason)
            raise RewardBlocked(f"blocked: {reason}")
        super().__delattr__(name)


def _hash_tensors_without_audit_events() -> None:
    """torch's `Tensor.__hash__` is Python code returning `id(self)`, and `id` raises an audit
    event: with a hook installed, every tensor hashed (optimizer state, parameter sets: about
    3 per env step of PPO) calls the hook, 0.55 us each, armed or not, which cost about 1% of
    LunarLander training (bench/RESULTS.md). `object.__hash__` is the same identity hash,
    computed in C without an event (and without a Python frame)."""
    torch = sys.modules.get("torch")
    tensor = getattr(torch, "Tensor", None)
    if isinstance(tensor, type) and isinstance(vars(tensor).get("__hash__"), types.FunctionType):
        tensor.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]


def _guard_raw_memory() -> None:
    """`as_strided` makes arrays over any memory, no audit event raised: refused while reward
    code runs (its callers in numpy, e.g. sliding_window_view, with it)."""
    import numpy.lib.stride_tricks as tricks

    original = tricks.as_strided

    def as_strided(*args: Any, **kwargs: Any) -> Any:
        if GUARD.active():
            reason = "tried to view raw memory with as_strided"
            GUARD.record(reason)
            raise RewardBlocked(f"blocked: {reason}")
        return original(*args, **kwargs)

    tricks.as_strided = as_strided
    import numpy.lib._stride_tricks_impl as impl

    impl.as_strided = as_strided


def _show_warning(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: str | None = None) -> None:
    text = warnings.formatwarning(message, category, filename, lineno, line="")
    try:
        (file or sys.stderr).write(text)
    except (OSError, ValueError):
        pass
