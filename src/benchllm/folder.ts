/**
 * The bench folder: every file a reward-design benchmark writes, named here and nowhere else.
 * Each piece is written when it is done, so a bench killed at any point continues where it
 * stopped when the same command is run again.
 *
 *   <bench>/
 *     suite.json                    the suite as run (settings, each env's config file); another suite is refused
 *     cases/<env>-seed<k>.yml       each env's config with the suite's seed, budget, iterations and samples
 *     baselines/<env>-seed<k>.json  BaselineRecord: the human reward's and the sparse reward's fitness
 *     baselines/<env>-seed<k>/human/, sparse/   their training folders
 *     runs/<backend>-<model>/<env>-seed<k>/      one run folder (src/run/layout.ts) per model, env and seed
 *     results.json, results.md, results.html     the figures, as data, a Markdown table and a page
 */
import path from 'node:path';
import type { JobStatus } from '../worker/protocol/index';

/** One baseline's figure: the final evaluation's mean fitness of a policy trained on that reward. */
export interface BaselineFigure {
  status: JobStatus | 'skipped';
  fitness_mean: number | null;
  reason: string | null;
}

export interface BaselineRecord {
  env: string;
  seed: number;
  timesteps: number;
  /** The env folder's human reward (initial_reward_prompt.txt). */
  human: BaselineFigure;
  /** A reward of 0: what the same training reaches with no signal at all. */
  sparse: BaselineFigure;
}

/** `ollama`, `qwen2.5-coder:7b` -> `ollama-qwen2.5-coder_7b`: a folder name per model. */
export const modelSlug = (backend: string, model: string) => `${backend}-${model}`.replace(/[^\w.-]+/g, '_');
export const caseName = (env: string, seed: number) => `${env}-seed${seed}`;

export const benchPaths = {
  suite: (bench: string) => path.join(bench, 'suite.json'),
  caseConfig: (bench: string, env: string, seed: number) => path.join(bench, 'cases', `${caseName(env, seed)}.yml`),
  baseline: (bench: string, env: string, seed: number) => path.join(bench, 'baselines', `${caseName(env, seed)}.json`),
  baselineTrain: (bench: string, env: string, seed: number, which: 'human' | 'sparse') => path.join(bench, 'baselines', caseName(env, seed), which),
  runs: (bench: string) => path.join(bench, 'runs'),
  run: (bench: string, slug: string, env: string, seed: number) => path.join(bench, 'runs', slug, caseName(env, seed)),
  results: (bench: string) => path.join(bench, 'results.json'),
  markdown: (bench: string) => path.join(bench, 'results.md'),
  html: (bench: string) => path.join(bench, 'results.html'),
} as const;
