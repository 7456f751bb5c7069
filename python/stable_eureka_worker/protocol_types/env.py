"""The env a request is about (an env folder, or a registered gymnasium env for train, evaluate
and render_gif), the limits and containment a job runs under, and describe_env's params and
result.

No `from __future__ import annotations` here: TypedDict sees NotRequired only in evaluated
annotations.
"""

from typing import Any, Literal, Union

from typing_extensions import NotRequired, TypedDict

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
