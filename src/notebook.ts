/**
 * The notebook cell API: one call per Eureka stage, each returning a value that displays itself
 * (a View: toMimeBundle()), with live outputs updated in place while it works.
 *
 *   const run = await open('configs/cartpole.yml', { backend: 'local', samples: 4, iterations: 2 });
 *   run.env()                   // the env the LLM sees
 *   await run.prompt(0)         // the conversation for iteration 0
 *   await run.generate(0)       // the samples, streamed live
 *   await run.check(0)          // checks, fixes asked
 *   await run.train(0)          // live progress + fitness chart, then the table and curves
 *   run.reflect(0)              // the reflection, warnings highlighted
 *   await run.select(0)         // the iteration's best sample
 *   await run.evaluate()        // the final evaluation and its GIF
 *
 * Every call that takes time passes the kernel's cell signal to the run, so interrupting the
 * kernel cancels LLM calls and training jobs; the run stays resumable (call the cell again).
 * A notebook run lives across cells while a signal belongs to one cell, so each call works on a
 * fresh `Run.open(dir, { signal, onEvent })`: the run's state is its folder, nothing in memory.
 *
 * Calls that show charts are async (charts are rendered to SVG here, for static exports);
 * `env()`, `reflect()`, `feedback()` and the run's own summary are synchronous.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bestPerIterationSpec } from './charts';
import type { Backend } from './config';
import {
  Chart,
  Code,
  Diff,
  Gif,
  MIME,
  Note,
  STYLE,
  View,
  badge,
  box,
  chart,
  codeHtml,
  componentBarsChart,
  componentsChart,
  esc,
  firstLine,
  fitnessChart,
  gif,
  live,
  num,
  page,
  preText,
  samplesTable,
  seconds,
  tableHtml,
  textTable,
  trainingChart,
  usageChart,
  type Live,
} from './display';
import { extractReward } from './extract';
import { kernelHook, type MimeBundle } from './kernelHook';
import type { LlmBackend } from './llm/types';
import type { ChatMessage } from './prompts';
import type { SampleOutcome } from './reflect';
import { peak, selectBest } from './run/selection';
import { writeReport } from './report';
import {
  RunFolder,
  runPaths,
  type CheckRecord,
  type FeedbackRecord,
  type FinalRecord,
  type IterationRecord,
  type LiveEvent,
  type RunEvent,
  type RunRecord,
  type SampleRecord,
  type SampleRef,
} from './run/layout';
import { Run, RunInterrupted } from './run/run';
import { evaluatePolicy } from './training';
import type { PythonWorker } from './worker/client';
import type { EnvDescription, EvalPoint } from './worker/protocol';

/** Fitness curves of an iteration's trained samples, one per sample. */
function trainedCurves(outcomes: SampleOutcome[]): { label: string; evals: EvalPoint[] }[] {
  return outcomes.filter((o) => o.evals?.length).map((o) => ({ label: `sample ${o.sample}`, evals: o.evals! }));
}

// ---------------------------------------------------------------------------------------------
// Opening a run

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

const isRunFolder = (p: string) => new RunFolder(p).isRun();

/**
 * A run for notebook cells: a new one for a config file, or an existing run folder (one the CLI
 * started, or an earlier notebook's) to continue. Starts the worker and describes the env.
 */
export async function open(target: string, opts: OpenOptions = {}): Promise<NotebookRun> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, target);
  const { backend, model, samples, iterations, timesteps } = opts;
  const overrides = { backend, model, samples, iterations, timesteps };
  const any = Object.values(overrides).some((v) => v !== undefined);
  const base = { backend: opts.llm, worker: opts.worker, smokeSteps: opts.smokeSteps };
  const run =
    fs.existsSync(abs) && fs.statSync(abs).isDirectory() && isRunFolder(abs)
      ? Run.open(abs, { ...base, ...(any ? { overrides } : {}) })
      : Run.create(abs, { ...base, overrides, cwd, dir: opts.dir });
  await run.describe();
  return new NotebookRun(run.dir, opts);
}

// ---------------------------------------------------------------------------------------------
// Live progress of a stage, driven by the run's events

type AnyEvent = RunEvent | LiveEvent;
const FINAL_STATUSES = new Set(['trained', 'failed', 'invalid', 'duplicate', 'interrupted']);
const keyOf = (i: number | null, j: number | null) => (i === null ? 'benchmark' : `${i}:${j}`);

interface Track {
  iteration: number | null;
  sample: number | null;
  status?: string;
  message?: string;
  stream?: string;
  streaming?: boolean;
  progress?: { timesteps: number; total: number; sps: number };
  evals: EvalPoint[];
}

/** A stage's live output: streamed LLM text, sample statuses, training progress and fitness. */
class Monitor {
  private readonly tracks = new Map<string, Track>();
  private readonly logs: string[] = [];
  private phase = 'starting';
  private readonly started = Date.now();
  private readonly out: Live;

  constructor(private readonly title: string) {
    this.out = live(() => this.render(), { intervalMs: 250 });
  }

  private track(i: number | null, j: number | null): Track {
    const k = keyOf(i, j);
    let t = this.tracks.get(k);
    if (!t) {
      t = { iteration: i, sample: j, evals: [] };
      this.tracks.set(k, t);
    }
    return t;
  }

  on(e: AnyEvent): void {
    switch (e.type) {
      case 'iteration':
        this.phase = `iteration ${e.iteration}: ${e.status}`;
        break;
      case 'llm':
        for (const j of e.samples) {
          const t = this.track(e.iteration, j);
          if (e.phase === 'start') {
            t.stream = '';
            t.streaming = true;
            t.message = e.purpose === 'fix' ? 'asking the LLM for a fix' : 'asking the LLM';
          } else {
            t.streaming = false;
            if (e.phase === 'error') t.message = `LLM error: ${e.message ?? ''}`;
          }
        }
        this.phase = e.phase === 'start' ? `iteration ${e.iteration}: LLM ${e.purpose === 'fix' ? 'fix' : 'answers'}` : this.phase;
        break;
      case 'llm_text': {
        const t = this.track(e.iteration, e.sample);
        t.stream = ((t.stream ?? '') + e.text).slice(-6000);
        break;
      }
      case 'sample': {
        const t = this.track(e.iteration, e.sample);
        t.status = e.status;
        t.message = e.message ?? (e.status === 'pending' ? t.message : undefined);
        if (e.status === 'training' || e.status === 'queued') t.evals = [];
        break;
      }
      case 'progress': {
        const t = this.track(e.iteration, e.sample);
        t.progress = { timesteps: e.timesteps, total: e.total, sps: e.steps_per_s };
        if (e.iteration === null) t.status ??= 'training';
        break;
      }
      case 'eval':
        this.track(e.iteration, e.sample).evals.push(e.point);
        break;
      case 'benchmark':
        this.phase = e.phase === 'start' ? `benchmark ${e.gym_id}: training` : `benchmark ${e.gym_id}: fitness ${num(e.fitness_mean)}`;
        if (e.phase === 'done') this.track(null, null).status = 'trained';
        break;
      case 'final':
        this.phase = `final evaluation: fitness ${num(e.fitness_mean)} ± ${num(e.fitness_std)}`;
        break;
      case 'best':
        this.logs.push(`new best: iteration ${e.iteration} sample ${e.sample}, fitness ${num(e.fitness)}`);
        break;
      case 'log':
        if (e.level === 'warning') this.logs.push(`warning: ${e.message}`);
        break;
      case 'run':
        this.phase = `run ${e.status}`;
        break;
    }
    this.out.update(() => this.render());
  }

  private label(t: Track): string {
    if (t.iteration === null) return 'benchmark';
    const its = new Set([...this.tracks.values()].map((x) => x.iteration));
    return its.size > 1 ? `iteration ${t.iteration} sample ${t.sample}` : `sample ${t.sample}`;
  }

  private elapsed(): string {
    return seconds((Date.now() - this.started) / 1000);
  }

  /** Training chart while any job runs, else the status table and the streamed text. */
  private async render(): Promise<MimeBundle> {
    const tracks = [...this.tracks.values()].sort((a, b) => (a.iteration ?? 1e9) - (b.iteration ?? 1e9) || (a.sample ?? 0) - (b.sample ?? 0));
    const training = tracks.filter((t) => t.progress || t.status === 'queued' || t.status === 'training');
    if (training.some((t) => !FINAL_STATUSES.has(t.status ?? 'training'))) {
      const rows = training.map((t) => {
        const p = t.progress;
        const best = t.evals.length ? Math.max(...t.evals.map((e) => e.fitness_mean)) : null;
        const note = [
          p ? `${num(p.timesteps)} / ${num(p.total)} steps` : (t.status ?? ''),
          p && p.sps ? `${num(p.sps)} steps/s` : '',
          best !== null ? `best ${num(best)}` : '',
          t.status && FINAL_STATUSES.has(t.status) ? t.status : '',
        ]
          .filter(Boolean)
          .join(' · ');
        const done = t.status === 'trained' ? 1 : p && p.total > 0 ? p.timesteps / p.total : 0;
        return { label: this.label(t), done, status: t.status ?? 'training', note };
      });
      const curves = training.filter((t) => t.evals.length).map((t) => ({ label: this.label(t), evals: t.evals }));
      return (await trainingChart(rows, curves, `${this.title} · ${this.phase} · ${this.elapsed()}`)).toMimeBundle();
    }
    return this.statusBundle(`${this.title} · ${this.phase} · ${this.elapsed()}`, true);
  }

  private statusBundle(heading: string, streams: boolean, tone?: 'ok' | 'warning' | 'error'): MimeBundle {
    const tracks = [...this.tracks.values()].filter((t) => t.status || t.stream || t.message);
    const rows = tracks.map((t) => [esc(this.label(t)), t.status ? badge(t.status) : '', esc(firstLine(t.message ?? ''))]);
    const html: string[] = [`<div style="${STYLE.h}">${esc(heading)}</div>`];
    if (rows.length) html.push(tableHtml(['', 'status', ''], rows));
    const text: string[] = [heading];
    if (rows.length) text.push(textTable(['', 'status', ''], tracks.map((t) => [this.label(t), t.status ?? '', firstLine(t.message ?? '')])));
    if (streams) {
      for (const t of tracks.filter((x) => x.streaming && x.stream)) {
        html.push(`<div style="${STYLE.muted}">${esc(this.label(t))}: the LLM is writing…</div>${preText(t.stream!.slice(-2500), STYLE.pre)}`);
        text.push(`--- ${this.label(t)} (streaming)\n${t.stream!.slice(-600)}`);
      }
    }
    if (this.logs.length) {
      html.push(box(this.logs.slice(-6).map((l) => esc(l)).join('<br>'), 'warning'));
      text.push(...this.logs.slice(-6));
    }
    const inner = page(html.join(''));
    return { data: { [MIME.html]: tone ? box(inner, tone) : inner, [MIME.text]: text.join('\n') } };
  }

  /** The last state, left in place: what happened, how long it took. */
  async finish(outcome: 'done' | 'interrupted' | 'failed', message?: string): Promise<void> {
    const words = { done: 'done', interrupted: 'interrupted', failed: 'failed' }[outcome];
    const heading = `${this.title}: ${words} in ${this.elapsed()}${message ? ` · ${firstLine(message)}` : ''}`;
    await this.out.done(() => this.statusBundle(heading, false, outcome === 'done' ? undefined : outcome === 'interrupted' ? 'warning' : 'error'));
  }
}

// ---------------------------------------------------------------------------------------------
// Views

const ref = (i: number, j: number) => `iteration ${i} sample ${j}`;
const fitnessText = (f: { fitness: number; fitness_std: number; timesteps: number } | null | undefined) =>
  f ? `${num(f.fitness)} ± ${num(f.fitness_std)} @ ${num(f.timesteps)} steps` : '—';

const row = (items: string[]) => `<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">${items.map((x) => `<div style="flex:1 1 380px;min-width:0">${x}</div>`).join('')}</div>`;
const heading = (text: string, extra = '') => `<div style="${STYLE.h}">${esc(text)}${extra}</div>`;
const muted = (html: string) => `<div style="${STYLE.muted}">${html}</div>`;
const details = (summary: string, inner: string, open = false) =>
  `<details${open ? ' open' : ''} style="margin:4px 0"><summary style="${STYLE.summary}">${summary}</summary>${inner}</details>`;

function readChecks(dir: string, i: number, j: number): CheckRecord[] {
  return new RunFolder(dir).checks(i, j);
}

/** The env as the LLM and the checks see it. */
export class EnvView extends View {
  constructor(readonly env: EnvDescription) {
    const facts = [
      `class <b>${esc(env.class_name)}</b> <span style="${STYLE.muted}">${esc(env.env_file)}</span>`,
      env.observation_space ? `observations ${esc(env.observation_space)}` : '',
      env.action_space ? `actions ${esc(env.action_space)}` : '',
    ].filter(Boolean);
    const html = [
      heading(`Environment ${env.class_name}`),
      muted(facts.join(' · ')),
      heading('The reward is called as'),
      codeHtml(env.call_site.text.trim()),
      heading('Its signature'),
      codeHtml(env.call_site.signature),
      env.task_description ? heading('Task') + preText(env.task_description) : '',
      heading(`The code the LLM sees (${env.step_code_source})`),
      codeHtml(env.step_code),
      env.warnings.length ? box(env.warnings.map((w) => esc(w)).join('<br>'), 'warning') : '',
    ];
    const text = [
      `Environment ${env.class_name} (${env.env_file})`,
      env.observation_space ? `observations: ${env.observation_space}` : '',
      env.action_space ? `actions: ${env.action_space}` : '',
      `called as: ${env.call_site.text.trim()}`,
      `signature: ${env.call_site.signature}`,
      env.task_description ? `task: ${env.task_description.trim()}` : '',
      '',
      env.step_code,
      ...env.warnings.map((w) => `warning: ${w}`),
    ].filter((l, k) => l !== '' || k === 6);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

/** The conversation sent for an iteration's samples. */
export class PromptView extends View {
  constructor(
    readonly iteration: number,
    readonly messages: ChatMessage[],
  ) {
    const colors: Record<string, string> = { system: '#eaeef2', user: '#ddf4ff', assistant: '#dafbe1' };
    const html = [heading(`Iteration ${iteration}: the conversation (${messages.length} messages)`)];
    for (const [k, m] of messages.entries()) {
      const title = `<span style="display:inline-block;padding:0 7px;border-radius:10px;background:${colors[m.role] ?? '#fff'};color:#1f2328">${esc(m.role)}</span> <span style="${STYLE.muted}">${m.content.length} characters</span>`;
      html.push(details(title, feedbackHtml(m.content), k === messages.length - 1));
    }
    const text = [`Iteration ${iteration}: the conversation`, ...messages.map((m) => `--- ${m.role}\n${m.content.trimEnd()}`)];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n\n') } });
  }
}

/** The LLM's answers of an iteration, with the reward code each one holds. */
export class ResponsesView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly responses: (string | null)[],
  ) {
    const html = [heading(`Iteration ${iteration}: ${samples.length} samples`)];
    const text = [`Iteration ${iteration}: ${samples.length} samples`];
    samples.forEach((s, k) => {
      const answer = responses[k] ?? null;
      const x = answer === null ? null : extractReward(answer);
      const meta = `${s.origin === 'edit' ? 'edited by a person' : `${s.tokens.prompt} + ${s.tokens.completion} tokens, ${seconds(s.time.llm_s)}`}`;
      html.push(heading(`sample ${s.sample}`, ` <span style="${STYLE.muted};font-weight:400">${esc(meta)}</span>`));
      if (x?.ok) html.push(codeHtml(x.code));
      else html.push(box(esc(answer === null ? 'no answer' : `no reward code: ${x && !x.ok ? x.reason : ''}`), 'warning'));
      if (answer !== null) html.push(details('the whole answer', preText(answer)));
      text.push(`--- sample ${s.sample} (${meta})`, x?.ok ? x.code.trimEnd() : answer === null ? 'no answer' : `no reward code: ${x && !x.ok ? x.reason : ''}`);
    });
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

/** The checks of an iteration's samples: passed, or why not, and the fixes asked. */
export class ChecksView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly checks: CheckRecord[][],
  ) {
    const headers = ['sample', 'status', 'fixes asked', 'checks (answer: stage, result)', 'components'];
    const rows = samples.map((s, k) => {
      const cs = checks[k] ?? [];
      const list = cs
        .map((c) => `<div>${c.answer}: <b>${esc(c.stage)}</b> ${c.passed ? '<span style="color:#1a7f37">passed</span>' : `<span style="color:#cf222e">${esc(firstLine(c.message))}</span>`}</div>`)
        .join('');
      return [String(s.sample), badge(s.status), String(Math.max(0, s.answers - 1)), list || `<span style="${STYLE.muted}">not checked yet</span>`, esc((s.components ?? []).join(', '))];
    });
    const passed = samples.filter((s) => !['pending', 'invalid'].includes(s.status)).length;
    const title = `Iteration ${iteration}: ${passed} of ${samples.length} samples passed their checks`;
    const textRows = samples.map((s, k) => [
      String(s.sample),
      s.status,
      String(Math.max(0, s.answers - 1)),
      (checks[k] ?? []).map((c) => `${c.answer}: ${c.stage} ${c.passed ? 'passed' : firstLine(c.message)}`).join('; ') || 'not checked yet',
      (s.components ?? []).join(', '),
    ]);
    super({
      data: {
        [MIME.html]: page(heading(title) + tableHtml(headers, rows, { num: [0, 2] })),
        [MIME.text]: `${title}\n${textTable(headers, textRows)}`,
      },
    });
  }
}

/** One sample: code, status, failure, fitness, curves; edit() opens a cell to change its code. */
export class SampleView extends View {
  constructor(
    readonly record: SampleRecord,
    readonly evals: EvalPoint[],
    readonly checks: CheckRecord[],
    readonly charts: { fitness: Chart | null; components: Chart | null; bars: Chart | null },
    readonly title: string,
    private readonly variable: string,
  ) {
    super(sampleBundle(record, evals, checks, charts, title));
  }

  /** The code of the cell edit() opens: `await run.edit(i, j, \`<code>\`, { note: '' })`. */
  editCell(note = ''): string {
    const s = this.record;
    return `await ${this.variable}.edit(${s.iteration}, ${s.sample}, ${templateLiteral(s.code ?? '')}, { note: ${JSON.stringify(note)} });`;
  }

  /**
   * Opens a new cell below, pre-filled with this sample's code in a call to `run.edit(...)`: change
   * the code, run the cell, and the edit is checked and trained as a sample of its own. Without
   * our kernel the cell's text is printed. Returns the text.
   */
  edit(note = ''): string {
    const text = this.editCell(note);
    const hook = kernelHook();
    if (hook) hook.setNextInput(text);
    else console.log(text);
    return text;
  }
}

/** Code as a JavaScript template literal that evaluates to exactly that code. */
export function templateLiteral(code: string): string {
  return '`' + code.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

function sampleBundle(
  s: SampleRecord,
  evals: EvalPoint[],
  checks: CheckRecord[],
  charts: { fitness: Chart | null; components: Chart | null; bars: Chart | null },
  title: string,
): MimeBundle {
  const facts = [
    s.origin === 'edit' ? `edited by a person${s.edit_of ? ` from ${ref(s.edit_of.iteration, s.edit_of.sample)}` : ''}` : `LLM, ${s.answers} answer${s.answers === 1 ? '' : 's'}`,
    `best ${fitnessText(s.best)}`,
    s.final ? `last ${fitnessText(s.final)}` : '',
    s.train ? `trained ${num(s.train.timesteps)} steps in ${seconds(s.train.wall_s)} (${num(s.train.steps_per_s)} steps/s, ${s.train.device})` : '',
    s.init_model ? 'warm-started from the best model' : '',
    s.duplicate_of ? `same reward as ${ref(s.duplicate_of.iteration, s.duplicate_of.sample)}` : '',
  ].filter(Boolean);
  const html = [heading(title, ` ${badge(s.status)}`), muted(facts.map(esc).join(' · '))];
  const text = [`${title}: ${s.status}`, ...facts];
  if (s.note) {
    html.push(box(`<b>note:</b> ${esc(s.note)}`, 'info'));
    text.push(`note: ${s.note}`);
  }
  if (s.failure) {
    const f = s.failure;
    const where = `${f.stage}${f.status ? ` (${f.status})` : ''}${typeof f.line === 'number' ? `, line ${f.line}` : ''}`;
    html.push(box(`<b>${esc(where)}</b>${preText(f.reason, STYLE.pre)}${f.traceback ? details('traceback', preText(f.traceback, STYLE.pre)) : ''}`, 'error'));
    text.push(`failure (${where}): ${f.reason}`);
  }
  html.push(s.code !== null ? codeHtml(s.code) : muted('no code'));
  text.push('', s.code ?? 'no code');
  const figs = [charts.fitness, charts.components, charts.bars].filter((c): c is Chart => c !== null);
  if (figs.length) {
    html.push(row(figs.map((c) => c.toHtml())));
    text.push('', ...figs.map((c) => c.summary));
  } else if (!evals.length && ['trained', 'training', 'failed', 'interrupted'].includes(s.status)) {
    html.push(muted('no evaluations'));
  }
  if (checks.length) {
    const rows = checks.map((c) => [String(c.answer), esc(c.stage), c.passed ? 'passed' : `<span style="white-space:pre-wrap">${esc(c.message)}</span>`, seconds(c.wall_s)]);
    html.push(details(`checks (${checks.length})`, tableHtml(['answer', 'stage', 'result', 'time'], rows, { num: [0, 3] })));
  }
  return { data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } };
}

/** The trained samples of an iteration: the table, the fitness curves and the best's components. */
export class TrainView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly charts: { fitness: Chart | null; components: Chart | null },
    best: SampleRef | null,
  ) {
    const table = samplesTable(samples, best);
    const counts = countStatuses(samples);
    const title = `Iteration ${iteration}: ${counts}`;
    const figs = [charts.fitness, charts.components].filter((c): c is Chart => c !== null);
    super({
      data: {
        [MIME.html]: page(heading(title) + table.toHtml() + (figs.length ? row(figs.map((c) => c.toHtml())) : '')),
        [MIME.text]: [title, table.toString(), ...figs.map((c) => c.summary)].join('\n'),
      },
    });
  }
}

function countStatuses(samples: SampleRecord[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no samples';
}

/** What the next iteration is told: the reflection (or a person's text), warnings highlighted. */
export class FeedbackView extends View {
  constructor(
    readonly iteration: number,
    readonly text: string,
    readonly record: FeedbackRecord,
    /** The automatic reflection, when a person's text replaced or extended it. */
    readonly reflection: string | null = null,
  ) {
    const source = { reflection: 'the automatic reflection', human: "a person's text (replaces the reflection)", both: "the reflection and a person's text", failures: 'the failures (no sample trained)' }[record.source];
    const about = record.about ? ` · about ${ref(record.about.iteration, record.about.sample)}` : '';
    const html = [heading(`Iteration ${iteration}: feedback for the next iteration`), muted(esc(`from ${source}${about}`))];
    if (record.warnings.length) html.push(box(record.warnings.map((w) => esc(w)).join('<br>'), 'warning'));
    html.push(feedbackHtml(text));
    if (reflection !== null && reflection.trim() !== text.trim()) html.push(details('the automatic reflection', feedbackHtml(reflection)));
    super({
      data: {
        [MIME.html]: page(html.join('')),
        [MIME.text]: [`Iteration ${iteration}: feedback for the next iteration (from ${source}${about})`, ...record.warnings.map((w) => `! ${w}`), '', text.trimEnd()].join('\n'),
      },
    });
  }
}

/** Feedback or prompt text: python fences highlighted, warning lines marked, the rest as written (escaped). */
function feedbackHtml(text: string): string {
  const parts = text.split(/^```[ \t]*(?:python|py)?[ \t]*\n([\s\S]*?)^```[ \t]*$/m);
  const out: string[] = [];
  parts.forEach((part, k) => {
    if (k % 2 === 1) {
      out.push(codeHtml(part.replace(/\n$/, '')));
      return;
    }
    if (!part.trim()) return;
    const lines = part
      .replace(/^\n+|\n+$/g, '')
      .split('\n')
      .map((l) => (/^\s*(Warning:|!)/.test(l) ? `<mark style="background:#fff8c5;color:#1f2328">${esc(l)}</mark>` : esc(l)));
    out.push(`<pre style="${STYLE.text}">${lines.join('\n')}</pre>`);
  });
  return out.join('');
}

/** The final evaluation of the best policy, with its GIF. */
export class EvaluationView extends View {
  constructor(
    readonly final: FinalRecord,
    readonly run: RunRecord,
    readonly gif: Gif | null,
  ) {
    const f = final;
    const title = `Final evaluation of ${ref(f.of.iteration, f.of.sample)}`;
    const line = `fitness ${num(f.fitness_mean)} ± ${num(f.fitness_std)} (min ${num(f.fitness_min)}, max ${num(f.fitness_max)}) over ${f.episodes.length} episodes, ${f.deterministic ? 'deterministic' : 'stochastic'}, seed ${f.seed}; reward ${num(f.reward_mean)}, length ${num(f.length_mean)}`;
    const extra = [
      run.benchmark ? `benchmark ${run.benchmark.gym_id}: ${num(run.benchmark.fitness_mean)} (${run.benchmark.status})` : '',
      run.hns ? `human-normalised score ${num(run.hns.value)} (sparse ${num(run.hns.sparse)}, human ${num(run.hns.human)} from the ${run.hns.human_from})` : '',
    ].filter(Boolean);
    const rows = f.episodes.map((e) => [String(e.seed), num(e.fitness), num(e.reward), num(e.length)]);
    const html = [
      heading(title),
      `<div>${esc(line)}</div>`,
      ...extra.map((x) => muted(esc(x))),
      gif ? gif.toHtml() : muted('no GIF (rl.evaluation.save_gif is off)'),
      details('episodes', tableHtml(['seed', 'fitness', 'reward', 'length'], rows, { num: [0, 1, 2, 3] })),
    ];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: [title, line, ...extra, gif ? gif.toString() : ''].filter(Boolean).join('\n') } });
  }
}

/** An iteration: figures, its samples, curves, the best reward and the feedback it gave. */
export class IterationView extends View {
  constructor(
    readonly record: IterationRecord | null,
    readonly samples: SampleRecord[],
    readonly charts: { fitness: Chart | null },
    readonly feedback: { text: string; record: FeedbackRecord } | null,
    iteration: number,
  ) {
    const r = record;
    const best = r?.best ?? null;
    const facts = r
      ? [`${r.status}`, countStatuses(samples), `${seconds(r.time.total_s)} (LLM ${seconds(r.time.llm_s)}, checks ${seconds(r.time.check_s)}, training ${seconds(r.time.train_s)})`, `${num(r.tokens.prompt)} + ${num(r.tokens.completion)} tokens`]
      : [countStatuses(samples)];
    const title = `Iteration ${iteration}${best ? `: best ${ref(best.iteration, best.sample)}, fitness ${fitnessText(best)}` : ''}`;
    const table = samplesTable(samples, best);
    const bestCode = best ? samples.find((s) => s.sample === best.sample)?.code ?? null : null;
    const html = [heading(title), muted(facts.map(esc).join(' · ')), table.toHtml()];
    if (charts.fitness) html.push(charts.fitness.toHtml());
    if (bestCode !== null) html.push(details(`the best reward (sample ${best!.sample})`, codeHtml(bestCode), true));
    if (feedback) {
      const w = feedback.record.warnings;
      html.push(details(`feedback for the next iteration (${esc(feedback.record.source)}${w.length ? `, ${w.length} warning${w.length === 1 ? '' : 's'}` : ''})`, (w.length ? box(w.map((x) => esc(x)).join('<br>'), 'warning') : '') + feedbackHtml(feedback.text)));
    }
    const text = [title, facts.join(' · '), table.toString(), charts.fitness?.summary ?? '', ...(feedback?.record.warnings ?? []).map((w) => `! ${w}`)].filter(Boolean);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

/** Two samples side by side: the code diff, both fitness curves on one chart, both GIFs. */
export class CompareView extends View {
  constructor(
    readonly a: SampleRecord,
    readonly b: SampleRecord,
    readonly diff: Diff,
    readonly charts: { fitness: Chart | null },
    readonly gifs: [Gif | null, Gif | null],
  ) {
    const la = ref(a.iteration, a.sample);
    const lb = ref(b.iteration, b.sample);
    const title = `${la} vs ${lb}`;
    const line = (s: SampleRecord, l: string) => `${l}: ${s.status}, best ${fitnessText(s.best)}`;
    const html = [heading(title), muted(esc(line(a, la))), muted(esc(line(b, lb))), diff.toHtml()];
    if (charts.fitness) html.push(charts.fitness.toHtml());
    if (gifs[0] || gifs[1]) {
      html.push(row([la, lb].map((l, k) => `<div style="${STYLE.muted}">${esc(l)}</div>${gifs[k] ? gifs[k]!.toHtml() : muted('no GIF (not trained)')}`)));
    }
    const text = [title, line(a, la), line(b, lb), '', diff.toString(), charts.fitness?.summary ?? '', ...gifs.filter((g): g is Gif => g !== null).map((g) => g.toString())];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.filter((x, k) => x !== '' || k === 3).join('\n') } });
  }
}

/** The whole run: figures, best fitness per iteration, time and tokens, every sample, the final policy. */
export class RunView extends View {
  constructor(
    readonly record: RunRecord,
    readonly samples: SampleRecord[],
    readonly charts: { best: Chart | null; usage: Chart | null },
    readonly evaluation: EvaluationView | null,
    dir: string,
  ) {
    const r = record;
    const facts = runFacts(r, dir);
    const table = samplesTable(samples, r.best);
    const figs = [charts.best, charts.usage].filter((c): c is Chart => c !== null);
    const html = [heading(`Run ${path.basename(dir)}`, ` ${badge(r.status)}`), muted(facts.map(esc).join('<br>')), table.toHtml()];
    if (figs.length) html.push(row(figs.map((c) => c.toHtml())));
    if (evaluation) {
      const b = evaluation.toMimeBundle().data[MIME.html];
      if (typeof b === 'string') html.push(b);
    }
    const text = [`Run ${dir}: ${r.status}`, ...facts, table.toString(), ...figs.map((c) => c.summary), evaluation?.toString() ?? ''].filter(Boolean);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

function runFacts(r: RunRecord, dir: string): string[] {
  return [
    `folder ${dir}`,
    `${r.env_class} · ${r.backend} / ${r.model} · ${r.completed_iterations} of ${r.iterations} iterations done · ${r.samples} samples each`,
    `best ${r.best ? `${ref(r.best.iteration, r.best.sample)}, fitness ${fitnessText(r.best)}` : '—'}`,
    r.final ? `final evaluation ${num(r.final.fitness_mean)} ± ${num(r.final.fitness_std)} over ${r.final.episodes} episodes` : '',
    r.benchmark ? `benchmark ${r.benchmark.gym_id}: ${num(r.benchmark.fitness_mean)}` : '',
    r.hns ? `human-normalised score ${num(r.hns.value)}` : '',
    `tokens ${num(r.tokens.prompt)} prompt + ${num(r.tokens.completion)} completion`,
    r.error ? `error: ${firstLine(r.error)}` : '',
  ].filter(Boolean);
}

/** Where report() wrote the HTML report. */
export class ReportView extends View {
  constructor(readonly file: string) {
    const rel = path.relative(process.cwd(), file);
    const link = !rel.startsWith('..') && !path.isAbsolute(rel) ? ` (<a href="${esc(rel.split(path.sep).join('/'))}" target="_blank" rel="noopener">open</a>)` : '';
    super({ data: { [MIME.html]: box(`report written: <code>${esc(file)}</code>${link}`, 'ok'), [MIME.text]: `report written: ${file}` } });
  }
}

// ---------------------------------------------------------------------------------------------
// The run

/** Options of the stage calls that can be cancelled. */
export interface StageOptions {
  /** Cancels the call (in addition to a kernel interrupt). */
  signal?: AbortSignal;
}

function combine(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const c = new AbortController();
  for (const s of present) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/**
 * A run as notebook cells use it. Its state is its folder; each call opens the run afresh with
 * the running cell's interrupt signal and a live output fed by the run's events.
 */
export class NotebookRun extends View {
  /** The run folder. */
  readonly dir: string;
  private readonly opts: OpenOptions;

  constructor(dir: string, opts: OpenOptions = {}) {
    super({ data: {} });
    this.dir = dir;
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

  /** The summary of the run: figures and every sample. */
  override toMimeBundle(): MimeBundle {
    const run = this.open();
    const r = run.record;
    const samples = this.allSamples(run);
    const facts = runFacts(r, this.dir);
    const table = samplesTable(samples, r.best);
    return {
      data: {
        [MIME.html]: page(heading(`Run ${path.basename(this.dir)}`, ` ${badge(r.status)}`) + muted(facts.map(esc).join('<br>')) + table.toHtml()),
        [MIME.text]: [`Run ${this.dir}: ${r.status}`, ...facts, table.toString()].join('\n'),
      },
    };
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

  /**
   * Runs a stage on a fresh Run with the cell's signal and a live output. An interruption leaves
   * the run resumable and rethrows RunInterrupted with how to go on.
   */
  private async stage<T>(title: string, opts: StageOptions | undefined, fn: (run: Run, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    // the cell's signal is taken before any await: it belongs to the cell running now
    const signal = combine(kernelHook()?.cellSignal(), opts?.signal);
    const monitor = new Monitor(title);
    const run = this.open({ signal, onEvent: (e) => monitor.on(e) });
    try {
      const out = await fn(run, signal);
      await monitor.finish('done');
      return out;
    } catch (err) {
      if (err instanceof RunInterrupted || signal?.aborted) {
        await monitor.finish('interrupted');
        const e = new RunInterrupted(this.dir);
        e.message = `${title}: interrupted; what was done is kept, run the cell again to continue where it stopped`;
        throw e;
      }
      await monitor.finish('failed', (err as Error).message);
      throw err;
    }
  }

  /** The env as the LLM sees it: call signature, task, the step code. */
  env(): EnvView {
    const env = new RunFolder(this.dir).env();
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
    return new ChecksView(i, samples, samples.map((s) => readChecks(this.dir, i, s.sample)));
  }

  /**
   * Trains iteration i's checked samples (checking any still pending first), in parallel, with a
   * live chart of progress and fitness; returns the samples table and the curves.
   */
  async train(i: number, opts?: StageOptions): Promise<TrainView> {
    return this.stage(`train(${i})`, opts, async (run) => {
      await run.runSamples(i);
      return this.trainView(run, i);
    });
  }

  private async trainView(run: Run, i: number): Promise<TrainView> {
    const samples = run.samples(i);
    const outcomes = run.outcomes(i);
    const curves = trainedCurves(outcomes);
    // the loop's own selection (best checkpoint, ties to fewer steps), not a second rule
    const best = selectBest(outcomes);
    const bestEvals = best?.evals ?? [];
    const [fitness, components] = await Promise.all([
      curves.length ? fitnessChart(curves, { title: `Iteration ${i}: fitness over training steps` }) : null,
      best && bestEvals.some((e) => Object.keys(e.components ?? {}).length) ? componentsChart(bestEvals, { title: `Sample ${best.sample} (best): reward components` }) : null,
    ]);
    return new TrainView(i, samples, { fitness, components }, best ? { iteration: i, sample: best.sample } : null);
  }

  /** Writes the reflection on iteration i (the feedback for i+1, unless a person wrote it) and shows it. */
  reflect(i: number): FeedbackView {
    return this.feedbackView(i, this.open().reflect(i));
  }

  private feedbackView(i: number, fb: { text: string; record: FeedbackRecord }): FeedbackView {
    const reflection = fb.record.source === 'human' || fb.record.source === 'both' ? readReflection(this.dir, i) : null;
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
    const evals = ['trained', 'failed', 'interrupted', 'training'].includes(s.status) ? run.evals(i, j) : [];
    const top = evals.length ? peak(evals) : null;
    const hasComponents = evals.some((e) => Object.keys(e.components ?? {}).length);
    const [fitness, components, bars] = await Promise.all([
      evals.length ? fitnessChart([{ label: `sample ${j}`, evals }], { title: 'Fitness over training steps' }) : null,
      hasComponents ? componentsChart(evals, { title: 'Reward components over training steps' }) : null,
      top && Object.keys(top.components ?? {}).length ? componentBarsChart(top.components, { title: `Reward components at the best evaluation (${num(top.timesteps)} steps)` }) : null,
    ]);
    return new SampleView(s, evals, readChecks(this.dir, i, j), { fitness, components, bars }, title ?? `Iteration ${i}, sample ${j}`, this.opts.variable ?? 'run');
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
    const best = run.select(i);
    // an iteration whose samples were never all settled has no reflection to redo yet
    if (run.samples(i).every((s) => !['pending', 'checked', 'queued', 'training'].includes(s.status))) run.reflect(i);
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
    const curves = trainedCurves(run.outcomes(i));
    const fitness = curves.length ? await fitnessChart(curves, { title: `Iteration ${i}: fitness over training steps` }) : null;
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

function readReflection(dir: string, i: number): string | null {
  try {
    return new RunFolder(dir).reflection(i);
  } catch {
    return null;
  }
}

