"""The wire: the envelopes every line is (hello, request, reply, event), the errors, each
event's data, the small methods (ping, cancel, jobs, shutdown) and the maps of every method's
params, result and events (METHODS) and of each event's data (EVENTS). The payloads of the other
methods are in env.py (the env a request is about, describe_env) and jobs.py (check_reward,
train, evaluate, render_gif).

No `from __future__ import annotations` here: TypedDict sees NotRequired only in evaluated
annotations.
"""

from typing import Any, Literal, Union

from typing_extensions import NotRequired, TypedDict

from .env import DescribeEnvParams, EnvDescription
from .jobs import CheckParams, CheckResult, EvalPoint, EvaluateParams, EvaluateResult, TrainParams, TrainResult

# --- envelopes ----------------------------------------------------------------------------

MethodName = Literal["ping", "describe_env", "check_reward", "train", "evaluate", "render_gif", "cancel", "jobs", "shutdown"]
EventName = Literal["queued", "started", "phase", "progress", "eval", "log"]
ErrorKind = Literal["bad_request", "unknown_method", "env_error", "protocol", "internal"]


class WorkerRequest(TypedDict):
    type: Literal["request"]
    id: str
    method: MethodName
    params: NotRequired[dict[str, Any]]


class Hello(TypedDict):
    type: Literal["hello"]
    protocol: Literal[1]
    pid: int
    python: str
    versions: dict[str, str]
    cuda: bool
    cpus: int
    max_jobs: int
    executor: Literal["local", "ray"]


class ErrorBody(TypedDict):
    kind: ErrorKind
    message: str
    details: dict[str, Any]


class ReplyOk(TypedDict):
    type: Literal["reply"]
    id: str | None
    ok: Literal[True]
    result: Any


class ReplyError(TypedDict):
    type: Literal["reply"]
    id: str | None
    ok: Literal[False]
    error: ErrorBody


Reply = Union[ReplyOk, ReplyError]


class WorkerEvent(TypedDict):
    type: Literal["event"]
    id: str
    event: EventName
    data: dict[str, Any]


Incoming = Union[Hello, Reply, WorkerEvent]

# --- events -------------------------------------------------------------------------------


class QueuedEvent(TypedDict):
    position: int


class StartedEvent(TypedDict):
    pid: int


class PhaseEvent(TypedDict):
    phase: str


class ProgressEvent(TypedDict):
    timesteps: int
    total_timesteps: int
    steps_per_s: float
    elapsed_s: float


class LogEvent(TypedDict):
    level: str
    message: str


# --- ping, cancel, jobs, shutdown ---------------------------------------------------------


class EmptyParams(TypedDict):
    pass


class PingResult(TypedDict):
    pong: Literal[True]


class CancelParams(TypedDict):
    id: str


class CancelResult(TypedDict):
    cancelled: bool


class JobsResult(TypedDict):
    running: list[str]
    queued: list[str]
    max_jobs: int


class ShutdownResult(TypedDict):
    bye: Literal[True]


# --- the methods and events (the schema's x-methods and x-events) -------------------------

METHODS: dict[str, tuple[Any, Any, tuple[str, ...]]] = {
    "ping": (EmptyParams, PingResult, ()),
    "describe_env": (DescribeEnvParams, EnvDescription, ("queued", "started", "phase")),
    "check_reward": (CheckParams, CheckResult, ("queued", "started", "phase")),
    "train": (TrainParams, TrainResult, ("queued", "started", "phase", "progress", "eval", "log")),
    "evaluate": (EvaluateParams, EvaluateResult, ("queued", "started", "phase", "log")),
    "render_gif": (EvaluateParams, EvaluateResult, ("queued", "started", "phase", "log")),
    "cancel": (CancelParams, CancelResult, ()),
    "jobs": (EmptyParams, JobsResult, ()),
    "shutdown": (EmptyParams, ShutdownResult, ()),
}
"""Each method's (params, result, events it may send)."""

EVENTS: dict[str, Any] = {
    "queued": QueuedEvent,
    "started": StartedEvent,
    "phase": PhaseEvent,
    "progress": ProgressEvent,
    "eval": EvalPoint,
    "log": LogEvent,
}
"""Each event's data."""
