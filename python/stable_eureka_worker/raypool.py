"""Warm `JobRunner` actors (raynode.py) kept between jobs for a short while (rayexec.py).

A fresh actor costs seconds before its job starts: a Ray worker process, then its forkserver
importing torch, SB3 and gymnasium. The worker's jobs come in bursts (a batch of reward checks,
then a batch of trainings), so a runner whose job ended cleanly waits IDLE_S for the next job
of the same shape, then is killed to give its CPUs and GPUs back to the cluster.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

IDLE_S = 30.0
PING_TIMEOUT_S = 10.0


class RunnerPool:
    def __init__(self, create: Callable[[], Any], idle_s: float = IDLE_S) -> None:
        self._create = create
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._idle: list[tuple[Any, float]] = []  # (actor handle, idle since)
        self._closed = False
        threading.Thread(target=self._reap, daemon=True, name="ray-runner-reaper").start()

    def take(self) -> Any:
        """A warm runner that still answers, else a new one (placed by Ray when resources allow)."""
        import ray

        while True:
            with self._lock:
                runner = self._idle.pop()[0] if self._idle else None
            if runner is None:
                return self._create()
            try:  # its node may have died while it waited
                ray.get(runner.ping.remote(), timeout=PING_TIMEOUT_S)
                return runner
            except Exception:
                self.discard(runner)

    def give_back(self, runner: Any) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append((runner, time.monotonic()))
                return
        self.discard(runner)

    def discard(self, runner: Any) -> None:
        """Kills it: its resources back at once, its forkserver and job processes with it."""
        import ray

        try:
            ray.kill(runner, no_restart=True)
        except Exception:
            pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for runner, _ in idle:
            self.discard(runner)

    def _reap(self) -> None:
        while not self._closed:
            time.sleep(min(5.0, self._idle_s))
            now = time.monotonic()
            with self._lock:
                old = [r for r, since in self._idle if now - since > self._idle_s]
                self._idle = [(r, since) for r, since in self._idle if now - since <= self._idle_s]
            for runner in old:
                self.discard(runner)
