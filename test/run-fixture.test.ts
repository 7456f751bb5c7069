/**
 * A run folder written by an earlier version (test/fixtures/run_format1) still opens, reports
 * and resumes: the run folder's format is a promise to every run on disk.
 */
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunData, writeReport } from '../src/report';
import { RunFolder } from '../src/run/layout';
import { Run } from '../src/run/run';
import { shutdownWorker } from '../src/worker/client';
import { repoRoot, tempDir } from './helpers';

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'run_format1');

/** A copy of the fixture with its placeholders replaced by this machine's paths. */
function copyFixture(): string {
  const dir = path.join(tempDir('se-fixture-'), 'run');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'README.md'));
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.(json|jsonl|md|py|yml)$/.test(entry.name)) continue;
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replaceAll('__RUN__', dir).replaceAll('__REPO__', repoRoot));
  }
  return dir;
}

afterAll(async () => {
  await shutdownWorker();
});

describe('a run folder written before the layout module', () => {
  it('opens with its records and reports without warnings', async () => {
    const dir = copyFixture();
    const run = Run.open(dir);
    expect(run.record.status).toBe('interrupted');
    expect(run.record.best).toMatchObject({ iteration: 0, sample: 0, fitness: 9.4, timesteps: 304 });
    expect(run.samples(0).map((s) => s.status)).toEqual(['trained', 'trained']);
    expect(run.evals(0, 1).length).toBeGreaterThan(0);
    expect(run.feedback(0)?.record.source).toBe('reflection');
    expect(new RunFolder(dir).checks(0, 0).at(-1)?.passed).toBe(true);

    const data = loadRunData(dir);
    expect(data.warnings).toEqual([]);
    expect(data.iterations[0]!.samples).toHaveLength(2);
    expect(data.best?.sample).toBe(0);
    const file = await writeReport(dir);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('Iteration 0');
    expect(html).toContain('CartPole-v1'); // the benchmark's row
  });

  it('resumes: the final evaluation it was killed before runs, nothing else is redone', async () => {
    const dir = copyFixture();
    const before = fs.readFileSync(path.join(dir, 'iteration_0', 'sample_0', 'sample.json'), 'utf8');
    const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
    const r = await execa(process.execPath, [bin, 'run', '--resume', dir], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const run = Run.open(dir);
    expect(run.record.status).toBe('done');
    expect(run.record.final?.episodes).toBe(10);
    expect(fs.existsSync(path.join(dir, 'final', 'evaluation.json'))).toBe(true);
    // the trained samples and the LLM's answers were kept as they were
    expect(fs.readFileSync(path.join(dir, 'iteration_0', 'sample_0', 'sample.json'), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(dir, 'llm_calls.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
