// @ts-check
'use strict';
/**
 * Interrupts: SIGINT to the kernel process and interrupt_request on the control channel (the
 * kernelspec's interrupt_mode "message") abort the running cell's cellSignal() and end a cell
 * that awaits; the kernel lives. tslab 1.0.22 knows SIGINT only and does not answer
 * interrupt_request, so we answer it on the wire ourselves (signature checked, status
 * busy/idle around the interrupt_reply). Also repairs the SIGINT handling that vm's
 * breakOnSigint can leave broken (repairSigint).
 */
const crypto = require('node:crypto');
const { state, targetCell } = require('./cells.cjs');
const { warn } = require('./tslab.cjs');

/**
 * @import { Header, Socket, ZmqServer } from './tslab.cjs'
 */

/**
 * A message as ZeroMQ frames: identities, delimiter, signature, then its four JSON parts.
 * @typedef {{identities: Buffer[], signature: string, parts: Buffer[], header: Header}} Frames
 */

const DELIM = Buffer.from('<IDS|MSG>');

/**
 * Interrupt the running cell (or, when idle, the work the latest cell left running): abort its
 * cellSignal(), then end a cell that awaits with tslab's executor.interrupt().
 * @param {string} source what interrupted, for the abort reason
 */
function interrupt(source) {
  const cell = targetCell();
  if (cell && !cell.controller.signal.aborted) {
    cell.interrupted = cell.running;
    cell.controller.abort(new DOMException(`The cell was interrupted (${source})`, 'AbortError'));
  }
  // tslab's own SIGINT listener calls executor.interrupt() too; a second call only rejects
  // a promise no cell awaits yet.
  if (state.executor && typeof state.executor.interrupt === 'function') state.executor.interrupt();
}

/**
 * Registered before tslab's own listener exists (it is added when the kernel starts, after
 * the TypeScript compiler loaded): a SIGINT in between must not kill the kernel.
 */
function listenForSigint() {
  process.on('SIGINT', () => interrupt('SIGINT'));
}

/**
 * tslab runs a cell's synchronous part with vm's breakOnSigint, which removes every SIGINT
 * listener for that time and re-adds them after. A listener added meanwhile (execa's
 * signal-exit does so when a cell starts the Python worker) re-creates Node's signal watcher
 * while vm's SIGINT watchdog owns the signal, and when the watchdog stops Node installs its
 * exit-on-SIGINT handler over it: the next interrupt would kill the kernel without a word.
 * Removing and re-adding the listeners (what vm itself does) installs the watcher again.
 * @param {Function[]} before process.rawListeners('SIGINT') before the cell's synchronous part
 */
function repairSigint(before) {
  const now = process.rawListeners('SIGINT');
  if (now.length === before.length && now.every((l, i) => l === before[i])) return;
  process.removeAllListeners('SIGINT');
  for (const listener of now) process.on('SIGINT', /** @type {NodeJS.SignalsListener} */ (listener));
}

// --- interrupt_request on the control channel ----------------------------------------------

/**
 * @param {(Buffer | string)[]} frames
 * @returns {Frames | null} null when the frames are not a whole message
 */
function parseFrames(frames) {
  const bufs = frames.map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
  const at = bufs.findIndex((b) => b.equals(DELIM));
  if (at < 0 || bufs.length < at + 6) return null;
  const parts = bufs.slice(at + 2, at + 6);
  return {
    identities: bufs.slice(0, at),
    // The length is checked above: these are there.
    signature: /** @type {Buffer} */ (bufs[at + 1]).toString(),
    parts,
    header: JSON.parse(/** @type {Buffer} */ (parts[0]).toString()),
  };
}

/**
 * @param {string} key
 * @param {(Buffer | string)[]} parts
 */
function hmacOf(key, parts) {
  const h = crypto.createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/**
 * @param {ZmqServer} server
 * @param {Socket} sock
 * @param {Buffer[]} identities
 * @param {string} type
 * @param {Header} parentHeader
 * @param {object} content
 */
function sendMessage(server, sock, identities, type, parentHeader, content) {
  const header = {
    msg_id: crypto.randomUUID(),
    msg_type: type,
    session: parentHeader.session,
    username: parentHeader.username,
    date: new Date().toISOString(),
    version: '5.3',
  };
  const parts = [header, parentHeader, {}, content].map((x) => JSON.stringify(x));
  const key = server.connInfo.key;
  const signature = key ? hmacOf(key, parts) : '';
  sock.send([...identities, DELIM, signature, ...parts]);
}

/**
 * @param {ZmqServer} server
 * @param {Socket} sock the socket the request came on
 * @param {Frames} parsed
 */
function answerInterrupt(server, sock, parsed) {
  const key = server.connInfo && server.connInfo.key;
  if (key) {
    const want = hmacOf(key, parsed.parts);
    const got = Buffer.from(parsed.signature);
    if (got.length !== want.length || !crypto.timingSafeEqual(got, Buffer.from(want))) {
      warn('interrupt_request with a bad signature ignored');
      return;
    }
  }
  const parent = parsed.header;
  sendMessage(server, server.iopub, [], 'status', parent, { execution_state: 'busy' });
  interrupt('interrupt_request');
  sendMessage(server, sock, parsed.identities, 'interrupt_reply', parent, { status: 'ok' });
  sendMessage(server, server.iopub, [], 'status', parent, { execution_state: 'idle' });
}

module.exports = { interrupt, listenForSigint, repairSigint, parseFrames, answerInterrupt };
