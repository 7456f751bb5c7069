/**
 * Successive halving over an iteration's samples. Rungs sit at `min_fraction * eta^k` of the
 * budget, each moved to the first evaluation at or after it. At rung k the top
 * `ceil(N / eta^(k+1))` of the iteration's N training samples go on, ranked by the selection
 * rule (selection.ts: best fitness so far, ties to the one that got there in fewer steps). The decision is
 * asynchronous: a sample that reaches a rung goes on while fewer samples than that are ahead of
 * it there, and is stopped (then, or later while it still runs) once that many are. So a stop
 * is never a mistake of order: a stopped sample could not have been in the top at its rung,
 * however the others arrive. Exact ties go on; NaN ranks last; a sample that failed holds no place
 * ahead of anyone. Pure: the training stage feeds it evaluations, records its decisions
 * (layout.ts: halving.jsonl) and rebuilds it from them on resume, so decisions made stand.
 */
import type { Selection } from '../config/index';
import { isBetter } from './selection';

export type SelectionStrategy = Selection;

export interface HalvingSettings {
  /** Keep the top 1/eta at each rung (> 1). */
  eta: number;
  /** No sample is stopped before this fraction of the budget (0 < f < 1). */
  min_fraction: number;
}

/** One line of halving.jsonl: a sample reaching a rung, or stopped there. */
export interface RungEntry {
  sample: number;
  rung: number;
  /** The evaluation at which the sample reached the rung. */
  timesteps: number;
  /** Its best fitness by then (mean over the eval episodes); null for NaN. */
  best: number | null;
  /** The steps of that best evaluation (ties go to fewer). */
  best_at: number;
  /** 'continue' on arrival; 'stop' when it is stopped (on arrival, or later while running). */
  decision: 'continue' | 'stop';
  /** Samples ahead of it at this rung when the decision was made, and how many go on. */
  ahead: number;
  keep: number;
}

/** Why a sample was stopped, as sample.json and the reflection say it. */
export interface StopRecord {
  rung: number;
  timesteps: number;
  total_timesteps: number;
  fitness: number | null;
  reason: string;
}

/**
 * The steps at which rungs sit: `min_fraction * eta^k` of `total` for every k with a fraction
 * below 1, each moved to the first evaluation at or after it (evaluations come every
 * total / num_evals steps, as the worker schedules them). A rung on the last evaluation would
 * decide nothing and is left out, as is a second rung on one evaluation.
 */
export function rungSteps(total: number, numEvals: number, s: HalvingSettings): number[] {
  const every = Math.max(1, Math.floor(total / Math.max(1, numEvals)));
  const lastEval = every * Math.max(1, numEvals);
  const out: number[] = [];
  for (let f = s.min_fraction; f < 1; f *= s.eta) {
    const at = Math.ceil((f * total) / every) * every;
    if (at >= lastEval || at >= total) break;
    if (out[out.length - 1] !== at) out.push(at);
  }
  return out;
}

const ranked = (e: RungEntry) => ({ fitness: e.best === null || Number.isNaN(e.best) ? -Infinity : e.best, timesteps: e.best_at ?? e.timesteps });

/** The rungs of one iteration: who reached which, and who was stopped. */
export class Rungs {
  private readonly entries: RungEntry[] = [];
  private readonly running = new Set<number>();

  /** `population`: the iteration's samples that train (those that failed included). */
  constructor(
    readonly steps: readonly number[],
    readonly settings: HalvingSettings,
    readonly population: number,
    recorded: readonly RungEntry[] = [],
  ) {
    this.entries.push(...recorded);
  }

  get decisions(): readonly RungEntry[] {
    return this.entries;
  }

  /** How many go on from rung k. */
  keep(rung: number): number {
    return Math.max(1, Math.ceil(this.population / this.settings.eta ** (rung + 1)));
  }

  private arrival(sample: number, rung: number): RungEntry | undefined {
    return this.entries.find((e) => e.sample === sample && e.rung === rung);
  }

  isStopped(sample: number): boolean {
    return this.entries.some((e) => e.sample === sample && e.decision === 'stop');
  }

  /** The sample's training started (or started again: its old entries are gone). */
  start(sample: number): void {
    for (let k = this.entries.length - 1; k >= 0; k--) if (this.entries[k]!.sample === sample) this.entries.splice(k, 1);
    this.running.add(sample);
  }

  /** Its training ended (trained, stopped or failed): never stopped after this. */
  end(sample: number): void {
    this.running.delete(sample);
  }

  /** Other samples whose fitness at the rung was strictly better (each counted once: its arrival). */
  private ahead(sample: number, rung: number): number {
    const mine = ranked(this.arrival(sample, rung)!);
    const others = new Set(this.entries.filter((e) => e.rung === rung && e.sample !== sample).map((e) => e.sample));
    return [...others].filter((o) => isBetter(ranked(this.arrival(o, rung)!), mine)).length;
  }

  /**
   * An evaluation of `sample` (its best checkpoint so far): the entries it makes, its arrival at
   * the lowest rung it has not reached (if this evaluation reaches it) and every stop now due,
   * its own or another running sample's at that rung.
   */
  judge(sample: number, timesteps: number, best: { fitness: number; timesteps: number } | null): RungEntry[] {
    if (this.isStopped(sample)) return [];
    const rung = this.steps.findIndex((_, r) => !this.arrival(sample, r));
    if (rung < 0 || timesteps < this.steps[rung]!) return [];
    const keep = this.keep(rung);
    const value = best === null || Number.isNaN(best.fitness) ? null : best.fitness;
    const entry: RungEntry = { sample, rung, timesteps, best: value, best_at: best?.timesteps ?? timesteps, decision: 'continue', ahead: 0, keep };
    this.entries.push(entry);
    entry.ahead = this.ahead(sample, rung);
    const out: RungEntry[] = [];
    if (entry.ahead >= keep) entry.decision = 'stop';
    out.push(entry);
    for (const other of this.running) {
      if (other === sample || this.isStopped(other)) continue;
      const at = this.arrival(other, rung);
      if (!at) continue;
      const ahead = this.ahead(other, rung);
      if (ahead >= keep) {
        const stop: RungEntry = { ...at, decision: 'stop', ahead, keep };
        this.entries.push(stop);
        out.push(stop);
      }
    }
    return out;
  }
}

/** What sample.json and the reflection say of a stop. */
export function stopRecord(e: RungEntry, total: number, eta: number): StopRecord {
  const fitness = e.best === null ? 'no fitness' : `best fitness ${e.best.toFixed(2)}`;
  return {
    rung: e.rung,
    timesteps: e.timesteps,
    total_timesteps: total,
    fitness: e.best,
    reason: `stopped early at rung ${e.rung + 1} (${e.timesteps} of ${total} steps): ${fitness}, with ${e.ahead} samples ahead where the top 1/${eta} (${e.keep}) go on`,
  };
}
