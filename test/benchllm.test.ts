/**
 * The reward-design benchmark end to end, as a user runs it: `stable-eureka bench-llm` with the
 * embedded model on two tiny envs (CartPole with PPO, Pendulum with SAC), the real worker and
 * the real loop; killed in the middle and continued; run again with nothing left to do.
 */
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchPaths, hns, loadSuite, modelSlug, type BaselineRecord, type BenchResults } from '../src/benchllm/index';
import { ConfigError } from '../src/config/index';
import { DEFAULT_LOCAL_MODEL } from '../src/llm/localModels';
import { readJson, readJsonl } from '../src/run/files';
import type { RunRecord, SampleRecord } from '../src/run/layout';
import { shutdownWorker } from '../src/worker/client';
import { configsDir, repoRoot, tempDir } from './helpers';

const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
const cli = (args: string[], cwd: string) => execa(process.execPath, [bin, ...args], { cwd, reject: false, all: true });

function writeSuite(dir: string, name = 'tiny'): string {
  const file = path.join(dir, `${name}.yml`);
  fs.writeFileSync(
    file,
    `name: ${name}\niterations: 1\nsamples: 2\nseeds: [0]\nenvs:\n  - config: ${path.join(configsDir, 'cartpole.yml')}\n    timesteps: 2048\n  - config: ${path.join(configsDir, 'pendulum.yml')}\n    timesteps: 300\n`,
  );
  return file;
}

afterAll(() => shutdownWorker());

describe('stable-eureka bench-llm', () => {
  it('compares models on a suite, is killed, continues where it stopped, and then has nothing left to do', async () => {
    const dir = tempDir('se-bench-');
    const suite = writeSuite(dir);
    const out = path.join(dir, 'bench');
    const args = ['bench-llm', '--suite', suite, '--backend', 'local', '--out', out];
    const slug = modelSlug('local', DEFAULT_LOCAL_MODEL);

    // killed once CartPole's run is training
    const child = execa(process.execPath, [bin, ...args], { cwd: dir, reject: false });
    const sample0 = path.join(benchPaths.run(out, slug, 'cartpole', 0), 'iteration_0', 'sample_0', 'sample.json');
    for (let t = 0; t < 1200 && readJson<SampleRecord>(sample0)?.status !== 'training'; t++) await new Promise((r) => setTimeout(r, 250));
    child.kill('SIGKILL');
    await child;
    const baselineFile = benchPaths.baseline(out, 'cartpole', 0);
    const baseline = readJson<BaselineRecord>(baselineFile)!;
    expect(baseline.human).toMatchObject({ status: 'succeeded' });
    expect(baseline.sparse).toMatchObject({ status: 'succeeded' });
    expect(Number.isFinite(baseline.human.fitness_mean) && Number.isFinite(baseline.sparse.fitness_mean)).toBe(true);
    const measured = fs.statSync(baselineFile).mtimeMs;

    const r = await cli(args, dir);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toMatch(/cartpole seed 0, gemma-3-270m: resuming the loop/);
    expect(r.stderr).not.toMatch(/cartpole seed 0: training the human and sparse rewards/);
    expect(fs.statSync(baselineFile).mtimeMs).toBe(measured);
    // the Markdown table on stdout, one row per env and model
    expect(r.stdout).toMatch(/^# Reward-design benchmark: tiny$/m);
    expect(r.stdout).toMatch(new RegExp(`^\\| cartpole \\| ${slug} \\| 1/1 \\|`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^\\| pendulum \\| ${slug} \\| 1/1 \\|`, 'm'));

    const results = readJson<BenchResults>(benchPaths.results(out))!;
    expect(results.models).toEqual([slug]);
    for (const row of results.rows) {
      const run = readJson<RunRecord>(path.join(benchPaths.run(out, slug, row.env, 0), 'run.json'))!;
      const base = readJson<BaselineRecord>(benchPaths.baseline(out, row.env, 0))!;
      expect(run.status).toBe('done');
      expect(row.fitness).toBe(run.final!.fitness_mean);
      expect(row.human).toBe(base.human.fitness_mean);
      expect(row.sparse).toBe(base.sparse.fitness_mean);
      expect(row.hns).toBe(hns(run.final!.fitness_mean, base.human.fitness_mean, base.sparse.fitness_mean));
      expect(row.checks.samples).toBe(2);
      expect(row.checks.fixed).toBeGreaterThanOrEqual(row.checks.first);
      expect(row.tokens).toBe(run.tokens.prompt + run.tokens.completion);
      expect(row.tokens!).toBeGreaterThan(0);
      expect(row.llm_s!).toBeGreaterThan(0);
      expect(row.train_s!).toBeGreaterThan(0);
    }
    // the runs used the suite's settings, and no benchmark env (the baselines stand for it)
    const cartRun = readJson<{ eureka: { samples: number; iterations: number }; rl: { training: { total_timesteps: number; seed: number } }; environment: { benchmark: string | null } }>(
      path.join(benchPaths.run(out, slug, 'cartpole', 0), 'config.json'),
    )!;
    expect(cartRun).toMatchObject({ eureka: { samples: 2, iterations: 1 }, rl: { training: { total_timesteps: 2048, seed: 0 } }, environment: { benchmark: null } });
    const html = fs.readFileSync(benchPaths.html(out), 'utf8');
    expect(html).toContain('<h1>Reward-design benchmark: tiny</h1>');
    expect(html).toMatch(/<td>pendulum<\/td><td>local-gemma-3-270m<\/td>/);
    expect(fs.readFileSync(benchPaths.markdown(out), 'utf8')).toBe(r.stdout.slice(0, r.stdout.indexOf('\nresults: ')));

    // again: every run is done, nothing is asked or trained
    const calls = readJsonl(path.join(benchPaths.run(out, slug, 'pendulum', 0), 'llm_calls.jsonl')).length;
    const again = await cli(args, dir);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).not.toMatch(/running the loop|resuming|training the human/);
    expect(readJsonl(path.join(benchPaths.run(out, slug, 'pendulum', 0), 'llm_calls.jsonl'))).toHaveLength(calls);

    // another suite is not mixed into this folder
    const other = await cli(['bench-llm', '--suite', writeSuite(dir, 'other'), '--backend', 'local', '--out', out], dir);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/holds a benchmark of another suite \(name differ/);
  }, 900_000);

  it('names a model to compare, and the key and fix of a bad suite', async () => {
    const dir = tempDir('se-bench-bad-');
    const r = await cli(['bench-llm', '--backend', 'ollama'], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/name the models to compare: --model NAME/);
    const file = path.join(dir, 'bad.yml');
    fs.writeFileSync(file, `name: bad\niterations: 0\nsamples: 2\nseeds: [0]\nenvs:\n  - config: ${path.join(configsDir, 'cartpole.yml')}\n    timestep: 100\n`);
    const e = (() => {
      try {
        loadSuite(file);
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain(`${file}: iterations: expected a positive integer. Set iterations to a positive integer.`);
    expect(e.message).toContain(`${file}: envs.0.timestep: unknown key 'timestep'.`);
    expect(() => loadSuite(path.join(dir, 'nope.yml'))).toThrow(/nope\.yml: file not found\. Name a suite file, or one of the shipped suites: small, large/);
    // the shipped suites load, every config in them
    expect(loadSuite('small').envs.map((x) => x.label)).toEqual(['cartpole', 'pendulum']);
    expect(loadSuite('large').envs).toHaveLength(6);
  });

  it('scores like Eureka: 1 is the human reward, 0 the sparse one, clipped to [0, 3]', () => {
    expect(hns(500, 500, 9)).toBe(1);
    expect(hns(9, 500, 9)).toBe(0);
    expect(hns(-150, -160, -1200)).toBeCloseTo(1040 / 1040 + 10 / 1040, 10);
    expect(hns(5000, 500, 9)).toBe(3);
    expect(hns(0, 500, 500)).toBeNull();
    expect(hns(-1224, -1302, -1287)).toBeNull(); // the human reward no better than none: no scale
    expect(hns(0, null, 9)).toBeNull();
  });
});
