/**
 * Cell outputs: the mime bundles our values become, and the two ways to send them: show() once,
 * live() replaced in place. Through the kernel hook (src/kernelHook.ts) when there is one, else
 * their text/plain on stdout.
 */
import { isDisplayable, kernelHook, liveBundles, type Displayable, type MimeBundle } from '../kernelHook';

/** The mime types our bundles use. */
export const MIME = {
  vegaLite: 'application/vnd.vegalite.v5+json',
  svg: 'image/svg+xml',
  html: 'text/html',
  text: 'text/plain',
  gif: 'image/gif',
} as const;

/**
 * The $schema of specs in notebook bundles. JupyterLab 4 and Notebook 7 render vega-lite with
 * vega-embed and vega-lite 5 under the v5 mime type; vega-embed reads the $schema and warns
 * (in the browser console) when its major version is not the one it has. Our specs use nothing
 * vega-lite 6 added, so the notebook copy says v5; the SVG is rendered from the spec as is.
 */
export const NOTEBOOK_VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** What show() and live updates take: a rich value, a ready bundle, or plain text. */
export type Showable = Displayable | MimeBundle | string;

function isBundle(x: unknown): x is MimeBundle {
  return typeof x === 'object' && x !== null && typeof (x as MimeBundle).data === 'object' && (x as MimeBundle).data !== null;
}

/** The bundle of anything show() takes. */
export function toBundle(x: Showable): MimeBundle {
  if (typeof x === 'string') return { data: { [MIME.text]: x } };
  if (isDisplayable(x)) return x.toMimeBundle();
  if (isBundle(x)) return x;
  return { data: { [MIME.text]: String(x) } };
}

/** The text/plain of a bundle ('' when it has none). */
export function plainText(b: MimeBundle): string {
  const t = b.data[MIME.text];
  return typeof t === 'string' ? t : '';
}

let warnedHook = false;
/** A hook call that fails is reported once and never breaks the caller (a run, a stage). */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!warnedHook) {
      warnedHook = true;
      process.stderr.write(`stable-eureka: the kernel could not display an output: ${(e as Error).message}\n`);
    }
  }
}

/**
 * Shows a value as a cell output: the whole bundle through the kernel hook (with `id`, an output
 * that live()/update can replace later), or its text/plain on stdout when there is no hook.
 */
export function show(x: Showable, opts: { id?: string } = {}): void {
  const bundle = toBundle(x);
  const hook = kernelHook();
  // a view with charts shows them as interactive outputs of their own (one output when it is to be updated by id)
  if (hook) safely(() => (opts.id === undefined && isDisplayable(x) ? liveBundles(x) : [bundle]).forEach((b, k) => hook.display(b, k === 0 ? opts.id : undefined)));
  else console.log(plainText(bundle));
}

let liveCount = 0;
const newDisplayId = () => `stable-eureka-${process.pid}-${Date.now().toString(36)}-${(liveCount++).toString(36)}`;

/** What a live output is updated with: a value, or a function making one (called only when sent). */
export type LiveValue = Showable | (() => Showable | Promise<Showable>);

export interface LiveOptions {
  /** Least milliseconds between two updates sent (default 250: at most 4 a second). */
  intervalMs?: number;
  /** Without a kernel hook: least milliseconds between two text/plain printouts (default 15000; 0: print nothing). */
  textEveryMs?: number;
}

/** An output updated in place. */
export interface Live {
  /** The display id its updates go to. */
  readonly id: string;
  /** The newest value; sent at once, or when the interval allows (values in between are dropped). */
  update(x: LiveValue): void;
  /** Sends `x` (or the last value not sent yet) now, and stops the timer. Wait for it before returning a result. */
  done(x?: LiveValue): Promise<void>;
}

class LiveOutput implements Live {
  readonly id = newDisplayId();
  private pending: LiveValue | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private last = 0;
  private shown = false;
  private closed = false;
  private readonly interval: number;
  private readonly textEvery: number;

  constructor(initial: LiveValue | undefined, opts: LiveOptions) {
    const hooked = kernelHook() !== null;
    this.interval = hooked ? Math.max(0, opts.intervalMs ?? 250) : Math.max(0, opts.textEveryMs ?? 15_000);
    this.textEvery = opts.textEveryMs ?? 15_000;
    if (initial !== undefined) {
      this.pending = initial;
      if (hooked) void this.send();
      else this.last = Date.now(); // without a hook the first printout waits an interval: the result follows anyway
    }
  }

  update(x: LiveValue): void {
    if (this.closed) return;
    this.pending = x;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.inflight || this.closed) return;
    if (!kernelHook() && this.textEvery <= 0) return;
    const wait = Math.max(0, this.last + this.interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send();
    }, wait);
    this.timer.unref?.();
  }

  private send(): Promise<void> {
    if (this.inflight) return this.inflight;
    const value = this.pending;
    if (value === null) return Promise.resolve();
    this.pending = null;
    // .finally runs after the assignment, whether deliver() awaited anything or not
    this.inflight = this.deliver(value).finally(() => {
      this.last = Date.now();
      this.inflight = null;
      if (this.pending !== null && !this.closed) this.schedule();
    });
    return this.inflight;
  }

  private async deliver(value: LiveValue): Promise<void> {
    try {
      const bundle = toBundle(typeof value === 'function' ? await value() : value);
      const hook = kernelHook();
      if (hook) {
        const first = !this.shown;
        this.shown = true;
        safely(() => (first ? hook.display(bundle, this.id) : hook.update(bundle, this.id)));
      } else {
        const text = plainText(bundle);
        if (text) console.log(text);
      }
    } catch (e) {
      if (!warnedHook) {
        warnedHook = true;
        process.stderr.write(`stable-eureka: a live output could not be drawn: ${(e as Error).message}\n`);
      }
    }
  }

  async done(x?: LiveValue): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight;
    if (x !== undefined) this.pending = x;
    this.closed = true;
    // without a hook the final value is the cell's result, printed by the caller
    if (kernelHook() && this.pending !== null) await this.send();
    this.pending = null;
  }
}

/**
 * A live output: shown now (when `initial` is given) and replaced in place by update(), at most
 * every `intervalMs`, with done() sending the last value. Without a kernel hook it prints the
 * text/plain now and then (opts.textEveryMs), and done() prints nothing.
 */
export function live(initial?: LiveValue, opts: LiveOptions = {}): Live {
  return new LiveOutput(initial, opts);
}
