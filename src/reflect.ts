/**
 * The reward reflection: statistics of the best sample's training in, feedback text out.
 * Pure functions; the sentences come from src/prompts/ (reflection.md, advice.md, lines.md).
 */
import { fill, keyedLines, template } from './prompts';
import { peak } from './run/selection';
import type { EvalPoint } from './worker/protocol/index';

/** One sample of an iteration as the reflection sees it. */
export interface SampleOutcome {
  sample: number;
  /** 'human': the env folder's reward the LLM was shown (use_initial_reward_prompt); default 'llm'. */
  origin?: 'llm' | 'edit' | 'human';
  code: string | null;
  /** Evaluations during training; null when it never trained. */
  evals: EvalPoint[] | null;
  /** Why it could not be used (check or training failure), when it could not. */
  failure?: { stage: string; reason: string } | null;
  /** Stopped early by successive halving: where, and its best fitness by then. */
  stopped?: { timesteps: number; total_timesteps: number; fitness: number | null } | null;
}

/** About `n` points spread evenly over the series, the first and the last included. */
export function subsample<T>(xs: T[], n = 10): T[] {
  if (xs.length <= n) return [...xs];
  const idx = new Set(Array.from({ length: n }, (_, i) => Math.round((i * (xs.length - 1)) / (n - 1))));
  return [...idx].map((i) => xs[i]!);
}

/** Three significant digits, as a person would write them. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(3));
}

export interface Series {
  name: string;
  values: number[];
}

export function seriesLine({ name, values }: Series): string {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `${name}: [${values.map(round).join(', ')}], Max: ${round(Math.max(...values))}, Mean: ${round(mean)}, Min: ${round(Math.min(...values))}`;
}

/** The series of a reflection's statistics, read back from its text (the lines seriesLine writes). */
export function readSeries(text: string): Series[] {
  return [...text.matchAll(/^(\S+): \[([^\]\n]*)\], Max: /gm)].map((m) => ({ name: m[1]!, values: m[2]!.split(', ').map(Number) }));
}

/** fitness_score, every component, the reward and the episode length over the evaluations. */
export function evalSeries(evals: EvalPoint[], points = 10): Series[] {
  const pts = subsample(evals, points);
  const names = [...new Set(evals.flatMap((e) => Object.keys(e.components)))];
  return [
    { name: 'fitness_score', values: pts.map((e) => e.fitness_mean) },
    ...names.map((name) => ({ name, values: pts.map((e) => e.components[name] ?? 0) })),
    { name: 'reward', values: pts.map((e) => e.reward_mean) },
    { name: 'episode_length', values: pts.map((e) => e.length_mean) },
  ];
}

/** Ranks 1..n, ties sharing their mean rank. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let lo = 0; lo < order.length; ) {
    let hi = lo;
    while (hi + 1 < order.length && order[hi + 1]![0] === order[lo]![0]) hi++;
    for (let k = lo; k <= hi; k++) out[order[k]![1]] = (lo + hi) / 2 + 1;
    lo = hi + 1;
  }
  return out;
}

/** Spearman's rank correlation of paired values; null when either side never varies. */
export function rankCorrelation(xs: number[], ys: number[]): number | null {
  const [rx, ry] = [ranks(xs), ranks(ys)];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < rx.length; i++) {
    const [dx, dy] = [rx[i]! - mx, ry[i]! - my];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Fewer evaluation episodes than this say too little about how reward and fitness relate. */
export const MIN_CORRELATION_EPISODES = 8;
/** Below this the reward barely tells a good episode from a bad one; at or below -LOW it opposes the task. */
const LOW_CORRELATION = 0.3;

/**
 * How well the reward ranks the evaluation episodes of a training as the task does: Spearman's
 * correlation of each episode's reward sum with its fitness_score, over every evaluation (ranks,
 * so a reward on another scale or bent by a square still scores 1). Null when there are too few
 * episodes or the fitness never varied (nothing to agree with).
 */
export function rewardFitnessCorrelation(evals: EvalPoint[]): { rho: number; episodes: number } | null {
  const episodes = evals.flatMap((e) => e.episodes ?? []).filter((ep) => Number.isFinite(ep.reward) && Number.isFinite(ep.fitness));
  if (episodes.length < MIN_CORRELATION_EPISODES) return null;
  const rho = rankCorrelation(
    episodes.map((ep) => ep.reward),
    episodes.map((ep) => ep.fitness),
  );
  return rho === null ? null : { rho, episodes: episodes.length };
}

const LINE_KEYS = ['hacking', 'flat', 'dominating', 'negligible', 'stalled', 'correlation', 'uncorrelated', 'anticorrelated', 'human', 'human_best', 'failures', 'failure', 'stopped', 'stopped_sample'] as const;
type LineKey = (typeof LINE_KEYS)[number];

const lines = (dir?: string): Record<LineKey, string> => keyedLines('lines', LINE_KEYS, dir);

/** What a person should look at: reward hacking, flat, dominating and negligible components, a stall. */
export function diagnose(evals: EvalPoint[], dir?: string): string[] {
  if (evals.length === 0) return [];
  const t = lines(dir);
  const warnings: string[] = [];
  const first = evals[0]!;
  const last = evals.at(-1)!;
  const rewardRise = last.reward_mean - first.reward_mean;
  const fitnessFall = first.fitness_mean - last.fitness_mean;
  if (evals.length >= 2 && rewardRise > 0 && fitnessFall > 0) {
    warnings.push(
      fill(t.hacking, {
        reward_from: round(first.reward_mean),
        reward_to: round(last.reward_mean),
        fitness_from: round(first.fitness_mean),
        fitness_to: round(last.fitness_mean),
      }),
    );
  }
  const names = [...new Set(evals.flatMap((e) => Object.keys(e.components)))];
  const means = new Map(names.map((n) => [n, evals.reduce((a, e) => a + (e.components[n] ?? 0), 0) / evals.length]));
  const flat = new Set<string>();
  for (const name of names) {
    const values = evals.map((e) => e.components[name] ?? 0);
    const spread = Math.max(...values) - Math.min(...values);
    if (evals.length >= 2 && spread <= 1e-9 * Math.max(1, Math.abs(values[0]!))) {
      flat.add(name);
      warnings.push(fill(t.flat, { name, value: round(values[0]!) }));
    }
  }
  if (names.length >= 2) {
    const size = (n: string) => Math.abs(means.get(n)!);
    const dominating = names.filter((n) => size(n) > 0 && size(n) > 10 * names.filter((o) => o !== n).reduce((a, o) => a + size(o), 0));
    for (const name of dominating) warnings.push(fill(t.dominating, { name, value: round(means.get(name)!) }));
    // a term that moves but too little to matter: its scale, not its idea, is wrong (when one
    // term drowns all the others, that one is named instead)
    const largest = names.reduce((a, n) => (size(n) > size(a) ? n : a));
    if (!dominating.length) {
      for (const name of names.filter((n) => !flat.has(n) && size(n) > 0 && size(n) < 0.01 * size(largest))) {
        warnings.push(fill(t.negligible, { name, value: round(means.get(name)!), largest, largest_value: round(means.get(largest)!) }));
      }
    }
  }
  const best = Math.max(...evals.map((e) => e.fitness_mean));
  if (evals.length >= 3 && best <= first.fitness_mean) warnings.push(fill(t.stalled, { fitness: round(first.fitness_mean) }));
  const c = rewardFitnessCorrelation(evals);
  if (c && c.rho < LOW_CORRELATION) warnings.push(fill(c.rho <= -LOW_CORRELATION ? t.anticorrelated : t.uncorrelated, { rho: c.rho.toFixed(2), episodes: c.episodes }));
  return warnings;
}

const failureLine = (t: Record<LineKey, string>, s: SampleOutcome) =>
  fill(t.failure, { sample: s.sample, stage: s.failure!.stage, reason: s.failure!.reason.split('\n')[0]! });

/** The feedback when no sample of an iteration could be trained: each failure and why. */
export function failuresFeedback(all: SampleOutcome[], opts: { dir?: string } = {}): string {
  const t = lines(opts.dir);
  const failures = all.filter((s) => s.failure).map((s) => failureLine(t, s));
  return fill(template('all_failed', opts.dir), { failures: failures.join('\n') || '- no sample was generated' }).trim() + '\n';
}

export interface Reflection {
  text: string;
  bestSample: number;
  warnings: string[];
}

/**
 * The feedback for the next iteration, about `best` (chosen by run/selection.ts), with a summary of
 * the samples that failed. Returns null when no sample trained.
 */
export function reflect(best: SampleOutcome | null, all: SampleOutcome[], opts: { points?: number; dir?: string } = {}): Reflection | null {
  if (!best?.evals?.length || !best.code) return null;
  const t = lines(opts.dir);
  const series = evalSeries(best.evals, opts.points ?? 10);
  const warnings = diagnose(best.evals, opts.dir);
  const correlation = rewardFitnessCorrelation(best.evals);
  const failed = all.filter((s) => s.failure);
  const failures = failed.length
    ? '\n' + [t.failures, ...failed.map((s) => failureLine(t, s))].join('\n') + '\n'
    : '';
  const stopped = all.filter((s) => s.stopped);
  const stoppedLine = stopped.length
    ? '\n' +
      fill(t.stopped, {
        samples: stopped
          .map((s) =>
            fill(t.stopped_sample, {
              sample: s.sample,
              timesteps: s.stopped!.timesteps,
              total: s.stopped!.total_timesteps,
              fitness: s.stopped!.fitness === null ? 'none' : round(s.stopped!.fitness),
            }),
          )
          .join('; '),
      }) + '\n'
    : '';
  const human = all.find((s) => s.origin === 'human' && s.evals?.length);
  const humanLine =
    best.origin === 'human'
      ? '\n' + t.human_best + '\n'
      : human
        ? '\n' + fill(t.human, { sample: human.sample, fitness: round(peak(human.evals!)!.fitness_mean), best_fitness: round(peak(best.evals)!.fitness_mean) }) + '\n'
        : '';
  const text = fill(template('reflection', opts.dir), {
    num_evals: best.evals.length,
    best_sample: best.sample,
    best_fitness: round(peak(best.evals)!.fitness_mean),
    best_code: best.code.trimEnd(),
    points: series[0]!.values.length,
    statistics: series.map(seriesLine).join('\n'),
    correlation: correlation ? fill(t.correlation, { rho: correlation.rho.toFixed(2), episodes: correlation.episodes }) : '',
    warnings: warnings.length ? '\n' + warnings.join('\n') + '\n' : '',
    human: humanLine,
    failures,
    stopped: stoppedLine,
    advice: template('advice', opts.dir).trim(),
  });
  return { text: text.replace(/\n{3,}/g, '\n\n').trim() + '\n', bestSample: best.sample, warnings };
}
