"""The files a job moves between the worker (the Ray driver) and the node that runs it.

Nodes of a Ray cluster share no file system with the worker: what a job reads (its env folder,
a model to warm-start from or to evaluate) goes to the node packed with the job, and what it
writes (its out_dir, a GIF) comes back packed with the result. Each of these paths has a name
(`Transfer`); on the node it lives at `<job root>/<name>/<its base name>`, and `relocate`
turns the node's paths in a result back into the worker's.
"""

from __future__ import annotations

import copy
import io
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# The driver writes out_dir/evals.jsonl itself from the eval events as they arrive (a
# cancelled job's curve must be there even if the node never answers again), and appends
# like the job does; the node's copy holds this run's lines only, so it is not unpacked.
STREAMED = frozenset({"evals.jsonl"})
_SKIP_DIRS = frozenset({"__pycache__", ".git"})


@dataclass(frozen=True)
class Transfer:
    """A job's paths on the driver, by name: `inputs` are read by the job (shipped to the
    node), `outputs` are written by it (shipped back)."""

    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


def plan(params: Mapping[str, Any]) -> Transfer:
    """Which of a job's params name files: env.env_dir, init_model (train), model (evaluate,
    render_gif) are read; out_dir (train) and gif.path are written. A model path that is no
    file here is left as it is: the job then fails on it as it would locally."""
    inputs: dict[str, str] = {}
    outputs: dict[str, str] = {}
    env = params.get("env")
    if isinstance(env, Mapping) and isinstance(env.get("env_dir"), str):
        inputs["env"] = env["env_dir"]
    for key in ("init_model", "model"):
        value = params.get(key)
        if isinstance(value, str) and value and Path(value).is_file():
            inputs[key] = value
    if isinstance(params.get("out_dir"), str) and params["out_dir"]:
        outputs["out"] = params["out_dir"]
    gif = params.get("gif")
    if isinstance(gif, Mapping) and isinstance(gif.get("path"), str) and gif["path"]:
        outputs["gif"] = gif["path"]
    return Transfer(inputs, outputs)


def node_paths(transfer: Transfer, root: Path) -> dict[str, str]:
    """Where each named path lives on the node (the base name kept: messages read the same)."""
    named = {**transfer.inputs, **transfer.outputs}
    return {name: str(root / name / (Path(path).name or name)) for name, path in named.items()}


def localize(params: Mapping[str, Any], transfer: Transfer, paths: Mapping[str, str]) -> dict[str, Any]:
    """The job's params with the driver's paths replaced by the node's."""
    out = copy.deepcopy(dict(params))
    if "env" in paths:
        out["env"]["env_dir"] = paths["env"]
    for key in ("init_model", "model"):
        if key in paths:
            out[key] = paths[key]
    if "out" in paths:
        out["out_dir"] = paths["out"]
        Path(paths["out"]).mkdir(parents=True, exist_ok=True)
    if "gif" in paths:
        out["gif"] = {**out["gif"], "path": paths["gif"]}
        Path(paths["gif"]).parent.mkdir(parents=True, exist_ok=True)
    return out


def relocate(obj: Any, mapping: Mapping[str, str]) -> Any:
    """`obj` with every occurrence of a `mapping` key in its strings replaced by its value
    (node paths -> driver paths in results, events and tracebacks). The node's paths are
    unique temporary paths, so a plain replacement cannot hit anything else."""
    pairs = sorted(mapping.items(), key=lambda kv: len(kv[0]), reverse=True)

    def walk(o: Any) -> Any:
        if isinstance(o, str):
            for old, new in pairs:
                if old in o:
                    o = o.replace(old, new)
            return o
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [walk(v) for v in o]
        return o

    return walk(obj)


# --- tar bundles -------------------------------------------------------------------------


def _add(tar: tarfile.TarFile, path: Path, arcname: str) -> None:
    """Regular files and folders only: a link a job left in its out_dir must not make the
    driver write (or the node read) outside the job's folders."""
    if path.is_symlink():
        return
    if path.is_file():
        tar.add(path, arcname, recursive=False)
    elif path.is_dir():
        tar.add(path, arcname, recursive=False)
        for child in sorted(path.iterdir()):
            if child.name not in _SKIP_DIRS:
                _add(tar, child, f"{arcname}/{child.name}")


def pack(named: Mapping[str, str], skip_missing: bool = True) -> bytes:
    """A tar.gz of each named file or folder under its name."""
    buf = io.BytesIO()
    # compresslevel 1: TensorBoard logs shrink a lot already; models (zips) do not at all.
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for name, path in named.items():
            p = Path(path)
            if not p.exists() and skip_missing:
                continue
            _add(tar, p, name)
    return buf.getvalue()


def unpack(blob: bytes, targets: Mapping[str, str], skip: frozenset[str] = frozenset()) -> list[str]:
    """Extracts each named entry of `blob` to its path in `targets` (a folder's contents are
    merged into the folder there); entries in `skip` (files directly in a folder) are left out.
    Returns the files written. The "data" filter refuses absolute paths, `..` and links."""
    written: list[str] = []
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        members = tar.getmembers()
        for name, target in targets.items():
            single = [m for m in members if m.name == name and m.isfile()]
            if single:  # a file: extracted under its target's name
                dest, chosen = Path(target).parent, single
                single[0].name = Path(target).name
            else:  # a folder: its contents merged into the target folder
                dest = Path(target)
                chosen = [m for m in members if m.name.startswith(name + "/") and m.name[len(name) + 1 :] not in skip]
                for m in chosen:
                    m.name = m.name[len(name) + 1 :]
            if not chosen:
                continue
            dest.mkdir(parents=True, exist_ok=True)
            tar.extractall(dest, members=chosen, filter="data")
            written += [str(dest / m.name) for m in chosen if m.isfile()]
    return written


def file_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
