// @ts-check
'use strict';
/**
 * The wraps of tslab's Jupyter side (tslab/dist/jupyter.js): where requests arrive, cells
 * start and replies leave, which is where the protocol pieces tslab lacks go in.
 *   ZmqServer.handleExecute(sock, msg): the only place holding the request message and the
 *     iopub socket: we keep a publisher for any iopub message type (execute_result, error,
 *     execute_input), keyed by msg.content, the object tslab hands down as `req`.
 *   JupyterHandlerImpl.handleExecuteImpl(req, ...): where a queued cell actually starts (tslab
 *     sets lastWriteDisplayData there): our per-cell state (AbortController, payload, error)
 *     starts here, with execute_input on iopub; stop_on_error: false no longer aborts the
 *     cells queued behind a failing one.
 *   JupyterHandlerImpl.handleExecute(req, ...): returns the execute_reply content: we add
 *     ename/evalue/traceback (and send the iopub error first), payload and user_expressions,
 *     and say "aborted" where tslab says "abort".
 *   ZmqServer.handleShellMessage(sock, ...frames): control and shell messages arrive here;
 *     interrupt_request (unknown to tslab) is answered by us (interrupt.cjs). Shell messages
 *     are handled one at a time, in order, as a kernel does: tslab began each on arrival and
 *     published its busy then, so three queued cells sent busy, busy, busy, idle (the first
 *     done: the front end said Idle while two were still to run), idle, idle.
 *   ZmqServer.close(): called on shutdown_request; we exit after it, even while library child
 *     processes (the Python worker) keep the event loop busy.
 */
const { requests, state } = require('./cells.cjs');
const { interruptedContent } = require('./errors.cjs');
const { answerInterrupt, parseFrames } = require('./interrupt.cjs');
const { warn, wrapMethod } = require('./tslab.cjs');

/**
 * @import { Cell } from './cells.cjs'
 * @import { JupyterModule } from './tslab.cjs'
 */

/** Per server: the shell request being handled, which the next one waits for. */
const shellQueues = new WeakMap();

/** @param {JupyterModule} jupyter tslab/dist/jupyter.js */
function patchJupyter(jupyter) {
  const Handler = jupyter.JupyterHandlerImpl && jupyter.JupyterHandlerImpl.prototype;
  const Server = jupyter.ZmqServer && jupyter.ZmqServer.prototype;

  wrapMethod(Server, 'handleExecute', 'ZmqServer', (handleExecute) =>
    function handleExecuteWithPublisher(sock, msg) {
      const server = this;
      if (msg && typeof msg.content === 'object' && msg.content !== null && typeof msg.createReply === 'function') {
        requests.set(msg.content, {
          publish(type, content) {
            const out = msg.createReply();
            out.header.msg_type = type;
            out.content = content;
            out.signAndSend(server.connInfo.key, server.iopub);
          },
        });
      }
      return handleExecute.call(this, sock, msg);
    },
  );

  wrapMethod(Handler, 'handleExecuteImpl', 'JupyterHandlerImpl', (handleExecuteImpl) =>
    function startCell(req, writeStream, writeDisplayData) {
      const known = requests.get(req);
      /** @type {Cell} */
      const cell = {
        req,
        publish: known ? known.publish : null,
        writeDisplayData,
        executionCount: (typeof this.execCount === 'number' ? this.execCount : 0) + 1,
        code: typeof req?.code === 'string' ? req.code : '',
        controller: new AbortController(),
        interrupted: false,
        payload: [],
        failure: null,
        failedWithoutStop: false,
        running: true,
      };
      requests.set(req, cell);
      state.current = cell;
      state.last = cell;
      if (cell.publish) cell.publish('execute_input', { code: cell.code, execution_count: cell.executionCount });
      const done = () => {
        cell.running = false;
        if (state.current === cell) state.current = null;
      };
      let result;
      try {
        result = handleExecuteImpl.call(this, req, writeStream, writeDisplayData);
      } catch (err) {
        done();
        throw err;
      }
      if (typeof this.execCount === 'number') cell.executionCount = this.execCount;
      let settled = Promise.resolve(result);
      if (req && req.stop_on_error === false) {
        // tslab fails a cell by rejecting its task in a queue, which also aborts every cell
        // queued behind it (and those arriving in the next 200 ms): right for stop_on_error,
        // wrong for a request that says false (nbclient does, for cells allowed to fail). Let
        // the task succeed; handleExecute below turns the reply into the error it is.
        settled = settled.catch((failure) => {
          if (failure && typeof failure === 'object' && !(failure instanceof Error) && typeof failure.count === 'number') {
            cell.failedWithoutStop = true;
            return failure;
          }
          throw failure;
        });
      }
      return settled.finally(done);
    },
  );

  wrapMethod(Handler, 'handleExecute', 'JupyterHandlerImpl', (handleExecute) =>
    async function handleExecuteWithReply(req, writeStream, writeDisplayData) {
      const content = await handleExecute.call(this, req, writeStream, writeDisplayData);
      const entry = requests.get(req);
      const cell = entry && 'controller' in entry ? entry : null;
      if (!content || typeof content !== 'object') return content;
      if (content.status === 'ok' && cell?.failedWithoutStop) content.status = 'error';
      if (content.status === 'ok') {
        content.payload = cell ? cell.payload : [];
        content.user_expressions = {};
      } else if (content.status === 'abort') {
        // A cell queued behind one that failed (tslab's stop-on-error); the protocol says "aborted".
        content.status = 'aborted';
      } else if (content.status === 'error') {
        const failure =
          cell?.failure ??
          (cell?.interrupted
            ? interruptedContent(cell)
            : { ename: 'Error', evalue: 'The cell failed', traceback: ['Error: The cell failed (see its output above)'] });
        Object.assign(content, failure);
        const send = cell?.publish ?? entry?.publish;
        if (send) send('error', failure);
      }
      return content;
    },
  );

  wrapMethod(Server, 'handleShellMessage', 'ZmqServer', (handleShellMessage) =>
    function handleShellMessageWithInterrupt(sock, ...frames) {
      try {
        const parsed = parseFrames(frames);
        if (parsed && parsed.header.msg_type === 'interrupt_request') {
          answerInterrupt(this, sock, parsed);
          return Promise.resolve();
        }
      } catch (err) {
        warn(`bad message on ${sock === this.control ? 'control' : 'shell'}: ${/** @type {Error} */ (err).message}`);
        return Promise.resolve();
      }
      if (sock === this.control) return handleShellMessage.call(this, sock, ...frames);
      // the next shell request starts (and says busy) when the one before it has ended (idle)
      const queue = shellQueues.get(this) ?? Promise.resolve();
      const next = queue.then(() => handleShellMessage.call(this, sock, ...frames)).catch((/** @type {unknown} */ err) => warn(`shell request failed: ${/** @type {Error} */ (err).message}`));
      shellQueues.set(this, next);
      return next;
    },
  );

  wrapMethod(Server, 'close', 'ZmqServer', (close) =>
    function closeAndExit(...args) {
      const r = close.apply(this, args);
      // After shutdown_request: the library's Python worker (a child process with open pipes)
      // would keep Node alive; exit, which also ends children started with cleanup (execa).
      setTimeout(() => process.exit(0), 100).unref();
      return r;
    },
  );
}

module.exports = { patchJupyter };
