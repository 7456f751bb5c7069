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
import { DEFAULT_LOCAL_MODEL, LOCAL_MODEL_NAMES } from '../llm/localModels';
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
  const models = o.backend === 'local' && !o.model.length ? [DEFAULT_LOCAL_MODEL] : [...new Set(o.model)];
  if (!models.length) throw new UsageError(`name the models to compare: --model NAME (once per model) with --backend ${o.backend}`);
  const unknown = o.backend === 'local' ? models.filter((m) => !LOCAL_MODEL_NAMES.includes(m)) : [];
  if (unknown.length) throw new UsageError(`--backend local runs ${LOCAL_MODEL_NAMES.join(' or ')}; not ${unknown.join(', ')}`);
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
