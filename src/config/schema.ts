/**
 * The config schema: the zod schemas (the single source of truth), the types inferred from
 * them and the constant lists (backends, algorithms, devices).
 *
 * Accepts stable-eureka's config format unchanged (same keys, same meaning) plus our own
 * optional additions, which are marked "Ours" below. Keys stay snake_case so a YAML file and
 * the object it becomes read the same.
 */
import { z } from 'zod';
import { DEFAULTS } from '../defaults';
import { LOCAL_MODEL_NAMES } from '../llm/localModels';

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
export const SELECTIONS = ['full', 'halving'] as const;
export const EXECUTORS = ['local', 'ray'] as const;

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
  /**
   * Extra HTTP headers of every LLM request, for gateways (OpenRouter's HTTP-Referer, Azure's
   * api-key). A value may name environment variables as `${NAME}`, so a secret stays out of the
   * file. Never written to the run folder (config/requestOptions.ts). Default: none.
   */
  headers: optionalSection(z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, expect('an HTTP header name')), z.string(expect('a string')), expect('a mapping of header names to strings'))),
  /**
   * The environment variable that holds the API key (default: OPENAI_API_KEY for 'openai';
   * for 'ollama' none, or this one sent as a bearer token). Never written to the run folder.
   */
  api_key_env: text().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, expect('an environment variable name')).nullable().default(null),
  /** LLM requests in flight at once. Default: 4. */
  concurrency: posInt().default(4),
  /**
   * How an iteration's training budget is spent: 'full' trains every sample to the end;
   * 'halving' stops a sample at a rung when it is outside the top 1/eta (run/halving.ts).
   * Default: 'halving' (bench/RESULTS.md: half the env steps, the same best in 11 of 12 cases).
   */
  selection: z.enum(SELECTIONS, expect("'full' or 'halving'")).default('halving'),
  /** Successive halving's settings (with selection 'halving'). */
  halving: optionalSection(
    section({
      /** Keep the top 1/eta of the samples at each rung. Default: 4 (tuned on bench/RESULTS.md's halving figures). */
      eta: z.number(expect('a number > 1')).gt(1, expect('a number > 1')).default(4),
      /** No sample is stopped before this fraction of the budget. Default: 0.25. */
      min_fraction: z.number(expect('a number between 0 and 1')).gt(0, expect('a number between 0 and 1')).lt(1, expect('a number between 0 and 1')).default(0.25),
    }),
  ),
};

export const EurekaSchema = section({
  /** 'ollama' | 'openai' | 'local' ('local' is ours). Required. */
  backend: z.enum(BACKENDS),
  /** Model name for the backend, e.g. 'llama3' or 'gpt-4o'; with 'local', one of LOCAL_MODEL_NAMES. Required. */
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

/** Ours: where jobs run. */
export const ComputeSchema = section({
  /** 'local': child processes of the worker on this machine; 'ray': tasks on a Ray cluster. Default: 'local'. */
  executor: z.enum(EXECUTORS, expect("'local' or 'ray'")).default('local'),
  /** The Ray cluster (with executor 'ray'). */
  ray: optionalSection(
    section({
      /** 'auto' (the cluster this machine belongs to) or 'host:port' of its head. Default: 'auto'. */
      address: text().default('auto'),
      /** CPUs each job asks of the cluster. Default: 1. */
      num_cpus: posNum().default(1),
      /** GPUs each job asks of the cluster, fractional allowed. Default: 0. */
      num_gpus: nonNegNum().default(0),
    }),
  ),
});

export const ConfigSchema = section({
  eureka: EurekaSchema,
  environment: EnvironmentSchema,
  experiment: ExperimentSchema,
  rl: RlSchema,
  /** Ours: where jobs run. Default: this machine. */
  compute: optionalSection(ComputeSchema),
}).refine((c) => c.eureka.backend !== 'local' || LOCAL_MODEL_NAMES.includes(c.eureka.model), {
  path: ['eureka', 'model'],
  error: `an embedded model, with backend 'local': ${LOCAL_MODEL_NAMES.join(' or ')}`,
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
export type Selection = (typeof SELECTIONS)[number];
export type ComputeConfig = Config['compute'];
export type ExecutorName = (typeof EXECUTORS)[number];
