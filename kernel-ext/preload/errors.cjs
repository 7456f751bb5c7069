// @ts-check
'use strict';
/**
 * A failing cell as Jupyter error content (ename, evalue, traceback), which tslab 1.0.22 does
 * not send: front ends and nbclient then show the error itself instead of `<Error>` and stderr
 * text. Built from what tslab's executor reported through console.error while the cell ran:
 * a thrown value (stack without tslab's, Node's or this preload's frames, `Caused by:` for
 * causes), TypeScript diagnostics (one TSError, each with its source line and a caret), or an
 * interrupt.
 */
const path = require('node:path');
const util = require('node:util');
const { tslabDir } = require('./tslab.cjs');

/**
 * @import { Cell } from './cells.cjs'
 */

/**
 * The content of an iopub `error` message, also merged into an error execute_reply.
 * @typedef {{ename: string, evalue: string, traceback: string[]}} ErrorContent
 */

/**
 * An Error, or an object shaped like one (from another realm, or a library's own).
 * @typedef {{name?: unknown, message: string, stack: string, cause?: unknown, constructor?: {name?: string}}} ErrorLike
 */

/** @param {string} s */
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Stack frames that are not the user's: Node's, tslab's, and this preload's (preload.cjs and preload/). */
const internalFrame = new RegExp(
  `(node:internal|${escapeRegExp(path.join(tslabDir, 'dist'))}|${escapeRegExp(path.join(__dirname, '..', 'preload.cjs'))}|${escapeRegExp(__dirname + path.sep)}|\\(node:)`,
);

/**
 * @param {unknown} value
 * @returns {value is ErrorLike}
 */
function isErrorLike(value) {
  if (value instanceof Error) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = /** @type {{message?: unknown, stack?: unknown}} */ (value);
  return typeof v.message === 'string' && typeof v.stack === 'string';
}

/**
 * A thrown value as error content.
 * @param {unknown} value
 * @param {number} [depth] how many causes deep this is
 * @returns {ErrorContent}
 */
function errorContent(value, depth = 0) {
  if (isErrorLike(value)) {
    // As the value has it (an ErrorLike's name is whatever it is).
    const ename = /** @type {string} */ (value.name || value.constructor?.name || 'Error');
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

/**
 * A TypeScript diagnostic as tslab prints it.
 * @typedef {{file: string, line: number, column: number, text: string}} Diagnostic
 */

/**
 * TypeScript diagnostics (as tslab prints them) as one TSError with the source lines.
 * @param {Diagnostic[]} diagnostics at least one
 * @param {string} code the cell's source
 * @returns {ErrorContent}
 */
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
  const first = /** @type {Diagnostic} */ (diagnostics[0]); // there is one
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  const evalue = `${first.file ? `${first.file} ` : ''}${first.line}:${first.column} - ${first.text}${more}`;
  traceback.unshift(`TSError: the cell does not compile: ${diagnostics.length} error${diagnostics.length > 1 ? 's' : ''}`);
  return { ename: 'TSError', evalue, traceback };
}

/** @returns {ErrorContent} */
/**
 * An interrupted cell, in the words the running code gave for it (the hook's onInterrupt: the
 * library's stages say what was kept and how to go on), or plainly when it gave none.
 * @param {Cell | null} [cell]
 */
const interruptedContent = (cell) => {
  const evalue = cell?.interruptMessage ?? 'The cell was stopped (kernel interrupt). Run it again to start it over.';
  return { ename: 'Interrupted', evalue, traceback: [`Interrupted: ${evalue}`] };
};

/**
 * What the executor reported through console.error while a cell ran, as error content.
 * @param {unknown[][]} recorded the arguments of each console.error call
 * @param {Cell | null} cell
 * @param {string} code the cell's source
 * @returns {ErrorContent | null} null when nothing recorded is an error
 */
function failureOf(recorded, cell, code) {
  /** @type {Diagnostic[]} */
  const diagnostics = [];
  /** @type {unknown} */
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
  if (cell?.interrupted) return interruptedContent(cell);
  if (hasThrown) {
    if (thrown instanceof Error && (/** @type {NodeJS.ErrnoException} */ (thrown).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || thrown.message === 'Interrupted asynchronously')) {
      // A synchronous loop broken by SIGINT (vm's breakOnSigint): our listener did not run.
      if (cell && !cell.controller.signal.aborted) cell.controller.abort(new DOMException('The cell was interrupted (SIGINT)', 'AbortError'));
      return interruptedContent(cell);
    }
    return errorContent(thrown);
  }
  if (diagnostics.length) return diagnosticsContent(diagnostics, code);
  return null;
}

module.exports = { errorContent, interruptedContent, failureOf };
