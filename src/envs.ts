/**
 * Env folders: from what a user names (an env folder or a config file) to the EnvRef the
 * worker takes, and the folder described (call site, code shown to the LLM, spaces).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from './config/index';
import { getWorker, type PythonWorker } from './worker/client';
import type { EnvDescription, EnvRef } from './worker/protocol/index';

export interface EnvTarget {
  env: EnvRef;
  /** Set when the target was a config file. */
  loaded?: LoadedConfig;
}

export function envRefFromConfig(loaded: LoadedConfig): EnvRef {
  const e = loaded.config.environment;
  return { env_dir: loaded.envDir, class_name: e.class_name, kwargs: e.kwargs ?? {}, max_episode_steps: e.max_episode_steps };
}

const isConfigFile = (p: string) => /\.ya?ml$/i.test(p) && fs.existsSync(p) && fs.statSync(p).isFile();

/**
 * `target` is an env folder (stable-eureka layout) or a config file. With a folder, the class
 * is the one whose step() calls compute_reward unless `className` names one.
 */
export function resolveEnvTarget(target: string, opts: { className?: string; cwd?: string } = {}): EnvTarget {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, target);
  if (isConfigFile(abs)) {
    const loaded = loadConfig(abs, { cwd });
    const env = envRefFromConfig(loaded);
    return { env: opts.className ? { ...env, class_name: opts.className } : env, loaded };
  }
  return { env: { env_dir: abs, class_name: opts.className ?? null, kwargs: {}, max_episode_steps: null } };
}

/** The env folder as the LLM and the checks see it. */
export async function describeEnv(target: string | EnvRef, opts: { className?: string; worker?: PythonWorker } = {}): Promise<EnvDescription> {
  const env = typeof target === 'string' ? resolveEnvTarget(target, opts).env : target;
  const worker = opts.worker ?? (await getWorker());
  return worker.describeEnv(env);
}
