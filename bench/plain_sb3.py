"""The baselines: a plain SB3 script with the same hyperparameters, steps and threads (one).

Usage:
  python plain_sb3.py <gym id> <config.json> <timesteps>
      the unmodified gymnasium env (`gym.make`), its own reward;
  python plain_sb3.py <gym id> <config.json> <timesteps> <env_dir> <class> <max_steps> <reward.py>
      the env folder's env with the reward as a plain method of its class, registered and
      made with gymnasium, as stable-eureka trains it: the same work per step as ours,
      without the worker and its containment.
Prints one JSON line: {"timesteps", "wall_s", "steps_per_s"} of model.learn alone.
"""

import importlib.util
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # the same threading as the worker's jobs

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402


def env_folder_id(env_dir: str, class_name: str, max_steps: int, reward_file: str) -> str:
    env_file = os.path.join(env_dir, "env_code", "env.py")
    sys.path.insert(0, os.path.dirname(env_file))
    spec = importlib.util.spec_from_file_location("plain_env", env_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scope = dict(vars(module))
    exec(compile(open(reward_file).read(), reward_file, "exec"), scope)
    cls = type(class_name, (getattr(module, class_name),), {"compute_reward": scope["compute_reward"]})
    gym.register("PlainEnvFolder-v0", entry_point=lambda **kw: cls(**kw), max_episode_steps=max_steps or None)
    return "PlainEnvFolder-v0"


env_id, cfg_file, timesteps = sys.argv[1], sys.argv[2], int(sys.argv[3])
if len(sys.argv) > 4:
    env_id = env_folder_id(sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7])
rl = json.load(open(cfg_file))
torch.set_num_threads(1)  # as the worker's jobs do
params = dict(rl["algo_params"])
policy = params.pop("policy", "MlpPolicy")
arch = rl.get("architecture") or {}
kwargs = {}
if arch.get("net_arch"):
    kwargs["net_arch"] = arch["net_arch"]
if arch.get("activation_fn"):
    kwargs["activation_fn"] = getattr(torch.nn, arch["activation_fn"])
# A factory rather than the id: make_vec_env(id) sets render_mode='rgb_array', which makes
# LunarLander simulate its exhaust particles on every step (twice as slow).
venv = make_vec_env(lambda: gym.make(env_id), n_envs=rl["training"]["num_envs"], seed=rl["training"].get("seed", 0))
model = PPO(policy, venv, policy_kwargs=kwargs or None, seed=rl["training"].get("seed", 0), device="cpu", verbose=0, **params)
start = time.perf_counter()
model.learn(total_timesteps=timesteps)
wall = time.perf_counter() - start
print(json.dumps({"timesteps": model.num_timesteps, "wall_s": wall, "steps_per_s": model.num_timesteps / wall}))
