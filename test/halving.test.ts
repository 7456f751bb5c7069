/**
 * Successive halving: the rule alone (rungs, order, ties, NaN, resume), then real runs on
 * CartPole (the loopback LLM answering two good rewards and two hopeless ones, the real worker
 * training them): halving stops the hopeless ones at the rung and trains the good ones to the
 * end, the reflection, the report and the CLI say so, `full` trains all, and a run killed in
 * the middle of a rung keeps on resume the decisions it had made.
 */
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../src/run/files';
import { Rungs, rungSteps, type RungEntry } from '../src/run/halving';
import { Run } from '../src/run/run';
import { shutdownWorker } from '../src/worker/client';
import { startLoopbackLlm, type LoopbackLlm } from './llm-server';
import { repoRoot, reward, tempDir, writeCartpoleConfig } from './helpers';

/** A best checkpoint: its fitness, and the steps it was reached at. */
const fit = (fitness: number, timesteps: number) => ({ fitness, timesteps });

describe('rungs', () => {
  it('sit at min_fraction * eta^k of the budget, on evaluations, below the last one', () => {
    expect(rungSteps(20_000, 10, { eta: 3, min_fraction: 0.25 })).toEqual([6000, 16_000]);
    expect(rungSteps(8192, 4, { eta: 2, min_fraction: 0.5 })).toEqual([4096]);
    expect(rungSteps(8192, 4, { eta: 2, min_fraction: 0.25 })).toEqual([2048, 4096]);
    // one evaluation: nothing to decide before the end
    expect(rungSteps(8192, 1, { eta: 3, min_fraction: 0.25 })).toEqual([]);
  });

  it('stop a sample once the top 1/eta of the iteration are ahead of it, whatever the order', () => {
    const r = new Rungs([100], { eta: 2, min_fraction: 0.5 }, 4);
    for (const s of [0, 1, 2, 3]) r.start(s);
    expect(r.keep(0)).toBe(2);
    // the weakest arrives first and goes on: nobody is ahead of it yet
    expect(r.judge(0, 100, fit(1.0, 100)).map((e) => [e.sample, e.decision])).toEqual([[0, 'continue']]);
    expect(r.judge(1, 100, fit(2.0, 100)).map((e) => [e.sample, e.decision])).toEqual([[1, 'continue']]);
    // two are ahead of sample 0 now: it is stopped although it passed the rung first
    expect(r.judge(2, 100, fit(3.0, 100)).map((e) => [e.sample, e.decision])).toEqual([
      [2, 'continue'],
      [0, 'stop'],
    ]);
    expect(r.judge(3, 120, fit(0.5, 120)).map((e) => [e.sample, e.decision, e.ahead])).toEqual([[3, 'stop', 3]]);
    expect(r.isStopped(1)).toBe(false);
    // a stopped sample is judged no more
    expect(r.judge(0, 200, fit(99, 200))).toEqual([]);
  });

  it('keep ties, rank NaN last, and never stop a sample that finished', () => {
    const r = new Rungs([10], { eta: 2, min_fraction: 0.5 }, 4);
    for (const s of [0, 1, 2, 3]) r.start(s);
    r.judge(0, 10, fit(1, 10));
    r.end(0); // trained to the end before the others arrived
    expect(r.judge(1, 10, fit(Number.NaN, 10)).map((e) => [e.sample, e.decision, e.best])).toEqual([[1, 'continue', null]]);
    expect(r.judge(2, 10, fit(5, 10)).map((e) => [e.sample, e.decision])).toEqual([
      [2, 'continue'],
      [1, 'stop'], // NaN ranks last: two ahead of it now
    ]);
    // a tie is not ahead; sample 0 has two ahead too, but it is no longer running
    expect(r.judge(3, 10, fit(5, 10)).map((e) => [e.sample, e.decision])).toEqual([[3, 'continue']]);
    expect(r.isStopped(0)).toBe(false);
  });

  it('rank equal fitness by the selection rule: reached in fewer steps is ahead', () => {
    const r = new Rungs([100], { eta: 2, min_fraction: 0.5 }, 2);
    r.start(0);
    r.start(1);
    r.judge(0, 100, fit(500, 60)); // the cap, reached at 60 steps
    expect(r.judge(1, 100, fit(500, 90)).map((e) => [e.sample, e.decision, e.ahead])).toEqual([[1, 'stop', 1]]);
  });

  it('are rebuilt from their records: decisions made stand', () => {
    const recorded: RungEntry[] = [
      { sample: 0, rung: 0, timesteps: 10, best: 9, best_at: 10, decision: 'continue', ahead: 0, keep: 1 },
      { sample: 1, rung: 0, timesteps: 10, best: 1, best_at: 10, decision: 'stop', ahead: 1, keep: 1 },
    ];
    const r = new Rungs([10], { eta: 3, min_fraction: 0.5 }, 3, recorded);
    expect(r.isStopped(1)).toBe(true);
    r.start(2);
    expect(r.judge(2, 12, fit(5, 12)).map((e) => [e.sample, e.decision, e.ahead])).toEqual([[2, 'stop', 1]]);
  });
});

const fence = (code: string) => `A reward.\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`;
const SIG = 'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):';
const GOOD = fence(reward('good'));
const GOOD_TOO = fence(`${SIG}\n    upright = 1.0 - abs(pole_angle) / 0.2095\n    calm = -0.05 * abs(pole_angular_velocity)\n    return float(upright + calm), {"upright": float(upright), "calm": float(calm)}\n`);
// nothing to learn from, and paid for ending the episode: both stay at the bottom
const ZERO = fence(`${SIG}\n    return 0.0, {"nothing": 0.0}\n`);
const NEGATIVE = fence(`${SIG}\n    return -1.0, {"alive_penalty": -1.0}\n`);

let llm: LoopbackLlm;
beforeAll(async () => {
  llm = await startLoopbackLlm({ text: GOOD });
});
afterAll(async () => {
  await llm?.close();
  await shutdownWorker();
});

const eureka = () =>
  `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 1\n  samples: 4\n  concurrency: 1\n  halving: {eta: 2, min_fraction: 0.5}`;
const config = (dir: string, selection: 'full' | 'halving') => writeCartpoleConfig(dir, { eureka: eureka(), selection, timesteps: 8192, numEvals: 4, gif: false });

describe('a run with selection: halving', () => {
  let run: Run;
  beforeAll(async () => {
    llm.script = [{ text: GOOD }, { text: GOOD_TOO }, { text: ZERO }, { text: NEGATIVE }];
    const dir = tempDir('se-halving-');
    run = Run.create(config(dir, 'halving'), { dir: path.join(dir, 'run') });
    await run.runIteration(0);
  }, 240_000);

  it('stops the hopeless samples at the rung and trains the good ones to the end', () => {
    const [a, b, zero, negative] = run.samples(0);
    for (const good of [a!, b!]) {
      expect(good.status).toBe('trained');
      expect(run.evals(0, good.sample).map((e) => e.timesteps).at(-1)).toBeGreaterThanOrEqual(8192);
    }
    for (const bad of [zero!, negative!]) {
      expect(bad.status).toBe('stopped');
      expect(bad.stopped).toMatchObject({ rung: 0, total_timesteps: 8192 });
      expect(bad.stopped!.timesteps).toBeGreaterThanOrEqual(4096);
      expect(bad.train!.timesteps).toBeLessThan(8192);
      // its curve and best checkpoint are kept
      expect(run.evals(0, bad.sample).length).toBeGreaterThanOrEqual(2);
      expect(bad.best).not.toBeNull();
      expect(fs.existsSync(bad.best_model!)).toBe(true);
    }
    const entries = readJsonl<RungEntry>(path.join(run.dir, 'iteration_0', 'halving.jsonl'));
    expect(entries.filter((e) => e.decision === 'stop').map((e) => e.sample).sort()).toEqual([2, 3]);
    expect(run.iteration(0)!.best?.sample).toBeLessThan(2);
  });

  it('says so in the reflection, the report and the CLI table', async () => {
    const reflection = fs.readFileSync(path.join(run.dir, 'iteration_0', 'reflection.md'), 'utf8');
    expect(reflection).toMatch(/Stopped early because their fitness was behind the others' \(successive halving\): sample 2 at \d+ of 8192 steps \(best fitness [-\d.]+\); sample 3 at/);
    const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
    const r = await execa(process.execPath, [bin, 'report', run.dir], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const html = fs.readFileSync(path.join(run.dir, 'report.html'), 'utf8');
    expect(html).toMatch(/stopped early at rung 1 \(\d+ of 8192 steps\)/);
    expect(html).toContain('st-stopped');
  });
});

describe('selection per iteration', () => {
  it("run.runSamples(i, { selection: 'full' }) trains every sample to the end", async () => {
    llm.script = [{ text: GOOD }, { text: GOOD_TOO }, { text: ZERO }, { text: NEGATIVE }];
    const dir = tempDir('se-halving-full-');
    const run = Run.create(config(dir, 'halving'), { dir: path.join(dir, 'run') });
    await run.generate(0);
    await run.runSamples(0, { selection: 'full' });
    for (const s of run.samples(0)) {
      expect(s.status).toBe('trained');
      expect(run.evals(0, s.sample).at(-1)!.timesteps).toBeGreaterThanOrEqual(8192);
    }
    expect(fs.existsSync(path.join(run.dir, 'iteration_0', 'halving.jsonl'))).toBe(false);
  }, 240_000);
});

describe('a run killed in the middle of a rung', () => {
  it('keeps on resume the decisions already made, and judges the rest', async () => {
    // two good samples first, so that the hopeless ones are stopped as they reach the rung
    llm.script = [{ text: GOOD }, { text: GOOD_TOO }, { text: ZERO }, { text: NEGATIVE }];
    const dir = tempDir('se-halving-kill-');
    const out = path.join(dir, 'run');
    const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
    const child = execa(process.execPath, [bin, 'run', config(dir, 'halving'), '--out', out], { cwd: dir, reject: false });
    const rungFile = path.join(out, 'iteration_0', 'halving.jsonl');
    const stops = () => (fs.existsSync(rungFile) ? readJsonl<RungEntry>(rungFile).filter((e) => e.decision === 'stop') : []);
    for (let t = 0; t < 1200 && stops().length === 0; t++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await child;
    const before = readJsonl<RungEntry>(rungFile);
    const stopped = stops().map((e) => e.sample);
    expect(stopped.length).toBeGreaterThan(0);
    const curve = fs.readFileSync(path.join(out, 'iteration_0', `sample_${stopped[0]}`, 'train', 'evals.jsonl'), 'utf8');
    const r = await execa(process.execPath, [bin, 'run', '--resume', out], { cwd: dir, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/stopped early at rung 1/);
    const resumed = Run.open(out);
    // the stop made before the kill stands (even if the kill came before sample.json said so):
    // not trained again, the same rung and steps, the same curve
    const first = before.find((e) => e.decision === 'stop')!;
    expect(resumed.sample(0, first.sample)!.stopped).toMatchObject({ rung: first.rung, timesteps: first.timesteps });
    expect(fs.readFileSync(path.join(out, 'iteration_0', `sample_${stopped[0]}`, 'train', 'evals.jsonl'), 'utf8')).toBe(curve);
    const after = readJsonl<RungEntry>(rungFile);
    for (const e of before.filter((x) => stopped.includes(x.sample) || resumed.sample(0, x.sample)!.status === 'trained')) expect(after).toContainEqual(e);
    expect(resumed.samples(0).map((s) => s.status)).toEqual(['trained', 'trained', 'stopped', 'stopped']);
  }, 300_000);
});
