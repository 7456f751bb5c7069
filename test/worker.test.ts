/**
 * The real Python worker, driven through its protocol from TypeScript: describe, check (the
 * bad-input table), train, cancel, and a worker killed in the middle of a job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFailureText } from '../src/prompts';
import { getWorker, PythonWorker, shutdownWorker, WorkerDiedError, WorkerRequestError } from '../src/worker/client';
import type { CheckResult, TrainResult } from '../src/worker/protocol/index';
import { cartpole, cartpoleRl, envsDir, repoRoot, reward, tempDir } from './helpers';

let worker: PythonWorker;

beforeAll(async () => {
  worker = await PythonWorker.start();
});

afterAll(async () => {
  await worker?.shutdown();
  await shutdownWorker();
});

describe('worker basics', () => {
  it('greets with its protocol version and library versions, and answers ping', async () => {
    expect(worker.hello.protocol).toBe(1);
    expect(worker.hello.versions.stable_baselines3).toBe('2.9.2');
    expect(worker.hello.versions.gymnasium).toBe('1.4.0');
    await expect(worker.request('ping')).resolves.toEqual({ pong: true });
  });

  it('rejects an unknown method with a clear error and keeps serving', async () => {
    await expect(worker.request('fly')).rejects.toThrow(/unknown method 'fly'/);
    await expect(worker.request('ping')).resolves.toEqual({ pong: true });
  });
});

describe('describe_env', () => {
  it('reads the call site with ast and the spaces from a real env', async () => {
    const d = await worker.describeEnv(cartpole);
    expect(d.class_name).toBe('CartPoleEnv');
    expect(d.call_site.args).toEqual(['cart_position', 'cart_velocity', 'pole_angle', 'pole_angular_velocity', 'action', 'terminated']);
    expect(d.call_site.signature).toBe(
      'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)',
    );
    expect(d.step_code).toContain('self.compute_reward(');
    expect(d.allowed_modules).toEqual(['math', 'numpy', 'random']); // the worker's allow-list, for the prompt
    expect(d.action_type).toBe('discrete');
    expect(d.observation_shape).toEqual([4]);
    expect(d.task_description).toMatch(/pole/i);
    expect(d.initial_reward).toContain('def compute_reward');
  });

  it('warns when step.py disagrees with the real call site and shows the derived step()', async () => {
    const d = await worker.describeEnv({ env_dir: path.join(repoRoot, 'test/fixtures/stable_eureka_format/envs/drifted_step') });
    expect(d.step_code_source).toBe('env.py');
    expect(d.warnings.join('\n')).toMatch(/step\.py calls .*compute_reward\(position, velocity, action\).* but env\.py line \d+ calls .*terminated/);
    expect(d.call_site.args).toEqual(['position', 'velocity', 'action', 'terminated']);
  });

  it('names the missing folder, the missing env.py and the unknown class', async () => {
    const missing = path.join(envsDir, 'no_such_env');
    await expect(worker.describeEnv({ env_dir: missing })).rejects.toThrow(`env folder ${missing} does not exist`);
    const empty = tempDir();
    await expect(worker.describeEnv({ env_dir: empty })).rejects.toThrow(/has no env_code\/env\.py/);
    const err = await worker.describeEnv({ ...cartpole, class_name: 'CartPol' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerRequestError);
    expect((err as WorkerRequestError).kind).toBe('env_error');
    expect((err as Error).message).toMatch(/no class named 'CartPol' \(classes there: CartPoleEnv\).*Set environment\.class_name/);
  });

  it('says when no class calls compute_reward', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'env_code'));
    fs.writeFileSync(
      path.join(dir, 'env_code', 'env.py'),
      'import gymnasium as gym\n\nclass Plain(gym.Env):\n    def step(self, action):\n        return None, 0.0, False, False, {}\n',
    );
    await expect(worker.describeEnv({ env_dir: dir })).rejects.toThrow(/no class calls self\.compute_reward/);
  });
});

describe('check_reward: every bad input is a precise, explained failure', () => {
  const check = (name: string, extra: object = {}) =>
    worker.checkReward({ env: cartpole, code: reward(name), max_call_s: 2, ...extra } as never);

  it('passes a good reward and reports its components from a smoke run', async () => {
    const r = await check('good');
    expect(r.passed).toBe(true);
    expect(r.stage).toBe('ok');
    expect(r.components).toEqual(['upright', 'centered']);
    expect(r.smoke!.steps).toBe(2000);
    expect(r.smoke!.episodes).toBeGreaterThan(10);
    expect(r.smoke!.components.upright!.max).toBeLessThanOrEqual(1);
  });

  const table: [string, CheckResult['stage'], RegExp, number | null][] = [
    ['syntax_error', 'syntax', /syntax error/, 2],
    ['wrong_arguments', 'signature', /must be `def compute_reward\(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated\):`.*receives 6 arguments but yours takes 3/, 1],
    ['undefined_name', 'names', /name `ALIVE_BONUS` is not defined/, 2],
    ['nan_reward', 'smoke', /component 'wobble' \(call \d+\) is nan/, 6],
    ['inf_component', 'smoke', /component 'blowup' \(call 1\) is inf/, 2],
    ['non_dict_components', 'smoke', /must be a plain dict of named float components, got list/, 2],
    ['raises_at_step_1000', 'smoke', /compute_reward raised ValueError: step budget exceeded \(reward line 4\)/, 4],
    ['infinite_loop', 'smoke', /did not return within 2 s/, null],
    ['memory_bomb', 'smoke', /the smoke run ran out of memory \(reward line 2\)/, 2],
    ['opens_file', 'forbidden', /`open` is not allowed/, 2],
    ['imports_os', 'forbidden', /`import os` is not allowed; reward code may import only math, numpy, random/, 1],
  ];

  it.each(table)('%s fails at stage %s with the reason', async (name, stage, reason, line) => {
    const r = await check(name, name === 'memory_bomb' ? { limits: { memory_mb: 512 } } : {});
    expect(r.passed).toBe(false);
    expect(r.stage).toBe(stage);
    expect(r.errors[0]!.message).toMatch(reason);
    if (line !== null) expect(r.errors[0]!.line).toBe(line);
    expect(checkFailureText(r)).toContain(r.errors[0]!.message); // what the LLM is told
    // the worker is still there after each one
    await expect(worker.request('ping')).resolves.toEqual({ pong: true });
  });

  it('lists every forbidden import in one verdict', async () => {
    const r = await check('imports_os');
    const messages = r.errors.map((e) => e.message).join('\n');
    for (const mod of ['os', 'subprocess', 'socket']) expect(messages).toContain(`\`import ${mod}\` is not allowed`);
  });

  it('sends a traceback that points at the reward line for exceptions', async () => {
    const r = await check('raises_at_step_1000');
    expect(checkFailureText(r)).toMatch(/File "reward\.py", line 4, in compute_reward/);
  });
});

describe('train', () => {
  it('trains PPO on CartPole with events, evaluations, best checkpoint and TensorBoard logs', async () => {
    const out = tempDir();
    const events: string[] = [];
    const result = (await worker.train(
      { env: cartpole, code: reward('good'), rl: cartpoleRl, out_dir: out, progress_interval_s: 0.2 },
      { onEvent: (e) => events.push(e) },
    )) as TrainResult;
    expect(result.status).toBe('succeeded');
    if (result.status !== 'succeeded') return;
    expect(result.timesteps).toBeGreaterThanOrEqual(4096);
    expect(result.evals.length).toBe(2);
    expect(result.evals[0]!.components).toHaveProperty('upright');
    expect(result.best!.fitness_mean).toBe(Math.max(...result.evals.map((e) => e.fitness_mean)));
    expect(events).toContain('progress');
    expect(events.filter((e) => e === 'eval').length).toBe(2);
    for (const f of ['best_model.zip', 'model.zip', 'evals.json', 'evals.jsonl', 'reward.py', 'env_with_reward.py']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    expect(fs.readdirSync(result.tensorboard_dir).length).toBeGreaterThan(0);
    const envCopy = fs.readFileSync(result.env_copy_file, 'utf8');
    expect(envCopy).toMatch(/class CartPoleEnv[\s\S]*def compute_reward\(self, cart_position/);

    const ev = await worker.evaluate({
      env: cartpole,
      code: reward('good'),
      model: result.best_model,
      algo: 'ppo',
      episodes: 3,
      seed: 100,
      gif: { path: path.join(out, 'policy.gif'), max_frames: 40 },
    });
    expect(ev.status).toBe('succeeded');
    if (ev.status !== 'succeeded') return;
    expect(ev.episodes.map((e) => e.seed)).toEqual([100, 101, 102]);
    expect(ev.gif_frames).toBeGreaterThan(1);
    const gif = fs.readFileSync(path.join(out, 'policy.gif'));
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });

  it('ends a reward that raises during training as a failed job with phase and line', async () => {
    const result = await worker.train({ env: cartpole, code: reward('raises_at_step_1000'), rl: cartpoleRl, out_dir: tempDir() });
    expect(result.status).toBe('failed');
    if (result.status === 'succeeded') return;
    expect(result.failure.phase).toBe('train');
    expect(result.failure.line).toBe(4);
    expect(result.failure.reason).toMatch(/ValueError: step budget exceeded/);
  });

  it('reports bad algo_params as a build_model failure naming the argument', async () => {
    const rl = { ...cartpoleRl, algo_params: { ...cartpoleRl.algo_params, n_step: 32 } };
    const result = await worker.train({ env: cartpole, code: reward('good'), rl, out_dir: tempDir() });
    expect(result.status).toBe('failed');
    if (result.status !== 'succeeded') expect(result.failure.reason).toMatch(/n_step/);
  });

  it('cancels a running job on abort', async () => {
    const controller = new AbortController();
    const rl = { ...cartpoleRl, training: { ...cartpoleRl.training, total_timesteps: 5_000_000 } };
    const started = Date.now();
    const pending = worker.train(
      { env: cartpole, code: reward('good'), rl, out_dir: tempDir() },
      { signal: controller.signal, onEvent: (e) => e === 'progress' && controller.abort() },
    );
    const result = await pending;
    expect(result.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await worker.jobs()).running).toEqual([]);
  });

  it('ends a job over its wall-time limit as a timeout', async () => {
    const rl = { ...cartpoleRl, training: { ...cartpoleRl.training, total_timesteps: 5_000_000 } };
    const result = await worker.train({ env: cartpole, code: reward('good'), rl, out_dir: tempDir(), limits: { wall_s: 3 } });
    expect(result.status).toBe('timeout');
    if (result.status !== 'succeeded') expect(result.failure.reason).toMatch(/wall-time limit of 3 s/);
  });
});

describe('a worker that dies', () => {
  it('rejects the open job with a clear error, and getWorker starts a new one', async () => {
    const w = await getWorker();
    const rl = { ...cartpoleRl, training: { ...cartpoleRl.training, total_timesteps: 5_000_000 } };
    let jobPid = 0;
    const job = w.train(
      { env: cartpole, code: reward('good'), rl, out_dir: tempDir() },
      {
        onEvent: (e, data) => {
          if (e === 'started') jobPid = data.pid as number;
          if (e === 'progress') w.kill('SIGKILL');
        },
      },
    );
    const err = await job.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerDiedError);
    expect((err as Error).message).toMatch(/The Python worker \(pid \d+\) was killed by SIGKILL while 'train#\d+' was running/);
    await expect(w.request('ping')).rejects.toThrow(/start a new worker/);
    // the orphaned job process goes with it
    await new Promise((r) => setTimeout(r, 3000));
    expect(() => process.kill(jobPid, 0)).toThrow();
    const fresh = await getWorker();
    expect(fresh.pid).not.toBe(w.pid);
    await expect(fresh.request('ping')).resolves.toEqual({ pong: true });
  });
});
