/**
 * The contract between our kernel's preload (kernel-ext/preload.cjs, loaded into the tslab
 * kernel process) and the library: the preload puts a KernelHook on globalThis under
 * KERNEL_HOOK; display code and the cell API use it when it is there and degrade to plain
 * text when it is not (plain Node, vitest, tslab without our preload).
 */

/** A Jupyter mime bundle: several representations of one output; the front end picks one. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** A value that shows itself richly when it is a cell's result or passed to display(). */
export interface Displayable {
  toMimeBundle(): MimeBundle;
  /**
   * Optional: how a live kernel shows it, as several outputs in order (a view's text and tables,
   * then its charts as interactive outputs of their own). toMimeBundle() stays the whole of it
   * in one output (static pictures) for everything else.
   */
  toMimeBundles?(): MimeBundle[];
}

export interface KernelHook {
  /** Hook version; bumped on incompatible changes. */
  version: 1;
  /**
   * Send a display_data message with the whole bundle. With `displayId`, the output can be
   * replaced later by update().
   */
  display(bundle: MimeBundle, displayId?: string): void;
  /** Send update_display_data: replace the output shown under `displayId`, in place. */
  update(bundle: MimeBundle, displayId: string): void;
  /** Ask the front end to open a new cell below the running one, pre-filled with `text`. */
  setNextInput(text: string): void;
  /**
   * A signal aborted when the user interrupts the running cell (kernel interrupt / SIGINT).
   * A fresh one per cell execution.
   */
  cellSignal(): AbortSignal;
  /**
   * What to tell the person if the running cell is interrupted (what was kept, how to go on),
   * in place of the kernel's plain sentence. Optional: older preloads lack it.
   */
  onInterrupt?(message: string): void;
}

export const KERNEL_HOOK = Symbol.for('stable-eureka.kernel');

export function kernelHook(): KernelHook | null {
  const hook = (globalThis as Record<symbol, unknown>)[KERNEL_HOOK] as KernelHook | undefined;
  return hook && hook.version === 1 ? hook : null;
}

/** The outputs a live kernel shows for a value: its toMimeBundles(), else its one bundle. */
export function liveBundles(x: Displayable): MimeBundle[] {
  return typeof x.toMimeBundles === 'function' ? x.toMimeBundles() : [x.toMimeBundle()];
}

export function isDisplayable(x: unknown): x is Displayable {
  return typeof x === 'object' && x !== null && typeof (x as Displayable).toMimeBundle === 'function';
}
