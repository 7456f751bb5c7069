// @ts-check
'use strict';
/**
 * The wrap of tslab's createExecutor(rootDir, convs, console) (tslab/dist/executor.js). The
 * console it is given is what the executor reports through: console.log(lastValue) once after
 * a cell ran, console.error(err) for a thrown value, console.error(fmt, file, line, col, text)
 * per TypeScript diagnostic. We pass our own console, so we see the cell's last value and its
 * errors as values, not text: a last value with toMimeBundle() becomes the cell's
 * execute_result, and a failure becomes the cell's error content (errors.cjs). The returned
 * executor's execute() is wrapped to scope what is recorded to one cell; its interrupt() is
 * kept for interrupts (interrupt.cjs).
 */
const { state, targetCell } = require('./cells.cjs');
const { failureOf } = require('./errors.cjs');
const { isDisplayable, publish, toContent } = require('./hook.cjs');
const { repairSigint } = require('./interrupt.cjs');
const { tslabVersion, warn, wrapMethod } = require('./tslab.cjs');

/**
 * @import { ConsoleInterface, ExecutorModule } from './tslab.cjs'
 */

/** @param {ExecutorModule} executorModule tslab/dist/executor.js */
function patchExecutor(executorModule) {
  wrapMethod(executorModule, 'createExecutor', 'executor', (createExecutor) =>
    function createExecutorWithHooks(rootDir, convs, con) {
      /** @type {ConsoleInterface} */
      const ours = {
        log(...args) {
          const value = args[0];
          if (args.length === 1 && isDisplayable(value)) {
            const cell = targetCell();
            try {
              // a view with charts: its text and tables as the result, then each chart as an
              // interactive output of its own (toMimeBundles; one bundle for anything else)
              const [first, ...rest] = (typeof value.toMimeBundles === 'function' ? value.toMimeBundles() : [value]).map(toContent);
              if (cell && first) {
                publish(cell, 'execute_result', { execution_count: cell.executionCount, ...first });
                for (const content of rest) publish(cell, 'display_data', { ...content, transient: {} });
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
          /** @type {unknown[][]} */
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

module.exports = { patchExecutor };
