/**
 * What the stage modules (generate, train, review, finish) share: the write side of a Run
 * (events, records, cancellation, the worker, the slots), which the Run keeps private and
 * hands to them, and small rules more than one stage follows.
 */
import { executorFromConfig } from '../training';
import { getWorker, type PythonWorker } from '../worker/client';
import type { EvalPoint } from '../worker/protocol/index';
import type { Fitness, IterationRecord, LiveEvent, RunEvent, SampleRecord } from './layout';
import type { Run, RunOptions } from './run';
import { Slots, Timeline, type Activity } from './timeline';

/** The user stopped the run (Ctrl-C, a kernel interrupt); it resumes where it stopped. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor(readonly dir: string) {
    super(`run interrupted; continue it with: stable-eureka run --resume ${dir}`);
  }
}

export const now = () => new Date().toISOString();

/** A record's fitness from the evaluation it was measured at. */
export const fitnessOf = (p: EvalPoint): Fitness => ({ fitness: p.fitness_mean, fitness_std: p.fitness_std, timesteps: p.timesteps });

/** `fn`, with its time given to `kind` when an iteration's timeline is kept. */
export function timed<T>(timeline: Timeline | undefined, kind: Activity, fn: () => Promise<T>): Promise<T> {
  return timeline ? timeline.time(kind, fn) : fn();
}

/** An iteration's counts per status and its tokens, summed from its samples. */
export function tally(samples: SampleRecord[]): Pick<IterationRecord, 'counts' | 'tokens'> {
  const counts: IterationRecord['counts'] = {};
  for (const s of samples) counts[s.status] = (counts[s.status] ?? 0) + 1;
  const tokens = { prompt: samples.reduce((a, s) => a + s.tokens.prompt, 0), completion: samples.reduce((a, s) => a + s.tokens.completion, 0) };
  return { counts, tokens };
}

/**
 * The write side of one Run. Stages write through it, never around it, so that every change
 * of state is saved to the folder and told to the listener in the same step.
 */
export class StageIO {
  /** At most eureka.concurrency LLM calls at once; one for the embedded model, which holds one context. */
  readonly llmSlots: Slots;
  private trainSlots: Slots | null = null;

  constructor(
    private readonly run: Run,
    private readonly opts: RunOptions,
  ) {
    const e = run.config.eureka;
    this.llmSlots = new Slots(e.backend === 'local' ? 1 : e.concurrency);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  get smokeSteps(): number | undefined {
    return this.opts.smokeSteps;
  }

  get aborted(): boolean {
    return this.opts.signal?.aborted ?? false;
  }

  async worker(): Promise<PythonWorker> {
    return this.opts.worker ?? getWorker({ executor: executorFromConfig(this.run.config) });
  }

  /** Trainings at once: rl.training.max_parallel, else as many jobs as the worker runs. */
  async trainingSlots(): Promise<Slots> {
    this.trainSlots ??= new Slots(this.run.config.rl.training.max_parallel ?? (await this.worker()).hello.max_jobs);
    return this.trainSlots;
  }

  /** Persisted in events.jsonl unless it is live only (streamed text, progress), then told. */
  emit(e: RunEvent | LiveEvent): void {
    if (e.type !== 'llm_text' && e.type !== 'progress') this.run.folder.appendEvent({ at: now(), ...e });
    this.opts.onEvent?.(e);
  }

  saveRecord(): void {
    this.run.record.updated = now();
    this.run.folder.saveRun(this.run.record);
  }

  saveSample(s: SampleRecord, message?: string): SampleRecord {
    s.updated = now();
    this.run.folder.saveSample(s);
    this.emit({ type: 'sample', iteration: s.iteration, sample: s.sample, status: s.status, ...(message ? { message } : {}) });
    return s;
  }

  newSample(i: number, j: number, origin: SampleRecord['origin']): SampleRecord {
    return {
      iteration: i,
      sample: j,
      origin,
      status: 'pending',
      answers: 0,
      code: null,
      normalized: null,
      duplicate_of: null,
      failure: null,
      components: null,
      best: null,
      final: null,
      best_model: null,
      init_model: null,
      train: null,
      time: { llm_s: 0, check_s: 0, train_s: 0 },
      tokens: { prompt: 0, completion: 0 },
      updated: now(),
    };
  }

  throwIfAborted(): void {
    if (this.aborted) throw new RunInterrupted(this.run.dir);
  }
}
