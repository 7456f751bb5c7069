/**
 * A run on a Ray cluster: a real local cluster of two one-CPU nodes (python/tests/raycluster.py),
 * the worker as its driver (--executor ray), the loopback LLM answering two rewards. The two
 * samples train on both nodes, with their progress streamed back and each sample.json saying
 * where it trained; a cluster that is not there stops the run with a clear error before any
 * LLM call. Cancel, a lost node and the files a job brings back are tested on the worker itself
 * (python/tests/test_ray_executor.py).
 */
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent, RunEvent } from '../src/run/layout';
import { Run } from '../src/run/run';
import { shutdownWorker } from '../src/worker/client';
import { startLoopbackLlm, type LoopbackLlm } from './llm-server';
import { repoRoot, reward, tempDir, writeCartpoleConfig } from './helpers';

const { python } = JSON.parse(fs.readFileSync(path.join(repoRoot, '.stable-eureka', 'python.json'), 'utf8')) as { python: string };
const fence = (code: string) => `A reward.\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`;
const SIG = 'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):';

let llm: LoopbackLlm;
let cluster: ResultPromise;
let address = '';

beforeAll(async () => {
  llm = await startLoopbackLlm({ text: fence(reward('good')) });
  cluster = execa(python, [path.join(repoRoot, 'python', 'tests', 'raycluster.py')], { stdin: 'pipe', reject: false, env: { RAY_USAGE_STATS_ENABLED: '0' } });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: cluster.stdout! }).once('line', resolve);
    void cluster.then((r) => reject(new Error(`the test cluster ended before it was up: ${r.stderr}`)));
  });
  address = (JSON.parse(first) as { address: string }).address;
}, 180_000);

afterAll(async () => {
  await shutdownWorker();
  cluster?.stdin?.end();
  await cluster;
  await llm?.close();
}, 120_000);

const config = (dir: string, rayAddress: string) =>
  writeCartpoleConfig(dir, {
    eureka: `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 1\n  samples: 2\n  concurrency: 1`,
    timesteps: 4096,
    gif: false,
    maxParallel: 2,
    compute: `  executor: ray\n  ray: {address: '${rayAddress}', num_cpus: 1}`,
  });

describe('a run with compute.executor: ray', () => {
  it('trains its samples on both nodes of the cluster and records where', async () => {
    llm.script = [{ text: fence(reward('good')) }, { text: fence(`${SIG}\n    return 1.0, {"alive": 1.0}\n`) }];
    const dir = tempDir('se-ray-run-');
    const progress: LiveEvent[] = [];
    const run = Run.create(config(dir, address), { dir: path.join(dir, 'run'), onEvent: (e: RunEvent | LiveEvent) => e.type === 'progress' && progress.push(e) });
    await run.runIteration(0);
    const samples = run.samples(0);
    expect(samples.map((s) => s.status)).toEqual(['trained', 'trained']);
    const where = samples.map((s) => s.train!.where!);
    expect(where.map((w) => w.executor)).toEqual(['ray', 'ray']);
    expect(new Set(where.map((w) => w.node_id)).size).toBe(2);
    for (const s of samples) {
      expect(run.evals(0, s.sample).length).toBeGreaterThanOrEqual(2);
      expect(fs.existsSync(s.best_model!)).toBe(true); // brought back into the run folder
    }
    expect(progress.filter((e) => e.type === 'progress' && e.sample !== null).length).toBeGreaterThan(1);
  }, 300_000);

  it('stops with a clear error before any LLM call when the cluster is not there', async () => {
    llm.requests.length = 0;
    const dir = tempDir('se-ray-none-');
    const run = Run.create(config(dir, '127.0.0.1:1'), { dir: path.join(dir, 'run') });
    await expect(run.runAll()).rejects.toThrow(/127\.0\.0\.1:1[\s\S]*ray start --head/);
    expect(llm.requests).toHaveLength(0);
    expect(run.record.status).toBe('failed');
  }, 180_000);
});
