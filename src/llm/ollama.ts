/**
 * Ollama through the `ollama` npm client. Ollama has no `n`: K requests, at most
 * `concurrency` at once. The context window is sized to the prompt (Ollama's default of 2048
 * tokens would silently cut a long env code), and a prompt that still does not fit is an error.
 */
import { Ollama } from 'ollama';
import type { ChatMessage } from '../prompts';
import { classifyFailure, mapLimit, requestSignal, withRetries, type RetryPolicy } from './retry';
import { answerAndThinking } from './thinking';
import { LlmError, SHORTEN, type Completion, type GenerateOptions, type LlmBackend } from './types';

export interface OllamaOptions {
  model: string;
  host?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  concurrency?: number;
  keepAlive?: string | number;
  /** Sent with every request (eureka.headers). */
  headers?: Record<string, string>;
  /** Sent as a bearer token (eureka.api_key_env), for a server behind an authenticating proxy. */
  apiKey?: string;
}

/** A prompt's tokens, estimated from its characters (3 a token: generous; 4: about right for code and English). */
export function promptTokens(messages: ChatMessage[], charsPerToken = 3): number {
  return Math.ceil(messages.reduce((a, m) => a + m.content.length, 0) / charsPerToken) + 16 * messages.length;
}

/** Context tokens for a prompt: a generous estimate of it plus the answer. */
export function contextSize(messages: ChatMessage[], maxTokens: number): number {
  return Math.max(4096, Math.ceil((promptTokens(messages) + maxTokens) / 1024) * 1024);
}

export class OllamaBackend implements LlmBackend {
  readonly name = 'ollama';
  readonly model: string;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly keepAlive?: string | number;
  private readonly headers: Record<string, string>;
  /** The model's context window from `ollama show` (undefined: not asked yet; null: unknown). */
  private contextLength: number | null | undefined;

  constructor(opts: OllamaOptions) {
    this.model = opts.model;
    this.host = opts.host ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retry = opts.retry ?? { retries: 3, baseDelayMs: 1000 };
    this.concurrency = opts.concurrency ?? 4;
    this.keepAlive = opts.keepAlive;
    this.headers = { ...(opts.apiKey ? { Authorization: `Bearer ${opts.apiKey}` } : {}), ...opts.headers };
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]> {
    const limit = await this.modelContext(opts.signal);
    const estimate = promptTokens(messages, 4);
    if (limit !== null && estimate > limit) {
      throw new LlmError('bad_request', `ollama at ${this.host}: the prompt needs about ${estimate} tokens, more than the ${limit}-token context of '${this.model}': ${SHORTEN}`, false);
    }
    const wanted = contextSize(messages, opts.maxTokens ?? 2048);
    const numCtx = limit === null ? wanted : Math.min(wanted, limit);
    const indexes = Array.from({ length: opts.n }, (_, i) => i);
    const results = await mapLimit(indexes, this.concurrency, (i) =>
      withRetries((attempt) => this.once(messages, opts, i, numCtx, attempt), this.retry, opts.signal).catch((e: unknown) => e as Error),
    );
    const failed = results.filter((r): r is Error => r instanceof Error);
    // One request that failed after its retries (a server error, a timeout) loses only its own
    // sample; a failure that every request would meet (no such model, a refused key, a prompt
    // too long, a cancel) or that met them all stops the call as before.
    const own = (e: Error) => e instanceof LlmError && ['server', 'timeout', 'rate_limited', 'unreachable'].includes(e.kind);
    if (failed.length && (failed.length === results.length || !failed.every(own))) throw failed.find((e) => !own(e)) ?? failed[0];
    return results.map((r) =>
      r instanceof Error ? { text: '', thinking: '', promptTokens: 0, completionTokens: 0, ms: 0, attempts: this.retry.retries + 1, error: r.message } : r,
    );
  }

  private async once(messages: ChatMessage[], opts: GenerateOptions, index: number, numCtx: number, attempts: number): Promise<Completion> {
    const signal = requestSignal(this.timeoutMs, opts.signal);
    const what = `ollama at ${this.host}`;
    // Our fetch: carries the timeout and cancel signal, and says what a network failure was
    // (the client would keep only "fetch failed").
    const client = new Ollama({
      host: this.host,
      headers: this.headers,
      fetch: async (input, init) => {
        try {
          return await fetch(input, { ...init, signal });
        } catch (err) {
          throw classifyFailure(err, what, this.timeoutMs, opts.signal);
        }
      },
    });
    const started = performance.now();
    let text = '';
    let thinking = ''; // a thinking model's `thinking` field (Ollama >= 0.9)
    try {
      const stream = await client.chat({
        model: this.model,
        messages,
        stream: true,
        keep_alive: this.keepAlive,
        options: {
          num_ctx: numCtx,
          temperature: opts.temperature,
          // distinct seeds, so K requests are K samples and not K copies
          seed: opts.seed === undefined ? undefined : opts.seed + index,
          num_predict: opts.maxTokens,
        },
      });
      for await (const part of stream) {
        if (part.message?.content) {
          text += part.message.content;
          opts.onText?.(index, part.message.content);
        }
        if (part.message?.thinking) thinking += part.message.thinking;
        if (part.done) {
          if (part.prompt_eval_count >= numCtx) {
            throw new LlmError('bad_request', `${what}: the prompt needs ${part.prompt_eval_count} tokens, more than the ${numCtx}-token context: ${SHORTEN}`, false);
          }
          return { ...answerAndThinking(text, thinking), promptTokens: part.prompt_eval_count ?? 0, completionTokens: part.eval_count ?? 0, ms: performance.now() - started, attempts };
        }
      }
      throw new LlmError('server', `${what}: the stream ended before the answer was complete`, true);
    } catch (err) {
      throw this.explain(err, what, opts.signal);
    }
  }

  /** The model's context length as its details say (`<arch>.context_length`), asked once; null when the server does not say. */
  private async modelContext(signal?: AbortSignal): Promise<number | null> {
    if (this.contextLength !== undefined) return this.contextLength;
    try {
      // a short timeout of its own: a server that does not answer this is asked the chat anyway
      const client = new Ollama({ host: this.host, headers: this.headers, fetch: (input, init) => fetch(input, { ...init, signal: requestSignal(10_000, signal) }) });
      const details = await client.show({ model: this.model });
      const info = (details.model_info ?? {}) as unknown as Record<string, unknown>;
      const key = Object.keys(info).find((k) => k.endsWith('.context_length'));
      this.contextLength = key !== undefined && Number.isFinite(Number(info[key])) ? Number(info[key]) : null;
    } catch {
      if (signal?.aborted) throw new LlmError('cancelled', `ollama at ${this.host}: cancelled`, false);
      this.contextLength = null; // an older server, or no such model: the chat request says which
    }
    return this.contextLength;
  }

  private explain(err: unknown, what: string, signal?: AbortSignal): LlmError {
    const status = (err as { status_code?: number }).status_code;
    const message = (err as Error).message ?? String(err);
    if (status === 404 || /not found/i.test(message)) {
      return new LlmError('model_missing', `${what} has no model '${this.model}': run 'ollama pull ${this.model}' there, or set eureka.model`, false);
    }
    if (status === 429) return new LlmError('rate_limited', `${what}: too many requests (429)`, true);
    if (status !== undefined && status >= 500) return new LlmError('server', `${what}: server error ${status}: ${message}`, true);
    if (status !== undefined) return new LlmError('bad_request', `${what}: ${status}: ${message}`, false);
    return classifyFailure(err, what, this.timeoutMs, signal);
  }
}
