/**
 * Views: values that display themselves (toMimeBundle for the kernel, text/plain for console.log),
 * and the functions that make them: notes, charts, GIFs, code, diffs, the samples table.
 */
import fs from 'node:fs';
import type { Displayable, MimeBundle } from '../kernelHook';
import {
  componentBarsSpec,
  componentsSpec,
  fitnessCurvesSpec,
  specToSvg,
  timeSplitSpec,
  tokensSpec,
  type ChartOptions,
  type SampleCurve,
  type VegaLiteSpec,
} from '../render/charts';
import { progressSpec, type ProgressRow } from '../render/progress';
import { codeHtml, diffInlineHtml, unifiedDiff } from '../render/code';
import { duration, esc, firstLine, num } from '../render/format';
import { box, page, STYLE, svgImg } from '../render/look';
import { samplesTableHtml, samplesTableText, type SampleRow } from '../render/samples';
import type { IterationRecord, SampleRecord, SampleRef } from '../run/layout';
import { peak } from '../run/selection';
import type { EvalPoint } from '../worker/protocol/index';
import { MIME, NOTEBOOK_VEGA_LITE_SCHEMA, plainText } from './output';

/** A value with a precomputed bundle; prints as its text/plain in plain Node (console.log, REPL). */
export class View implements Displayable {
  /**
   * @param bundle the whole view in one output: its charts as static pictures (Chart.toHtml())
   * @param charts those charts: a live kernel shows the view without their pictures, then each
   *   chart as an output of its own that a person can hover, zoom and filter
   */
  constructor(
    protected readonly bundle: MimeBundle,
    private readonly liveCharts: readonly (Chart | null | undefined)[] = [],
  ) {}

  toMimeBundle(): MimeBundle {
    return this.bundle;
  }

  toMimeBundles(): MimeBundle[] {
    const charts = this.liveCharts.filter((c): c is Chart => !!c?.svg);
    const html = this.bundle.data[MIME.html];
    if (!charts.length || typeof html !== 'string') return [this.bundle];
    const without = html.replace(/<!--chart-->[\s\S]*?<!--\/chart-->/g, '');
    return [{ ...this.bundle, data: { ...this.bundle.data, [MIME.html]: without } }, ...charts.map((c) => c.toMimeBundle())];
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
// Charts

/** A vega-lite chart: interactive where the front end renders vega-lite, a static SVG elsewhere. */
export class Chart extends View {
  constructor(
    /** The spec as src/render/charts.ts built it (the bundle's copy carries the v5 $schema). */
    readonly spec: VegaLiteSpec,
    /** The static rendering; null when it could not be rendered. */
    readonly svg: string | null,
    /** The one-line text/plain. */
    readonly summary: string,
  ) {
    super(chartBundle(spec, svg, summary));
  }

  /**
   * The chart as an <img> for a view's HTML (its summary when there is no SVG), marked so that
   * a live kernel can show it as an interactive output instead (View.toMimeBundles).
   */
  toHtml(): string {
    return this.svg ? `<!--chart-->${svgImg(this.svg, this.summary)}<!--/chart-->` : `<p style="${STYLE.muted}">${esc(this.summary)} (not rendered)</p>`;
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
  const text = (summary ?? `${specTitle(spec)} [chart, ${countValues(spec)} data points]`) + failed;
  return new Chart(spec, svg && withAltText(svg, text), text);
}

/**
 * The static SVG with what it shows in words, for a screen reader and wherever the picture does
 * not load: role="img", an aria-label and a <title> first (a front end shows image/svg+xml as a
 * picture without alt text of its own).
 */
export function withAltText(svg: string, text: string): string {
  const open = /<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const tag = open[0].replace(/\s(role|aria-label)="[^"]*"/g, '').replace(/>$/, ` role="img" aria-label="${esc(text)}">`);
  return svg.slice(0, open.index) + tag + `<title>${esc(text)}</title>` + svg.slice(open.index + open[0].length);
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
  return chart(spec, `Time and tokens [chart] ${iterations.length} iterations, ${duration(total.s)}, ${num(total.p)} prompt + ${num(total.c)} completion tokens`);
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
    return samplesTableHtml(sampleRows(this.samples, this.best), 'inline');
  }
}

/** Records as table rows, `best` marked. */
function sampleRows(samples: SampleRecord[], best: SampleRef | null): SampleRow[] {
  return samples.map((s) => ({ iteration: s.iteration, sample: s.sample, record: s, mark: best && best.iteration === s.iteration && best.sample === s.sample ? 'best' : null }));
}

/** The sample table: status, answers, best fitness, components, failure reason. */
export function samplesTableBundle(samples: SampleRecord[], best: SampleRef | null = null): MimeBundle {
  const rows = sampleRows(samples, best);
  return { data: { [MIME.html]: page(samplesTableHtml(rows, 'inline')), [MIME.text]: samplesTableText(rows) } };
}

/** The sample table of some samples (the run's best marked with `best`). */
export function samplesTable(samples: SampleRecord[], best: SampleRef | null = null): SamplesTable {
  return new SamplesTable(samples, best);
}
