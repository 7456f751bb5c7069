"""Connecting the worker to a Ray cluster, and what its nodes offer (rayexec.py).

ray.init on an address where no cluster answers retries for minutes; the worker must say
what is wrong at once instead: the address is resolved as Ray resolves it, probed, and
ray.init itself is bounded.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
from pathlib import Path
from typing import Any

CONNECT_TIMEOUT_S = 60.0
PROBE_TIMEOUT_S = 5.0
# Passed to the nodes' job processes like the worker's main() sets them for its own.
FORWARDED_ENV = ("SDL_VIDEODRIVER", "SDL_AUDIODRIVER", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


class RayUnavailable(RuntimeError):
    """The cluster cannot run jobs (unreachable, or no node big enough): the worker exits
    with this message rather than start."""


def _bootstrap(address: str) -> str:
    """host:port of the cluster's GCS, as ray.init would use it (auto: the running cluster
    recorded on this machine or RAY_ADDRESS; 127.0.0.1 becomes this machine's IP)."""
    from ray._private.services import canonicalize_bootstrap_address

    try:
        found = canonicalize_bootstrap_address(address)
    except Exception as e:
        raise RayUnavailable(f"--ray-address {address!r} is not a Ray address ({e}): give host:port of the head node, or auto") from None
    if found is None:
        raise RayUnavailable(
            f"no running Ray cluster found for --ray-address {address!r}: start one with `ray start --head` "
            "(nodes join with `ray start --address <head>:6379`), or give its address as host:port"
        )
    return found


def _probe(address: str, target: str) -> None:
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_TIMEOUT_S):
            pass
    except (OSError, ValueError) as e:
        raise RayUnavailable(
            f"cannot reach a Ray cluster at {address!r} ({target}: {e}): start one with `ray start --head` "
            "on that machine, or fix --ray-address (host:port of the head node's GCS, 6379 by default)"
        ) from None


def connect(address: str) -> str:
    import ray

    target = _bootstrap(address)
    _probe(address, target)
    env = {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
    package = str(Path(__file__).resolve().parent)
    failure: list[BaseException] = []

    def init() -> None:
        try:
            ray.init(
                address=target,
                namespace="stable-eureka",
                # Ray's own output stays out of the worker: its stdout is the protocol, and the
                # jobs' output is captured on the nodes (joboutput.py).
                log_to_driver=False,
                logging_level=logging.WARNING,
                runtime_env={"py_modules": [package], "excludes": ["__pycache__"], "env_vars": env},
            )
        except BaseException as e:
            failure.append(e)

    # Something that answers on the port but is no GCS makes ray.init retry for minutes.
    thread = threading.Thread(target=init, daemon=True, name="ray-init")
    thread.start()
    thread.join(CONNECT_TIMEOUT_S)
    if thread.is_alive():
        raise RayUnavailable(f"no Ray cluster answered at {address!r} ({target}) within {CONNECT_TIMEOUT_S:g} s: is it a Ray head node's GCS port?")
    if failure:
        raise RayUnavailable(f"connecting to the Ray cluster at {address!r} ({target}) failed: {type(failure[0]).__name__}: {failure[0]}")
    return target


def alive_nodes() -> list[dict[str, Any]]:
    import ray

    return [n for n in ray.nodes() if n.get("Alive")]


def fits(node: dict[str, Any], num_cpus: float, num_gpus: float) -> bool:
    res = node.get("Resources") or {}
    return res.get("CPU", 0.0) >= num_cpus and res.get("GPU", 0.0) >= num_gpus


def capacity(nodes: list[dict[str, Any]], num_cpus: float, num_gpus: float) -> int:
    """How many jobs fit on the nodes at once."""
    total = 0
    for n in nodes:
        res = n.get("Resources") or {}
        per = [math.floor(res.get(k, 0.0) / need + 1e-9) for k, need in (("CPU", num_cpus), ("GPU", num_gpus)) if need > 0]
        total += min(per) if per else 0
    return total
