/** One interface over every LLM backend: K completions for a conversation, streamed. */
import type { ChatMessage } from '../prompts';

export interface GenerateOptions {
  /** Completions wanted (Eureka's K). */
  n: number;
  temperature?: number;
  seed?: number;
  /** Longest completion, in tokens. */
  maxTokens?: number;
  signal?: AbortSignal;
  /** Each piece of text as it streams in, per completion index. */
  onText?: (index: number, text: string) => void;
}

export interface Completion {
  /** The answer, without any thinking (thinking.ts). */
  text: string;
  /** What a reasoning model thought before answering; '' when none. Not the answer. */
  thinking?: string;
  promptTokens: number;
  completionTokens: number;
  /** Wall time of the request that produced it. */
  ms: number;
  /** Attempts it took (1 = no retry). */
  attempts: number;
  /**
   * Set when this sample's own request failed after its retries while the others of the call
   * answered (Ollama's K requests): its text is '' and only this sample is lost.
   */
  error?: string;
}

export interface LlmBackend {
  readonly name: string;
  readonly model: string;
  generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Completion[]>;
}

/** What to shorten when a prompt does not fit the model's context (the env folder's files the LLM is shown). */
export const SHORTEN = "shorten the env folder's step.py (the env code the LLM is shown) or task_description.txt, or use a model with a longer context";

export type LlmErrorKind = 'unreachable' | 'model_missing' | 'auth' | 'rate_limited' | 'server' | 'timeout' | 'cancelled' | 'bad_request';

/** A failed LLM call, said plainly, with whether trying again can help. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
