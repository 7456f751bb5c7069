/**
 * The notebook cell API on a real tiny run: CartPole, 2 samples, 1 iteration, 2048 steps, the
 * real worker, and the scripted loopback LLM speaking Ollama. A kernel hook that records calls
 * stands in for our kernel: each stage's returned view, the live outputs (one display id
 * updated in place), the cell edit() opens, and an interrupt through the cell's signal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIME, NOTEBOOK_VEGA_LITE_SCHEMA } from '../src/display/index';
import { KERNEL_HOOK, type KernelHook, type MimeBundle } from '../src/kernelHook';
import { NotebookRun, SampleView, open, templateLiteral } from '../src/notebook/index';
import { Monitor } from '../src/notebook/monitor';
import { buildReport, loadRunData } from '../src/report/index';
import { RunInterrupted } from '../src/run/run';
import { shutdownWorker } from '../src/worker/client';
import { startLoopbackLlm, type LoopbackLlm } from './llm-server';
import { reward, tempDir, writeCartpoleConfig } from './helpers';

const fence = (code: string, prose = 'Here is a reward.') => `${prose}\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`;
const SIG = 'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):';
const GOOD = fence(reward('good'));
const SYNTAX = fence(reward('syntax_error'), 'A <b>bold</b> try.');
const FIXED = fence(`${SIG}\n    alive = 1.0 - abs(pole_angle)\n    return alive, {"alive": alive}\n`, 'Fixed.');

type Call = { kind: 'display' | 'update' | 'next'; bundle?: MimeBundle; id?: string; text?: string };

/** What our kernel's preload installs, recording every call; each "cell" gets a fresh signal. */
class RecordingHook implements KernelHook {
  readonly version = 1 as const;
  calls: Call[] = [];
  cell = new AbortController();
  /** Called on every update (the test interrupts from here). */
  onUpdate: ((bundle: MimeBundle) => void) | null = null;
  display(bundle: MimeBundle, id?: string) {
    this.calls.push({ kind: 'display', bundle, id });
  }
  update(bundle: MimeBundle, id: string) {
    this.calls.push({ kind: 'update', bundle, id });
    this.onUpdate?.(bundle);
  }
  setNextInput(text: string) {
    this.calls.push({ kind: 'next', text });
  }
  cellSignal() {
    return this.cell.signal;
  }
  /** What the kernel would say if this cell were interrupted. */
  interruptMessage: string | null = null;
  onInterrupt(message: string) {
    this.interruptMessage = message;
  }
  /** A new cell: fresh signal, no calls recorded yet. */
  newCell() {
    this.cell = new AbortController();
    this.calls = [];
    this.onUpdate = null;
    this.interruptMessage = null;
  }
  /** Calls per display id, in order. */
  byId(): Map<string, Call[]> {
    const m = new Map<string, Call[]>();
    for (const c of this.calls) if (c.id) m.set(c.id, [...(m.get(c.id) ?? []), c]);
    return m;
  }
}

const html = (b: MimeBundle) => b.data[MIME.html] as string;
const text = (b: MimeBundle) => b.data[MIME.text] as string;
const imgs = (h: string) => [...h.matchAll(/src="data:image\/(svg\+xml|gif);base64,([^"]+)"/g)].map((m) => ({ type: m[1]!, bytes: Buffer.from(m[2]!, 'base64') }));

const writeConfig = (dir: string, host: string) =>
  writeCartpoleConfig(dir, {
    eureka: `  backend: ollama\n  model: scripted\n  host: ${host}\n  iterations: 1\n  samples: 2\n  concurrency: 1`,
    evalEpisodes: 2,
    name: 'notebook',
    useDatetime: false,
  });

let llm: LoopbackLlm;
let run: NotebookRun;
const hook = new RecordingHook();

beforeAll(async () => {
  llm = await startLoopbackLlm({ text: GOOD });
  llm.script = [{ text: GOOD }, { text: SYNTAX }];
  llm.respond = (body) => {
    const messages = body.messages as { content: string }[];
    return messages.at(-1)!.content.startsWith('Your reward function could not be used') ? { text: FIXED } : undefined;
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_HOOK] = hook;
  const dir = tempDir('se-notebook-');
  run = await open(writeConfig(dir, llm.url), { cwd: dir, smokeSteps: 500 });
});

afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[KERNEL_HOOK];
  await llm?.close();
  await shutdownWorker();
});

describe('the notebook cell API on a tiny CartPole run', () => {
  it('open() describes the env; env() and prompt() show what the LLM is given', async () => {
    expect(run.dir).toMatch(/experiments[/\\]notebook$/);
    expect(text(run.toMimeBundle())).toContain(run.dir);
    const env = run.env().toMimeBundle();
    expect(Object.keys(env.data)).toEqual([MIME.html, MIME.text]);
    expect(html(env)).toContain('CartPoleEnv');
    expect(text(env)).toContain('pole_angular_velocity');
    const prompt = (await run.prompt(0)).toMimeBundle();
    expect(text(prompt)).toMatch(/--- system\n[\s\S]*--- user\n/);
    expect(html(prompt)).toContain('compute_reward');
  });

  it('generate() streams the answers into a live output and shows each sample\'s code', async () => {
    hook.newCell();
    const v = (await run.generate(0)).toMimeBundle();
    expect(text(v)).toContain('--- sample 0');
    expect(text(v)).toContain('upright = 1.0 - abs(pole_angle) / 0.2095');
    expect(html(v)).toContain('<span style="color:var(--jp-mirror-editor-keyword-color,var(--vscode-debugTokenExpression-name,#d73a49))">def</span>');
    expect(html(v)).toContain('A &lt;b&gt;bold&lt;/b&gt; try.'); // the LLM's words, escaped
    expect(html(v)).not.toContain('<b>bold</b>');
    const outputs = [...hook.byId().values()];
    expect(outputs).toHaveLength(1);
    expect(outputs[0]![0]!.kind).toBe('display');
    const last = text(outputs[0]!.at(-1)!.bundle!);
    expect(last).toMatch(/generate\(0\): done/);
    // what happened, not what was under way: each sample answered
    expect(last).not.toContain('asking the LLM');
    expect(last.match(/pending +answered/g)).toHaveLength(2);
  });

  it('a live view lists the samples in order, whatever order their events arrive in', async () => {
    hook.newCell();
    const m = new Monitor('check(0)');
    for (const j of [0, 1, 3, 2]) m.on({ type: 'sample', iteration: 0, sample: j, status: j === 3 ? 'invalid' : 'checked', message: `sample ${j}'s verdict` });
    await m.finish('done');
    const last = text([...hook.byId().values()][0]!.at(-1)!.bundle!);
    expect([...last.matchAll(/sample (\d) +(checked|invalid)/g)].map((x) => x[1])).toEqual(['0', '1', '2', '3']);
  });

  it('check() shows each sample\'s checks and the fix it took', async () => {
    const v = await run.check(0);
    expect(v.samples.map((s) => s.status)).toEqual(['checked', 'checked']);
    expect(v.samples[1]!.answers).toBe(2);
    const t = text(v.toMimeBundle());
    expect(t).toMatch(/2 of 2 samples passed/);
    expect(t).toMatch(/0: syntax .*; 1: ok passed/);
  });

  it('train() updates one live chart in place, then returns the table and the curves', async () => {
    hook.newCell();
    const v = await run.train(0);
    expect(v.samples.map((s) => s.status)).toEqual(['trained', 'trained']);
    const outputs = [...hook.byId().entries()];
    expect(outputs).toHaveLength(1);
    const [, calls] = outputs[0]!;
    expect(calls[0]!.kind).toBe('display');
    // how many updates a 2048-step training gets depends on the machine's speed (at most 4 a second)
    expect(calls.filter((c) => c.kind === 'update').length).toBeGreaterThanOrEqual(1);
    const charts = calls.filter((c) => c.bundle!.data[MIME.vegaLite]);
    expect(charts.length).toBeGreaterThanOrEqual(1);
    // the heading follows the stage: training while samples train, never "starting" then
    for (const c of charts) expect(text(c.bundle!)).toMatch(/train\(0\) · iteration 0: training/);
    for (const c of charts) {
      expect(c.bundle!.data[MIME.html]).toBeUndefined();
      expect((c.bundle!.data[MIME.vegaLite] as { $schema: string }).$schema).toBe(NOTEBOOK_VEGA_LITE_SCHEMA);
      expect(c.bundle!.data[MIME.svg]).toMatch(/^<svg/);
    }
    const b = v.toMimeBundle();
    expect(text(b)).toMatch(/Iteration 0: 2 trained/);
    expect(html(b)).toContain('<table');
    const svgs = imgs(html(b)).filter((x) => x.type === 'svg+xml');
    expect(svgs.length).toBe(2); // fitness curves, the best's components
    expect(svgs[0]!.bytes.toString()).toContain('mark-line');
    expect(v.charts.fitness!.toMimeBundle().data[MIME.vegaLite]).toBeTruthy(); // the interactive one, for show()
  });

  it('reflect() and select() show the feedback and the best sample', async () => {
    const fb = run.reflect(0);
    expect(fb.record.source).toBe('reflection');
    expect(text(fb.toMimeBundle())).toContain('fitness_score: [');
    expect(html(fb.toMimeBundle())).toContain('<span style="color:var(--jp-mirror-editor-keyword-color,var(--vscode-debugTokenExpression-name,#d73a49))">def</span>');
    const best = await run.select(0);
    expect(best).toBeInstanceOf(SampleView);
    const s = best as SampleView;
    expect(s.record.status).toBe('trained');
    expect(s.title).toMatch(/best sample/);
    expect(imgs(html(s.toMimeBundle())).length).toBe(3); // fitness, components over training, components at the best
    // in a live kernel: the view without the pictures, then each chart as an interactive output
    const parts = s.toMimeBundles();
    expect(parts).toHaveLength(4);
    expect(imgs(html(parts[0]!)).filter((x) => x.type === 'svg+xml')).toHaveLength(0);
    expect(html(parts[0]!)).toContain('compute_reward');
    for (const p of parts.slice(1)) {
      expect((p.data[MIME.vegaLite] as { $schema: string }).$schema).toBe(NOTEBOOK_VEGA_LITE_SCHEMA);
      expect(p.data[MIME.svg]).toMatch(/^<svg/); // the static picture where nothing runs
    }
    expect(run.record.best).toMatchObject({ iteration: 0, sample: s.record.sample });
    // a report written now says where the stepped-through run stands, not just "running"
    const report = await buildReport(loadRunData(run.dir));
    expect(report).toContain('<div class="k">where it stands</div><div class="v">iteration 0: generated, checked, trained, reflected</div>');

    const mine = run.feedback(0, 'Keep the cart <near> the centre.', 'extend');
    expect(mine.record.source).toBe('both');
    expect(mine.text).toMatch(/fitness_score: \[[\s\S]*Keep the cart <near> the centre\.\n$/);
    expect(html(mine.toMimeBundle())).toContain('Keep the cart &lt;near&gt; the centre.');
    expect(run.reflect(0).record.source).toBe('both'); // a person's words are kept
  });

  it('sample().edit() opens a cell with the code; run.edit() trains it as an edit', async () => {
    hook.newCell();
    const view = await run.sample(0, 1);
    const opened = view.edit();
    const cell = opened.cell;
    expect(hook.calls).toEqual([{ kind: 'next', text: cell }]);
    // the code is in the new cell, not shown a second time as the result
    expect(text(opened.toMimeBundle())).toBe("A new cell below holds sample 0.1's reward in run.edit(...): change the code there and run that cell.");
    expect(html(opened.toMimeBundle())).not.toContain('compute_reward');
    expect(cell.startsWith('await run.edit(0, 1, `')).toBe(true);
    const literal = cell.slice('await run.edit(0, 1, '.length, cell.lastIndexOf(', { note:'));
    expect(new Function(`return ${literal}`)()).toBe(view.record.code);
    expect(new Function(`return ${templateLiteral('a `b` ${c} \\n \\\\')}`)()).toBe('a `b` ${c} \\n \\\\');

    hook.newCell();
    const edited = await run.edit(0, 1, view.record.code!.replace('1.0 - abs(pole_angle)', '1.0 - 2.0 * abs(pole_angle)'), { note: 'steeper <b>penalty</b>' });
    expect(edited.record).toMatchObject({ sample: 2, origin: 'edit', status: 'trained', edit_of: { iteration: 0, sample: 1 }, note: 'steeper <b>penalty</b>' });
    expect(html(edited.toMimeBundle())).toContain('steeper &lt;b&gt;penalty&lt;/b&gt;');
    expect(hook.byId().size).toBe(1);

    // without our kernel: the cell's text is printed to copy
    delete (globalThis as Record<symbol, unknown>)[KERNEL_HOOK];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(view.edit().cell).toBe(cell);
      expect(log).toHaveBeenCalledWith(cell);
    } finally {
      log.mockRestore();
      (globalThis as Record<symbol, unknown>)[KERNEL_HOOK] = hook;
    }
  });

  it('an interrupt through the cell signal stops training; the run resumes', async () => {
    hook.newCell();
    hook.onUpdate = (b) => {
      if (b.data[MIME.vegaLite]) hook.cell.abort(); // training has started: the user interrupts
    };
    const stopped = await run.retrain(0, 0).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(RunInterrupted);
    // what the kernel tells the person is the stage's own sentence
    expect(hook.interruptMessage).toBe((stopped as Error).message);
    expect(hook.interruptMessage).toMatch(/^retrain\(0, 0\): interrupted; what was done is kept, run the cell again to continue/);
    expect((await run.sample(0, 0)).record.status).toBe('interrupted');
    const last = [...hook.byId().values()][0]!.at(-1)!;
    expect(text(last.bundle!)).toMatch(/retrain\(0, 0\): interrupted/);

    hook.newCell();
    const again = await run.train(0);
    expect(again.samples.map((s) => s.status)).toEqual(['trained', 'trained', 'trained']);
  });

  it('evaluate() shows the final evaluation with its GIF; compare() two samples side by side', async () => {
    const ev = (await run.evaluate()).toMimeBundle();
    expect(text(ev)).toMatch(/fitness .* over 2 episodes, deterministic/);
    const gifs = imgs(html(ev)).filter((x) => x.type === 'gif');
    expect(gifs).toHaveLength(1);
    expect(gifs[0]!.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');

    const cmp = await run.compare({ iteration: 0, sample: 1 }, { iteration: 0, sample: 2 });
    const b = cmp.toMimeBundle();
    expect(text(b)).toContain('-    alive = 1.0 - abs(pole_angle)');
    expect(text(b)).toContain('+    alive = 1.0 - 2.0 * abs(pole_angle)');
    const shown = imgs(html(b));
    expect(shown.filter((x) => x.type === 'svg+xml')).toHaveLength(1);
    expect(shown.filter((x) => x.type === 'gif')).toHaveLength(2);
    const cached = path.join(run.dir, 'iteration_0', 'sample_1', 'policy.gif');
    const mtime = fs.statSync(cached).mtimeMs;
    await run.compare({ iteration: 0, sample: 1 }, { iteration: 0, sample: 2 });
    expect(fs.statSync(cached).mtimeMs).toBe(mtime);
  });

  it('iteration(), all() and report() finish the run and show it whole', async () => {
    const it0 = await run.iteration(0);
    expect(it0.record!.status).toBe('done');
    const all = await run.all();
    expect(all.record.status).toBe('done');
    const b = all.toMimeBundle();
    expect(text(b)).toMatch(/Run .*: done/);
    expect(imgs(html(b)).map((x) => x.type)).toEqual(['svg+xml', 'svg+xml', 'gif']); // best per iteration, time and tokens, the policy
    const r = await run.report();
    expect(fs.existsSync(r.file)).toBe(true);
    expect(text(r.toMimeBundle())).toContain('report.html');
    // a run folder opens again, as the CLI's would
    const again = await open(run.dir);
    expect(again.record.status).toBe('done');
    await expect(open(run.dir, { samples: 5 })).rejects.toThrow(/keeps its settings/);
  });

  it('redo() sets the last iteration aside and runs it again', async () => {
    hook.newCell();
    const v = await run.redo(0);
    expect(v.record!.status).toBe('done');
    expect(v.samples.map((s) => s.status)).toEqual(['trained', 'duplicate']); // the scripted LLM answers the same reward twice
    expect(fs.readdirSync(run.dir).filter((f) => f.startsWith('iteration_0.replaced-'))).toHaveLength(1);
    expect(text(v.toMimeBundle())).toMatch(/Iteration 0: best iteration 0 sample 0/);
    expect(hook.byId().size).toBe(1);
  });
});
