"""The protocol's messages as Python types: one TypedDict or alias per `$defs` entry of
protocol.schema.json (the one definition of the protocol; ../PROTOCOL.md says what it means),
with the same names as there and in src/worker/protocol.ts, and the tasks' parts of two job
results (TrainFields, EvaluateFields).

python/tests/test_protocol_types.py fails when a type here and its schema entry differ (keys,
optionality, value types) and when a real session's replies and events do not validate
against the schema. Nothing is checked at run time: these are the annotations of the server
and the tasks where payloads enter and leave.

No `from __future__ import annotations` here: TypedDict sees NotRequired only in evaluated
annotations.
"""

import json
from pathlib import Path
from typing import Any, Literal, Union

from typing_extensions import NotRequired, TypedDict

SCHEMA_FILE = Path(__file__).with_name("protocol.schema.json")


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


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


# --- shared parameter objects -------------------------------------------------------------


class EnvRef(TypedDict):
    env_dir: str
    class_name: NotRequired[str | None]
    kwargs: NotRequired[dict[str, Any] | None]
    max_episode_steps: NotRequired[int | None]


class GymEnvRef(TypedDict):
    gym_id: str
    kwargs: NotRequired[dict[str, Any] | None]
    max_episode_steps: NotRequired[int | None]


JobEnvRef = Union[EnvRef, GymEnvRef]


class Limits(TypedDict, total=False):
    wall_s: float
    memory_mb: float


class Containment(TypedDict, total=False):
    audit_hook: bool
    fitness_integrity: bool
    os_isolation: bool


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


# --- describe_env -------------------------------------------------------------------------


class DescribeEnvParams(TypedDict):
    env: EnvRef


class CallSite(TypedDict):
    args: list[str]
    positional: list[str]
    keywords: list[str]
    line: int
    text: str
    signature: str
    has_star_args: bool
    method: str


class EnvDescription(TypedDict):
    env_dir: str
    env_file: str
    class_name: str
    classes: list[str]
    call_site: CallSite
    fitness_call_site: CallSite | None
    step_code: str
    step_code_source: Literal["step.py", "env.py"]
    task_description: str | None
    initial_reward: str | None
    warnings: list[str]
    observation_space: str | None
    action_space: str | None
    observation_shape: list[int] | None
    action_shape: list[int] | None
    action_type: Literal["discrete", "continuous", "other"] | None
    allowed_modules: list[str]


# --- check_reward -------------------------------------------------------------------------


class SmokeParams(TypedDict, total=False):
    steps: int
    seed: int


class CheckParams(TypedDict):
    env: EnvRef
    code: str
    smoke: NotRequired[SmokeParams | Literal[False]]
    limits: NotRequired[Limits]
    reward_file: NotRequired[str]
    max_call_s: NotRequired[float]


CheckStage = Literal["syntax", "structure", "signature", "forbidden", "names", "smoke", "ok"]


class CheckProblem(TypedDict):
    stage: CheckStage
    message: str
    line: int | None
    col: int | None


class Stats(TypedDict):
    mean: float
    min: float
    max: float


class SmokeSummary(TypedDict):
    steps: int
    episodes: int
    reward: Stats
    components: dict[str, Stats]
    wall_s: float


FailedStatus = Literal["failed", "timeout", "out_of_memory", "cancelled", "crashed"]
JobStatus = Union[Literal["succeeded"], FailedStatus]


class JobFailure(TypedDict):
    phase: str
    reason: str
    traceback: str | None
    line: int | None
    exit_code: int | None


class SmokeFailure(JobFailure):
    status: FailedStatus


class JobOutput(TypedDict):
    bytes: int
    dropped: int
    tail: str
    log: str | None


class CheckResult(TypedDict):
    passed: bool
    stage: CheckStage
    errors: list[CheckProblem]
    warnings: list[str]
    normalized: str | None
    signature: str
    components: list[str] | None
    smoke: SmokeSummary | None
    failure: NotRequired[SmokeFailure]
    output: NotRequired[JobOutput]


# --- jobs ---------------------------------------------------------------------------------


class JobFailed(TypedDict):
    status: FailedStatus
    failure: JobFailure
    output: JobOutput


# --- train --------------------------------------------------------------------------------


class RlNetArch(TypedDict, total=False):
    pi: list[int]
    vf: list[int]
    qf: list[int]


class RlArchitecture(TypedDict, total=False):
    net_arch: list[int] | RlNetArch | None
    activation_fn: str | None
    share_features_extractor: bool | None


class RlTrainingEval(TypedDict, total=False):
    seed: int
    num_episodes: int
    num_evals: int


class RlTraining(TypedDict):
    torch_compile: NotRequired[bool]
    seed: NotRequired[int]
    eval: NotRequired[RlTrainingEval]
    total_timesteps: int
    device: NotRequired[Literal["cpu", "cuda", "auto"]]
    num_envs: NotRequired[int]
    state_stack: NotRequired[int]
    is_atari: NotRequired[bool]
    multithreaded: NotRequired[bool]
    limits: NotRequired[Limits]
    max_parallel: NotRequired[int | None]


class RlEvaluation(TypedDict, total=False):
    seed: int
    num_episodes: int
    save_gif: bool


class RlSection(TypedDict):
    algo: Literal["ppo", "sac", "dqn", "td3", "ddpg"]
    algo_params: NotRequired[dict[str, Any]]
    architecture: NotRequired[RlArchitecture | None]
    training: RlTraining
    evaluation: NotRequired[RlEvaluation]


class TrainParams(TypedDict):
    env: JobEnvRef
    code: NotRequired[str | None]
    rl: RlSection
    out_dir: str
    total_timesteps: NotRequired[int | None]
    init_model: NotRequired[str | None]
    limits: NotRequired[Limits]
    progress_interval_s: NotRequired[float]
    torch_threads: NotRequired[int]
    max_call_s: NotRequired[float]
    containment: NotRequired[Containment]


class EvalEpisode(TypedDict):
    seed: int
    fitness: float
    reward: float
    length: int


class EvalPoint(TypedDict):
    timesteps: int
    fitness_mean: float
    fitness_std: float
    reward_mean: float
    length_mean: float
    components: dict[str, float]
    episodes: list[EvalEpisode]
    best: bool


class TrainFields(TypedDict):
    """What the train task returns (not in the schema): TrainSuccess less status and output,
    which the job's process and the executor add."""

    timesteps: int
    wall_s: float
    eval_s: float
    steps_per_s: float
    train_steps_per_s: float
    device: str
    algo: str
    components: list[str]
    evals: list[EvalPoint]
    best: EvalPoint | None
    final: EvalPoint | None
    best_model: str
    final_model: str
    tensorboard_dir: str
    evals_file: str
    reward_file: str | None
    env_copy_file: str | None
    warnings: list[str]


class TrainSuccess(TrainFields):
    status: Literal["succeeded"]
    output: JobOutput


TrainResult = Union[TrainSuccess, JobFailed]

# --- evaluate, render_gif -----------------------------------------------------------------


class GifParams(TypedDict):
    path: str
    fps: NotRequired[float]
    max_frames: NotRequired[int]
    episode: NotRequired[int]


class EvaluateParams(TypedDict):
    env: JobEnvRef
    code: NotRequired[str | None]
    model: str
    algo: str
    episodes: NotRequired[int]
    seed: NotRequired[int]
    deterministic: NotRequired[bool]
    state_stack: NotRequired[int]
    device: NotRequired[str]
    gif: NotRequired[GifParams | None]
    limits: NotRequired[Limits]
    torch_threads: NotRequired[int]
    max_call_s: NotRequired[float]
    reward_file: NotRequired[str]
    containment: NotRequired[Containment]


class EpisodeResult(TypedDict):
    seed: int
    fitness: float
    reward: float
    length: int
    components: dict[str, float]


class EvaluateFields(TypedDict):
    """What the evaluate and render_gif tasks return (not in the schema): EvaluateSuccess less
    status and output."""

    episodes: list[EpisodeResult]
    fitness_mean: float
    fitness_std: float
    fitness_min: float
    fitness_max: float
    reward_mean: float
    length_mean: float
    components: dict[str, float]
    gif: str | None
    gif_frames: int


class EvaluateSuccess(EvaluateFields):
    status: Literal["succeeded"]
    output: JobOutput


EvaluateResult = Union[EvaluateSuccess, JobFailed]

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
