/**
 * Loading a config: reading and parsing the YAML (as PyYAML reads it), validating it against
 * the schema, finding the environment folder, and applying command-line overrides.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import { ConfigError, fallbackPhrase, kind, toIssues } from './errors';
import { ConfigSchema, type Backend, type ComputeConfig, type Config, type ExecutorName } from './schema';
import { DEFAULT_LOCAL_MODEL, LOCAL_MODEL_NAMES } from '../llm/localModels';

export interface LoadOptions {
  /** Folder that `envs/<name>` is looked up in first, as stable-eureka does. Default: process.cwd(). */
  cwd?: string;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  config: Config;
  /** Absolute path of the environment folder (holds env_code/env.py or env.py). */
  envDir: string;
}

/** Reads, parses, validates a config file and resolves its env folder. Throws ConfigError. */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const abs = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read it (${(e as Error).message})`;
    throw new ConfigError(file, [{ keyPath: '', problem: why, hint: `Check the path (resolved to ${abs}).` }]);
  }
  return parseConfig(text, file, opts);
}

/** Like loadConfig, for YAML text; `file` names it in errors and anchors relative paths. */
export function parseConfig(text: string, file: string, opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const config = validateConfig(parseYaml(text, file), file);
  return { file: path.resolve(cwd, file), config, envDir: resolveEnvDir(config, file, cwd) };
}

/** Validates already-parsed data (no file system access). Throws ConfigError. */
export function validateConfig(raw: unknown, file: string): Config {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const problem = raw == null ? 'the config is empty' : `the top level is ${kind(raw)}, not a mapping`;
    throw new ConfigError(file, [{ keyPath: '', problem, hint: 'Write the sections eureka, environment, experiment and rl.' }]);
  }
  const result = ConfigSchema.safeParse(raw, { error: fallbackPhrase });
  if (result.success) return result.data;
  throw new ConfigError(file, toIssues(result.error.issues, raw));
}

/**
 * YAML 1.1, like PyYAML (which stable-eureka uses), so `1_000_000` is a number. PyYAML does not
 * read the 1.1 booleans y/Y/n/N, so neither do we: `{x: 1, y: 2}` keeps its key 'y'.
 */
const pyyamlTags = (tags: Tags): Tags =>
  tags.map((t) =>
    typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:bool'
      ? t
      : ({ ...t, test: t.identify?.(true) ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/ } as ScalarTag),
  );

export function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        keyPath: '',
        line: e.linePos?.[0].line,
        col: e.linePos?.[0].col,
        problem: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        hint: 'Fix the YAML syntax there (indentation, quotes, brackets, a space after each colon).',
      })),
    );
  }
  return doc.toJS();
}

// ---------------------------------------------------------------------------------------------
// Environment folder
// ---------------------------------------------------------------------------------------------

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * Finds the environment folder. `environment.env_dir`, if set, is relative to the config file's
 * folder. Otherwise tries, in order: `<cwd>/envs/<name>` (as stable-eureka does),
 * `<config folder>/envs/<name>`, `<config folder>/../envs/<name>`. The folder must contain
 * `env_code/env.py` or `env.py`. Throws ConfigError.
 */
export function resolveEnvDir(config: Config, configFile: string, cwd: string = process.cwd()): string {
  const { name, env_dir } = config.environment;
  const configDir = path.dirname(path.resolve(cwd, configFile));
  const fail = (keyPath: string, problem: string, hint: string) => new ConfigError(configFile, [{ keyPath, problem, hint }]);

  let dir: string;
  let key: string;
  if (env_dir !== null) {
    key = 'environment.env_dir';
    dir = path.resolve(configDir, env_dir);
    if (!isDir(dir)) {
      throw fail(key, `folder ${dir} does not exist`, `Set ${key} to the env folder, relative to ${configDir}.`);
    }
  } else {
    key = 'environment.name';
    const tried = [...new Set([path.join(cwd, 'envs', name), path.join(configDir, 'envs', name), path.join(configDir, '..', 'envs', name)].map((p) => path.resolve(p)))];
    const found = tried.find(isDir);
    if (!found) {
      throw fail(
        key,
        `no env folder '${name}' found; tried ${tried.join(', ')}`,
        `Create one of them with env_code/env.py, fix ${key}, or set environment.env_dir to the folder (relative to the config file).`,
      );
    }
    dir = found;
  }
  if (!existsSync(path.join(dir, 'env_code', 'env.py')) && !existsSync(path.join(dir, 'env.py'))) {
    throw fail(
      key,
      `env folder ${dir} has no env_code/env.py (or env.py)`,
      `Put the gymnasium env class '${config.environment.class_name}' in ${path.join(dir, 'env_code', 'env.py')}.`,
    );
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------------------------

export interface Overrides {
  iterations?: number;
  samples?: number;
  /** rl.training.total_timesteps */
  timesteps?: number;
  backend?: Backend;
  model?: string;
  /** eureka.host: the LLM server (where, not what: may change on resume). */
  host?: string;
  /** compute.executor, and compute.ray.address (which implies executor 'ray'). */
  executor?: ExecutorName;
  rayAddress?: string;
}

/**
 * Returns a new config with the given values replaced (undefined ones are ignored), validated
 * like a file; errors name `source` as the file. The input is not modified.
 */
export function applyOverrides(config: Config, o: Overrides, source = 'overrides'): Config {
  const next = structuredClone(config);
  if (o.iterations !== undefined) next.eureka.iterations = o.iterations;
  if (o.samples !== undefined) next.eureka.samples = o.samples;
  if (o.timesteps !== undefined) next.rl.training.total_timesteps = o.timesteps;
  if (o.backend !== undefined) next.eureka.backend = o.backend;
  if (o.model !== undefined) next.eureka.model = o.model;
  // `--backend local` on a config written for a server: its model is a server's, so the default
  else if (o.backend === 'local' && !LOCAL_MODEL_NAMES.includes(next.eureka.model)) next.eureka.model = DEFAULT_LOCAL_MODEL;
  if (o.host !== undefined) next.eureka.host = o.host;
  next.compute = computeWith(next.compute, o);
  return validateConfig(next, source);
}

/** The compute section with --executor / --ray-address applied (an address means Ray). */
export function computeWith(compute: ComputeConfig, o: Pick<Overrides, 'executor' | 'rayAddress'>): ComputeConfig {
  const next = structuredClone(compute);
  if (o.executor !== undefined) next.executor = o.executor;
  if (o.rayAddress !== undefined) {
    next.executor = o.executor ?? 'ray';
    next.ray.address = o.rayAddress;
  }
  return next;
}
