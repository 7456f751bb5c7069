/**
 * The display layer: results as Jupyter mime bundles, and the two ways to send them (show, live).
 * Nothing else in the project prints rich output.
 *
 * Bundles carry several representations; each front end picks the richest it renders:
 *   charts  { application/vnd.vegalite.v5+json, image/svg+xml (rendered here, in Node), text/plain }
 *           never text/html, which JupyterLab would rank above the chart
 *   GIFs    { text/html <img src="data:image/gif;...">, image/gif, text/plain }
 *   the rest (code, diffs, tables, composite views)  { text/html with inline styles, text/plain }
 * Composite views show their charts as static SVG images inside their HTML (one bundle can hold
 * one HTML page, not HTML and an interactive chart); the views keep the Chart objects for those
 * who want the interactive one.
 *
 * Everything a run produced (code, LLM answers, failure reasons, notes, component names) is
 * untrusted: it is escaped wherever it lands in HTML, and only ever used as data in chart specs.
 */
import fs from 'node:fs';
import {
  componentBarsSpec,
  componentsSpec,
  fitnessCurvesSpec,
  progressSpec,
  specToSvg,
  timeSplitSpec,
  tokensSpec,
  type ChartOptions,
  type ProgressRow,
  type SampleCurve,
  type VegaLiteSpec,
} from './charts';
import { isDisplayable, kernelHook, type Displayable, type MimeBundle } from './kernelHook';
import { diffHtml, esc, highlightPython, unifiedDiff } from './report';
import type { IterationRecord, SampleRecord, SampleRef } from './run/layout';
import { peak } from './run/selection';
import type { EvalPoint } from './worker/protocol';

export { esc };

/** The mime types our bundles use. */
export const MIME = {
  vegaLite: 'application/vnd.vegalite.v5+json',
  svg: 'image/svg+xml',
  html: 'text/html',
  text: 'text/plain',
  gif: 'image/gif',
} as const;

/**
 * The $schema of specs in notebook bundles. JupyterLab 4 and Notebook 7 render vega-lite with
 * vega-embed and vega-lite 5 under the v5 mime type; vega-embed reads the $schema and warns
 * (in the browser console) when its major version is not the one it has. Our specs use nothing
 * vega-lite 6 added, so the notebook copy says v5; the SVG is rendered from the spec as is.
 */
export const NOTEBOOK_VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** What show() and live updates take: a rich value, a ready bundle, or plain text. */
export type Showable = Displayable | MimeBundle | string;

function isBundle(x: unknown): x is MimeBundle {
  return typeof x === 'object' && x !== null && typeof (x as MimeBundle).data === 'object' && (x as MimeBundle).data !== null;
}

/** The bundle of anything show() takes. */
export function toBundle(x: Showable): MimeBundle {
  if (typeof x === 'string') return { data: { [MIME.text]: x } };
  if (isDisplayable(x)) return x.toMimeBundle();
  if (isBundle(x)) return x;
  return { data: { [MIME.text]: String(x) } };
}

/** The text/plain of a bundle ('' when it has none). */
export function plainText(b: MimeBundle): string {
  const t = b.data[MIME.text];
  return typeof t === 'string' ? t : '';
}

let warnedHook = false;
/** A hook call that fails is reported once and never breaks the caller (a run, a stage). */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!warnedHook) {
      warnedHook = true;
      process.stderr.write(`stable-eureka: the kernel could not display an output: ${(e as Error).message}\n`);
    }
  }
}

/**
 * Shows a value as a cell output: the whole bundle through the kernel hook (with `id`, an output
 * that live()/update can replace later), or its text/plain on stdout when there is no hook.
 */
export function show(x: Showable, opts: { id?: string } = {}): void {
  const bundle = toBundle(x);
  const hook = kernelHook();
  if (hook) safely(() => hook.display(bundle, opts.id));
  else console.log(plainText(bundle));
}

let liveCount = 0;
const newDisplayId = () => `stable-eureka-${process.pid}-${Date.now().toString(36)}-${(liveCount++).toString(36)}`;

/** What a live output is updated with: a value, or a function making one (called only when sent). */
export type LiveValue = Showable | (() => Showable | Promise<Showable>);

export interface LiveOptions {
  /** Least milliseconds between two updates sent (default 250: at most 4 a second). */
  intervalMs?: number;
  /** Without a kernel hook: least milliseconds between two text/plain printouts (default 15000; 0: print nothing). */
  textEveryMs?: number;
}

/** An output updated in place. */
export interface Live {
  /** The display id its updates go to. */
  readonly id: string;
  /** The newest value; sent at once, or when the interval allows (values in between are dropped). */
  update(x: LiveValue): void;
  /** Sends `x` (or the last value not sent yet) now, and stops the timer. Wait for it before returning a result. */
  done(x?: LiveValue): Promise<void>;
}

class LiveOutput implements Live {
  readonly id = newDisplayId();
  private pending: LiveValue | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private last = 0;
  private shown = false;
  private closed = false;
  private readonly interval: number;
  private readonly textEvery: number;

  constructor(initial: LiveValue | undefined, opts: LiveOptions) {
    const hooked = kernelHook() !== null;
    this.interval = hooked ? Math.max(0, opts.intervalMs ?? 250) : Math.max(0, opts.textEveryMs ?? 15_000);
    this.textEvery = opts.textEveryMs ?? 15_000;
    if (initial !== undefined) {
      this.pending = initial;
      if (hooked) void this.send();
      else this.last = Date.now(); // without a hook the first printout waits an interval: the result follows anyway
    }
  }

  update(x: LiveValue): void {
    if (this.closed) return;
    this.pending = x;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.inflight || this.closed) return;
    if (!kernelHook() && this.textEvery <= 0) return;
    const wait = Math.max(0, this.last + this.interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send();
    }, wait);
    this.timer.unref?.();
  }

  private send(): Promise<void> {
    if (this.inflight) return this.inflight;
    const value = this.pending;
    if (value === null) return Promise.resolve();
    this.pending = null;
    // .finally runs after the assignment, whether deliver() awaited anything or not
    this.inflight = this.deliver(value).finally(() => {
      this.last = Date.now();
      this.inflight = null;
      if (this.pending !== null && !this.closed) this.schedule();
    });
    return this.inflight;
  }

  private async deliver(value: LiveValue): Promise<void> {
    try {
      const bundle = toBundle(typeof value === 'function' ? await value() : value);
      const hook = kernelHook();
      if (hook) {
        const first = !this.shown;
        this.shown = true;
        safely(() => (first ? hook.display(bundle, this.id) : hook.update(bundle, this.id)));
      } else {
        const text = plainText(bundle);
        if (text) console.log(text);
      }
    } catch (e) {
      if (!warnedHook) {
        warnedHook = true;
        process.stderr.write(`stable-eureka: a live output could not be drawn: ${(e as Error).message}\n`);
      }
    }
  }

  async done(x?: LiveValue): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight;
    if (x !== undefined) this.pending = x;
    this.closed = true;
    // without a hook the final value is the cell's result, printed by the caller
    if (kernelHook() && this.pending !== null) await this.send();
    this.pending = null;
  }
}

/**
 * A live output: shown now (when `initial` is given) and replaced in place by update(), at most
 * every `intervalMs`, with done() sending the last value. Without a kernel hook it prints the
 * text/plain now and then (opts.textEveryMs), and done() prints nothing.
 */
export function live(initial?: LiveValue, opts: LiveOptions = {}): Live {
  return new LiveOutput(initial, opts);
}

// ---------------------------------------------------------------------------------------------
// Views: values that display themselves

/** A value with a precomputed bundle; prints as its text/plain in plain Node (console.log, REPL). */
export class View implements Displayable {
  constructor(protected readonly bundle: MimeBundle) {}

  toMimeBundle(): MimeBundle {
    return this.bundle;
  }

  /** The text/plain representation. */
  toString(): string {
    return plainText(this.bundle);
  }
}
// console.log / util.inspect (plain Node, tslab without our kernel) print the text/plain
Object.defineProperty(View.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: View) {
    return this.toString();
  },
});

/** A plain message: text/plain, and HTML with a tone. */
export class Note extends View {
  constructor(
    readonly text: string,
    tone: 'info' | 'warning' | 'error' = 'info',
  ) {
    super({ data: { [MIME.html]: box(`<span style="white-space:pre-wrap">${esc(text)}</span>`, tone), [MIME.text]: text } });
  }
}

// ---------------------------------------------------------------------------------------------
// HTML pieces (inline styles only: notebook outputs get no stylesheet of ours)

export const STYLE = {
  root: 'font:13px/1.45 system-ui,-apple-system,Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;padding:6px 8px;border-radius:6px',
  pre: 'font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;color:#24292e;border:1px solid #d0d7de;border-radius:6px;padding:8px 10px;margin:4px 0;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left',
  text: 'font:13px/1.45 system-ui,-apple-system,Roboto,Helvetica,Arial,sans-serif;background:#fff;color:#1f2328;border:1px solid #d0d7de;border-radius:6px;padding:8px 10px;margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left',
  muted: 'color:#656d76',
  table: 'border-collapse:collapse;font-size:12px;margin:4px 0',
  th: 'border-bottom:1px solid #d0d7de;background:#f6f8fa;padding:3px 8px;text-align:left;font-weight:600',
  td: 'border-bottom:1px solid #eaeef2;padding:3px 8px;text-align:left;vertical-align:top',
  num: 'border-bottom:1px solid #eaeef2;padding:3px 8px;text-align:right;vertical-align:top;font-variant-numeric:tabular-nums;white-space:nowrap',
  h: 'font-size:14px;font-weight:600;margin:6px 0 4px',
  summary: 'cursor:pointer',
} as const;

const TONES = {
  info: 'border:1px solid #54aeff;background:#ddf4ff;color:#1f2328',
  warning: 'border:1px solid #d4a72c;background:#fff8c5;color:#1f2328',
  error: 'border:1px solid #ff8182;background:#ffebe9;color:#1f2328',
  ok: 'border:1px solid #4ac26b;background:#dafbe1;color:#1f2328',
} as const;

/** A coloured box around html (its content must be escaped already). */
export function box(inner: string, tone: keyof typeof TONES = 'info'): string {
  return `<div style="${TONES[tone]};border-radius:6px;padding:6px 10px;margin:4px 0;font:13px/1.45 system-ui,sans-serif">${inner}</div>`;
}

/** The outer element of every view's HTML. */
export function page(inner: string): string {
  return `<div style="${STYLE.root}">${inner}</div>`;
}

const STATUS_COLORS: Record<string, string> = {
  trained: '#dafbe1', done: '#dafbe1', succeeded: '#dafbe1', checked: '#dafbe1',
  invalid: '#ffebe9', failed: '#ffebe9', timeout: '#ffebe9', out_of_memory: '#ffebe9', crashed: '#ffebe9',
  duplicate: '#eaeef2', cancelled: '#eaeef2',
  interrupted: '#fff8c5',
  pending: '#ddf4ff', queued: '#ddf4ff', training: '#ddf4ff', running: '#ddf4ff', generating: '#ddf4ff', checking: '#ddf4ff', reflecting: '#ddf4ff',
};

/** A status as a small coloured label. */
export function badge(status: string): string {
  const bg = STATUS_COLORS[status] ?? '#fff';
  return `<span style="display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;border:1px solid #d0d7de;background:${bg};color:#1f2328;white-space:nowrap">${esc(status)}</span>`;
}

/** Text as it was written (escaped, wrapped, no markup read). */
export function preText(text: string, style: string = STYLE.text): string {
  return `<pre style="${style}">${esc(text)}</pre>`;
}

/** highlight.js's GitHub theme (BSD-3-Clause) as inline styles, by the first class of a span. */
const HLJS_STYLES: [RegExp, string][] = [
  [/^hljs-variable language_/, 'color:#d73a49'],
  [/^hljs-(doctag|keyword|template-tag|template-variable|type)\b/, 'color:#d73a49'],
  [/^hljs-title\b/, 'color:#6f42c1'],
  [/^hljs-(attr|attribute|literal|meta|number|operator|selector-attr|selector-class|selector-id|variable)\b/, 'color:#005cc5'],
  [/^hljs-(regexp|string)\b/, 'color:#032f62'],
  [/^hljs-(built_in|symbol)\b/, 'color:#e36209'],
  [/^hljs-(code|comment|formula)\b/, 'color:#6a737d'],
  [/^hljs-(name|quote|selector-pseudo|selector-tag)\b/, 'color:#22863a'],
  [/^hljs-section\b/, 'color:#005cc5;font-weight:700'],
  [/^hljs-bullet\b/, 'color:#735c0f'],
  [/^hljs-emphasis\b/, 'font-style:italic'],
  [/^hljs-strong\b/, 'font-weight:700'],
];

/** Python source as highlighted HTML with inline styles (highlight.js escapes the code). */
export function codeHtml(code: string): string {
  const html = highlightPython(code).replace(/<span class="([^"]*)">/g, (_m, cls: string) => {
    const style = HLJS_STYLES.find(([re]) => re.test(cls))?.[1];
    return style ? `<span style="${style}">` : '<span>';
  });
  return `<pre style="${STYLE.pre}"><code>${html}</code></pre>`;
}

const DIFF_STYLES: Record<string, string> = {
  'd-add': 'background:#dafbe1',
  'd-del': 'background:#ffebe9',
  'd-hunk': 'color:#8250df;background:#f5f0ff',
  'd-file': 'color:#656d76;font-weight:600',
  'd-note': 'color:#656d76',
  'd-ctx': '',
};

/** A unified diff as HTML with inline styles, or null when the two are the same. */
export function diffInlineHtml(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  const html = diffHtml(oldName, oldCode, newName, newCode);
  if (html === null) return null;
  return html
    .replace(/^<pre class="diff">/, `<pre style="${STYLE.pre};white-space:pre">`)
    .replace(/<span class="(d-[a-z]+)">/g, (_m, cls: string) => `<span style="display:block;min-height:1.45em;${DIFF_STYLES[cls] ?? ''}">`);
}

/** A table: headers and cells as HTML (cells must be escaped already); `num` marks right-aligned columns. */
export function tableHtml(headers: string[], rows: string[][], opts: { num?: number[]; rowStyle?: (k: number) => string } = {}): string {
  const num = new Set(opts.num ?? []);
  const head = headers.map((h) => `<th style="${STYLE.th}">${esc(h)}</th>`).join('');
  const body = rows
    .map((r, k) => `<tr${opts.rowStyle?.(k) ? ` style="${opts.rowStyle(k)}"` : ''}>${r.map((c, i) => `<td style="${num.has(i) ? STYLE.num : STYLE.td}">${c}</td>`).join('')}</tr>`)
    .join('');
  return `<table style="${STYLE.table}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A table as aligned plain text. */
export function textTable(headers: string[], rows: string[][]): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** An SVG as an <img> (a data URI: survives the sanitiser of untrusted notebooks, ids stay its own). */
export function svgImg(svg: string, alt: string): string {
  return `<img alt="${esc(alt)}" style="max-width:100%;height:auto" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** Numbers as a person reads them: 3 significant digits under 1000, thousands separated above. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1 || a === 0) return String(Number(x.toFixed(2)));
  return String(Number(x.toPrecision(3)));
}

/** Seconds as "12.3 s" or "4 min 05 s". */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
}

export const firstLine = (s: string) => s.split(/\r?\n/).find((l) => l.trim()) ?? '';

// ---------------------------------------------------------------------------------------------
// Charts

/** A vega-lite chart: interactive where the front end renders vega-lite, a static SVG elsewhere. */
export class Chart extends View {
  constructor(
    /** The spec as charts.ts built it (the bundle's copy carries the v5 $schema). */
    readonly spec: VegaLiteSpec,
    /** The static rendering; null when it could not be rendered. */
    readonly svg: string | null,
    /** The one-line text/plain. */
    readonly summary: string,
  ) {
    super(chartBundle(spec, svg, summary));
  }

  /** The chart as an <img> for a view's HTML (its summary when there is no SVG). */
  toHtml(): string {
    return this.svg ? svgImg(this.svg, this.summary) : `<p style="${STYLE.muted}">${esc(this.summary)} (not rendered)</p>`;
  }
}

/** The spec as a notebook bundle carries it: the v5 $schema JupyterLab's renderer expects. */
export function notebookSpec(spec: VegaLiteSpec): VegaLiteSpec {
  return { ...spec, $schema: NOTEBOOK_VEGA_LITE_SCHEMA } as VegaLiteSpec;
}

/** { vega-lite v5 spec, SVG (when given), text/plain }: never text/html, which would outrank the chart. */
export function chartBundle(spec: VegaLiteSpec, svg: string | null, summary: string): MimeBundle {
  const data: Record<string, unknown> = { [MIME.vegaLite]: notebookSpec(spec) };
  if (svg) data[MIME.svg] = svg;
  data[MIME.text] = summary;
  return { data };
}

function specTitle(spec: VegaLiteSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string') return (t as { text: string }).text;
  return 'chart';
}

function countValues(spec: unknown): number {
  if (!spec || typeof spec !== 'object') return 0;
  const s = spec as { data?: { values?: unknown[] }; layer?: unknown[]; vconcat?: unknown[]; hconcat?: unknown[] };
  let n = Array.isArray(s.data?.values) ? s.data.values.length : 0;
  for (const sub of [...(s.layer ?? []), ...(s.vconcat ?? []), ...(s.hconcat ?? [])]) n += countValues(sub);
  return n;
}

/** A chart of any spec: rendered to SVG now (a spec that cannot be rendered gives svg null). */
export async function chart(spec: VegaLiteSpec, summary?: string): Promise<Chart> {
  let svg: string | null = null;
  let failed = '';
  try {
    // vega marks the data objects it ingests: it renders a copy, the bundle keeps plain JSON
    svg = await specToSvg(structuredClone(spec));
  } catch (e) {
    failed = ` (not rendered: ${firstLine((e as Error).message)})`;
  }
  return new Chart(spec, svg, (summary ?? `${specTitle(spec)} [chart, ${countValues(spec)} data points]`) + failed);
}

/** Fitness over training steps, one line per sample. */
export function fitnessChart(curves: SampleCurve[], opts?: ChartOptions): Promise<Chart> {
  const spec = fitnessCurvesSpec(curves, opts);
  const parts = curves.map((c) => {
    const best = peak(c.evals);
    return `${c.label}: ${best ? `best ${num(best.fitness_mean)} @ ${num(best.timesteps)} steps` : 'no evaluations'}`;
  });
  return chart(spec, `${specTitle(spec)} [chart] ${parts.join('; ')}`);
}

/** Reward components over training steps (one sample's evaluations). */
export function componentsChart(evals: EvalPoint[], opts?: ChartOptions): Promise<Chart> {
  const spec = componentsSpec(evals, opts);
  const names = [...new Set(evals.flatMap((e) => Object.keys(e.components ?? {})))];
  return chart(spec, `${specTitle(spec)} [chart] ${names.length} components over ${evals.length} evaluations`);
}

/** Reward components as bars (e.g. at the best evaluation). */
export function componentBarsChart(components: Record<string, number>, opts?: ChartOptions): Promise<Chart> {
  const spec = componentBarsSpec(components, opts);
  const parts = Object.entries(components).map(([k, v]) => `${k} ${num(v)}`);
  return chart(spec, `${specTitle(spec)} [chart] ${parts.join(', ')}`);
}

/** Stacks specs vertically into one (their own $schema and config dropped, the first's config kept, colours independent). */
export function stackSpecs(specs: VegaLiteSpec[], title?: string): VegaLiteSpec {
  const strip = (s: VegaLiteSpec) => {
    const { $schema: _s, config: _c, ...rest } = s as VegaLiteSpec & { config?: unknown };
    return rest;
  };
  const first = specs[0] as (VegaLiteSpec & { config?: unknown; $schema?: string }) | undefined;
  return {
    $schema: first?.$schema,
    ...(title ? { title } : {}),
    config: first?.config,
    // each chart keeps its own colours and legend (concat would share the colour scale)
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: specs.map(strip),
  } as VegaLiteSpec;
}

/** Wall time (LLM, checks, training, overhead) and LLM tokens per iteration, one chart above the other. */
export function usageChart(iterations: Pick<IterationRecord, 'iteration' | 'time' | 'tokens'>[]): Promise<Chart> {
  const spec = stackSpecs([
    timeSplitSpec(iterations.map((it) => ({ iteration: it.iteration, ...it.time }))),
    tokensSpec(iterations.map((it) => ({ iteration: it.iteration, ...it.tokens }))),
  ]);
  const total = iterations.reduce((a, it) => ({ s: a.s + (it.time.total_s || 0), p: a.p + (it.tokens.prompt || 0), c: a.c + (it.tokens.completion || 0) }), { s: 0, p: 0, c: 0 });
  return chart(spec, `Time and tokens [chart] ${iterations.length} iterations, ${seconds(total.s)}, ${num(total.p)} prompt + ${num(total.c)} completion tokens`);
}

/** Training progress bars stacked over the fitness curves so far: the live training chart. */
export function trainingChart(rows: ProgressRow[], curves: SampleCurve[], title = 'Training'): Promise<Chart> {
  const specs = [progressSpec(rows, { title: 'progress' })];
  if (curves.some((c) => c.evals.length)) specs.push(fitnessCurvesSpec(curves, { title: 'fitness so far', height: 160 }));
  const spec = stackSpecs(specs, title);
  const lines = rows.map((r) => `  ${r.label}: ${r.status} ${r.note}`);
  return chart(spec, [`${title} [chart]`, ...lines].join('\n'));
}

// ---------------------------------------------------------------------------------------------
// GIF, code, diff, table

/** A GIF: { text/html <img src="data:image/gif;base64,...">, image/gif (base64), text/plain }. */
export class Gif extends View {
  constructor(
    /** The GIF file's bytes, base64. */
    readonly base64: string,
    readonly caption: string = 'GIF',
  ) {
    super({
      data: {
        [MIME.html]: `<figure style="margin:4px 0">${gifImg(base64, caption)}<figcaption style="${STYLE.muted};font-size:12px">${esc(caption)}</figcaption></figure>`,
        [MIME.gif]: base64,
        [MIME.text]: `[GIF: ${caption}, ${Math.round((base64.length * 3) / 4 / 1024)} KiB]`,
      },
    });
  }

  /** The GIF as an <img> for a view's HTML. */
  toHtml(): string {
    return gifImg(this.base64, this.caption);
  }
}

function gifImg(base64: string, alt: string): string {
  return `<img alt="${esc(alt)}" style="max-width:100%;border:1px solid #d0d7de;border-radius:6px" src="data:image/gif;base64,${base64}">`;
}

/** A GIF from its bytes or a file path; throws when it is not a GIF. */
export function gif(source: Uint8Array | string, caption?: string): Gif {
  const bytes = typeof source === 'string' ? fs.readFileSync(source) : Buffer.from(source);
  if (bytes.subarray(0, 4).toString('latin1') !== 'GIF8') throw new Error(`${typeof source === 'string' ? source : 'the data'} is not a GIF`);
  return new Gif(bytes.toString('base64'), caption ?? (typeof source === 'string' ? source : 'GIF'));
}

/** Reward code, highlighted: { text/html (inline styles), text/plain }. */
export class Code extends View {
  constructor(
    readonly code: string,
    readonly title?: string,
  ) {
    const head = title ? `<div style="${STYLE.h}">${esc(title)}</div>` : '';
    super({ data: { [MIME.html]: page(head + codeHtml(code)), [MIME.text]: (title ? `${title}\n\n` : '') + code } });
  }
}

/** Highlighted Python code. */
export function code(source: string, title?: string): Code {
  return new Code(source, title);
}

/** A unified diff of two rewards: { text/html (inline styles), text/plain (the diff) }. */
export class Diff extends View {
  constructor(
    readonly a: { name: string; code: string },
    readonly b: { name: string; code: string },
  ) {
    const patch = unifiedDiff(a.name, a.code, b.name, b.code);
    const html = diffInlineHtml(a.name, a.code, b.name, b.code);
    super({
      data: {
        [MIME.html]: page(html ?? `<p style="${STYLE.muted}">${esc(a.name)} and ${esc(b.name)}: identical code</p>`),
        [MIME.text]: patch ?? `${a.name} and ${b.name}: identical code`,
      },
    });
  }

  /** The diff's HTML (inline styles), or a note when the two are the same. */
  toHtml(): string {
    return diffInlineHtml(this.a.name, this.a.code, this.b.name, this.b.code) ?? `<p style="${STYLE.muted}">identical code</p>`;
  }
}

/** The unified diff of two rewards. */
export function diff(a: { name: string; code: string }, b: { name: string; code: string }): Diff {
  return new Diff(a, b);
}

const fitnessCell = (s: SampleRecord) => (s.best ? `${num(s.best.fitness)} ± ${num(s.best.fitness_std)} @ ${num(s.best.timesteps)}` : '—');

function failureText(s: SampleRecord): string {
  const f = s.failure;
  if (!f) return s.duplicate_of ? `same as iteration ${s.duplicate_of.iteration} sample ${s.duplicate_of.sample}` : '';
  return `${f.stage}${f.status ? ` (${f.status})` : ''}${typeof f.line === 'number' ? ` line ${f.line}` : ''}: ${firstLine(f.reason)}`;
}

/** Samples as a table: { text/html, text/plain }. */
export class SamplesTable extends View {
  constructor(
    readonly samples: SampleRecord[],
    readonly best: SampleRef | null = null,
  ) {
    super(samplesTableBundle(samples, best));
  }

  /** The table's HTML. */
  toHtml(): string {
    return samplesTableHtml(this.samples, this.best);
  }
}

const HEADERS = ['iter.', 'sample', 'origin', 'status', 'answers', 'best fitness', 'components', 'failure / note'];

function samplesTableHtml(samples: SampleRecord[], best: SampleRef | null): string {
  if (!samples.length) return `<p style="${STYLE.muted}">no samples yet</p>`;
  const isBest = (s: SampleRecord) => !!best && best.iteration === s.iteration && best.sample === s.sample;
  const rows = samples.map((s) => {
    const reason = s.failure?.reason ?? '';
    const first = firstLine(reason);
    const more = reason.trim() !== first.trim() || !!s.failure?.traceback;
    const failure = s.failure
      ? `<b>${esc(s.failure.stage)}</b>${s.failure.status ? ` <span style="${STYLE.muted}">(${esc(s.failure.status)})</span>` : ''}${typeof s.failure.line === 'number' ? ` <span style="${STYLE.muted}">line ${s.failure.line}</span>` : ''}: ` +
        (more
          ? `<details><summary style="${STYLE.summary}">${esc(first)}</summary><pre style="${STYLE.pre};max-height:300px">${esc(reason)}${s.failure.traceback ? '\n\n' + esc(s.failure.traceback) : ''}</pre></details>`
          : esc(first))
      : s.duplicate_of
        ? `<span style="${STYLE.muted}">same reward as iteration ${esc(s.duplicate_of.iteration)} sample ${esc(s.duplicate_of.sample)}</span>`
        : '';
    const note = s.origin === 'edit' ? `<div style="${STYLE.muted}">edited by a person${s.edit_of ? ` from ${esc(s.edit_of.iteration)}.${esc(s.edit_of.sample)}` : ''}${s.note ? `: ${esc(s.note)}` : ''}</div>` : '';
    return [
      String(s.iteration),
      `${s.sample}${isBest(s) ? ' <span style="color:#cf222e" title="best">★</span>' : ''}`,
      esc(s.origin),
      badge(s.status),
      String(s.answers),
      esc(fitnessCell(s)),
      esc((s.components ?? []).join(', ')),
      failure + note,
    ];
  });
  return tableHtml(HEADERS, rows, { num: [0, 1, 4, 5], rowStyle: (k) => (isBest(samples[k]!) ? 'background:#fff1f0' : '') });
}

function samplesTableText(samples: SampleRecord[], best: SampleRef | null): string {
  if (!samples.length) return 'no samples yet';
  const rows = samples.map((s) => [
    String(s.iteration),
    `${s.sample}${best && best.iteration === s.iteration && best.sample === s.sample ? '*' : ''}`,
    s.origin,
    s.status,
    String(s.answers),
    fitnessCell(s),
    (s.components ?? []).join(', '),
    [failureText(s), s.note ? `note: ${s.note}` : ''].filter(Boolean).join('; '),
  ]);
  return textTable(HEADERS, rows) + (best ? '\n(* best)' : '');
}

/** The sample table: status, answers, best fitness, components, failure reason. */
export function samplesTableBundle(samples: SampleRecord[], best: SampleRef | null = null): MimeBundle {
  return { data: { [MIME.html]: page(samplesTableHtml(samples, best)), [MIME.text]: samplesTableText(samples, best) } };
}

/** The sample table of some samples (the run's best marked with `best`). */
export function samplesTable(samples: SampleRecord[], best: SampleRef | null = null): SamplesTable {
  return new SamplesTable(samples, best);
}
