/**
 * The stages that run reward code, as typed functions over the worker: check a reward, train
 * an agent with it, evaluate a saved policy (and render it to a GIF). The CLI and notebooks
 * call these; each takes an explicit worker or uses the session's.
 */
import path from 'node:path';
import type { Config, LoadedConfig } from './config/index';
import { DEFAULTS } from './defaults';
import { envRefFromConfig } from './envs';
import { getWorker, type EventHandler, type ExecutorOptions, type PythonWorker } from './worker/client';
import type { CheckParams, CheckResult, EnvRef, EvalPoint, EvaluateResult, ProgressEvent, RlSection, TrainResult } from './worker/protocol/index';

export interface CheckOptions {
  /** Random-action steps of the smoke run (default: `smoke` of the worker's defaults.json); false skips it. */
  smokeSteps?: number | false;
  seed?: number;
  worker?: PythonWorker;
  /** Where the session's worker runs the check, when no `worker` is given (default: locally). */
  executor?: ExecutorOptions;
  signal?: AbortSignal;
}

/** Where a config's jobs run (its compute section) as the worker is started with it. */
export function executorFromConfig(config: Pick<Config, 'compute'>): ExecutorOptions {
  const c = config.compute;
  return c.executor === 'ray' ? { kind: 'ray', address: c.ray.address, numCpus: c.ray.num_cpus, numGpus: c.ray.num_gpus } : { kind: 'local' };
}

/** Parse, check and smoke-run a reward against an env. Never throws for bad reward code. */
export async function checkReward(env: EnvRef, code: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const worker = opts.worker ?? (await getWorker({ executor: opts.executor }));
  return worker.checkReward({ env, code, smoke: smokeRequest(opts) }, { signal: opts.signal });
}

/** The `smoke` of a check_reward request, with the shared defaults filled in. */
export function smokeRequest(opts: Pick<CheckOptions, 'smokeSteps' | 'seed'>): NonNullable<CheckParams['smoke']> {
  if (opts.smokeSteps === false) return false;
  return { steps: opts.smokeSteps ?? DEFAULTS.smoke.steps, seed: opts.seed ?? DEFAULTS.smoke.seed };
}

export interface TrainOptions {
  /** Overrides rl.training.total_timesteps. */
  timesteps?: number;
  /** Where the model, evaluations and TensorBoard logs go. */
  outDir: string;
  /** Warm start from these weights (pretraining_with_best_model). */
  initModel?: string;
  onProgress?: (p: ProgressEvent) => void;
  onEval?: (e: EvalPoint) => void;
  onEvent?: EventHandler;
  signal?: AbortSignal;
  worker?: PythonWorker;
}

/** The config's rl section as a train request takes it: the parsed section is one as it is. */
export function rlSection(loaded: LoadedConfig): RlSection {
  return loaded.config.rl;
}

/** Train one reward with the config's algorithm and settings. */
export async function trainReward(loaded: LoadedConfig, code: string, opts: TrainOptions): Promise<TrainResult> {
  const worker = opts.worker ?? (await getWorker({ executor: executorFromConfig(loaded.config) }));
  const training = loaded.config.rl.training;
  return worker.train(
    {
      env: envRefFromConfig(loaded),
      code,
      rl: rlSection(loaded),
      out_dir: path.resolve(opts.outDir),
      total_timesteps: opts.timesteps ?? null,
      init_model: opts.initModel ?? null,
      limits: training.limits,
    },
    {
      signal: opts.signal,
      onEvent: (...args) => {
        const [event, data] = args;
        if (event === 'progress') opts.onProgress?.(data);
        if (event === 'eval') opts.onEval?.(data);
        opts.onEvent?.(...args);
      },
    },
  );
}

export interface EvaluateOptions {
  model: string;
  episodes?: number;
  seed?: number;
  deterministic?: boolean;
  gif?: string | null;
  gifMaxFrames?: number;
  signal?: AbortSignal;
  worker?: PythonWorker;
}

/** Run a saved policy on seeded episodes (the config's evaluation section by default). */
export async function evaluatePolicy(loaded: LoadedConfig, code: string, opts: EvaluateOptions): Promise<EvaluateResult> {
  const worker = opts.worker ?? (await getWorker({ executor: executorFromConfig(loaded.config) }));
  const { rl } = loaded.config;
  return worker.evaluate(
    {
      env: envRefFromConfig(loaded),
      code,
      model: path.resolve(opts.model),
      algo: rl.algo,
      episodes: opts.episodes ?? rl.evaluation.num_episodes,
      seed: opts.seed ?? rl.evaluation.seed,
      deterministic: opts.deterministic ?? true,
      state_stack: rl.training.state_stack,
      gif: opts.gif ? { path: path.resolve(opts.gif), max_frames: opts.gifMaxFrames ?? DEFAULTS.gif.max_frames } : null,
    },
    { signal: opts.signal },
  );
}
