/**
 * The "Stable Eureka (TypeScript)" Jupyter kernelspec: tslab (pinned, in our node_modules)
 * started by this Node with kernel-ext/preload.cjs preloaded. The kernel.json is written by
 * hand with absolute paths, so installing needs neither Python's jupyter_client nor `tslab
 * install`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPython, packageRoot } from './pyenv';

export const KERNEL_NAME = 'stable-eureka-ts';
export const KERNEL_DISPLAY_NAME = 'Stable Eureka (TypeScript)';

export interface KernelOptions {
  /** A Jupyter data dir; the spec goes to <dataDir>/kernels/stable-eureka-ts. */
  dataDir?: string;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'signal' | 'message';
  metadata: Record<string, unknown>;
}

function jupyterDataDirFrom(jupyter: string): string | null {
  const r = spawnSync(jupyter, ['--data-dir'], { encoding: 'utf8', timeout: 30_000 });
  const dir = r.status === 0 ? r.stdout.trim().split('\n').pop()?.trim() : undefined;
  return dir ? dir : null;
}

/** The platform's default user data dir, as jupyter_core computes it without a jupyter. */
function defaultJupyterDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'jupyter');
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'jupyter');
}

/**
 * The user's Jupyter data dir: JUPYTER_DATA_DIR; else what `jupyter --data-dir` says (a
 * jupyter on PATH, else the one in our venv); else the platform's default.
 */
export function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  const candidates = [process.platform === 'win32' ? 'jupyter.exe' : 'jupyter'];
  try {
    const venvBin = path.dirname(findPython());
    candidates.push(path.join(venvBin, process.platform === 'win32' ? 'jupyter.exe' : 'jupyter'));
  } catch {
    // no venv yet: the default below
  }
  for (const jupyter of candidates) {
    if (path.isAbsolute(jupyter) && !fs.existsSync(jupyter)) continue;
    const dir = jupyterDataDirFrom(jupyter);
    if (dir) return dir;
  }
  return defaultJupyterDataDir();
}

/** Where the kernelspec goes: <data dir>/kernels/stable-eureka-ts. */
export function kernelSpecDir(opts: KernelOptions = {}): string {
  return path.join(path.resolve(opts.dataDir ?? jupyterDataDir()), 'kernels', KERNEL_NAME);
}

/** The tslab executable of our pinned dependency. */
export function tslabBin(): string {
  const pkg = require.resolve('tslab/package.json', { paths: [packageRoot] });
  return path.join(path.dirname(pkg), 'bin', 'tslab');
}

export function preloadPath(): string {
  return path.join(packageRoot, 'kernel-ext', 'preload.cjs');
}

/** The kernel.json content: absolute paths to this Node, our preload and our tslab. */
export function kernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, '-r', preloadPath(), tslabBin(), 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    // An interrupt arrives as interrupt_request on the control channel, not as SIGINT to the
    // kernel's process group: that SIGINT would also hit the library's Python worker and its
    // training jobs (KeyboardInterrupt kills the worker), where the preload instead aborts the
    // cell's signal and the worker cancels the jobs cleanly. SIGINT to the kernel process
    // alone still works (and also breaks a busy synchronous loop, which a message cannot).
    interrupt_mode: 'message',
    metadata: { stable_eureka: { package_root: packageRoot } },
  };
}

/** Write the kernelspec (idempotent: an unchanged kernel.json is left alone). Returns its dir. */
export function installKernel(opts: KernelOptions = {}): string {
  const spec = kernelSpec();
  for (const file of [spec.argv[0]!, spec.argv[2]!, spec.argv[3]!]) {
    if (!fs.existsSync(file)) throw new Error(`cannot install the kernel: ${file} does not exist (run 'npm run setup')`);
  }
  const dir = kernelSpecDir(opts);
  const file = path.join(dir, 'kernel.json');
  const text = JSON.stringify(spec, null, 2) + '\n';
  let current: string | null = null;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    // not installed yet
  }
  if (current !== text) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return dir;
}

/** Remove the kernelspec; false when it was not installed there. */
export function uninstallKernel(opts: KernelOptions = {}): boolean {
  const dir = kernelSpecDir(opts);
  if (!fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
