import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/index';
import { DEFAULTS, DEFAULTS_FILE } from '../src/defaults';
import { smokeRequest } from '../src/training';

// The file the Python worker reads (stable_eureka_worker/defaults.py), read here on its own:
// each default below must be the worker's, or the two sides would disagree.
const WORKER_FILE = path.join(__dirname, '..', 'python', 'stable_eureka_worker', 'defaults.json');
const worker = JSON.parse(readFileSync(WORKER_FILE, 'utf8'));

const minimal = {
  eureka: { backend: 'openai', model: 'gpt-4o' },
  environment: { name: 'minimal_env', class_name: 'MinimalEnv' },
  experiment: { name: 'minimal' },
  rl: { algo: 'ppo', training: { total_timesteps: 1000 } },
};

describe('defaults shared with the Python worker', () => {
  it('are read from the worker package file', () => {
    expect(path.resolve(DEFAULTS_FILE)).toBe(path.resolve(WORKER_FILE));
    const { $comment: _, ...values } = worker;
    expect(DEFAULTS).toEqual(values);
  });

  it('are the config defaults of training limits and evaluations', () => {
    const { rl } = validateConfig(minimal, 'minimal.yml');
    expect(rl.training.limits).toEqual(worker.limits.train);
    expect(rl.training.eval).toEqual(worker.training_eval);
    expect({ num_episodes: rl.evaluation.num_episodes, seed: rl.evaluation.seed }).toEqual(worker.evaluation);
  });

  it('are the smoke run of a check when none is given', () => {
    expect(smokeRequest({})).toEqual(worker.smoke);
    expect(smokeRequest({ smokeSteps: 50, seed: 3 })).toEqual({ steps: 50, seed: 3 });
    expect(smokeRequest({ smokeSteps: false })).toBe(false);
  });
});
