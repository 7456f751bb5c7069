/**
 * The worker runs LLM-written code, so it starts with an allow-listed environment: the LLM
 * keys and other secrets of the parent process must be readable neither in the worker nor in
 * a job process (checked in /proc, where any code running as that process could read them).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonWorker, workerEnvironment } from '../src/worker/client';
import { cartpole } from './helpers';

const SECRETS = { OPENAI_API_KEY: 'sk-secret-test', SOME_OTHER_SECRET: 'hunter2' };

function environOf(pid: number): Record<string, string> {
  const entries = fs
    .readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

describe('workerEnvironment', () => {
  it('keeps the allow-list, ours and the explicit ones, and nothing else', () => {
    const env = workerEnvironment(
      {
        PATH: '/usr/bin',
        HOME: '/home/u',
        LC_ALL: 'C.UTF-8',
        OMP_NUM_THREADS: '2',
        NVIDIA_VISIBLE_DEVICES: 'all',
        PYTHONPATH: '/elsewhere',
        OPENAI_API_KEY: 'sk-x',
        OLLAMA_HOST: 'http://h',
        AWS_SECRET_ACCESS_KEY: 'a',
        GITHUB_TOKEN: 'g',
        STABLE_EUREKA_PYTHON: '/py',
      },
      { maxJobs: 3, env: { MY_SETTING: '1' } },
    );
    expect(Object.keys(env).sort()).toEqual(
      ['HOME', 'LC_ALL', 'MY_SETTING', 'NVIDIA_VISIBLE_DEVICES', 'OMP_NUM_THREADS', 'PATH', 'PYTHONPATH', 'PYTHONUNBUFFERED', 'STABLE_EUREKA_MAX_JOBS'].sort(),
    );
    expect(env.PYTHONPATH).not.toBe('/elsewhere');
    expect(env.STABLE_EUREKA_MAX_JOBS).toBe('3');
  });
});

describe.runIf(process.platform === 'linux')('a worker started with secrets in process.env', () => {
  let worker: PythonWorker;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    worker = await PythonWorker.start({ maxJobs: 1 });
  });

  afterAll(async () => {
    await worker?.shutdown();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('does not pass them to the worker', () => {
    const env = environOf(worker.pid);
    expect(env.PATH).toBe(process.env.PATH);
    expect(env).not.toHaveProperty('OPENAI_API_KEY');
    expect(env).not.toHaveProperty('SOME_OTHER_SECRET');
    expect(Object.values(env)).not.toContain('sk-secret-test');
  });

  it('does not pass them to a job process', async () => {
    // A slow reward keeps the job alive while its environment is read on `started`.
    const code =
      'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):\n' +
      '    t = 0\n' +
      '    for i in range(5000):\n' +
      '        t += i\n' +
      "    return 1.0, {'alive': 1.0}\n";
    let jobEnv: Record<string, string> | null = null;
    const result = await worker.checkReward(
      { env: cartpole, code, smoke: { steps: 1000 } },
      {
        onEvent: (event, data) => {
          if (event === 'started') jobEnv = environOf(data.pid as number);
        },
      },
    );
    expect(result.passed).toBe(true);
    expect(jobEnv).not.toBeNull();
    expect(jobEnv!.PATH).toBe(process.env.PATH);
    expect(jobEnv!).not.toHaveProperty('OPENAI_API_KEY');
    expect(jobEnv!).not.toHaveProperty('SOME_OTHER_SECRET');
    expect(result.output).toMatchObject({ bytes: 0, dropped: 0, tail: '', log: null });
  });
});
