/**
 * `stable-eureka <command>`: the command-line program, thin commands over the same functions
 * notebooks call. This folder owns the commands (jobs.ts: one worker job each; run.ts: the
 * loop and its run folders; benchllm.ts: the reward-design benchmark), how they print (format.ts) and what they refuse (usage.ts).
 * Used by bin/stable-eureka.cjs, which loads the built dist/cli/index.js.
 * Exit codes: 0 success, 1 the reward or job failed, 2 bad usage, config or env folder.
 */
import { Command } from 'commander';
import { BACKENDS, ConfigError } from '../config/index';
import { installKernel, kernelSpecDir, KERNEL_DISPLAY_NAME, uninstallKernel } from '../kernel';
import { shutdownWorker, WorkerDiedError, WorkerRequestError } from '../worker/client';
import { err } from './format';
import { cmdBenchLlm } from './benchllm';
import { cmdCheck, cmdDescribe, cmdEvaluate, cmdTrain } from './jobs';
import { cmdDemo, DEMO } from './demo';
import { DEFAULT_LOCAL_MODEL, LOCAL_MODEL_NAMES } from '../llm/localModels';
import { cmdFeedback, cmdReport, cmdRun } from './run';
import { backendName, executorName, nonNegativeInt, positiveInt, UsageError } from './usage';

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('stable-eureka')
    .description('LLM-written rewards for reinforcement learning, trained with stable-baselines3')
    .showHelpAfterError()
    .exitOverride();
  const run = (fn: () => Promise<number>) => async () => setExit(await fn());
  // where jobs run: the same two flags on every command that runs reward code
  const compute = (c: Command) =>
    c
      .option('--executor <name>', 'where jobs run: local (this machine) or ray (a Ray cluster); default compute.executor', executorName)
      .option('--ray-address <addr>', "the Ray cluster: 'auto' or host:port (implies --executor ray); default compute.ray.address");
  compute(program.command('check'))
    .description('check a reward file against an env folder or a config (exit 0 only if it passes)')
    .argument('<target>', 'env folder (stable-eureka layout) or config .yml')
    .argument('<reward-file>', 'Python file defining compute_reward, or a whole LLM response')
    .option('--class <name>', 'env class, when env.py has several that call compute_reward')
    .option('--steps <n>', 'random steps of the smoke run', positiveInt)
    .option('--json', 'print the verdict as JSON')
    .action((target: string, reward: string, o) => run(() => cmdCheck(target, reward, o))());
  compute(program.command('train'))
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
  compute(program.command('run'))
    .description('run the Eureka loop: LLM rewards, checked, trained, reflected on, for N iterations')
    .argument('[config]', 'config .yml (stable-eureka format)')
    .option('--resume <run-dir>', 'continue a run folder where it stopped (no config then)')
    .option('--iterations <n>', 'override eureka.iterations (with --resume: extend the run)', positiveInt)
    .option('--samples <k>', 'override eureka.samples', positiveInt)
    .option('--timesteps <n>', 'override rl.training.total_timesteps', positiveInt)
    .option('--backend <name>', `override eureka.backend (${BACKENDS.join(', ')})`, backendName)
    .option('--model <name>', 'override eureka.model')
    .option('--host <url>', 'override eureka.host, the LLM server (may change on --resume)')
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
    .action((dir: string, o: { out?: string }) => run(() => cmdReport(dir, o))());
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
    .command('bench-llm')
    .description('which model designs rewards best: the loop with each model on a suite of envs, against the human and sparse rewards')
    .option('--suite <name|file>', "a shipped suite ('small', the default: about 10 minutes of training on two cores, plus the LLM's time; 'large': days) or a suite file", 'small')
    .requiredOption('--backend <name>', `the LLM backend (${BACKENDS.join(', ')})`, backendName)
    .option('--model <name>', 'a model to compare (repeat for several)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--host <url>', 'the Ollama host or OpenAI-compatible base URL (default: the backend\'s)')
    .option('--out <dir>', 'the bench folder (default experiments/bench-llm/<suite name>); the same folder again continues')
    .action((o) => run(() => cmdBenchLlm(o))());
  program
    .command('demo')
    .description(`the loop on ${DEMO.config.replace('.yml', '')} with the embedded local model (no server or key; a few minutes)`)
    .option('--model <name>', `the embedded model: ${LOCAL_MODEL_NAMES.join(' or ')} (default ${DEFAULT_LOCAL_MODEL})`)
    .option('--iterations <n>', `iterations (default ${DEMO.iterations})`, positiveInt)
    .option('--samples <k>', `samples per iteration (default ${DEMO.samples})`, positiveInt)
    .option('--timesteps <n>', `training steps per sample (default ${DEMO.timesteps})`, positiveInt)
    .option('--out <dir>', 'run folder')
    .action((o) => run(() => cmdDemo(o))());
  return program;
}

/** Parses argv, runs the command, stops the worker; returns the exit code (never throws). */
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
