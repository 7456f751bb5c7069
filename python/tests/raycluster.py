"""A Ray cluster on this machine for the tests: a head with no CPUs and two nodes of one CPU
each, light (no dashboard, small object stores) and with quick health checks, so that a killed
node is called dead in seconds rather than Ray's default ~30 s.

The pytest fixture (test_ray_executor.py) builds one with `local_cluster`; the TypeScript test
(test/ray.test.ts) runs this file, which prints {"address": ...} and keeps the cluster until its
stdin closes, then stops it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from contextlib import contextmanager
from typing import Iterator

from ray.cluster_utils import Cluster

MB = 1024 * 1024
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # the test cluster reports nothing anywhere
FAST_HEALTH = {
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 1000,
    "health_check_timeout_ms": 1000,
    "health_check_failure_threshold": 2,
}
NODE = {"num_cpus": 1, "object_store_memory": 150 * MB}


@contextmanager
def local_cluster(nodes: int = 2) -> Iterator[Cluster]:
    c = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 0, "object_store_memory": 200 * MB, "include_dashboard": False, "_system_config": FAST_HEALTH},
    )
    session_dir = c.head_node.get_session_dir_path()  # Ray's logs and sockets, removed at the end
    try:
        for _ in range(nodes):
            c.add_node(**NODE)
        yield c
    finally:
        c.shutdown()
        shutil.rmtree(session_dir, ignore_errors=True)


def main() -> None:
    with local_cluster() as c:
        print(json.dumps({"address": c.address}), flush=True)
        sys.stdin.read()  # until the test closes it


if __name__ == "__main__":
    main()
