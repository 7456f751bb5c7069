/**
 * The run folder: where every file of a run lives, and every read and write of them (the
 * records' types are in records.ts). No other module spells a file name of a run. This is
 * the contract between the loop (which writes), the report and notebooks (which read), and a
 * later `--resume` (which reads and continues). Documented for people in the README.
 *
 *   <run>/
 *     run.json                  RunRecord: status, backend/model, best so far, final figures
 *     config.yml                the config file as given, less eureka.headers and api_key_env
 *     config.json               the effective config (overrides applied; less those two, which
 *                               resume reads from the config file again); resume reads this
 *     env.json                  the env as described by the worker (call site, code shown, spaces)
 *     events.jsonl              RunEvent per line, appended as things happen
 *     llm_calls.jsonl           LlmCallRecord per LLM request (tokens, time, attempts, errors)
 *     iteration_<i>/
 *       messages.json           the conversation sent for this iteration's samples
 *       prompt.md               the same, readable
 *       iteration.json          IterationRecord: status, best sample, time split, tokens
 *       reflection.md           the automatic reward reflection on this iteration's best sample
 *       feedback.md             what the next iteration is told (the reflection or a person's text)
 *       feedback.json           FeedbackRecord: where feedback.md came from
 *       halving.jsonl           RungEntry per line: each successive-halving decision (halving.ts)
 *       sample_<j>/
 *         policy.gif            a GIF of this sample's policy, when one was rendered
 *         response.md           the LLM's answer (response_fix<k>.md: answers to the k-th fix request)
 *         thinking.md           what a reasoning model thought before that answer (thinking_fix<k>.md), if any
 *         reward.py             the reward code that was checked last (the one trained, if any)
 *         checks.jsonl          one CheckRecord per check attempt
 *         sample.json           SampleRecord: status, failure reason, best fitness, ...
 *         train/                the training job's folder: evals.jsonl (EvalPoint per line),
 *                               best_model.zip, model.zip, tensorboard/, reward.py,
 *                               env_with_reward.py, result.json (TrainResult)
 *     best/                     the global best: reward.py, best.json (BestRecord), best_model.zip
 *     benchmark/                the config's benchmark env trained with its own reward: train/,
 *                               evaluation.json
 *     final/                    evaluation.json (the best policy, deterministic, seeded), policy.gif,
 *                               human_evaluation.json (HumanRecord: the human reward's policy, alike)
 *     report.html               `stable-eureka report` output
 *     iteration_<i>.replaced-<time>/   an iteration set aside to run it again (never deleted)
 */
import fs from 'node:fs';
import path from 'node:path';
import { withoutRequestOptions, yamlWithoutRequestOptions, type Config } from '../config/index';
import type { ChatMessage } from '../prompts';
import type { RungEntry } from './halving';
import type { EnvDescription, EvalPoint, TrainResult } from '../worker/protocol/index';
import { appendJsonl, copyFile, readJson, readJsonl, readText, writeJson, writeText } from './files';
import type {
  BenchmarkRecord,
  BestRecord,
  CheckRecord,
  FeedbackRecord,
  FinalRecord,
  HumanRecord,
  IterationRecord,
  LlmCallRecord,
  RunEvent,
  RunRecord,
  SampleRecord,
} from './records';

export * from './records';

export const runFiles = {
  run: 'run.json',
  configYaml: 'config.yml',
  configJson: 'config.json',
  env: 'env.json',
  events: 'events.jsonl',
  llmCalls: 'llm_calls.jsonl',
  report: 'report.html',
} as const;

export const iterationDir = (run: string, i: number) => path.join(run, `iteration_${i}`);
export const sampleDir = (run: string, i: number, j: number) => path.join(iterationDir(run, i), `sample_${j}`);
export const trainDir = (run: string, i: number, j: number) => path.join(sampleDir(run, i, j), 'train');
/** thinking.md beside response.md (thinking_fix<k>.md beside response_fix<k>.md). */
export const thinkingFile = (run: string, i: number, j: number, attempt: number) =>
  path.join(sampleDir(run, i, j), attempt === 0 ? 'thinking.md' : `thinking_fix${attempt}.md`);

/** response.md for the first answer, response_fix<k>.md for the k-th fix. */
export const responseFile = (run: string, i: number, j: number, attempt: number) =>
  path.join(sampleDir(run, i, j), attempt === 0 ? 'response.md' : `response_fix${attempt}.md`);
export const bestDir = (run: string) => path.join(run, 'best');
export const finalDir = (run: string) => path.join(run, 'final');
export const benchmarkDir = (run: string) => path.join(run, 'benchmark');

/** Every file of a run folder by what it holds. */
export const runPaths = {
  run: (run: string) => path.join(run, runFiles.run),
  configYaml: (run: string) => path.join(run, runFiles.configYaml),
  configJson: (run: string) => path.join(run, runFiles.configJson),
  env: (run: string) => path.join(run, runFiles.env),
  events: (run: string) => path.join(run, runFiles.events),
  llmCalls: (run: string) => path.join(run, runFiles.llmCalls),
  report: (run: string) => path.join(run, runFiles.report),
  messages: (run: string, i: number) => path.join(iterationDir(run, i), 'messages.json'),
  prompt: (run: string, i: number) => path.join(iterationDir(run, i), 'prompt.md'),
  iteration: (run: string, i: number) => path.join(iterationDir(run, i), 'iteration.json'),
  reflection: (run: string, i: number) => path.join(iterationDir(run, i), 'reflection.md'),
  feedback: (run: string, i: number) => path.join(iterationDir(run, i), 'feedback.md'),
  feedbackRecord: (run: string, i: number) => path.join(iterationDir(run, i), 'feedback.json'),
  halving: (run: string, i: number) => path.join(iterationDir(run, i), 'halving.jsonl'),
  sample: (run: string, i: number, j: number) => path.join(sampleDir(run, i, j), 'sample.json'),
  reward: (run: string, i: number, j: number) => path.join(sampleDir(run, i, j), 'reward.py'),
  checks: (run: string, i: number, j: number) => path.join(sampleDir(run, i, j), 'checks.jsonl'),
  sampleGif: (run: string, i: number, j: number) => path.join(sampleDir(run, i, j), 'policy.gif'),
  evals: (run: string, i: number, j: number) => path.join(trainDir(run, i, j), 'evals.jsonl'),
  /** The training job's best checkpoint (written at each better evaluation, so kept when halving stops the job). */
  trainBestModel: (run: string, i: number, j: number) => path.join(trainDir(run, i, j), 'best_model.zip'),
  trainResult: (run: string, i: number, j: number) => path.join(trainDir(run, i, j), 'result.json'),
  bestRecord: (run: string) => path.join(bestDir(run), 'best.json'),
  bestReward: (run: string) => path.join(bestDir(run), 'reward.py'),
  bestModel: (run: string) => path.join(bestDir(run), 'best_model.zip'),
  finalEvaluation: (run: string) => path.join(finalDir(run), 'evaluation.json'),
  finalGif: (run: string) => path.join(finalDir(run), 'policy.gif'),
  humanEvaluation: (run: string) => path.join(finalDir(run), 'human_evaluation.json'),
  benchmarkEvaluation: (run: string) => path.join(benchmarkDir(run), 'evaluation.json'),
  benchmarkTrain: (run: string) => path.join(benchmarkDir(run), 'train'),
} as const;

const numbered = (prefix: string) => new RegExp(`^${prefix}_(\\d+)$`);

/** The numbers i of the `<prefix>_<i>` folders in dir, in order (none if dir is missing). */
function listNumbered(dir: string, prefix: string): number[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const re = numbered(prefix);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => re.exec(e.name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads and writes one run folder. Strict by default: a file that is not valid JSON throws
 * with its path and what to do. With `tolerant` (the report, which must show a run killed at
 * any point), a file that cannot be read or parsed reads as missing and adds a line to
 * `warnings`.
 */
export class RunFolder {
  readonly warnings: string[] = [];

  constructor(
    readonly dir: string,
    private readonly opts: { tolerant?: boolean } = {},
  ) {}

  // --- reading ----------------------------------------------------------------------------

  private text(file: string): string | null {
    if (!this.opts.tolerant) return readText(file);
    try {
      return readText(file);
    } catch (e) {
      this.warnings.push(`${path.relative(this.dir, file)}: ${(e as Error).message}`);
      return null;
    }
  }

  private json<T>(file: string): T | null {
    if (!this.opts.tolerant) return readJson<T>(file);
    const t = this.text(file);
    if (t === null) return null;
    try {
      const v = JSON.parse(t) as unknown;
      return v !== null && typeof v === 'object' ? (v as T) : null;
    } catch (e) {
      this.warnings.push(`${path.relative(this.dir, file)}: not valid JSON (${(e as Error).message}); left out`);
      return null;
    }
  }

  private jsonl<T>(file: string): T[] {
    if (!this.opts.tolerant) return readJsonl<T>(file);
    try {
      return readJsonl<T>(file).filter((v) => v !== null && typeof v === 'object');
    } catch (e) {
      this.warnings.push(`${path.relative(this.dir, file)}: ${(e as Error).message}`);
      return [];
    }
  }

  isRun = () => fs.existsSync(runPaths.run(this.dir));
  run = () => this.json<RunRecord>(runPaths.run(this.dir));
  config = () => this.json<unknown>(runPaths.configJson(this.dir));
  env = () => this.json<EnvDescription>(runPaths.env(this.dir));
  llmCalls = () => this.jsonl<LlmCallRecord>(runPaths.llmCalls(this.dir));
  /** Iteration numbers with a folder, in order. */
  iterations = () => listNumbered(this.dir, 'iteration');
  /** Sample numbers of iteration i with a folder, in order. */
  sampleNumbers = (i: number) => listNumbered(iterationDir(this.dir, i), 'sample');
  hasIteration = (i: number) => fs.existsSync(iterationDir(this.dir, i));
  hasSample = (i: number, j: number) => fs.existsSync(sampleDir(this.dir, i, j));
  messages = (i: number) => this.json<ChatMessage[]>(runPaths.messages(this.dir, i));
  iteration = (i: number) => this.json<IterationRecord>(runPaths.iteration(this.dir, i));
  reflection = (i: number) => this.text(runPaths.reflection(this.dir, i));
  feedbackText = (i: number) => this.text(runPaths.feedback(this.dir, i));
  feedbackRecord = (i: number) => this.json<FeedbackRecord>(runPaths.feedbackRecord(this.dir, i));
  rungEntries = (i: number) => this.jsonl<RungEntry>(runPaths.halving(this.dir, i));
  sample = (i: number, j: number) => this.json<SampleRecord>(runPaths.sample(this.dir, i, j));
  reward = (i: number, j: number) => this.text(runPaths.reward(this.dir, i, j));
  response = (i: number, j: number, attempt: number) => this.text(responseFile(this.dir, i, j, attempt));
  checks = (i: number, j: number) => this.jsonl<CheckRecord>(runPaths.checks(this.dir, i, j));
  evals = (i: number, j: number) => this.jsonl<EvalPoint>(runPaths.evals(this.dir, i, j));
  best = () => this.json<BestRecord>(runPaths.bestRecord(this.dir));
  bestReward = () => this.text(runPaths.bestReward(this.dir));
  final = () => this.json<FinalRecord>(runPaths.finalEvaluation(this.dir));
  benchmark = () => this.json<BenchmarkRecord>(runPaths.benchmarkEvaluation(this.dir));
  human = () => this.json<HumanRecord>(runPaths.humanEvaluation(this.dir));

  // --- writing (each write whole, or one appended line: a kill leaves old or new) ----------

  saveRun = (r: RunRecord) => writeJson(runPaths.run(this.dir), r);
  /** The request options (a gateway's headers, the key's variable) never reach the folder. */
  saveConfig = (config: Config) => writeJson(runPaths.configJson(this.dir), withoutRequestOptions(config));
  copyConfigYaml = (from: string) => writeText(runPaths.configYaml(this.dir), yamlWithoutRequestOptions(fs.readFileSync(from, 'utf8')));
  saveEnv = (e: EnvDescription) => writeJson(runPaths.env(this.dir), e);
  appendEvent = (e: RunEvent & { at: string }) => appendJsonl(runPaths.events(this.dir), e);
  appendLlmCall = (r: LlmCallRecord) => appendJsonl(runPaths.llmCalls(this.dir), r);
  /** The conversation of iteration i, as JSON and as readable Markdown. */
  saveMessages(i: number, messages: ChatMessage[]): void {
    writeJson(runPaths.messages(this.dir, i), messages);
    writeText(runPaths.prompt(this.dir, i), messages.map((m) => `## ${m.role}\n\n${m.content.trimEnd()}\n`).join('\n'));
  }
  dropMessages = (i: number) => fs.rmSync(runPaths.messages(this.dir, i), { force: true });
  saveIteration = (r: IterationRecord) => writeJson(runPaths.iteration(this.dir, r.iteration), r);
  saveReflection = (i: number, text: string) => writeText(runPaths.reflection(this.dir, i), text);
  saveFeedback(i: number, text: string, record: FeedbackRecord): void {
    writeText(runPaths.feedback(this.dir, i), text);
    writeJson(runPaths.feedbackRecord(this.dir, i), record);
  }
  appendRungEntry = (i: number, e: RungEntry) => appendJsonl(runPaths.halving(this.dir, i), e);
  /** Iteration i's halving decisions, rewritten whole (a sample trained again loses its old ones). */
  saveRungEntries = (i: number, entries: readonly RungEntry[]) =>
    writeText(runPaths.halving(this.dir, i), entries.map((e) => JSON.stringify(e) + '\n').join(''));
  saveSample = (s: SampleRecord) => writeJson(runPaths.sample(this.dir, s.iteration, s.sample), s);
  saveReward = (i: number, j: number, code: string) => writeText(runPaths.reward(this.dir, i, j), code);
  saveResponse = (i: number, j: number, attempt: number, text: string, thinking?: string) => {
    writeText(responseFile(this.dir, i, j, attempt), text);
    if (thinking) writeText(thinkingFile(this.dir, i, j, attempt), thinking);
  };
  appendCheck = (i: number, j: number, r: CheckRecord) => appendJsonl(runPaths.checks(this.dir, i, j), r);
  saveTrainResult = (i: number, j: number, r: TrainResult) => writeJson(runPaths.trainResult(this.dir, i, j), r);
  /** A new global best: its model, code and record in best/. */
  saveBest(record: BestRecord, modelFrom: string): void {
    copyFile(modelFrom, runPaths.bestModel(this.dir));
    writeText(runPaths.bestReward(this.dir), record.code);
    writeJson(runPaths.bestRecord(this.dir), record);
  }
  dropBest = () => fs.rmSync(bestDir(this.dir), { recursive: true, force: true });
  saveFinal = (r: FinalRecord) => writeJson(runPaths.finalEvaluation(this.dir), r);
  /** The final evaluation is of an older best, or of none: gone. */
  dropFinal = () => fs.rmSync(finalDir(this.dir), { recursive: true, force: true });
  saveHuman = (r: HumanRecord) => writeJson(runPaths.humanEvaluation(this.dir), r);
  saveBenchmark = (r: BenchmarkRecord) => writeJson(runPaths.benchmarkEvaluation(this.dir), r);

  /** Renames iteration i's folder aside (kept, never deleted); returns the new path. */
  setIterationAside(i: number, stamp: string): string {
    const from = iterationDir(this.dir, i);
    const to = `${from}.replaced-${stamp.replace(/[:.]/g, '-')}`;
    fs.renameSync(from, to);
    return to;
  }
}
