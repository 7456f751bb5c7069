/**
 * Every algorithm of the config trains through the worker on a real env, with the config's
 * architecture and training keys, on budgets small enough for CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonWorker } from '../src/worker/client';
import type { RlSection, TrainSuccess } from '../src/worker/protocol/index';
import { cartpole, envsDir, tempDir } from './helpers';

let worker: PythonWorker;
beforeAll(async () => {
  worker = await PythonWorker.start();
});
afterAll(async () => {
  await worker?.shutdown();
});

const pendulum = { env_dir: path.join(envsDir, 'pendulum'), max_episode_steps: 200 };
const human = (env: string) => fs.readFileSync(path.join(envsDir, env, 'initial_reward_prompt.txt'), 'utf8');
const small = { seed: 1, eval: { seed: 3, num_episodes: 1, num_evals: 2 } };

const cases: [string, typeof cartpole | typeof pendulum, string, RlSection][] = [
  ['dqn', cartpole, 'cartpole', {
    algo: 'dqn',
    algo_params: { policy: 'MlpPolicy', learning_starts: 100, buffer_size: 5000, batch_size: 32 },
    architecture: { net_arch: [32, 32], activation_fn: 'ReLU' },
    training: { ...small, total_timesteps: 600, num_envs: 1, state_stack: 2 },
  }],
  ['sac', pendulum, 'pendulum', {
    algo: 'sac',
    algo_params: { policy: 'MlpPolicy', learning_starts: 100, batch_size: 32, train_freq: [1, 'step'] },
    architecture: { net_arch: { pi: [32], vf: [32] }, activation_fn: 'ReLU', share_features_extractor: false },
    training: { ...small, total_timesteps: 400, num_envs: 1 },
  }],
  ['td3', pendulum, 'pendulum', {
    algo: 'td3',
    algo_params: { policy: 'MlpPolicy', learning_starts: 100, batch_size: 32 },
    architecture: { net_arch: [32, 32] },
    training: { ...small, total_timesteps: 400, num_envs: 2 },
  }],
  ['ddpg', pendulum, 'pendulum', {
    algo: 'ddpg',
    algo_params: { policy: 'MlpPolicy', learning_starts: 100, batch_size: 32, action_noise: { sigma: 0.3 } },
    training: { ...small, total_timesteps: 400, num_envs: 1 },
  }],
  ['ppo', pendulum, 'pendulum', {
    algo: 'ppo',
    algo_params: { policy: 'MlpPolicy', n_steps: 64, batch_size: 64 },
    architecture: { net_arch: { pi: [32], vf: [32] }, activation_fn: 'Tanh', share_features_extractor: true },
    training: { ...small, total_timesteps: 256, num_envs: 2, device: 'auto', torch_compile: true },
  }],
];

describe('algorithms', () => {
  it.each(cases)('%s trains with its architecture and evaluates', async (algo, env, envName, rl) => {
    const out = tempDir();
    const r = await worker.train({ env, code: human(envName), rl, out_dir: out });
    expect(r.status, JSON.stringify(r)).toBe('succeeded');
    const ok = r as TrainSuccess;
    expect(ok.algo).toBe(algo);
    expect(ok.device).toBe('cpu');
    expect(ok.evals.length).toBe(2);
    expect(Object.keys(ok.evals[0]!.components).length).toBeGreaterThan(0);
    expect(fs.existsSync(ok.best_model)).toBe(true);
    // the saved model loads back and evaluates
    const ev = await worker.evaluate({
      env,
      code: human(envName),
      model: ok.final_model,
      algo,
      episodes: 1,
      state_stack: (rl.training.state_stack as number | undefined) ?? 1,
    });
    expect(ev.status).toBe('succeeded');
    if (algo === 'sac') expect(ok.warnings.join(' ')).toMatch(/net_arch\.vf is used as qf/);
    if (algo === 'ppo') expect(ok.warnings.join(' ')).toMatch(/torch_compile ignored on the CPU/);
  });

  it('names an unknown activation function', async () => {
    const rl = { ...cases[4]![3], architecture: { activation_fn: 'Relu' } };
    const r = await worker.train({ env: pendulum, code: human('pendulum'), rl, out_dir: tempDir() });
    expect(r.status).toBe('failed');
    if (r.status !== 'succeeded') {
      expect(r.failure.phase).toBe('build_model');
      expect(r.failure.reason).toMatch(/activation_fn: torch\.nn has no activation 'Relu'/);
    }
  });
});
