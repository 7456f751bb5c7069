/**
 * `stable-eureka <command>`: thin commands over the same functions notebooks call.
 * Exit codes: 0 success, 1 the reward or job failed, 2 bad usage, config or env folder.
 */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS, ConfigError, loadConfig, type Backend, type LoadedConfig } from './config';
import { installKernel, kernelSpecDir, KERNEL_DISPLAY_NAME, uninstallKernel } from './kernel';
import { writeReport } from './report';
import { RunFolder, runFiles, runPaths } from './run/layout';
import { Run } from './run/run';
import { cmdRun } from './runcli';
import { UsageError } from './usage';
import { describeEnv, resolveEnvTarget } from './envs';
import { extractReward } from './extract';
import { packageRoot } from './pyenv';
import { checkReward, evaluatePolicy, trainReward } from './training';
import { shutdownWorker, WorkerDiedError, WorkerRequestError } from './worker/client';
import type { CheckResult, EvalPoint, TrainResult } from './worker/protocol';


const fmt = (x: number | null | undefined, digits = 2) => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const err = (s: string) => process.stderr.write(s + '\n');

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function readRewardFile(file: string): string {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`reward file ${abs} does not exist`);
  return fs.readFileSync(abs, 'utf8');
}

export function formatCheck(r: CheckResult, file: string): string {
  const lines: string[] = [];
  if (r.passed) {
    lines.push(`PASS ${file}: ${r.signature} returns components ${(r.components ?? []).join(', ') || '(none)'}`);
    if (r.smoke) {
      lines.push(
        `  smoke run: ${r.smoke.steps} random steps, ${r.smoke.episodes} episodes, reward per step ` +
          `mean ${fmt(r.smoke.reward.mean, 3)} [${fmt(r.smoke.reward.min, 3)}, ${fmt(r.smoke.reward.max, 3)}]`,
      );
      for (const [name, s] of Object.entries(r.smoke.components)) {
        lines.push(`    ${name}: mean ${fmt(s.mean, 3)} [${fmt(s.min, 3)}, ${fmt(s.max, 3)}]`);
      }
    }
  } else {
    lines.push(`FAIL ${file} (${r.stage}):`);
    for (const e of r.errors) lines.push(`  ${e.line ? `line ${e.line}: ` : ''}${e.message}`);
    if (r.failure?.traceback) lines.push(r.failure.traceback.trimEnd().replace(/^/gm, '    '));
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** A reward file may be plain Python or a whole LLM response: the reward is extracted first. */
async function cmdCheck(target: string, rewardFile: string, opts: { class?: string; json?: boolean; steps?: number }): Promise<number> {
  const extraction = extractReward(readRewardFile(rewardFile));
  const { env } = resolveEnvTarget(target, { className: opts.class });
  if (!extraction.ok) {
    if (opts.json) console.log(JSON.stringify({ passed: false, stage: 'extract', errors: [{ stage: 'extract', message: extraction.reason, line: null, col: null }], extraction }));
    else console.log(`FAIL ${rewardFile} (extract): ${extraction.reason}`);
    return 1;
  }
  const result = await checkReward(env, extraction.code, { smokeSteps: opts.steps });
  if (opts.json) console.log(JSON.stringify({ ...result, extraction }));
  else {
    for (const note of extraction.notes) console.log(`note: ${note}`);
    console.log(formatCheck(result, rewardFile));
  }
  return result.passed ? 0 : 1;
}

function defaultOutDir(loaded: LoadedConfig): string {
  const { parent, name } = loaded.config.experiment;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return path.resolve(parent, name, `train-${stamp}`);
}

function progressReporter(total: number, quiet: boolean) {
  const tty = process.stderr.isTTY && !quiet;
  const bar = tty
    ? new SingleBar({
        format: 'train |{bar}| {percentage}% {value}/{total} steps | {sps} steps/s | fitness {fitness} (best {best})',
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  let best = -Infinity;
  let fitness = 'n/a';
  bar?.start(total, 0, { sps: '-', fitness, best: 'n/a' });
  return {
    progress(timesteps: number, sps: number) {
      bar?.update(Math.min(timesteps, total), { sps: Math.round(sps) });
    },
    evaluated(e: EvalPoint) {
      best = Math.max(best, e.fitness_mean);
      fitness = fmt(e.fitness_mean);
      if (bar) bar.update(Math.min(e.timesteps, total), { fitness, best: fmt(best) });
      else if (!quiet) err(`eval @ ${e.timesteps} steps: fitness ${fitness} (best ${fmt(best)}), reward ${fmt(e.reward_mean)}, length ${fmt(e.length_mean, 1)}`);
    },
    stop() {
      bar?.stop();
    },
  };
}

export function formatTrain(r: TrainResult): string {
  if (r.status !== 'succeeded') {
    const f = r.failure;
    return [`training ${r.status} in phase ${f.phase}: ${f.reason}`, f.traceback ? f.traceback.trimEnd().replace(/^/gm, '    ') : ''].filter(Boolean).join('\n');
  }
  const lines = [
    `trained ${r.timesteps} steps in ${fmt(r.wall_s, 1)} s (${Math.round(r.steps_per_s)} steps/s, ${r.algo} on ${r.device})`,
    `final fitness: ${fmt(r.final?.fitness_mean)}  (reward ${fmt(r.final?.reward_mean)}, length ${fmt(r.final?.length_mean, 1)})`,
    `best fitness:  ${fmt(r.best?.fitness_mean)} at ${r.best?.timesteps ?? 'n/a'} steps`,
    `best model:    ${r.best_model}`,
    `final model:   ${r.final_model}`,
    `evaluations:   ${r.evals_file}`,
    `tensorboard:   ${r.tensorboard_dir}`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

async function cmdTrain(configFile: string, opts: { reward: string; timesteps?: number; out?: string; json?: boolean }): Promise<number> {
  const loaded = loadConfig(configFile);
  const code = readRewardFile(opts.reward);
  const total = opts.timesteps ?? loaded.config.rl.training.total_timesteps;
  const outDir = path.resolve(opts.out ?? defaultOutDir(loaded));
  err(`training ${loaded.config.rl.algo} on ${loaded.config.environment.class_name} (${loaded.envDir}) for ${total} steps -> ${outDir}`);
  const reporter = progressReporter(total, false);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let result: TrainResult;
  try {
    result = await trainReward(loaded, code, {
      outDir,
      timesteps: opts.timesteps,
      signal: controller.signal,
      onProgress: (p) => reporter.progress(p.timesteps, p.steps_per_s),
      onEval: (e) => reporter.evaluated(e),
      onEvent: (event, data) => {
        if (event === 'log') err(`${String(data.level)}: ${String(data.message)}`);
      },
    });
  } finally {
    reporter.stop();
    process.off('SIGINT', onSigint);
  }
  if (opts.json) {
    err(formatTrain(result));
    console.log(JSON.stringify(result));
  } else {
    console.log(formatTrain(result));
  }
  return result.status === 'succeeded' ? 0 : 1;
}

async function cmdEvaluate(configFile: string, opts: { reward: string; model: string; episodes?: number; gif?: string; json?: boolean }): Promise<number> {
  const loaded = loadConfig(configFile);
  const result = await evaluatePolicy(loaded, readRewardFile(opts.reward), { model: opts.model, episodes: opts.episodes, gif: opts.gif });
  if (opts.json) console.log(JSON.stringify(result));
  else if (result.status !== 'succeeded') console.log(`evaluation ${result.status}: ${result.failure.reason}`);
  else {
    console.log(`fitness ${fmt(result.fitness_mean)} ± ${fmt(result.fitness_std)} over ${result.episodes.length} episodes (min ${fmt(result.fitness_min)}, max ${fmt(result.fitness_max)})`);
    if (result.gif) console.log(`gif: ${result.gif} (${result.gif_frames} frames)`);
  }
  return result.status === 'succeeded' ? 0 : 1;
}

async function cmdDescribe(target: string, opts: { class?: string; json?: boolean }): Promise<number> {
  const d = await describeEnv(target, { className: opts.class });
  if (opts.json) {
    console.log(JSON.stringify(d));
    return 0;
  }
  console.log(`${d.class_name} in ${d.env_file}`);
  console.log(`  reward call:  ${d.call_site.text} (line ${d.call_site.line})`);
  console.log(`  signature:    ${d.call_site.signature}`);
  console.log(`  observation:  ${d.observation_space}`);
  console.log(`  action:       ${d.action_space}`);
  console.log(`  LLM sees:     step() from ${d.step_code_source}`);
  for (const w of d.warnings) console.log(`  warning: ${w}`);
  return 0;
}

/** The loop on CartPole with the embedded local model: no server, no key, a few minutes. */
async function cmdDemo(opts: { iterations?: number; samples?: number; timesteps?: number; out?: string }): Promise<number> {
  const configFile = path.join(packageRoot, 'configs', 'cartpole.yml');
  return cmdRun(configFile, {
    backend: 'local',
    iterations: opts.iterations ?? 3,
    samples: opts.samples ?? 4,
    timesteps: opts.timesteps ?? 20_000,
    out: opts.out,
  });
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

async function cmdFeedback(dir: string, o: { iteration: number; file?: string; text?: string; extend?: boolean }): Promise<number> {
  if ((o.file === undefined) === (o.text === undefined)) throw new UsageError('give the feedback with either --file or --text');
  const text = o.file !== undefined ? readRewardFile(o.file) : o.text!;
  const run = openRunFolder(dir);
  if (!run.iteration(o.iteration)) throw new UsageError(`${run.dir} has no iteration ${o.iteration} yet`);
  const fb = run.setFeedback(o.iteration, text, o.extend ? 'extend' : 'replace');
  console.log(`feedback for iteration ${o.iteration + 1} (${fb.record.source}) written to ${runPaths.feedback(run.dir, o.iteration)}`);
  if (run.samples(o.iteration + 1).length > 0) {
    err(`warning: iteration ${o.iteration + 1} already has its samples; the feedback is kept but they were generated without it`);
  } else {
    const more = run.config.eureka.iterations <= o.iteration + 1 ? ` --iterations ${o.iteration + 2}` : '';
    console.log(`continue with: stable-eureka run --resume ${run.dir}${more}`);
  }
  return 0;
}

/** A run folder named on the command line; a wrong path is a usage error, not a crash. */
function openRunFolder(dir: string): Run {
  try {
    return Run.open(dir);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function backendName(value: string): Backend {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}`);
  return value as Backend;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('stable-eureka')
    .description('LLM-written rewards for reinforcement learning, trained with stable-baselines3')
    .showHelpAfterError()
    .exitOverride();
  const run = (fn: () => Promise<number>) => async () => setExit(await fn());
  program
    .command('check')
    .description('check a reward file against an env folder or a config (exit 0 only if it passes)')
    .argument('<target>', 'env folder (stable-eureka layout) or config .yml')
    .argument('<reward-file>', 'Python file defining compute_reward, or a whole LLM response')
    .option('--class <name>', 'env class, when env.py has several that call compute_reward')
    .option('--steps <n>', 'random steps of the smoke run', positiveInt)
    .option('--json', 'print the verdict as JSON')
    .action((target: string, reward: string, o) => run(() => cmdCheck(target, reward, o))());
  program
    .command('train')
    .description('train one reward with the config\'s algorithm and settings')
    .argument('<config>', 'config .yml (stable-eureka format)')
    .requiredOption('--reward <file>', 'Python file defining compute_reward')
    .option('--timesteps <n>', 'override rl.training.total_timesteps', positiveInt)
    .option('--out <dir>', 'output folder (default experiments/<name>/train-<time>)')
    .option('--json', 'print the result as one JSON object on the last line')
    .action((config: string, o) => run(() => cmdTrain(config, o))());
  program
    .command('evaluate')
    .description('evaluate a saved model on seeded episodes, optionally rendering a GIF')
    .argument('<config>', 'config .yml')
    .requiredOption('--reward <file>', 'the reward the env steps with')
    .requiredOption('--model <zip>', 'SB3 model file')
    .option('--episodes <n>', 'episodes (default rl.evaluation.num_episodes)', positiveInt)
    .option('--gif <file>', 'render the first episode to this GIF')
    .option('--json', 'print the result as JSON')
    .action((config: string, o) => run(() => cmdEvaluate(config, o))());
  program
    .command('describe')
    .description('show what the LLM and the checks see of an env folder')
    .argument('<target>', 'env folder or config .yml')
    .option('--class <name>', 'env class')
    .option('--json', 'print as JSON')
    .action((target: string, o) => run(() => cmdDescribe(target, o))());
  program
    .command('run')
    .description('run the Eureka loop: LLM rewards, checked, trained, reflected on, for N iterations')
    .argument('[config]', 'config .yml (stable-eureka format)')
    .option('--resume <run-dir>', 'continue a run folder where it stopped (no config then)')
    .option('--iterations <n>', 'override eureka.iterations (with --resume: extend the run)', positiveInt)
    .option('--samples <k>', 'override eureka.samples', positiveInt)
    .option('--timesteps <n>', 'override rl.training.total_timesteps', positiveInt)
    .option('--backend <name>', `override eureka.backend (${BACKENDS.join(', ')})`, backendName)
    .option('--model <name>', 'override eureka.model')
    .option('--out <dir>', 'run folder (default experiment.parent/name[/time])')
    .option('--no-report', 'do not write report.html at the end')
    .action((config: string | undefined, o) => run(() => cmdRun(config, o))());
  program
    .command('feedback')
    .description("write your own feedback for a run's next iteration, in place of the reflection or after it")
    .argument('<run-dir>', 'run folder')
    .requiredOption('--iteration <i>', 'the iteration the feedback is about (the next one reads it)', nonNegativeInt)
    .option('--file <file>', 'the feedback text, from a file')
    .option('--text <text>', 'the feedback text')
    .option('--extend', 'add it after the automatic reflection instead of replacing it')
    .action((dir: string, o: { iteration: number; file?: string; text?: string; extend?: boolean }) => run(() => cmdFeedback(dir, o))());
  program
    .command('report')
    .description('write a self-contained HTML report of a run folder')
    .argument('<run-dir>', 'run folder')
    .option('--out <file>', 'where to write it (default <run-dir>/report.html)')
    .action((dir: string, o: { out?: string }) =>
      run(async () => {
        if (!new RunFolder(dir).isRun()) throw new UsageError(`${path.resolve(dir)} is not a run folder (no ${runFiles.run})`);
        console.log(await writeReport(dir, { out: o.out }));
        return 0;
      })(),
    );
  const kernel = program.command('kernel').description('the "Stable Eureka (TypeScript)" Jupyter kernel (tslab with our preload)');
  kernel
    .command('install')
    .description("install the kernelspec into your Jupyter data folder (absolute paths: no global install needed)")
    .option('--data-dir <dir>', 'Jupyter data folder (default: $JUPYTER_DATA_DIR or `jupyter --data-dir`)')
    .action((o: { dataDir?: string }) =>
      run(async () => {
        console.log(`installed kernel '${KERNEL_DISPLAY_NAME}' in ${installKernel({ dataDir: o.dataDir })}`);
        return 0;
      })(),
    );
  kernel
    .command('uninstall')
    .description('remove the kernelspec')
    .option('--data-dir <dir>', 'Jupyter data folder')
    .action((o: { dataDir?: string }) =>
      run(async () => {
        const dir = kernelSpecDir({ dataDir: o.dataDir });
        console.log(uninstallKernel({ dataDir: o.dataDir }) ? `removed ${dir}` : `no kernel installed at ${dir}`);
        return 0;
      })(),
    );
  program
    .command('demo')
    .description('the loop on CartPole with the embedded local model (no server or key; a few minutes)')
    .option('--iterations <n>', 'iterations (default 3)', positiveInt)
    .option('--samples <k>', 'samples per iteration (default 4)', positiveInt)
    .option('--timesteps <n>', 'training steps per sample (default 20000)', positiveInt)
    .option('--out <dir>', 'run folder')
    .action((o) => run(() => cmdDemo(o))());
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((c) => (exitCode = c));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const error = e as Error & { code?: string; exitCode?: number };
    if (error.code?.startsWith('commander.')) {
      exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    } else if (e instanceof ConfigError || e instanceof UsageError) {
      err(`error: ${error.message}`);
      exitCode = 2;
    } else if (e instanceof WorkerRequestError) {
      err(`error: ${error.message}`);
      exitCode = e.kind === 'env_error' || e.kind === 'bad_request' ? 2 : 1;
    } else if (e instanceof WorkerDiedError) {
      err(`error: ${error.message}`);
      exitCode = 1;
    } else {
      err(`error: ${error.stack ?? error.message}`);
      exitCode = 1;
    }
  } finally {
    await shutdownWorker();
  }
  return exitCode;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
