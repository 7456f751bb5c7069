/**
 * `stable-eureka bench-llm`: which model designs rewards best, measured. Runs the loop with
 * each model on a suite of envs (src/benchllm/), progress to stderr, the Markdown table to
 * stdout, and results.html beside it. The same command again continues where it stopped.
 */
import path from 'node:path';
import { runBench, type BenchOptions } from '../benchllm/bench';
import { benchPaths } from '../benchllm/folder';
import { resultsMarkdown } from '../benchllm/page';
import { loadSuite } from '../benchllm/suite';
import type { Backend } from '../config/index';
import { LOCAL_MODEL_NAME } from '../llm/local';
import { err } from './format';
import { cancelOnCtrlC, progressPrinter } from './run';
import { UsageError } from './usage';

export interface BenchCommandOptions {
  suite?: string;
  backend: Backend;
  model: string[];
  host?: string;
  out?: string;
}

/** Runs or continues the benchmark; 0 when every run is done, 1 when some failed, 130 on Ctrl-C. */
export async function cmdBenchLlm(o: BenchCommandOptions): Promise<number> {
  const models = o.backend === 'local' ? [LOCAL_MODEL_NAME] : [...new Set(o.model)];
  if (!models.length) throw new UsageError(`name the models to compare: --model NAME (once per model) with --backend ${o.backend}`);
  if (o.backend === 'local' && o.model.some((m) => m !== LOCAL_MODEL_NAME)) err(`note: --backend local has one model, ${LOCAL_MODEL_NAME}; --model is ignored`);
  const suite = loadSuite(o.suite ?? 'small');
  const dir = path.resolve(o.out ?? path.join('experiments', 'bench-llm', suite.name));
  const ctrlC = cancelOnCtrlC('run the same command to continue');
  const printer = progressPrinter();
  const runs = suite.envs.length * suite.seeds.length * models.length;
  err(`bench ${dir}: suite '${suite.name}' (${suite.envs.map((e) => e.label).join(', ')}; seeds ${suite.seeds.join(', ')}; ${suite.iterations} iterations x ${suite.samples} samples), ${runs} runs of ${o.backend} ${models.join(', ')}`);
  const opts: BenchOptions = { suite, backend: o.backend, models, host: o.host, dir, signal: ctrlC.signal, onLog: (line) => err(`[bench] ${line}`), onRunEvent: printer.onEvent };
  try {
    const results = await runBench(opts);
    console.log(resultsMarkdown(results));
    console.log(`results: ${benchPaths.html(dir)}\n         ${benchPaths.markdown(dir)}`);
    const failed = results.rows.filter((r) => r.runs.done < r.runs.total);
    if (failed.length) err(`some runs are not done (above); run the same command to retry them`);
    return failed.length ? 1 : 0;
  } catch (e) {
    if (ctrlC.signal.aborted) {
      err(`stopped; continue with the same command (bench folder ${dir})`);
      return 130;
    }
    throw e;
  } finally {
    printer.stop();
    ctrlC.release();
  }
}
