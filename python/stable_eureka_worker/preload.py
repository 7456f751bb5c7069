"""Imported once by the forkserver, so every job process starts with these loaded."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import gymnasium  # noqa: E402,F401
import numpy  # noqa: E402,F401
import stable_baselines3  # noqa: E402,F401
import torch  # noqa: E402,F401

try:  # Box2D envs; optional for envs that do not need it
    import gymnasium.envs.box2d  # noqa: F401
except Exception:  # pragma: no cover - depends on the install
    pass
