/**
 * After the last iteration: the best policy's final evaluation, the benchmark (the same
 * training on the registered gymnasium env with its own reward) and the human-normalised
 * score that compares them.
 */
import fs from 'node:fs';
import type { Config } from '../config/index';
import { evaluatePolicy, rlSection } from '../training';
import { runPaths, type BenchmarkRecord, type FinalRecord, type HumanFrom, type HumanRecord, type RunRecord } from './layout';
import type { Run } from './run';
import { fitnessOf, RunInterrupted, type StageIO } from './stage';

/** A policy on the config's evaluation episodes, deterministic and seeded. */
async function evaluatedLikeFinal(run: Run, io: StageIO, code: string, model: string, gif: string | null) {
  const ev = run.config.rl.evaluation;
  const r = await evaluatePolicy(run.loaded, code, { model, episodes: ev.num_episodes, seed: ev.seed, deterministic: true, gif, worker: await io.worker(), signal: io.signal });
  io.throwIfAborted();
  return r;
}

/** The best policy on the config's evaluation episodes, deterministic and seeded, with its GIF. */
export async function finalEvaluation(run: Run, io: StageIO): Promise<FinalRecord | null> {
  const done = run.folder.final();
  if (done) return done;
  const best = run.folder.best();
  if (!best) {
    io.emit({ type: 'log', level: 'warning', message: 'no sample trained successfully: there is no policy to evaluate' });
    return null;
  }
  const ev = run.config.rl.evaluation;
  const r = await evaluatedLikeFinal(run, io, best.code, best.best_model, ev.save_gif ? runPaths.finalGif(run.dir) : null);
  if (r.status !== 'succeeded') {
    io.emit({ type: 'log', level: 'warning', message: `final evaluation ${r.status}: ${r.failure.reason}` });
    return null;
  }
  const { status: _, ...rest } = r;
  const record: FinalRecord = { ...rest, of: { iteration: best.iteration, sample: best.sample }, model: best.best_model, deterministic: true, seed: ev.seed };
  run.folder.saveFinal(record);
  run.record.final = { fitness_mean: r.fitness_mean, fitness_std: r.fitness_std, episodes: r.episodes.length, gif: r.gif };
  io.saveRecord();
  io.emit({ type: 'final', fitness_mean: r.fitness_mean, fitness_std: r.fitness_std, gif: r.gif });
  return record;
}

/**
 * The human reward's sample (use_initial_reward_prompt), its best model evaluated like the
 * final policy, so the HNS compares like with like. Null when no human sample trained.
 */
export async function humanEvaluation(run: Run, io: StageIO): Promise<HumanRecord | null> {
  const done = run.folder.human();
  if (done) return done;
  const s = run.samples(0).find((x) => x.origin === 'human');
  if (!s?.best_model || !s.code || !['trained', 'stopped'].includes(s.status)) return null;
  const r = await evaluatedLikeFinal(run, io, s.code, s.best_model, null);
  const of = { iteration: 0, sample: s.sample };
  let record: HumanRecord;
  if (r.status === 'succeeded') {
    const { status: _, episodes: __, ...summary } = r;
    record = { of, status: r.status, reason: null, evaluation: summary };
  } else {
    record = { of, status: r.status, reason: r.failure.reason, evaluation: null };
    io.emit({ type: 'log', level: 'warning', message: `the human reward's evaluation ${r.status}: ${r.failure.reason}` });
  }
  run.folder.saveHuman(record);
  run.record.human = { of, fitness_mean: record.evaluation?.fitness_mean ?? null, status: record.status };
  io.saveRecord();
  return record;
}

/**
 * environment.benchmark: the same algorithm and budget on the registered gymnasium env with
 * its own reward, evaluated like the final policy, for comparison. Null without one.
 */
export async function benchmarkRecord(run: Run, io: StageIO): Promise<BenchmarkRecord | null> {
  const gymId = run.config.environment.benchmark;
  if (!gymId) return null;
  const done = run.folder.benchmark();
  if (done) return done;
  io.emit({ type: 'benchmark', gym_id: gymId, phase: 'start' });
  let record: BenchmarkRecord;
  let ran = true;
  try {
    record = await trainedBenchmark(run, io, gymId);
  } catch (err) {
    if (err instanceof RunInterrupted || io.aborted) throw new RunInterrupted(run.dir);
    // a benchmark that cannot run (say, an id gymnasium does not know) is reported, not fatal
    ran = false;
    record = { gym_id: gymId, status: 'failed', reason: (err as Error).message, best: null, evaluation: null, wall_s: 0 };
  }
  run.folder.saveBenchmark(record);
  run.record.benchmark = { gym_id: gymId, fitness_mean: record.evaluation?.fitness_mean ?? null, status: record.status };
  io.saveRecord();
  if (ran) io.emit({ type: 'benchmark', gym_id: gymId, phase: 'done', fitness_mean: record.evaluation?.fitness_mean ?? null });
  else io.emit({ type: 'log', level: 'warning', message: `benchmark ${gymId} could not run: ${record.reason}` });
  return record;
}

/** The benchmark trained and evaluated; a failed training or evaluation is in the record. */
async function trainedBenchmark(run: Run, io: StageIO, gymId: string): Promise<BenchmarkRecord> {
  const worker = await io.worker();
  const config = run.config;
  const env = { gym_id: gymId, kwargs: config.environment.kwargs ?? {}, max_episode_steps: config.environment.max_episode_steps };
  const out = runPaths.benchmarkTrain(run.dir);
  fs.rmSync(out, { recursive: true, force: true });
  const slots = await io.trainingSlots();
  const started = performance.now();
  const trained = await slots.use(() =>
    worker.train(
      { env, code: null, rl: rlSection(run.loaded), out_dir: out, limits: config.rl.training.limits },
      {
        signal: io.signal,
        onEvent: (event, data) => {
          if (event === 'progress') io.emit({ type: 'progress', iteration: null, sample: null, timesteps: Number(data.timesteps), total: Number(data.total_timesteps), steps_per_s: Number(data.steps_per_s) });
        },
      },
    ),
  );
  io.throwIfAborted();
  const record: BenchmarkRecord = { gym_id: gymId, status: trained.status, reason: null, best: null, evaluation: null, wall_s: 0 };
  if (trained.status !== 'succeeded') record.reason = trained.failure.reason;
  else {
    record.best = trained.best ? fitnessOf(trained.best) : null;
    const ev = config.rl.evaluation;
    const r = await worker.evaluate(
      { env, code: null, model: trained.best_model, algo: config.rl.algo, episodes: ev.num_episodes, seed: ev.seed, deterministic: true, state_stack: config.rl.training.state_stack, gif: null },
      { signal: io.signal },
    );
    io.throwIfAborted();
    if (r.status === 'succeeded') {
      const { status: _, episodes: __, ...summary } = r;
      record.evaluation = summary;
    } else {
      record.status = r.status;
      record.reason = r.failure.reason;
    }
  }
  record.wall_s = (performance.now() - started) / 1000;
  return record;
}

/**
 * Eureka's human-normalised score, (ours - sparse) / (human - sparse) clipped to [0, 3]; null
 * when the human reward did not beat the sparse one (a budget too small to tell a reward from
 * none: nothing to normalise by). The one formula: runs and bench-llm use it.
 */
export function humanNormalised(ours: number, human: number, sparse: number): number | null {
  return human > sparse ? Math.min(3, Math.max(0, (ours - sparse) / (human - sparse))) : null;
}

/**
 * A run's HNS (humanNormalised); the human figure is experiment.human_baseline, else the human
 * reward trained in this run (use_initial_reward_prompt), else the benchmark's. Null when a
 * figure is missing or the human one does not beat the sparse one.
 */
export function hnsScore(config: Config, record: RunRecord): RunRecord['hns'] {
  const sparse = config.experiment.sparse_baseline;
  const ours = record.final?.fitness_mean;
  const candidates: [HumanFrom, number | null | undefined][] = [
    ['config', config.experiment.human_baseline],
    ['human_reward', record.human?.fitness_mean],
    ['benchmark', record.benchmark?.fitness_mean],
  ];
  const found = candidates.find(([, v]) => v !== null && v !== undefined);
  if (sparse === null || ours === undefined || !found) return null;
  const [from, human] = found as [HumanFrom, number];
  const value = humanNormalised(ours, human, sparse);
  return value === null ? null : { value, sparse, human, human_from: from };
}
