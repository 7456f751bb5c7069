/**
 * OpenAI and compatible servers through the `openai` npm client: all K samples in one call
 * (`n`), streamed; `baseURL` for any compatible server; the key from OPENAI_API_KEY (or the
 * variable eureka.api_key_env names); a gateway's headers from eureka.headers.
 * Many compatible servers (llama.cpp's server, LM Studio, some gateways) ignore `n` and answer
 * one choice: the missing samples are asked for again as requests of one (at most
 * `concurrency` at once, each with its own seed), and from then on this backend asks K
 * requests of one from that server.
 */
import OpenAI from 'openai';
import type { ChatMessage } from '../prompts';
import { classifyFailure, mapLimit, requestSignal, withRetries, type RetryPolicy } from './retry';
import { answerAndThinking } from './thinking';
import { LlmError, SHORTEN, type Completion, type GenerateOptions, type LlmBackend } from './types';

export interface OpenAiOptions {
  model: string;
  baseURL?: string;
  /** Default: OPENAI_API_KEY (eureka.api_key_env names another variable). */
  apiKey?: string;
  /** Sent with every request (eureka.headers). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Requests of one at once, for a server that ignores `n` (eureka.concurrency). */
  concurrency?: number;
}

/** One call's answers: the text of each index the server sent, and its token counts. */
interface CallResult {
  texts: Map<number, string>;
  /** Per index: reasoning deltas (`reasoning_content`, or `reasoning`). */
  reasoning: Map<number, string>;
  promptTokens: number;
  completionTokens: number;
  ms: number;
  attempts: number;
}

/** Sample i's completion from a call's result, with the given shares of the call's tokens. */
function completion(c: CallResult, i: number, share = { prompt: 1, completion: 1 }): Completion {
  return {
    ...answerAndThinking(c.texts.get(i) ?? '', c.reasoning.get(i) ?? ''),
    promptTokens: Math.round(c.promptTokens * share.prompt),
    completionTokens: Math.round(c.completionTokens * share.completion),
    ms: c.ms,
    attempts: c.attempts,
  };
}

export class OpenAiBackend implements LlmBackend {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly where: string;
  private readonly concurrency: number;
  /** This server answered fewer choices than `n` once: ask it one sample a request. */
  ignoresN = false;

  constructor(opts: OpenAiOptions) {
    this.model = opts.model;
    const apiKey = opts.apiKey ?? process.env.OPENAI_API_KEY ?? (opts.baseURL ? 'unused' : undefined);
    if (!apiKey) throw new LlmError('auth', 'OPENAI_API_KEY is not set: export it, or set eureka.host to a compatible server', false);
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retry = opts.retry ?? { retries: 3, baseDelayMs: 1000 };
    this.concurrency = opts.concurrency ?? 4;
    // Retries are ours (one policy for every backend), so the client's own are off.
    this.client = new OpenAI({ apiKey, baseURL: opts.baseURL, maxRetries: 0, timeout: this.timeoutMs, defaultHeaders: opts.headers });
    this.where = opts.baseURL ? `the OpenAI-compatible server at ${opts.baseURL}` : 'OpenAI';
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]> {
    const all = Array.from({ length: opts.n }, (_, i) => i);
    if (this.ignoresN || opts.n === 1) return this.oneEach(messages, opts, all);
    const call = await this.call(messages, opts, opts.n, (i) => i, opts.seed);
    const got = [...call.texts.keys()].filter((i) => i < opts.n);
    // one call serves them all: its prompt counted once, its output split evenly
    const shared = (i: number) => completion(call, i, { prompt: i === got[0] ? 1 : 0, completion: 1 / Math.max(1, got.length) });
    const missing = all.filter((i) => !call.texts.has(i));
    if (!missing.length) return all.map(shared);
    // Fewer choices than asked: this server ignores `n`. The rest as generate requests of one.
    this.ignoresN = true;
    const rest = await this.oneEach(messages, opts, missing);
    const byIndex = new Map(missing.map((i, k) => [i, rest[k]!]));
    return all.map((i) => byIndex.get(i) ?? shared(i));
  }

  /** The samples `indexes` as requests of one each, at most `concurrency` at once. */
  private oneEach(messages: ChatMessage[], opts: GenerateOptions, indexes: number[]): Promise<Completion[]> {
    return mapLimit(indexes, this.concurrency, async (i) => {
      // each its own seed: a server that honours the seed would answer the same text K times
      const c = await this.call(messages, opts, 1, () => i, opts.seed === undefined ? undefined : opts.seed + i);
      return completion(c, i);
    });
  }

  /** One streamed request for `n` choices, retried; choice k of it is sample `sample(k)`. */
  private call(messages: ChatMessage[], opts: GenerateOptions, n: number, sample: (k: number) => number, seed: number | undefined): Promise<CallResult> {
    return withRetries((attempt) => this.once(messages, opts, n, sample, seed, attempt), this.retry, opts.signal);
  }

  private async once(messages: ChatMessage[], opts: GenerateOptions, n: number, sample: (k: number) => number, seed: number | undefined, attempts: number): Promise<CallResult> {
    const started = performance.now();
    const texts = new Map<number, string>();
    const reasoning = new Map<number, string>();
    let usage = { prompt_tokens: 0, completion_tokens: 0 };
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          messages,
          n,
          temperature: opts.temperature,
          seed,
          max_completion_tokens: opts.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: requestSignal(this.timeoutMs, opts.signal) },
      );
      for await (const chunk of stream) {
        for (const choice of chunk.choices ?? []) {
          if (choice.index >= n) continue;
          const i = sample(choice.index);
          const piece = choice.delta?.content ?? '';
          texts.set(i, (texts.get(i) ?? '') + piece);
          if (piece) opts.onText?.(i, piece);
          // not in the client's types: what vLLM, llama.cpp, DeepSeek (reasoning_content) and
          // OpenRouter (reasoning) stream before the answer
          const delta = choice.delta as { reasoning_content?: string | null; reasoning?: string | null } | undefined;
          const thought = delta?.reasoning_content ?? delta?.reasoning;
          if (thought) reasoning.set(i, (reasoning.get(i) ?? '') + thought);
        }
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (err) {
      throw this.explain(err, opts.signal);
    }
    return { texts, reasoning, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, ms: performance.now() - started, attempts };
  }

  private explain(err: unknown, signal?: AbortSignal): LlmError {
    if (err instanceof OpenAI.APIError && err.status !== undefined) {
      const s = err.status;
      if (s === 401 || s === 403) return new LlmError('auth', `${this.where} refused the API key (${s})`, false);
      if (s === 404) return new LlmError('model_missing', `${this.where} has no model '${this.model}' (404): set eureka.model`, false);
      if (s === 429) return new LlmError('rate_limited', `${this.where}: too many requests (429)`, true);
      if (err.code === 'context_length_exceeded' || /context (length|window)/i.test(err.message)) {
        // OpenAI: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."
        const [limit, asked] = [...err.message.matchAll(/(\d+) tokens/g)].map((m) => m[1]);
        const sizes = limit && asked ? `the prompt needs ${asked} tokens, more than the ${limit}-token context of '${this.model}'` : `the prompt does not fit the context of '${this.model}' (${err.message})`;
        return new LlmError('bad_request', `${this.where}: ${sizes}: ${SHORTEN}`, false);
      }
      if (s >= 500) return new LlmError('server', `${this.where}: server error ${s}`, true);
      return new LlmError('bad_request', `${this.where}: ${s}: ${err.message}`, false);
    }
    if (err instanceof OpenAI.APIUserAbortError) return new LlmError('cancelled', `${this.where}: cancelled`, false);
    const cause = err instanceof OpenAI.APIConnectionError ? ((err as { cause?: unknown }).cause ?? err) : err;
    return classifyFailure(cause, this.where, this.timeoutMs, signal);
  }
}
