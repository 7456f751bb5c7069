/**
 * The display layer: each builder's mime bundle (types, data, SVG marks, a GIF that decodes,
 * untrusted text escaped, no text/html next to a chart), and show()/live() through a kernel hook
 * that records calls (the kernel itself is tested through the Jupyter protocol elsewhere).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VEGA_LITE_SCHEMA } from '../src/render/charts';
import {
  MIME,
  NOTEBOOK_VEGA_LITE_SCHEMA,
  code,
  componentBarsChart,
  componentsChart,
  diff,
  fitnessChart,
  gif,
  live,
  samplesTable,
  show,
  trainingChart,
  usageChart,
  type Showable,
} from '../src/display';
import { KERNEL_HOOK, type KernelHook, type MimeBundle } from '../src/kernelHook';
import type { SampleRecord } from '../src/run/layout';
import type { EvalPoint } from '../src/worker/protocol/index';

const EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
/** A 1x1 GIF. */
const GIF_B64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

type Call = { kind: 'display' | 'update' | 'next'; bundle?: MimeBundle; id?: string; text?: string };

function installHook(): { calls: Call[]; hook: KernelHook } {
  const calls: Call[] = [];
  const hook: KernelHook = {
    version: 1,
    display: (bundle, id) => void calls.push({ kind: 'display', bundle, id }),
    update: (bundle, id) => void calls.push({ kind: 'update', bundle, id }),
    setNextInput: (text) => void calls.push({ kind: 'next', text }),
    cellSignal: () => new AbortController().signal,
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_HOOK] = hook;
  return { calls, hook };
}

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[KERNEL_HOOK];
  vi.restoreAllMocks();
});

const point = (timesteps: number, fitness: number, components: Record<string, number> = { upright: fitness / 2, centered: -0.1 }): EvalPoint => ({
  timesteps,
  fitness_mean: fitness,
  fitness_std: 1,
  reward_mean: fitness,
  length_mean: fitness,
  components,
  episodes: [],
  best: false,
});

function sample(over: Partial<SampleRecord>): SampleRecord {
  return {
    iteration: 0,
    sample: 0,
    origin: 'llm',
    status: 'trained',
    answers: 1,
    code: 'def compute_reward(self):\n    return 1.0, {}\n',
    normalized: null,
    duplicate_of: null,
    failure: null,
    components: ['upright'],
    best: { fitness: 120.5, fitness_std: 3, timesteps: 2048 },
    final: null,
    best_model: null,
    init_model: null,
    train: null,
    time: { llm_s: 1, check_s: 2, train_s: 3 },
    tokens: { prompt: 10, completion: 20 },
    updated: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/** WCAG 2 contrast of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((s) => (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe('chart bundles', () => {
  it('write the training progress notes in dark text on fills light enough to read it (4.5:1 and more)', async () => {
    const c = await trainingChart([{ label: 'sample 0', done: 0.5, status: 'training', note: '10k / 20k steps' }], []);
    const layers = JSON.stringify(c.spec);
    const fills = JSON.parse(/"range":(\[[^\]]*\])/.exec(layers)![1]!) as string[];
    const ink = /"type":"text"[^}]*"color":"(#[0-9a-f]{6})"/.exec(layers)![1]!;
    for (const fill of fills) expect(contrast(ink, fill), fill).toBeGreaterThanOrEqual(4.5);
  });


  it("give a sparse reward's constant components a readable axis and say why the chart is flat", async () => {
    const evals = [1000, 2000, 3000].map((t) => ({ ...point(t, 9), components: { success: 0 } }));
    const lines = await componentsChart(evals);
    expect(lines.svg).not.toMatch(/0\.0{4,}/); // no "0.000000" axis
    expect(lines.svg).toContain('every component was 0 at every evaluation: a constant teaches nothing');
    expect(lines.svg).toMatch(/>-1<|>−1</); // an axis around the value
    const bars = await componentBarsChart({ success: 0, bonus: 0 });
    expect(bars.svg).toContain('every component is 0: no bar to draw, and nothing to learn from');
    expect(bars.svg).not.toMatch(/0\.0{4,}/);
    // a component that moves keeps vega's own scale and no note
    // the static picture carries what it shows in words
    expect(lines.svg).toMatch(/^<svg[^>]* role="img" aria-label="Reward components over training steps \[chart\] 1 components over 3 evaluations"[^>]*><title>Reward components over training steps/);
    const moving = await componentsChart([point(1000, 9), point(2000, 20)].map((p, k) => ({ ...p, components: { alive: 10 * (k + 1) } })));
    expect(moving.svg).not.toContain('teaches nothing');
  });


  it('carry a vega-lite v5 spec with its data, an SVG with marks and a one-line summary, and no HTML', async () => {
    const c = await fitnessChart([
      { label: 'sample 0', evals: [point(1024, 20), point(2048, 60)] },
      { label: EVIL, evals: [point(1024, 10), point(2048, 90)] },
    ]);
    const b = c.toMimeBundle();
    expect(Object.keys(b.data).sort()).toEqual([MIME.svg, MIME.text, MIME.vegaLite].sort());
    expect(b.data[MIME.html]).toBeUndefined();
    const spec = b.data[MIME.vegaLite] as { $schema: string; data: { values: { sample: string; fitness: number }[] } };
    expect(spec.$schema).toBe(NOTEBOOK_VEGA_LITE_SCHEMA);
    expect(c.spec.$schema).toBe(VEGA_LITE_SCHEMA); // the builder's own spec is untouched
    expect(spec.data.values).toHaveLength(4);
    expect(spec.data.values.map((v) => v.sample)).toContain(EVIL); // untrusted names are data, never fields
    // a tooltip answers a hover near a point, not only right on it (vega's points: about 3 px)
    const hover = (c.spec as { layer: { mark: { type: string; size?: number }; encoding: { tooltip?: unknown[] } }[] }).layer.find((l) => l.encoding.tooltip);
    expect(hover?.mark).toMatchObject({ type: 'point' });
    expect(hover!.mark.size!).toBeGreaterThanOrEqual(400);
    const svg = b.data[MIME.svg] as string;
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('mark-line');
    expect(svg).toContain('mark-area');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    const text = b.data[MIME.text] as string;
    expect(text).not.toContain('\n');
    expect(text).toContain('best 90 @ 2,048 steps');
    expect(JSON.parse(JSON.stringify(b))).toEqual(b); // plain JSON: what the kernel sends
  });

  it('bars per component, the time and token use, and the live training chart', async () => {
    const bars = (await componentBarsChart({ upright: 0.9, centered: -0.2 })).toMimeBundle();
    expect((bars.data[MIME.vegaLite] as { data: { values: unknown[] } }).data.values).toEqual([
      { component: 'upright', value: 0.9, sign: 'positive' },
      { component: 'centered', value: -0.2, sign: 'negative' },
    ]);
    expect(bars.data[MIME.svg]).toContain('mark-rect');

    const usage = await usageChart([
      { iteration: 0, time: { llm_s: 2, check_s: 3, train_s: 20, total_s: 30 }, tokens: { prompt: 500, completion: 900 } },
      { iteration: 1, time: { llm_s: 1, check_s: 2, train_s: 15, total_s: 20 }, tokens: { prompt: 700, completion: 800 } },
    ]);
    const spec = usage.toMimeBundle().data[MIME.vegaLite] as { $schema: string; vconcat: { $schema?: string; data: { values: unknown[] } }[] };
    expect(spec.$schema).toBe(NOTEBOOK_VEGA_LITE_SCHEMA);
    expect(spec.vconcat).toHaveLength(2);
    expect(spec).toMatchObject({ resolve: { scale: { color: 'independent' } } }); // phases and token kinds keep their colours
    expect(spec.vconcat[0]!.$schema).toBeUndefined();
    expect(spec.vconcat[0]!.data.values).toHaveLength(8); // 2 iterations x (llm, check, train, overhead)
    expect(spec.vconcat[1]!.data.values).toHaveLength(4);
    expect(usage.svg).toContain('mark-rect');
    expect(usage.summary).toMatch(/2 iterations, 50\.0 s, 1,200 prompt \+ 1,700 completion tokens/);

    const t = await trainingChart([{ label: 'sample 0', done: 0.5, status: 'training', note: '1,024 / 2,048 steps' }], [{ label: 'sample 0', evals: [point(1024, 30)] }]);
    expect(Object.keys(t.toMimeBundle().data)).not.toContain(MIME.html);
    expect(t.svg).toContain('1,024 / 2,048 steps');
    expect(t.svg).toContain('mark-symbol'); // the fitness curve's points

    // a sample stopped by halving: its bar in the status colour, its curve ending with a cross
    const stopped = await trainingChart(
      [{ label: 'sample 1', done: 0.25, status: 'stopped', note: '512 / 2,048 steps · stopped' }],
      [{ label: 'sample 1', evals: [point(256, 10), point(512, 12)], stopped: true }],
    );
    const layers = JSON.stringify(stopped.toMimeBundle().data[MIME.vegaLite]);
    expect(layers).toContain('"shape":"cross"');
    expect(layers).toContain('stopped early (successive halving)');
    expect(stopped.svg).toContain('stopped');
    const running = JSON.stringify(t.toMimeBundle().data[MIME.vegaLite]);
    expect(running).not.toContain('"shape":"cross"');
  });
});

describe('GIF, code, diff and table bundles', () => {
  it('a GIF as an <img> data URI that decodes, image/gif and text', () => {
    const g = gif(Buffer.from(GIF_B64, 'base64'), `policy ${EVIL}`);
    const b = g.toMimeBundle();
    expect(Object.keys(b.data).sort()).toEqual([MIME.gif, MIME.html, MIME.text].sort());
    expect(b.data[MIME.gif]).toBe(GIF_B64);
    const html = b.data[MIME.html] as string;
    const src = /<img [^>]*src="data:image\/gif;base64,([^"]+)"/.exec(html)?.[1];
    expect(Buffer.from(src!, 'base64').subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;');
    expect(() => gif(Buffer.from('PNG not a gif'))).toThrow(/not a GIF/);
  });

  it('reward code highlighted with inline styles, escaped', () => {
    const src = `def compute_reward(self):\n    note = "${EVIL}"\n    return 1.0, {}\n`;
    const b = code(src, `sample ${EVIL}`).toMimeBundle();
    const html = b.data[MIME.html] as string;
    expect(html).toContain('<span style="color:var(--jp-mirror-editor-keyword-color,var(--vscode-debugTokenExpression-name,#d73a49))">def</span>');
    expect(html).not.toContain('class="hljs');
    // the front end's style for inline code (a ground and padding on every line) undone inside the block
    expect(html).toMatch(/<pre style="[^"]*"><code style="background:transparent;padding:0;/);
    expect(html).not.toMatch(/<script|<img src=x/);
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(b.data[MIME.text]).toContain(src);
  });

  it('a unified diff of two rewards, escaped, with the plain diff as text', () => {
    const a = 'def compute_reward(self):\n    return 1.0, {}\n';
    const b = `def compute_reward(self):\n    return 2.0, {"${EVIL}": 1}\n`;
    const bundle = diff({ name: 'a/reward.py', code: a }, { name: 'b/reward.py', code: b }).toMimeBundle();
    const text = bundle.data[MIME.text] as string;
    expect(text).toContain('--- a/reward.py');
    expect(text).toContain('-    return 1.0, {}');
    expect(text).toContain(`+    return 2.0, {"${EVIL}": 1}`);
    const html = bundle.data[MIME.html] as string;
    expect(html).toContain('background:rgba(46,160,67,0.18)'); // the added line
    expect(html).toContain('background:rgba(248,81,73,0.18)'); // the removed one
    expect(html).not.toMatch(/<script|<img src=x|class="d-/);
    expect(diff({ name: 'a', code: a }, { name: 'b', code: a }).toString()).toMatch(/identical/);
  });

  it('the sample table: status, fitness, answers, failure reason, escaped', () => {
    const rows = [
      sample({ sample: 0 }),
      sample({ sample: 1, status: 'invalid', answers: 2, best: null, components: [EVIL], failure: { stage: 'smoke', reason: `step budget exceeded\n${EVIL}`, traceback: 'Traceback ...', line: 3 } }),
      sample({ sample: 2, origin: 'edit', note: EVIL, edit_of: { iteration: 0, sample: 0 }, answers: 0 }),
    ];
    const t = samplesTable(rows, { iteration: 0, sample: 0 });
    const html = t.toMimeBundle().data[MIME.html] as string;
    expect(html).not.toMatch(/<script|<img src=x/);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('step budget exceeded');
    expect(html).toContain('120.5 ± 3 @ 2,048');
    expect(html).toContain('★');
    const text = t.toString();
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^iter\.\s+sample\s+origin\s+status\s+answers\s+best fitness\s+components\s+failure/);
    expect(lines[1]).toMatch(/^0\s+0\*\s+llm\s+trained\s+1\s+120\.5 ± 3 @ 2,048\s+upright/);
    expect(lines[2]).toMatch(/invalid\s+2\s+—.*smoke line 3: step budget exceeded$/);
    expect(lines[3]).toContain(`note: ${EVIL}`); // text/plain is not HTML: shown as written
  });

  it('inline styles stay inside their attribute (no quote inside a style ends it early)', () => {
    const htmls = [code('x = 1', 't'), diff({ name: 'a', code: 'x = 1' }, { name: 'b', code: 'x = 2' }), samplesTable([sample({})])].map((v) => v.toMimeBundle().data[MIME.html] as string);
    for (const h of htmls) {
      const attrs = [...h.matchAll(/style="([^"]*)"(.)/g)];
      expect(attrs.length).toBeGreaterThan(0);
      for (const m of attrs) expect(m[2], m[1]).toMatch(/[\s>]/);
    }
  });
});

describe('show and live', () => {
  it('show() sends the whole bundle through the hook, or prints its text without one', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    show(code('x = 1'));
    expect(log).toHaveBeenCalledWith('x = 1');
    const { calls } = installHook();
    show(code('x = 1'), { id: 'abc' });
    show('plain');
    expect(calls[0]).toMatchObject({ kind: 'display', id: 'abc' });
    expect(Object.keys(calls[0]!.bundle!.data)).toEqual([MIME.html, MIME.text]);
    expect(calls[1]!.bundle).toEqual({ data: { [MIME.text]: 'plain' } });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('live() updates one display id at most every interval, makes only the values it sends, and flushes the last', async () => {
    const { calls } = installHook();
    const made: number[] = [];
    const out = live('starting', { intervalMs: 100 });
    const t0 = Date.now();
    for (let k = 0; k < 40; k++) {
      out.update(() => {
        made.push(k);
        return `step ${k}`;
      });
      await new Promise((r) => setTimeout(r, 10));
    }
    await out.done(() => 'finished');
    const elapsed = Date.now() - t0;
    expect(calls[0]).toMatchObject({ kind: 'display', id: out.id, bundle: { data: { [MIME.text]: 'starting' } } });
    const updates = calls.slice(1);
    expect(updates.every((c) => c.kind === 'update' && c.id === out.id)).toBe(true);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(made.length).toBe(updates.length - 1); // the values in between were dropped, never made
    expect(updates.at(-1)!.bundle!.data[MIME.text]).toBe('finished');
    out.update('after done');
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.length).toBe(updates.length + 1);
  });

  it('live() without a hook prints text now and then, and nothing when done', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const out = live('a', { textEveryMs: 60 });
    for (let k = 0; k < 10; k++) {
      out.update(`v${k}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await out.done('end');
    expect(log.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(log.mock.calls.length).toBeLessThanOrEqual(5);
    expect(log.mock.calls.flat()).not.toContain('end');
    const quiet = live('a', { textEveryMs: 0 });
    quiet.update('b');
    await quiet.done();
    expect(log.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it('views print as their text in plain Node', () => {
    const v: Showable = code('x = 1', 'title');
    expect(inspect(v)).toBe('title\n\nx = 1');
    expect(String(v)).toBe('title\n\nx = 1');
  });
});
