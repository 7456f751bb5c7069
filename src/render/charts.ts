/**
 * Vega-Lite specs for a run's charts, and a headless SVG renderer for them.
 *
 * The spec builders are pure functions of plain records (no file access, no vega import), so
 * the same specs can go into the HTML report (as static SVG, via specToSvg) and into
 * notebook display bundles (src/display/: application/vnd.vegalite.v5+json, the mime type
 * JupyterLab renders, with a v5 $schema; the specs use nothing v6 added).
 *
 * Names that come from a run (sample labels, reward component names: LLM output) are only
 * ever used as data values, never as field names or expressions: vega-lite would read dots
 * and brackets in a field name as a path, and an expression would be code.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EvalPoint } from '../worker/protocol/index';

export type VegaLiteSpec = TopLevelSpec;

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Default plot area; SVGs carry a viewBox, so a page may scale them down. */
const WIDTH = 380;
const HEIGHT = 200;

const baseConfig = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  view: { stroke: '#d0d7de' },
  axis: { labelColor: '#444', titleColor: '#222', gridColor: '#eaeef2', domainColor: '#888', tickColor: '#888' },
  legend: { labelColor: '#333', titleColor: '#222', labelLimit: 160 },
  title: { anchor: 'start' as const, fontSize: 13, fontWeight: 600 as const, color: '#222' },
};

export interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

/** A chart's title, size, ground and look (shared with progress.ts). */
export function frame(opts: ChartOptions | undefined, fallbackTitle: string) {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: opts?.title ?? fallbackTitle,
    width: opts?.width ?? WIDTH,
    height: opts?.height ?? HEIGHT,
    // its own white ground: the labels are dark, and a dark notebook theme must not show through
    background: '#ffffff',
    config: baseConfig,
  };
}

export const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * A layer of near-invisible wide points over a chart's points, carrying their tooltip: the
 * points themselves answer a hover only within about 3 px, these within about 12.
 */
function hoverLayer(encoding: Record<string, unknown>) {
  return { mark: { type: 'point' as const, size: 600, filled: true, opacity: 0.001 }, encoding };
}

/**
 * When every value is the same (a constant or all-zero component), a scale around it: vega
 * would otherwise draw a one-point axis labelled "0.000000" and zero-length bars.
 */
function flatScale(xs: number[]): { value: number; domain: [number, number] } | null {
  if (!xs.length || xs.some((x) => x !== xs[0])) return null;
  const v = xs[0]!;
  const half = v === 0 ? 1 : Math.abs(v) / 2;
  return { value: v, domain: [v - half, v + half] };
}

/** One sample's training curve: its evaluations (evals.jsonl) under a label. */
export interface SampleCurve {
  /** Shown in the legend, e.g. "sample 2". */
  label: string;
  evals: EvalPoint[];
  /** Stopped early by successive halving: the curve ends with a mark. */
  stopped?: boolean;
}

/**
 * Fitness over training steps, one line per sample (fitness_mean vs timesteps), with a band
 * of ± fitness_std around each line.
 */
export function fitnessCurvesSpec(samples: SampleCurve[], opts?: ChartOptions): VegaLiteSpec {
  const values = samples.flatMap((s) =>
    s.evals
      .filter((e) => finite(e.timesteps) && finite(e.fitness_mean))
      .map((e) => {
        const std = finite(e.fitness_std) ? e.fitness_std : 0;
        return { sample: s.label, timesteps: e.timesteps, fitness: e.fitness_mean, lo: e.fitness_mean - std, hi: e.fitness_mean + std };
      }),
  );
  const order = samples.map((s) => s.label);
  const ends = samples.flatMap((s) => {
    const last = s.stopped ? s.evals.filter((e) => finite(e.timesteps) && finite(e.fitness_mean)).at(-1) : undefined;
    return last ? [{ sample: s.label, timesteps: last.timesteps, fitness: last.fitness_mean, note: 'stopped early (successive halving)' }] : [];
  });
  const x = { field: 'timesteps', type: 'quantitative' as const, title: 'training steps', axis: { format: '~s', tickCount: 8 } };
  // Both layers share the colour scale (and so its one legend): it shows lines, not bands.
  const color = {
    field: 'sample',
    type: 'nominal' as const,
    title: 'sample',
    sort: order,
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
  return {
    ...frame(opts, 'Fitness over training steps'),
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.12 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
      {
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'fitness', type: 'quantitative', title: 'fitness', scale: { zero: false } },
          color,
        },
      },
      hoverLayer({
        x,
        y: { field: 'fitness', type: 'quantitative' },
        color,
        tooltip: [
          { field: 'sample', type: 'nominal' },
          { field: 'timesteps', type: 'quantitative' },
          { field: 'fitness', type: 'quantitative', format: '.4~g' },
        ],
      }),
      ...(ends.length
        ? [
            {
              // where halving stopped a sample: a cross at its curve's end
              data: { values: ends },
              mark: { type: 'point' as const, shape: 'cross', size: 160, filled: true, strokeWidth: 1 },
              encoding: {
                x,
                y: { field: 'fitness', type: 'quantitative' as const },
                // the same colour encoding as the curves: one legend (a different `legend`
                // here made vega-lite warn "Conflicting legend property" on every render)
                color,
                tooltip: [
                  { field: 'sample', type: 'nominal' as const },
                  { field: 'note', type: 'nominal' as const },
                  { field: 'timesteps', type: 'quantitative' as const },
                ],
              },
            },
          ]
        : []),
    ],
  };
}

/** Reward components over training steps (EvalPoint.components: mean per eval episode). */
export function componentsSpec(evals: EvalPoint[], opts?: ChartOptions): VegaLiteSpec {
  const values = evals.flatMap((e) =>
    Object.entries(e.components ?? {})
      .filter(([, v]) => finite(v) && finite(e.timesteps))
      .map(([component, value]) => ({ component, timesteps: e.timesteps, value })),
  );
  const flat = flatScale(values.map((v) => v.value));
  const base = frame(opts, 'Reward components over training steps');
  return {
    ...base,
    ...(flat ? { title: { text: base.title, subtitle: `every component was ${flat.value} at every evaluation: a constant teaches nothing` } } : {}),
    data: { values },
    encoding: {
      x: { field: 'timesteps', type: 'quantitative', title: 'training steps', axis: { format: '~s', tickCount: 8 } },
      y: { field: 'value', type: 'quantitative', title: 'component value', axis: { format: '~g' }, ...(flat ? { scale: { domain: flat.domain } } : {}) },
      color: { field: 'component', type: 'nominal', title: 'component', legend: { symbolType: 'stroke', symbolStrokeWidth: 3 } },
    },
    layer: [
      { mark: { type: 'line', point: true, strokeWidth: 2 } },
      hoverLayer({
        tooltip: [
          { field: 'component', type: 'nominal' },
          { field: 'timesteps', type: 'quantitative' },
          { field: 'value', type: 'quantitative', format: '.4~g' },
        ],
      }),
    ],
  };
}

export interface IterationBest {
  iteration: number;
  /** null: no sample of this iteration has a fitness (yet). */
  fitness: number | null;
  sample: number | null;
  /** The run's global best. */
  global: boolean;
}

/**
 * Best fitness per iteration as bars, the global best in a colour of its own; with a
 * benchmark figure (the env's own reward trained the same way) as a dashed rule.
 */
export function bestPerIterationSpec(iterations: IterationBest[], opts?: ChartOptions & { benchmark?: number | null }): VegaLiteSpec {
  const values = iterations
    .filter((it) => finite(it.fitness))
    .map((it) => ({
      iteration: `iteration ${it.iteration}`,
      fitness: it.fitness,
      label: it.sample === null ? '' : `s${it.sample}`,
      kind: it.global ? 'global best' : 'iteration best',
    }));
  const order = iterations.map((it) => `iteration ${it.iteration}`);
  const x = { field: 'iteration', type: 'nominal' as const, title: null, sort: order, axis: { labelAngle: 0 } };
  const y = { field: 'fitness', type: 'quantitative' as const, title: 'best fitness' };
  const layers: NonNullable<Extract<VegaLiteSpec, { layer: unknown }>['layer']> = [
    {
      mark: { type: 'bar', cornerRadiusEnd: 2 },
      encoding: {
        x,
        y,
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: { domain: ['iteration best', 'global best'], range: ['#9ecae9', '#e45756'] },
        },
        tooltip: [
          { field: 'iteration', type: 'nominal' },
          { field: 'label', type: 'nominal', title: 'sample' },
          { field: 'fitness', type: 'quantitative', format: '.4~g' },
        ],
      },
    },
    {
      mark: { type: 'text', dy: -6, fontSize: 10, color: '#333' },
      encoding: { x, y, text: { field: 'fitness', type: 'quantitative', format: '.4~g' } },
    },
  ];
  if (finite(opts?.benchmark)) {
    const data = { values: [{ benchmark: opts.benchmark }] };
    layers.push(
      {
        data,
        mark: { type: 'rule', strokeDash: [6, 4], color: '#555' },
        encoding: { y: { field: 'benchmark', type: 'quantitative' } },
      },
      {
        data,
        mark: { type: 'text', x: 'width', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: '#555' },
        encoding: { y: { field: 'benchmark', type: 'quantitative' }, text: { value: `benchmark ${+opts.benchmark.toPrecision(4)}` } },
      },
    );
  }
  return { ...frame(opts, 'Best fitness per iteration'), height: opts?.height ?? 180, data: { values }, layer: layers };
}

export interface IterationTime {
  iteration: number;
  llm_s: number;
  check_s: number;
  train_s: number;
  total_s: number;
}

const PHASES = ['llm', 'check', 'train', 'overhead'] as const;

/** Wall time per iteration, split into LLM, checks, training and the rest (overhead = total - the three). */
export function timeSplitSpec(iterations: IterationTime[], opts?: ChartOptions): VegaLiteSpec {
  const values = iterations.flatMap((it) => {
    const parts = { llm: it.llm_s, check: it.check_s, train: it.train_s };
    const known = Object.values(parts).reduce((a, b) => a + (finite(b) ? b : 0), 0);
    const overhead = finite(it.total_s) ? Math.max(0, it.total_s - known) : 0;
    return [...Object.entries(parts), ['overhead', overhead] as const]
      .filter(([, s]) => finite(s))
      .map(([phase, seconds], k) => ({ iteration: `iteration ${it.iteration}`, phase, seconds, order: k }));
  });
  return {
    ...frame(opts, 'Wall time per iteration'),
    height: opts?.height ?? Math.max(60, 28 * iterations.length),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'iteration', type: 'nominal', title: null, sort: iterations.map((it) => `iteration ${it.iteration}`) },
      x: { field: 'seconds', type: 'quantitative', title: 'seconds', stack: 'zero' },
      color: {
        field: 'phase',
        type: 'nominal',
        title: 'phase',
        scale: { domain: [...PHASES], range: ['#4c78a8', '#f58518', '#54a24b', '#bab0ac'] },
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'iteration', type: 'nominal' },
        { field: 'phase', type: 'nominal' },
        { field: 'seconds', type: 'quantitative', format: '.1f' },
      ],
    },
  };
}

export interface IterationTokens {
  iteration: number;
  prompt: number;
  completion: number;
}

/** LLM tokens per iteration, prompt and completion stacked. */
export function tokensSpec(iterations: IterationTokens[], opts?: ChartOptions): VegaLiteSpec {
  const values = iterations.flatMap((it) =>
    (
      [
        ['prompt', it.prompt, 0],
        ['completion', it.completion, 1],
      ] as const
    )
      .filter(([, n]) => finite(n))
      .map(([kind, tokens, order]) => ({ iteration: `iteration ${it.iteration}`, kind, tokens, order })),
  );
  return {
    ...frame(opts, 'LLM tokens per iteration'),
    height: opts?.height ?? Math.max(60, 28 * iterations.length),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'iteration', type: 'nominal', title: null, sort: iterations.map((it) => `iteration ${it.iteration}`) },
      x: { field: 'tokens', type: 'quantitative', title: 'tokens', stack: 'zero', axis: { format: ',d' } },
      color: { field: 'kind', type: 'nominal', title: 'tokens', scale: { domain: ['prompt', 'completion'], range: ['#72b7b2', '#b279a2'] } },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'iteration', type: 'nominal' },
        { field: 'kind', type: 'nominal' },
        { field: 'tokens', type: 'quantitative' },
      ],
    },
  };
}

/** Reward components as bars, e.g. their mean per episode at the best evaluation. */
export function componentBarsSpec(components: Record<string, number>, opts?: ChartOptions): VegaLiteSpec {
  const values = Object.entries(components)
    .filter(([, v]) => finite(v))
    .map(([component, value]) => ({ component, value, sign: value < 0 ? 'negative' : 'positive' }));
  const flat = flatScale(values.map((v) => v.value));
  const base = frame(opts, 'Reward components');
  return {
    ...base,
    ...(flat?.value === 0 ? { title: { text: base.title, subtitle: 'every component is 0: no bar to draw, and nothing to learn from' } } : {}),
    height: opts?.height ?? Math.max(40, 24 * values.length),
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      y: { field: 'component', type: 'nominal', title: null, sort: values.map((v) => v.component) },
      x: { field: 'value', type: 'quantitative', title: 'mean per episode', axis: { format: '~g' }, ...(flat?.value === 0 ? { scale: { domain: flat.domain } } : {}) },
      color: { field: 'sign', type: 'nominal', legend: null, scale: { domain: ['positive', 'negative'], range: ['#4c78a8', '#e45756'] } },
      tooltip: [
        { field: 'component', type: 'nominal' },
        { field: 'value', type: 'quantitative', format: '.4~g' },
      ],
    },
  };
}

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let libs: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | null = null;

/** vega and vega-lite are ES modules: import() them (tsc keeps import() as is under nodenext). */
function loadVega(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  libs.catch(() => {
    libs = null;
  });
  return libs;
}

/**
 * A static SVG of a vega-lite spec, rendered headless (renderer 'none': no canvas, no DOM;
 * text widths are estimated). The SVG is a standalone document (it declares its namespace).
 */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await loadVega();
  const compiled = vl.compile(spec).spec;
  // Every chart's data is inline: the view loads nothing.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
