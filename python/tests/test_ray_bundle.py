"""raybundle.py: which params name files, how they are packed for a node and brought back,
and how the node's paths in a result become the worker's again. No Ray needed."""

from __future__ import annotations

import os
from pathlib import Path

from stable_eureka_worker.raybundle import STREAMED, Transfer, localize, node_paths, pack, plan, relocate, unpack


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_plan_names_the_files_a_job_reads_and_writes(tmp_path: Path) -> None:
    model = tmp_path / "m.zip"
    model.write_bytes(b"zip")
    params = {"env": {"env_dir": "/envs/cartpole"}, "init_model": str(model), "out_dir": "/runs/s1", "gif": {"path": "/runs/a.gif"}}
    assert plan(params) == Transfer({"env": "/envs/cartpole", "init_model": str(model)}, {"out": "/runs/s1", "gif": "/runs/a.gif"})
    # a model path that is no file here is left to fail on the node as it would locally
    assert plan({"model": str(tmp_path / "missing.zip"), "env": {"gym_id": "CartPole-v1"}}) == Transfer()


def test_inputs_reach_the_node_and_outputs_come_back(tmp_path: Path) -> None:
    env_dir = tmp_path / "driver" / "cartpole"
    (env_dir / "env_code").mkdir(parents=True)
    (env_dir / "env_code" / "env.py").write_text("class E: pass\n")
    (env_dir / "__pycache__").mkdir()
    (env_dir / "__pycache__" / "x.pyc").write_bytes(b"stale")
    model = tmp_path / "driver" / "model.zip"
    model.write_bytes(b"weights")
    out_dir = tmp_path / "driver" / "sample"
    out_dir.mkdir()
    (out_dir / "evals.jsonl").write_text('{"old": 1}\n')
    params = {"env": {"env_dir": str(env_dir)}, "model": str(model), "out_dir": str(out_dir), "gif": {"path": str(tmp_path / "driver" / "g.gif"), "fps": 5}}
    transfer = plan(params)

    root = tmp_path / "node"
    paths = node_paths(transfer, root)
    unpack(pack(transfer.inputs), {n: paths[n] for n in transfer.inputs})
    assert _tree(Path(paths["env"])) == {"env_code/env.py": b"class E: pass\n"}  # no __pycache__
    assert Path(paths["model"]).read_bytes() == b"weights"
    local = localize(params, transfer, paths)
    assert local["env"]["env_dir"] == paths["env"] and local["model"] == paths["model"] and local["out_dir"] == paths["out"]
    assert local["gif"] == {"path": paths["gif"], "fps": 5} and params["gif"]["path"] != paths["gif"]  # params untouched

    node_out = Path(paths["out"])
    (node_out / "tensorboard").mkdir()
    (node_out / "tensorboard" / "events").write_bytes(b"tb")
    (node_out / "best_model.zip").write_bytes(b"best")
    (node_out / "evals.jsonl").write_text('{"new": 1}\n')
    os.symlink("/etc/passwd", node_out / "link")  # a job's link never makes the driver write elsewhere
    Path(paths["gif"]).write_bytes(b"GIF89a")
    written = unpack(pack({n: paths[n] for n in transfer.outputs}), transfer.outputs, skip=STREAMED)
    assert _tree(out_dir) == {"best_model.zip": b"best", "evals.jsonl": b'{"old": 1}\n', "tensorboard/events": b"tb"}
    assert (tmp_path / "driver" / "g.gif").read_bytes() == b"GIF89a"
    assert sorted(written) == sorted([str(out_dir / "best_model.zip"), str(out_dir / "tensorboard" / "events"), str(tmp_path / "driver" / "g.gif")])

    back = {paths[n]: p for n, p in {**transfer.inputs, **transfer.outputs}.items()}
    result = {"final_model": f"{paths['out']}/model.zip", "failure": {"traceback": f'File "{paths["env"]}/env_code/env.py", line 1'}, "n": [1, paths["gif"]]}
    assert relocate(result, back) == {
        "final_model": f"{out_dir}/model.zip",
        "failure": {"traceback": f'File "{env_dir}/env_code/env.py", line 1'},
        "n": [1, str(tmp_path / "driver" / "g.gif")],
    }
