/**
 * The run report: one self-contained HTML file (no network, no external files) that shows a
 * run folder: its figures, every sample, the charts, the best rewards and their diffs, the
 * feedback each iteration gave the next, and the final policy's GIF.
 *
 *   loadRunData(dir)      reads the folder (src/run/layout.ts) into RunData; tolerant of a run
 *                         in progress or killed: what is missing is simply absent
 *   reportCharts(data)    the report's vega-lite specs (src/charts.ts), pure
 *   renderReport(data, svgs)  the HTML, pure (charts given as rendered SVG by id)
 *   buildReport(data)     renders the charts headless, then the HTML
 *   writeReport(dir)      all of it, written to <run>/report.html (or opts.out)
 *
 * Everything that comes from the run (code, reasons, feedback, names) is LLM output or a
 * person's text: it is escaped wherever it lands, and the page's Content-Security-Policy
 * forbids any fetch and any script but its own one-liner.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import {
  bestPerIterationSpec,
  componentsSpec,
  fitnessCurvesSpec,
  specToSvg,
  timeSplitSpec,
  tokensSpec,
  type VegaLiteSpec,
} from './charts';
import { writeText } from './run/files';
import { bestOf, peak } from './run/selection';
import {
  RunFolder,
  runFiles,
  runPaths,
  type BenchmarkRecord,
  type BestRecord,
  type FeedbackRecord,
  type FinalRecord,
  type Fitness,
  type IterationRecord,
  type LlmCallRecord,
  type RunRecord,
  type SampleRecord,
  type SampleRef,
} from './run/layout';
import type { EvalPoint } from './worker/protocol';

// ---------------------------------------------------------------------------------------------
// Data

export interface SampleData extends SampleRef {
  /** sample.json; null while the sample has none yet. */
  record: SampleRecord | null;
  /** The code last checked: sample.json's, else reward.py. */
  code: string | null;
  /** train/evals.jsonl (a torn last line skipped). */
  evals: EvalPoint[];
}

export interface IterationData {
  iteration: number;
  record: IterationRecord | null;
  samples: SampleData[];
  /** feedback.md: what the next iteration is told. */
  feedback: string | null;
  feedbackRecord: FeedbackRecord | null;
  /** reflection.md: the automatic reflection (shown apart when a person's text replaced it). */
  reflection: string | null;
}

export interface RunData {
  dir: string;
  run: RunRecord | null;
  iterations: IterationData[];
  llmCalls: LlmCallRecord[];
  best: BestRecord | null;
  bestCode: string | null;
  final: FinalRecord | null;
  benchmark: BenchmarkRecord | null;
  /** final/policy.gif, base64. */
  gif: string | null;
  /** Files that exist but could not be read (shown in the report). */
  warnings: string[];
}

export type Best = SampleRef & Fitness;

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Everything the report shows, read from a run folder. A run in progress or killed reads as
 * far as it got: missing files, iterations and samples are absent, a torn last line of a
 * .jsonl is skipped, and a file that cannot be parsed is left out with a warning.
 */
export function loadRunData(runDir: string): RunData {
  const dir = path.resolve(runDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${runDir}: no such run folder`);
  const folder = new RunFolder(dir, { tolerant: true });
  const run = folder.run();
  const iterationNumbers = folder.iterations();
  if (!run && iterationNumbers.length === 0) throw new Error(`${runDir}: not a run folder (no ${runFiles.run}, no iteration_<i>/)`);

  const iterations = iterationNumbers.map((i): IterationData => {
    const samples = folder.sampleNumbers(i).map((j): SampleData => {
      const record = folder.sample(i, j);
      const code = typeof record?.code === 'string' ? record.code : folder.reward(i, j);
      const evals = folder
        .evals(i, j)
        .filter((e) => isNum(e.timesteps) && isNum(e.fitness_mean))
        .sort((a, b) => a.timesteps - b.timesteps);
      return { iteration: i, sample: j, record, code, evals };
    });
    return {
      iteration: i,
      record: folder.iteration(i),
      samples,
      feedback: folder.feedbackText(i),
      feedbackRecord: folder.feedbackRecord(i),
      reflection: folder.reflection(i),
    };
  });

  const best = folder.best();
  const bestCode = folder.bestReward() ?? (typeof best?.code === 'string' ? best.code : null);

  let gif: string | null = null;
  const gifCandidates = [runPaths.finalGif(dir)];
  if (typeof run?.final?.gif === 'string') gifCandidates.push(path.resolve(dir, run.final.gif));
  for (const file of gifCandidates) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    if (bytes.subarray(0, 4).toString('latin1') !== 'GIF8') {
      folder.warnings.push(`${path.relative(dir, file)}: not a GIF; left out`);
      continue;
    }
    gif = bytes.toString('base64');
    break;
  }

  return {
    dir,
    run,
    iterations,
    llmCalls: folder.llmCalls(),
    best,
    bestCode,
    final: folder.final(),
    benchmark: folder.benchmark(),
    gif,
    warnings: folder.warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Derived figures

/**
 * An iteration's best sample: iteration.json's, else the best trained sample record, else
 * (training in progress) the best evaluation so far.
 */
export function iterationBest(it: IterationData): Best | null {
  const rb = it.record?.best;
  if (rb && isNum(rb.fitness)) return rb;
  const samples = it.samples.filter((s) => s.record?.status !== 'duplicate');
  const at = (s: SampleData, f: { fitness: number; fitness_std: number; timesteps: number }): Best => ({ iteration: it.iteration, sample: s.sample, ...f });
  const trained = samples.flatMap((s) => (s.record?.best && isNum(s.record.best.fitness) ? [at(s, s.record.best)] : []));
  const evaluated = samples.flatMap((s) => s.evals.map((e) => at(s, { fitness: e.fitness_mean, fitness_std: e.fitness_std, timesteps: e.timesteps })));
  return bestOf(trained) ?? bestOf(evaluated);
}

/** The run's best: run.json's, else best/best.json, else the best of the iterations' bests. */
export function globalBest(data: RunData): Best | null {
  if (data.run?.best && isNum(data.run.best.fitness)) return data.run.best;
  if (data.best && isNum(data.best.fitness)) return data.best;
  return bestOf(data.iterations.flatMap((it) => iterationBest(it) ?? []));
}

/** The benchmark's fitness: run.json's, else benchmark/evaluation.json's evaluation (or the file's own figures). */
function benchmarkFitness(data: RunData): number | null {
  const b = data.benchmark as (BenchmarkRecord & { fitness_mean?: unknown }) | null;
  for (const x of [data.run?.benchmark?.fitness_mean, b?.evaluation?.fitness_mean, b?.fitness_mean]) if (isNum(x)) return x;
  return null;
}

function findSample(data: RunData, ref: SampleRef | null | undefined): SampleData | undefined {
  if (!ref) return undefined;
  return data.iterations.find((it) => it.iteration === ref.iteration)?.samples.find((s) => s.sample === ref.sample);
}

function tokensOf(data: RunData): { prompt: number; completion: number; calls: number; errors: number; perIteration: Map<number, { prompt: number; completion: number }> } {
  const perIteration = new Map<number, { prompt: number; completion: number }>();
  let prompt = 0;
  let completion = 0;
  let errors = 0;
  for (const c of data.llmCalls) {
    const p = isNum(c.prompt_tokens) ? c.prompt_tokens : 0;
    const q = isNum(c.completion_tokens) ? c.completion_tokens : 0;
    prompt += p;
    completion += q;
    if (c.error) errors += 1;
    if (isNum(c.iteration)) {
      const t = perIteration.get(c.iteration) ?? { prompt: 0, completion: 0 };
      t.prompt += p;
      t.completion += q;
      perIteration.set(c.iteration, t);
    }
  }
  if (data.llmCalls.length === 0) {
    // No log: the records' own counts.
    for (const it of data.iterations) {
      if (it.record?.tokens) perIteration.set(it.iteration, { ...it.record.tokens });
    }
    prompt = data.run?.tokens?.prompt ?? [...perIteration.values()].reduce((a, t) => a + t.prompt, 0);
    completion = data.run?.tokens?.completion ?? [...perIteration.values()].reduce((a, t) => a + t.completion, 0);
  }
  return { prompt, completion, calls: data.llmCalls.length, errors, perIteration };
}

// ---------------------------------------------------------------------------------------------
// Charts

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
  const tokens = tokensOf(data);
  const perIt = [...tokens.perIteration.entries()].sort(([a], [b]) => a - b).map(([iteration, t]) => ({ iteration, ...t }));
  if (perIt.some((t) => t.prompt + t.completion > 0)) charts.push({ id: 'tokens', spec: tokensSpec(perIt) });

  for (const it of data.iterations) {
    const curves = it.samples.filter((s) => s.evals.length > 0).map((s) => ({ label: `sample ${s.sample}`, evals: s.evals }));
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

// ---------------------------------------------------------------------------------------------
// HTML helpers

/** Escapes text for HTML content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function num(x: unknown): string {
  if (!isNum(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1 || a === 0) return String(Number(x.toFixed(2)));
  return String(Number(x.toPrecision(3)));
}

const int = (x: unknown) => (isNum(x) ? Math.round(x).toLocaleString('en-US') : '—');
const secs = (x: unknown) => (isNum(x) ? x.toFixed(1) : '—');

function duration(s: number | null): string {
  if (s === null || !isNum(s) || s < 0) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = Math.floor(s % 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(r).padStart(2, '0')} s`;
}

function when(iso: unknown): string {
  if (typeof iso !== 'string') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  return esc(d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
}

const firstLine = (s: string) => s.split(/\r?\n/).find((l) => l.trim()) ?? '';

const fitnessText = (f: Fitness | null | undefined) =>
  f && isNum(f.fitness) ? `<span class="nw">${num(f.fitness)} ± ${num(f.fitness_std)}</span> <span class="muted nw">@ ${int(f.timesteps)} steps</span>` : '—';

const refText = (r: SampleRef) => `iteration ${esc(r.iteration)}, sample ${esc(r.sample)}`;

const KNOWN_STATUS = new Set([
  'pending', 'invalid', 'duplicate', 'queued', 'training', 'trained', 'failed', 'interrupted',
  'running', 'done', 'generating', 'checking', 'reflecting', 'succeeded', 'timeout', 'out_of_memory', 'cancelled', 'crashed',
]);

function badge(status: unknown): string {
  const s = typeof status === 'string' ? status : 'unknown';
  const cls = KNOWN_STATUS.has(s) ? ` st-${s}` : '';
  return `<span class="badge${cls}">${esc(s)}</span>`;
}

let hljs: HLJSApi | null = null;
let hljsCss: string | null = null;

function highlighter(): HLJSApi {
  if (!hljs) {
    // highlight.js's subpath entries carry no types: the core API's type comes from the main entry.
    const core = (require('highlight.js/lib/core') as HLJSApi).newInstance();
    core.registerLanguage('python', require('highlight.js/lib/languages/python') as LanguageFn);
    hljs = core;
  }
  return hljs;
}

function hljsVersion(): string {
  try {
    return (require('highlight.js/package.json') as { version: string }).version;
  } catch {
    return '';
  }
}

function highlightCss(): string {
  if (hljsCss === null) {
    try {
      // Its comment names web addresses: dropped, so the page names none.
      const css = fs.readFileSync(require.resolve('highlight.js/styles/github.min.css'), 'utf8');
      hljsCss = `/* highlight.js ${hljsVersion()} theme "GitHub" (BSD-3-Clause) */\n` + css.replace(/\/\*[\s\S]*?\*\//g, '');
    } catch {
      hljsCss = '';
    }
  }
  return hljsCss;
}

/** Python code as highlighted HTML (highlight.js escapes the text it wraps). */
export function highlightPython(code: string): string {
  try {
    return highlighter().highlight(code, { language: 'python', ignoreIllegals: true }).value;
  } catch {
    return esc(code);
  }
}

function codeBlock(code: string | null): string {
  if (code === null) return '<p class="muted">no code</p>';
  return `<pre class="code"><code class="hljs language-python">${highlightPython(code)}</code></pre>`;
}

/** A unified diff of two texts (3 lines of context), or null when they are the same. */
export function unifiedDiff(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  if (oldCode === newCode) return null;
  const patch = createTwoFilesPatch(oldName, newName, oldCode.endsWith('\n') ? oldCode : oldCode + '\n', newCode.endsWith('\n') ? newCode : newCode + '\n', '', '', { context: 3 });
  const lines = patch.split('\n').filter((l) => !/^={5,}$/.test(l));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** A unified diff as HTML (lines escaped), or null when the two are the same. */
export function diffHtml(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  const patch = unifiedDiff(oldName, oldCode, newName, newCode);
  if (patch === null) return null;
  const html = patch.split('\n').map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'd-file' : l.startsWith('@@') ? 'd-hunk' : l.startsWith('+') ? 'd-add' : l.startsWith('-') ? 'd-del' : l.startsWith('\\') ? 'd-note' : 'd-ctx';
    return `<span class="${cls}">${esc(l)}</span>`;
  });
  // One block per line: the spans' own breaks (a newline between them would double the spacing).
  return `<pre class="diff">${html.join('')}</pre>`;
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

function chart(svgs: Record<string, string>, id: string, caption: string): string {
  const svg = svgs[id];
  const body = svg === undefined ? '<p class="muted">chart not rendered</p>' : svg.trimStart().startsWith('<svg') ? inlineSvg(svg, `c-${id}`) : svg;
  return `<figure class="chart" id="chart-${esc(id)}">${body}<figcaption>${esc(caption)}</figcaption></figure>`;
}

// ---------------------------------------------------------------------------------------------
// HTML

const CSS = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg2:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
a { color: var(--accent); text-decoration: none; }
.muted { color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 18px; }
nav.toc { font-size: 13px; margin: 8px 0 0; }
nav.toc a { margin-right: 12px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; margin: 18px 0; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--bg2); break-inside: avoid; }
.fact .k { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.fact .v { font-size: 15px; font-weight: 600; overflow-wrap: anywhere; }
.fact .v .muted { font-weight: 400; font-size: 13px; }
.warn { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.fit { white-space: normal; min-width: 7em; }
.nw { white-space: nowrap; }
tr.best-it td { background: #f0f7ff; }
tr.best-global td { background: #fff1f0; }
tr.sep td { border-top: 2px solid #8c959f; }
.star { color: #cf222e; font-weight: 700; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); background: #fff; white-space: nowrap; }
.st-trained, .st-done, .st-succeeded { background: #dafbe1; border-color: #4ac26b; }
.st-invalid, .st-failed, .st-timeout, .st-out_of_memory, .st-crashed { background: #ffebe9; border-color: #ff8182; }
.st-duplicate, .st-cancelled { background: #eaeef2; }
.st-interrupted { background: #fff8c5; border-color: #d4a72c; }
.st-pending, .st-queued, .st-training, .st-running, .st-generating, .st-checking, .st-reflecting { background: #ddf4ff; border-color: #54aeff; }
.reason { min-width: 180px; max-width: 420px; overflow-wrap: break-word; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; flex: 1 1 540px; min-width: 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); }
pre { margin: 0; }
pre.code, pre.diff, pre.text { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg2); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.code code.hljs { background: transparent; padding: 0; }
pre.text { font-family: inherit; font-size: 13px; background: #fff; }
pre.diff span { display: block; min-height: 1.45em; }
.d-add { background: #dafbe1; } .d-del { background: #ffebe9; } .d-hunk { color: #8250df; background: #f5f0ff; }
.d-file { color: var(--muted); font-weight: 600; } .d-note { color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 10px 0; }
details > summary { cursor: pointer; font-weight: 600; }
details[open] > summary { margin-bottom: 8px; }
td details { border: 0; padding: 0; margin: 0; }
td details > summary { font-weight: 400; }
td details pre { margin-top: 4px; max-height: 320px; overflow: auto; }
.gif { margin: 12px 0; }
.gif img { max-width: 100%; image-rendering: auto; border: 1px solid var(--line); border-radius: 6px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media print {
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  section.iteration { break-before: page; }
  th { position: static; }
  table.samples { font-size: 11px; }
  tr, figure, pre, .fact { break-inside: avoid; }
  pre.code, pre.diff, td details pre { max-height: none; overflow: visible; }
  details { border: 0; padding: 0; }
  a { color: inherit; }
  @page { margin: 14mm; }
}
`;

/** Opens the <details> (but the table's tracebacks) before printing, so a printout has the feedback and diffs. */
const PRINT_SCRIPT = `addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('details:not(.cell)'))d.open=true});`;

function fact(k: string, v: string): string {
  return `<div class="fact"><div class="k">${esc(k)}</div><div class="v">${v}</div></div>`;
}

function header(data: RunData): string {
  const r = data.run;
  const facts: string[] = [];
  facts.push(fact('status', r ? badge(r.status) + (r.error ? ` <span class="muted">${esc(firstLine(r.error))}</span>` : '') : '<span class="muted">no run.json</span>'));
  facts.push(fact('environment', r ? `${esc(r.env_class)} <span class="muted">${esc(r.env_dir)}</span>` : '—'));
  facts.push(fact('config', r ? esc(r.config_file) : '—'));
  facts.push(fact('LLM', r ? `${esc(r.backend)} / ${esc(r.model)}` : '—'));
  const done = r?.completed_iterations;
  facts.push(
    fact(
      'iterations × samples',
      r ? `${int(r.iterations)} × ${int(r.samples)} <span class="muted">(${int(done)} done, ${data.iterations.length} started)</span>` : `${data.iterations.length} started`,
    ),
  );
  facts.push(fact('created / updated', r ? `${when(r.created)}<br>${when(r.updated)}` : '—'));
  let wall: number | null = null;
  if (r) {
    const t0 = Date.parse(r.created);
    const t1 = Date.parse(r.updated);
    if (Number.isFinite(t0) && Number.isFinite(t1)) wall = (t1 - t0) / 1000;
  }
  facts.push(fact('total wall time', duration(wall) + (r?.status === 'running' ? ' <span class="muted">so far</span>' : '')));
  const tok = tokensOf(data);
  facts.push(
    fact(
      'tokens (prompt / completion)',
      `${int(tok.prompt)} / ${int(tok.completion)}` +
        (tok.calls ? ` <span class="muted">${tok.calls} call${tok.calls === 1 ? '' : 's'}${tok.errors ? `, ${tok.errors} failed` : ''}</span>` : ''),
    ),
  );
  const gb = globalBest(data);
  facts.push(fact('best sample', gb ? `${num(gb.fitness)} <span class="muted">± ${num(gb.fitness_std)} @ ${int(gb.timesteps)} steps · ${refText(gb)}</span>` : '—'));
  const fin = data.final
    ? { mean: data.final.fitness_mean, std: data.final.fitness_std, episodes: data.final.episodes?.length }
    : r?.final
      ? { mean: r.final.fitness_mean, std: r.final.fitness_std, episodes: r.final.episodes }
      : null;
  facts.push(fact('final evaluation', fin && isNum(fin.mean) ? `${num(fin.mean)} ± ${num(fin.std)} <span class="muted">over ${int(fin.episodes)} episodes</span>` : '—'));
  const bm = r?.benchmark ?? (data.benchmark ? { gym_id: data.benchmark.gym_id, fitness_mean: benchmarkFitness(data), status: data.benchmark.status } : null);
  if (bm) facts.push(fact('benchmark', `${num(bm.fitness_mean)} <span class="muted">${esc(bm.gym_id)} · ${esc(bm.status)}</span>`));
  if (r?.hns) facts.push(fact('human-normalised score', `${num(r.hns.value)} <span class="muted">sparse ${num(r.hns.sparse)}, human ${num(r.hns.human)} (${esc(r.hns.human_from)})</span>`));
  return `<div class="facts">${facts.join('')}</div>`;
}

function failureCell(s: SampleData): string {
  const f = s.record?.failure;
  if (!f) return '';
  const reason = typeof f.reason === 'string' ? f.reason : '';
  const first = firstLine(reason);
  const stage = `<b>${esc(f.stage)}</b>${f.status ? ` <span class="muted">(${esc(f.status)})</span>` : ''}${isNum(f.line) ? ` <span class="muted">line ${f.line}</span>` : ''}`;
  const more = reason.trim() !== first.trim() || !!f.traceback;
  if (!more) return `${stage}: ${esc(first)}`;
  return `${stage}: <details class="cell"><summary>${esc(first)}</summary><pre class="text">${esc(reason)}${f.traceback ? '\n\n' + esc(f.traceback) : ''}</pre></details>`;
}

function samplesTable(data: RunData): string {
  const gb = globalBest(data);
  const rows: string[] = [];
  for (const it of data.iterations) {
    const ib = iterationBest(it);
    it.samples.forEach((s, k) => {
      const r = s.record;
      const isGlobal = !!gb && gb.iteration === s.iteration && gb.sample === s.sample;
      const isIt = !!ib && ib.sample === s.sample;
      const cls = [k === 0 && rows.length > 0 ? 'sep' : '', isGlobal ? 'best-global' : isIt ? 'best-it' : ''].filter(Boolean).join(' ');
      const star = isGlobal ? ' <span class="star" title="global best">★</span>' : isIt ? ' <span class="star" title="iteration best">☆</span>' : '';
      let fitness = fitnessText(r?.best);
      if (!r?.best && s.evals.length) {
        // Training in progress (or cut short): the best evaluation so far.
        const top = peak(s.evals)!;
        fitness = `<span class="nw">${num(top.fitness_mean)}</span> <span class="muted nw">@ ${int(top.timesteps)} steps, so far</span>`;
      }
      const dup = r?.duplicate_of ? ` <span class="muted">of ${esc(r.duplicate_of.iteration)}.${esc(r.duplicate_of.sample)}</span>` : '';
      const comps = Array.isArray(r?.components) ? r.components.map((c) => esc(c)).join(', ') : '';
      const time = r?.time ? `${secs(r.time.llm_s)} / ${secs(r.time.check_s)} / ${secs(r.time.train_s)}` : '—';
      rows.push(
        `<tr${cls ? ` class="${cls}"` : ''} id="s-${s.iteration}-${s.sample}">` +
          `<td class="n">${s.iteration}</td><td class="n">${s.sample}${star}</td>` +
          `<td>${r ? esc(r.origin) : '—'}</td>` +
          `<td>${r ? badge(r.status) : '<span class="muted">no record yet</span>'}${dup}</td>` +
          `<td class="n">${r ? int(r.answers) : '—'}</td>` +
          `<td class="n fit">${fitness}</td>` +
          `<td>${comps}</td>` +
          `<td class="reason">${failureCell(s)}</td>` +
          `<td class="n">${time}</td></tr>`,
      );
    });
  }
  if (!rows.length) return '<p class="muted">no samples yet</p>';
  return (
    '<table class="samples"><thead><tr><th>iter.</th><th>sample</th><th>origin</th><th>status</th><th>answers</th>' +
    '<th>best fitness</th><th>components</th><th>failure</th><th>time (s)<br><span class="muted">llm / check / train</span></th></tr></thead><tbody>' +
    rows.join('\n') +
    '</tbody></table><p class="muted">★ global best · ☆ iteration best · answers: LLM answers including fix requests</p>'
  );
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
  parts.push(`<h2>Iteration ${it.iteration} ${r ? badge(r.status) : ''}</h2>`);
  const info: string[] = [];
  if (b) info.push(`best: <a href="#s-${esc(b.iteration)}-${esc(b.sample)}">sample ${esc(b.sample)}</a>, fitness ${fitnessText(b)}`);
  if (r?.counts) {
    const counts = Object.entries(r.counts)
      .filter(([, n]) => isNum(n) && n > 0)
      .map(([k, n]) => `${esc(k)} ${n}`);
    if (counts.length) info.push(counts.join(', '));
  }
  if (r?.time) info.push(`${duration(r.time.total_s)}`);
  if (r?.tokens) info.push(`${int(r.tokens.prompt)} + ${int(r.tokens.completion)} tokens`);
  if (r?.started) info.push(`started ${when(r.started)}`);
  if (info.length) parts.push(`<p class="muted">${info.join(' · ')}</p>`);

  const figs: string[] = [];
  if (charts.has(`fitness-${it.iteration}`)) figs.push(chart(svgs, `fitness-${it.iteration}`, 'mean fitness over the evaluation episodes (band: ± std), per sample'));
  if (charts.has(`components-${it.iteration}`)) figs.push(chart(svgs, `components-${it.iteration}`, `reward components of sample ${bs?.sample ?? ''} over training`));
  parts.push(figs.length ? `<div class="charts">${figs.join('')}</div>` : '<p class="muted">no training evaluations yet</p>');

  if (bs) {
    const origin = bs.record?.origin === 'edit' ? ' <span class="badge">edited by a person</span>' : '';
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
        `<span class="muted">(min ${num(f.fitness_min)}, max ${num(f.fitness_max)}) over ${int(f.episodes?.length)} episodes, ` +
        `${f.deterministic ? 'deterministic' : 'stochastic'}, seed ${esc(f.seed)} · reward ${num(f.reward_mean)} · length ${num(f.length_mean)}</span></p>`,
    );
    if (Array.isArray(f.episodes) && f.episodes.length) {
      const rows = f.episodes
        .map((e) => `<tr><td class="n">${esc(e.seed)}</td><td class="n">${num(e.fitness)}</td><td class="n">${num(e.reward)}</td><td class="n">${int(e.length)}</td></tr>`)
        .join('');
      parts.push(`<details><summary>episodes</summary><table><thead><tr><th>seed</th><th>fitness</th><th>reward</th><th>length</th></tr></thead><tbody>${rows}</tbody></table></details>`);
    }
  } else if (rf) {
    parts.push(`<p>fitness <b>${num(rf.fitness_mean)} ± ${num(rf.fitness_std)}</b> <span class="muted">over ${int(rf.episodes)} episodes</span></p>`);
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
  if (charts.has('best-per-iteration')) progress.push(chart(svgs, 'best-per-iteration', 'best fitness of each iteration (red: the global best; dashed: benchmark)'));
  if (charts.has('time-split')) progress.push(chart(svgs, 'time-split', 'wall time: LLM answers, checks, training, and the rest'));
  if (charts.has('tokens')) progress.push(chart(svgs, 'tokens', 'LLM tokens'));
  body.push(`<section id="progress"><h2>Progress</h2>${progress.length ? `<div class="charts">${progress.join('')}</div>` : '<p class="muted">nothing to chart yet</p>'}</section>`);

  let prev: { it: IterationData; best: Best; code: string } | null = null;
  for (const it of data.iterations) {
    body.push(iterationSection(it, prev, charts, svgs));
    const b = iterationBest(it);
    const code = b ? it.samples.find((s) => s.sample === b.sample)?.code : null;
    if (b && typeof code === 'string') prev = { it, best: b, code };
  }

  if (gb) {
    const code = data.bestCode ?? findSample(data, gb)?.code ?? null;
    const origin = data.best?.origin === 'edit' ? ' <span class="badge">edited by a person</span>' : '';
    body.push(
      `<section id="global-best"><h2>Best reward</h2><p>${refText(gb)} · fitness ${fitnessText(gb)}${origin}</p>${codeBlock(code)}</section>`,
    );
  }
  body.push(finalSection(data));
  body.push(`<footer>written by stable-eureka report · ${when(new Date().toISOString())}</footer>`);

  const scriptHash = crypto.createHash('sha256').update(PRINT_SCRIPT).digest('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${highlightCss()}
${CSS}</style>
</head>
<body>
<main>
${body.filter(Boolean).join('\n')}
</main>
<script>${PRINT_SCRIPT}</script>
</body>
</html>
`;
}

/** Charts rendered, then the HTML. */
export async function buildReport(data: RunData): Promise<string> {
  return renderReport(data, await renderCharts(reportCharts(data)));
}

/** Writes the report of a run folder to opts.out (default <run>/report.html); returns the path written. */
export async function writeReport(runDir: string, opts: { out?: string } = {}): Promise<string> {
  const data = loadRunData(runDir);
  const html = await buildReport(data);
  const out = path.resolve(opts.out ?? runPaths.report(runDir));
  writeText(out, html);
  return out;
}
