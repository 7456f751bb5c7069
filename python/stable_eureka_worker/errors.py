"""Errors the worker reports as protocol errors (not job failures)."""

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
