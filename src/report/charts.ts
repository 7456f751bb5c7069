/**
 * The report's charts: which vega-lite specs (src/render/charts.ts) it draws from RunData, their
 * SVG rendered headless, and the <figure> each sits in on the page.
 */
import { esc } from '../render/format';
import { bestPerIterationSpec, componentsSpec, fitnessCurvesSpec, specToSvg, timeSplitSpec, tokensSpec, type VegaLiteSpec } from '../render/charts';
import { benchmarkFitness, globalBest, iterationBest, tokenUsage, type RunData } from './data';

export interface ReportChart {
  /** Where the report places it: best-per-iteration, time-split, tokens, fitness-<i>, components-<i>. */
  id: string;
  spec: VegaLiteSpec;
}

/** The vega-lite specs of the report's charts (charts with no data are left out). */
export function reportCharts(data: RunData): ReportChart[] {
  const charts: ReportChart[] = [];
  const gb = globalBest(data);
  const bests = data.iterations.map((it) => {
    const b = iterationBest(it);
    return {
      iteration: it.iteration,
      fitness: b?.fitness ?? null,
      sample: b?.sample ?? null,
      global: !!b && !!gb && b.iteration === gb.iteration && b.sample === gb.sample,
    };
  });
  const benchmark = benchmarkFitness(data);
  if (bests.some((b) => b.fitness !== null)) {
    charts.push({ id: 'best-per-iteration', spec: bestPerIterationSpec(bests, { benchmark }) });
  }
  const times = data.iterations
    .filter((it) => it.record?.time)
    .map((it) => ({ iteration: it.iteration, ...it.record!.time }));
  if (times.length) charts.push({ id: 'time-split', spec: timeSplitSpec(times) });
  const tokens = tokenUsage(data);
  const perIt = [...tokens.perIteration.entries()].sort(([a], [b]) => a - b).map(([iteration, t]) => ({ iteration, ...t }));
  if (perIt.some((t) => t.prompt + t.completion > 0)) charts.push({ id: 'tokens', spec: tokensSpec(perIt) });

  for (const it of data.iterations) {
    const curves = it.samples.filter((s) => s.evals.length > 0).map((s) => ({ label: `sample ${s.sample}`, evals: s.evals, stopped: s.record?.status === 'stopped' }));
    if (curves.length) {
      charts.push({ id: `fitness-${it.iteration}`, spec: fitnessCurvesSpec(curves, { title: `Iteration ${it.iteration}: fitness over training steps` }) });
    }
    const b = iterationBest(it);
    const bs = b ? it.samples.find((s) => s.sample === b.sample) : undefined;
    if (bs && bs.evals.some((e) => e.components && Object.keys(e.components).length > 0)) {
      charts.push({
        id: `components-${it.iteration}`,
        spec: componentsSpec(bs.evals, { title: `Iteration ${it.iteration}, sample ${bs.sample} (best): reward components` }),
      });
    }
  }
  return charts;
}

/** Renders the charts to SVG by id; a chart that fails to render shows its error instead. */
export async function renderCharts(charts: ReportChart[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    charts.map(async (c) => {
      try {
        out[c.id] = await specToSvg(c.spec);
      } catch (e) {
        out[c.id] = `<p class="muted">chart could not be rendered: ${esc((e as Error).message)}</p>`;
      }
    }),
  );
  return out;
}

/**
 * An SVG from vega, made fit to sit inline among others: namespace declarations dropped (the
 * HTML parser knows SVG) and its ids prefixed, so clip paths and gradients of two charts with
 * the same ids do not resolve to each other's.
 */
function inlineSvg(svg: string, prefix: string): string {
  let out = svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  const ids = new Set<string>();
  for (const m of out.matchAll(/\sid="([^"]+)"/g)) if (m[1]) ids.add(m[1]);
  for (const id of ids) {
    const q = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out
      .replace(new RegExp(`(\\sid=")${q}"`, 'g'), `$1${prefix}-${id}"`)
      .replace(new RegExp(`url\\(#${q}\\)`, 'g'), `url(#${prefix}-${id})`)
      .replace(new RegExp(`(href=")#${q}"`, 'g'), `$1#${prefix}-${id}"`);
  }
  return out;
}

/** A chart's <figure> on the page: its SVG inline (or why there is none) and its caption. */
export function chartFigure(svgs: Record<string, string>, id: string, caption: string): string {
  const svg = svgs[id];
  const body = svg === undefined ? '<p class="muted">chart not rendered</p>' : svg.trimStart().startsWith('<svg') ? inlineSvg(svg, `c-${id}`) : svg;
  return `<figure class="chart" id="chart-${esc(id)}">${body}<figcaption>${esc(caption)}</figcaption></figure>`;
}
