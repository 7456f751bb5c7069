// What the benchmarks share: the built API, the project's Python, configs and their human
// rewards, training through the worker, and the plain SB3 baselines (bench/plain_sb3.py).
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const api = require(path.join(root, 'dist', 'index.js'));
export const { python } = JSON.parse(fs.readFileSync(path.join(root, '.stable-eureka', 'python.json'), 'utf8'));
export const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'se-bench-'));
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const spread = (xs) => `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}`;
export const log = (s) => process.stderr.write(s + '\n');
// BENCH_REPEATS=9: more interleaved rounds, a median that moves less between runs
export const REPEATS = process.env.BENCH_REPEATS ? Number(process.env.BENCH_REPEATS) : undefined;

/** Training steps of the overhead and layers benches: about 10 s of PPO each on this machine. */
export const OVERHEAD_STEPS = { cartpole: 50_000, lunar_lander: 65_536 };

/** Training steps per sample of the embedded-model benches (local, reflection): small budgets, as in the demo. */
export const LOCAL_STEPS = { cartpole: 20_000, mountain_car_continuous: 10_000 };

/** An embedded-model reward in one line: `2.00 abs_x + -1.00 square_v`. */
export const termsText = (code) => api.writtenTerms(code).map((t) => `${t.weight} ${t.name}`).join(' + ');

export function load(name) {
  return api.loadConfig(path.join(root, 'configs', `${name}.yml`), { cwd: root });
}

export function human(loaded) {
  return fs.readFileSync(path.join(loaded.envDir, 'initial_reward_prompt.txt'), 'utf8');
}

/** Train through the worker with evaluation reduced to one episode at the end. */
export async function ours(worker, loaded, timesteps, extra = {}) {
  const rl = structuredClone(loaded.config.rl);
  rl.training.eval = { seed: 0, num_episodes: 1, num_evals: 1 };
  const r = await worker.train({ env: api.envRefFromConfig(loaded), code: human(loaded), rl, out_dir: tmp(), total_timesteps: timesteps, ...extra });
  if (r.status !== 'succeeded') throw new Error(`${r.status}: ${r.failure.reason}`);
  return r;
}

function plainArgs(loaded, timesteps, sameTask) {
  const dir = tmp();
  const cfg = path.join(dir, 'rl.json');
  fs.writeFileSync(cfg, JSON.stringify(loaded.config.rl));
  const args = [path.join(root, 'bench', 'plain_sb3.py'), loaded.config.environment.benchmark, cfg, String(timesteps)];
  if (sameTask) {
    const env = api.envRefFromConfig(loaded);
    const reward = path.join(dir, 'reward.py');
    fs.writeFileSync(reward, human(loaded));
    args.push(env.env_dir, env.class_name, String(env.max_episode_steps ?? 0), reward);
  }
  // SB3 makes an empty log folder in the temp dir when it logs nowhere: keep it in ours
  return { args, env: { SB3_LOGDIR: path.join(dir, 'sb3') } };
}

const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').pop());

/**
 * The plain SB3 baseline. `sameTask`: the env folder's env with the human reward as a plain
 * method (stable-eureka's way: the same work per step as ours, no worker, no containment);
 * otherwise the unmodified gymnasium env with its own reward.
 */
export async function plain(loaded, timesteps, sameTask = false) {
  const { args, env } = plainArgs(loaded, timesteps, sameTask);
  return lastJson((await execa(python, args, { env })).stdout);
}
