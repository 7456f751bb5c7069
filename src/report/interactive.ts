/**
 * The report's interactive figure: every sample's fitness curve of every iteration in one
 * plotly.js chart (zoom, hover with iteration, sample, steps and fitness, legend entries that
 * hide a sample or a whole iteration). plotly.js (plotly.js-dist-min) is inlined, so the page
 * stays one file that fetches nothing; it adds about 4.8 MB, and the report's budget is 6.5 MB
 * for a run of 5 iterations × 8 samples. Readers without JavaScript see the per-iteration
 * pictures (SVG) that follow it.
 */
import fs from 'node:fs';
import { esc } from '../render/format';
import type { RunData } from './data';

/** plotly.js's minified bundle, read once. */
let plotlyJs: string | null = null;
export function plotlyScript(): string {
  plotlyJs ??= fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  return plotlyJs;
}

/** Draws every figure the page holds as JSON; a static string, so the page's CSP can allow it by hash. */
export const PLOTLY_INIT = `for(const s of document.querySelectorAll('script[type="application/json"][data-plotly]')){const f=JSON.parse(s.textContent);Plotly.newPlot(s.dataset.plotly,f.data,f.layout,{responsive:true,displaylogo:false});}`;

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** One trace a trained sample, grouped by iteration in the legend; null when nothing trained yet. */
export function fitnessFigure(data: RunData): PlotlyFigure | null {
  const traces = data.iterations.flatMap((it) =>
    it.samples
      .filter((s) => s.evals.length > 0)
      .map((s) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: `sample ${s.sample}`,
        legendgroup: `iteration ${it.iteration}`,
        legendgrouptitle: { text: `iteration ${it.iteration}` },
        x: s.evals.map((e) => e.timesteps),
        y: s.evals.map((e) => e.fitness_mean),
        customdata: s.evals.map((e) => [it.iteration, s.sample, e.fitness_std]),
        hovertemplate: 'iteration %{customdata[0]}, sample %{customdata[1]}<br>%{x:,} steps<br>fitness %{y:.4~g} ± %{customdata[2]:.3~g}<extra></extra>',
        line: { width: 2, dash: s.record?.status === 'stopped' ? 'dot' : 'solid' },
        marker: { size: 5 },
      })),
  );
  if (!traces.length) return null;
  return {
    data: traces,
    layout: {
      title: { text: 'Fitness over training steps, every sample of every iteration' },
      xaxis: { title: { text: 'training steps' } },
      yaxis: { title: { text: 'fitness' } },
      hovermode: 'closest',
      legend: { groupclick: 'toggleitem' },
      height: 420,
      margin: { l: 60, r: 20, t: 50, b: 50 },
    },
  };
}

/** The figure's place on the page and its data (JSON that cannot close the script element). */
export function figureHtml(id: string, figure: PlotlyFigure, caption: string): string {
  const json = JSON.stringify(figure).replace(/</g, '\\u003c');
  return (
    `<figure class="chart interactive"><div id="${esc(id)}" class="plotly-figure"></div>` +
    `<noscript><p class="muted">The interactive figure needs JavaScript; the pictures of each iteration below show the same curves.</p></noscript>` +
    `<script type="application/json" data-plotly="${esc(id)}">${json}</script><figcaption>${esc(caption)}</figcaption></figure>`
  );
}
