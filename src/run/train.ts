/**
 * Training an iteration's samples: a checked reward trained with the config's algorithm,
 * its evaluations streamed into train/evals.jsonl; a reward equal to one trained before is
 * marked a duplicate instead of trained twice. With selection 'halving' the samples' rungs
 * (halving.ts) judge each evaluation, and a sample outside the top is stopped through the
 * job's cancel path: its curve and best checkpoint stay, its status is 'stopped'.
 */
import fs from 'node:fs';
import type { Selection } from '../config/index';
import { DEFAULTS } from '../defaults';
import { trainReward } from '../training';
import type { EvalPoint, JobWhere, TrainResult } from '../worker/protocol/index';
import { Rungs, rungSteps, stopRecord, type RungEntry } from './halving';
import { runPaths, trainDir, type SampleRecord } from './layout';
import type { Run } from './run';
import { checkedSample } from './generate';
import { peak } from './selection';
import { fitnessOf, RunInterrupted, timed, type StageIO } from './stage';
import type { Timeline } from './timeline';

/** Options of the training stage: the iteration's timeline, and the strategy for this call. */
export interface TrainStageOptions {
  timeline?: Timeline;
  /** Overrides eureka.selection for this call (`run.runSamples(i, { selection: 'full' })`). */
  selection?: Selection;
}

/** Waits for every task (none is left writing), then throws the first error, an interruption first. */
async function settleAll(tasks: Promise<unknown>[]): Promise<void> {
  const errors = (await Promise.allSettled(tasks)).flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (errors.length) throw errors.find((e) => e instanceof RunInterrupted) ?? errors[0];
}

/**
 * A sample trained earlier with the same normalised code, if any: same config, same result,
 * so training it again would spend the budget for nothing. With pretraining_with_best_model
 * a later iteration starts from another model, so only the same iteration counts.
 */
function twinOf(run: Run, s: SampleRecord): SampleRecord | null {
  if (!s.normalized) return null;
  const sameIterationOnly = run.config.eureka.pretraining_with_best_model;
  for (let i = sameIterationOnly ? s.iteration : 0; i <= s.iteration; i++) {
    for (const other of run.samples(i)) {
      if (other.iteration === s.iteration && other.sample === s.sample) continue;
      if (other.normalized === s.normalized && ['queued', 'training', 'trained', 'stopped', 'failed'].includes(other.status)) return other;
    }
  }
  return null;
}

/** The sample once trained (or failed, or found a duplicate); `force` trains a trained one again. */
export async function trainedSample(
  run: Run,
  io: StageIO,
  i: number,
  j: number,
  opts: { timeline?: Timeline; force?: boolean; halving?: HalvingPool } = {},
): Promise<SampleRecord> {
  const { timeline, halving } = opts;
  let s = run.sample(i, j);
  if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
  if (!opts.force && ['trained', 'stopped', 'invalid', 'duplicate'].includes(s.status)) return s;
  if (s.code === null || s.status === 'pending' || s.status === 'invalid' || (s.failure && s.failure.stage !== 'train')) {
    throw new Error(`iteration ${i} sample ${j} has not passed its checks: ${s.failure?.reason ?? 'no code'}`);
  }
  const twin = s.status === 'checked' && !opts.force ? twinOf(run, s) : null;
  if (twin) {
    s.status = 'duplicate';
    s.duplicate_of = { iteration: twin.iteration, sample: twin.sample };
    return io.saveSample(s, `same reward as iteration ${twin.iteration} sample ${twin.sample}; trained once`);
  }
  const code = s.code;
  const initModel = run.config.eureka.pretraining_with_best_model && run.record.best ? runPaths.bestModel(run.dir) : null;
  s.status = 'queued';
  s.init_model = initModel;
  s.failure = null;
  s.stopped = null;
  io.saveSample(s);
  const stop = halving ? new AbortController() : null;
  let stoppedAt: RungEntry | null = null;
  const evals: EvalPoint[] = [];
  const started = Date.now();
  let stepsSeen = 0; // a stopped job's steps: its last progress, a little past the rung
  if (opts.force && !halving) {
    // trained again to the full budget: its earlier rung decisions no longer stand
    const entries = run.folder.rungEntries(i);
    if (entries.some((e) => e.sample === j)) run.folder.saveRungEntries(i, entries.filter((e) => e.sample !== j));
  }
  const slots = await io.trainingSlots();
  const result: TrainResult = await slots.use(async () => {
    io.throwIfAborted();
    const out = trainDir(run.dir, i, j);
    fs.rmSync(out, { recursive: true, force: true }); // what a killed run left half-written
    s!.status = 'training';
    io.saveSample(s!);
    const worker = await io.worker();
    halving?.start(j, (entry) => {
      stoppedAt = entry;
      stop!.abort();
    });
    return timed(timeline, 'train', () =>
      trainReward(run.loaded, code, {
        outDir: out,
        initModel: initModel ?? undefined,
        worker,
        signal: stop ? anySignal(io.signal, stop.signal) : io.signal,
        onProgress: (p) => {
          stepsSeen = Math.max(stepsSeen, p.timesteps);
          io.emit({ type: 'progress', iteration: i, sample: j, timesteps: p.timesteps, total: p.total_timesteps, steps_per_s: p.steps_per_s });
        },
        onEval: (point) => {
          io.emit({ type: 'eval', iteration: i, sample: j, point });
          evals.push(point);
          const top = peak(evals)!;
          halving?.evaluated(j, point.timesteps, { fitness: top.fitness_mean, timesteps: top.timesteps });
        },
      }),
    ).finally(() => halving?.end(j));
  });
  run.folder.saveTrainResult(i, j, result);
  s = { ...s };
  if (io.aborted || (result.status === 'cancelled' && !stoppedAt)) {
    s.status = 'interrupted';
    io.saveSample(s);
    throw new RunInterrupted(run.dir);
  }
  if (result.status === 'cancelled' && stoppedAt) return stoppedSample(run, io, s, stoppedAt, { wallS: (Date.now() - started) / 1000, steps: stepsSeen, where: result.where });
  if (result.status !== 'succeeded') {
    s.status = 'failed';
    s.failure = { stage: 'train', status: result.status, reason: result.failure.reason, traceback: result.failure.traceback, line: result.failure.line };
    return io.saveSample(s, result.failure.reason);
  }
  for (const w of result.warnings) io.emit({ type: 'log', level: 'warning', message: `iteration ${i} sample ${j}: ${w}` });
  s.status = 'trained';
  s.components = result.components.length ? result.components : s.components;
  s.best = result.best ? fitnessOf(result.best) : null;
  s.final = result.final ? fitnessOf(result.final) : null;
  s.best_model = result.best_model;
  s.train = { timesteps: result.timesteps, wall_s: result.wall_s, steps_per_s: result.steps_per_s, device: result.device, where: result.where ?? null };
  s.time.train_s = result.wall_s;
  return io.saveSample(s, s.best ? `best fitness ${s.best.fitness.toFixed(2)} at ${s.best.timesteps} steps` : undefined);
}

/** A signal that aborts when either does (the user's, or the halving stop of one job). */
function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}

/** A sample stopped at a rung: its figures from the evaluations its job wrote before the stop. */
function stoppedSample(run: Run, io: StageIO, s: SampleRecord, at: RungEntry, job: { wallS: number; steps: number; where?: JobWhere }): SampleRecord {
  const { wallS } = job;
  const evals = run.evals(s.iteration, s.sample);
  const best = peak(evals);
  const last = evals.at(-1);
  const model = runPaths.trainBestModel(run.dir, s.iteration, s.sample);
  const total = run.config.rl.training.total_timesteps;
  const timesteps = Math.max(job.steps, last?.timesteps ?? at.timesteps);
  const stopped = stopRecord(at, total, run.config.eureka.halving.eta);
  const out: SampleRecord = {
    ...s,
    status: 'stopped',
    stopped,
    best: best ? fitnessOf(best) : null,
    final: last ? fitnessOf(last) : null,
    best_model: best && fs.existsSync(model) ? model : null,
    train: { timesteps, wall_s: wallS, steps_per_s: wallS > 0 ? timesteps / wallS : 0, device: s.train?.device ?? 'unknown', where: job.where ?? null },
    time: { ...s.time, train_s: wallS },
  };
  return io.saveSample(out, stopped.reason);
}

/** Successive halving over one training call: the iteration's rungs, and how to stop each running job. */
export class HalvingPool {
  private readonly stops = new Map<number, (e: RungEntry) => void>();

  constructor(
    private readonly rungs: Rungs,
    private readonly run: Run,
    private readonly io: StageIO,
    private readonly iteration: number,
  ) {}

  /**
   * The rungs of iteration i for the samples about to train (`training`), with the decisions
   * already made for the others kept (`recorded`: halving.jsonl as read once by settledSamples):
   * a resumed iteration does not judge twice.
   */
  static of(run: Run, io: StageIO, i: number, training: number[], recorded: RungEntry[]): HalvingPool {
    const t = run.config.rl.training;
    const steps = rungSteps(t.total_timesteps, t.eval.num_evals ?? DEFAULTS.training_eval.num_evals, run.config.eureka.halving);
    const kept = recorded.filter((e) => !training.includes(e.sample));
    if (kept.length !== recorded.length) run.folder.saveRungEntries(i, kept);
    // N: what trains now and what trained before in this iteration, the failed included
    const earlier = run.samples(i).filter((s) => s.origin !== 'human' && (['trained', 'stopped'].includes(s.status) || s.failure?.stage === 'train'));
    const population = training.length + earlier.filter((s) => !training.includes(s.sample)).length;
    return new HalvingPool(new Rungs(steps, run.config.eureka.halving, population, kept), run, io, i);
  }

  start(sample: number, stop: (e: RungEntry) => void): void {
    this.rungs.start(sample);
    this.stops.set(sample, stop);
  }

  end(sample: number): void {
    this.rungs.end(sample);
    this.stops.delete(sample);
  }

  /** A running sample's evaluation: its rung entries recorded and told; the stops now due carried out. */
  evaluated(sample: number, timesteps: number, best: { fitness: number; timesteps: number }): void {
    for (const e of this.rungs.judge(sample, timesteps, best)) {
      this.run.folder.appendRungEntry(this.iteration, e);
      this.io.emit({ type: 'rung', iteration: this.iteration, sample: e.sample, entry: e });
      if (e.decision === 'stop') this.stops.get(e.sample)?.(e);
    }
  }
}

/**
 * Iteration i's samples once every one is checked (and fixed) and every checked one trained,
 * in parallel. Checks finish before training starts so that of two identical rewards the
 * lower-numbered one is trained, whatever order the checks end in.
 */
export async function settledSamples(run: Run, io: StageIO, i: number, opts: TrainStageOptions = {}): Promise<SampleRecord[]> {
  const { timeline } = opts;
  await settleAll(run.samples(i).filter((s) => s.status === 'pending').map((s) => checkedSample(run, io, i, s.sample, timeline)));
  const entries = run.folder.rungEntries(i);
  for (const s of run.samples(i)) {
    if (s.status !== 'queued' && s.status !== 'training' && s.status !== 'interrupted') continue;
    // killed after halving had stopped it, before its record said so: the decision stands
    const stop = entries.find((e) => e.sample === s.sample && e.decision === 'stop');
    if (stop) stoppedSample(run, io, s, stop, { wallS: s.time.train_s, steps: 0 });
    // killed while queued or training: trained again from scratch
    else io.saveSample({ ...s, status: 'checked' });
  }
  // The human reward goes first, so an LLM sample that copies it is its duplicate, and trains
  // to the end outside the rungs: it is the yardstick, not a contestant to stop.
  const checked = run.samples(i).filter((s) => s.status === 'checked');
  const human = checked.filter((s) => s.origin === 'human').map((s) => s.sample);
  const training = checked.filter((s) => s.origin !== 'human').map((s) => s.sample);
  const halving = (opts.selection ?? run.config.eureka.selection) === 'halving' ? HalvingPool.of(run, io, i, training, entries) : undefined;
  await settleAll([...human.map((j) => trainedSample(run, io, i, j, { timeline })), ...training.map((j) => trainedSample(run, io, i, j, { timeline, halving }))]);
  // a duplicate shows its twin's figures
  for (const s of run.samples(i).filter((x) => x.status === 'duplicate' && x.duplicate_of && !x.best)) {
    const twin = run.sample(s.duplicate_of!.iteration, s.duplicate_of!.sample);
    if (twin) io.saveSample({ ...s, best: twin.best, final: twin.final, components: twin.components, best_model: twin.best_model });
  }
  return run.samples(i);
}
