"""Where a job runs its model: one rule for the server, which limits a job's address space
only when it runs on the CPU, and for the job, which builds or loads its model there.

Whether CUDA is available is an argument, so every case can be checked on a machine without
a GPU; `cuda_available()` gives the real answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest

MLP = "MlpPolicy"
_CUDA = re.compile(r"cuda(:\d+)?")


@dataclass(frozen=True)
class Device:
    name: str  # what torch is given: "cpu", "cuda" or "cuda:N"
    warning: str | None = None  # why it is not the device asked for

    @property
    def is_cpu(self) -> bool:
        return self.name == "cpu"


def choose(requested: str, policy: str, is_atari: bool, cuda: bool, path: str = "device") -> Device:
    requested = (requested or "auto").lower()
    if _CUDA.fullmatch(requested):
        if cuda:
            return Device(requested)
        return Device("cpu", f"device {requested!r} asked for, but no CUDA GPU is available: running on the CPU.")
    if requested == "auto":
        # SB3's own advice: small MLP policies run faster on the CPU than on a GPU, where
        # the transfer per step costs more than the matrix work; image policies gain.
        return Device("cuda" if cuda and ("Cnn" in policy or is_atari) else "cpu")
    if requested == "cpu":
        return Device("cpu")
    raise BadRequest(f"{path} {requested!r} is not one of cpu, cuda, cuda:N, auto", path=path)


def train_device(rl: dict[str, Any], cuda: bool) -> Device:
    """The device of a training run, from the config's rl section."""
    training = rl.get("training") or {}
    policy = (rl.get("algo_params") or {}).get("policy", MLP)
    return choose(str(training.get("device") or "auto"), str(policy), bool(training.get("is_atari")), cuda, "rl.training.device")


def job_device(task: str, params: dict[str, Any], cuda: bool) -> Device:
    """The device a job's model runs on, from the job's request params."""
    if task == "train":
        return train_device(params.get("rl") or {}, cuda)
    if task in ("evaluate", "render_gif"):
        # The saved model's policy is not in the request: "auto" decides as for an MLP,
        # the policy of nearly every reward search (an evaluation is a few episodes).
        return choose(str(params.get("device") or "cpu"), MLP, False, cuda)
    return Device("cpu")  # smoke and describe_spaces step envs with no model


_cuda: bool | None = None


def cuda_available() -> bool:
    global _cuda
    if _cuda is None:
        # Imported on first use: the worker sets torch's thread variables before it loads.
        import torch

        _cuda = bool(torch.cuda.is_available())
    return _cuda
