// @ts-check
'use strict';
/**
 * The KernelHook of src/kernelHook.ts, which the library's display code and cell API look for
 * on globalThis[Symbol.for('stable-eureka.kernel')]: whole multi-mime display bundles,
 * update_display_data, set_next_input payloads and a per-cell AbortSignal. tslab's own display
 * API sends one mime type per message and has no display updates, payloads or signals; this is
 * what the library uses instead when it runs in our kernel.
 */
const { state, targetCell } = require('./cells.cjs');
const { warn } = require('./tslab.cjs');

/**
 * @import { Cell } from './cells.cjs'
 * @import { Displayable, KernelHook, MimeBundle } from '../../src/kernelHook'
 */

/**
 * A mime bundle as Jupyter message content.
 * @typedef {{data: Record<string, unknown>, metadata: Record<string, unknown>, transient?: {display_id?: string}}} BundleContent
 */

const HOOK_KEY = Symbol.for('stable-eureka.kernel');

/**
 * @param {unknown} x
 * @returns {x is Displayable}
 */
function isDisplayable(x) {
  return typeof x === 'object' && x !== null && typeof (/** @type {Displayable} */ (x).toMimeBundle) === 'function';
}

/**
 * A MimeBundle (or a Displayable) as Jupyter message content: binary data as base64.
 * @param {unknown} bundleOrDisplayable
 * @returns {BundleContent}
 */
function toContent(bundleOrDisplayable) {
  const bundle = /** @type {{data?: unknown, metadata?: unknown} | null} */ (
    isDisplayable(bundleOrDisplayable) ? bundleOrDisplayable.toMimeBundle() : bundleOrDisplayable
  );
  if (typeof bundle !== 'object' || bundle === null || typeof bundle.data !== 'object' || bundle.data === null) {
    throw new TypeError('expected a mime bundle {data: {mime: value}, metadata?} or an object with toMimeBundle()');
  }
  /** @type {Record<string, unknown>} */
  const data = {};
  for (const [mime, value] of Object.entries(bundle.data)) {
    if (value === undefined) continue;
    data[mime] = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
  }
  const metadata = typeof bundle.metadata === 'object' && bundle.metadata !== null ? /** @type {Record<string, unknown>} */ (bundle.metadata) : {};
  return { data, metadata };
}

/**
 * Send an iopub message in the context of `cell` (its parent header).
 * @param {Cell} cell
 * @param {string} type
 * @param {Record<string, unknown>} content
 */
function publish(cell, type, content) {
  if (cell.publish) {
    cell.publish(type, content);
    return;
  }
  // Without our server wrapper (should not happen): tslab's own writer sends display
  // messages; anything else cannot be sent on iopub.
  if (cell.writeDisplayData && (type === 'display_data' || type === 'update_display_data' || type === 'execute_result')) {
    const display = /** @type {BundleContent} */ (content);
    cell.writeDisplayData({ data: display.data, metadata: display.metadata, transient: display.transient ?? {} }, type === 'update_display_data');
    return;
  }
  warn(`cannot send ${type}: no iopub publisher`);
}

/** @param {string} what */
function requireCell(what) {
  const cell = targetCell();
  if (!cell) throw new Error(`stable-eureka kernel: ${what} needs a running cell`);
  return cell;
}

const idleController = new AbortController();

/** @type {Readonly<KernelHook>} */
const hook = Object.freeze({
  version: /** @type {const} */ (1),
  /**
   * @param {MimeBundle | Displayable} bundle
   * @param {string} [displayId]
   */
  display(bundle, displayId) {
    const cell = requireCell('display()');
    const content = toContent(bundle);
    content.transient = displayId ? { display_id: String(displayId) } : {};
    publish(cell, 'display_data', content);
  },
  /**
   * @param {MimeBundle | Displayable} bundle
   * @param {string} displayId
   */
  update(bundle, displayId) {
    if (!displayId) throw new TypeError('update() needs the displayId given to display()');
    const cell = requireCell('update()');
    const content = toContent(bundle);
    content.transient = { display_id: String(displayId) };
    publish(cell, 'update_display_data', content);
  },
  /** @param {string} text */
  setNextInput(text) {
    const cell = state.current;
    if (!cell) {
      warn('setNextInput() outside a running cell is ignored (the cell has already replied)');
      return;
    }
    // Like IPython's payload manager: one set_next_input per cell, the last one wins.
    cell.payload = cell.payload.filter((p) => p.source !== 'set_next_input');
    cell.payload.push({ source: 'set_next_input', text: String(text), replace: false });
  },
  cellSignal() {
    const cell = targetCell();
    return cell ? cell.controller.signal : idleController.signal;
  },
  /** @param {string} message */
  onInterrupt(message) {
    const cell = targetCell();
    if (cell) cell.interruptMessage = String(message);
  },
});

/** Put the hook on globalThis, where src/kernelHook.ts's kernelHook() finds it. */
function installHook() {
  Object.defineProperty(globalThis, HOOK_KEY, { value: hook, writable: false, enumerable: false, configurable: true });
}

module.exports = { hook, installHook, isDisplayable, toContent, publish };
