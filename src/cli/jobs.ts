/**
 * The commands that run one worker job and print its result: `check`, `train`, `evaluate`,
 * `describe`. Each returns its exit code: 0 success, 1 the reward or job failed.
 */
import { SingleBar } from 'cli-progress';
import path from 'node:path';
import { applyOverrides, ComputeSchema, computeWith, loadConfig, type ExecutorName, type LoadedConfig } from '../config/index';
import { describeEnv, resolveEnvTarget } from '../envs';
import { extractReward } from '../extract';
import { checkReward, evaluatePolicy, executorFromConfig, trainReward } from '../training';
import type { ExecutorOptions } from '../worker/client';
import type { EvalPoint, TrainResult } from '../worker/protocol/index';
import { err, formatCheck, formatTrain, num } from './format';
import { fileText } from './usage';

/** A reward file may be plain Python or a whole LLM response: the reward is extracted first. */
/** The executor the --executor / --ray-address flags ask for; none given: the config's, or local. */
function executorFlags(opts: ComputeFlags): ExecutorOptions | undefined {
  if (opts.executor === undefined && opts.rayAddress === undefined) return undefined;
  return executorFromConfig({ compute: computeWith(ComputeSchema.parse({}), opts) });
}

interface ComputeFlags {
  executor?: ExecutorName;
  rayAddress?: string;
}

export async function cmdCheck(target: string, rewardFile: string, opts: ComputeFlags & { class?: string; json?: boolean; steps?: number }): Promise<number> {
  const extraction = extractReward(fileText(rewardFile, 'reward file'));
  const { env } = resolveEnvTarget(target, { className: opts.class });
  if (!extraction.ok) {
    if (opts.json) console.log(JSON.stringify({ passed: false, stage: 'extract', errors: [{ stage: 'extract', message: extraction.reason, line: null, col: null }], extraction }));
    else console.log(`FAIL ${rewardFile} (extract): ${extraction.reason}`);
    return 1;
  }
  const result = await checkReward(env, extraction.code, { smokeSteps: opts.steps, executor: executorFlags(opts) });
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

/** One training's progress: a bar on a terminal, a line per evaluation elsewhere. */
function progressReporter(total: number) {
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'train |{bar}| {percentage}% {value}/{total} steps | {sps} steps/s | fitness {fitness} (best {best})',
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  let best = -Infinity;
  bar?.start(total, 0, { sps: '-', fitness: num(null), best: num(null) });
  return {
    progress(timesteps: number, sps: number) {
      bar?.update(Math.min(timesteps, total), { sps: Math.round(sps) });
    },
    evaluated(e: EvalPoint) {
      best = Math.max(best, e.fitness_mean);
      const fitness = num(e.fitness_mean);
      if (bar) bar.update(Math.min(e.timesteps, total), { fitness, best: num(best) });
      else err(`eval @ ${e.timesteps} steps: fitness ${fitness} (best ${num(best)}), reward ${num(e.reward_mean)}, length ${num(e.length_mean, 1)}`);
    },
    stop() {
      bar?.stop();
    },
  };
}

export async function cmdTrain(configFile: string, opts: ComputeFlags & { reward: string; timesteps?: number; out?: string; json?: boolean }): Promise<number> {
  const given = loadConfig(configFile);
  const loaded = { ...given, config: applyOverrides(given.config, { executor: opts.executor, rayAddress: opts.rayAddress }, 'command-line options') };
  const code = fileText(opts.reward, 'reward file');
  const total = opts.timesteps ?? loaded.config.rl.training.total_timesteps;
  const outDir = path.resolve(opts.out ?? defaultOutDir(loaded));
  err(`training ${loaded.config.rl.algo} on ${loaded.config.environment.class_name} (${loaded.envDir}) for ${total} steps -> ${outDir}`);
  const reporter = progressReporter(total);
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

export async function cmdEvaluate(configFile: string, opts: { reward: string; model: string; episodes?: number; gif?: string; json?: boolean }): Promise<number> {
  const loaded = loadConfig(configFile);
  const result = await evaluatePolicy(loaded, fileText(opts.reward, 'reward file'), { model: opts.model, episodes: opts.episodes, gif: opts.gif });
  if (opts.json) console.log(JSON.stringify(result));
  else if (result.status !== 'succeeded') console.log(`evaluation ${result.status}: ${result.failure.reason}`);
  else {
    console.log(`fitness ${num(result.fitness_mean)} ± ${num(result.fitness_std)} over ${result.episodes.length} episodes (min ${num(result.fitness_min)}, max ${num(result.fitness_max)})`);
    if (result.gif) console.log(`gif: ${result.gif} (${result.gif_frames} frames)`);
  }
  return result.status === 'succeeded' ? 0 : 1;
}

export async function cmdDescribe(target: string, opts: { class?: string; json?: boolean }): Promise<number> {
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
