/**
 * The report's data: a run folder read through RunFolder (src/run/layout.ts) into RunData, and
 * the figures derived from it (each iteration's best, the run's best, the benchmark, token use).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isNum } from '../render/format';
import { bestOf } from '../run/selection';
import {
  RunFolder,
  runFiles,
  runPaths,
  type BenchmarkRecord,
  type BestRecord,
  type FeedbackRecord,
  type FinalRecord,
  type Fitness,
  type IterationRecord,
  type LlmCallRecord,
  type RunRecord,
  type SampleRecord,
  type SampleRef,
} from '../run/layout';
import type { EvalPoint } from '../worker/protocol/index';

export interface SampleData extends SampleRef {
  /** sample.json; null while the sample has none yet. */
  record: SampleRecord | null;
  /** The code last checked: sample.json's, else reward.py. */
  code: string | null;
  /** train/evals.jsonl (a torn last line skipped). */
  evals: EvalPoint[];
}

export interface IterationData {
  iteration: number;
  record: IterationRecord | null;
  samples: SampleData[];
  /** feedback.md: what the next iteration is told. */
  feedback: string | null;
  feedbackRecord: FeedbackRecord | null;
  /** reflection.md: the automatic reflection (shown apart when a person's text replaced it). */
  reflection: string | null;
}

export interface RunData {
  dir: string;
  run: RunRecord | null;
  iterations: IterationData[];
  llmCalls: LlmCallRecord[];
  best: BestRecord | null;
  bestCode: string | null;
  final: FinalRecord | null;
  benchmark: BenchmarkRecord | null;
  /** final/policy.gif, base64. */
  gif: string | null;
  /** Files that exist but could not be read (shown in the report). */
  warnings: string[];
}

export type Best = SampleRef & Fitness;

/**
 * Everything the report shows, read from a run folder. A run in progress or killed reads as
 * far as it got: missing files, iterations and samples are absent, a torn last line of a
 * .jsonl is skipped, and a file that cannot be parsed is left out with a warning.
 */
export function loadRunData(runDir: string): RunData {
  const dir = path.resolve(runDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${runDir}: no such run folder`);
  const folder = new RunFolder(dir, { tolerant: true });
  const run = folder.run();
  const iterationNumbers = folder.iterations();
  if (!run && iterationNumbers.length === 0) throw new Error(`${runDir}: not a run folder (no ${runFiles.run}, no iteration_<i>/)`);

  const iterations = iterationNumbers.map((i): IterationData => {
    const samples = folder.sampleNumbers(i).map((j): SampleData => {
      const record = folder.sample(i, j);
      const code = typeof record?.code === 'string' ? record.code : folder.reward(i, j);
      const evals = folder
        .evals(i, j)
        .filter((e) => isNum(e.timesteps) && isNum(e.fitness_mean))
        .sort((a, b) => a.timesteps - b.timesteps);
      return { iteration: i, sample: j, record, code, evals };
    });
    return {
      iteration: i,
      record: folder.iteration(i),
      samples,
      feedback: folder.feedbackText(i),
      feedbackRecord: folder.feedbackRecord(i),
      reflection: folder.reflection(i),
    };
  });

  const best = folder.best();
  const bestCode = folder.bestReward() ?? (typeof best?.code === 'string' ? best.code : null);

  let gif: string | null = null;
  const gifCandidates = [runPaths.finalGif(dir)];
  if (typeof run?.final?.gif === 'string') gifCandidates.push(path.resolve(dir, run.final.gif));
  for (const file of gifCandidates) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    if (bytes.subarray(0, 4).toString('latin1') !== 'GIF8') {
      folder.warnings.push(`${path.relative(dir, file)}: not a GIF; left out`);
      continue;
    }
    gif = bytes.toString('base64');
    break;
  }

  return {
    dir,
    run,
    iterations,
    llmCalls: folder.llmCalls(),
    best,
    bestCode,
    final: folder.final(),
    benchmark: folder.benchmark(),
    gif,
    warnings: folder.warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Derived figures

/**
 * An iteration's best sample: iteration.json's, else the best trained sample record, else
 * (training in progress) the best evaluation so far.
 */
export function iterationBest(it: IterationData): Best | null {
  const rb = it.record?.best;
  if (rb && isNum(rb.fitness)) return rb;
  const samples = it.samples.filter((s) => s.record?.status !== 'duplicate');
  const at = (s: SampleData, f: { fitness: number; fitness_std: number; timesteps: number }): Best => ({ iteration: it.iteration, sample: s.sample, ...f });
  const trained = samples.flatMap((s) => (s.record?.best && isNum(s.record.best.fitness) ? [at(s, s.record.best)] : []));
  const evaluated = samples.flatMap((s) => s.evals.map((e) => at(s, { fitness: e.fitness_mean, fitness_std: e.fitness_std, timesteps: e.timesteps })));
  return bestOf(trained) ?? bestOf(evaluated);
}

/** The run's best: run.json's, else best/best.json, else the best of the iterations' bests. */
export function globalBest(data: RunData): Best | null {
  if (data.run?.best && isNum(data.run.best.fitness)) return data.run.best;
  if (data.best && isNum(data.best.fitness)) return data.best;
  return bestOf(data.iterations.flatMap((it) => iterationBest(it) ?? []));
}

/** The benchmark's fitness: run.json's, else benchmark/evaluation.json's evaluation (or the file's own figures). */
export function benchmarkFitness(data: RunData): number | null {
  const b = data.benchmark as (BenchmarkRecord & { fitness_mean?: unknown }) | null;
  for (const x of [data.run?.benchmark?.fitness_mean, b?.evaluation?.fitness_mean, b?.fitness_mean]) if (isNum(x)) return x;
  return null;
}

export function findSample(data: RunData, ref: SampleRef | null | undefined): SampleData | undefined {
  if (!ref) return undefined;
  return data.iterations.find((it) => it.iteration === ref.iteration)?.samples.find((s) => s.sample === ref.sample);
}

export interface TokenUsage {
  prompt: number;
  completion: number;
  /** LLM calls logged, and how many of them failed. */
  calls: number;
  errors: number;
  perIteration: Map<number, { prompt: number; completion: number }>;
}

/** Tokens spent: from llm_calls.jsonl, else (no log) the records' own counts. */
export function tokenUsage(data: RunData): TokenUsage {
  const perIteration = new Map<number, { prompt: number; completion: number }>();
  let prompt = 0;
  let completion = 0;
  let errors = 0;
  for (const c of data.llmCalls) {
    const p = isNum(c.prompt_tokens) ? c.prompt_tokens : 0;
    const q = isNum(c.completion_tokens) ? c.completion_tokens : 0;
    prompt += p;
    completion += q;
    if (c.error) errors += 1;
    if (isNum(c.iteration)) {
      const t = perIteration.get(c.iteration) ?? { prompt: 0, completion: 0 };
      t.prompt += p;
      t.completion += q;
      perIteration.set(c.iteration, t);
    }
  }
  if (data.llmCalls.length === 0) {
    // No log: the records' own counts.
    for (const it of data.iterations) {
      if (it.record?.tokens) perIteration.set(it.iteration, { ...it.record.tokens });
    }
    prompt = data.run?.tokens?.prompt ?? [...perIteration.values()].reduce((a, t) => a + t.prompt, 0);
    completion = data.run?.tokens?.completion ?? [...perIteration.values()].reduce((a, t) => a + t.completion, 0);
  }
  return { prompt, completion, calls: data.llmCalls.length, errors, perIteration };
}

/** Wall seconds from the run's creation to its last update; null without run.json's times. */
export function runWallSeconds(data: RunData): number | null {
  const r = data.run;
  if (!r) return null;
  const t0 = Date.parse(r.created);
  const t1 = Date.parse(r.updated);
  return Number.isFinite(t0) && Number.isFinite(t1) ? (t1 - t0) / 1000 : null;
}

/**
 * Where a run stands, from its folder: what each iteration has done (a run stepped through in a
 * notebook never says "done" in run.json, yet has generated, checked, trained and reflected).
 */
export function runStanding(data: RunData): string {
  if (!data.iterations.length) return 'nothing generated yet';
  const parts = data.iterations.map((it) => {
    const records = it.samples.map((s) => s.record).filter((r): r is SampleRecord => r !== null);
    if (it.record?.status === 'done') return `iteration ${it.iteration}: done`;
    const stages: string[] = [];
    if (records.length) stages.push('generated');
    if (records.length && !records.some((r) => r.status === 'pending')) stages.push('checked');
    if (records.some((r) => ['trained', 'stopped', 'failed', 'duplicate'].includes(r.status)) && !records.some((r) => ['pending', 'checked', 'queued', 'training'].includes(r.status))) stages.push('trained');
    if (it.feedback !== null) stages.push('reflected');
    return `iteration ${it.iteration}: ${stages.length ? stages.join(', ') : 'begun'}`;
  });
  if (data.final ?? data.run?.final) parts.push('final evaluation done');
  return parts.join('; ');
}
