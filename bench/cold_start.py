"""A fresh interpreter that imports SB3 and starts the same job as the worker would, up to
the first env step. The parent times it from spawn to the printed marker."""

import sys

import gymnasium as gym
import stable_baselines3  # noqa: F401
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env

torch.set_num_threads(1)
venv = make_vec_env(gym.make, n_envs=8, env_kwargs={"id": "CartPole-v1"})
model = PPO("MlpPolicy", venv, n_steps=32, batch_size=256, device="cpu", verbose=0)
venv.reset()
venv.step([venv.action_space.sample() for _ in range(8)])
print("first-step", flush=True)
sys.exit(0)
