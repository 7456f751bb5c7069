/**
 * A reward-design benchmark: every env of a suite, for each of its seeds, measured once
 * against the human and sparse rewards (baselines.ts), then run through the whole Eureka loop
 * with each model (a run folder each), and the figures written after every run (results.ts,
 * page.ts). Run again with the same folder, it continues: finished runs are read, unfinished
 * ones resume, and a model added later runs only its own cases.
 */
import fs from 'node:fs';
import { parseDocument } from 'yaml';
import { loadConfig, requestOptionsFrom, yamlWithoutRequestOptions, type Backend } from '../config/index';
import { num } from '../render/format';
import { readJson, writeJson, writeText } from '../run/files';
import { RunFolder, type LiveEvent, type RunEvent, type RunRecord } from '../run/layout';
import { Run } from '../run/run';
import { getWorker, type PythonWorker } from '../worker/client';
import { caseBaselines } from './baselines';
import { benchPaths, modelSlug, type BaselineRecord } from './folder';
import { resultsHtml, resultsMarkdown } from './page';
import { benchResults, type BenchResults, type SuiteRecord } from './results';
import type { Suite, SuiteEnv } from './suite';

export interface BenchOptions {
  suite: Suite;
  backend: Backend;
  /** Model names (one run per env and seed each); for the embedded model, among LOCAL_MODEL_NAMES. */
  models: string[];
  /** eureka.host for every run (an Ollama host or an OpenAI-compatible base URL). */
  host?: string;
  /** The bench folder. */
  dir: string;
  worker?: PythonWorker;
  signal?: AbortSignal;
  /** A line of progress: which case, which model, what it did. */
  onLog?: (line: string) => void;
  /** Every event of the run under way. */
  onRunEvent?: (e: RunEvent | LiveEvent) => void;
}

/** suite.json's content for a suite: what must not change between two calls on one folder. */
function suiteRecord(s: Suite): SuiteRecord {
  return { name: s.name, file: s.file, iterations: s.iterations, samples: s.samples, seeds: s.seeds, envs: s.envs.map((e) => ({ label: e.label, config: e.loaded.file, timesteps: e.timesteps })) };
}

/** Claims the folder for this suite, or checks that it holds this suite. */
function claim(dir: string, record: SuiteRecord): void {
  const existing = readJson<SuiteRecord>(benchPaths.suite(dir));
  if (!existing) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new Error(`${dir} is not empty and holds no benchmark (no suite.json): pick another --out`);
    return writeJson(benchPaths.suite(dir), record);
  }
  const { file: _a, ...was } = existing;
  const { file: _b, ...now } = record;
  if (JSON.stringify(was) !== JSON.stringify(now)) {
    const changed = (Object.keys(now) as (keyof typeof now)[]).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]));
    throw new Error(`${dir} holds a benchmark of another suite (${changed.join(', ')} differ from its suite.json): pick another --out, or run that suite again`);
  }
}

/**
 * The env's config with the suite's settings, written to cases/ (what each run of the case
 * starts from, for anyone to read): seed, budget, iterations and samples; the env folder by its
 * path; no benchmark env (the baselines stand for it), no GIFs, no date folders.
 */
function caseConfig(dir: string, env: SuiteEnv, seed: number, suite: Suite): string {
  const file = benchPaths.caseConfig(dir, env.label, seed);
  const doc = parseDocument(yamlWithoutRequestOptions(fs.readFileSync(env.loaded.file, 'utf8')), { version: '1.1' });
  const set: [string[], unknown][] = [
    [['eureka', 'iterations'], suite.iterations],
    [['eureka', 'samples'], suite.samples],
    [['environment', 'env_dir'], env.loaded.envDir],
    [['environment', 'benchmark'], null],
    [['experiment', 'use_datetime'], false],
    [['rl', 'training', 'seed'], seed],
    [['rl', 'training', 'total_timesteps'], env.timesteps],
    [['rl', 'evaluation', 'save_gif'], false],
  ];
  for (const [keys, value] of set) doc.setIn(keys, value);
  writeText(file, doc.toString());
  return file;
}

/** One model's run of a case: read when done, resumed when begun, else begun. */
async function caseRun(o: BenchOptions, configFile: string, env: SuiteEnv, seed: number, model: string): Promise<RunRecord> {
  const runDir = benchPaths.run(o.dir, modelSlug(o.backend, model), env.label, seed);
  const runOpts = { worker: o.worker, signal: o.signal, onEvent: o.onRunEvent, requestOptions: requestOptionsFrom(env.loaded.file) };
  const begun = new RunFolder(runDir).isRun();
  const run = begun
    ? Run.open(runDir, { ...runOpts, overrides: o.host ? { host: o.host } : undefined })
    : Run.create(configFile, { ...runOpts, overrides: { backend: o.backend, model, host: o.host }, dir: runDir });
  if (run.record.status === 'done') return run.record;
  o.onLog?.(`${env.label} seed ${seed}, ${model}: ${begun ? 'resuming' : 'running'} the loop (${run.dir})`);
  try {
    return await run.runAll();
  } catch (e) {
    if (o.signal?.aborted) throw e;
    // a model that fails (no such model, a server that went away) is a row of the table
    o.onLog?.(`${env.label} seed ${seed}, ${model}: failed: ${(e as Error).message.split('\n')[0]}`);
    return run.record;
  }
}

/** Writes results.json, results.md and results.html; returns the figures. */
export async function writeResults(dir: string): Promise<BenchResults | null> {
  const results = benchResults(dir);
  if (!results) return null;
  writeJson(benchPaths.results(dir), results);
  writeText(benchPaths.markdown(dir), resultsMarkdown(results));
  writeText(benchPaths.html(dir), await resultsHtml(results));
  return results;
}

/** Runs (or continues) the benchmark; the figures when every case has been tried. */
export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const { suite } = o;
  claim(o.dir, suiteRecord(suite));
  const worker = o.worker ?? (await getWorker());
  for (const env of suite.envs) {
    for (const seed of suite.seeds) {
      o.signal?.throwIfAborted();
      const configFile = caseConfig(o.dir, env, seed, suite);
      const loaded = loadConfig(configFile);
      if (!fs.existsSync(benchPaths.baseline(o.dir, env.label, seed))) o.onLog?.(`${env.label} seed ${seed}: training the human and sparse rewards`);
      const base: BaselineRecord = await caseBaselines(o.dir, env.label, seed, loaded, worker, o.signal);
      const figure = (f: BaselineRecord['human']) => (f.fitness_mean === null ? `none (${f.reason})` : num(f.fitness_mean));
      o.onLog?.(`${env.label} seed ${seed}: human reward ${figure(base.human)}, sparse reward ${figure(base.sparse)}`);
      for (const model of o.models) {
        const record = await caseRun({ ...o, worker }, configFile, env, seed, model);
        if (record.status === 'done') o.onLog?.(`${env.label} seed ${seed}, ${model}: final fitness ${record.final ? num(record.final.fitness_mean) : 'none'}`);
        await writeResults(o.dir);
      }
    }
  }
  return (await writeResults(o.dir))!;
}
