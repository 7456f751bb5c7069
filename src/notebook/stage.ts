/**
 * How a NotebookRun call that works runs: on a fresh Run with the running cell's interrupt signal
 * (and the caller's), its events feeding a live Monitor, an interruption left resumable.
 */
import { kernelHook } from '../kernelHook';
import { Run, RunInterrupted } from '../run/run';
import { Monitor, type AnyEvent } from './monitor';

/** Options of the stage calls that can be cancelled. */
export interface StageOptions {
  /** Cancels the call (in addition to a kernel interrupt). */
  signal?: AbortSignal;
}

/** One signal that aborts when any of them does (undefined when there is none). */
function combine(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const c = new AbortController();
  for (const s of present) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/**
 * Runs a stage of the run in `dir` on the Run `open` makes, with the cell's signal and a live
 * output. An interruption leaves the run resumable and rethrows RunInterrupted with how to go on.
 * Call it before any await of the caller: the cell's signal is the one of the cell running now.
 */
export async function runStage<T>(
  dir: string,
  title: string,
  opts: StageOptions | undefined,
  open: (extra: { signal?: AbortSignal; onEvent: (e: AnyEvent) => void }) => Run,
  fn: (run: Run, signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  // the cell's signal is taken before any await: it belongs to the cell running now
  const signal = combine(kernelHook()?.cellSignal(), opts?.signal);
  const interrupted = `${title}: interrupted; what was done is kept, run the cell again to continue where it stopped`;
  kernelHook()?.onInterrupt?.(interrupted);
  const monitor = new Monitor(title);
  const run = open({ signal, onEvent: (e) => monitor.on(e) });
  try {
    const out = await fn(run, signal);
    await monitor.finish('done');
    return out;
  } catch (err) {
    if (err instanceof RunInterrupted || signal?.aborted) {
      await monitor.finish('interrupted');
      const e = new RunInterrupted(dir);
      e.message = interrupted;
      throw e;
    }
    await monitor.finish('failed', (err as Error).message);
    throw err;
  }
}
