// @ts-check
'use strict';
/**
 * The tslab this kernel patches, and how it is patched. Finds the tslab that runs this
 * process (the script in argv), warns when it is not the version the preload was written for,
 * wraps a method of one of its modules without failing when the method is gone (wrapMethod),
 * and pins the kernel to that copy: tslab's startKernel() otherwise hands over to another
 * tslab found under the notebook's folder, which would run without our patches.
 *
 * The typedefs below are the parts of tslab 1.0.22's dist/ modules the other modules rely on
 * (not tslab's own .d.ts: these name private members too, and each wrap checks at run time).
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/**
 * @typedef {{code?: string, stop_on_error?: boolean}} ExecuteRequest
 *   an execute_request's content; tslab hands it down as `req`
 * @typedef {{data: Record<string, unknown>, metadata: Record<string, unknown>, transient: {display_id?: string}}} DisplayData
 * @typedef {(content: DisplayData, update: boolean) => void} WriteDisplayData
 * @typedef {(name: string, text: string) => void} WriteStream
 * @typedef {{status: string, [key: string]: unknown}} ExecuteReply
 *   the execute_reply content that JupyterHandlerImpl.handleExecute returns
 * @typedef {{execCount?: number}} JupyterHandler
 * @typedef {{
 *   handleExecuteImpl(this: JupyterHandler, req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<unknown>,
 *   handleExecute(this: JupyterHandler, req: ExecuteRequest, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<ExecuteReply>,
 * }} JupyterHandlerMethods
 * @typedef {{send(frames: (Buffer | string)[]): unknown}} Socket
 * @typedef {{msg_type: string, session?: string, username?: string, [key: string]: unknown}} Header
 * @typedef {{
 *   header: Header, content: ExecuteRequest,
 *   createReply(): {header: Header, content: unknown, signAndSend(key: string, sock: Socket): void},
 * }} ZmqMessage
 * @typedef {{connInfo: {key: string}, iopub: Socket, control: Socket}} ZmqServer
 * @typedef {{
 *   handleExecute(this: ZmqServer, sock: Socket, msg: ZmqMessage): Promise<void>,
 *   handleShellMessage(this: ZmqServer, sock: Socket, ...frames: (Buffer | string)[]): Promise<void>,
 *   close(this: ZmqServer, ...args: unknown[]): void,
 * }} ZmqServerMethods
 * @typedef {{JupyterHandlerImpl?: {prototype: JupyterHandlerMethods}, ZmqServer?: {prototype: ZmqServerMethods}}} JupyterModule
 *   tslab/dist/jupyter.js
 * @typedef {{log(...args: unknown[]): void, error(...args: unknown[]): void}} ConsoleInterface
 * @typedef {{execute(src: string): Promise<boolean>, interrupt(): void}} Executor
 * @typedef {{
 *   createExecutor(this: unknown, rootDir: string, convs: unknown, con: ConsoleInterface): Executor,
 * }} ExecutorModule
 *   tslab/dist/executor.js
 * @typedef {typeof Module & {
 *   _resolveFilename(request: string, parent: unknown, isMain?: boolean, options?: unknown): string,
 *   _load(request: string, parent: unknown, isMain?: boolean): unknown,
 * }} ModuleInternals
 *   Node's CommonJS loader internals that @types/node does not declare
 */

const TESTED_TSLAB = '1.0.22';

/** @param {string} message */
function warn(message) {
  process.stderr.write(`[stable-eureka kernel] ${message}\n`);
}

/** The root of the package this preload belongs to (kernel-ext/preload/ is two levels down). */
const packageRoot = path.resolve(__dirname, '..', '..');

/** The tslab this kernel runs: the script in argv (…/tslab/bin/tslab), else ours by resolution. */
function findTslabDir() {
  const script = process.argv[1];
  if (script && /[\\/]tslab[\\/]bin[\\/]tslab(\.js)?$/.test(script)) {
    return path.resolve(path.dirname(script), '..');
  }
  return path.dirname(require.resolve('tslab/package.json', { paths: [packageRoot] }));
}

const tslabDir = fs.realpathSync(findTslabDir());
/** @type {string} */
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

/**
 * Replace owner[name] with make(original), once (a second preload of the same copy keeps the
 * first wrap). When the method is missing (another tslab version), warn and leave it.
 * @template {object} O
 * @template {keyof O & string} K
 * @param {O | undefined} owner
 * @param {K} name
 * @param {string} where the owner's name, for the warning
 * @param {(original: O[K]) => O[K]} make
 * @returns {boolean} whether the method is wrapped now
 */
function wrapMethod(owner, name, where, make) {
  const original = owner && owner[name];
  /** A wrap of ours is marked, so that it is not wrapped again. */
  const marked = /** @type {{__stableEureka?: boolean}} */ (original);
  if (!owner || typeof original !== 'function') {
    warn(`tslab ${tslabVersion}: ${where}.${name} not found; that part of the kernel extension is off`);
    return false;
  }
  if (marked.__stableEureka) return true;
  const wrapped = make(original);
  /** @type {{__stableEureka?: boolean}} */ (wrapped).__stableEureka = true;
  owner[name] = wrapped;
  return true;
}

/**
 * tslab's startKernel() runs another tslab found under the notebook's folder
 * (…/node_modules/tslab/dist/main.js) instead of itself; this kernel must run the pinned,
 * patched copy, so such a lookup gets ours.
 */
function pinTslabMain() {
  const loader = /** @type {ModuleInternals} */ (Module);
  const ourMain = path.join(tslabDir, 'dist', 'main.js');
  const originalLoad = loader._load;
  loader._load = function loadWithTslabRedirect(request, parent, isMain) {
    if (typeof request === 'string' && /tslab[\\/]dist[\\/]main(\.js)?$/.test(request)) {
      try {
        const resolved = fs.realpathSync(loader._resolveFilename(request, parent, isMain));
        if (resolved !== ourMain) return originalLoad.call(this, ourMain, parent, isMain);
      } catch {
        // not resolvable: let Node report it as usual
      }
    }
    // All the arguments Node passed, as before the wrap.
    return originalLoad.apply(this, /** @type {Parameters<ModuleInternals['_load']>} */ (/** @type {unknown} */ (arguments)));
  };
}

module.exports = { packageRoot, tslabDir, tslabVersion, warn, wrapMethod, pinTslabMain };
