/**
 * The methods that run reward code as a job: check_reward (with its smoke run), train,
 * evaluate and render_gif. Their params, what a job printed, and how a job fails.
 */
import type { Containment, EnvRef, JobEnvRef, Limits } from './env';

// --- check_reward -------------------------------------------------------------------------

export interface SmokeParams {
  steps?: number;
  seed?: number;
}

export interface CheckParams {
  env: EnvRef;
  code: string;
  /** false skips the smoke run. */
  smoke?: SmokeParams | false;
  limits?: Limits;
  /** The name tracebacks give the reward (default reward.py). */
  reward_file?: string;
  max_call_s?: number;
}

export type CheckStage = 'syntax' | 'structure' | 'signature' | 'forbidden' | 'names' | 'smoke' | 'ok';

export interface CheckProblem {
  stage: CheckStage;
  /** The problem's line of src/prompts/problems.md, filled from `params` (prompts.ts checkFailureText). */
  code: string;
  params: Record<string, string | number>;
  /** That line filled in by the worker, from the shipped problems.md. */
  message: string;
  line: number | null;
  col: number | null;
}

export interface Stats {
  mean: number;
  min: number;
  max: number;
}

export interface SmokeSummary {
  steps: number;
  episodes: number;
  reward: Stats;
  components: Record<string, Stats>;
  wall_s: number;
}

/** A JobFailure with the smoke job's status. */
export interface SmokeFailure extends JobFailure {
  status: FailedStatus;
}

export interface CheckResult {
  passed: boolean;
  stage: CheckStage;
  errors: CheckProblem[];
  warnings: string[];
  /** All errors phrased for an LLM; '' when passed. */
  /**
   * The code in canonical form (ast.unparse without docstrings): equal for rewards that differ
   * only in whitespace, comments, docstrings or quote style. null when the code does not parse.
   */
  normalized: string | null;
  signature: string;
  components: string[] | null;
  smoke: SmokeSummary | null;
  /** Only when the smoke run failed. */
  failure?: SmokeFailure;
  /** What the smoke run printed; absent when there was no smoke run. */
  output?: JobOutput;
  /** Where the smoke run ran; absent when there was none. */
  where?: JobWhere;
}

// --- jobs ---------------------------------------------------------------------------------

/**
 * What a job printed (its stdout and stderr, one pipe): never on the worker's stdout or, as
 * is, its stderr. `log` is `<out_dir>/job_output.log` (at most 1 MiB: the start, a line
 * saying how many bytes were dropped, the last 32 KiB) when the job has an out_dir and printed
 * something, else null.
 */
export interface JobOutput {
  /** Bytes printed in all. */
  bytes: number;
  /** Bytes kept neither in the log nor in `tail`. */
  dropped: number;
  /** The last ~4 KiB, decoded as UTF-8 (invalid bytes replaced). */
  tail: string;
  log: string | null;
}

export type FailedStatus = 'failed' | 'timeout' | 'out_of_memory' | 'cancelled' | 'crashed';

export type JobStatus = 'succeeded' | FailedStatus;

export interface JobFailure {
  /** load_env, bind_reward, build_model, smoke, train, evaluate, render, save (start, queued or supervise when it never got that far) */
  phase: string;
  /** One sentence; starts with 'blocked:' when containment stopped the reward. */
  reason: string;
  traceback: string | null;
  /** The reward code's line, when known. */
  line: number | null;
  exit_code: number | null;
}

/** Where a job ran and for how long. */
export interface JobWhere {
  executor: 'local' | 'ray';
  /** Ray's node id of the last attempt; null locally or when it never started. */
  node_id: string | null;
  host: string | null;
  ip: string | null;
  /** From leaving the queue to the result, every attempt. */
  wall_s: number;
  /** 1; 2 after a lost node; 0 when cancelled while queued. */
  attempts: number;
}

export interface JobFailed {
  status: FailedStatus;
  failure: JobFailure;
  output: JobOutput;
  where?: JobWhere;
}

// --- train --------------------------------------------------------------------------------

/**
 * The config's `rl` section (src/config/schema.ts, RlSchema) as the worker takes it: as parsed, or
 * with the keys that have defaults left out (the worker fills those in). A parsed config's
 * `config.rl` is one as it is.
 */
export interface RlSection {
  algo: 'ppo' | 'sac' | 'dqn' | 'td3' | 'ddpg';
  /** SB3 constructor kwargs; policy defaults to MlpPolicy. */
  algo_params?: Record<string, unknown>;
  architecture?: RlArchitecture | null;
  training: RlTraining;
  evaluation?: RlEvaluation;
}

export interface RlArchitecture {
  net_arch?: number[] | RlNetArch | null;
  /** A torch.nn class name. */
  activation_fn?: string | null;
  share_features_extractor?: boolean | null;
}

export interface RlNetArch {
  pi?: number[];
  vf?: number[];
  qf?: number[];
}

export interface RlTraining {
  torch_compile?: boolean;
  seed?: number;
  eval?: RlTrainingEval;
  /** The request's total_timesteps overrides it. */
  total_timesteps: number;
  device?: 'cpu' | 'cuda' | 'auto';
  num_envs?: number;
  state_stack?: number;
  is_atari?: boolean;
  multithreaded?: boolean;
  /** Not read by the worker: the request's limits apply. */
  limits?: Limits;
  /** Not read by the worker. */
  max_parallel?: number | null;
}

export interface RlTrainingEval {
  seed?: number;
  num_episodes?: number;
  num_evals?: number;
}

/** Not read by the worker: the client sends the final evaluation's settings in evaluate's params. */
export interface RlEvaluation {
  seed?: number;
  num_episodes?: number;
  save_gif?: boolean;
}

export interface TrainParams {
  env: JobEnvRef;
  /** The reward's source; required with an EnvRef, null or absent with a GymEnvRef. */
  code?: string | null;
  rl: RlSection;
  /** Absolute path. */
  out_dir: string;
  /** Overrides rl.training.total_timesteps. */
  total_timesteps?: number | null;
  /** Warm start from these weights. */
  init_model?: string | null;
  limits?: Limits;
  progress_interval_s?: number;
  torch_threads?: number;
  max_call_s?: number;
  containment?: Containment;
}

export interface EvalEpisode {
  seed: number;
  fitness: number;
  reward: number;
  length: number;
}

/** One evaluation during training: the eval event's data, and evals.json's rows. */
export interface EvalPoint {
  timesteps: number;
  fitness_mean: number;
  fitness_std: number;
  reward_mean: number;
  length_mean: number;
  /** Mean episode sum of each component. */
  components: Record<string, number>;
  episodes: EvalEpisode[];
  best: boolean;
}

export interface TrainSuccess {
  status: 'succeeded';
  timesteps: number;
  wall_s: number;
  /** Seconds of wall_s spent in evaluations. */
  eval_s: number;
  /** Steps per second over the whole job, evaluations included. */
  steps_per_s: number;
  /** Steps per second of training alone (wall_s - eval_s). */
  train_steps_per_s: number;
  device: string;
  algo: string;
  components: string[];
  evals: EvalPoint[];
  best: EvalPoint | null;
  final: EvalPoint | null;
  best_model: string;
  final_model: string;
  tensorboard_dir: string;
  evals_file: string;
  /** null when trained on a GymEnvRef (no reward code). */
  reward_file: string | null;
  env_copy_file: string | null;
  warnings: string[];
  output: JobOutput;
  where?: JobWhere;
}

export type TrainResult = TrainSuccess | JobFailed;

// --- evaluate, render_gif -----------------------------------------------------------------

export interface GifParams {
  path: string;
  fps?: number;
  max_frames?: number;
  /** Which episode is recorded. */
  episode?: number;
}

/** evaluate's params, and render_gif's (which needs gif and runs one episode). */
export interface EvaluateParams {
  env: JobEnvRef;
  /** The reward's source; required with an EnvRef, null or absent with a GymEnvRef. */
  code?: string | null;
  /** A saved model's path. */
  model: string;
  algo: string;
  episodes?: number;
  /** Episode i is reset with seed + i. */
  seed?: number;
  deterministic?: boolean;
  state_stack?: number;
  /** cpu, cuda, cuda:N or auto. */
  device?: string;
  gif?: GifParams | null;
  limits?: Limits;
  torch_threads?: number;
  max_call_s?: number;
  reward_file?: string;
  containment?: Containment;
}

export interface EpisodeResult {
  seed: number;
  fitness: number;
  reward: number;
  length: number;
  components: Record<string, number>;
}

export interface EvaluateSuccess {
  status: 'succeeded';
  episodes: EpisodeResult[];
  fitness_mean: number;
  fitness_std: number;
  fitness_min: number;
  fitness_max: number;
  reward_mean: number;
  length_mean: number;
  components: Record<string, number>;
  gif: string | null;
  gif_frames: number;
  output: JobOutput;
  where?: JobWhere;
}

export type EvaluateResult = EvaluateSuccess | JobFailed;
