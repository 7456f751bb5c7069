/**
 * Prompts from the template files in src/prompts/ (plain Markdown with {{placeholders}}, meant
 * to be read and edited), filled by this one builder. No prompt text lives in code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './pyenv';

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
  allowedModules?: string[];
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
      allowed_modules: (env.allowedModules ?? ['math', 'numpy', 'random']).join(', '),
    }).trim(),
  ].join('\n\n');
  let user = fill(t('task'), { task_description: env.taskDescription.trim(), env_code: env.envCode.trimEnd() }).trim();
  if (opts.initialReward) user += '\n\n' + fill(t('initial_reward'), { initial_reward: opts.initialReward.trimEnd() }).trim();
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
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
