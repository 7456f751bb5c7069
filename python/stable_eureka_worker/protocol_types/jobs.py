"""The methods that run reward code as a job: check_reward (with its smoke run), train,
evaluate and render_gif. Their params, what a job printed, how a job fails, and the tasks' parts
of two job results (TrainFields, EvaluateFields).

No `from __future__ import annotations` here: TypedDict sees NotRequired only in evaluated
annotations.
"""

from typing import Any, Literal, Union

from typing_extensions import NotRequired, TypedDict

from .env import Containment, EnvRef, JobEnvRef, Limits

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
    code: str
    params: dict[str, str | int]
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


class JobWhere(TypedDict):
    """Where a job ran and for how long."""

    executor: Literal["local", "ray"]
    node_id: str | None
    host: str | None
    ip: str | None
    wall_s: float
    attempts: int


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
    where: NotRequired[JobWhere]


# --- jobs ---------------------------------------------------------------------------------


class JobFailed(TypedDict):
    status: FailedStatus
    failure: JobFailure
    output: JobOutput
    where: NotRequired[JobWhere]


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
    where: NotRequired[JobWhere]


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
    where: NotRequired[JobWhere]


EvaluateResult = Union[EvaluateSuccess, JobFailed]
