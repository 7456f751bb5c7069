"""Imported once by the forkserver, so every job process starts with these loaded.

Importing is not enough: SB3 and torch import more modules the first time a policy, an
optimizer or a TensorBoard writer is built (about a second). A throwaway model built and
trained for a few steps here pays that once for the whole session instead of once per job.
"""

import gc
import os
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import gymnasium as gym  # noqa: E402
import numpy  # noqa: E402,F401
import torch  # noqa: E402
from stable_baselines3 import PPO, SAC  # noqa: E402
from stable_baselines3.common.vec_env import DummyVecEnv  # noqa: E402

from . import binding, rollout, sb3, tasks  # noqa: E402,F401

try:  # Box2D envs; optional for envs that do not need it
    import gymnasium.envs.box2d  # noqa: F401
except Exception:  # pragma: no cover - depends on the install
    pass


def _warm_up() -> None:
    threads = torch.get_num_threads()
    with tempfile.TemporaryDirectory() as tmp:
        venv = DummyVecEnv([lambda: gym.make("CartPole-v1")])
        PPO("MlpPolicy", venv, n_steps=16, batch_size=16, n_epochs=1, device="cpu", tensorboard_log=tmp).learn(16)
        SAC("MlpPolicy", DummyVecEnv([lambda: gym.make("Pendulum-v1")]), buffer_size=64, device="cpu")
    torch.set_num_threads(threads)


_warm_up()

# Everything loaded so far lives as long as the forkserver: move it out of the cyclic
# garbage collector's view, so collections in job processes do not walk (and copy-on-write
# touch) the whole inherited heap of torch and SB3.
gc.freeze()
