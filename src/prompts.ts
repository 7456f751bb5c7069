/**
 * Prompts from the template files in src/prompts/ (plain Markdown with {{placeholders}}, meant
 * to be read and edited), filled by this one builder. No prompt text lives in code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './pyenv';
import type { CheckProblem, CheckResult, EnvDescription } from './worker/protocol/index';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const promptsDir = path.join(packageRoot, 'src', 'prompts');

export function template(name: string, dir = promptsDir): string {
  const file = path.join(dir, `${name}.md`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`prompt template ${file} is missing`);
  }
}

/** Replace every {{name}}; a placeholder without a value is an error, not a silent gap. */
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`prompt placeholder {{${name}}} has no value`);
    return String(vars[name]);
  });
}

/** What the prompts say about the env (from the worker's describe_env). */
export interface PromptEnv {
  signature: string;
  call: string;
  taskDescription: string;
  envCode: string;
  /** The worker's allow-list (describe_env's allowed_modules). */
  allowedModules: string[];
}

/** What the prompts say about an env the worker described; `dir`: other prompt templates. */
export function promptEnv(d: EnvDescription, dir?: string): PromptEnv {
  return {
    signature: d.call_site.signature,
    call: d.call_site.text,
    // an env folder without task_description.txt (the worker warned about it)
    taskDescription: d.task_description ?? fill(template('no_task', dir), { class_name: d.class_name }).trim(),
    envCode: d.step_code,
    allowedModules: d.allowed_modules,
  };
}

export interface PromptOptions {
  /** The human reward, shown at iteration 0 when use_initial_reward_prompt is set. */
  initialReward?: string | null;
  dir?: string;
}

/** The conversation that asks for the first rewards: system (role, rules), user (task). */
export function initialMessages(env: PromptEnv, opts: PromptOptions = {}): ChatMessage[] {
  const t = (name: string) => template(name, opts.dir);
  const system = [
    t('system').trim(),
    fill(t('coding'), {
      signature: env.signature,
      call: env.call,
      allowed_modules: env.allowedModules.join(', '),
    }).trim(),
  ].join('\n\n');
  let user = fill(t('task'), { task_description: env.taskDescription.trim(), env_code: env.envCode.trimEnd() }).trim();
  if (opts.initialReward) user += '\n\n' + fill(t('initial_reward'), { initial_reward: opts.initialReward.trimEnd() }).trim();
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/**
 * A template file of `key: text` lines (one sentence per key, for texts assembled from parts).
 * A key a user's prompt folder lacks (one copied before the key existed) is the shipped
 * sentence; a key the shipped file lacks is an error, so a sentence is never a blank.
 */
export function keyedLines<K extends string>(name: string, keys: readonly K[], dir?: string): Record<K, string> {
  const read = (from?: string) => {
    const out: Record<string, string> = {};
    for (const line of template(name, from).split('\n')) {
      const m = /^(\w+):\s(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!;
    }
    return out;
  };
  const own = read(dir);
  const missing = keys.filter((k) => !(k in own));
  const out = missing.length && dir !== undefined && path.resolve(dir) !== promptsDir ? { ...read(), ...own } : own;
  const absent = keys.filter((k) => !(k in out));
  if (absent.length) throw new Error(`prompt template ${name}.md has no line for ${absent.join(', ')}`);
  return out as Record<K, string>;
}

const CHECK_LINES = ['problem_at', 'problem', 'smoke', 'no_code'] as const;

/** A check problem as checkFailureText takes it: without `code` and `params` from older callers and records. */
export type CheckProblemText = Omit<CheckProblem, 'code' | 'params'> & Partial<Pick<CheckProblem, 'code' | 'params'>>;

/**
 * The sentences of the worker's problem codes: problems.md of `dir`, or the shipped one when
 * that folder has none (a prompt folder copied before the file existed).
 */
function problemLines(dir?: string): Record<string, string> {
  const own = dir !== undefined && fs.existsSync(path.join(dir, 'problems.md'));
  return keyedLines('problems', [], own ? dir : promptsDir);
}

/** One problem in the words of problems.md; the worker's own `message` when the file has no line for it. */
function problemText(p: CheckProblemText, lines: Record<string, string>): string {
  return p.code !== undefined && Object.hasOwn(lines, p.code) ? fill(lines[p.code]!, p.params ?? {}) : p.message;
}

/**
 * Why a reward failed its checks, for the LLM (inside execution_error.md): the worker reports
 * structured problems (stage, code and params, line; the smoke run's phase and traceback),
 * problems.md words each and check.md the text around them.
 */
export function checkFailureText(r: Pick<CheckResult, 'stage' | 'failure'> & { errors: CheckProblemText[] }, dir?: string): string {
  const t = keyedLines('check', CHECK_LINES, dir);
  const lines = problemLines(dir);
  if (r.stage === 'smoke') {
    const first = r.errors[0];
    const reason = first ? problemText(first, lines) : (r.failure?.reason ?? '');
    const head = fill(t.smoke, { phase: r.failure?.phase ?? 'smoke', reason });
    return r.failure?.traceback ? `${head}\n${r.failure.traceback.trim()}` : head;
  }
  return r.errors
    .map((p) => {
      const message = problemText(p, lines);
      return p.line ? fill(t.problem_at, { line: p.line, message }) : fill(t.problem, { message });
    })
    .join('\n');
}

/** Why no reward could be taken from an answer (extract.ts's reason), for the LLM. */
export function noCodeText(reason: string, dir?: string): string {
  return fill(keyedLines('check', CHECK_LINES, dir).no_code, { reason });
}

/** The turn that shows the LLM why its reward could not run. */
export function executionErrorMessage(error: string, dir?: string): ChatMessage {
  return { role: 'user', content: fill(template('execution_error', dir), { error: error.trim() }).trim() };
}

/**
 * Multi-turn history for the next iteration: the first turns, the response whose reward was
 * best, and the feedback on it (the reflection or a person's own text).
 */
export function nextIterationMessages(initial: ChatMessage[], bestResponse: string, feedback: string): ChatMessage[] {
  return [...initial, { role: 'assistant', content: bestResponse }, { role: 'user', content: feedback }];
}

/** Everything as one user message, for models or servers without roles. */
export function singleMessage(messages: ChatMessage[]): ChatMessage[] {
  const parts = messages.map((m) => (m.role === 'assistant' ? `Your earlier answer:\n\n${m.content}` : m.content));
  return [{ role: 'user', content: parts.join('\n\n---\n\n') }];
}
