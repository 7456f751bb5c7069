/**
 * The notebooks as a person sees them: JupyterLab 4 and Notebook 7 served on loopback, driven by
 * Playwright in Debian's Chromium (no browser download). Run All on 01 (JupyterLab) and 03
 * (Notebook 7), then what a person would check: charts rendered, GIFs loaded, no error output,
 * text readable in the light and the dark theme (WCAG AA, 4.5:1, measured on the page), the
 * kernel busy for as long as cells run or wait, the stop button's clear message within 5 s, and
 * edit()'s pre-filled cell. Screenshots are kept in out/browser/ to look at.
 */
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers';

/** A text of an output below 4.5:1 against its ground, as contrast.js measures it in the page. */
interface ContrastProblem {
  text: string;
  fg: string;
  bg: string;
  ratio: number;
}
const CONTRAST = fs.readFileSync(path.join(__dirname, 'contrast.js'), 'utf8');
const contrastProblems = (page: Page) => page.evaluate(CONTRAST) as Promise<ContrastProblem[]>;

const SHOTS = path.join(repoRoot, 'out', 'browser');
const TOKEN = 'stable-eureka-browser-test';
const python = (JSON.parse(fs.readFileSync(path.join(repoRoot, '.stable-eureka', 'python.json'), 'utf8')) as { python: string }).python;
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A folder like the repository's: notebooks/ (copies), configs/ and envs/ beside it. */
function workspace(): string {
  const dir = tempDir('se-browser-');
  fs.mkdirSync(path.join(dir, 'notebooks'));
  for (const nb of ['01_quickstart.ipynb', '03_teaching_reward_design.ipynb']) fs.copyFileSync(path.join(repoRoot, 'notebooks', nb), path.join(dir, 'notebooks', nb));
  fs.symlinkSync(path.join(repoRoot, 'configs'), path.join(dir, 'configs'));
  fs.symlinkSync(path.join(repoRoot, 'envs'), path.join(dir, 'envs'));
  // every cell in the page, as a long notebook read top to bottom (JupyterLab 4 leaves the
  // cells out of view unrendered by default, and those would be measured as nothing)
  const settings = path.join(dir, '.jupyter', 'lab-settings', '@jupyterlab', 'notebook-extension');
  fs.mkdirSync(settings, { recursive: true });
  fs.writeFileSync(path.join(settings, 'tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
  return dir;
}

/** `jupyter lab` or `jupyter notebook` on loopback, this clone's kernelspec first; its base URL. */
async function serve(app: 'jupyterlab' | 'notebook', dir: string): Promise<{ url: string; proc: ResultPromise }> {
  const port = await freePort();
  const env = {
    JUPYTER_PATH: path.join(repoRoot, '.stable-eureka', 'jupyter'),
    JUPYTER_CONFIG_DIR: path.join(dir, '.jupyter'),
    JUPYTERLAB_SETTINGS_DIR: path.join(dir, '.jupyter', 'lab-settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(dir, '.jupyter', 'workspaces'),
  };
  const proc = execa(python, ['-m', app, '--no-browser', '--allow-root', `--port=${port}`, '--ServerApp.ip=127.0.0.1', `--IdentityProvider.token=${TOKEN}`, `--ServerApp.root_dir=${path.join(dir, 'notebooks')}`, '--LabApp.news_url=', '--ServerApp.disable_check_xsrf=True'], {
    env,
    reject: false,
    all: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let t = 0; t < 240; t++) {
    const ok = await fetch(`${url}/api/status?token=${TOKEN}`).then((r) => r.ok, () => false);
    if (ok) return { url, proc };
    await new Promise((r) => setTimeout(r, 250));
  }
  proc.kill();
  throw new Error(`${app} did not start: ${(await proc).all}`);
}

async function menu(page: Page, top: string, ...items: string[]): Promise<void> {
  await page.click(`.lm-MenuBar-itemLabel:text-is("${top}")`);
  for (const [k, item] of items.entries()) {
    const entry = page.locator(`.lm-Menu:visible .lm-Menu-itemLabel:text-is("${item}")`).last();
    if (k < items.length - 1) await entry.hover();
    else await entry.click();
  }
}

const kernelStatus = (page: Page) => page.getAttribute('.jp-Notebook-ExecutionIndicator', 'data-status');

/** Run All, watching the kernel: samples of (cells running or queued, kernel status) until done. */
async function runAll(page: Page, timeoutMs: number): Promise<{ waiting: boolean; status: string | null }[]> {
  // the kernel started and connected: its name and Idle in the status bar or the toolbar
  await page.waitForFunction(() => /Stable Eureka \(TypeScript\)( \| )?Idle|Kernel status: Idle/i.test(document.body.innerText) || document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle', null, { timeout: 120_000 });
  await page.waitForTimeout(1000);
  // on a loaded machine a menu click can land before the menu is ready and do nothing: press
  // again while no cell has run or queued (a prompt shows `*` or an execution count once it has)
  for (let attempt = 1; ; attempt++) {
    await menu(page, 'Run', 'Run All Cells');
    const started = await page
      .waitForFunction(() => [...document.querySelectorAll('.jp-InputPrompt')].some((p) => /\*|\d/.test(p.textContent ?? '')), null, { timeout: 30_000 })
      .then(() => true, () => false);
    if (started) break;
    if (attempt === 3) {
      await shot(page, 'run-all-did-not-start');
      throw new Error('Run All did not start a cell in three tries of 30 s');
    }
  }
  const samples: { waiting: boolean; status: string | null }[] = [];
  const started = Date.now();
  for (;;) {
    const s = await page.evaluate(() => ({
      waiting: [...document.querySelectorAll('.jp-InputPrompt')].some((p) => p.textContent?.includes('*')),
      status: document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') ?? null,
    }));
    samples.push(s);
    if (!s.waiting && samples.length > 5 && s.status === 'idle') return samples;
    if (Date.now() - started > timeoutMs) throw new Error(`Run All did not finish in ${timeoutMs / 1000} s`);
    await page.waitForTimeout(200);
  }
}

/** Error outputs (tracebacks, stderr) as text. */
const errorOutputs = (page: Page) =>
  page.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (els) => els.map((e) => (e.textContent ?? '').slice(0, 300)));

async function charts(page: Page): Promise<{ vega: number; gifs: number; gifsLoaded: number }> {
  return page.evaluate(() => {
    const gifs = [...document.querySelectorAll<HTMLImageElement>('.jp-OutputArea img')].filter((i) => i.src.startsWith('data:image/gif'));
    return {
      vega: document.querySelectorAll('.jp-OutputArea .vega-embed canvas, .jp-OutputArea .vega-embed svg').length,
      gifs: gifs.length,
      gifsLoaded: gifs.filter((i) => i.complete && i.naturalWidth > 0).length,
    };
  });
}

async function theme(page: Page, name: 'JupyterLab Light' | 'JupyterLab Dark'): Promise<void> {
  await menu(page, 'Settings', 'Theme', name);
  const dark = name === 'JupyterLab Dark';
  await page.waitForFunction((d) => (document.body.dataset.jpThemeLight === 'false') === d, dark, { timeout: 30_000 });
  await page.waitForTimeout(500);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
const describeProblems = (ps: ContrastProblem[]) => ps.slice(0, 30).map((p) => `${p.ratio.toFixed(2)}:1 "${p.text}" (${p.fg} on ${p.bg})`).join('\n');

/** A notebook open in a fresh workspace served by `app`, its cells on the page. */
async function openNotebook(app: 'jupyterlab' | 'notebook', notebook: string): Promise<{ dir: string; page: Page }> {
  const dir = workspace();
  const { url, proc } = await serve(app, dir);
  servers.push(proc);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/${app === 'jupyterlab' ? 'lab/tree' : 'notebooks'}/${notebook}?token=${TOKEN}`);
  await page.waitForSelector('.jp-Notebook .jp-CodeCell', { timeout: 120_000 });
  return { dir, page };
}

let browser: Browser;
const servers: ResultPromise[] = [];
beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  if (!chromiumPath) throw new Error("Debian's chromium is not installed: run `npm test` as root (it installs it with apt), or `apt-get install chromium`");
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

describe('in JupyterLab 4', () => {
  it('runs 01 whole, reads well in the light and dark themes, stays busy while cells run, stops within 5 s, opens edit()\'s cell', async () => {
    const { dir, page } = await openNotebook('jupyterlab', '01_quickstart.ipynb');

    const samples = await runAll(page, 600_000);
    // busy for as long as a cell runs or waits: never idle twice in a row (200 ms apart) then
    const idleWhileWaiting = samples.map((s) => s.waiting && s.status === 'idle');
    expect(idleWhileWaiting.some((x, k) => x && idleWhileWaiting[k + 1])).toBe(false);
    expect(samples.filter((s) => s.waiting && s.status === 'busy').length).toBeGreaterThan(5);

    expect(await errorOutputs(page)).toEqual([]);
    const c = await charts(page);
    // interactive: the live training chart, the trained view's two, the fitness chart on its own,
    // the best sample's three (static pictures would be <img>s, not vega views)
    expect(c.vega).toBeGreaterThanOrEqual(7);
    expect(await page.locator('.jp-OutputArea img[src^="data:image/svg+xml"]').count()).toBe(0);
    expect(c.gifs).toBeGreaterThanOrEqual(1);
    expect(c.gifsLoaded).toBe(c.gifs);
    await shot(page, 'lab-01-light');
    const light = await contrastProblems(page);
    expect(light, describeProblems(light)).toEqual([]);

    await theme(page, 'JupyterLab Dark');
    await page.locator('.jp-OutputArea').first().scrollIntoViewIfNeeded();
    await shot(page, 'lab-01-dark');
    const dark = await contrastProblems(page);
    expect(dark, describeProblems(dark)).toEqual([]);
    await page.evaluate(() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')?.scrollBy(0, 2500));
    await shot(page, 'lab-01-dark-outputs');

    // edit(): a new cell below, pre-filled with the sample's code in run.edit(...)
    const cellsBefore = await page.locator('.jp-NotebookPanel .jp-Cell').count();
    await page.locator('.jp-NotebookPanel .jp-Cell').last().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.press('Enter'); // edit mode: typed keys go into the cell, not to shortcuts
    await page.keyboard.type('(await run.sample(0, 0)).edit()');
    await page.keyboard.press('Shift+Enter');
    // the cell edit() asked for, right below the one that ran it
    const opened = await page
      .waitForFunction(
        (n) => {
          const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')].slice(n);
          const k = cells.findIndex((c) => (c.querySelector('.cm-content') as HTMLElement | null)?.innerText.startsWith('await run.edit('));
          return k === 1 ? (cells[k]!.querySelector('.cm-content') as HTMLElement).innerText : null;
        },
        cellsBefore,
        { timeout: 60_000 },
      )
      .then((h) => h.jsonValue() as Promise<string>)
      .catch(async (e: unknown) => {
        await shot(page, 'edit-cell-not-found');
        const last = await page.$$eval('.jp-NotebookPanel .jp-Cell', (cs) => cs.slice(-4).map((c) => c.textContent?.slice(0, 200)));
        throw new Error(`${(e as Error).message}\nlast cells: ${JSON.stringify(last)}`);
      });
    expect(opened).toMatch(/^await run\.edit\(0, 0, `[\s\S]*def compute_reward\(self, cart_position/);
    // and the cell that ran edit() shows a line saying so, not the code a second time
    const note = await page.locator('.jp-NotebookPanel .jp-Cell').nth(cellsBefore).locator('.jp-OutputArea').innerText();
    expect(note).toMatch(/A new cell below holds sample 0\.0's reward in run\.edit/);
    expect(note).not.toContain('compute_reward');
    await page.locator('.jp-NotebookPanel .jp-Cell').nth(cellsBefore + 1).click();

    // the stop button during training: the stage's own words within 5 s
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.press('Enter'); // edit mode: typed keys go into the cell, not to shortcuts
    await page.keyboard.type('await run.retrain(0, 0)');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'busy', null, { timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((o) => /retrain\(0, 0\) · iteration 0: training/.test(o.textContent ?? '') || o.querySelector('.vega-embed')), null, { timeout: 120_000 });
    const pressed = Date.now();
    await page.click('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]');
    await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((o) => /retrain\(0, 0\): interrupted; what was done is kept, run the cell again to continue/.test(o.textContent ?? '')), null, { timeout: 15_000 });
    expect(Date.now() - pressed).toBeLessThan(5000);
    expect((await errorOutputs(page)).join('\n')).not.toMatch(/cellSignal/);
    await shot(page, 'lab-01-stopped');

    // the report 01 wrote: every curve in one plotly.js figure, hover says which sample it is
    const runs = path.join(dir, 'notebooks', 'experiments', 'cartpole');
    const report = path.join(runs, fs.readdirSync(runs)[0]!, 'report.html');
    const view = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const failures: string[] = [];
    view.on('pageerror', (e) => failures.push(e.message));
    view.on('requestfailed', (r) => failures.push(`request ${r.url()}`));
    await view.goto(`file://${report}`);
    await view.waitForSelector('#fitness-all .scatterlayer .trace', { timeout: 30_000 });
    expect(await view.locator('#fitness-all .scatterlayer .trace').count()).toBeGreaterThanOrEqual(1);
    await view.locator('#fitness-all').scrollIntoViewIfNeeded();
    const point = await view.locator('#fitness-all .scatterlayer .trace .points path').first().boundingBox();
    await view.mouse.move(point!.x + point!.width / 2, point!.y + point!.height / 2);
    await view.waitForSelector('#fitness-all .hoverlayer .hovertext', { timeout: 10_000 });
    expect(await view.locator('#fitness-all .hoverlayer .hovertext').first().textContent()).toMatch(/iteration 0, sample \d[\s\S]*steps[\s\S]*fitness/);
    await view.screenshot({ path: path.join(SHOTS, 'report-plotly.png') });
    expect(failures).toEqual([]);
  }, 900_000);
});

describe('in Notebook 7', () => {
  it('runs 03 whole and reads well in the light and dark themes', async () => {
    const { page } = await openNotebook('notebook', '03_teaching_reward_design.ipynb');
    await runAll(page, 600_000);
    expect(await errorOutputs(page)).toEqual([]);
    expect((await charts(page)).vega).toBeGreaterThanOrEqual(1);
    await shot(page, 'nb7-03-light');
    const light = await contrastProblems(page);
    expect(light, describeProblems(light)).toEqual([]);
    await theme(page, 'JupyterLab Dark');
    await shot(page, 'nb7-03-dark');
    const dark = await contrastProblems(page);
    expect(dark, describeProblems(dark)).toEqual([]);
  }, 900_000);
});
