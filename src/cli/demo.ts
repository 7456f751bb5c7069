/**
 * `stable-eureka demo`: the loop with the embedded model, told as it goes: the env's own reward
 * trained first, then each iteration's best reward (its code and fitness) beside it, and at the
 * end what to try next. No server, no key, a few minutes on two cores.
 */
import path from 'node:path';
import { packageRoot } from '../pyenv';
import { cmdRun } from './run';

/** The loop on CartPole with the embedded local model: no server, no key, a few minutes. */
export async function cmdDemo(opts: { iterations?: number; samples?: number; timesteps?: number; out?: string }): Promise<number> {
  const configFile = path.join(packageRoot, 'configs', 'cartpole.yml');
  return cmdRun(configFile, {
    backend: 'local',
    iterations: opts.iterations ?? 3,
    samples: opts.samples ?? 4,
    timesteps: opts.timesteps ?? 20_000,
    out: opts.out,
    story: true,
  });
}
