/**
 * NotebookRun: a run as notebook cells use it, one method per Eureka stage, each returning a view
 * (stageViews.ts, resultViews.ts). Its state is its folder: each call opens the run afresh.
 */
import fs from 'node:fs';
import type { Backend, Selection } from '../config/index';
import { chart, componentBarsChart, componentsChart, Diff, fitnessChart, gif, MIME, Note, usageChart, View, type Chart, type Gif } from '../display/index';
import type { MimeBundle } from '../kernelHook';
import type { LlmBackend } from '../llm/types';
import type { SampleOutcome } from '../reflect';
import { bestPerIterationSpec, num } from '../render/index';
import { writeReport } from '../report/index';
import { RunFolder, runPaths, type FeedbackRecord, type FinalRecord, type IterationRecord, type RunRecord, type SampleRecord, type SampleRef } from '../run/layout';
import { Run, RunInterrupted } from '../run/run';
import { peak, selectBest } from '../run/selection';
import { evaluatePolicy } from '../training';
import type { PythonWorker } from '../worker/client';
import type { AnyEvent } from './monitor';
import { ref } from './pieces';
import { CompareView, EvaluationView, FeedbackView, IterationView, ReportView, RunView } from './resultViews';
import { ChecksView, EnvView, PromptView, ResponsesView, SampleView, TrainView } from './stageViews';
import { runStage, type StageOptions } from './stage';

/** What open() takes; the NotebookRun keeps them (its LLM, worker, smoke steps, variable). */
export interface OpenOptions {
  /** Overrides of a new run's config (a run folder keeps its settings; only iterations can grow). */
  backend?: Backend;
  model?: string;
  samples?: number;
  iterations?: number;
  /** rl.training.total_timesteps */
  timesteps?: number;
  /** A new run's folder (default: experiment.parent/name[/time] of the config). */
  dir?: string;
  /** Where relative paths (the config, its env, experiment.parent) are resolved. Default: process.cwd(). */
  cwd?: string;
  /** An LLM backend object in place of the config's (tests, custom servers). */
  llm?: LlmBackend;
  /** The Python worker (default: the session's). */
  worker?: PythonWorker;
  /** Random steps of each reward's smoke run (default: `smoke.steps` of the worker's defaults.json). */
  smokeSteps?: number;
  /** The variable the run is held in, for the cells edit() writes (default 'run'). */
  variable?: string;
}

/** The fitness curves of iteration i's trained samples on one chart, one a sample (null when none has any). */
async function iterationFitness(i: number, outcomes: SampleOutcome[]): Promise<Chart | null> {
  const curves = outcomes.filter((o) => o.evals?.length).map((o) => ({ label: `sample ${o.sample}`, evals: o.evals!, stopped: !!o.stopped }));
  return curves.length ? fitnessChart(curves, { title: `Iteration ${i}: fitness over training steps` }) : null;
}

/**
 * A run as notebook cells use it. Its state is its folder; each call opens the run afresh with
 * the running cell's interrupt signal and a live output fed by the run's events.
 */
export class NotebookRun extends View {
  /** The run folder. */
  readonly dir: string;
  private readonly folder: RunFolder;
  private readonly opts: OpenOptions;

  constructor(dir: string, opts: OpenOptions = {}) {
    super({ data: {} });
    this.dir = dir;
    this.folder = new RunFolder(dir);
    this.opts = opts;
  }

  /** The LLM backend, made once and shared by every call (its clients and the local model stay loaded). */
  private llm: LlmBackend | null = null;

  /** A fresh Run on the folder (the folder is the state: nothing else is kept between calls). */
  private open(extra: { signal?: AbortSignal; onEvent?: (e: AnyEvent) => void } = {}): Run {
    const run = Run.open(this.dir, { backend: this.opts.llm ?? this.llm ?? undefined, worker: this.opts.worker, smokeSteps: this.opts.smokeSteps, ...extra });
    try {
      this.llm ??= run.backend;
    } catch {
      // a backend that cannot be made (the local model not installed) fails the stage that needs it
    }
    return run;
  }

  /** The run's record (run.json), read now. */
  get record(): RunRecord {
    return this.open().record;
  }

  /** The summary of the run: figures and every sample (the RunView of all() without its charts). */
  override toMimeBundle(): MimeBundle {
    const run = this.open();
    return new RunView(run.record, this.allSamples(run), { best: null, usage: null }, null, this.dir).toMimeBundle();
  }

  override toString(): string {
    const t = this.toMimeBundle().data[MIME.text];
    return typeof t === 'string' ? t : '';
  }

  private allSamples(run: Run): SampleRecord[] {
    const out: SampleRecord[] = [];
    for (let i = 0; run.folder.hasIteration(i); i++) out.push(...run.samples(i));
    return out;
  }

  /** Runs a stage on a fresh Run with the cell's signal and a live output (see runStage). */
  private stage<T>(title: string, opts: StageOptions | undefined, fn: (run: Run, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return runStage(this.dir, title, opts, (extra) => this.open(extra), fn);
  }

  /** The env as the LLM sees it: call signature, task, the step code. */
  env(): EnvView {
    const env = this.folder.env();
    if (!env) throw new Error(`${this.dir}: the env is not described yet (open() describes it)`);
    return new EnvView(env);
  }

  /** The conversation that asks for iteration i's samples (written to messages.json the first time). */
  async prompt(i: number): Promise<PromptView> {
    return new PromptView(i, await this.open().messages(i));
  }

  /** Asks the LLM for iteration i's samples (those it lacks); the text streams into a live output. */
  async generate(i: number, opts?: StageOptions): Promise<ResponsesView> {
    return this.stage(`generate(${i})`, opts, async (run) => {
      await run.generate(i);
      const samples = run.samples(i);
      return new ResponsesView(i, samples, samples.map((s) => run.response(i, s.sample)));
    });
  }

  /** Checks iteration i's samples not checked yet, asking the LLM to fix those that fail. */
  async check(i: number, opts?: StageOptions): Promise<ChecksView> {
    return this.stage(`check(${i})`, opts, async (run) => {
      const results = await Promise.allSettled(run.samples(i).filter((s) => s.status === 'pending').map((s) => run.check(i, s.sample)));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length) throw errors.find((e) => e instanceof RunInterrupted) ?? errors[0];
      return this.checksView(run, i);
    });
  }

  private checksView(run: Run, i: number): ChecksView {
    const samples = run.samples(i);
    return new ChecksView(i, samples, samples.map((s) => this.folder.checks(i, s.sample)));
  }

  /**
   * Trains iteration i's checked samples (checking any still pending first), in parallel, with a
   * live chart of progress and fitness; returns the samples table and the curves.
   */
  async train(i: number, opts?: StageOptions & { selection?: Selection }): Promise<TrainView> {
    return this.stage(`train(${i})`, opts, async (run) => {
      await run.runSamples(i, { selection: opts?.selection });
      return this.trainView(run, i);
    });
  }

  private async trainView(run: Run, i: number): Promise<TrainView> {
    const samples = run.samples(i);
    const outcomes = run.outcomes(i);
    // the loop's own selection (best checkpoint, ties to fewer steps), not a second rule
    const best = selectBest(outcomes);
    const bestEvals = best?.evals ?? [];
    const [fitness, components] = await Promise.all([
      iterationFitness(i, outcomes),
      best && bestEvals.some((e) => Object.keys(e.components ?? {}).length) ? componentsChart(bestEvals, { title: `Sample ${best.sample} (best): reward components` }) : null,
    ]);
    return new TrainView(i, samples, { fitness, components }, best ? { iteration: i, sample: best.sample } : null);
  }

  /** Writes the reflection on iteration i (the feedback for i+1, unless a person wrote it) and shows it. */
  reflect(i: number): FeedbackView {
    return this.feedbackView(i, this.open().reflect(i));
  }

  private feedbackView(i: number, fb: { text: string; record: FeedbackRecord }): FeedbackView {
    const reflection = fb.record.source === 'human' || fb.record.source === 'both' ? this.folder.reflection(i) : null;
    return new FeedbackView(i, fb.text, fb.record, reflection);
  }

  /**
   * A person's feedback for iteration i+1: in place of the reflection ('replace') or after it
   * ('extend'); recorded as a person's text.
   */
  feedback(i: number, text: string, mode: 'replace' | 'extend' = 'replace'): FeedbackView {
    return this.feedbackView(i, this.open().setFeedback(i, text, mode));
  }

  /** Iteration i's best sample (updates the run's global best): its code, fitness and curves. */
  async select(i: number): Promise<SampleView | Note> {
    const run = this.open();
    const best = run.select(i);
    if (!best) return new Note(`iteration ${i}: no sample has trained successfully yet`, 'warning');
    const global = run.record.best;
    const isGlobal = global?.iteration === best.iteration && global.sample === best.sample;
    return this.sampleView(run, i, best.sample, `Iteration ${i}: best sample ${best.sample}${isGlobal ? ' (the run’s best so far)' : ''}`);
  }

  /** One sample: code, status, failure, fitness and curves; .edit() opens a cell to change it. */
  async sample(i: number, j: number): Promise<SampleView> {
    return this.sampleView(this.open(), i, j);
  }

  private async sampleView(run: Run, i: number, j: number, title?: string): Promise<SampleView> {
    const s = run.sample(i, j);
    if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
    const evals = ['trained', 'stopped', 'failed', 'interrupted', 'training'].includes(s.status) ? run.evals(i, j) : [];
    const top = evals.length ? peak(evals) : null;
    const hasComponents = evals.some((e) => Object.keys(e.components ?? {}).length);
    const [fitness, components, bars] = await Promise.all([
      evals.length ? fitnessChart([{ label: `sample ${j}`, evals }], { title: 'Fitness over training steps' }) : null,
      hasComponents ? componentsChart(evals, { title: 'Reward components over training steps' }) : null,
      top && Object.keys(top.components ?? {}).length ? componentBarsChart(top.components, { title: `Reward components at the best evaluation (${num(top.timesteps)} steps)` }) : null,
    ]);
    return new SampleView(s, evals, this.folder.checks(i, j), { fitness, components, bars }, title ?? `Iteration ${i}, sample ${j}`, this.opts.variable ?? 'run');
  }

  /**
   * A person's reward for iteration i, edited from sample j (null: written from scratch): added as
   * a sample of its own (origin 'edit', with the note), checked, trained, then the iteration's
   * best and reflection are redone.
   */
  async edit(i: number, j: number | null, code: string, opts: StageOptions & { note?: string } = {}): Promise<SampleView> {
    return this.stage(`edit(${i}, ${j})`, opts, async (run) => {
      const s = run.addEdit(i, code, { of: j === null ? null : { iteration: i, sample: j }, note: opts.note?.trim() ? opts.note.trim() : null });
      const checked = await run.check(i, s.sample);
      if (checked.status === 'checked') await run.train(i, s.sample);
      this.reselect(run, i);
      return this.sampleView(run, i, s.sample, `Iteration ${i}, sample ${s.sample} (edited${j === null ? '' : ` from sample ${j}`})`);
    });
  }

  /** Trains one sample again from scratch (others untouched), then redoes the iteration's best and reflection. */
  async retrain(i: number, j: number, opts?: StageOptions): Promise<SampleView> {
    return this.stage(`retrain(${i}, ${j})`, opts, async (run) => {
      await run.train(i, j, { force: true });
      this.reselect(run, i);
      return this.sampleView(run, i, j, `Iteration ${i}, sample ${j} (trained again)`);
    });
  }

  private reselect(run: Run, i: number): void {
    run.select(i);
    // an iteration whose samples were never all settled has no reflection to redo yet
    if (run.samples(i).every((s) => !['pending', 'checked', 'queued', 'training'].includes(s.status))) run.reflect(i);
  }

  /** environment.benchmark trained with the env's own reward, the same way as the samples: the figure to compare with. */
  async benchmark(opts?: StageOptions): Promise<Note> {
    return this.stage('benchmark()', opts, async (run) => {
      const b = await run.benchmark();
      if (!b) return new Note('the config names no environment.benchmark to compare with');
      const f = b.evaluation?.fitness_mean;
      if (f === undefined) return new Note(`${b.gym_id} with its own reward did not train: ${b.status}${b.reason ? `: ${b.reason}` : ''}`, 'warning');
      return new Note(`${b.gym_id} with its own reward, trained the same way: fitness ${num(f)} (evaluated like the final policy)`);
    });
  }

  /** The final evaluation of the run's best policy (deterministic, seeded) and its GIF. */
  async evaluate(opts?: StageOptions): Promise<EvaluationView | Note> {
    return this.stage('evaluate()', opts, async (run) => {
      const final = await run.finalEvaluate();
      if (!final) return new Note('no sample has trained successfully: there is no policy to evaluate', 'warning');
      return this.evaluationView(run, final);
    });
  }

  private evaluationView(run: Run, final: FinalRecord): EvaluationView {
    const file = run.record.final?.gif ?? runPaths.finalGif(this.dir);
    let g: Gif | null = null;
    try {
      g = fs.existsSync(file) ? gif(file, 'the final policy') : null;
    } catch {
      g = null;
    }
    return new EvaluationView(final, run.record, g);
  }

  /** One whole iteration (generate, check and fix, train, select, reflect), skipping what is done. */
  async iteration(i: number, opts?: StageOptions): Promise<IterationView> {
    return this.stage(`iteration(${i})`, opts, async (run) => {
      await run.runIteration(i);
      return this.iterationView(run, i);
    });
  }

  private async iterationView(run: Run, i: number): Promise<IterationView> {
    const samples = run.samples(i);
    const fitness = await iterationFitness(i, run.outcomes(i));
    return new IterationView(run.iteration(i), samples, { fitness }, run.feedback(i), i);
  }

  /** Sets the last iteration i aside (kept on disk as iteration_<i>.replaced-<time>) and runs it again. */
  async redo(i: number, opts?: StageOptions): Promise<IterationView> {
    return this.stage(`redo(${i})`, opts, async (run) => {
      run.resetIteration(i);
      await run.runIteration(i);
      return this.iterationView(run, i);
    });
  }

  /** Everything not done yet: every iteration, the final evaluation, the benchmark. */
  async all(opts?: StageOptions): Promise<RunView> {
    return this.stage('all()', opts, async (run) => {
      await run.runAll();
      return this.runView(run);
    });
  }

  private async runView(run: Run): Promise<RunView> {
    const r = run.record;
    const iterations: IterationRecord[] = [];
    for (let i = 0; run.folder.hasIteration(i); i++) {
      const it = run.iteration(i);
      if (it) iterations.push(it);
    }
    const bests = iterations.map((it) => ({
      iteration: it.iteration,
      fitness: it.best?.fitness ?? null,
      sample: it.best?.sample ?? null,
      global: !!it.best && !!r.best && it.best.iteration === r.best.iteration && it.best.sample === r.best.sample,
    }));
    const [best, usage] = await Promise.all([
      bests.some((b) => b.fitness !== null) ? chart(bestPerIterationSpec(bests, { benchmark: r.benchmark?.fitness_mean ?? null })) : null,
      iterations.length ? usageChart(iterations) : null,
    ]);
    const final = run.folder.final();
    return new RunView(r, this.allSamples(run), { best, usage }, final ? this.evaluationView(run, final) : null, this.dir);
  }

  /**
   * Two samples side by side: the diff of their code, both fitness curves on one chart and, with
   * gif (default true), a GIF of each one's best model (rendered once into its sample folder as
   * policy.gif, again only when the model is newer).
   */
  async compare(a: SampleRef, b: SampleRef, opts: StageOptions & { gif?: boolean } = {}): Promise<CompareView> {
    return this.stage('compare()', opts, async (run, signal) => {
      const sa = run.sample(a.iteration, a.sample);
      const sb = run.sample(b.iteration, b.sample);
      if (!sa) throw new Error(`${ref(a.iteration, a.sample)} does not exist`);
      if (!sb) throw new Error(`${ref(b.iteration, b.sample)} does not exist`);
      const la = ref(a.iteration, a.sample);
      const lb = ref(b.iteration, b.sample);
      const d = new Diff({ name: `${la}/reward.py`, code: sa.code ?? '' }, { name: `${lb}/reward.py`, code: sb.code ?? '' });
      // short legend labels: vega estimates text widths headless and cuts long ones
      const curves = [
        { label: `it${a.iteration} s${a.sample}`, evals: run.evals(a.iteration, a.sample) },
        { label: `it${b.iteration} s${b.sample}`, evals: run.evals(b.iteration, b.sample) },
      ].filter((c) => c.evals.length);
      const fitness = curves.length ? await fitnessChart(curves, { title: 'Fitness over training steps' }) : null;
      const gifs: [Gif | null, Gif | null] = opts.gif === false ? [null, null] : [await this.sampleGif(run, sa, signal), await this.sampleGif(run, sb, signal)];
      return new CompareView(sa, sb, d, { fitness }, gifs);
    });
  }

  /** A GIF of a sample's best model (one seeded deterministic episode), cached in its folder. */
  private async sampleGif(run: Run, s: SampleRecord, signal: AbortSignal | undefined): Promise<Gif | null> {
    if (!s.best_model || !s.code || !fs.existsSync(s.best_model)) return null;
    const file = runPaths.sampleGif(this.dir, s.iteration, s.sample);
    const fresh = fs.existsSync(file) && fs.statSync(file).mtimeMs >= fs.statSync(s.best_model).mtimeMs;
    if (!fresh) {
      const ev = run.config.rl.evaluation;
      const r = await evaluatePolicy(run.loaded, s.code, {
        model: s.best_model,
        episodes: 1,
        seed: ev.seed,
        deterministic: true,
        gif: file,
        worker: this.opts.worker,
        signal,
      });
      if (signal?.aborted) throw new RunInterrupted(this.dir);
      if (r.status !== 'succeeded' || !r.gif) return null;
    }
    try {
      return gif(file, `${ref(s.iteration, s.sample)}: best model`);
    } catch {
      return null;
    }
  }

  /** Writes report.html (the whole run as one self-contained page) and shows where. */
  async report(opts: { out?: string } = {}): Promise<ReportView> {
    return new ReportView(await writeReport(this.dir, opts));
  }
}
