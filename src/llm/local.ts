/**
 * The embedded local model: a small GGUF model (Gemma 3 270M by default, see localModels.ts)
 * run on the CPU by node-llama-cpp, so the loop runs on a fresh machine with no server and no key.
 *
 * A model of a few hundred million parameters cannot be trusted to write Python, so it writes only the terms a grammar allows
 * (localTerms.ts), and after a reflection starts from the previous best's terms as the
 * reflection advises (localSteer.ts). The function around the terms, with the exact signature,
 * is fixed text. (Putting that fixed text into the grammar instead made generation stall:
 * whenever the model's top candidates miss a forced token, llama.cpp checks the whole 49k
 * vocabulary, seconds per token.) So every sample is a well-formed reward.
 */
import os from 'node:os';
import type { ChatMessage } from '../prompts';
import { DEFAULT_LOCAL_MODEL, localModelFile } from './localModels';
import { steeredTerms, type Steer } from './localSteer';
import { componentsGrammar, rewardFunction, termsOf } from './localTerms';
import { LlmError, type Completion, type GenerateOptions, type LlmBackend } from './types';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;

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

/** The model's terms inside the fixed function: the response as an LLM would send it. */
export function rewardResponse(signature: string, written: string, steer: Steer | null = null): string {
  return [
    ...(steer ? [`From the previous best reward: ${steer.notes.join('; ')}; then new terms, at the kept terms' scale.`, ''] : []),
    '```python',
    rewardFunction(signature, termsOf(written, steer?.terms)),
    '```',
    '',
  ].join('\n');
}

const loaded = new Map<string, Promise<{ lib: NodeLlamaCpp; llama: Llama; model: LlamaModel }>>();

/** Each model loaded once per process (under a second) and kept. */
function loadModel(name: string, file?: string) {
  const key = file ?? name;
  let loading = loaded.get(key);
  if (!loading) {
    loading = (async () => {
      const modelPath = file ?? localModelFile(name);
      // node-llama-cpp is an ES module with top-level await: import(), not require().
      const lib = await import('node-llama-cpp');
      // errors only: Gemma 3's file draws a warning about a token's type on every load, on stdout
      const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
      const model = await llama.loadModel({ modelPath });
      return { lib, llama, model };
    })();
    loaded.set(key, loading);
    loading.catch(() => loaded.delete(key));
  }
  return loading;
}

export interface LocalOptions {
  /** One of LOCAL_MODEL_NAMES (default gemma-3-270m). */
  model?: string;
  /** A GGUF file to run instead (as STABLE_EUREKA_LOCAL_MODEL does). */
  modelPath?: string;
  /** CPU threads for generation (default: one per core). */
  threads?: number;
}

export class LocalBackend implements LlmBackend {
  readonly name = 'local';
  readonly model: string;
  private readonly file: string | undefined;
  private readonly threads: number;

  constructor(opts: LocalOptions = {}) {
    this.model = opts.model ?? DEFAULT_LOCAL_MODEL;
    this.file = opts.modelPath ?? (process.env.STABLE_EUREKA_LOCAL_MODEL || undefined);
    // Explicit: node-llama-cpp's own default stalled generation on this 2-core machine.
    this.threads = opts.threads ?? Math.max(1, os.availableParallelism());
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]> {
    const signature = signatureFrom(messages);
    if (!signature) throw new LlmError('bad_request', 'the prompt names no `def compute_reward(self, ...)` signature for the local model to follow', false);
    const args = signatureArgs(signature);
    if (!args.length) throw new LlmError('bad_request', `the local model needs arguments to build a reward from; got ${signature}`, false);
    const { lib, llama, model } = await loadModel(this.model, this.file);
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
