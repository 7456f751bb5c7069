#!/usr/bin/env node
// Every test: the kernel preload's type check (tsc on kernel-ext/, first: about a second), Python (pytest:
// worker, kernel, notebooks) and TypeScript (vitest: real worker and training), after setup.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jupyterEnv } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { python } = JSON.parse(fs.readFileSync(path.join(root, '.stable-eureka', 'python.json'), 'utf8'));

function step(name, cmd, args, env = {}) {
  process.stderr.write(`\n=== ${name}\n`);
  // JUPYTER_PATH: the kernel tests and headless notebook runs start this clone's kernelspec
  // (installed by setup into .stable-eureka/jupyter), not one installed elsewhere.
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...jupyterEnv(), ...env } });
  return r.status ?? 1;
}

/**
 * The notebook test exports a notebook to HTML and looks at it in headless Chromium, and the
 * browser tests (test/browser/) drive JupyterLab in it. Browsers are not downloaded from
 * anywhere but the distribution: Debian's chromium, installed once
 * with apt when the tests run as root and it is missing.
 */
function ensureChromium() {
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (has('chromium') || has('chromium-browser')) return;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    process.stderr.write('note: no chromium on PATH and no root apt-get to install it; the HTML screenshot test will say so\n');
    return;
  }
  process.stderr.write('\n=== installing Debian\'s chromium for the notebook HTML test (once)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}

ensureChromium();
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (process.argv.includes('--browser')) {
  // npm run test:browser: the notebooks in JupyterLab and Notebook 7, in Chromium (test/browser/)
  process.exit(step('Browser tests (vitest test/browser)', process.execPath, [vitest, 'run', 'test/browser']));
}
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const results = [
  // kernel-ext/preload.cjs and preload/ are plain CommonJS with JSDoc types, loaded as they are.
  ['kernel-ext types', step('Kernel preload type check (tsc -p kernel-ext/tsconfig.json)', process.execPath, [tsc, '-p', path.join('kernel-ext', 'tsconfig.json')])],
  ['pytest', step('Python tests (pytest)', python, ['-m', 'pytest', '-q', 'python/tests'], { PYTHONPATH: path.join(root, 'python') })],
  // test/browser/ included: the notebooks in JupyterLab and Notebook 7 (npm run test:browser alone)
  ['vitest', step('TypeScript tests (vitest)', process.execPath, [vitest, 'run'])],
];
const failed = results.filter(([, code]) => code !== 0).map(([name]) => name);
process.stderr.write(failed.length ? `\nfailed: ${failed.join(', ')}\n` : '\nall test suites passed\n');
process.exit(failed.length ? 1 : 0);
