/**
 * The report page's HTML from RunData: the header's figures, the samples table, the progress
 * charts, one section an iteration (its best reward, the diff from the previous best, the
 * feedback), the run's best reward and the final policy. Pure: no file access.
 */
import path from 'node:path';
import { codeHtml, diffHtml, highlightCss } from '../render/code';
import { count, duration, esc, firstLine, isNum, num } from '../render/format';
import { badge, fitnessHtml } from '../render/look';
import { samplesTableHtml, type SampleRow } from '../render/samples';
import { peak } from '../run/selection';
import { HUMAN_FROM_TEXT, ORIGIN_TEXT, runPaths, type SampleRef } from '../run/layout';
import { chartFigure, reportCharts } from './charts';
import { benchmarkFitness, findSample, globalBest, iterationBest, runStanding, runWallSeconds, tokenUsage, type Best, type IterationData, type RunData } from './data';
import { fitnessFigure, figureHtml, PLOTLY_INIT, plotlyScript } from './interactive';
import { CSS, htmlDocument, PRINT_SCRIPT } from './style';

/** An ISO time as "2026-01-01 12:00:00 UTC", escaped. */
function when(iso: unknown): string {
  if (typeof iso !== 'string') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  return esc(d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
}

const refText = (r: SampleRef) => `iteration ${esc(r.iteration)}, sample ${esc(r.sample)}`;

const codeBlock = (code: string | null) => (code === null ? '<p class="muted">no code</p>' : codeHtml(code, 'page'));

/** Every sample of the run, the global best and each iteration's best marked, in-progress training at its best so far. */
function samplesTable(data: RunData): string {
  const gb = globalBest(data);
  const rows = data.iterations.flatMap((it) => {
    const ib = iterationBest(it);
    return it.samples.map((s): SampleRow => ({
      iteration: s.iteration,
      sample: s.sample,
      record: s.record,
      mark: gb && gb.iteration === s.iteration && gb.sample === s.sample ? 'global' : ib && ib.sample === s.sample ? 'iteration' : null,
      soFar: peak(s.evals),
    }));
  });
  return samplesTableHtml(rows, 'page', { time: true, anchors: true, legend: true });
}

function fact(k: string, v: string): string {
  return `<div class="fact"><div class="k">${esc(k)}</div><div class="v">${v}</div></div>`;
}

function header(data: RunData): string {
  const r = data.run;
  const facts: string[] = [];
  facts.push(fact('status', r ? badge(r.status, 'page') + (r.error ? ` <span class="muted">${esc(firstLine(r.error))}</span>` : '') : '<span class="muted">no run.json</span>'));
  facts.push(fact('environment', r ? `${esc(r.env_class)} <span class="muted">${esc(r.env_dir)}</span>` : '—'));
  facts.push(fact('config', r ? esc(r.config_file) : '—'));
  facts.push(fact('LLM', r ? `${esc(r.backend)} / ${esc(r.model)}` : '—'));
  const done = r?.completed_iterations;
  facts.push(
    fact(
      'iterations × samples',
      r ? `${count(r.iterations)} × ${count(r.samples)} <span class="muted">(${count(done)} done, ${data.iterations.length} started)</span>` : `${data.iterations.length} started`,
    ),
  );
  facts.push(fact('where it stands', esc(runStanding(data))));
  facts.push(fact('created / updated', r ? `${when(r.created)}<br>${when(r.updated)}` : '—'));
  facts.push(fact('total wall time', duration(runWallSeconds(data)) + (r?.status === 'running' ? ' <span class="muted">so far</span>' : '')));
  const tok = tokenUsage(data);
  facts.push(
    fact(
      'tokens (prompt / completion)',
      `${count(tok.prompt)} / ${count(tok.completion)}` +
        (tok.calls ? ` <span class="muted">${tok.calls} call${tok.calls === 1 ? '' : 's'}${tok.errors ? `, ${tok.errors} failed` : ''}</span>` : ''),
    ),
  );
  const gb = globalBest(data);
  facts.push(fact('best sample', gb ? `${num(gb.fitness)} <span class="muted">± ${num(gb.fitness_std)} @ ${count(gb.timesteps)} steps · ${refText(gb)}</span>` : '—'));
  const fin = data.final
    ? { mean: data.final.fitness_mean, std: data.final.fitness_std, episodes: data.final.episodes?.length }
    : r?.final
      ? { mean: r.final.fitness_mean, std: r.final.fitness_std, episodes: r.final.episodes }
      : null;
  facts.push(fact('final evaluation', fin && isNum(fin.mean) ? `${num(fin.mean)} ± ${num(fin.std)} <span class="muted">over ${count(fin.episodes)} episodes</span>` : '—'));
  const bm = r?.benchmark ?? (data.benchmark ? { gym_id: data.benchmark.gym_id, fitness_mean: benchmarkFitness(data), status: data.benchmark.status } : null);
  if (bm) facts.push(fact('benchmark', `${num(bm.fitness_mean)} <span class="muted">${esc(bm.gym_id)} · ${esc(bm.status)}</span>`));
  if (r?.hns) facts.push(fact('human-normalised score', `${num(r.hns.value)} <span class="muted">sparse ${num(r.hns.sparse)}, human ${num(r.hns.human)} (${esc(HUMAN_FROM_TEXT[r.hns.human_from] ?? r.hns.human_from)})</span>`));
  return `<div class="facts">${facts.join('')}</div>`;
}


function feedbackBlock(it: IterationData): string {
  if (it.feedback === null && !it.feedbackRecord) return '';
  const fr = it.feedbackRecord;
  const meta: string[] = [];
  if (fr) {
    meta.push(`source: <b>${esc(fr.source)}</b>`);
    if (fr.about) meta.push(`about ${refText(fr.about)}`);
    if (fr.written) meta.push(`written ${when(fr.written)}`);
  }
  const warnings = fr?.warnings?.length ? `<ul>${fr.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '';
  const reflection =
    it.reflection !== null && it.feedback !== null && it.reflection.trim() !== it.feedback.trim()
      ? `<details><summary>automatic reflection</summary><pre class="text">${esc(it.reflection)}</pre></details>`
      : '';
  return (
    `<details class="feedback"><summary>Feedback for the next iteration${fr ? ` <span class="muted">(${esc(fr.source)})</span>` : ''}</summary>` +
    (meta.length ? `<p class="muted">${meta.join(' · ')}</p>` : '') +
    warnings +
    (it.feedback !== null ? `<pre class="text">${esc(it.feedback)}</pre>` : '<p class="muted">feedback.md not written</p>') +
    reflection +
    '</details>'
  );
}

function iterationSection(
  it: IterationData,
  prev: { it: IterationData; best: Best; code: string } | null,
  charts: Set<string>,
  svgs: Record<string, string>,
): string {
  const r = it.record;
  const b = iterationBest(it);
  const bs = b ? it.samples.find((s) => s.sample === b.sample) : undefined;
  const parts: string[] = [];
  parts.push(`<h2>Iteration ${it.iteration} ${r ? badge(r.status, 'page') : ''}</h2>`);
  const info: string[] = [];
  if (b) info.push(`best: <a href="#s-${esc(b.iteration)}-${esc(b.sample)}">sample ${esc(b.sample)}</a>, fitness ${fitnessHtml(b, 'page')}`);
  if (r?.counts) {
    const counts = Object.entries(r.counts)
      .filter(([, n]) => isNum(n) && n > 0)
      .map(([k, n]) => `${esc(k)} ${n}`);
    if (counts.length) info.push(counts.join(', '));
  }
  if (r?.time) info.push(`${duration(r.time.total_s)}`);
  if (r?.tokens) info.push(`${count(r.tokens.prompt)} + ${count(r.tokens.completion)} tokens`);
  if (r?.started) info.push(`started ${when(r.started)}`);
  if (info.length) parts.push(`<p class="muted">${info.join(' · ')}</p>`);

  const figs: string[] = [];
  if (charts.has(`fitness-${it.iteration}`)) figs.push(chartFigure(svgs, `fitness-${it.iteration}`, 'mean fitness over the evaluation episodes (band: ± std), per sample'));
  if (charts.has(`components-${it.iteration}`)) figs.push(chartFigure(svgs, `components-${it.iteration}`, `reward components of sample ${bs?.sample ?? ''} over training`));
  parts.push(figs.length ? `<div class="charts">${figs.join('')}</div>` : '<p class="muted">no training evaluations yet</p>');

  if (bs) {
    const origin = bs.record && bs.record.origin !== 'llm' ? ` <span class="badge">${esc(ORIGIN_TEXT[bs.record.origin] ?? bs.record.origin)}</span>` : '';
    parts.push(`<h3>Best reward: sample ${esc(bs.sample)}${origin}</h3>`);
    if (bs.record?.note) parts.push(`<p class="muted">${esc(bs.record.note)}</p>`);
    parts.push(codeBlock(bs.code));
    if (prev && bs.code !== null) {
      const d = diffHtml(
        runPaths.reward('', prev.it.iteration, prev.best.sample), // relative to the run folder
        prev.code,
        runPaths.reward('', it.iteration, bs.sample),
        bs.code,
      );
      parts.push(
        `<details class="diff" open><summary>Changes from iteration ${prev.it.iteration}'s best (sample ${esc(prev.best.sample)})</summary>` +
          (d ?? '<p class="muted">identical code</p>') +
          '</details>',
      );
    }
  }
  parts.push(feedbackBlock(it));
  return `<section class="iteration" id="iteration-${it.iteration}">${parts.join('\n')}</section>`;
}

function finalSection(data: RunData): string {
  const f = data.final;
  const rf = data.run?.final;
  if (!f && !rf && !data.gif) return '';
  const parts: string[] = ['<h2 id="final">Final policy</h2>'];
  if (f) {
    parts.push(
      `<p>${f.of ? `${refText(f.of)} · ` : ''}fitness <b>${num(f.fitness_mean)} ± ${num(f.fitness_std)}</b> ` +
        `<span class="muted">(min ${num(f.fitness_min)}, max ${num(f.fitness_max)}) over ${count(f.episodes?.length)} episodes, ` +
        `${f.deterministic ? 'deterministic' : 'stochastic'}, seed ${esc(f.seed)} · reward ${num(f.reward_mean)} · length ${num(f.length_mean)}</span></p>`,
    );
    if (Array.isArray(f.episodes) && f.episodes.length) {
      const rows = f.episodes
        .map((e) => `<tr><td class="n">${esc(e.seed)}</td><td class="n">${num(e.fitness)}</td><td class="n">${num(e.reward)}</td><td class="n">${count(e.length)}</td></tr>`)
        .join('');
      parts.push(`<details><summary>episodes</summary><table><thead><tr><th>seed</th><th>fitness</th><th>reward</th><th>length</th></tr></thead><tbody>${rows}</tbody></table></details>`);
    }
  } else if (rf) {
    parts.push(`<p>fitness <b>${num(rf.fitness_mean)} ± ${num(rf.fitness_std)}</b> <span class="muted">over ${count(rf.episodes)} episodes</span></p>`);
  }
  if (data.gif) parts.push(`<figure class="gif"><img alt="the final policy (GIF)" src="data:image/gif;base64,${data.gif}"><figcaption>final/policy.gif</figcaption></figure>`);
  return `<section id="final-section">${parts.join('\n')}</section>`;
}

/**
 * The report's HTML from loaded data and the charts rendered to SVG by id (renderCharts of
 * reportCharts); a chart missing from svgs shows as not rendered. Pure: no file access.
 */
export function renderReport(data: RunData, svgs: Record<string, string> = {}): string {
  const r = data.run;
  const title = `stable-eureka · ${r?.env_class ?? path.basename(data.dir)}`;
  const gb = globalBest(data);
  const charts = new Set(reportCharts(data).map((c) => c.id));
  const body: string[] = [];

  body.push(`<h1>${esc(title)}</h1>`);
  body.push(`<p class="sub">run folder ${esc(data.dir)}</p>`);
  const toc = ['<a href="#overview">overview</a>', '<a href="#samples">samples</a>', '<a href="#progress">progress</a>'];
  for (const it of data.iterations) toc.push(`<a href="#iteration-${it.iteration}">iteration ${it.iteration}</a>`);
  if (gb) toc.push('<a href="#global-best">best reward</a>');
  if (data.final || r?.final || data.gif) toc.push('<a href="#final">final policy</a>');
  body.push(`<nav class="toc">${toc.join('')}</nav>`);
  body.push(`<section id="overview">${header(data)}</section>`);
  if (data.warnings.length) {
    body.push(`<div class="warn"><b>Some files could not be read:</b><ul>${data.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`);
  }

  body.push(`<section id="samples"><h2>Samples</h2>${samplesTable(data)}</section>`);

  const progress: string[] = [];
  const figure = fitnessFigure(data);
  const interactive = figure !== null;
  const allCurves = figure ? figureHtml('fitness-all', figure, 'every sample of every iteration: hover a point, drag to zoom (double-click to reset), click a legend entry to hide a sample or its iteration') : '';
  if (charts.has('best-per-iteration')) progress.push(chartFigure(svgs, 'best-per-iteration', 'best fitness of each iteration (red: the global best; dashed: benchmark)'));
  if (charts.has('time-split')) progress.push(chartFigure(svgs, 'time-split', 'wall time: LLM answers, checks, training, and the rest'));
  if (charts.has('tokens')) progress.push(chartFigure(svgs, 'tokens', 'LLM tokens'));
  body.push(`<section id="progress"><h2>Progress</h2>${allCurves}${progress.length ? `<div class="charts">${progress.join('')}</div>` : '<p class="muted">nothing to chart yet</p>'}</section>`);

  let prev: { it: IterationData; best: Best; code: string } | null = null;
  for (const it of data.iterations) {
    body.push(iterationSection(it, prev, charts, svgs));
    const b = iterationBest(it);
    const code = b ? it.samples.find((s) => s.sample === b.sample)?.code : null;
    if (b && typeof code === 'string') prev = { it, best: b, code };
  }

  if (gb) {
    const code = data.bestCode ?? findSample(data, gb)?.code ?? null;
    const origin = data.best && data.best.origin !== 'llm' ? ` <span class="badge">${esc(ORIGIN_TEXT[data.best.origin] ?? data.best.origin)}</span>` : '';
    body.push(
      `<section id="global-best"><h2>Best reward</h2><p>${refText(gb)} · fitness ${fitnessHtml(gb, 'page')}${origin}</p>${codeBlock(code)}</section>`,
    );
  }
  body.push(finalSection(data));
  body.push(`<footer>written by stable-eureka report · ${when(new Date().toISOString())}</footer>`);

  const scripts = interactive ? [PRINT_SCRIPT, plotlyScript(), PLOTLY_INIT] : [PRINT_SCRIPT];
  return htmlDocument(title, body.filter(Boolean).join('\n'), { css: `${highlightCss()}\n${CSS}`, scripts });
}
