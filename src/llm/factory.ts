/** The backend a config names, with its host, timeout, retries and concurrency. */
import type { EurekaConfig } from '../config/index';
import { LocalBackend } from './local';
import { OllamaBackend } from './ollama';
import { OpenAiBackend } from './openai';
import type { LlmBackend } from './types';

export function backendFromConfig(eureka: EurekaConfig): LlmBackend {
  const timeoutMs = eureka.timeout_s * 1000;
  const retry = { retries: eureka.max_retries, baseDelayMs: 1000 };
  switch (eureka.backend) {
    case 'local':
      return new LocalBackend();
    case 'ollama':
      return new OllamaBackend({ model: eureka.model, host: eureka.host ?? undefined, timeoutMs, retry, concurrency: eureka.concurrency });
    case 'openai':
      return new OpenAiBackend({ model: eureka.model, baseURL: eureka.host ?? undefined, timeoutMs, retry, concurrency: eureka.concurrency });
  }
}
