"""The worker's errors: protocol errors (WorkerError and its kinds, an error reply) and
JobFailure (a job that ran and failed, a job result)."""

from __future__ import annotations

from typing import Any


class WorkerError(Exception):
    """An error reply: `kind` is the protocol's error kind, `details` extra fields."""

    kind = "internal"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(WorkerError):
    kind = "bad_request"


class EnvError(WorkerError):
    """The env folder cannot be used: names the file and says how to fix it."""

    kind = "env_error"


class JobFailure(Exception):
    """A failure with a known phase and a sentence that explains it."""

    def __init__(self, phase: str, reason: str, line: int | None = None, tb: str | None = None, status: str = "failed") -> None:
        super().__init__(reason)
        self.phase = phase
        self.reason = reason
        self.line = line
        self.tb = tb
        self.status = status
