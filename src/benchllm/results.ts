/**
 * The benchmark's figures, read from its folder (pure apart from reading): per env and model,
 * over the suite's seeds, the final fitness, the human-normalised score against the human and
 * sparse rewards, the share of LLM samples that passed the checks, tokens and time.
 */
import fs from 'node:fs';
import { humanNormalised } from '../run/finish';
import { readJson } from '../run/files';
import { RunFolder, type RunRecord } from '../run/layout';
import { benchPaths, type BaselineRecord } from './folder';

/** What suite.json holds: the suite as run. */
export interface SuiteRecord {
  name: string;
  file: string;
  iterations: number;
  samples: number;
  seeds: number[];
  envs: { label: string; config: string; timesteps: number }[];
}

/** One model on one env, over the suite's seeds (means over the seeds whose runs are done). */
export interface ResultRow {
  env: string;
  model: string;
  runs: { done: number; total: number };
  /** Final evaluation of the best policy: mean fitness, then its spread over seeds. */
  fitness: number | null;
  fitness_sd: number | null;
  human: number | null;
  sparse: number | null;
  /** (ours - sparse) / |human - sparse| clipped to [0, 3], per seed, then the mean. */
  hns: number | null;
  /** LLM samples whose first answer passed the checks, and those that passed after fixes. */
  checks: { samples: number; first: number; fixed: number };
  /** Per run: tokens (prompt + completion), seconds of LLM answers and of training. */
  tokens: number | null;
  llm_s: number | null;
  train_s: number | null;
  /** Why a run is not done (its error), when one is not. */
  errors: string[];
}

export interface BenchResults {
  suite: SuiteRecord;
  models: string[];
  rows: ResultRow[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sd = (xs: number[]) => {
  const m = mean(xs);
  return m === null || xs.length < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The run's human-normalised score (run/finish.ts humanNormalised); null without both ends. */
export function hns(ours: number, human: number | null, sparse: number | null): number | null {
  return finite(human) && finite(sparse) ? humanNormalised(ours, human, sparse) : null;
}

/** The models with a folder under runs/, by name. */
function modelsOf(bench: string): string[] {
  const dir = benchPaths.runs(bench);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b));
}

function row(bench: string, suite: SuiteRecord, env: string, model: string): ResultRow {
  const out: ResultRow = { env, model, runs: { done: 0, total: suite.seeds.length }, fitness: null, fitness_sd: null, human: null, sparse: null, hns: null, checks: { samples: 0, first: 0, fixed: 0 }, tokens: null, llm_s: null, train_s: null, errors: [] };
  const fit: number[] = [];
  const scores: number[] = [];
  const humans: number[] = [];
  const sparses: number[] = [];
  const tokens: number[] = [];
  const llm: number[] = [];
  const train: number[] = [];
  for (const seed of suite.seeds) {
    const base = readJson<BaselineRecord>(benchPaths.baseline(bench, env, seed));
    if (finite(base?.human.fitness_mean)) humans.push(base.human.fitness_mean);
    if (finite(base?.sparse.fitness_mean)) sparses.push(base.sparse.fitness_mean);
    const folder = new RunFolder(benchPaths.run(bench, model, env, seed), { tolerant: true });
    const record: RunRecord | null = folder.isRun() ? folder.run() : null;
    if (!record) continue;
    if (record.status !== 'done') out.errors.push(`seed ${seed}: ${record.status}${record.error ? `: ${record.error.split('\n')[0]}` : ''}`);
    const iterations = folder.iterations();
    for (const i of iterations) {
      for (const j of folder.sampleNumbers(i)) {
        const s = folder.sample(i, j);
        if (!s || s.origin !== 'llm' || s.answers === 0) continue;
        const checks = folder.checks(i, j);
        out.checks.samples++;
        if (checks[0]?.passed) out.checks.first++;
        if (checks.some((c) => c.passed)) out.checks.fixed++;
      }
    }
    if (record.status !== 'done') continue;
    out.runs.done++;
    const times = iterations.map((i) => folder.iteration(i)?.time);
    tokens.push(record.tokens.prompt + record.tokens.completion);
    llm.push(times.reduce((a, t) => a + (t?.llm_s ?? 0), 0));
    train.push(times.reduce((a, t) => a + (t?.train_s ?? 0), 0));
    const ours = record.final?.fitness_mean;
    if (!finite(ours)) continue;
    fit.push(ours);
    const score = hns(ours, base?.human.fitness_mean ?? null, base?.sparse.fitness_mean ?? null);
    if (score !== null) scores.push(score);
  }
  return { ...out, fitness: mean(fit), fitness_sd: sd(fit), human: mean(humans), sparse: mean(sparses), hns: mean(scores), tokens: mean(tokens), llm_s: mean(llm), train_s: mean(train) };
}

/** Every env and model of a bench folder; null when it holds no suite. */
export function benchResults(bench: string): BenchResults | null {
  const suite = readJson<SuiteRecord>(benchPaths.suite(bench));
  if (!suite) return null;
  const models = modelsOf(bench);
  return { suite, models, rows: suite.envs.flatMap((e) => models.map((m) => row(bench, suite, e.label, m))) };
}

/** Per model: the mean HNS over envs (those with one), and tokens and time summed over envs. */
export function modelSummary(results: BenchResults): { model: string; hns: number | null; envs: number; tokens: number; llm_s: number; train_s: number }[] {
  return results.models.map((model) => {
    const rows = results.rows.filter((r) => r.model === model);
    const scores = rows.flatMap((r) => (finite(r.hns) ? [r.hns] : []));
    const sum = (f: (r: ResultRow) => number | null) => rows.reduce((a, r) => a + (f(r) ?? 0), 0);
    return { model, hns: mean(scores), envs: scores.length, tokens: sum((r) => r.tokens), llm_s: sum((r) => r.llm_s), train_s: sum((r) => r.train_s) };
  });
}
