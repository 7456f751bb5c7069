/**
 * The notebook cell API: one call per Eureka stage, each returning a value that displays itself
 * (a View: toMimeBundle()), with live outputs updated in place while it works.
 *
 *   const run = await open('configs/cartpole.yml', { backend: 'local', samples: 4, iterations: 2 });
 *   run.env()                   // the env the LLM sees
 *   await run.prompt(0)         // the conversation for iteration 0
 *   await run.generate(0)       // the samples, streamed live
 *   await run.check(0)          // checks, fixes asked
 *   await run.train(0)          // live progress + fitness chart, then the table and curves
 *   run.reflect(0)              // the reflection, warnings highlighted
 *   await run.select(0)         // the iteration's best sample
 *   await run.evaluate()        // the final evaluation and its GIF
 *
 * Every call that takes time passes the kernel's cell signal to the run, so interrupting the
 * kernel cancels LLM calls and training jobs; the run stays resumable (call the cell again).
 * A notebook run lives across cells while a signal belongs to one cell, so each call works on a
 * fresh `Run.open(dir, { signal, onEvent })`: the run's state is its folder, nothing in memory.
 *
 * Calls that show charts are async (charts are rendered to SVG here, for static exports);
 * `env()`, `reflect()`, `feedback()` and the run's own summary are synchronous.
 *
 * src/notebook/ owns that API; src/index.ts exports it, as the notebooks import it ('stable-eureka').
 *
 *   index        open(), and what the folder offers
 *   run          NotebookRun: a method a stage, each on a fresh Run of the folder
 *   stage        how a stage call runs: the cell's signal, a live Monitor, interruptions resumable
 *   monitor      the live output of a stage, fed by the run's events
 *   stageViews   views of one stage's work: env, prompt, responses, checks, a sample, training
 *   resultViews  views of results: feedback, final evaluation, an iteration, a comparison, the
 *                run, the report written
 *   pieces       the views' few HTML pieces that src/render/ has nothing like
 * Every view is a src/display/ View; their HTML is drawn with src/render/'s helpers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RunFolder } from '../run/layout';
import { Run } from '../run/run';
import { NotebookRun, type OpenOptions } from './run';

export { NotebookRun, type OpenOptions } from './run';
export { type StageOptions } from './stage';
export { ChecksView, EnvView, PromptView, ResponsesView, SampleView, TrainView, templateLiteral } from './stageViews';
export { CompareView, EvaluationView, FeedbackView, IterationView, ReportView, RunView } from './resultViews';

const isRunFolder = (p: string) => new RunFolder(p).isRun();

/**
 * A run for notebook cells: a new one for a config file, or an existing run folder (one the CLI
 * started, or an earlier notebook's) to continue. Starts the worker and describes the env.
 */
export async function open(target: string, opts: OpenOptions = {}): Promise<NotebookRun> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, target);
  const { backend, model, samples, iterations, timesteps } = opts;
  const overrides = { backend, model, samples, iterations, timesteps };
  const any = Object.values(overrides).some((v) => v !== undefined);
  const base = { backend: opts.llm, worker: opts.worker, smokeSteps: opts.smokeSteps };
  const run =
    fs.existsSync(abs) && fs.statSync(abs).isDirectory() && isRunFolder(abs)
      ? Run.open(abs, { ...base, ...(any ? { overrides } : {}) })
      : Run.create(abs, { ...base, overrides, cwd, dir: opts.dir });
  await run.describe();
  return new NotebookRun(run.dir, opts);
}
