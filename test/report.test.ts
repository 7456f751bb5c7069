import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitnessCurvesSpec, specToSvg } from '../src/render/charts';
import { loadRunData, renderReport, writeReport } from '../src/report';
import {
  bestDir,
  finalDir,
  iterationDir,
  RUN_FORMAT,
  runFiles,
  sampleDir,
  trainDir,
  type BestRecord,
  type FeedbackRecord,
  type FinalRecord,
  type IterationRecord,
  type LlmCallRecord,
  type RunRecord,
  type SampleRecord,
} from '../src/run/layout';
import type { EvalPoint } from '../src/worker/protocol/index';
import { tempDir } from './helpers';

const XSS = '<script>alert(1)</script>';
/** The standard 1x1 transparent GIF89a. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const CODE_0 = `import numpy as np

def compute_reward(self, x, x_dot, theta, action):
    upright = float(np.cos(theta))
    centered = -0.1 * abs(x)
    return upright + centered, {"upright": upright, "centered": centered}
`;
/** The best of iteration 1: one line changed from CODE_0, and an injection in a comment. */
const CODE_1 = `import numpy as np

def compute_reward(self, x, x_dot, theta, action):
    upright = float(np.cos(theta))
    centered = -0.5 * abs(x)  # ${XSS}
    return upright + centered, {"upright": upright, "centered": centered}
`;

function write(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data, null, 2));
}

function jsonl(file: string, rows: unknown[], torn = ''): void {
  write(file, rows.map((r) => JSON.stringify(r) + '\n').join('') + torn);
}

function evals(fitness: number[], components: Record<string, number[]>): EvalPoint[] {
  return fitness.map((f, k) => ({
    timesteps: (k + 1) * 1000,
    fitness_mean: f,
    fitness_std: f / 10,
    reward_mean: f / 2,
    length_mean: f,
    components: Object.fromEntries(Object.entries(components).map(([name, v]) => [name, v[k] ?? 0])),
    episodes: [{ seed: 5, fitness: f, reward: f / 2, length: f }],
    best: k === fitness.length - 1,
  }));
}

const at = '2025-01-02T03:04:05.000Z';

function sample(i: number, j: number, over: Partial<SampleRecord>): SampleRecord {
  return {
    iteration: i,
    sample: j,
    origin: 'llm',
    status: 'trained',
    answers: 1,
    code: CODE_0,
    normalized: CODE_0,
    duplicate_of: null,
    failure: null,
    components: ['upright', 'centered'],
    best: null,
    final: null,
    best_model: null,
    init_model: null,
    train: null,
    time: { llm_s: 3.5, check_s: 1.25, train_s: 40 },
    tokens: { prompt: 900, completion: 300 },
    updated: at,
    ...over,
  };
}

function iteration(i: number, over: Partial<IterationRecord>): IterationRecord {
  return {
    iteration: i,
    status: 'done',
    samples: 3,
    best: null,
    counts: {},
    time: { llm_s: 10, check_s: 4, train_s: 80, total_s: 100 },
    tokens: { prompt: 2700, completion: 900 },
    started: at,
    finished: at,
    ...over,
  };
}

function runRecord(over: Partial<RunRecord>): RunRecord {
  return {
    format: RUN_FORMAT,
    status: 'done',
    created: '2025-01-02T03:00:00.000Z',
    updated: '2025-01-02T03:12:30.000Z',
    config_file: 'configs/cartpole.yml',
    env_dir: 'envs/cartpole',
    env_class: 'CartPoleEnv',
    backend: 'ollama',
    model: 'qwen2.5-coder:7b',
    iterations: 2,
    samples: 3,
    completed_iterations: 2,
    best: null,
    final: null,
    benchmark: null,
    hns: null,
    tokens: { prompt: 0, completion: 0 },
    error: null,
    ...over,
  };
}

/** A finished run: 2 iterations × 3 samples, with one of each kind of sample. */
function makeRun(): string {
  const run = tempDir('se-report-');
  const best1 = { iteration: 1, sample: 0, fitness: 480, fitness_std: 12, timesteps: 4000 };
  write(
    path.join(run, runFiles.run),
    runRecord({
      best: best1,
      final: { fitness_mean: 476.5, fitness_std: 9.5, episodes: 5, gif: 'final/policy.gif' },
      benchmark: { gym_id: 'CartPole-v1', fitness_mean: 350, status: 'succeeded' },
      hns: { value: 1.37, sparse: 20, human: 355, human_from: 'benchmark' },
      tokens: { prompt: 5000, completion: 1500 },
    }),
  );
  const calls: LlmCallRecord[] = [0, 0, 1].map((i, k) => ({
    iteration: i,
    purpose: k === 1 ? 'fix' : 'generate',
    samples: k === 1 ? [1] : [0, 1, 2],
    backend: 'ollama',
    model: 'qwen2.5-coder:7b',
    prompt_tokens: 1000 + k,
    completion_tokens: 400 + k,
    ms: 2000,
    attempts: 1,
    error: null,
    at,
  }));
  jsonl(path.join(run, runFiles.llmCalls), calls, '{"iteration": 1, "purpose": "gen');

  // Iteration 0: a trained sample, one that never passed its checks, a duplicate.
  write(path.join(iterationDir(run, 0), 'iteration.json'), iteration(0, { best: { iteration: 0, sample: 0, fitness: 210, fitness_std: 21, timesteps: 4000 }, counts: { trained: 1, invalid: 1, duplicate: 1 } }));
  write(path.join(sampleDir(run, 0, 0), 'sample.json'), sample(0, 0, { best: { fitness: 210, fitness_std: 21, timesteps: 4000 } }));
  write(path.join(sampleDir(run, 0, 0), 'reward.py'), CODE_0);
  jsonl(path.join(trainDir(run, 0, 0), 'evals.jsonl'), evals([20, 90, 150, 210], { upright: [0.2, 0.5, 0.8, 0.9], centered: [-0.3, -0.2, -0.1, -0.05] }));
  write(
    path.join(sampleDir(run, 0, 1), 'sample.json'),
    sample(0, 1, {
      status: 'invalid',
      answers: 3,
      code: 'def compute_reward(self, x):\n    return x +',
      components: null,
      failure: { stage: 'syntax', reason: `SyntaxError: invalid syntax ${XSS}\n  return x +\n           ^`, line: 2 },
      time: { llm_s: 9, check_s: 0.5, train_s: 0 },
    }),
  );
  write(path.join(sampleDir(run, 0, 2), 'sample.json'), sample(0, 2, { status: 'duplicate', duplicate_of: { iteration: 0, sample: 0 } }));
  write(path.join(iterationDir(run, 0), 'reflection.md'), 'The policy balances but drifts.');
  write(path.join(iterationDir(run, 0), 'feedback.md'), `The policy balances but drifts: penalise x more. ${XSS}`);
  const fb0: FeedbackRecord = { source: 'reflection', iteration: 0, about: { iteration: 0, sample: 0 }, warnings: [], written: at };
  write(path.join(iterationDir(run, 0), 'feedback.json'), fb0);

  // Iteration 1: the global best (changed from iteration 0's), a failed training, another trained.
  write(path.join(iterationDir(run, 1), 'iteration.json'), iteration(1, { best: best1, counts: { trained: 2, failed: 1 } }));
  write(path.join(sampleDir(run, 1, 0), 'sample.json'), sample(1, 0, { code: CODE_1, components: ['upright', XSS], best: { fitness: 480, fitness_std: 12, timesteps: 4000 } }));
  jsonl(path.join(trainDir(run, 1, 0), 'evals.jsonl'), evals([100, 300, 420, 480], { upright: [0.6, 0.8, 0.9, 1], [XSS]: [-0.2, -0.1, -0.05, -0.01] }));
  write(
    path.join(sampleDir(run, 1, 1), 'sample.json'),
    sample(1, 1, { status: 'failed', failure: { stage: 'train', status: 'timeout', reason: 'training timed out after 600 s', traceback: null } }),
  );
  write(path.join(sampleDir(run, 1, 2), 'sample.json'), sample(1, 2, { best: { fitness: 260, fitness_std: 30, timesteps: 3000 } }));
  jsonl(path.join(trainDir(run, 1, 2), 'evals.jsonl'), evals([80, 200, 260], { upright: [0.4, 0.7, 0.8], centered: [-0.2, -0.1, -0.1] }));
  write(path.join(iterationDir(run, 1), 'feedback.md'), 'Keep the cart centred; it works.');
  write(path.join(iterationDir(run, 1), 'feedback.json'), { ...fb0, iteration: 1, source: 'human', about: { iteration: 1, sample: 0 } });

  const best: BestRecord = { ...best1, code: CODE_1, best_model: 'best/best_model.zip', components: ['upright', XSS], origin: 'llm' };
  write(path.join(bestDir(run), 'best.json'), best);
  write(path.join(bestDir(run), 'reward.py'), CODE_1);
  const final: FinalRecord = {
    of: { iteration: 1, sample: 0 },
    model: 'best/best_model.zip',
    deterministic: true,
    seed: 123,
    episodes: [0, 1, 2, 3, 4].map((k) => ({ seed: 123 + k, fitness: 470 + k, reward: 300, length: 470 + k, components: {} })),
    fitness_mean: 476.5,
    fitness_std: 9.5,
    fitness_min: 470,
    fitness_max: 474,
    reward_mean: 300,
    length_mean: 472,
    components: { upright: 0.9 },
    gif: 'final/policy.gif',
    gif_frames: 1,
  };
  write(path.join(finalDir(run), 'evaluation.json'), final);
  write(path.join(finalDir(run), 'policy.gif'), GIF);
  return run;
}

/** The HTML of one chart's <figure>. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`<figure class="chart" id="chart-${id}">`);
  expect(start, `chart ${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

describe('report', () => {
  let run: string;
  let out: string;
  let html: string;

  let whole: string;
  beforeAll(async () => {
    run = makeRun();
    out = await writeReport(run);
    whole = fs.readFileSync(out, 'utf8');
    // the page without its inline scripts' bodies (plotly.js's code speaks of web addresses it never fetches here)
    html = whole.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
  });

  it('writes one self-contained HTML document to <run>/report.html', () => {
    expect(out).toBe(path.join(run, 'report.html'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<html[\s>]/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // Nothing to fetch: no external src/href, no stylesheet or script files, no web address at all.
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*(?!["']?(?:data:|#))/i);
    expect(html).toMatch(/\bsrc="data:/);
    expect(html).toMatch(/\bhref="#/);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<link\b/i);
    // the print script, plotly.js and the figure's drawing, each allowed by its hash, and the figure's data
    const scripts = [...whole.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(3);
    const csp = /content="([^"]*)"/.exec(whole)![1]!;
    for (const s of scripts) expect(csp).toContain(`'sha256-${crypto.createHash('sha256').update(s).digest('base64')}'`);
    expect(html).toContain("default-src 'none'");
    expect(whole.length).toBeLessThan(6.5 * 1024 * 1024); // the stated budget, plotly.js inlined
  });

  it('holds one interactive figure of every sample of every iteration, for plotly.js', () => {
    const json = /<script type="application\/json" data-plotly="fitness-all">([^<]*)<\/script>/.exec(html)?.[1];
    const fig = JSON.parse(json!) as { data: { name: string; legendgroup: string; x: number[]; y: number[]; hovertemplate: string }[] };
    expect(fig.data.map((t) => `${t.legendgroup}/${t.name}`)).toEqual(['iteration 0/sample 0', 'iteration 1/sample 0', 'iteration 1/sample 2'] /* the samples with evaluations */);
    expect(fig.data[0]!.hovertemplate).toMatch(/iteration %\{customdata\[0\]\}, sample %\{customdata\[1\]\}.*fitness %\{y/);
    expect(html).toContain('<noscript>');
  });

  it('shows the run figures in the header', () => {
    for (const s of ['CartPoleEnv', 'configs/cartpole.yml', 'ollama / qwen2.5-coder:7b', '12 min 30 s', 'CartPole-v1', '1.37']) expect(html).toContain(s);
    // Tokens from llm_calls.jsonl (the torn last line skipped): 1000+1001+1002 / 400+401+402.
    expect(html).toContain('3,003 / 1,203');
    expect(html).toContain('476.5 ± 9.5');
    expect(html).toMatch(/over 5 episodes/);
    expect(html).toMatch(/480 <span class="muted">± 12 @ 4,000 steps · iteration 1, sample 0/);
  });

  it('draws every chart as an inline SVG with data marks', () => {
    const ids = ['best-per-iteration', 'time-split', 'tokens', 'fitness-0', 'fitness-1', 'components-0', 'components-1'];
    expect(html.match(/<svg[\s>]/g)?.length).toBe(ids.length);
    for (const id of ['fitness-0', 'fitness-1', 'components-0', 'components-1']) {
      const f = figure(html, id);
      expect(f).toContain('<svg');
      expect(f).toMatch(/class="mark-line[^"]*"[^>]*>\s*<path[^>]* d="M/);
    }
    for (const id of ['best-per-iteration', 'time-split', 'tokens']) {
      expect(figure(html, id)).toMatch(/class="mark-rect[^"]*"[^>]*>\s*<path[^>]* d="M/);
    }
    // Two lines in iteration 1 (samples 0 and 2; the failed one has no evaluations).
    expect(figure(html, 'fitness-1').match(/<path aria-label[^>]*role="graphics-symbol"[^>]* d="M[^"]*L/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    // Chart ids are unique across the page.
    const ids2 = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids2).size).toBe(ids2.length);
  });

  it('lists every sample with its status and failure', () => {
    const rows = html.match(/<tr[^>]* id="s-\d+-\d+">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(6);
    const row = (i: number, j: number) => rows.find((r) => r.includes(`id="s-${i}-${j}"`)) ?? '';
    expect(row(0, 0)).toContain('>trained<');
    expect(row(0, 1)).toContain('>invalid<');
    expect(row(0, 1)).toContain('syntax');
    expect(row(0, 1)).toContain('SyntaxError: invalid syntax');
    expect(row(0, 2)).toContain('>duplicate<');
    expect(row(0, 2)).toContain('of 0.0');
    expect(row(1, 1)).toContain('>failed<');
    expect(row(1, 1)).toContain('training timed out after 600 s');
    expect(row(1, 0)).toContain('global best');
    expect(row(0, 0)).toContain('3.5 / 1.3 / 40.0');
  });

  it('highlights the best rewards and diffs consecutive iterations', () => {
    expect(html).toContain('<code class="hljs language-python"><span class="hljs-keyword">import</span>');
    expect(html).toMatch(/<span class="d-del">- {4}centered = -0\.1 \* abs\(x\)<\/span>/);
    expect(html).toMatch(/<span class="d-add">\+ {4}centered = -0\.5 \* abs\(x\) {2}# &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/span>/);
    expect(html).toContain('id="global-best"');
  });

  it('has the feedback in collapsible blocks, and the GIF inline', () => {
    expect(html).toMatch(/<details class="feedback"><summary>Feedback for the next iteration <span class="muted">\(reflection\)<\/span>/);
    expect(html).toContain('penalise x more');
    expect(html).toContain('(human)');
    expect(html).toContain(`src="data:image/gif;base64,${GIF.toString('base64')}"`);
  });

  it('escapes text from the run wherever it lands', () => {
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<script>alert');
    // Code (highlighted and diffed), reason, feedback, component names (table and SVG legend).
    expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(5);
    expect(figure(html, 'components-1')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders a run in progress: run.json and one iteration partly written', async () => {
    const partial = tempDir('se-report-partial-');
    write(path.join(partial, runFiles.run), runRecord({ status: 'running', iterations: 3, completed_iterations: 0 }));
    write(path.join(sampleDir(partial, 0, 0), 'reward.py'), CODE_0);
    write(path.join(sampleDir(partial, 0, 1), 'sample.json'), sample(0, 1, { status: 'training' }));
    jsonl(path.join(trainDir(partial, 0, 1), 'evals.jsonl'), evals([10, 40], { upright: [0.1, 0.2] }), '{"timesteps": 30');
    fs.mkdirSync(sampleDir(partial, 0, 2), { recursive: true });
    write(path.join(partial, runFiles.llmCalls), '{"iteration": 0, "purp');

    const data = loadRunData(partial);
    expect(data.iterations).toHaveLength(1);
    expect(data.iterations[0]!.samples.map((s) => s.record?.status ?? null)).toEqual([null, 'training', null]);
    expect(data.iterations[0]!.samples[1]!.evals).toHaveLength(2);
    expect(data.llmCalls).toEqual([]);
    // Without charts (pure rendering), then the whole way.
    expect(renderReport(data)).toContain('chart not rendered');
    const file = await writeReport(partial, { out: path.join(partial, 'r', 'out.html') });
    const page = fs.readFileSync(file, 'utf8');
    expect(page).toContain('>running<');
    expect(page).toContain('no record yet');
    expect(page).toContain('so far');
    expect(figure(page, 'fitness-0')).toContain('<path');
    expect(fs.existsSync(path.join(partial, 'report.html'))).toBe(false);
  });

  it('says when a folder is not a run', () => {
    expect(() => loadRunData(tempDir('se-report-empty-'))).toThrow(/not a run folder/);
    expect(() => loadRunData(path.join(tempDir('se-report-none-'), 'nope'))).toThrow(/no such run folder/);
  });

  it('renders a chart spec to SVG on its own', async () => {
    const svg = await specToSvg(fitnessCurvesSpec([{ label: 'sample 0', evals: evals([1, 2, 3], {}) }]));
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('mark-line');
  });
});
