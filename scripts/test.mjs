#!/usr/bin/env node
// Every test: TypeScript (vitest, real worker and training) and Python (pytest), after setup.
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

const results = [
  ['pytest', step('Python tests (pytest)', python, ['-m', 'pytest', '-q', 'python/tests'], { PYTHONPATH: path.join(root, 'python') })],
  ['vitest', step('TypeScript tests (vitest)', process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'])],
];
const failed = results.filter(([, code]) => code !== 0).map(([name]) => name);
process.stderr.write(failed.length ? `\nfailed: ${failed.join(', ')}\n` : '\nall test suites passed\n');
process.exit(failed.length ? 1 : 0);
