/**
 * The worker's JSON-lines protocol, version 1 (python/PROTOCOL.md says what it means).
 * Types here mirror what the Python side sends; keys stay snake_case as on the wire.
 *
 * The messages are defined once, in python/stable_eureka_worker/protocol.schema.json: every
 * type here has a `$defs` entry of the same name there, and test/protocol.test.ts fails when
 * the two differ (names, keys, optionality, value types) or when a real session's requests,
 * replies or events do not validate against the schema. The Python side's TypedDicts
 * (protocol_types.py) are checked against the same file.
 */

export const PROTOCOL_VERSION = 1;

// --- envelopes ----------------------------------------------------------------------------

export interface Hello {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  pid: number;
  python: string;
  versions: Record<string, string>;
  cuda: boolean;
  cpus: number;
  max_jobs: number;
}

export interface WorkerRequest {
  type: 'request';
  id: string;
  method: MethodName;
  /** The method's params; absent means {}. */
  params?: Record<string, unknown>;
}

export type ErrorKind = 'bad_request' | 'unknown_method' | 'env_error' | 'protocol' | 'internal';

export interface ErrorBody {
  kind: ErrorKind;
  message: string;
  /** bad_request: path (the key); env_error: file, hint; unknown_method: known; internal: traceback. */
  details: Record<string, unknown>;
}

export interface ReplyOk {
  type: 'reply';
  id: string | null;
  ok: true;
  result: unknown;
}

export interface ReplyError {
  type: 'reply';
  /** null when the line had no usable id (not JSON, not a request). */
  id: string | null;
  ok: false;
  error: ErrorBody;
}

export type Reply = ReplyOk | ReplyError;

export type EventName = 'queued' | 'started' | 'phase' | 'progress' | 'eval' | 'log';

/** Zero or more while a request runs; `data` is `Events[event]`. */
export interface WorkerEvent {
  type: 'event';
  id: string;
  event: EventName;
  data: Record<string, unknown>;
}

export type Incoming = Hello | Reply | WorkerEvent;

// --- events -------------------------------------------------------------------------------

export interface QueuedEvent {
  /** Jobs ahead of this one. */
  position: number;
}

export interface StartedEvent {
  /** The job process. */
  pid: number;
}

export interface PhaseEvent {
  /** load_env, bind_reward, build_model, smoke, train, evaluate, render, save */
  phase: string;
}

export interface ProgressEvent {
  timesteps: number;
  total_timesteps: number;
  /** Since the previous progress event. */
  steps_per_s: number;
  elapsed_s: number;
}

export interface LogEvent {
  /** 'warning' (the only level sent today) */
  level: string;
  message: string;
}

/** Each event's data (the schema's x-events). */
export interface Events {
  queued: QueuedEvent;
  started: StartedEvent;
  phase: PhaseEvent;
  progress: ProgressEvent;
  eval: EvalPoint;
  log: LogEvent;
}

/** An event and its data, as a pair that narrows together: `if (event === 'eval') data.fitness_mean`. */
export type EventArgs = { [E in EventName]: [event: E, data: Events[E]] }[EventName];

// --- shared parameter objects -------------------------------------------------------------

/** The env a request is about: a folder in stable-eureka's layout. */
export interface EnvRef {
  /** Absolute path. */
  env_dir: string;
  /** null: the one class whose step() calls self.compute_reward. */
  class_name?: string | null;
  kwargs?: Record<string, unknown> | null;
  /** null: no limit. */
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

/** Defaults per task in the worker's defaults.json. */
export interface Limits {
  wall_s?: number;
  memory_mb?: number;
}

/** Reward containment layers, all on when absent; only tests switch one off. */
export interface Containment {
  audit_hook?: boolean;
  fitness_integrity?: boolean;
  os_isolation?: boolean;
}

// --- ping, cancel, jobs, shutdown ---------------------------------------------------------

export type EmptyParams = Record<string, never>;

export interface PingResult {
  pong: true;
}

export interface CancelParams {
  /** The request id of a job. */
  id: string;
}

export interface CancelResult {
  /** false when no such job runs or waits; the job's own reply then comes with status 'cancelled'. */
  cancelled: boolean;
}

export interface JobsResult {
  running: string[];
  queued: string[];
  max_jobs: number;
}

export interface ShutdownResult {
  bye: true;
}

// --- describe_env -------------------------------------------------------------------------

export interface DescribeEnvParams {
  env: EnvRef;
}

/** How env.py calls a method on self. */
export interface CallSite {
  /** Parameter names to suggest. */
  args: string[];
  /** Source text of each positional argument. */
  positional: string[];
  keywords: string[];
  line: number;
  text: string;
  /** The def line a reward must have. */
  signature: string;
  has_star_args: boolean;
  method: string;
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
  /** null when the env could not be created (see warnings). */
  observation_space: string | null;
  action_space: string | null;
  observation_shape: number[] | null;
  action_shape: number[] | null;
  action_type: 'discrete' | 'continuous' | 'other' | null;
  /** The modules reward code may import (the worker's allow-list), for the prompt. */
  allowed_modules: string[];
}

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

export interface JobFailed {
  status: FailedStatus;
  failure: JobFailure;
  output: JobOutput;
}

// --- train --------------------------------------------------------------------------------

/**
 * The config's `rl` section (src/config.ts, RlSchema) as the worker takes it: as parsed, or
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
}

export type EvaluateResult = EvaluateSuccess | JobFailed;

// --- the methods --------------------------------------------------------------------------

/** Each method's params, result and the events it may send (the schema's x-methods). */
export interface Methods {
  ping: { params: EmptyParams; result: PingResult; events: never };
  describe_env: { params: DescribeEnvParams; result: EnvDescription; events: 'queued' | 'started' | 'phase' };
  check_reward: { params: CheckParams; result: CheckResult; events: 'queued' | 'started' | 'phase' };
  train: { params: TrainParams; result: TrainResult; events: EventName };
  evaluate: { params: EvaluateParams; result: EvaluateResult; events: 'queued' | 'started' | 'phase' | 'log' };
  render_gif: { params: EvaluateParams; result: EvaluateResult; events: 'queued' | 'started' | 'phase' | 'log' };
  cancel: { params: CancelParams; result: CancelResult; events: never };
  jobs: { params: EmptyParams; result: JobsResult; events: never };
  shutdown: { params: EmptyParams; result: ShutdownResult; events: never };
}

export type MethodName = keyof Methods;
