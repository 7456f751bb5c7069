/** Retries with exponential backoff for transient LLM failures (connection, 429, 5xx). */
import { setTimeout as sleep } from 'node:timers/promises';
import { LlmError } from './types';

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs?: number;
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const retryable = err instanceof LlmError && err.retryable;
      if (!retryable || attempt > policy.retries || signal?.aborted) throw err;
      const delay = Math.min(policy.maxDelayMs ?? 30_000, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(delay * (0.75 + Math.random() * 0.5), undefined, { signal });
    }
  }
}

/** Run tasks with at most `limit` at once, results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The user's signal and a per-request timeout as one signal. */
export function requestSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** What a fetch-level failure means for the caller. */
export function classifyFailure(err: unknown, what: string, timeoutMs: number, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  const e = err as Error & { cause?: { code?: string; message?: string }; name?: string };
  if (signal?.aborted) return new LlmError('cancelled', `${what}: cancelled`, false);
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new LlmError('timeout', `${what}: no answer within ${timeoutMs / 1000} s`, true);
  const detail = e?.cause?.code ?? (e as { code?: string }).code ?? e?.cause?.message ?? e?.message ?? String(err);
  return new LlmError('unreachable', `${what}: ${detail}`, true);
}
