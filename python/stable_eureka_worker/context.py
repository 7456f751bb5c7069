"""What a job's task sees of its process (JobContext): its own module so that tasks.py
needs nothing from jobs.py, which runs the tasks."""

from __future__ import annotations

import os
import threading
from typing import Any, Mapping

from .protocol_types import EventName


class JobContext:
    """What a task sees: a way to send events and to name the phase it is in."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._send_lock = threading.Lock()
        self.phase = "start"

    def emit(self, event: EventName, data: Mapping[str, Any]) -> None:
        """An event of the job's request (protocol.schema.json's x-events: data as its event says)."""
        with self._send_lock:
            self._conn.send({"type": "event", "event": event, "data": data})

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.emit("phase", {"phase": phase})

    def finish(self, result: dict[str, Any]) -> None:
        with self._send_lock:
            self._conn.send({"type": "result", "result": result})

    def abort(self, reason: str, line: int | None = None) -> None:
        """Report a failure from any thread and end the process at once."""
        try:
            self.finish({"status": "failed", "failure": {"phase": self.phase, "reason": reason, "traceback": None, "line": line, "exit_code": None}})
        finally:
            os._exit(3)
