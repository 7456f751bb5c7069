/**
 * Where the worker's Python lives: STABLE_EUREKA_PYTHON when set, else the venv that
 * `scripts/setup.mjs` made and recorded in .stable-eureka/python.json.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The package's root folder (holds python/, envs/, configs/), from src/ or dist/. */
export const packageRoot = path.resolve(__dirname, '..');

export function pythonPackageDir(): string {
  return path.join(packageRoot, 'python');
}

export function findPython(): string {
  const explicit = process.env.STABLE_EUREKA_PYTHON;
  if (explicit) return explicit;
  const record = path.join(packageRoot, '.stable-eureka', 'python.json');
  try {
    const { python } = JSON.parse(fs.readFileSync(record, 'utf8')) as { python: string };
    if (fs.existsSync(python)) return python;
  } catch {
    // fall through to the explanation below
  }
  throw new Error(
    `No Python environment for the training worker (looked for ${record}). ` +
      `Run 'npm run setup' in ${packageRoot}, or set STABLE_EUREKA_PYTHON to a Python with the packages of python/requirements.txt.`,
  );
}
