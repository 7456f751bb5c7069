'use strict';
/**
 * Preloaded (`node -r`) into the tslab kernel of the "Stable Eureka (TypeScript)" kernelspec,
 * before tslab's own code runs. It adds what tslab 1.0.22 lacks, by wrapping a few functions
 * of tslab's modules in this process (nothing on disk is changed):
 *
 *   - the KernelHook of src/kernelHook.ts on globalThis[Symbol.for('stable-eureka.kernel')]:
 *     whole multi-mime display bundles, update_display_data, set_next_input payloads and a
 *     per-cell AbortSignal that an interrupt aborts;
 *   - a cell whose last value has toMimeBundle() shows as that bundle (execute_result);
 *   - interrupts: SIGINT (the kernelspec's interrupt_mode "signal") and interrupt_request on
 *     the control channel abort the running cell's signal and end the cell; the kernel lives;
 *   - a failing cell's execute_reply and an iopub `error` message carry ename, evalue and
 *     traceback, for thrown values and for TypeScript compile errors;
 *   - execute_input on iopub, user_expressions and payload in ok replies, status "aborted"
 *     (tslab says "abort") for cells skipped after an error, and an exit on shutdown_request
 *     even while library child processes (the Python worker) keep the event loop busy.
 *
 * Where it hooks in (tslab/dist, read for 1.0.22; each wrap checks that its target exists and
 * warns on the kernel's stderr instead of failing when it does not):
 *   executor.js  createExecutor(rootDir, convs, console): the `console` it is given is what
 *                the executor reports through: console.log(lastValue) once after a cell ran,
 *                console.error(err) for a thrown value, console.error(fmt, file, line, col,
 *                text) per TypeScript diagnostic. We pass our own console, so we see the
 *                cell's last value and its errors as values, not text. The returned
 *                executor's execute() is wrapped to scope what is recorded to one cell, and
 *                its interrupt() is what tslab calls on SIGINT (we call it for
 *                interrupt_request too).
 *   jupyter.js   JupyterHandlerImpl.prototype.handleExecuteImpl(req, ...): where a queued
 *                cell actually starts (tslab sets lastWriteDisplayData there): our per-cell
 *                state (AbortController, payload, error) starts here.
 *                JupyterHandlerImpl.prototype.handleExecute(req, ...): returns the
 *                execute_reply content: we add ename/evalue/traceback (and send the iopub
 *                error first), payload and user_expressions.
 *                ZmqServer.prototype.handleExecute(sock, msg): the only place holding the
 *                request message and the iopub socket: we keep a publisher for any iopub
 *                message type (execute_result, error, execute_input), keyed by msg.content,
 *                the object tslab hands down as `req`.
 *                ZmqServer.prototype.handleShellMessage(sock, ...frames): control and shell
 *                messages arrive here; interrupt_request (unknown to tslab) is answered by us.
 *                ZmqServer.prototype.close(): called on shutdown_request; we exit after it.
 *   main.js      startKernel() first looks for another tslab under the notebook's folder and
 *                runs that one instead; we make that lookup find this (patched, pinned) copy.
 *   typescript-for-tslab's ts.sys and Node's Module._resolveFilename: `import ... from
 *                'stable-eureka'` works (with types) in a notebook folder that has no
 *                node_modules/stable-eureka, as tslab does for `tslab` (aliasOwnPackage).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const util = require('node:util');

const HOOK_KEY = Symbol.for('stable-eureka.kernel');
const TESTED_TSLAB = '1.0.22';
const DELIM = Buffer.from('<IDS|MSG>');

function warn(message) {
  process.stderr.write(`[stable-eureka kernel] ${message}\n`);
}

// --- where our tslab is ---------------------------------------------------------------------

/** The tslab this kernel runs: the script in argv (…/tslab/bin/tslab), else ours by resolution. */
function findTslabDir() {
  const script = process.argv[1];
  if (script && /[\\/]tslab[\\/]bin[\\/]tslab(\.js)?$/.test(script)) {
    return path.resolve(path.dirname(script), '..');
  }
  return path.dirname(require.resolve('tslab/package.json', { paths: [path.resolve(__dirname, '..')] }));
}

const tslabDir = fs.realpathSync(findTslabDir());
const tslabVersion = (() => {
  try {
    return JSON.parse(fs.readFileSync(path.join(tslabDir, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
})();
if (tslabVersion !== TESTED_TSLAB) {
  warn(`tslab ${tslabVersion} at ${tslabDir}; this preload was written for tslab ${TESTED_TSLAB}`);
}

// --- state of the cells -----------------------------------------------------------------------

/**
 * One cell execution: created when tslab starts running the cell (not when it is queued).
 * @typedef {{
 *   req: object, publish: ((type: string, content: object) => void) | null,
 *   writeDisplayData: ((content: object, update: boolean) => void) | null,
 *   executionCount: number, code: string, controller: AbortController, interrupted: boolean,
 *   payload: object[], failure: {ename: string, evalue: string, traceback: string[]} | null,
 *   failedWithoutStop: boolean, running: boolean,
 * }} Cell
 */

/** Requests seen by ZmqServer.handleExecute, keyed by msg.content (tslab's `req`). */
const requests = new WeakMap();
const state = {
  /** @type {Cell | null} the cell running now */
  current: null,
  /** @type {Cell | null} the latest cell that started (output after a cell ended goes there) */
  last: null,
  /** tslab's executor, for interrupt() */
  executor: null,
  /** console.error calls of the executor while a cell runs (diagnostics, thrown values) */
  recorder: null,
};

function targetCell() {
  return state.current ?? state.last;
}

// --- the hook (src/kernelHook.ts) -------------------------------------------------------------

function isDisplayable(x) {
  return typeof x === 'object' && x !== null && typeof x.toMimeBundle === 'function';
}

/** A MimeBundle (or a Displayable) as Jupyter message content: binary data as base64. */
function toContent(bundleOrDisplayable) {
  const bundle = isDisplayable(bundleOrDisplayable) ? bundleOrDisplayable.toMimeBundle() : bundleOrDisplayable;
  if (typeof bundle !== 'object' || bundle === null || typeof bundle.data !== 'object' || bundle.data === null) {
    throw new TypeError('expected a mime bundle {data: {mime: value}, metadata?} or an object with toMimeBundle()');
  }
  const data = {};
  for (const [mime, value] of Object.entries(bundle.data)) {
    if (value === undefined) continue;
    data[mime] = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
  }
  const metadata = typeof bundle.metadata === 'object' && bundle.metadata !== null ? bundle.metadata : {};
  return { data, metadata };
}

/** Send an iopub message in the context of `cell` (its parent header). */
function publish(cell, type, content) {
  if (cell.publish) {
    cell.publish(type, content);
    return;
  }
  // Without our server wrapper (should not happen): tslab's own writer sends display
  // messages; anything else cannot be sent on iopub.
  if (cell.writeDisplayData && (type === 'display_data' || type === 'update_display_data' || type === 'execute_result')) {
    cell.writeDisplayData({ data: content.data, metadata: content.metadata, transient: content.transient ?? {} }, type === 'update_display_data');
    return;
  }
  warn(`cannot send ${type}: no iopub publisher`);
}

function requireCell(what) {
  const cell = targetCell();
  if (!cell) throw new Error(`stable-eureka kernel: ${what} needs a running cell`);
  return cell;
}

const idleController = new AbortController();

const hook = Object.freeze({
  version: 1,
  display(bundle, displayId) {
    const cell = requireCell('display()');
    const content = toContent(bundle);
    content.transient = displayId ? { display_id: String(displayId) } : {};
    publish(cell, 'display_data', content);
  },
  update(bundle, displayId) {
    if (!displayId) throw new TypeError('update() needs the displayId given to display()');
    const cell = requireCell('update()');
    const content = toContent(bundle);
    content.transient = { display_id: String(displayId) };
    publish(cell, 'update_display_data', content);
  },
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
});

Object.defineProperty(globalThis, HOOK_KEY, { value: hook, writable: false, enumerable: false, configurable: true });

// --- interrupts ----------------------------------------------------------------------------

/**
 * Interrupt the running cell (or, when idle, the work the latest cell left running): abort its
 * cellSignal(), then end a cell that awaits with tslab's executor.interrupt().
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

// Registered before tslab's own listener exists (it is added when the kernel starts, after
// the TypeScript compiler loaded): a SIGINT in between must not kill the kernel.
process.on('SIGINT', () => interrupt('SIGINT'));

/**
 * tslab runs a cell's synchronous part with vm's breakOnSigint, which removes every SIGINT
 * listener for that time and re-adds them after. A listener added meanwhile (execa's
 * signal-exit does so when a cell starts the Python worker) re-creates Node's signal watcher
 * while vm's SIGINT watchdog owns the signal, and when the watchdog stops Node installs its
 * exit-on-SIGINT handler over it: the next interrupt would kill the kernel without a word.
 * Removing and re-adding the listeners (what vm itself does) installs the watcher again.
 */
function repairSigint(before) {
  const now = process.rawListeners('SIGINT');
  if (now.length === before.length && now.every((l, i) => l === before[i])) return;
  process.removeAllListeners('SIGINT');
  for (const listener of now) process.on('SIGINT', listener);
}

// --- errors as Jupyter error content ----------------------------------------------------------

const internalFrame = new RegExp(
  `(node:internal|${escapeRegExp(path.join(tslabDir, 'dist'))}|${escapeRegExp(__filename)}|\\(node:)`,
);

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errorContent(value, depth = 0) {
  if (value instanceof Error || (typeof value === 'object' && value !== null && typeof value.message === 'string' && typeof value.stack === 'string')) {
    const ename = value.name || value.constructor?.name || 'Error';
    const evalue = String(value.message);
    const stack = typeof value.stack === 'string' && value.stack ? value.stack : `${ename}: ${evalue}`;
    let lines = stack.split('\n');
    // Node prefixes the stack of an error thrown by vm code with the JS source line and an
    // arrow ("evalmachine.<anonymous>:2", code, "^", ""): compiled code, not the cell's.
    const head = lines.findIndex((line) => line === ename || line.startsWith(`${ename}: `) || line.startsWith(`${ename} [`));
    if (head > 0) lines = lines.slice(head);
    const traceback = lines.filter((line) => !(/^\s+at /.test(line) && internalFrame.test(line)));
    if (value.cause !== undefined && depth < 5) {
      const c = errorContent(value.cause, depth + 1); // with its own causes
      traceback.push(`Caused by: ${c.traceback[0]}`, ...c.traceback.slice(1));
    }
    return { ename, evalue, traceback };
  }
  const shown = util.inspect(value, { depth: 4 });
  return { ename: 'Error', evalue: `Uncaught ${shown}`, traceback: [`Uncaught ${shown}`] };
}

/** TypeScript diagnostics (as tslab prints them) as one TSError with the source lines. */
function diagnosticsContent(diagnostics, code) {
  const srcLines = code.split('\n');
  const traceback = [];
  for (const d of diagnostics) {
    traceback.push(`${d.file ? `${d.file} ` : ''}${d.line}:${d.column} - ${d.text}`);
    const src = d.file ? undefined : srcLines[d.line - 1];
    if (src !== undefined) {
      const gutter = String(d.line).padStart(4);
      traceback.push(`${gutter} | ${src}`, `${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, d.column - 1))}^`);
    }
  }
  const first = diagnostics[0];
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  const evalue = `${first.file ? `${first.file} ` : ''}${first.line}:${first.column} - ${first.text}${more}`;
  traceback.unshift(`TSError: the cell does not compile: ${diagnostics.length} error${diagnostics.length > 1 ? 's' : ''}`);
  return { ename: 'TSError', evalue, traceback };
}

const interruptedContent = () => ({
  ename: 'Interrupted',
  evalue: 'The cell was interrupted (kernel interrupt)',
  traceback: ['Interrupted: The cell was interrupted (kernel interrupt); its cellSignal() was aborted.'],
});

/** What the executor reported through console.error while a cell ran, as error content. */
function failureOf(recorded, cell, code) {
  if (cell?.interrupted) return interruptedContent();
  const diagnostics = [];
  let thrown;
  let hasThrown = false;
  for (const args of recorded) {
    if (args.length === 5 && args[0] === '%s%d:%d - %s') {
      diagnostics.push({ file: String(args[1]).trim(), line: Number(args[2]), column: Number(args[3]), text: String(args[4]) });
    } else if (!hasThrown) {
      hasThrown = true;
      thrown = args[0];
    }
  }
  if (hasThrown) {
    if (thrown instanceof Error && (thrown.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || thrown.message === 'Interrupted asynchronously')) {
      // A synchronous loop broken by SIGINT (vm's breakOnSigint): our listener did not run.
      if (cell && !cell.controller.signal.aborted) cell.controller.abort(new DOMException('The cell was interrupted (SIGINT)', 'AbortError'));
      return interruptedContent();
    }
    return errorContent(thrown);
  }
  if (diagnostics.length) return diagnosticsContent(diagnostics, code);
  return null;
}

// --- patches of tslab's modules ---------------------------------------------------------------

function wrapMethod(owner, name, where, make) {
  const original = owner && owner[name];
  if (typeof original !== 'function') {
    warn(`tslab ${tslabVersion}: ${where}.${name} not found; that part of the kernel extension is off`);
    return false;
  }
  if (original.__stableEureka) return true;
  const wrapped = make(original);
  wrapped.__stableEureka = true;
  owner[name] = wrapped;
  return true;
}

function patchExecutor(executorModule) {
  wrapMethod(executorModule, 'createExecutor', 'executor', (createExecutor) =>
    function createExecutorWithHooks(rootDir, convs, con) {
      const ours = {
        log(...args) {
          const value = args[0];
          if (args.length === 1 && isDisplayable(value)) {
            const cell = targetCell();
            try {
              const content = toContent(value);
              if (cell) {
                publish(cell, 'execute_result', { execution_count: cell.executionCount, ...content });
                return;
              }
            } catch (err) {
              con.error('toMimeBundle() failed, showing the value as text:', err);
            }
          }
          con.log(...args);
        },
        error(...args) {
          if (state.recorder) state.recorder.push(args);
          else con.error(...args);
        },
      };
      const executor = createExecutor.call(this, rootDir, convs, ours);
      state.executor = executor;
      const execute = executor.execute;
      if (typeof execute === 'function') {
        executor.execute = async function executeCell(src) {
          const recorded = [];
          state.recorder = recorded;
          let ok;
          try {
            const before = process.rawListeners('SIGINT');
            // The cell's synchronous part runs inside this call (until its first await).
            const pending = execute.call(this, src);
            repairSigint(before);
            ok = await pending;
          } finally {
            state.recorder = null;
          }
          const cell = state.current;
          if (ok) {
            // e.g. `//@module` cells print diagnostics and still succeed: show them as tslab does.
            for (const args of recorded) con.error(...args);
          } else if (cell) {
            cell.failure = failureOf(recorded, cell, src);
            if (!cell.failure) for (const args of recorded) con.error(...args);
          } else {
            for (const args of recorded) con.error(...args);
          }
          return ok;
        };
      } else {
        warn(`tslab ${tslabVersion}: executor.execute not found; errors are printed only`);
      }
      return executor;
    },
  );
}

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
            ? interruptedContent()
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
        warn(`bad message on ${sock === this.control ? 'control' : 'shell'}: ${err.message}`);
        return Promise.resolve();
      }
      return handleShellMessage.call(this, sock, ...frames);
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

// --- interrupt_request on the control channel --------------------------------------------------

function parseFrames(frames) {
  const bufs = frames.map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f)));
  const at = bufs.findIndex((b) => b.equals(DELIM));
  if (at < 0 || bufs.length < at + 6) return null;
  const parts = bufs.slice(at + 2, at + 6);
  return {
    identities: bufs.slice(0, at),
    signature: bufs[at + 1].toString(),
    parts,
    header: JSON.parse(parts[0].toString()),
  };
}

function hmacOf(key, parts) {
  const h = crypto.createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

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

// --- `import ... from 'stable-eureka'` in a notebook ---------------------------------------------

/**
 * Notebooks next to this package (its notebooks/ folder, or anywhere without the package in a
 * node_modules above) import it by name, as a project that installed it would. Like tslab does
 * for `tslab` itself, the kernel then serves that name from the package it belongs to: for
 * the type checker, <cwd>/node_modules/<name>/... is read from the package root; at run time,
 * a `require` of the name that Node cannot resolve resolves there. A real installation above
 * the notebook's folder wins.
 */
function aliasOwnPackage() {
  const packageRoot = path.resolve(__dirname, '..');
  let name;
  try {
    name = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).name;
  } catch {
    return;
  }
  if (typeof name !== 'string' || !name) return;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return;
    if (path.dirname(dir) === dir) break;
  }

  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveOwnPackage(request, parent, isMain, options) {
    try {
      return originalResolve.call(this, request, parent, isMain, options);
    } catch (err) {
      if (err?.code !== 'MODULE_NOT_FOUND' || typeof request !== 'string' || !(request === name || request.startsWith(`${name}/`))) throw err;
      const target = request === name ? packageRoot : path.join(packageRoot, request.slice(name.length + 1));
      return originalResolve.call(this, target, parent, isMain, options);
    }
  };

  let ts;
  try {
    ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  } catch (err) {
    warn(`types of '${name}' are not served to cells: ${err.message}`);
    return;
  }
  const sys = ts.sys;
  const virtualRoot = path.join(process.cwd(), 'node_modules', name).split(path.sep).join('/');
  const forward = (p) => {
    if (typeof p !== 'string') return p;
    const unix = p.split(path.sep).join('/');
    if (unix !== virtualRoot && !unix.startsWith(`${virtualRoot}/`)) return p;
    return path.join(packageRoot, unix.slice(virtualRoot.length));
  };
  for (const method of ['readFile', 'fileExists', 'directoryExists', 'readDirectory', 'getDirectories', 'realpath', 'getModifiedTime']) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = function (p, ...rest) {
      return original.call(this, forward(p), ...rest);
    };
  }
  for (const method of ['watchFile', 'watchDirectory']) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = function (p, callback, ...rest) {
      const real = forward(p);
      if (real === p) return original.call(this, p, callback, ...rest);
      return original.call(this, real, (_file, ...args) => callback(p, ...args), ...rest);
    };
  }
}

// --- apply ----------------------------------------------------------------------------------

patchJupyter(require(path.join(tslabDir, 'dist', 'jupyter.js')));
patchExecutor(require(path.join(tslabDir, 'dist', 'executor.js')));
aliasOwnPackage();

// tslab's startKernel() runs another tslab found under the notebook's folder
// (…/node_modules/tslab/dist/main.js) instead of itself; this kernel must run the pinned,
// patched copy, so such a lookup gets ours.
const ourMain = path.join(tslabDir, 'dist', 'main.js');
const originalLoad = Module._load;
Module._load = function loadWithTslabRedirect(request, parent, isMain) {
  if (typeof request === 'string' && /tslab[\\/]dist[\\/]main(\.js)?$/.test(request)) {
    try {
      const resolved = fs.realpathSync(Module._resolveFilename(request, parent, isMain));
      if (resolved !== ourMain) return originalLoad.call(this, ourMain, parent, isMain);
    } catch {
      // not resolvable: let Node report it as usual
    }
  }
  return originalLoad.apply(this, arguments);
};

module.exports = { hook, interrupt };
