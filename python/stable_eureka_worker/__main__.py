"""`python -m stable_eureka_worker [--executor local|ray] [--ray-address ADDR] [--ray-num-cpus N]
[--ray-num-gpus G]`: the worker, JSON lines on stdin/stdout (see ../PROTOCOL.md)."""

from __future__ import annotations

import argparse
import sys

from .server import ExecutorChoice, main


def parse_args(argv: list[str]) -> ExecutorChoice:
    parser = argparse.ArgumentParser(prog="python -m stable_eureka_worker", description="The stable-eureka worker (JSON lines on stdin/stdout).")
    parser.add_argument("--executor", choices=("local", "ray"), default="local", help="where jobs run: child processes here (default) or a Ray cluster")
    parser.add_argument("--ray-address", default="auto", help="the Ray cluster: host:port of its head node, or auto (the one started here with `ray start --head`)")
    parser.add_argument("--ray-num-cpus", type=float, default=1.0, help="CPUs Ray reserves for each job (default 1)")
    parser.add_argument("--ray-num-gpus", type=float, default=0.0, help="GPUs Ray reserves for each job (default 0; fractions share a GPU)")
    args = parser.parse_args(argv)
    return ExecutorChoice(args.executor, args.ray_address, args.ray_num_cpus, args.ray_num_gpus)


main(parse_args(sys.argv[1:]))
