import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');
export const envsDir = path.join(repoRoot, 'envs');
export const configsDir = path.join(repoRoot, 'configs');
export const rewardsDir = path.join(repoRoot, 'test', 'fixtures', 'rewards');

export function reward(name: string): string {
  return fs.readFileSync(path.join(rewardsDir, `${name}.py`), 'utf8');
}

export function tempDir(prefix = 'se-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const cartpole = { env_dir: path.join(envsDir, 'cartpole'), class_name: null, kwargs: {}, max_episode_steps: 500 };

/** PPO settings that learn CartPole in about 10k steps (rl-zoo3's tuned values). */
export const cartpoleRl = {
  algo: 'ppo',
  algo_params: { policy: 'MlpPolicy', n_steps: 32, batch_size: 256, n_epochs: 20, gamma: 0.98, gae_lambda: 0.8, learning_rate: 0.001 },
  training: { total_timesteps: 4096, num_envs: 8, seed: 0, eval: { seed: 5, num_episodes: 2, num_evals: 2 } },
};

export interface ScriptedConfig {
  /** The eureka section's own lines (backend, model, host, iterations, samples, ...), indented two spaces. */
  eureka: string;
  benchmark?: string;
  timesteps?: number;
  gif?: boolean;
  evalEpisodes?: number;
  name?: string;
  useDatetime?: boolean;
  /** Evaluations during training (default 2). */
  numEvals?: number;
  /** rl.training.max_parallel (default: the config's null, one job per core). */
  maxParallel?: number;
  /** The compute section's own lines, indented two spaces (default: none, local jobs). */
  compute?: string;
  /** eureka.selection: 'full' unless a test is about halving (the loop tests count trained samples). */
  selection?: 'full' | 'halving';
}

/** A CartPole config for loop tests: tiny PPO budget, runs under `<dir>/experiments`. Returns its path. */
export function writeCartpoleConfig(dir: string, c: ScriptedConfig): string {
  const file = path.join(dir, 'config.yml');
  fs.writeFileSync(
    file,
    `eureka:
${c.eureka}
  selection: ${c.selection ?? 'full'}
  temperature: 1.0
  use_initial_reward_prompt: false
  max_retries: 2
  check_retries: 1
  timeout_s: 60
environment:
  name: cartpole
  env_dir: ${path.join(envsDir, 'cartpole')}
  class_name: CartPoleEnv
  max_episode_steps: 500
  kwargs: null
  benchmark: ${c.benchmark ?? 'null'}
experiment:
  parent: ${path.join(dir, 'experiments')}
  name: ${c.name ?? 'scripted'}
  use_datetime: ${c.useDatetime ?? true}
  sparse_baseline: 9.0
rl:
  algo: ppo
  algo_params: {policy: MlpPolicy, n_steps: 32, batch_size: 256, n_epochs: 20, gamma: 0.98, gae_lambda: 0.8, learning_rate: 0.001}
  training:
    seed: 0
    total_timesteps: ${c.timesteps ?? 2048}
    num_envs: 8
    eval: {seed: 5, num_episodes: 2, num_evals: ${c.numEvals ?? 2}}
    max_parallel: ${c.maxParallel ?? 'null'}
  evaluation: {seed: 10, num_episodes: ${c.evalEpisodes ?? 3}, save_gif: ${c.gif ?? true}}
${c.compute ? `compute:\n${c.compute}\n` : ''}`,
  );
  return file;
}
