/**
 * The two ends of the human-normalised score, measured once per env and seed and shared by
 * every model: the env folder's human reward (initial_reward_prompt.txt) and a sparse reward
 * of 0 (no signal: what the algorithm reaches by chance), each trained with the case's config,
 * seed and budget and evaluated like a run's final policy (same seeds, deterministic).
 */
import fs from 'node:fs';
import { describeEnv, envRefFromConfig } from '../envs';
import { extractReward } from '../extract';
import type { LoadedConfig } from '../config/index';
import { readJson, writeJson } from '../run/files';
import { evaluatePolicy, trainReward } from '../training';
import type { PythonWorker } from '../worker/client';
import { benchPaths, type BaselineFigure, type BaselineRecord } from './folder';

/** A reward of 0 with the env's own signature (the one the LLM must write). */
export const sparseReward = (signature: string) => `${signature}:\n    return 0.0, {"nothing": 0.0}\n`;

/** One reward trained and evaluated; a failure is its figure's reason, not an exception. */
async function figure(loaded: LoadedConfig, code: string, outDir: string, worker: PythonWorker, signal?: AbortSignal): Promise<BaselineFigure> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const trained = await trainReward(loaded, code, { outDir, worker, signal });
  if (trained.status !== 'succeeded') return { status: trained.status, fitness_mean: null, reason: trained.failure.reason };
  const ev = loaded.config.rl.evaluation;
  const r = await evaluatePolicy(loaded, code, { model: trained.best_model, episodes: ev.num_episodes, seed: ev.seed, deterministic: true, worker, signal });
  if (r.status !== 'succeeded') return { status: r.status, fitness_mean: null, reason: r.failure.reason };
  return { status: 'succeeded', fitness_mean: r.fitness_mean, reason: null };
}

/**
 * The case's baselines: read from the bench folder when measured before, else measured (the
 * two trainings side by side) and written. `loaded` is the case's config (its seed and budget).
 */
export async function caseBaselines(bench: string, env: string, seed: number, loaded: LoadedConfig, worker: PythonWorker, signal?: AbortSignal): Promise<BaselineRecord> {
  const file = benchPaths.baseline(bench, env, seed);
  const done = readJson<BaselineRecord>(file);
  if (done) return done;
  const description = await describeEnv(envRefFromConfig(loaded), { worker });
  const human = description.initial_reward ? extractReward(description.initial_reward) : null;
  const [humanFigure, sparseFigure] = await Promise.all([
    human?.ok
      ? figure(loaded, human.code, benchPaths.baselineTrain(bench, env, seed, 'human'), worker, signal)
      : Promise.resolve<BaselineFigure>({ status: 'skipped', fitness_mean: null, reason: human ? `initial_reward_prompt.txt: ${human.reason}` : 'the env folder has no initial_reward_prompt.txt' }),
    figure(loaded, sparseReward(description.call_site.signature), benchPaths.baselineTrain(bench, env, seed, 'sparse'), worker, signal),
  ]);
  signal?.throwIfAborted();
  const record: BaselineRecord = { env, seed, timesteps: loaded.config.rl.training.total_timesteps, human: humanFigure, sparse: sparseFigure };
  writeJson(file, record);
  return record;
}
