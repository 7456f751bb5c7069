/**
 * A run: its state lives in its folder (layout.ts) and nowhere else, so a run killed at any
 * moment is opened again and continues without redoing finished work. The loop is a sequence
 * of stage calls on it (generate, check, train, reflect, select, evaluate) that the CLI makes
 * in order and a notebook can make one by one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyOverrides, validateConfig, loadConfig, type Config, type LoadedConfig, type Overrides } from '../config';
import { envRefFromConfig } from '../envs';
import { extractReward } from '../extract';
import { backendFromConfig } from '../llm/factory';
import { LOCAL_MODEL_NAME } from '../llm/local';
import { LlmError, type Completion, type LlmBackend } from '../llm/types';
import { executionErrorMessage, initialMessages, nextIterationMessages, type ChatMessage, type PromptEnv } from '../prompts';
import { failuresFeedback, reflect, type SampleOutcome } from '../reflect';
import { isBetter, peak, selectBest } from './selection';
import { checkReward, evaluatePolicy, rlSection, trainReward } from '../training';
import { getWorker, type PythonWorker } from '../worker/client';
import type { EnvDescription, EvalPoint, TrainResult } from '../worker/protocol';
import {
  RUN_FORMAT,
  RunFolder,
  runFiles,
  runPaths,
  trainDir,
  type BenchmarkRecord,
  type BestRecord,
  type CheckRecord,
  type FeedbackRecord,
  type FinalRecord,
  type Fitness,
  type IterationRecord,
  type LiveEvent,
  type LlmCallRecord,
  type RunEvent,
  type RunRecord,
  type SampleRecord,
  type SampleRef,
  type SampleStatus,
} from './layout';
import { Slots, Timeline } from './timeline';

/** The user stopped the run (Ctrl-C, a kernel interrupt); it resumes where it stopped. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor(readonly dir: string) {
    super(`run interrupted; continue it with: stable-eureka run --resume ${dir}`);
  }
}

export interface RunOptions {
  /** Default: the backend the config names. */
  backend?: LlmBackend;
  worker?: PythonWorker;
  /** Every event, persisted ones and live ones (streamed text, training progress). */
  onEvent?: (e: RunEvent | LiveEvent) => void;
  signal?: AbortSignal;
  /** Random steps of each reward's smoke run (default: `smoke.steps` of the worker's defaults.json). */
  smokeSteps?: number;
}

export interface CreateOptions extends RunOptions {
  overrides?: Overrides;
  /** Where `environment.name` and `experiment.parent` are resolved. Default: process.cwd(). */
  cwd?: string;
  /** Use this folder instead of experiment.parent/name[/time] (must not exist or be empty). */
  dir?: string;
}

const now = () => new Date().toISOString();
const FINAL_STATUSES: SampleStatus[] = ['trained', 'failed', 'invalid', 'duplicate'];
const fitnessOf = (p: EvalPoint): Fitness => ({ fitness: p.fitness_mean, fitness_std: p.fitness_std, timesteps: p.timesteps });

/** Waits for every task (none is left writing), then throws the first error, an interruption first. */
async function settleAll(tasks: Promise<unknown>[]): Promise<void> {
  const errors = (await Promise.allSettled(tasks)).flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (errors.length) throw errors.find((e) => e instanceof RunInterrupted) ?? errors[0];
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

export class Run {
  readonly dir: string;
  /** Every file of the run folder (layout.ts). */
  readonly folder: RunFolder;
  loaded: LoadedConfig;
  record: RunRecord;
  private readonly opts: RunOptions;
  private backendInstance: LlmBackend | null;
  private llmSlots: Slots;
  private trainSlots: Slots | null = null;
  private envDescription: EnvDescription | null;

  private constructor(dir: string, loaded: LoadedConfig, record: RunRecord, opts: RunOptions) {
    this.dir = dir;
    this.folder = new RunFolder(dir);
    this.loaded = loaded;
    this.record = record;
    this.opts = opts;
    this.backendInstance = opts.backend ?? null;
    this.llmSlots = new Slots(loaded.config.eureka.backend === 'local' ? 1 : loaded.config.eureka.concurrency);
    this.envDescription = this.folder.env();
  }

  /** A new run folder for a config file: the config copied in, nothing generated yet. */
  static create(configFile: string, opts: CreateOptions = {}): Run {
    const cwd = opts.cwd ?? process.cwd();
    const loaded = loadConfig(configFile, { cwd });
    const config = opts.overrides ? applyOverrides(loaded.config, opts.overrides, 'command-line options') : loaded.config;
    const dir = claimRunDir(config, cwd, opts.dir);
    const folder = new RunFolder(dir);
    folder.copyConfigYaml(loaded.file);
    folder.saveConfig(config);
    const record: RunRecord = {
      format: RUN_FORMAT,
      status: 'running',
      created: now(),
      updated: now(),
      config_file: loaded.file,
      env_dir: loaded.envDir,
      env_class: config.environment.class_name,
      backend: config.eureka.backend,
      model: config.eureka.backend === 'local' ? LOCAL_MODEL_NAME : config.eureka.model,
      iterations: config.eureka.iterations,
      samples: config.eureka.samples,
      completed_iterations: 0,
      best: null,
      final: null,
      benchmark: null,
      hns: null,
      tokens: { prompt: 0, completion: 0 },
      error: null,
    };
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
    let config = validateConfig(folder.config(), configFile);
    if (opts.overrides) {
      const { iterations, ...rest } = opts.overrides;
      const changed = Object.entries(rest).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (changed.length) throw new Error(`a resumed run keeps its settings; only --iterations can change (got ${changed.join(', ')})`);
      config = applyOverrides(config, { iterations }, 'command-line options');
      folder.saveConfig(config);
      record.iterations = config.eureka.iterations;
    }
    if (!fs.existsSync(record.env_dir)) throw new Error(`${abs}: the run's env folder ${record.env_dir} no longer exists; put it back there`);
    return new Run(abs, { file: record.config_file, config, envDir: record.env_dir }, record, opts);
  }

  get config(): Config {
    return this.loaded.config;
  }

  get backend(): LlmBackend {
    this.backendInstance ??= backendFromConfig(this.config.eureka);
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

  samples(i: number): SampleRecord[] {
    const out: SampleRecord[] = [];
    for (let j = 0; ; j++) {
      if (!this.folder.hasSample(i, j)) return out;
      const s = this.sample(i, j);
      if (s) out.push(s);
    }
  }

  /** Evaluations of a sample's training so far (the worker appends them as they happen). */
  evals(i: number, j: number): EvalPoint[] {
    return this.folder.evals(i, j);
  }

  /** The text of a sample's latest answer (a person's edit is shown as code). */
  response(i: number, j: number): string | null {
    const s = this.sample(i, j);
    if (s?.origin === 'edit') return s.code ? '```python\n' + s.code.trimEnd() + '\n```\n' : null;
    return this.folder.response(i, j, Math.max(0, (s?.answers ?? 1) - 1));
  }

  feedback(i: number): { text: string; record: FeedbackRecord } | null {
    const text = this.folder.feedbackText(i);
    const record = this.folder.feedbackRecord(i);
    return text !== null && record ? { text, record } : null;
  }

  // ---------------------------------------------------------------------------------------
  // Writing state
  // ---------------------------------------------------------------------------------------

  private emit(e: RunEvent | LiveEvent): void {
    if (e.type !== 'llm_text' && e.type !== 'progress') this.folder.appendEvent({ at: now(), ...e });
    this.opts.onEvent?.(e);
  }

  private saveRecord(): void {
    this.record.updated = now();
    this.folder.saveRun(this.record);
  }

  private saveSample(s: SampleRecord, message?: string): SampleRecord {
    s.updated = now();
    this.folder.saveSample(s);
    this.emit({ type: 'sample', iteration: s.iteration, sample: s.sample, status: s.status, ...(message ? { message } : {}) });
    return s;
  }

  private saveIteration(r: IterationRecord): void {
    this.folder.saveIteration(r);
  }

  private newSample(i: number, j: number, origin: SampleRecord['origin']): SampleRecord {
    return {
      iteration: i,
      sample: j,
      origin,
      status: 'pending',
      answers: 0,
      code: null,
      normalized: null,
      duplicate_of: null,
      failure: null,
      components: null,
      best: null,
      final: null,
      best_model: null,
      init_model: null,
      train: null,
      time: { llm_s: 0, check_s: 0, train_s: 0 },
      tokens: { prompt: 0, completion: 0 },
      updated: now(),
    };
  }

  private throwIfAborted(): void {
    if (this.opts.signal?.aborted) throw new RunInterrupted(this.dir);
  }

  // ---------------------------------------------------------------------------------------
  // Stages
  // ---------------------------------------------------------------------------------------

  /** The env as the LLM and the checks see it (asked of the worker once, then read from env.json). */
  async describe(): Promise<EnvDescription> {
    if (this.envDescription) return this.envDescription;
    const worker = await this.worker();
    this.envDescription = await worker.describeEnv(envRefFromConfig(this.loaded));
    this.folder.saveEnv(this.envDescription);
    for (const w of this.envDescription.warnings) this.emit({ type: 'log', level: 'warning', message: w });
    return this.envDescription;
  }

  private async worker(): Promise<PythonWorker> {
    return this.opts.worker ?? getWorker();
  }

  private async initialMessages(): Promise<ChatMessage[]> {
    const env = await this.describe();
    const promptEnv: PromptEnv = {
      signature: env.call_site.signature,
      call: env.call_site.text,
      taskDescription: env.task_description ?? `Train ${env.class_name} to maximise its fitness_score.`,
      envCode: env.step_code,
    };
    const initialReward = this.config.eureka.use_initial_reward_prompt ? env.initial_reward : null;
    return initialMessages(promptEnv, { initialReward });
  }

  /**
   * The conversation that asks for iteration i's samples: the first turns, then (after
   * iteration 0) the previous iteration's chosen answer and the feedback on it. Written to
   * messages.json the first time and read from there after, so a resumed run asks the same.
   */
  async messages(i: number): Promise<ChatMessage[]> {
    const saved = this.folder.messages(i);
    if (saved) return saved;
    const initial = await this.initialMessages();
    let messages = initial;
    if (i > 0) {
      const fb = this.feedback(i - 1);
      if (!fb) throw new Error(`iteration ${i - 1} has no feedback yet: run its samples and reflect first`);
      const about = fb.record.about;
      const answer = about ? this.response(about.iteration, about.sample) : null;
      messages = answer ? nextIterationMessages(initial, answer, fb.text) : [...initial.slice(0, -1), { role: 'user', content: `${initial.at(-1)!.content}\n\n${fb.text}` }];
    }
    this.folder.saveMessages(i, messages);
    return messages;
  }

  /** One LLM request, recorded in llm_calls.jsonl; LLM failures after retries stop the run. */
  private async ask(i: number, purpose: 'generate' | 'fix', samples: number[], messages: ChatMessage[], seed: number, timeline?: Timeline): Promise<Completion[]> {
    this.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'start' });
    const e = this.config.eureka;
    const call = () =>
      this.llmSlots.use(() =>
        this.backend.generate(messages, {
          n: samples.length,
          temperature: e.temperature,
          seed,
          signal: this.opts.signal,
          onText: (k, text) => this.emit({ type: 'llm_text', iteration: i, sample: samples[k] ?? -1, text }),
        }),
      );
    const base = { iteration: i, purpose, samples, backend: this.backend.name, model: this.backend.model, at: now() };
    const started = performance.now();
    try {
      const completions = await (timeline ? timeline.time('llm', call) : call());
      const record: LlmCallRecord = {
        ...base,
        prompt_tokens: completions.reduce((a, c) => a + c.promptTokens, 0),
        completion_tokens: completions.reduce((a, c) => a + c.completionTokens, 0),
        // the whole call: K answers from one model may come one after another
        ms: Math.round(performance.now() - started),
        attempts: Math.max(...completions.map((c) => c.attempts)),
        error: null,
      };
      this.folder.appendLlmCall(record);
      this.record.tokens.prompt += record.prompt_tokens;
      this.record.tokens.completion += record.completion_tokens;
      this.saveRecord();
      this.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'done' });
      return completions;
    } catch (err) {
      if (this.opts.signal?.aborted) throw new RunInterrupted(this.dir);
      const message = (err as Error).message;
      this.folder.appendLlmCall({ ...base, prompt_tokens: 0, completion_tokens: 0, ms: 0, attempts: 0, error: message });
      this.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'error', message });
      throw err instanceof LlmError ? err : new LlmError('server', message, false);
    }
  }

  /**
   * Asks the LLM for the samples iteration i still lacks (all K on a fresh iteration, only the
   * missing ones on resume) and writes each answer as sample_<j>/response.md.
   */
  async generate(i: number, timeline?: Timeline): Promise<SampleRecord[]> {
    const k = this.config.eureka.samples;
    const have = this.samples(i).filter((s) => s.answers > 0 || s.origin === 'edit');
    const missing = Array.from({ length: k }, (_, j) => j).filter((j) => !have.some((s) => s.sample === j));
    if (missing.length === 0) return this.samples(i);
    const messages = await this.messages(i);
    const completions = await this.ask(i, 'generate', missing, messages, this.config.rl.training.seed * 1000 + i * 100 + missing[0]!, timeline);
    completions.forEach((c, n) => {
      const j = missing[n]!;
      this.folder.saveResponse(i, j, 0, c.text);
      const s = this.newSample(i, j, 'llm');
      s.answers = 1;
      s.time.llm_s = c.ms / 1000;
      s.tokens = { prompt: c.promptTokens, completion: c.completionTokens };
      this.saveSample(s);
    });
    const minutes = this.config.eureka.sleep_time_per_iteration;
    if (minutes > 0 && this.backend.name === 'ollama') await sleep(minutes * 60_000, undefined, { signal: this.opts.signal }).catch(() => this.throwIfAborted());
    return this.samples(i);
  }

  /**
   * Extracts and checks a sample's latest answer; when that fails and fix attempts remain
   * (eureka.check_retries), shows the LLM its error and checks the new answer. Ends with the
   * sample 'checked' (ready to train) or 'invalid' with the reason.
   */
  async check(i: number, j: number, timeline?: Timeline): Promise<SampleRecord> {
    const s = this.sample(i, j);
    if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
    if (s.status !== 'pending') return s;
    const env = envRefFromConfig(this.loaded);
    for (;;) {
      this.throwIfAborted();
      const answer = Math.max(0, s.answers - 1);
      const started = performance.now();
      let record: CheckRecord;
      let why = 'no code';
      if (s.origin === 'llm') {
        const extraction = extractReward(this.folder.response(i, j, answer) ?? '');
        s.code = extraction.ok ? extraction.code : null;
        if (!extraction.ok) why = extraction.reason;
      }
      if (s.code === null) {
        record = { answer, passed: false, stage: 'extract', message: why, feedback: `No reward function could be taken from your answer: ${why}`, wall_s: 0, at: now() };
        s.failure = { stage: 'extract', reason: why };
      } else {
        this.folder.saveReward(i, j, s.code);
        const code = s.code;
        const run = () => this.worker().then((worker) => checkReward(env, code, { worker, signal: this.opts.signal, smokeSteps: this.opts.smokeSteps }));
        const result = await (timeline ? timeline.time('check', run) : run());
        this.throwIfAborted();
        const first = result.errors[0];
        record = {
          answer,
          passed: result.passed,
          stage: result.stage,
          message: result.passed ? 'passed' : (first?.message ?? result.failure?.reason ?? 'failed'),
          feedback: result.llm_feedback,
          wall_s: (performance.now() - started) / 1000,
          at: now(),
        };
        s.normalized = result.normalized ?? null;
        s.components = result.components;
        s.failure = result.passed ? null : { stage: result.stage, reason: record.message, line: first?.line ?? result.failure?.line ?? null, traceback: result.failure?.traceback ?? null };
      }
      s.time.check_s += (performance.now() - started) / 1000;
      this.folder.appendCheck(i, j, record);
      if (record.passed) {
        s.status = 'checked';
        return this.saveSample(s, 'passed its checks');
      }
      if (s.origin === 'edit' || s.answers > this.config.eureka.check_retries) {
        s.status = 'invalid';
        return this.saveSample(s, s.failure?.reason);
      }
      this.saveSample(s, `check failed (${record.stage}); asking the LLM for a fix`);
      const previous = this.folder.response(i, j, answer) ?? '';
      const messages = [...(await this.messages(i)), { role: 'assistant' as const, content: previous }, executionErrorMessage(record.feedback)];
      const [fix] = await this.ask(i, 'fix', [j], messages, this.config.rl.training.seed * 1000 + i * 100 + j + 50 * s.answers, timeline);
      this.folder.saveResponse(i, j, s.answers, fix!.text);
      s.answers += 1;
      s.time.llm_s += fix!.ms / 1000;
      s.tokens.prompt += fix!.promptTokens;
      s.tokens.completion += fix!.completionTokens;
      this.saveSample(s);
    }
  }

  /** A sample trained earlier with the same normalised code, if any (same config, same result). */
  private findTwin(s: SampleRecord): SampleRecord | null {
    if (!s.normalized) return null;
    const sameIterationOnly = this.config.eureka.pretraining_with_best_model;
    for (let i = sameIterationOnly ? s.iteration : 0; i <= s.iteration; i++) {
      for (const other of this.samples(i)) {
        if (other.iteration === s.iteration && other.sample === s.sample) continue;
        if (other.normalized === s.normalized && ['queued', 'training', 'trained', 'failed'].includes(other.status)) return other;
      }
    }
    return null;
  }

  private async slotsForTraining(): Promise<Slots> {
    this.trainSlots ??= new Slots(this.config.rl.training.max_parallel ?? (await this.worker()).hello.max_jobs);
    return this.trainSlots;
  }

  /** Trains a checked sample with the config's algorithm; its evaluations stream into train/evals.jsonl. */
  async train(i: number, j: number, opts: { timeline?: Timeline; force?: boolean } = {}): Promise<SampleRecord> {
    const { timeline } = opts;
    let s = this.sample(i, j);
    if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
    if (!opts.force && ['trained', 'invalid', 'duplicate'].includes(s.status)) return s;
    if (s.code === null || s.status === 'pending' || s.status === 'invalid' || (s.failure && s.failure.stage !== 'train')) {
      throw new Error(`iteration ${i} sample ${j} has not passed its checks: ${s.failure?.reason ?? 'no code'}`);
    }
    const twin = s.status === 'checked' && !opts.force ? this.findTwin(s) : null;
    if (twin) {
      s.status = 'duplicate';
      s.duplicate_of = { iteration: twin.iteration, sample: twin.sample };
      return this.saveSample(s, `same reward as iteration ${twin.iteration} sample ${twin.sample}; trained once`);
    }
    const code = s.code;
    const initModel = this.config.eureka.pretraining_with_best_model && this.record.best ? runPaths.bestModel(this.dir) : null;
    s.status = 'queued';
    s.init_model = initModel;
    s.failure = null;
    this.saveSample(s);
    const slots = await this.slotsForTraining();
    const result: TrainResult = await slots.use(async () => {
      this.throwIfAborted();
      const out = trainDir(this.dir, i, j);
      fs.rmSync(out, { recursive: true, force: true }); // what a killed run left half-written
      s!.status = 'training';
      this.saveSample(s!);
      const worker = await this.worker();
      const go = () =>
        trainReward(this.loaded, code, {
          outDir: out,
          initModel: initModel ?? undefined,
          worker,
          signal: this.opts.signal,
          onProgress: (p) => this.emit({ type: 'progress', iteration: i, sample: j, timesteps: p.timesteps, total: p.total_timesteps, steps_per_s: p.steps_per_s }),
          onEval: (point) => this.emit({ type: 'eval', iteration: i, sample: j, point }),
        });
      return timeline ? timeline.time('train', go) : go();
    });
    this.folder.saveTrainResult(i, j, result);
    s = { ...s };
    if (result.status === 'cancelled' || this.opts.signal?.aborted) {
      s.status = 'interrupted';
      this.saveSample(s);
      throw new RunInterrupted(this.dir);
    }
    if (result.status !== 'succeeded') {
      s.status = 'failed';
      s.failure = { stage: 'train', status: result.status, reason: result.failure.reason, traceback: result.failure.traceback, line: result.failure.line };
      return this.saveSample(s, result.failure.reason);
    }
    for (const w of result.warnings) this.emit({ type: 'log', level: 'warning', message: `iteration ${i} sample ${j}: ${w}` });
    s.status = 'trained';
    s.components = result.components.length ? result.components : s.components;
    s.best = result.best ? fitnessOf(result.best) : null;
    s.final = result.final ? fitnessOf(result.final) : null;
    s.best_model = result.best_model;
    s.train = { timesteps: result.timesteps, wall_s: result.wall_s, steps_per_s: result.steps_per_s, device: result.device };
    s.time.train_s = result.wall_s;
    return this.saveSample(s, s.best ? `best fitness ${s.best.fitness.toFixed(2)} at ${s.best.timesteps} steps` : undefined);
  }

  /**
   * Check (and fix) every sample of iteration i not checked yet, then train every checked one,
   * in parallel. Checks finish before training starts so that of two identical rewards the
   * lower-numbered one is trained, whatever order the checks end in.
   */
  async runSamples(i: number, timeline?: Timeline): Promise<SampleRecord[]> {
    await settleAll(this.samples(i).filter((s) => s.status === 'pending').map((s) => this.check(i, s.sample, timeline)));
    for (const s of this.samples(i)) {
      // killed while queued or training: trained again from scratch
      if (s.status === 'queued' || s.status === 'training' || s.status === 'interrupted') this.saveSample({ ...s, status: 'checked' });
    }
    await settleAll(this.samples(i).filter((s) => s.status === 'checked').map((s) => this.train(i, s.sample, { timeline })));
    // a duplicate shows its twin's figures
    for (const s of this.samples(i).filter((x) => x.status === 'duplicate' && x.duplicate_of && !x.best)) {
      const twin = this.sample(s.duplicate_of!.iteration, s.duplicate_of!.sample);
      if (twin) this.saveSample({ ...s, best: twin.best, final: twin.final, components: twin.components, best_model: twin.best_model });
    }
    return this.samples(i);
  }

  /** The samples as the reflection and selection see them. */
  outcomes(i: number): SampleOutcome[] {
    return this.samples(i).map((s) => ({
      sample: s.sample,
      code: s.code,
      evals: s.status === 'trained' ? this.evals(i, s.sample) : null,
      failure: s.failure ? { stage: s.failure.stage, reason: s.failure.reason } : null,
    }));
  }

  /**
   * Iteration i's best sample by best-checkpoint fitness; updates the run's global best and
   * the iteration's record (samples added by edits or trained again change both).
   */
  select(i: number): (SampleRef & Fitness) | null {
    const chosen = selectBest(this.outcomes(i));
    const s = chosen ? this.sample(i, chosen.sample) : null;
    const p = chosen?.evals ? peak(chosen.evals) : null;
    const best = s && p && s.best_model ? { iteration: i, sample: s.sample, ...fitnessOf(p) } : null;
    const record = this.iteration(i);
    if (record) {
      const samples = this.samples(i);
      record.best = best;
      record.samples = Math.max(record.samples, samples.length);
      record.counts = {};
      for (const x of samples) record.counts[x.status] = (record.counts[x.status] ?? 0) + 1;
      record.tokens = { prompt: samples.reduce((a, x) => a + x.tokens.prompt, 0), completion: samples.reduce((a, x) => a + x.tokens.completion, 0) };
      this.saveIteration(record);
    }
    if (!s || !best || !s.best_model) return null;
    const global = this.record.best;
    if (isBetter(best, global) && !(global?.iteration === i && global.sample === s.sample)) {
      const record: BestRecord = { ...best, code: s.code!, best_model: runPaths.bestModel(this.dir), components: s.components, origin: s.origin };
      this.folder.saveBest(record, s.best_model);
      this.record.best = best;
      // an extended run found a better policy: the final evaluation is of the old one
      this.folder.dropFinal();
      this.record.final = null;
      this.record.hns = null;
      this.saveRecord();
      this.emit({ type: 'best', iteration: i, sample: s.sample, fitness: best.fitness });
    }
    return best;
  }

  /**
   * The feedback for iteration i+1: the reward reflection on iteration i's best sample, or the
   * list of failures when none trained. A person's feedback (setFeedback) is kept as it is.
   */
  reflect(i: number): { text: string; record: FeedbackRecord } {
    const outcomes = this.outcomes(i);
    const chosen = selectBest(outcomes);
    const reflection = reflect(chosen, outcomes);
    const auto = reflection?.text ?? failuresFeedback(outcomes);
    this.folder.saveReflection(i, auto);
    const existing = this.feedback(i);
    if (existing && existing.record.source !== 'reflection' && existing.record.source !== 'failures') return existing;
    const firstAnswered = this.samples(i).find((s) => s.answers > 0);
    const record: FeedbackRecord = {
      source: reflection ? 'reflection' : 'failures',
      iteration: i,
      about: chosen ? { iteration: i, sample: chosen.sample } : firstAnswered ? { iteration: i, sample: firstAnswered.sample } : null,
      warnings: reflection?.warnings ?? [],
      written: now(),
    };
    this.folder.saveFeedback(i, auto, record);
    return { text: auto, record };
  }

  /**
   * A person's feedback for the next iteration, in place of the reflection ('replace') or
   * after it ('extend'). Recorded as a person's text, not as the program's.
   */
  setFeedback(i: number, text: string, mode: 'replace' | 'extend' = 'replace'): { text: string; record: FeedbackRecord } {
    const auto = this.folder.reflection(i) ?? (mode === 'extend' ? this.reflect(i).text : '');
    const full = mode === 'extend' && auto ? `${auto.trimEnd()}\n\n${text.trim()}\n` : `${text.trim()}\n`;
    const chosen = selectBest(this.outcomes(i));
    const record: FeedbackRecord = {
      source: mode === 'extend' ? 'both' : 'human',
      iteration: i,
      about: chosen ? { iteration: i, sample: chosen.sample } : null,
      warnings: [],
      written: now(),
    };
    this.folder.saveFeedback(i, full, record);
    // the next iteration's prompt is rebuilt from this feedback if not generated yet
    if (!this.folder.hasSample(i + 1, 0)) this.folder.dropMessages(i + 1);
    this.emit({ type: 'log', level: 'info', message: `iteration ${i}: feedback written by a person (${record.source})` });
    return { text: full, record };
  }

  /**
   * A person's reward added to iteration i as a new sample with origin 'edit' (never passed off
   * as the LLM's), ready for check() and train(); `of` names the sample it was edited from.
   */
  addEdit(i: number, code: string, opts: { of?: SampleRef | null; note?: string | null } = {}): SampleRecord {
    let j = 0;
    while (this.folder.hasSample(i, j)) j++;
    const s = this.newSample(i, j, 'edit');
    s.code = code;
    s.edit_of = opts.of ?? null;
    s.note = opts.note ?? null;
    this.folder.saveReward(i, j, code);
    const from = s.edit_of ? ` from iteration ${s.edit_of.iteration} sample ${s.edit_of.sample}` : '';
    return this.saveSample(s, `edited by a person${from}`);
  }

  /**
   * Sets iteration i aside to run it again: its folder is renamed (kept, never deleted) and
   * the global best is recomputed from the iterations before it. Only the last iteration can
   * be redone, since later ones were built on it.
   */
  resetIteration(i: number): string {
    if (this.folder.hasIteration(i + 1)) throw new Error(`iteration ${i + 1} exists and was built on iteration ${i}; only the last iteration can be redone`);
    if (!this.folder.hasIteration(i)) throw new Error(`iteration ${i} does not exist`);
    const to = this.folder.setIterationAside(i, now());
    this.record.completed_iterations = Math.min(this.record.completed_iterations, i);
    this.record.best = null;
    this.record.final = null;
    this.record.hns = null;
    this.folder.dropBest();
    this.folder.dropFinal();
    this.saveRecord();
    for (let k = 0; k < i; k++) this.select(k);
    this.emit({ type: 'log', level: 'info', message: `iteration ${i} set aside as ${path.basename(to)}; it runs again from its prompt` });
    return to;
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
    const before = previous?.time ?? { llm_s: 0, check_s: 0, train_s: 0, total_s: 0 };
    const stage = (status: IterationRecord['status']) => {
      record.status = status;
      const t = timeline.split();
      record.time = { llm_s: before.llm_s + t.llm_s, check_s: before.check_s + t.check_s, train_s: before.train_s + t.train_s, total_s: before.total_s + t.total_s };
      const samples = this.samples(i);
      record.counts = {};
      for (const s of samples) record.counts[s.status] = (record.counts[s.status] ?? 0) + 1;
      record.tokens = { prompt: samples.reduce((a, s) => a + s.tokens.prompt, 0), completion: samples.reduce((a, s) => a + s.tokens.completion, 0) };
      this.saveIteration(record);
      this.emit({ type: 'iteration', iteration: i, status });
    };
    stage('generating');
    await this.generate(i, timeline);
    stage('training');
    await this.runSamples(i, timeline);
    stage('reflecting');
    record.best = this.select(i);
    this.reflect(i);
    record.finished = now();
    stage('done');
    this.record.completed_iterations = Math.max(this.record.completed_iterations, i + 1);
    this.saveRecord();
    return record;
  }

  /** The best policy on the config's evaluation episodes, deterministic and seeded, with its GIF. */
  async finalEvaluate(): Promise<FinalRecord | null> {
    const done = this.folder.final();
    if (done) return done;
    const best = this.folder.best();
    if (!best) {
      this.emit({ type: 'log', level: 'warning', message: 'no sample trained successfully: there is no policy to evaluate' });
      return null;
    }
    const ev = this.config.rl.evaluation;
    const worker = await this.worker();
    const r = await evaluatePolicy(this.loaded, best.code, {
      model: best.best_model,
      episodes: ev.num_episodes,
      seed: ev.seed,
      deterministic: true,
      gif: ev.save_gif ? runPaths.finalGif(this.dir) : null,
      worker,
      signal: this.opts.signal,
    });
    this.throwIfAborted();
    if (r.status !== 'succeeded') {
      this.emit({ type: 'log', level: 'warning', message: `final evaluation ${r.status}: ${r.failure.reason}` });
      return null;
    }
    const { status: _, ...rest } = r;
    const record: FinalRecord = { ...rest, of: { iteration: best.iteration, sample: best.sample }, model: best.best_model, deterministic: true, seed: ev.seed };
    this.folder.saveFinal(record);
    this.record.final = { fitness_mean: r.fitness_mean, fitness_std: r.fitness_std, episodes: r.episodes.length, gif: r.gif };
    this.saveRecord();
    this.emit({ type: 'final', fitness_mean: r.fitness_mean, fitness_std: r.fitness_std, gif: r.gif });
    return record;
  }

  /**
   * environment.benchmark: the same algorithm and budget on the registered gymnasium env with
   * its own reward, evaluated like the final policy, for comparison.
   */
  async benchmark(): Promise<BenchmarkRecord | null> {
    const gymId = this.config.environment.benchmark;
    if (!gymId) return null;
    const done = this.folder.benchmark();
    if (done) return done;
    this.emit({ type: 'benchmark', gym_id: gymId, phase: 'start' });
    try {
      return await this.trainBenchmark(gymId);
    } catch (err) {
      if (err instanceof RunInterrupted || this.opts.signal?.aborted) throw new RunInterrupted(this.dir);
      // a benchmark that cannot run (say, an id gymnasium does not know) is reported, not fatal
      const record: BenchmarkRecord = { gym_id: gymId, status: 'failed', reason: (err as Error).message, best: null, evaluation: null, wall_s: 0 };
      this.folder.saveBenchmark(record);
      this.record.benchmark = { gym_id: gymId, fitness_mean: null, status: 'failed' };
      this.saveRecord();
      this.emit({ type: 'log', level: 'warning', message: `benchmark ${gymId} could not run: ${record.reason}` });
      return record;
    }
  }

  private async trainBenchmark(gymId: string): Promise<BenchmarkRecord> {
    const worker = await this.worker();
    const env = { gym_id: gymId, kwargs: this.config.environment.kwargs ?? {}, max_episode_steps: this.config.environment.max_episode_steps };
    const out = runPaths.benchmarkTrain(this.dir);
    fs.rmSync(out, { recursive: true, force: true });
    const slots = await this.slotsForTraining();
    const started = performance.now();
    const trained = await slots.use(() =>
      worker.train(
        { env, code: null, rl: rlSection(this.loaded), out_dir: out, limits: this.config.rl.training.limits },
        {
          signal: this.opts.signal,
          onEvent: (event, data) => {
            if (event === 'progress') this.emit({ type: 'progress', iteration: null, sample: null, timesteps: Number(data.timesteps), total: Number(data.total_timesteps), steps_per_s: Number(data.steps_per_s) });
          },
        },
      ),
    );
    this.throwIfAborted();
    const record: BenchmarkRecord = { gym_id: gymId, status: trained.status, reason: null, best: null, evaluation: null, wall_s: 0 };
    if (trained.status !== 'succeeded') record.reason = trained.failure.reason;
    else {
      record.best = trained.best ? fitnessOf(trained.best) : null;
      const ev = this.config.rl.evaluation;
      const r = await worker.evaluate(
        { env, code: null, model: trained.best_model, algo: this.config.rl.algo, episodes: ev.num_episodes, seed: ev.seed, deterministic: true, state_stack: this.config.rl.training.state_stack, gif: null },
        { signal: this.opts.signal },
      );
      this.throwIfAborted();
      if (r.status === 'succeeded') {
        const { status: _, episodes: __, ...summary } = r;
        record.evaluation = summary;
      } else {
        record.status = r.status;
        record.reason = r.failure.reason;
      }
    }
    record.wall_s = (performance.now() - started) / 1000;
    this.folder.saveBenchmark(record);
    this.record.benchmark = { gym_id: gymId, fitness_mean: record.evaluation?.fitness_mean ?? null, status: record.status };
    this.saveRecord();
    this.emit({ type: 'benchmark', gym_id: gymId, phase: 'done', fitness_mean: record.evaluation?.fitness_mean ?? null });
    return record;
  }

  /** HNS = (ours - sparse) / |human - sparse|, clipped to [0, 3] (Eureka's human-normalised score). */
  private scoreHns(): void {
    const sparse = this.config.experiment.sparse_baseline;
    const ours = this.record.final?.fitness_mean;
    const fromConfig = this.config.experiment.human_baseline;
    const human = fromConfig ?? this.record.benchmark?.fitness_mean ?? null;
    if (sparse === null || ours === undefined || human === null || human === sparse) return;
    const value = Math.min(3, Math.max(0, (ours - sparse) / Math.abs(human - sparse)));
    this.record.hns = { value, sparse, human, human_from: fromConfig !== null ? 'config' : 'benchmark' };
    this.saveRecord();
  }

  /** Every iteration not done yet, then the final evaluation and the benchmark. */
  async runAll(): Promise<RunRecord> {
    this.record.status = 'running';
    this.record.error = null;
    this.saveRecord();
    this.emit({ type: 'run', status: 'running' });
    try {
      await this.describe();
      for (let i = 0; i < this.config.eureka.iterations; i++) {
        this.throwIfAborted();
        await this.runIteration(i);
      }
      await Promise.all([this.finalEvaluate(), this.benchmark()]);
      this.scoreHns();
      this.record.status = 'done';
    } catch (err) {
      this.record.status = err instanceof RunInterrupted || this.opts.signal?.aborted ? 'interrupted' : 'failed';
      this.record.error = this.record.status === 'failed' ? (err as Error).message : null;
      this.saveRecord();
      this.emit({ type: 'run', status: this.record.status, message: (err as Error).message });
      throw this.record.status === 'interrupted' ? new RunInterrupted(this.dir) : err;
    }
    this.saveRecord();
    this.emit({ type: 'run', status: 'done' });
    return this.record;
  }
}
