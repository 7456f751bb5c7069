/**
 * OpenAI and compatible servers through the `openai` npm client: all K samples in one call
 * (`n`), streamed; `baseURL` for any compatible server; the key from OPENAI_API_KEY.
 */
import OpenAI from 'openai';
import type { ChatMessage } from '../prompts';
import { classifyFailure, requestSignal, withRetries, type RetryPolicy } from './retry';
import { LlmError, type Completion, type GenerateOptions, type LlmBackend } from './types';

export interface OpenAiOptions {
  model: string;
  baseURL?: string;
  apiKey?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export class OpenAiBackend implements LlmBackend {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly where: string;

  constructor(opts: OpenAiOptions) {
    this.model = opts.model;
    const apiKey = opts.apiKey ?? process.env.OPENAI_API_KEY ?? (opts.baseURL ? 'unused' : undefined);
    if (!apiKey) throw new LlmError('auth', 'OPENAI_API_KEY is not set: export it, or set eureka.host to a compatible server', false);
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retry = opts.retry ?? { retries: 3, baseDelayMs: 1000 };
    // Retries are ours (one policy for every backend), so the client's own are off.
    this.client = new OpenAI({ apiKey, baseURL: opts.baseURL, maxRetries: 0, timeout: this.timeoutMs });
    this.where = opts.baseURL ? `the OpenAI-compatible server at ${opts.baseURL}` : 'OpenAI';
  }

  generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]> {
    return withRetries((attempt) => this.once(messages, opts, attempt), this.retry, opts.signal);
  }

  private async once(messages: ChatMessage[], opts: GenerateOptions, attempts: number): Promise<Completion[]> {
    const started = performance.now();
    const texts = Array.from({ length: opts.n }, () => '');
    let usage = { prompt_tokens: 0, completion_tokens: 0 };
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          messages,
          n: opts.n,
          temperature: opts.temperature,
          seed: opts.seed,
          max_completion_tokens: opts.maxTokens,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: requestSignal(this.timeoutMs, opts.signal) },
      );
      for await (const chunk of stream) {
        for (const choice of chunk.choices ?? []) {
          const piece = choice.delta?.content;
          if (piece && choice.index < texts.length) {
            texts[choice.index] += piece;
            opts.onText?.(choice.index, piece);
          }
        }
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (err) {
      throw this.explain(err, opts.signal);
    }
    const ms = performance.now() - started;
    // One call serves all K: its prompt is counted once, its output split evenly.
    return texts.map((text, i) => ({
      text,
      promptTokens: i === 0 ? usage.prompt_tokens : 0,
      completionTokens: Math.round(usage.completion_tokens / opts.n),
      ms,
      attempts,
    }));
  }

  private explain(err: unknown, signal?: AbortSignal): LlmError {
    if (err instanceof OpenAI.APIError && err.status !== undefined) {
      const s = err.status;
      if (s === 401 || s === 403) return new LlmError('auth', `${this.where} refused the API key (${s})`, false);
      if (s === 404) return new LlmError('model_missing', `${this.where} has no model '${this.model}' (404): set eureka.model`, false);
      if (s === 429) return new LlmError('rate_limited', `${this.where}: too many requests (429)`, true);
      if (s >= 500) return new LlmError('server', `${this.where}: server error ${s}`, true);
      return new LlmError('bad_request', `${this.where}: ${s}: ${err.message}`, false);
    }
    if (err instanceof OpenAI.APIUserAbortError) return new LlmError('cancelled', `${this.where}: cancelled`, false);
    const cause = err instanceof OpenAI.APIConnectionError ? ((err as { cause?: unknown }).cause ?? err) : err;
    return classifyFailure(cause, this.where, this.timeoutMs, signal);
  }
}
