/**
 * The commands on a run folder: `run` (the loop from a terminal: progress to stderr, bars on
 * a terminal and one line per event otherwise, then the summary table to stdout), `demo`,
 * `feedback` and `report`.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import path from 'node:path';
import type { Overrides } from '../config/index';
import { packageRoot } from '../pyenv';
import { writeReport } from '../report/index';
import { HUMAN_FROM_TEXT, RunFolder, runFiles, runPaths, type LiveEvent, type RunEvent, type SampleRecord } from '../run/layout';
import { Run, RunInterrupted } from '../run/run';
import { err, num, table } from './format';
import { iterationStory, WHAT_NEXT } from './story';
import { fileText, openRunFolder, UsageError } from './usage';

/** Live progress: a bar per training sample on a terminal, event lines elsewhere. */
export function progressPrinter(opts: { tty?: boolean } = {}) {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const multi = tty
    ? new MultiBar({ format: '{label} |{bar}| {value}/{total} | {sps} steps/s | {note}', stream: process.stderr, hideCursor: true, clearOnComplete: false })
    : null;
  const bars = new Map<string, { bar: SingleBar; best: number }>();
  const log = (line: string) => (multi ? multi.log(line + '\n') : err(line));
  const key = (i: number | null, j: number | null) => (i === null ? 'benchmark' : `it${i} s${j}`);
  const onEvent = (e: RunEvent | LiveEvent) => {
    switch (e.type) {
      case 'iteration':
        if (e.status === 'generating') log(`iteration ${e.iteration}: asking the LLM for samples`);
        if (e.status === 'done') {
          for (const { bar } of bars.values()) multi?.remove(bar);
          bars.clear();
        }
        break;
      case 'llm':
        if (e.phase === 'error') log(`iteration ${e.iteration}: LLM ${e.purpose} failed: ${e.message}`);
        else if (e.purpose === 'fix' && e.phase === 'start') log(`iteration ${e.iteration} sample ${e.samples[0]}: asking the LLM to fix it`);
        break;
      case 'sample':
        if (['invalid', 'failed', 'duplicate', 'trained', 'stopped'].includes(e.status) || (!multi && e.status === 'training')) {
          log(`iteration ${e.iteration} sample ${e.sample}: ${e.status}${e.message ? `: ${e.message.split('\n')[0]}` : ''}`);
        }
        break;
      case 'progress': {
        const k = key(e.iteration, e.sample);
        if (!multi) break;
        let entry = bars.get(k);
        if (!entry) {
          entry = { bar: multi.create(e.total, 0, { label: k.padEnd(9), sps: '-', note: '' }), best: -Infinity };
          bars.set(k, entry);
        }
        entry.bar.update(Math.min(e.timesteps, e.total), { sps: Math.round(e.steps_per_s) });
        break;
      }
      case 'eval': {
        const entry = bars.get(key(e.iteration, e.sample));
        if (entry) {
          entry.best = Math.max(entry.best, e.point.fitness_mean);
          entry.bar.update(Math.min(e.point.timesteps, entry.bar.getTotal()), { note: `fitness ${num(e.point.fitness_mean)} (best ${num(entry.best)})` });
        } else if (!multi) {
          log(`iteration ${e.iteration} sample ${e.sample}: eval @ ${e.point.timesteps} steps: fitness ${num(e.point.fitness_mean)}`);
        }
        break;
      }
      case 'best':
        log(`new best: iteration ${e.iteration} sample ${e.sample}, fitness ${num(e.fitness)}`);
        break;
      case 'benchmark':
        log(e.phase === 'start' ? `benchmark: training on ${e.gym_id} with its own reward` : `benchmark ${e.gym_id}: fitness ${num(e.fitness_mean)}`);
        break;
      case 'final':
        log(`final evaluation: fitness ${num(e.fitness_mean)} ± ${num(e.fitness_std)}`);
        break;
      case 'log':
        log(`${e.level}: ${e.message}`);
        break;
      default:
        break;
    }
  };
  return { onEvent, log, stop: () => multi?.stop() };
}

function sampleRow(s: SampleRecord): string[] {
  const note = s.failure ? `${s.failure.stage}: ${s.failure.reason.split('\n')[0]}` : s.stopped ? s.stopped.reason : s.duplicate_of ? `same as it${s.duplicate_of.iteration} s${s.duplicate_of.sample}` : (s.components ?? []).join(', ');
  return [String(s.iteration), String(s.sample), s.status + (s.origin !== 'llm' ? ` (${s.origin})` : ''), String(s.answers), num(s.best?.fitness), s.best ? String(s.best.timesteps) : '', note.length > 70 ? note.slice(0, 67) + '...' : note];
}

/** What a run did, for a terminal: every sample, the best, the final evaluation, costs. */
export function runSummary(run: Run): string {
  const rows = [['iter', 'sample', 'status', 'answers', 'best fitness', 'at step', 'components / why']];
  let wall = 0;
  for (let i = 0; i < run.config.eureka.iterations; i++) {
    const it = run.iteration(i);
    if (!it) break;
    wall += it.time.total_s;
    for (const s of run.samples(i)) rows.push(sampleRow(s));
  }
  const r = run.record;
  const lines = [table(rows), ''];
  lines.push(`best:        ${r.best ? `iteration ${r.best.iteration} sample ${r.best.sample}, fitness ${num(r.best.fitness)} at ${r.best.timesteps} steps` : 'none (no sample trained)'}`);
  if (r.final) lines.push(`final eval:  fitness ${num(r.final.fitness_mean)} ± ${num(r.final.fitness_std)} over ${r.final.episodes} seeded episodes (deterministic)`);
  if (r.benchmark) lines.push(`benchmark:   ${r.benchmark.gym_id} with its own reward: ${r.benchmark.status === 'succeeded' ? `fitness ${num(r.benchmark.fitness_mean)}` : r.benchmark.status}`);
  if (r.hns) lines.push(`HNS:         ${num(r.hns.value, 3)} (sparse ${num(r.hns.sparse)}, human ${num(r.hns.human)} from ${HUMAN_FROM_TEXT[r.hns.human_from] ?? r.hns.human_from})`);
  lines.push(`LLM:         ${r.backend} ${r.model}, ${r.tokens.prompt} prompt + ${r.tokens.completion} completion tokens`);
  lines.push(`time:        ${num(wall, 1)} s in iterations`);
  if (r.final?.gif) lines.push(`gif:         ${r.final.gif}`);
  lines.push(`run folder:  ${run.dir}`);
  return lines.join('\n');
}

export interface RunCommandOptions extends Overrides {
  resume?: string;
  out?: string;
  report?: boolean;
  /** The demo's telling: the env's own reward trained first, each iteration's best reward beside it, what to try next. */
  story?: boolean;
}

/**
 * Ctrl-C cancels the LLM calls and jobs under way (the folder keeps what is done); a second
 * Ctrl-C quits at once. `release` when the command ends.
 */
export function cancelOnCtrlC(how: string): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    err(`stopping: cancelling LLM calls and training jobs (Ctrl-C again to quit at once); ${how}`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

/** Start or resume a run; returns the exit code. */
export async function cmdRun(configFile: string | undefined, opts: RunCommandOptions): Promise<number> {
  const ctrlC = cancelOnCtrlC('continue with --resume');
  const printer = progressPrinter();
  const { resume, out, report, story, ...overrides } = opts;
  let run: Run | null = null;
  const onEvent = (e: RunEvent | LiveEvent) => {
    printer.onEvent(e);
    if (story && run && e.type === 'iteration' && e.status === 'done') printer.log(iterationStory(run, e.iteration));
  };
  const runOpts = { onEvent, signal: ctrlC.signal };
  if (resume) {
    if (configFile) throw new UsageError('give either a config file or --resume <run folder>, not both');
    run = openRunFolder(resume, { ...runOpts, overrides });
    err(`resuming ${run.dir} (${run.record.completed_iterations}/${run.config.eureka.iterations} iterations done)`);
  } else {
    if (!configFile) throw new UsageError('give a config file, or --resume <run folder>');
    run = Run.create(configFile, { ...runOpts, overrides, dir: out });
    const c = run.config;
    err(`run ${run.dir}: ${c.eureka.iterations} iterations x ${c.eureka.samples} samples, ${c.eureka.backend} ${c.eureka.model}, ${c.rl.algo} ${c.rl.training.total_timesteps} steps each`);
  }
  let code = 0;
  try {
    if (story && run.config.environment.benchmark && !run.record.benchmark) {
      printer.log(`first, ${run.config.environment.benchmark} trained with the env's own reward, the same way, to compare each iteration's best with`);
      await run.benchmark();
    }
    await run.runAll();
  } catch (e) {
    if (e instanceof RunInterrupted) {
      err(e.message);
      code = 130;
    } else {
      err(`error: ${(e as Error).message}`);
      err(`everything done so far is in the run folder; continue with: stable-eureka run --resume ${run.dir}`);
      code = 1;
    }
  } finally {
    printer.stop();
    ctrlC.release();
  }
  console.log(runSummary(run));
  if (story) console.log(`\n${WHAT_NEXT}`);
  if (report !== false) {
    const file = await writeReport(run.dir);
    const near = path.relative(process.cwd(), file);
    console.log(`report:      ${near && !near.startsWith('..') ? near : file}`);
  }
  return code;
}

/** A person's feedback for the iteration after `iteration`, and how to continue the run with it. */
export async function cmdFeedback(dir: string, o: { iteration: number; file?: string; text?: string; extend?: boolean }): Promise<number> {
  if ((o.file === undefined) === (o.text === undefined)) throw new UsageError('give the feedback with either --file or --text');
  const text = o.file !== undefined ? fileText(o.file, 'feedback file') : o.text!;
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

export async function cmdReport(dir: string, o: { out?: string }): Promise<number> {
  if (!new RunFolder(dir).isRun()) throw new UsageError(`${path.resolve(dir)} is not a run folder (no ${runFiles.run})`);
  console.log(await writeReport(dir, { out: o.out }));
  return 0;
}
