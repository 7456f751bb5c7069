"""The one device rule (device.py): where each kind of job runs its model, and that the
address-space limit applies exactly when that is the CPU. CUDA availability is an argument,
so every case runs on a machine without a GPU."""

from __future__ import annotations

from typing import Any

import pytest

from stable_eureka_worker.device import job_device
from stable_eureka_worker.errors import BadRequest
from stable_eureka_worker.server import job_limits


def train(device: str | None, policy: str | None = None, is_atari: bool = False) -> dict[str, Any]:
    training: dict[str, Any] = {"total_timesteps": 1000, "is_atari": is_atari}
    if device is not None:
        training["device"] = device
    rl: dict[str, Any] = {"algo": "ppo", "training": training}
    if policy is not None:
        rl["algo_params"] = {"policy": policy}
    return {"rl": rl}


CASES = [
    # (task, params, cuda available, device, warned)
    ("train", train("cpu"), True, "cpu", False),
    ("train", train("cpu"), False, "cpu", False),
    ("train", train("cuda"), True, "cuda", False),
    ("train", train("cuda"), False, "cpu", True),
    ("train", train("cuda:1"), True, "cuda:1", False),
    ("train", train("cuda:1"), False, "cpu", True),
    ("train", train("CUDA"), True, "cuda", False),
    ("train", train("auto"), True, "cpu", False),  # an MLP trains faster on the CPU
    ("train", train("auto"), False, "cpu", False),
    ("train", train(None), True, "cpu", False),  # no device: auto
    ("train", train("auto", "CnnPolicy"), True, "cuda", False),
    ("train", train("auto", "CnnPolicy"), False, "cpu", False),
    ("train", train("auto", is_atari=True), True, "cuda", False),
    ("train", train("auto", "MultiInputPolicy"), True, "cpu", False),
    ("evaluate", {"device": "cuda"}, True, "cuda", False),
    ("evaluate", {"device": "cuda"}, False, "cpu", True),
    ("evaluate", {"device": "cuda:1"}, True, "cuda:1", False),
    ("evaluate", {"device": "auto"}, True, "cpu", False),
    ("evaluate", {"device": "cpu"}, True, "cpu", False),
    ("evaluate", {}, True, "cpu", False),  # the protocol's default
    ("render_gif", {"device": "cuda"}, True, "cuda", False),
    ("render_gif", {"device": "cuda"}, False, "cpu", True),
    ("render_gif", {}, True, "cpu", False),
    ("smoke", {}, True, "cpu", False),
    ("describe_spaces", {}, True, "cpu", False),
]


def case_id(case: tuple[str, dict[str, Any], bool, str, bool]) -> str:
    task, params, cuda, _, _ = case
    rl = params.get("rl") or {}
    asked = (rl.get("training") or {}).get("device", "-") if rl else params.get("device", "-")
    policy = (rl.get("algo_params") or {}).get("policy", "mlp") + (" atari" if (rl.get("training") or {}).get("is_atari") else "")
    return f"{task} {asked}{' ' + policy if rl else ''} {'with' if cuda else 'without'} cuda"


@pytest.mark.parametrize("task,params,cuda,device,warned", CASES, ids=[case_id(c) for c in CASES])
def test_device_and_address_space_limit(task: str, params: dict[str, Any], cuda: bool, device: str, warned: bool) -> None:
    chosen = job_device(task, params, cuda)
    assert chosen.name == device
    assert (chosen.warning is not None) == warned
    limits = job_limits(task, params, cuda)
    assert limits.address_space is (device == "cpu")


def test_request_limits_override_the_defaults_but_not_the_device_rule() -> None:
    limits = job_limits("train", {**train("cuda"), "limits": {"wall_s": 5, "memory_mb": 100}}, True)
    assert (limits.wall_s, limits.memory_mb, limits.address_space) == (5.0, 100.0, False)


@pytest.mark.parametrize(
    "task,params,path",
    [("train", train("tpu"), "rl.training.device"), ("evaluate", {"device": "cudax"}, "device")],
)
def test_an_unknown_device_is_a_bad_request(task: str, params: dict[str, Any], path: str) -> None:
    with pytest.raises(BadRequest) as info:
        job_limits(task, params, True)
    assert info.value.details == {"path": path}
    assert "not one of cpu, cuda, cuda:N, auto" in info.value.message
