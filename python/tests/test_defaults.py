"""Defaults shared with the TypeScript side come from defaults.json (test/defaults.test.ts
checks the TypeScript side against the same file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stable_eureka_worker import tasks
from stable_eureka_worker.defaults import DEFAULTS, DEFAULTS_FILE
from stable_eureka_worker.rollout import GifRecorder
from stable_eureka_worker.server import DEFAULT_LIMITS

RAW: dict[str, Any] = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def test_every_task_has_the_files_limits() -> None:
    assert set(DEFAULT_LIMITS) == set(tasks.TASKS) == set(RAW["limits"])
    for task, limits in DEFAULT_LIMITS.items():
        assert (limits.wall_s, limits.memory_mb) == (RAW["limits"][task]["wall_s"], RAW["limits"][task]["memory_mb"])


def test_the_rest_is_read_as_written() -> None:
    assert (DEFAULTS.smoke.steps, DEFAULTS.smoke.seed) == (RAW["smoke"]["steps"], RAW["smoke"]["seed"])
    assert DEFAULTS.max_call_s == RAW["max_call_s"]
    assert vars(DEFAULTS.training_eval) == RAW["training_eval"]
    assert vars(DEFAULTS.evaluation) == RAW["evaluation"]
    assert vars(DEFAULTS.gif) == RAW["gif"]
    assert GifRecorder().max_frames == RAW["gif"]["max_frames"]


def test_the_file_is_published_with_the_package(repo_dir: Path) -> None:
    # The TypeScript side reads it from the installed package (src/defaults.ts).
    published = json.loads((repo_dir / "package.json").read_text(encoding="utf-8"))["files"]
    relative = DEFAULTS_FILE.relative_to(repo_dir).as_posix()
    assert any(relative == entry or relative.startswith(entry.rstrip("/") + "/") for entry in published)
