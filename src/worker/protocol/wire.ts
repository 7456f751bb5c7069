/**
 * The wire: the envelopes every line is (hello, request, reply, event), the errors, each
 * event's data, the small methods (ping, cancel, jobs, shutdown) and the map of every method's
 * params, result and events. The payloads of the other methods are in env.ts (the env a request
 * is about, describe_env) and jobs.ts (check_reward, train, evaluate, render_gif).
 */
import type { DescribeEnvParams, EnvDescription } from './env';
import type { CheckParams, CheckResult, EvalPoint, EvaluateParams, EvaluateResult, TrainParams, TrainResult } from './jobs';

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
  /** What runs the jobs: child processes of the worker, or a Ray cluster (--executor). */
  executor: 'local' | 'ray';
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
