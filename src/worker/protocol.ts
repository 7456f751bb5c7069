/**
 * The worker's JSON-lines protocol, version 1 (python/PROTOCOL.md is the spec).
 * Types here mirror what the Python side sends; keys stay snake_case as on the wire.
 */

export const PROTOCOL_VERSION = 1;

export interface Hello {
  type: 'hello';
  protocol: number;
  pid: number;
  python: string;
  versions: Record<string, string>;
  cuda: boolean;
  cpus: number;
  max_jobs: number;
}

export interface ErrorBody {
  kind: 'bad_request' | 'unknown_method' | 'env_error' | 'protocol' | 'internal' | string;
  message: string;
  details: Record<string, unknown>;
}

export type Reply =
  | { type: 'reply'; id: string | null; ok: true; result: unknown }
  | { type: 'reply'; id: string | null; ok: false; error: ErrorBody };

export interface WorkerEvent {
  type: 'event';
  id: string;
  event: string;
  data: Record<string, unknown>;
}

export type Incoming = Hello | Reply | WorkerEvent;

/** The env a request is about: a folder in stable-eureka's layout. */
export interface EnvRef {
  env_dir: string;
  class_name?: string | null;
  kwargs?: Record<string, unknown> | null;
  max_episode_steps?: number | null;
}

/**
 * A registered gymnasium env, trained on its own reward (the benchmark run): train, evaluate
 * and render_gif only, with no reward code. The env reward is also the fitness; no components.
 */
export interface GymEnvRef {
  gym_id: string;
  kwargs?: Record<string, unknown> | null;
  /** null keeps the registered limit (an env folder's null means no limit). */
  max_episode_steps?: number | null;
}

/** What train, evaluate and render_gif take. */
export type JobEnvRef = EnvRef | GymEnvRef;

export interface Limits {
  wall_s?: number;
  memory_mb?: number;
}

export interface CallSite {
  args: string[];
  positional: string[];
  keywords: string[];
  line: number;
  text: string;
  signature: string;
}

export interface EnvDescription {
  env_dir: string;
  env_file: string;
  class_name: string;
  classes: string[];
  call_site: CallSite;
  fitness_call_site: CallSite | null;
  step_code: string;
  step_code_source: 'step.py' | 'env.py';
  task_description: string | null;
  initial_reward: string | null;
  warnings: string[];
  observation_space: string | null;
  action_space: string | null;
  observation_shape: number[] | null;
  action_shape: number[] | null;
  action_type: 'discrete' | 'continuous' | 'other' | null;
}

export type CheckStage = 'syntax' | 'structure' | 'signature' | 'forbidden' | 'names' | 'smoke' | 'ok';

export interface CheckProblem {
  stage: CheckStage;
  message: string;
  line: number | null;
  col: number | null;
}

export interface Stats {
  mean: number;
  min: number;
  max: number;
}

export interface CheckResult {
  passed: boolean;
  stage: CheckStage;
  errors: CheckProblem[];
  warnings: string[];
  llm_feedback: string;
  /**
   * The code in canonical form (ast.unparse without docstrings): equal for rewards that differ
   * only in whitespace, comments, docstrings or quote style. null when the code does not parse.
   */
  normalized: string | null;
  signature: string;
  components: string[] | null;
  smoke: {
    steps: number;
    episodes: number;
    reward: Stats;
    components: Record<string, Stats>;
    wall_s: number;
  } | null;
  failure?: JobFailure & { status: JobStatus };
  /** What the smoke run printed; absent when there was no smoke run. */
  output?: JobOutput;
}

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

export type JobStatus = 'succeeded' | 'failed' | 'timeout' | 'out_of_memory' | 'cancelled' | 'crashed';

export interface JobFailure {
  phase: string;
  reason: string;
  traceback: string | null;
  line: number | null;
  exit_code: number | null;
}

export interface EvalPoint {
  timesteps: number;
  fitness_mean: number;
  fitness_std: number;
  reward_mean: number;
  length_mean: number;
  components: Record<string, number>;
  episodes: { seed: number; fitness: number; reward: number; length: number }[];
  best: boolean;
}

export interface ProgressEvent {
  timesteps: number;
  total_timesteps: number;
  steps_per_s: number;
  elapsed_s: number;
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
}

export interface JobFailed {
  status: Exclude<JobStatus, 'succeeded'>;
  failure: JobFailure;
  output: JobOutput;
}

export type TrainResult = TrainSuccess | JobFailed;

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
}

export type EvaluateResult = EvaluateSuccess | JobFailed;

/** The config's `rl` section as stable-eureka writes it; passed to the worker as is. */
export interface RlSection {
  algo: string;
  algo_params?: Record<string, unknown>;
  architecture?: Record<string, unknown> | null;
  training: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
}

export interface TrainParams {
  env: JobEnvRef;
  /** The reward's source; required with an EnvRef, null or absent with a GymEnvRef. */
  code?: string | null;
  rl: RlSection;
  out_dir: string;
  total_timesteps?: number | null;
  init_model?: string | null;
  limits?: Limits;
  progress_interval_s?: number;
  torch_threads?: number;
  max_call_s?: number;
}

export interface EvaluateParams {
  env: JobEnvRef;
  /** The reward's source; required with an EnvRef, null or absent with a GymEnvRef. */
  code?: string | null;
  model: string;
  algo: string;
  episodes?: number;
  seed?: number;
  deterministic?: boolean;
  state_stack?: number;
  device?: string;
  gif?: { path: string; fps?: number; max_frames?: number; episode?: number } | null;
  limits?: Limits;
}

export interface CheckParams {
  env: EnvRef;
  code: string;
  smoke?: { steps?: number; seed?: number } | false;
  limits?: Limits;
  reward_file?: string;
  max_call_s?: number;
}
