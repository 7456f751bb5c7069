"""The defaults the worker shares with the TypeScript side, read from defaults.json beside
this file (src/defaults.ts reads the same file), so the two cannot drift apart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

DEFAULTS_FILE = Path(__file__).with_name("defaults.json")


@dataclass(frozen=True)
class LimitDefaults:
    wall_s: float
    memory_mb: float


@dataclass(frozen=True)
class SmokeDefaults:
    steps: int
    seed: int


@dataclass(frozen=True)
class EvaluationDefaults:
    """An evaluate request (and the config's final rl.evaluation)."""

    num_episodes: int
    seed: int


@dataclass(frozen=True)
class TrainingEvalDefaults(EvaluationDefaults):
    """Evaluations during training (rl.training.eval): how many, each one an evaluation."""

    num_evals: int


@dataclass(frozen=True)
class GifDefaults:
    max_frames: int
    fps: float


@dataclass(frozen=True)
class Defaults:
    limits: Mapping[str, LimitDefaults]  # per task
    smoke: SmokeDefaults
    max_call_s: float  # one compute_reward call, before the job says it is stuck
    training_eval: TrainingEvalDefaults
    evaluation: EvaluationDefaults
    gif: GifDefaults


def load(path: Path = DEFAULTS_FILE) -> Defaults:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return Defaults(
        limits=MappingProxyType({task: LimitDefaults(**given) for task, given in raw["limits"].items()}),
        smoke=SmokeDefaults(**raw["smoke"]),
        max_call_s=float(raw["max_call_s"]),
        training_eval=TrainingEvalDefaults(**raw["training_eval"]),
        evaluation=EvaluationDefaults(**raw["evaluation"]),
        gif=GifDefaults(**raw["gif"]),
    )


DEFAULTS = load()
