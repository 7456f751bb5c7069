/**
 * `stable-eureka demo`: the loop with the embedded model, told as it goes: the env's own reward
 * trained first, then each iteration's best reward (its code and fitness) beside it, and at the
 * end what to try next. No server, no key, a few minutes on two cores.
 */
import path from 'node:path';
import { packageRoot } from '../pyenv';
import { cmdRun } from './run';

/**
 * The demo's env and budget, chosen by measurement (bench/RESULTS.md, "The demo"): an env where
 * the reward decides what is learned at this budget, in about 3-4 minutes on two cores.
 */
export const DEMO = { config: 'cartpole.yml', iterations: 3, samples: 4, timesteps: 20_000 } as const;

export async function cmdDemo(opts: { model?: string; iterations?: number; samples?: number; timesteps?: number; out?: string }): Promise<number> {
  return cmdRun(path.join(packageRoot, 'configs', DEMO.config), {
    backend: 'local',
    model: opts.model,
    iterations: opts.iterations ?? DEMO.iterations,
    samples: opts.samples ?? DEMO.samples,
    timesteps: opts.timesteps ?? DEMO.timesteps,
    out: opts.out,
    story: true,
  });
}
