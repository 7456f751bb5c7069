// @ts-check
'use strict';
/**
 * Preloaded (`node -r`) into the tslab kernel of the "Stable Eureka (TypeScript)" kernelspec,
 * before tslab's own code runs. It adds what tslab 1.0.22 lacks, by wrapping a few functions
 * of tslab's modules in this process (nothing on disk is changed). This file only applies the
 * modules under preload/, in this order; each one owns one mechanism:
 *
 *   preload/tslab.cjs        which tslab runs here (version check), wrapMethod() for patching
 *                            it, and pinning the kernel to that copy (startKernel() would run
 *                            another tslab found under the notebook's folder);
 *   preload/cells.cjs        the shared state: the running and latest cell, requests seen;
 *   preload/hook.cjs         the KernelHook of src/kernelHook.ts on
 *                            globalThis[Symbol.for('stable-eureka.kernel')]: whole multi-mime
 *                            display bundles, update_display_data, set_next_input payloads and
 *                            a per-cell AbortSignal;
 *   preload/interrupt.cjs    SIGINT and interrupt_request on the control channel abort the
 *                            running cell's signal and end the cell; the kernel lives;
 *   preload/errors.cjs       a failing cell's ename, evalue and traceback, for thrown values,
 *                            TypeScript compile errors and interrupts;
 *   preload/jupyter.cjs      the wraps of tslab's jupyter.js: execute_input, an iopub publisher
 *                            per request, error/payload/user_expressions in execute_reply,
 *                            "aborted" for skipped cells, stop_on_error: false, interrupt_request,
 *                            an exit on shutdown_request even while the Python worker runs;
 *   preload/executor.cjs     the wrap of tslab's executor.js: the cell's last value with
 *                            toMimeBundle() as its execute_result, its errors as values;
 *   preload/own-package.cjs  `import ... from 'stable-eureka'` (typed) in a notebook folder
 *                            without node_modules/stable-eureka, as tslab does for `tslab`.
 *
 * Each wrap checks that its target exists and warns on the kernel's stderr instead of failing
 * when it does not. Type-checked with `tsc -p kernel-ext/tsconfig.json` (part of `npm test`).
 */
const path = require('node:path');
const { patchExecutor } = require('./preload/executor.cjs');
const { hook, installHook } = require('./preload/hook.cjs');
const { interrupt, listenForSigint } = require('./preload/interrupt.cjs');
const { patchJupyter } = require('./preload/jupyter.cjs');
const { aliasOwnPackage } = require('./preload/own-package.cjs');
const { pinTslabMain, tslabDir } = require('./preload/tslab.cjs');

installHook();
listenForSigint();
patchJupyter(require(path.join(tslabDir, 'dist', 'jupyter.js')));
patchExecutor(require(path.join(tslabDir, 'dist', 'executor.js')));
aliasOwnPackage();
pinTslabMain();

module.exports = { hook, interrupt };
