/**
 * The TypeScript end of the Python worker: one long-lived process per session, started with
 * execa, spoken to in JSON lines. Requests are matched to replies by id; events of a running
 * job reach the caller's onEvent. If the process dies, every open request is rejected with a
 * WorkerDiedError that says so, and `getWorker()` starts a fresh one on the next call.
 */
import { execa, type ResultPromise } from 'execa';
import readline from 'node:readline';
import { findPython, pythonPackageDir } from '../pyenv';
import {
  PROTOCOL_VERSION,
  type CheckParams,
  type CheckResult,
  type EnvDescription,
  type EnvRef,
  type ErrorBody,
  type ErrorKind,
  type EvaluateParams,
  type EvaluateResult,
  type EventArgs,
  type Hello,
  type Incoming,
  type JobsResult,
  type MethodName,
  type Methods,
  type TrainParams,
  type TrainResult,
  type WorkerRequest,
} from './protocol/index';

/** An error reply from the worker (bad request, unusable env folder, ...). */
export class WorkerRequestError extends Error {
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;
  constructor(method: string, body: ErrorBody) {
    const hint = typeof body.details?.hint === 'string' ? body.details.hint : '';
    super(hint ? `${body.message.replace(/\.?$/, '.')} ${hint}` : body.message);
    this.name = body.kind === 'env_error' ? 'EnvFolderError' : 'WorkerRequestError';
    this.kind = body.kind;
    this.details = { method, ...body.details };
  }
}

/** The worker process ended while requests were open, or before it could start. */
export class WorkerDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerDiedError';
  }
}

/** An event of a running request: `(event, data) => { if (event === 'progress') data.timesteps }` narrows both. */
export type EventHandler = (...args: EventArgs) => void;

/** Every message sent to the worker and received from it, parsed (a protocol trace). */
export type MessageHandler = (direction: 'sent' | 'received', message: WorkerRequest | Incoming) => void;

export interface RequestOptions {
  onEvent?: EventHandler;
  /** Aborting cancels the job in the worker; the request then resolves with status 'cancelled'. */
  signal?: AbortSignal;
}

/** Where the worker runs its jobs: child processes on this machine, or tasks on a Ray cluster. */
export type ExecutorOptions = { kind: 'local' } | { kind: 'ray'; address: string; numCpus?: number; numGpus?: number };

/** The worker's command-line flags for an executor (python -m stable_eureka_worker --help). */
export function executorArgs(e: ExecutorOptions | undefined): string[] {
  if (!e || e.kind === 'local') return [];
  return ['--executor', 'ray', '--ray-address', e.address, ...(e.numCpus !== undefined ? ['--ray-num-cpus', String(e.numCpus)] : []), ...(e.numGpus !== undefined ? ['--ray-num-gpus', String(e.numGpus)] : [])];
}

export interface WorkerOptions {
  python?: string;
  /** Jobs at once (default: one per core; on Ray, what the cluster's CPUs allow). */
  maxJobs?: number;
  /** Where jobs run (default: local child processes). */
  executor?: ExecutorOptions;
  /**
   * Every line the worker writes to stderr: logs, warnings, one notice per job that printed
   * (what jobs print is in each result's `output`, never here).
   */
  onStderr?: (line: string) => void;
  startTimeoutMs?: number;
  /**
   * Variables to set in the worker, on top of the few it inherits (see workerEnvironment):
   * anything else in process.env, API keys included, never reaches it.
   */
  env?: Record<string, string>;
  /** Sees every message both ways, the hello included (for logs and the protocol test). */
  onMessage?: MessageHandler;
}

/** Inherited by name: what Python, torch, SDL/MuJoCo rendering and the GPU need. */
const INHERITED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'TZ',
  'TMPDIR',
  'PYTHONHASHSEED',
  'SDL_VIDEODRIVER',
  'SDL_AUDIODRIVER',
  'MUJOCO_GL',
  'PYOPENGL_PLATFORM',
  'CUDA_VISIBLE_DEVICES',
  'LD_LIBRARY_PATH',
  'OPENBLAS_CORETYPE',
  'OPENBLAS_L2_SIZE',
  'STABLE_EUREKA_MAX_JOBS',
]);
/** Inherited by pattern: locale, NVIDIA container settings, BLAS/OpenMP thread counts. */
const INHERITED_PATTERN = /^(LC_[A-Z_]+|NVIDIA_[A-Z0-9_]+|(OMP|MKL|OPENBLAS)_[A-Z_]*THREAD[A-Z_]*)$/;

/**
 * The worker's whole environment: an allow-list of the parent's variables, ours, then the
 * caller's explicit ones. The worker runs LLM-written code; the LLM keys (OPENAI_API_KEY,
 * OLLAMA_*, ...) and whatever else the parent holds (AWS_*, *_TOKEN) must not be readable there.
 */
export function workerEnvironment(
  parent: NodeJS.ProcessEnv = process.env,
  options: Pick<WorkerOptions, 'maxJobs' | 'env'> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (INHERITED.has(name) || INHERITED_PATTERN.test(name))) env[name] = value;
  }
  return {
    ...env,
    PYTHONPATH: pythonPackageDir(), // ours only: a parent's PYTHONPATH could shadow torch or SB3
    PYTHONUNBUFFERED: '1',
    ...(options.maxJobs ? { STABLE_EUREKA_MAX_JOBS: String(options.maxJobs) } : {}),
    ...options.env,
  };
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onEvent?: EventHandler;
}

const STDERR_KEEP = 40;

export class PythonWorker {
  readonly hello: Hello;
  /** Resolves when the process has exited, with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private readonly proc: ResultPromise;
  private readonly pending = new Map<string, Pending>();
  private readonly stderrTail: string[];
  private readonly onMessage: MessageHandler | undefined;
  private nextId = 1;
  private dead: string | null = null;

  private constructor(
    proc: ResultPromise,
    hello: Hello,
    lines: readline.Interface,
    stderrTail: string[],
    exited: PythonWorker['exited'],
    onMessage: MessageHandler | undefined,
  ) {
    this.proc = proc;
    this.hello = hello;
    this.stderrTail = stderrTail;
    this.exited = exited;
    this.onMessage = onMessage;
    lines.on('line', (line) => this.onLine(line));
    void exited.then(({ code, signal }) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.markDead(`The Python worker (pid ${hello.pid}) ${how}`);
    });
  }

  /** Start a worker and wait for its greeting. */
  static async start(options: WorkerOptions = {}): Promise<PythonWorker> {
    const python = options.python ?? findPython();
    const proc = execa(python, ['-u', '-m', 'stable_eureka_worker', ...executorArgs(options.executor)], {
      env: workerEnvironment(process.env, options),
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
    });
    const stderrTail: string[] = [];
    readline.createInterface({ input: proc.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_KEEP) stderrTail.shift();
      options.onStderr?.(line);
    });
    const exited = proc.then((r) => ({ code: r.exitCode ?? null, signal: r.signal ?? null }));
    const lines = readline.createInterface({ input: proc.stdout! });
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    const hello = await new Promise<Hello>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new WorkerDiedError(`The Python worker (${python}) sent no greeting within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const onFirst = (line: string) => {
        clearTimeout(timer);
        lines.off('line', onFirst);
        try {
          const msg = JSON.parse(line) as Incoming;
          options.onMessage?.('received', msg);
          if (msg.type !== 'hello') throw new Error(`expected a hello message, got: ${line.slice(0, 200)}`);
          if (msg.protocol !== PROTOCOL_VERSION) {
            throw new Error(`the worker speaks protocol ${msg.protocol}, this client ${PROTOCOL_VERSION}; run 'npm run setup'`);
          }
          resolve(msg);
        } catch (err) {
          proc.kill('SIGKILL');
          reject(new WorkerDiedError(`The Python worker did not start: ${(err as Error).message}`));
        }
      };
      lines.on('line', onFirst);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        const tail = stderrTail.slice(-15).join('\n');
        reject(new WorkerDiedError(`The Python worker (${python}) exited (${signal ?? `code ${code}`}) before it was ready.\n${tail}`));
      });
    });
    return new PythonWorker(proc, hello, lines, stderrTail, exited, options.onMessage);
  }

  get alive(): boolean {
    return this.dead === null;
  }

  get pid(): number {
    return this.hello.pid;
  }

  /** Send one request; resolves with its result, rejects on an error reply or a dead worker. */
  request<M extends MethodName>(method: M, params?: Methods[M]['params'], options: RequestOptions = {}): Promise<Methods[M]['result']> {
    type Result = Methods[M]['result'];
    if (this.dead) return Promise.reject(new WorkerDiedError(`${this.dead}; start a new worker.`));
    const id = `${method}#${this.nextId++}`;
    return new Promise<Result>((resolve, reject) => {
      const pending: Pending = { method, resolve: resolve as (v: unknown) => void, reject, onEvent: options.onEvent };
      this.pending.set(id, pending);
      const signal = options.signal;
      if (signal) {
        const onAbort = () => void this.cancel(id).catch(() => undefined);
        if (signal.aborted) queueMicrotask(onAbort);
        else signal.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => signal.removeEventListener('abort', onAbort);
        pending.resolve = (v) => (cleanup(), resolve(v as Result));
        pending.reject = (e) => (cleanup(), reject(e));
      }
      const msg: WorkerRequest = { type: 'request', id, method, params: { ...params } };
      this.onMessage?.('sent', msg);
      this.proc.stdin!.write(JSON.stringify(msg) + '\n');
    });
  }

  describeEnv(env: EnvRef, options?: RequestOptions): Promise<EnvDescription> {
    return this.request('describe_env', { env }, options);
  }

  checkReward(params: CheckParams, options?: RequestOptions): Promise<CheckResult> {
    return this.request('check_reward', params, options);
  }

  train(params: TrainParams, options?: RequestOptions): Promise<TrainResult> {
    return this.request('train', params, options);
  }

  evaluate(params: EvaluateParams, options?: RequestOptions): Promise<EvaluateResult> {
    return this.request('evaluate', params, options);
  }

  renderGif(params: EvaluateParams & { gif: NonNullable<EvaluateParams['gif']> }, options?: RequestOptions): Promise<EvaluateResult> {
    return this.request('render_gif', params, options);
  }

  async cancel(jobRequestId: string): Promise<boolean> {
    const r = await this.request('cancel', { id: jobRequestId });
    return r.cancelled;
  }

  jobs(): Promise<JobsResult> {
    return this.request('jobs');
  }

  /** Ids of this client's requests still waiting for a reply. */
  openRequests(): string[] {
    return [...this.pending.keys()];
  }

  /** Ask the worker to stop (it kills its jobs), and kill it if it does not exit in time. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    if (this.dead) return;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    try {
      await this.request('shutdown').catch(() => undefined);
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kill the process at once (what a crash looks like to the client). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.proc.kill(signal);
  }

  /** The last lines the worker wrote to stderr. */
  stderr(): string[] {
    return [...this.stderrTail];
  }

  private onLine(line: string): void {
    let msg: Incoming;
    try {
      msg = JSON.parse(line) as Incoming;
    } catch {
      this.stderrTail.push(`[non-protocol stdout] ${line}`);
      return;
    }
    this.onMessage?.('received', msg);
    if (msg.type === 'event') {
      // The wire as the schema has it (each event's data is Events[event]), like the JSON.parse
      // above: test/protocol.test.ts checks that the worker keeps to it.
      this.pending.get(msg.id)?.onEvent?.(...([msg.event, msg.data] as unknown as EventArgs));
    } else if (msg.type === 'reply') {
      const pending = msg.id === null ? undefined : this.pending.get(msg.id);
      if (!pending || msg.id === null) return;
      this.pending.delete(msg.id);
      if (msg.ok) pending.resolve(msg.result);
      else pending.reject(new WorkerRequestError(pending.method, msg.error));
    }
  }

  private markDead(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    const open = [...this.pending.keys()];
    const tail = this.stderrTail.slice(-10).join('\n');
    for (const [id, p] of this.pending) {
      p.reject(
        new WorkerDiedError(
          `${reason} while '${id}' was running${open.length > 1 ? ` (open: ${open.join(', ')})` : ''}. ` +
            `The next call starts a new worker.${tail ? `\nLast worker output:\n${tail}` : ''}`,
        ),
      );
    }
    this.pending.clear();
  }
}

/** The session's workers, one per executor (a run on Ray and a notebook's local checks may share a session). */
const sessions = new Map<string, { current: PythonWorker | null; starting: Promise<PythonWorker> | null }>();

/** The session's worker for these options' executor: started on first use, and again after it died. */
export async function getWorker(options?: WorkerOptions): Promise<PythonWorker> {
  const key = executorArgs(options?.executor).join(' ');
  let s = sessions.get(key);
  if (!s) sessions.set(key, (s = { current: null, starting: null }));
  if (s.current?.alive) return s.current;
  const session = s;
  session.starting ??= PythonWorker.start(options).then(
    (w) => {
      session.current = w;
      session.starting = null;
      return w;
    },
    (err: unknown) => {
      session.starting = null;
      throw err;
    },
  );
  return session.starting;
}

/** Stop the session's workers, if any run. */
export async function shutdownWorker(): Promise<void> {
  const workers = [...sessions.values()].map((s) => s.current).filter((w): w is PythonWorker => w !== null);
  sessions.clear();
  await Promise.all(workers.map((w) => w.shutdown()));
}
