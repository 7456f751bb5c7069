"""The protocol's messages as Python types: one TypedDict or alias per `$defs` entry of
protocol.schema.json (the one definition of the protocol; ../../PROTOCOL.md says what it means),
with the same names as there and in src/worker/protocol/, and the tasks' parts of two job
results (TrainFields, EvaluateFields). Import them from here (`from .protocol_types import
EventName`); they live in three modules:

- wire.py: the envelopes (hello, request, reply, event), errors, each event's data, ping,
  cancel, jobs and shutdown, and the maps METHODS and EVENTS (the schema's x-methods, x-events);
- env.py: the env a request is about, limits, containment, describe_env;
- jobs.py: check_reward, train, evaluate and render_gif, and how a job fails.

python/tests/test_protocol_types.py fails when a type here and its schema entry differ (keys,
optionality, value types) and when a real session's replies and events do not validate
against the schema. Nothing is checked at run time: these are the annotations of the server
and the tasks where payloads enter and leave.
"""

import json
from pathlib import Path
from typing import Any

from .env import (
    CallSite as CallSite,
    Containment as Containment,
    DescribeEnvParams as DescribeEnvParams,
    EnvDescription as EnvDescription,
    EnvRef as EnvRef,
    GymEnvRef as GymEnvRef,
    JobEnvRef as JobEnvRef,
    Limits as Limits,
)
from .jobs import (
    CheckParams as CheckParams,
    CheckProblem as CheckProblem,
    CheckResult as CheckResult,
    CheckStage as CheckStage,
    EpisodeResult as EpisodeResult,
    EvalEpisode as EvalEpisode,
    EvalPoint as EvalPoint,
    EvaluateFields as EvaluateFields,
    EvaluateParams as EvaluateParams,
    EvaluateResult as EvaluateResult,
    EvaluateSuccess as EvaluateSuccess,
    FailedStatus as FailedStatus,
    GifParams as GifParams,
    JobFailed as JobFailed,
    JobFailure as JobFailure,
    JobOutput as JobOutput,
    JobWhere as JobWhere,
    JobStatus as JobStatus,
    RlArchitecture as RlArchitecture,
    RlEvaluation as RlEvaluation,
    RlNetArch as RlNetArch,
    RlSection as RlSection,
    RlTraining as RlTraining,
    RlTrainingEval as RlTrainingEval,
    SmokeFailure as SmokeFailure,
    SmokeParams as SmokeParams,
    SmokeSummary as SmokeSummary,
    Stats as Stats,
    TrainFields as TrainFields,
    TrainParams as TrainParams,
    TrainResult as TrainResult,
    TrainSuccess as TrainSuccess,
)
from .wire import (
    CancelParams as CancelParams,
    CancelResult as CancelResult,
    EmptyParams as EmptyParams,
    ErrorBody as ErrorBody,
    ErrorKind as ErrorKind,
    EventName as EventName,
    EVENTS as EVENTS,
    Hello as Hello,
    Incoming as Incoming,
    JobsResult as JobsResult,
    LogEvent as LogEvent,
    MethodName as MethodName,
    METHODS as METHODS,
    PhaseEvent as PhaseEvent,
    PingResult as PingResult,
    ProgressEvent as ProgressEvent,
    QueuedEvent as QueuedEvent,
    Reply as Reply,
    ReplyError as ReplyError,
    ReplyOk as ReplyOk,
    ShutdownResult as ShutdownResult,
    StartedEvent as StartedEvent,
    WorkerEvent as WorkerEvent,
    WorkerRequest as WorkerRequest,
)

SCHEMA_FILE = Path(__file__).parent.parent / "protocol.schema.json"


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
