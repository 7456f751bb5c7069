#!/usr/bin/env node
// `npm run notebook` (after setup): JupyterLab from the project's venv, opened on notebooks/,
// with this clone's "Stable Eureka (TypeScript)" kernel first on JUPYTER_PATH. Extra arguments
// go to `jupyter lab` (e.g. `npm run notebook -- --no-browser --port 8899`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jupyterEnv } from '../scripts/setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { python } = JSON.parse(fs.readFileSync(path.join(root, '.stable-eureka', 'python.json'), 'utf8'));
const notebooks = path.join(root, 'notebooks');
const args = ['-m', 'jupyterlab', `--ServerApp.root_dir=${notebooks}`];
// JupyterLab refuses to run as root unless told; as root (containers, CI) say so.
if (process.getuid?.() === 0) args.push('--allow-root');
args.push(...process.argv.slice(2));
const lab = spawn(python, args, { cwd: notebooks, stdio: 'inherit', env: { ...process.env, ...jupyterEnv() } });
// Ctrl-C reaches JupyterLab too (same terminal), which asks before it stops: wait for it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => lab.kill('SIGTERM'));
lab.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
lab.on('error', (err) => {
  process.stderr.write(`could not start JupyterLab with ${python}: ${err.message}\n`);
  process.exit(1);
});
