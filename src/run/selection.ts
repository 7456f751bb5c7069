/**
 * The selection rule, the one place it is written: a sample is ranked by its best checkpoint,
 * the highest mean fitness over the evaluation episodes; ties go to the one that got there in
 * fewer steps, then to the earlier iteration and sample. The run promotes by it, and the
 * report, the notebook and the CLI show what it chose.
 */
import type { EvalPoint } from '../worker/protocol/index';

/** What the rule compares: a best checkpoint's fitness and steps, and whose it is. */
export interface Ranked {
  fitness: number;
  timesteps: number;
  iteration?: number;
  sample?: number;
}

/** Whether `a` ranks above `b` (anything ranks above nothing). */
export function isBetter(a: Ranked, b: Ranked | null | undefined): boolean {
  if (!b) return true;
  if (a.fitness !== b.fitness) return a.fitness > b.fitness;
  if (a.timesteps !== b.timesteps) return a.timesteps < b.timesteps;
  if ((a.iteration ?? 0) !== (b.iteration ?? 0)) return (a.iteration ?? 0) < (b.iteration ?? 0);
  return (a.sample ?? 0) < (b.sample ?? 0);
}

/** The top of a list by the rule; entries whose fitness is not a finite number are skipped. */
export function bestOf<T extends Ranked>(xs: Iterable<T>): T | null {
  let best: T | null = null;
  for (const x of xs) if (Number.isFinite(x.fitness) && isBetter(x, best)) best = x;
  return best;
}

/** A training's best checkpoint: the highest mean fitness, the earliest on ties. */
export function peak(evals: EvalPoint[]): EvalPoint | null {
  let best: EvalPoint | null = null;
  for (const e of evals) if (!best || isBetter({ fitness: e.fitness_mean, timesteps: e.timesteps }, { fitness: best.fitness_mean, timesteps: best.timesteps })) best = e;
  return best;
}

/** What selectBest needs of a sample: its evaluations, and why it failed if it did. */
export interface Candidate {
  sample: number;
  evals: EvalPoint[] | null;
  failure?: unknown;
}

/** The iteration's best sample: the rule applied to each trained sample's best checkpoint. */
export function selectBest<T extends Candidate>(samples: T[]): T | null {
  const ranked = samples.flatMap((s) => {
    const p = s.evals && !s.failure ? peak(s.evals) : null;
    return p ? [{ s, fitness: p.fitness_mean, timesteps: p.timesteps, sample: s.sample }] : [];
  });
  return bestOf(ranked)?.s ?? null;
}
