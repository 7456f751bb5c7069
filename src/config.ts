/**
 * YAML config in, validated typed config out.
 *
 * Accepts stable-eureka's config format unchanged (same keys, same meaning) plus our own
 * optional additions, which are marked "Ours" below. The zod schema is the single source of
 * truth: types are inferred from it and every validation problem is turned into a
 * {@link ConfigError} by {@link toIssues}.
 *
 * Keys stay snake_case so a YAML file and the object it becomes read the same.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import { z } from 'zod';
import { DEFAULTS } from './defaults';

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/** Every leaf carries a phrase naming what it expects; error messages are built from it. */
const expect = (phrase: string) => ({ error: phrase });
const posInt = () => z.int(expect('a positive integer')).positive(expect('a positive integer'));
const nonNegInt = () => z.int(expect('an integer >= 0')).nonnegative(expect('an integer >= 0'));
const posNum = () => z.number(expect('a number > 0')).positive(expect('a number > 0'));
const nonNegNum = () => z.number(expect('a number >= 0')).nonnegative(expect('a number >= 0'));
const bool = () => z.boolean(expect('true or false'));
const text = () => z.string(expect('a string')).min(1, expect('a non-empty string'));
const section = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, expect('a mapping'));
/** An optional section: missing or `null` means "all defaults". */
const optionalSection = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

export const BACKENDS = ['ollama', 'openai', 'local'] as const;
export const ALGOS = ['ppo', 'sac', 'dqn', 'td3', 'ddpg'] as const;
export const DEVICES = ['cpu', 'cuda', 'auto'] as const;

/** Ours: keys stable-eureka does not have. All optional. */
const eurekaOurs = {
  /** Ollama host or OpenAI-compatible base URL. Default: null (the backend's own default). */
  host: text().nullable().default(null),
  /** Seconds before one LLM request is abandoned. Default: 300. */
  timeout_s: posNum().default(300),
  /** Retries of a failed LLM request (network/HTTP errors). Default: 3. */
  max_retries: nonNegInt().default(3),
  /** How many times a reward that fails its checks goes back to the LLM for a fix. Default: 2. */
  check_retries: nonNegInt().default(2),
  /** LLM requests in flight at once. Default: 4. */
  concurrency: posInt().default(4),
};

export const EurekaSchema = section({
  /** 'ollama' | 'openai' | 'local' ('local' is ours). Required. */
  backend: z.enum(BACKENDS),
  /** Model name for the backend, e.g. 'llama3' or 'gpt-4o'. Required. */
  model: text(),
  /** Sampling temperature, >= 0. Default: 1.0. */
  temperature: nonNegNum().default(1.0),
  /** Number of eureka iterations. Default: 5. */
  iterations: posInt().default(5),
  /** Reward samples per iteration. Default: 8. */
  samples: posInt().default(8),
  /** Minutes to sleep after each LLM generation (ollama only). Default: 0. */
  sleep_time_per_iteration: nonNegNum().default(0),
  /** Add envs/<name>/initial_reward_prompt.txt to the first prompt, if present. Default: false. */
  use_initial_reward_prompt: bool().default(false),
  /** Start each training from the best model so far. Default: false. */
  pretraining_with_best_model: bool().default(false),
  ...eurekaOurs,
});

export const EnvironmentSchema = section({
  /** Folder under envs/ holding env_code/env.py, step.py, task_description.txt. Required. */
  name: text(),
  /** Episode truncation; null means the env's own limit. Default: null. */
  max_episode_steps: posInt().nullable().default(null),
  /** Name of the gymnasium.Env class in env.py. Required. */
  class_name: text().regex(/^[A-Za-z_]\w*$/, expect('a Python class name')),
  /** Keyword arguments for the env constructor (free-form). null or missing -> {}. */
  kwargs: optionalSection(z.record(z.string(), z.unknown(), expect('a mapping or null'))),
  /** Registered gymnasium id trained with the env's own reward for comparison, or null. Default: null. */
  benchmark: text().nullable().default(null),
  /** Ours: explicit env folder, relative to the config file's folder; overrides `name` lookup. Default: null. */
  env_dir: text().nullable().default(null),
});

export const ExperimentSchema = section({
  /** Folder holding all experiments. Default: 'experiments'. */
  parent: text().default('experiments'),
  /** Folder of this experiment under `parent`. Required. */
  name: text(),
  /** Add a date folder under the experiment folder. Default: true. */
  use_datetime: bool().default(true),
  /** Ours: fitness of a sparse/random baseline, for the human-normalised score. Default: null. */
  sparse_baseline: z.number(expect('a number or null')).nullable().default(null),
  /** Ours: fitness of the human-written reward, for the human-normalised score. Default: null. */
  human_baseline: z.number(expect('a number or null')).nullable().default(null),
}).refine((e) => e.sparse_baseline === null || e.sparse_baseline !== e.human_baseline, {
  path: ['human_baseline'],
  error: 'a number other than experiment.sparse_baseline (the two must differ)',
});

const layers = z.array(posInt(), expect('a list of layer sizes'));
export const ArchitectureSchema = section({
  /** SB3 net_arch: a list like [64, 64] or a mapping like {pi: [64, 64], vf: [64, 64]}. Default: SB3's. */
  net_arch: z
    .union([layers, section({ pi: layers.optional(), vf: layers.optional(), qf: layers.optional() })], {
      error: 'a list like [64, 64] or a mapping like {pi: [64, 64], vf: [64, 64]}',
    })
    .nullable()
    .default(null),
  /** A torch.nn activation class name. Default: null, SB3's own (Tanh for PPO, ReLU for SAC/TD3/DQN). */
  activation_fn: text().regex(/^[A-Za-z_]\w*$/, expect("a torch.nn class name such as 'ReLU'")).nullable().default(null),
  /** Share the features extractor between actor and critic. Default: null, SB3's own. */
  share_features_extractor: bool().nullable().default(null),
});

export const TrainingSchema = section({
  /** torch.compile the policy. Default: false. */
  torch_compile: bool().default(false),
  /** Training seed. Default: 0. */
  seed: nonNegInt().default(0),
  /** Evaluations during training. Defaults: `training_eval` of the worker's defaults.json. */
  eval: optionalSection(
    section({
      seed: nonNegInt().default(DEFAULTS.training_eval.seed),
      num_episodes: posInt().default(DEFAULTS.training_eval.num_episodes),
      num_evals: posInt().default(DEFAULTS.training_eval.num_evals),
    }),
  ),
  /** Environment steps per training run (`1_000_000` is fine). Required. */
  total_timesteps: posInt(),
  /** 'cpu' | 'cuda' | 'auto'. Default: 'auto'. */
  device: z.enum(DEVICES).default('auto'),
  /** Parallel envs per training run. Default: 1. */
  num_envs: posInt().default(1),
  /** Frames stacked per observation. Default: 1. */
  state_stack: posInt().default(1),
  /** Apply the Atari wrappers. Default: false. */
  is_atari: bool().default(false),
  /** Read by stable-eureka's make_env (subprocess vector env). Default: false. */
  multithreaded: bool().default(false),
  /** Ours: per training run limits. Defaults: `limits.train` of the worker's defaults.json. */
  limits: optionalSection(
    section({
      wall_s: posNum().default(DEFAULTS.limits.train.wall_s),
      memory_mb: posInt().default(DEFAULTS.limits.train.memory_mb),
    }),
  ),
  /** Ours: training runs at once; null = one per CPU core. Default: null. */
  max_parallel: posInt().nullable().default(null),
});

export const EvaluationSchema = section({
  /** Seed of the final evaluation. Default: `evaluation.seed` of the worker's defaults.json. */
  seed: nonNegInt().default(DEFAULTS.evaluation.seed),
  /** Episodes of the final evaluation. Default: `evaluation.num_episodes` of the worker's defaults.json. */
  num_episodes: posInt().default(DEFAULTS.evaluation.num_episodes),
  /** Save a gif of the best model. Default: true. */
  save_gif: bool().default(true),
});

export const RlSchema = section({
  /** 'ppo' | 'sac' | 'dqn' | 'td3' | 'ddpg'. Required. */
  algo: z.enum(ALGOS),
  /** SB3 constructor kwargs, free-form. Default: {} with policy 'MlpPolicy'. */
  algo_params: optionalSection(z.looseObject({ policy: text().default('MlpPolicy') }, expect('a mapping'))),
  /** policy_kwargs for SB3; null means SB3's default network. Default: null. */
  architecture: ArchitectureSchema.nullable().default(null),
  /** Required (for total_timesteps). */
  training: TrainingSchema,
  /** Final evaluation. Defaults: EvaluationSchema's. */
  evaluation: optionalSection(EvaluationSchema),
});

export const ConfigSchema = section({
  eureka: EurekaSchema,
  environment: EnvironmentSchema,
  experiment: ExperimentSchema,
  rl: RlSchema,
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type EurekaConfig = Config['eureka'];
export type EnvironmentConfig = Config['environment'];
export type ExperimentConfig = Config['experiment'];
export type RlConfig = Config['rl'];
export type ArchitectureConfig = z.infer<typeof ArchitectureSchema>;
export type TrainingConfig = RlConfig['training'];
export type EvaluationConfig = RlConfig['evaluation'];
export type Backend = (typeof BACKENDS)[number];
export type Algo = (typeof ALGOS)[number];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export interface ConfigIssue {
  /** Dotted key path, e.g. 'rl.training.eval.num_episodes'; '' for YAML syntax and whole-file errors. */
  keyPath: string;
  /** What is wrong, without a trailing period. */
  problem: string;
  /** How to fix it, a full sentence. */
  hint: string;
  /** 1-based position, for YAML syntax errors. */
  line?: number;
  col?: number;
}

/** One or more problems with a config file. `keyPath`/`hint` are those of the first problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly keyPath: string;
  readonly hint: string;
  readonly line: number | undefined;
  readonly col: number | undefined;

  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}: ${where(i)}${i.problem}. ${i.hint}`).join('\n'));
    const first = issues[0];
    this.keyPath = first?.keyPath ?? '';
    this.hint = first?.hint ?? '';
    this.line = first?.line;
    this.col = first?.col;
  }
}

/** 'key.path: ', 'line 3, column 5: ' or '' (for the file as a whole). */
const where = (i: ConfigIssue) =>
  i.keyPath ? `${i.keyPath}: ` : i.line !== undefined ? `line ${i.line}, column ${i.col}: ` : '';

/** Fallback phrases for schema parts without their own (free-form mappings, enums, ...). */
const fallbackPhrase: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    return { object: 'a mapping', record: 'a mapping', array: 'a list' }[iss.expected as string] ?? `a ${iss.expected}`;
  }
  return undefined;
};

/** Turns zod issues into ConfigIssues: the one place where messages are written. */
function toIssues(zodIssues: z.core.$ZodIssue[], raw: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const typoTargets = new Set<string>();
  for (const iss of zodIssues) {
    const keyPath = iss.path.join('.');
    const value = valueAt(raw, iss.path);
    const want = iss.message;
    if (iss.code === 'unrecognized_keys') {
      const known = knownKeys(iss.path);
      for (const key of iss.keys) {
        const guess = closest(key, known);
        if (guess) typoTargets.add([...iss.path, guess].join('.'));
        out.push({
          keyPath: [...iss.path, key].join('.'),
          problem: `unknown key '${key}'`,
          hint: guess
            ? `Did you mean '${guess}'?`
            : `Remove it; known keys${keyPath ? ` under ${keyPath}` : ''} are ${known.join(', ')}.`,
        });
      }
    } else if (iss.code === 'invalid_type' && value == null && iss.expected === 'object') {
      const key = String(iss.path.at(-1) ?? '');
      out.push({
        keyPath,
        problem: `required section '${key}' is ${value === null ? 'empty' : 'missing'}`,
        hint: `Add the '${key}:' section${iss.path.length > 1 ? ` under ${iss.path.slice(0, -1).join('.')}` : ''} with its keys.`,
      });
    } else if (value === undefined) {
      const to = iss.code === 'invalid_value' ? `one of ${iss.values.join(', ')}` : want;
      out.push({ keyPath, problem: 'required key is missing', hint: `Set ${keyPath} to ${to}.` });
    } else if (iss.code === 'invalid_value') {
      out.push({
        keyPath,
        problem: `${show(value)} is not one of ${iss.values.join(', ')}`,
        hint: `Set ${keyPath} to one of them.`,
      });
    } else {
      const typeMismatch = iss.code === 'invalid_type' && value !== null && !(iss.expected === 'int' && typeof value === 'number');
      out.push({
        keyPath,
        problem: typeMismatch ? `${show(value)} is ${kind(value)}, not ${want}` : `${show(value)} is not ${want}`,
        hint: `Set ${keyPath} to ${want}.`,
      });
    }
  }
  // A typo ('trainig') also makes the real key ('training') missing: report only the typo.
  return out.filter((i) => !(typoTargets.has(i.keyPath) && i.problem.endsWith('missing')));
}

function valueAt(raw: unknown, p: PropertyKey[]): unknown {
  let v = raw;
  for (const k of p) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

type Def = {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  options?: z.core.$ZodType[];
};

/** Keys of the strict object at `p` in ConfigSchema (for "did you mean"). */
function knownKeys(p: PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = ConfigSchema;
  let i = 0;
  while (s) {
    const def = s._zod.def as unknown as Def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = def.out?._zod.def.type === 'transform' ? def.in : def.out;
    else if (def.type === 'union') s = def.options?.find((o) => o._zod.def.type === 'object');
    else if (def.type === 'object' && def.shape) {
      if (i === p.length) return Object.keys(def.shape);
      s = def.shape[String(p[i++])];
    } else return [];
  }
  return [];
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

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

function parseYaml(text: string, file: string): unknown {
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
  return validateConfig(next, source);
}
