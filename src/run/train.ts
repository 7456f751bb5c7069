/**
 * Training an iteration's samples: a checked reward trained with the config's algorithm,
 * its evaluations streamed into train/evals.jsonl; a reward equal to one trained before is
 * marked a duplicate instead of trained twice.
 */
import fs from 'node:fs';
import { trainReward } from '../training';
import type { TrainResult } from '../worker/protocol/index';
import { runPaths, trainDir, type SampleRecord } from './layout';
import type { Run } from './run';
import { checkedSample } from './generate';
import { fitnessOf, RunInterrupted, timed, type StageIO } from './stage';
import type { Timeline } from './timeline';

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
      if (other.normalized === s.normalized && ['queued', 'training', 'trained', 'failed'].includes(other.status)) return other;
    }
  }
  return null;
}

/** The sample once trained (or failed, or found a duplicate); `force` trains a trained one again. */
export async function trainedSample(run: Run, io: StageIO, i: number, j: number, opts: { timeline?: Timeline; force?: boolean } = {}): Promise<SampleRecord> {
  const { timeline } = opts;
  let s = run.sample(i, j);
  if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
  if (!opts.force && ['trained', 'invalid', 'duplicate'].includes(s.status)) return s;
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
  io.saveSample(s);
  const slots = await io.trainingSlots();
  const result: TrainResult = await slots.use(async () => {
    io.throwIfAborted();
    const out = trainDir(run.dir, i, j);
    fs.rmSync(out, { recursive: true, force: true }); // what a killed run left half-written
    s!.status = 'training';
    io.saveSample(s!);
    const worker = await io.worker();
    return timed(timeline, 'train', () =>
      trainReward(run.loaded, code, {
        outDir: out,
        initModel: initModel ?? undefined,
        worker,
        signal: io.signal,
        onProgress: (p) => io.emit({ type: 'progress', iteration: i, sample: j, timesteps: p.timesteps, total: p.total_timesteps, steps_per_s: p.steps_per_s }),
        onEval: (point) => io.emit({ type: 'eval', iteration: i, sample: j, point }),
      }),
    );
  });
  run.folder.saveTrainResult(i, j, result);
  s = { ...s };
  if (result.status === 'cancelled' || io.aborted) {
    s.status = 'interrupted';
    io.saveSample(s);
    throw new RunInterrupted(run.dir);
  }
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
  s.train = { timesteps: result.timesteps, wall_s: result.wall_s, steps_per_s: result.steps_per_s, device: result.device };
  s.time.train_s = result.wall_s;
  return io.saveSample(s, s.best ? `best fitness ${s.best.fitness.toFixed(2)} at ${s.best.timesteps} steps` : undefined);
}

/**
 * Iteration i's samples once every one is checked (and fixed) and every checked one trained,
 * in parallel. Checks finish before training starts so that of two identical rewards the
 * lower-numbered one is trained, whatever order the checks end in.
 */
export async function settledSamples(run: Run, io: StageIO, i: number, timeline?: Timeline): Promise<SampleRecord[]> {
  await settleAll(run.samples(i).filter((s) => s.status === 'pending').map((s) => checkedSample(run, io, i, s.sample, timeline)));
  for (const s of run.samples(i)) {
    // killed while queued or training: trained again from scratch
    if (s.status === 'queued' || s.status === 'training' || s.status === 'interrupted') io.saveSample({ ...s, status: 'checked' });
  }
  await settleAll(run.samples(i).filter((s) => s.status === 'checked').map((s) => trainedSample(run, io, i, s.sample, { timeline })));
  // a duplicate shows its twin's figures
  for (const s of run.samples(i).filter((x) => x.status === 'duplicate' && x.duplicate_of && !x.best)) {
    const twin = run.sample(s.duplicate_of!.iteration, s.duplicate_of!.sample);
    if (twin) io.saveSample({ ...s, best: twin.best, final: twin.final, components: twin.components, best_model: twin.best_model });
  }
  return run.samples(i);
}
