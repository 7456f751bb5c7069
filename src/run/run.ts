/**
 * The run folder `src/run/` owns one Eureka run: its folder (layout.ts: every file, read and
 * written there and nowhere else; records.ts its types), the rule that picks the best sample
 * (selection.ts), and the loop's stages (generate.ts: the LLM's answers and fixes; train.ts:
 * training and duplicates; review.ts: the best, feedback, a person's edits; finish.ts: final
 * evaluation, benchmark, HNS), all run through the Run class here. Used by the CLI
 * (src/cli/run.ts), the notebook API (src/notebook.ts), the report and the tests.
 *
 * A run's state lives in its folder and nowhere else, so a run killed at any moment is opened
 * again and continues without redoing finished work. The loop is a sequence of stage calls on
 * it (generate, check, train, reflect, select, evaluate) that the CLI makes in order and a
 * notebook can make one by one. Run owns the state; the stage modules are functions over it
 * that write through its StageIO (stage.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_MODEL_NAMES } from '../llm/localModels';
import { applyOverrides, validateConfig, loadConfig, requestOptionsFrom, withRequestOptions, type Config, type RequestOptions, type LoadedConfig, type Overrides } from '../config/index';
import { envRefFromConfig } from '../envs';
import { backendFromConfig } from '../llm/factory';
import type { LlmBackend } from '../llm/types';
import type { ChatMessage } from '../prompts';
import type { SampleOutcome } from '../reflect';
import type { PythonWorker } from '../worker/client';
import type { EnvDescription, EvalPoint } from '../worker/protocol/index';
import { benchmarkRecord, finalEvaluation, hnsScore, humanEvaluation } from './finish';
import { checkedSample, generatedSamples, promptMessages } from './generate';
import {
  RUN_FORMAT,
  RunFolder,
  runFiles,
  runPaths,
  type BenchmarkRecord,
  type FeedbackRecord,
  type FinalRecord,
  type Fitness,
  type IterationRecord,
  type LiveEvent,
  type RunEvent,
  type RunRecord,
  type SampleRecord,
  type SampleRef,
} from './layout';
import { editedSample, iterationSetAside, outcomesOf, personFeedback, reflectionFeedback, selectedBest } from './review';
import { now, RunInterrupted, StageIO, tally } from './stage';
import { Timeline } from './timeline';
import { settledSamples, trainedSample, type TrainStageOptions } from './train';

export { RunInterrupted } from './stage';

export interface RunOptions {
  /** Default: the backend the config names. */
  backend?: LlmBackend;
  worker?: PythonWorker;
  /** Every event, persisted ones and live ones (streamed text, training progress). */
  onEvent?: (e: RunEvent | LiveEvent) => void;
  signal?: AbortSignal;
  /** Random steps of each reward's smoke run (default: `smoke.steps` of the worker's defaults.json). */
  smokeSteps?: number;
  /** eureka.headers and api_key_env, never saved in the folder (default: the config file's). */
  requestOptions?: RequestOptions;
}

export interface CreateOptions extends RunOptions {
  overrides?: Overrides;
  /** Where `environment.name` and `experiment.parent` are resolved. Default: process.cwd(). */
  cwd?: string;
  /** Use this folder instead of experiment.parent/name[/time] (must not exist or be empty). */
  dir?: string;
}

/** `<parent>/<name>[/<time>]`, claimed atomically; `-2`, `-3`, ... when taken. */
function claimRunDir(config: Config, cwd: string, explicit?: string): string {
  if (explicit) {
    const dir = path.resolve(cwd, explicit);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      throw new Error(`${dir} exists and is not empty; pick a new folder, or continue that run with --resume ${dir}`);
    }
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }
  const { parent, name, use_datetime } = config.experiment;
  const stamp = new Date().toISOString().replace(/\..*/, '').replace('T', '_').replace(/:/g, '-');
  const base = path.resolve(cwd, parent, name, ...(use_datetime ? [stamp] : []));
  fs.mkdirSync(path.dirname(base), { recursive: true });
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** A fresh run's record: nothing generated, trained or spent yet. */
function newRunRecord(loaded: LoadedConfig, config: Config): RunRecord {
  return {
    format: RUN_FORMAT,
    status: 'running',
    created: now(),
    updated: now(),
    config_file: loaded.file,
    env_dir: loaded.envDir,
    env_class: config.environment.class_name,
    backend: config.eureka.backend,
    model: config.eureka.model,
    iterations: config.eureka.iterations,
    samples: config.eureka.samples,
    completed_iterations: 0,
    best: null,
    final: null,
    benchmark: null,
    human: null,
    hns: null,
    tokens: { prompt: 0, completion: 0 },
    error: null,
  };
}

export class Run {
  readonly dir: string;
  /** Every file of the run folder (layout.ts). */
  readonly folder: RunFolder;
  loaded: LoadedConfig;
  record: RunRecord;
  private readonly io: StageIO;
  private backendInstance: LlmBackend | null;
  private envDescription: EnvDescription | null;

  private constructor(
    dir: string,
    loaded: LoadedConfig,
    record: RunRecord,
    opts: RunOptions,
    /** A resumed run's config file, where its request options are read when the backend is made. */
    private readonly requestOptionsFile: string | null = null,
  ) {
    this.dir = dir;
    this.folder = new RunFolder(dir);
    this.loaded = loaded;
    this.record = record;
    this.backendInstance = opts.backend ?? null;
    this.envDescription = this.folder.env();
    this.io = new StageIO(this, opts);
  }

  /** A new run folder for a config file: the config copied in, nothing generated yet. */
  static create(configFile: string, opts: CreateOptions = {}): Run {
    const cwd = opts.cwd ?? process.cwd();
    const loaded = loadConfig(configFile, { cwd });
    const given = opts.overrides ? applyOverrides(loaded.config, opts.overrides, 'command-line options') : loaded.config;
    const config = opts.requestOptions ? withRequestOptions(given, opts.requestOptions) : given;
    const dir = claimRunDir(config, cwd, opts.dir);
    const folder = new RunFolder(dir);
    folder.copyConfigYaml(loaded.file);
    folder.saveConfig(config);
    const record = newRunRecord(loaded, config);
    folder.saveRun(record);
    return new Run(dir, { ...loaded, config }, record, opts);
  }

  /** An existing run folder, to inspect or continue. `overrides` may extend it (more iterations). */
  static open(dir: string, opts: RunOptions & { overrides?: Overrides } = {}): Run {
    const abs = path.resolve(dir);
    const folder = new RunFolder(abs);
    const record = folder.run();
    if (!record) throw new Error(`${abs} is not a run folder (no ${runFiles.run})`);
    if (record.format !== RUN_FORMAT) throw new Error(`${abs}: run format ${record.format} is not ${RUN_FORMAT}, which this version reads`);
    const configFile = runPaths.configJson(abs);
    const raw = folder.config() as { eureka?: { backend?: unknown; model?: unknown } } | null;
    // before the embedded model was chosen by name, a run on it kept the config file's (server's)
    // model in config.json; run.json names the one it ran
    if (raw?.eureka?.backend === 'local' && !LOCAL_MODEL_NAMES.includes(String(raw.eureka.model))) raw.eureka.model = record.model;
    let config = validateConfig(raw, configFile);
    if (opts.overrides) {
      // where jobs and the LLM run may change (a cluster to finish a run begun locally, a
      // server that moved), what they do may not
      const { iterations, executor, rayAddress, host, ...rest } = opts.overrides;
      const changed = Object.entries(rest).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (changed.length) throw new Error(`a resumed run keeps its settings; only --iterations, --host, --executor and --ray-address can change (got ${changed.join(', ')})`);
      config = applyOverrides(config, { iterations, executor, rayAddress, host }, 'command-line options');
      folder.saveConfig(config);
      record.iterations = config.eureka.iterations;
    }
    if (!fs.existsSync(record.env_dir)) throw new Error(`${abs}: the run's env folder ${record.env_dir} no longer exists; put it back there`);
    // headers and api_key_env are never saved in the folder: given, or read from its config file
    // when the LLM is first asked (a stage without it must not depend on that file)
    if (opts.requestOptions) config = withRequestOptions(config, opts.requestOptions);
    return new Run(abs, { file: record.config_file, config, envDir: record.env_dir }, record, opts, opts.requestOptions ? null : record.config_file);
  }

  get config(): Config {
    return this.loaded.config;
  }

  get backend(): LlmBackend {
    if (!this.backendInstance) {
      const config = this.requestOptionsFile ? withRequestOptions(this.config, requestOptionsFrom(this.requestOptionsFile)) : this.config;
      this.backendInstance = backendFromConfig(config.eureka);
    }
    return this.backendInstance;
  }

  // ---------------------------------------------------------------------------------------
  // Reading state
  // ---------------------------------------------------------------------------------------

  iteration(i: number): IterationRecord | null {
    return this.folder.iteration(i);
  }

  sample(i: number, j: number): SampleRecord | null {
    return this.folder.sample(i, j);
  }

  /** Iteration i's sample records, as the report lists them (every sample_<j> folder). */
  samples(i: number): SampleRecord[] {
    return this.folder.sampleNumbers(i).flatMap((j) => this.sample(i, j) ?? []);
  }

  /** Evaluations of a sample's training so far (the worker appends them as they happen). */
  evals(i: number, j: number): EvalPoint[] {
    return this.folder.evals(i, j);
  }

  /** The text of a sample's latest answer (a person's edit or the human reward is shown as code). */
  response(i: number, j: number): string | null {
    const s = this.sample(i, j);
    if (s && s.origin !== 'llm') return s.code ? '```python\n' + s.code.trimEnd() + '\n```\n' : null;
    return this.folder.response(i, j, Math.max(0, (s?.answers ?? 1) - 1));
  }

  feedback(i: number): { text: string; record: FeedbackRecord } | null {
    const text = this.folder.feedbackText(i);
    const record = this.folder.feedbackRecord(i);
    return text !== null && record ? { text, record } : null;
  }

  /** The samples as the reflection and selection see them. */
  outcomes(i: number): SampleOutcome[] {
    return outcomesOf(this, i);
  }

  // ---------------------------------------------------------------------------------------
  // Stages (each in its module; see the comment at the top)
  // ---------------------------------------------------------------------------------------

  /** The env as the LLM and the checks see it (asked of the worker once, then read from env.json). */
  async describe(): Promise<EnvDescription> {
    if (this.envDescription?.allowed_modules) return this.envDescription;
    const worker = await this.io.worker();
    const fresh = await worker.describeEnv(envRefFromConfig(this.loaded));
    // env.json of a run folder written before the worker reported its allow-list keeps what
    // it says (the prompts of later iterations must match the earlier ones) and gains the list
    this.envDescription = this.envDescription ? { ...this.envDescription, allowed_modules: fresh.allowed_modules } : fresh;
    this.folder.saveEnv(this.envDescription);
    for (const w of this.envDescription.warnings) this.io.emit({ type: 'log', level: 'warning', message: w });
    return this.envDescription;
  }

  /** The conversation that asks for iteration i's samples (generate.ts: promptMessages). */
  messages(i: number): Promise<ChatMessage[]> {
    return promptMessages(this, i);
  }

  /** Asks the LLM for the samples iteration i still lacks (generate.ts: generatedSamples). */
  generate(i: number, timeline?: Timeline): Promise<SampleRecord[]> {
    return generatedSamples(this, this.io, i, timeline);
  }

  /** Checks a sample, asking the LLM for fixes while retries remain (generate.ts: checkedSample). */
  check(i: number, j: number, timeline?: Timeline): Promise<SampleRecord> {
    return checkedSample(this, this.io, i, j, timeline);
  }

  /** Trains a checked sample, or marks it a duplicate (train.ts: trainedSample). */
  train(i: number, j: number, opts: { timeline?: Timeline; force?: boolean } = {}): Promise<SampleRecord> {
    return trainedSample(this, this.io, i, j, opts);
  }

  /**
   * Checks every pending sample of iteration i, then trains every checked one, by
   * eureka.selection unless `selection` says otherwise (train.ts: settledSamples).
   */
  runSamples(i: number, opts: TrainStageOptions = {}): Promise<SampleRecord[]> {
    return settledSamples(this, this.io, i, opts);
  }

  /** Iteration i's best sample, promoted to the run's best when it beats it (review.ts: selectedBest). */
  select(i: number): (SampleRef & Fitness) | null {
    return selectedBest(this, this.io, i);
  }

  /** The feedback for iteration i+1, a person's kept as it is (review.ts: reflectionFeedback). */
  reflect(i: number): { text: string; record: FeedbackRecord } {
    return reflectionFeedback(this, i);
  }

  /** A person's feedback for the next iteration, replacing or extending the reflection (review.ts: personFeedback). */
  setFeedback(i: number, text: string, mode: 'replace' | 'extend' = 'replace'): { text: string; record: FeedbackRecord } {
    return personFeedback(this, this.io, i, text, mode);
  }

  /** A person's reward added to iteration i as a sample with origin 'edit' (review.ts: editedSample). */
  addEdit(i: number, code: string, opts: { of?: SampleRef | null; note?: string | null } = {}): SampleRecord {
    return editedSample(this, this.io, i, code, opts);
  }

  /** Sets the last iteration aside to run it again; returns where it went (review.ts: iterationSetAside). */
  resetIteration(i: number): string {
    return iterationSetAside(this, this.io, i);
  }

  /** One whole iteration: generate, check and fix, train, select, reflect. Skips what is done. */
  async runIteration(i: number): Promise<IterationRecord> {
    const previous = this.iteration(i);
    if (previous?.status === 'done') return previous;
    const timeline = new Timeline();
    const record: IterationRecord = previous ?? {
      iteration: i,
      status: 'generating',
      samples: this.config.eureka.samples,
      best: null,
      counts: {},
      time: { llm_s: 0, check_s: 0, train_s: 0, total_s: 0 },
      tokens: { prompt: 0, completion: 0 },
      started: now(),
      finished: null,
    };
    // a resumed iteration adds this session's time to what the earlier ones spent
    const before = previous?.time ?? { llm_s: 0, check_s: 0, train_s: 0, total_s: 0 };
    const stage = (status: IterationRecord['status']) => {
      record.status = status;
      const t = timeline.split();
      record.time = { llm_s: before.llm_s + t.llm_s, check_s: before.check_s + t.check_s, train_s: before.train_s + t.train_s, total_s: before.total_s + t.total_s };
      Object.assign(record, tally(this.samples(i)));
      this.folder.saveIteration(record);
      this.io.emit({ type: 'iteration', iteration: i, status });
    };
    stage('generating');
    await this.generate(i, timeline);
    stage('training');
    await this.runSamples(i, { timeline });
    stage('reflecting');
    record.best = this.select(i);
    this.reflect(i);
    record.finished = now();
    stage('done');
    this.record.completed_iterations = Math.max(this.record.completed_iterations, i + 1);
    this.io.saveRecord();
    return record;
  }

  /** The best policy on the config's evaluation episodes, deterministic and seeded (finish.ts: finalEvaluation). */
  finalEvaluate(): Promise<FinalRecord | null> {
    return finalEvaluation(this, this.io);
  }

  /** environment.benchmark trained with its own reward, for comparison (finish.ts: benchmarkRecord). */
  benchmark(): Promise<BenchmarkRecord | null> {
    return benchmarkRecord(this, this.io);
  }

  /** Every iteration not done yet, then the final evaluation, the benchmark and the HNS. */
  async runAll(): Promise<RunRecord> {
    this.record.status = 'running';
    this.record.error = null;
    this.io.saveRecord();
    this.io.emit({ type: 'run', status: 'running' });
    try {
      await this.describe();
      for (let i = 0; i < this.config.eureka.iterations; i++) {
        this.io.throwIfAborted();
        await this.runIteration(i);
      }
      await Promise.all([this.finalEvaluate(), this.benchmark(), humanEvaluation(this, this.io)]);
      this.record.hns = hnsScore(this.config, this.record) ?? this.record.hns;
      this.record.status = 'done';
    } catch (err) {
      this.record.status = err instanceof RunInterrupted || this.io.aborted ? 'interrupted' : 'failed';
      this.record.error = this.record.status === 'failed' ? (err as Error).message : null;
      this.io.saveRecord();
      this.io.emit({ type: 'run', status: this.record.status, message: (err as Error).message });
      throw this.record.status === 'interrupted' ? new RunInterrupted(this.dir) : err;
    }
    this.io.saveRecord();
    this.io.emit({ type: 'run', status: 'done' });
    return this.record;
  }
}
