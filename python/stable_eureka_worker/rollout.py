"""Episodes with a policy (or random actions): the numbers every evaluation reports, and
GIF frames of a rollout."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .defaults import DEFAULTS


@dataclass
class Episode:
    seed: int
    fitness: float = 0.0
    reward: float = 0.0
    length: int = 0
    components: dict[str, float] = field(default_factory=dict)


def add_step(ep: Episode, reward: float, info: dict[str, Any], component_names: list[str]) -> None:
    ep.reward += float(reward)
    ep.length += 1
    ep.fitness += float(info.get("fitness_score", 0.0))
    for name in component_names:
        if name in info:
            ep.components[name] = ep.components.get(name, 0.0) + float(info[name])


def run_episodes(
    predict: Callable[[Any], Any],
    venv: Any,
    episodes: int,
    seed: int,
    component_names: list[str],
    on_frame: Callable[[int, np.ndarray], None] | None = None,
    frame_episode: int = 0,
) -> list[Episode]:
    """Seeded episodes on a one-env VecEnv: episode i is reset with seed + i."""
    results = []
    for i in range(episodes):
        venv.seed(seed + i)
        obs = venv.reset()
        ep = Episode(seed=seed + i)
        capture = on_frame is not None and i == frame_episode
        if capture:
            on_frame(0, venv.get_images()[0])
        done = False
        while not done:
            action = predict(obs)
            obs, rewards, dones, infos = venv.step(action)
            add_step(ep, rewards[0], infos[0], component_names)
            done = bool(dones[0])
            if capture and not done:
                on_frame(ep.length, venv.get_images()[0])
        results.append(ep)
    return results


def summarize(episodes: list[Episode]) -> dict[str, Any]:
    def mean(xs: list[float]) -> float:
        return float(np.mean(xs)) if xs else math.nan

    names: list[str] = []
    for ep in episodes:
        names += [n for n in ep.components if n not in names]
    fitness = [e.fitness for e in episodes]
    return {
        "episodes": [asdict(e) for e in episodes],
        "fitness_mean": mean(fitness),
        "fitness_std": float(np.std(fitness)) if fitness else math.nan,
        "fitness_min": min(fitness) if fitness else math.nan,
        "fitness_max": max(fitness) if fitness else math.nan,
        "reward_mean": mean([e.reward for e in episodes]),
        "length_mean": mean([float(e.length) for e in episodes]),
        "components": {n: mean([e.components.get(n, 0.0) for e in episodes]) for n in names},
    }


class GifRecorder:
    """Keeps at most max_frames frames, evenly spread over the episode."""

    def __init__(self, max_frames: int = DEFAULTS.gif.max_frames, every: int = 1) -> None:
        self.frames: list[np.ndarray] = []
        self.max_frames = max_frames
        self.every = max(1, every)

    def __call__(self, step: int, frame: np.ndarray | None) -> None:
        if frame is None or step % self.every:
            return
        self.frames.append(np.asarray(frame))
        if len(self.frames) >= 2 * self.max_frames:
            # Thin out in place so long episodes keep a bounded, even sample.
            self.frames = self.frames[::2]
            self.every *= 2

    def save(self, path: str | Path, fps: float = 30.0) -> int:
        from PIL import Image

        frames = self.frames
        if len(frames) > self.max_frames:
            idx = np.linspace(0, len(frames) - 1, self.max_frames).round().astype(int)
            frames = [frames[i] for i in idx]
        if not frames:
            raise ValueError("the rollout produced no frames (does the env support render_mode='rgb_array'?)")
        images = [Image.fromarray(f.astype(np.uint8)) for f in frames]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        duration = max(20, int(round(1000 / fps * self.every)))
        images[0].save(path, save_all=True, append_images=images[1:], duration=duration, loop=0, optimize=False)
        return len(images)
