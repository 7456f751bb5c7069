// @ts-check
'use strict';
/**
 * The kernel's cells, as the other modules see them: the cell running now and the latest one
 * that started (output sent after a cell ended goes there), the execute requests seen on the
 * wire (with their iopub publisher), tslab's executor, and what it reports while a cell runs.
 * One shared state object, because tslab's hooks run in different places (the ZMQ server, the
 * Jupyter handler, the executor) and must agree on which cell they are in.
 */

/**
 * @import { ExecuteRequest, Executor, WriteDisplayData } from './tslab.cjs'
 * @import { ErrorContent } from './errors.cjs'
 */

/**
 * Sends one iopub message in reply to the request (its parent header).
 * @typedef {(type: string, content: Record<string, unknown>) => void} Publish
 */

/**
 * One cell execution: created when tslab starts running the cell (not when it is queued).
 * @typedef {{
 *   req: ExecuteRequest, publish: Publish | null,
 *   writeDisplayData: WriteDisplayData | null,
 *   executionCount: number, code: string, controller: AbortController, interrupted: boolean,
 *   interruptMessage?: string,
 *   payload: {source: string, [key: string]: unknown}[], failure: ErrorContent | null,
 *   failedWithoutStop: boolean, running: boolean,
 * }} Cell
 */

/**
 * Requests seen by ZmqServer.handleExecute, keyed by msg.content (tslab's `req`): first a
 * publisher only, then the Cell once the cell starts.
 * @type {WeakMap<object, Cell | {publish: Publish}>}
 */
const requests = new WeakMap();

const state = {
  /** @type {Cell | null} the cell running now */
  current: null,
  /** @type {Cell | null} the latest cell that started (output after a cell ended goes there) */
  last: null,
  /** @type {Executor | null} tslab's executor, for interrupt() */
  executor: null,
  /** @type {unknown[][] | null} console.error calls of the executor while a cell runs (diagnostics, thrown values) */
  recorder: null,
};

/** The cell output goes to: the running one, else the latest. */
function targetCell() {
  return state.current ?? state.last;
}

module.exports = { requests, state, targetCell };
